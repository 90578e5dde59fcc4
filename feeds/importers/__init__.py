"""Importers: real data from other systems into the case store (no Qt).

Every source turns its records into :class:`~feeds.importers.records.ImportedCase`
(or weather alerts), counts what it took and skipped in an
:class:`~feeds.importers.report.ImportReport`, and hands the result to a sink:
the store's bulk path for large files, or the producer websocket path the
simulator uses for live sources.
"""
