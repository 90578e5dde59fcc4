"""The 全响应 panel and the drill-down's 全响应 side fed with plain data; the platform option of layout and feed."""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import QCoreApplication, QEvent, QPoint, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QToolTip
from pytestqt.qtbot import QtBot
from waiting import WAIT_MS

from desktop.layout import parse_layout
from feeds.live import Label, Ranked
from feeds.live.response import OverdueRequest, ResponseView
from feeds.protocol.answers import ResponseAnswer
from widgets.case_feed import CaseFeed
from widgets.drilldown.response_section import ResponseSection
from widgets.response_panel import ResponsePanel
from widgets.theme import Scale

SCALE = Scale(1080)


def _view(overdue: int = 2) -> ResponseView:
    rows = tuple(
        OverdueRequest(f"QX{i}", Label("室温不达标·投诉", "no heat: complaint"), Label("德胜街道", "Desheng"),
                       Label("热力集团", "Heating Group"), "response", 1000.0 + i)
        for i in range(overdue)
    )  # fmt: skip
    return ResponseView(
        today=23,
        by_channel=(
            Ranked("hotline_12345", Label("12345热线", "12345 hotline"), 20),
            Ranked("online", Label("网络渠道", "online"), 2),
            Ranked("grid_member", Label("网格员", "grid member"), 1),
        ),
        answered=14,
        rates={"response_rate": 0.981, "resolution_rate": 0.95, "satisfaction_rate": 0.962},
        rate_window_s=30 * 86_400,
        overdue=overdue,
        overdue_rows=rows,
        top_types=(Ranked("210103", Label("室温不达标·投诉", "no heat: complaint"), 5),),
    )


def test_panel_shows_channels_rates_overdue_and_types(qtbot: QtBot) -> None:
    """Channels, the three rates as %, the overdue count and the top type; a click on the overdue line opens it."""
    panel = ResponsePanel(SCALE)
    qtbot.addWidget(panel)
    panel.resize(600, 300)
    panel.set_language("en")
    panel.update_response(_view())
    texts = panel.texts()
    assert "23 requests today" in texts[0]
    assert texts[1] == "12345 hotline 20 · online 2 · grid member 1"
    assert texts[2:5] == ["Response rate 98.1%", "Resolution rate 95.0%", "Satisfaction rate 96.2%"]
    assert "2 overdue requests" in texts and "no heat: complaint 5" in texts
    assert panel.note_label.text() == "last 30 days"
    panel.show()
    qtbot.waitExposed(panel)
    panel.area.grab()  # paints, which places the overdue line
    rect = panel._overdue_rect
    assert not rect.isEmpty()
    centre = QPoint(int(rect.center().x()), int(rect.center().y()))
    with qtbot.waitSignal(panel.sigCaseActivated, timeout=WAIT_MS) as got:
        qtbot.mouseClick(panel.area, Qt.MouseButton.LeftButton, pos=centre)
    assert got.args == ["QX0"]
    with qtbot.waitSignal(panel.sigDrillDown, timeout=WAIT_MS) as drill:
        qtbot.mouseClick(panel.area, Qt.MouseButton.LeftButton, pos=QPoint(5, 5))
    assert drill.args == ["response", "110102"]


def test_english_lines_fit_or_elide_with_a_tooltip(qtbot: QtBot) -> None:
    """At the wall's size the English channel line and type names fit; squeezed, they elide, the whole as tooltip."""
    long_type = Label("生活垃圾清运·求助", "Household waste collection: request for help")
    view = _view()
    view = dataclasses.replace(view, top_types=(Ranked("110102", long_type, 7), *view.top_types))
    panel = ResponsePanel(SCALE)
    qtbot.addWidget(panel)
    panel.set_language("en")
    panel.update_response(view)
    panel.resize(462, 250)  # the panel's size on the 1920×1080 English wall
    panel.show()
    qtbot.waitExposed(panel)
    panel.area.grab()
    whole = [text for _, text in panel.elided]
    assert "12345 hotline 20 · online 2 · grid member 1" not in whole
    assert "requests today · answered on the line 14" not in whole
    assert long_type.en not in whole and "Satisfaction rate" not in whole
    panel.resize(300, 250)
    qtbot.waitUntil(lambda: panel.area.width() < 300, timeout=WAIT_MS)
    panel.area.grab()
    whole = [text for _, text in panel.elided]
    assert "requests today · answered on the line 14" in whole and long_type.en in whole
    for rect, text in panel.elided:
        assert panel.tooltip_at(rect.center().x(), rect.center().y()) == text
    assert panel.tooltip_at(-5, -5) == ""
    rect, text = panel.elided[-1]
    at = rect.center().toPoint()
    QCoreApplication.sendEvent(panel.area, QHelpEvent(QEvent.Type.ToolTip, at, panel.area.mapToGlobal(at)))
    qtbot.waitUntil(lambda: QToolTip.isVisible() and QToolTip.text() == text, timeout=WAIT_MS)
    QToolTip.hideText()


def test_drilldown_section_shows_rates_changes_and_rankings(qtbot: QtBot) -> None:
    """The three rates with 同比/环比 in points, counts, and subdistricts ranked by satisfaction."""
    section = ResponseSection(SCALE)
    qtbot.addWidget(section)
    rows = [
        {
            "code": "110102001",
            "name_zh": "西长安街街道",
            "name_en": "Xichang'anjie",
            "reported": 10,
            "satisfaction_rate": 0.9,
        },
        {
            "code": "110102003",
            "name_zh": "新街口街道",
            "name_en": "Xinjiekou",
            "reported": 5,
            "satisfaction_rate": 0.99,
        },
    ]
    data = {
        "figures": {"reported": 15, "answered": 9, "evaluated": 4, "overdue": 1, "response_rate": 0.98,
                    "resolution_rate": 0.95, "satisfaction_rate": 0.96},
        "pop": {"change": {"response_rate": {"delta": 0.012}}},
        "rankings": {"subdistrict": rows, "department": []},
    }  # fmt: skip
    section.show_answer(ResponseAnswer.from_wire(data))
    texts = section.texts()
    assert texts[:3] == ["98.0%", "95.0%", "96.0%"]
    assert "+1.2 pt" in texts[3] and "—" in texts[3]
    assert "15" in texts[-1] and "9" in texts[-1]
    assert section.tables["subdistrict"].codes() == ["110102003", "110102001"]


def test_feed_and_layout_platform_option(qtbot: QtBot) -> None:
    """``[wall] platforms`` is checked; a feed set to ``city`` leaves 全响应 requests out."""
    from test_panels import row

    screen = '[[screen]]\ncolumns = 1\nrows = 1\npanels = [{ name = "feed", row = 0, col = 0 }]\n'
    import tomllib

    assert parse_layout(tomllib.loads(screen), "t").platforms == {"city", "response"}
    city_only = parse_layout(tomllib.loads('[wall]\nplatforms = "city"\n' + screen), "t")
    assert city_only.platforms == {"city"}
    try:
        parse_layout(tomllib.loads('[wall]\nplatforms = "mars"\n' + screen), "t")
    except ValueError as exc:
        assert "platforms" in str(exc)
    else:
        raise AssertionError("a bad platforms value was accepted")
    feed = CaseFeed(SCALE)
    qtbot.addWidget(feed)
    feed.platforms = city_only.platforms
    feed.update_cases([row("R1", platform="response"), row("C1")])
    assert [r.id for r in feed.model._rows] == ["C1"]


def test_seeded_extra_history_rows_join_the_rebuilt_stages() -> None:
    """A seeded request's history (first visit, re-opening) sits among the stages rebuilt from its times."""
    from feeds.protocol.answers import CaseDetailAnswer
    from widgets.drilldown.steps import steps_from_detail

    case = {"id": "QX1", "reported_at_s": 100, "filed_at_s": 200, "dispatched_at_s": 300, "handled_at_s": 900}
    history = [
        {"at": 500, "action": "evaluated", "note": "unresolved, unsatisfied"},
        {"at": 600, "action": "rework", "note": "回访未解决，重新办理"},
    ]
    steps = steps_from_detail(CaseDetailAnswer.from_wire({"case": case, "history": history}))
    assert [s.action for s in steps] == [
        "reported", "filed", "dispatched", "handling", "evaluated", "rework", "closure_requested",
    ]  # fmt: skip
