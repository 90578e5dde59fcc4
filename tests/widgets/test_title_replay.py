"""The title bar during a replay: the replay mark, and a connection chip that shows no live latency."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from widgets.theme import Scale
from widgets.title_bar import TitleBar

NOW = 1_800_000_000.0


def test_a_replay_replaces_the_live_latency_and_live_brings_it_back(qtbot: QtBot) -> None:
    """Connected and replaying: "replayed events", no "Live · N ms"; back to live: the latency again."""
    title = TitleBar(Scale(1080.0))
    qtbot.addWidget(title)
    title.set_status("live", NOW, 26.0)
    assert title.status_text == "● Live · 26 ms" and title.replay_text == ""
    title.set_replay(600.0)
    assert title.replay_text == "回放 / REPLAY · 600×"
    assert title.status_text == "● Connected · replayed events"
    title.set_status("live", NOW, 31.0)  # latency reports go on arriving during the replay
    assert "ms" not in title.status_text and "Live" not in title.status_text
    title.set_status("reconnecting", NOW, None)  # a lost connection still says so
    assert title.status_text.startswith("Reconnecting")
    title.set_status("live", NOW, 31.0)
    title.set_replay(None)
    assert title.status_text == "● Live · 31 ms" and title.replay_text == ""
