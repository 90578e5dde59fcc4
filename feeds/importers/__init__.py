"""Importers: real data from other systems into the case store (no Qt).

Every source turns its records into :class:`~feeds.importers.records.ImportedCase`
(or weather alerts), counts what it took and skipped in an
:class:`~feeds.importers.report.ImportReport`, and hands the result to a sink:
the store's bulk path for large files, or the producer websocket path the
simulator uses for live sources.
"""

CELL_M_MIN, CELL_M_MAX = 10.0, 100_000.0
"""The cell sizes (metres) ``--cell-m`` takes for generated grids: from 10 m to 100 km (far larger
cells span more degrees than the globe has; smaller ones are no unit grid). Here, in a module
that imports nothing, because the command line's parser names them."""
