"""A language switch rewrites the panels' notes and figure rows at once, not at their next update."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QFontMetrics
from waiting import WAIT_MS

from desktop.i18n import Translations
from feeds.live import LiveState, load_names
from feeds.protocol import Kpis, Snapshot
from feeds.protocol.answers import ForecastAnswer
from widgets.charts import HourlyTrendChart
from widgets.response_panel import ResponsePanel
from widgets.warnings_panel import WarningsPanel


def test_notes_and_rows_follow_a_language_switch(qtbot: Any) -> None:
    """Chinese notes (今日 … 件, 近30天, 本周约 …) become English the moment the translator changes, and back."""
    translations = Translations()
    state = LiveState(load_names())
    today = {"response_rate": 0.9, "resolution_rate": 0.8, "satisfaction_rate": 0.7, "response_window_s": 2_592_000}
    state.apply([Snapshot(head=0, store_id="s1", kpi=Kpis(today=today, totals={}))], now=1_796_400_000.0)
    forecast = ForecastAnswer.from_wire(
        {
            "method": "m",
            "days": [],
            "series": [
                {
                    "subclass": {"code": "0101", "zh": "非法小广告", "en": "illegal small ads"},
                    "history": [],
                    "forecast": [100.0, 226.0],
                }
            ],
        }
    )
    try:
        translations.set_language("zh")
        chart, response, warnings = HourlyTrendChart(), ResponsePanel(), WarningsPanel()
        for widget in (chart, response, warnings):
            qtbot.addWidget(widget)
        chart.update_charts(state.charts())
        response.update_response(state.response())
        warnings.update_forecast(forecast, now=1_796_400_000.0)
        assert (chart.note_label.text(), response.note_label.text()) == ("今日 0 件", "近30天")
        assert warnings.rows["forecast"][0].figure == "本周约 326"
        translations.set_language("en")  # Qt delivers LanguageChange on the next turn of the event loop
        qtbot.waitUntil(lambda: chart.note_label.text() == "0 today", timeout=WAIT_MS)
        assert response.note_label.text() == "last 30 days"
        assert warnings.rows["forecast"][0].figure == "≈326 this week" and warnings.updated_at == 1_796_400_000.0
        long_figure = "≈2,592 this week"  # the English figure gets the room it needs, the bars give it up
        need = QFontMetrics(warnings.scale.font(0.68, numeric=True)).horizontalAdvance(long_figure)
        right_w = need * 1.8  # 42 % of it is too little for the words, 70 % enough
        room = warnings.forecast_label_width(right_w, long_figure)
        assert right_w * 0.42 < room <= right_w * 0.7 and need < room
        translations.set_language("zh")
        qtbot.waitUntil(lambda: chart.note_label.text() == "今日 0 件", timeout=WAIT_MS)
        assert warnings.rows["forecast"][0].figure == "本周约 326"
    finally:
        translations.set_language("en")  # the application's translator: leave it as the next test expects
