"""The workstation's briefing button: the same briefing as ``gridwall report``, asked of the case server."""

from __future__ import annotations

import shutil
from pathlib import Path

from pytestqt.qtbot import QtBot
from test_briefing import DAY, _pages, _text
from waiting import WAIT_MS, wait_until

from desktop.briefing_button import BriefingExport
from desktop.startup import server_config
from feeds.analytics import QueryService
from feeds.briefing import build_briefing
from feeds.client import ClientThread
from feeds.server import ServerThread, TokenBook
from feeds.store import Store


def test_the_button_writes_the_briefing_from_the_servers_answers(
    qtbot: QtBot, store: Store, service: QueryService, tmp_path: Path
) -> None:
    """Over the protocol (no store at the desk): the figures equal the store's own, and the PDF is written."""
    assert shutil.which("pdftotext"), "pdftotext missing: ./run installs Debian's poppler-utils"
    book = TokenBook()
    book.add("op-token", "operator", "duty leader")
    server = ServerThread(server_config(book, store=store)).start()
    client = ClientThread(server.url, "op-token").start()
    export = BriefingExport(client)
    try:
        assert wait_until(lambda: client.status.state == "live")
        asked = build_briefing(lambda name, params: client.query(name, params, timeout=120), None, DAY, "day")
        direct = build_briefing(service.handle, store.engine, DAY, "day")
        assert asked.summary == direct.summary and asked.weather == direct.weather
        assert asked.subdistricts == direct.subdistricts
        pdf = tmp_path / "desk.pdf"
        with qtbot.waitSignal(export.sigDone, timeout=WAIT_MS * 2) as done:
            export.start(DAY, "day", "en", pdf)
        assert done.args is not None and done.args[1], done.args
        assert _pages(pdf) >= 4 and "Xicheng" in _text(pdf)  # English runs longer than Chinese
    finally:
        export.shutdown()
        client.stop()
        server.stop()
