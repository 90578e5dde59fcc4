"""The workstation's briefing button: the PDF of ``gridwall report``, from the case server it is connected to.

*Reports* offers yesterday's daily briefing, the weekly one (the seven days to yesterday) and
the monthly one (the month to yesterday), in the workstation's language; the operator says
where to save it (a file dialog in ``desktop/workstation.py``, like the CSV export's). The
figures come from the server's analytics queries (the same ones ``gridwall report`` asks
the store), gathered on a worker thread, and the PDF is written on the GUI thread with
:func:`desktop.briefing.write_briefing_pdf`.
"""

from __future__ import annotations

import logging
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from desktop.briefing import write_briefing_pdf
from feeds.briefing import Briefing, build_briefing
from feeds.client import ClientThread

log = logging.getLogger(__name__)
QUERY_TIMEOUT_S = 120.0
"""A briefing asks a dozen analytics queries; the first may build the server's cube."""


class BriefingExport(QObject):
    """Writes a briefing PDF from a case server's answers.

    Signals:
        sigDone(str, bool): what happened (the file and its pages, or why not), and whether it worked.
    """

    sigDone = Signal(str, bool)
    _sigFigures = Signal(object, object, str)

    def __init__(self, client: ClientThread, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.client = client
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="gridwall-briefing")
        self._sigFigures.connect(self._write)
        self.busy = False

    def start(self, day: date, period: str, lang: str, path: Path) -> None:
        """Gather the figures of ``day``'s ``period`` and write them to ``path`` (PDF)."""
        if self.busy:
            return
        self.busy = True

        def ask(name: str, params: dict[str, Any]) -> Any:
            return self.client.query(name, params, timeout=QUERY_TIMEOUT_S)

        def gather() -> None:
            try:
                briefing = build_briefing(ask, None, day, period, now=time.time())
            except Exception as exc:
                log.warning("briefing figures failed: %s", exc)
                self.busy = False
                self.sigDone.emit(self.tr("Briefing failed: %1").replace("%1", str(exc)), False)
                return
            self._sigFigures.emit(briefing, path, lang)

        self._pool.submit(gather)

    def _write(self, briefing: Briefing, path: Path, lang: str) -> None:
        try:
            pages = write_briefing_pdf(briefing, path, lang)
        except OSError as exc:
            self.sigDone.emit(self.tr("Briefing failed: %1").replace("%1", str(exc)), False)
        else:
            self.sigDone.emit(self.tr("%1 written (%2 pages)").replace("%1", str(path)).replace("%2", str(pages)), True)
        finally:
            self.busy = False

    def shutdown(self) -> None:
        """Wait for a briefing under way."""
        self._pool.shutdown(wait=True)
