"""A 全响应 request in the case detail: the 接派办评 step bar, the evaluation row and its history, zh and en.

Requests come from the simulator's seeder (``seed_requests``: the seeded first return visit
and re-opening rows of re-opened requests) and from the store's event path (a live return
visit), and are read back through the ``case`` query, as the drill-down does.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QTranslator
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from feeds.analytics import QueryService
from feeds.live import TableNames
from feeds.protocol import CaseClosed, CaseCreated, CaseEvaluated, CaseStageChanged
from feeds.protocol.answers import CaseDetailAnswer
from feeds.protocol.fields import iso
from feeds.simulator.model.calendar import DAY_S, epoch
from feeds.simulator.model.district import load_district
from feeds.simulator.response.history import seed_requests
from feeds.simulator.response.live import VISITOR
from feeds.store import Store, open_store
from feeds.store.schema import cases
from widgets.drilldown import CaseDetailView
from widgets.theme import Scale

SCALE = Scale(1080)
NOW = epoch(2026, 11, 20)
QM = Path(__file__).resolve().parents[2] / "resources" / "i18n" / "gridwall_zh_CN.qm"
LATIN = re.compile(r"[A-Za-z]")
CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]")
LIVE_ID = "QX20261119000999"


@pytest.fixture(scope="module")
def request_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """Twenty seeded days of requests, plus one request evaluated through the live event path."""
    store = open_store(str(tmp_path_factory.mktemp("requests") / "r.db"))
    district = load_district(0, frozenset(store.reference.grids))
    seed_requests(store, NOW - 20 * DAY_S, NOW - DAY_S, district, seed=3)
    t0 = NOW - 20 * 3600
    grid, lon, lat = district.grid_codes[0], float(district.lon[0, 0]), float(district.lat[0, 0])
    created = CaseCreated.parse(
        {
            "case": {
                "id": LIVE_ID,
                "kind": "event",
                "subclass": "210103",
                "source": "hotline_12345",
                "grid": grid,
                "lon": lon,
                "lat": lat,
                "stage": "reported",
                "reported_at": iso(t0),
                "department": "D14",
                "platform": "response",
            },
        }
    )
    for msg in (
        created,
        CaseStageChanged(LIVE_ID, "filed", ts=t0 + 60),
        CaseStageChanged(LIVE_ID, "dispatched", response_deadline=t0 + 7200, deadline=t0 + 86_400, ts=t0 + 600),
        CaseStageChanged(LIVE_ID, "handling", ts=t0 + 3600),
        CaseStageChanged(LIVE_ID, "closure_requested", ts=t0 + 20_000),
        CaseStageChanged(LIVE_ID, "verifying", ts=t0 + 30_000),
        CaseEvaluated(LIVE_ID, resolved=True, satisfaction="basically_satisfied", by=VISITOR, ts=t0 + 40_000),
        CaseClosed(LIVE_ID, ts=t0 + 41_000),
    ):
        store.append_events([msg])
    yield store
    store.close()


@pytest.fixture(scope="module")
def request_service(request_store: Store) -> QueryService:
    return QueryService(request_store.engine, cache_path=None, clock=lambda: NOW, sync_interval_s=1e9)


def _case(service: QueryService, case_id: str) -> CaseDetailAnswer:
    return CaseDetailAnswer.from_wire(service.handle("case", {"id": case_id}))


def _reopened_id(store: Store) -> str:
    """A seeded request re-opened after an unresolved first visit, evaluated again and closed."""
    with store.engine.connect() as conn:
        query = (
            select(cases.c.id)
            .where(cases.c.reworks > 0, cases.c.satisfaction.is_not(None), cases.c.stage == "closed")
            .order_by(cases.c.id)
        )
        found = conn.execute(query).scalars().first()
    assert found is not None, "twenty seeded days hold a re-opened, re-evaluated request"
    return str(found)


@pytest.fixture
def zh() -> Iterator[None]:
    """The packaged Chinese translation installed for one test."""
    translator = QTranslator()
    assert translator.load(str(QM))
    QCoreApplication.installTranslator(translator)
    yield
    QCoreApplication.removeTranslator(translator)


def _view(qtbot: QtBot, names: TableNames, lang: str) -> CaseDetailView:
    view = CaseDetailView(names, SCALE)
    qtbot.addWidget(view)
    view.set_language(lang)
    view.retranslate()
    view.resize(1100, 700)
    view.show()
    return view


def _shown_texts(view: CaseDetailView) -> list[str]:
    """The timeline's step bar labels and list rows (names, actors, notes) as drawn."""
    t = view.timeline
    return [*t.chain_labels(), *(t.step_name(e) for e in t.entries), *(t.step_extra(e.step) for e in t.entries)]


def test_request_detail_in_english(
    qtbot: QtBot, names: TableNames, request_store: Store, request_service: QueryService
) -> None:
    """English: 接派办评 step bar, stage names of a request, the evaluation row, history rows without Chinese."""
    view = _view(qtbot, names, "en")
    data = _case(request_service, _reopened_id(request_store))
    c = data.case
    assert c.platform == "response" and c.satisfaction and c.reworks == 1 and c.stage == "closed"
    view.show_case(data)
    assert view.timeline.chain_labels() == ["Receive", "Dispatch", "Handle", "Evaluate (return visit)", "Close"]
    assert view.badges["platform"].isVisibleTo(view)
    rating = {"satisfied": "satisfied", "basically_satisfied": "basically satisfied", "unsatisfied": "unsatisfied"}
    evaluation = view.field_values["evaluation"].text()
    assert view.field_values["evaluation"].isVisibleTo(view) and view.field_names["evaluation"].text() == "Evaluation"
    assert evaluation.startswith(("resolved · " if c.resolved else "not resolved · ") + rating[c.satisfaction or ""])
    assert "re-opened 1×" in evaluation and "Response deadline" in evaluation
    first = next(e for e in view.timeline.entries if e.step.action == "evaluated")
    assert view.timeline.step_name(first) == "Return visit (evaluation)"
    assert view.timeline.step_extra(first.step).startswith("seeded history · not resolved, ")
    reopened = next(e for e in view.timeline.entries if e.step.action == "rework")
    assert view.timeline.step_extra(reopened.step) == "seeded history · not resolved at the return visit, re-opened"
    visits = [e for e in view.timeline.entries if e.step.action == "evaluated"]
    assert len(visits) == 2 and visits[0].step.at < reopened.step.at < visits[1].step.at == c.evaluated_at
    assert [v.chain_index for v in visits] == [3, 3] and reopened.chain_index == -1  # 评 is reached
    final = ("resolved, " if c.resolved else "not resolved, ") + rating[c.satisfaction or ""]
    assert view.timeline.step_extra(visits[1].step) == f"seeded history · {final}"
    fields = [v.text() for k, v in view.field_values.items() if k != "address"]  # the address is stored text
    texts = _shown_texts(view) + fields + [view.badges["stage"].text()]
    leaks = [t for t in texts if CJK.search(t.replace("全响应", ""))]
    assert leaks == [] and not any(t.split(" · ")[0] == "history" for t in texts)
    words = {"reported": "Received", "filed": "Accepted", "dispatched": "Dispatched to department",
             "handling": "Department handling", "closure_requested": "Reply sent", "verifying": "Return visit",
             "closed": "Request closed"}  # fmt: skip
    assert view.badges["stage"].text() == words[c.stage]

    live = _case(request_service, LIVE_ID)
    view.show_case(live)
    evaluated = next(e for e in view.timeline.entries if e.step.action == "evaluated")
    assert view.timeline.step_extra(evaluated.step) == "return visitor · resolved, basically satisfied"
    assert view.field_values["evaluation"].text().startswith("resolved · basically satisfied · ")
    assert view.badges["stage"].text() == "Request closed"
    chain = {e.step.action: e.chain_index for e in view.timeline.entries}
    assert chain == {"reported": 0, "filed": 0, "dispatched": 1, "handling": 2, "closure_requested": 2,
                     "verifying": 3, "evaluated": 3, "closed": 4}  # fmt: skip
    assert not view.grab().isNull()


def test_request_detail_in_chinese(
    qtbot: QtBot, names: TableNames, request_store: Store, request_service: QueryService, zh: None
) -> None:
    """Chinese: 接/派/办/评（回访）/办结, the evaluation row and the seeded and live history rows without English."""
    view = _view(qtbot, names, "zh")
    data = _case(request_service, _reopened_id(request_store))
    view.show_case(data)
    assert view.timeline.chain_labels() == ["接", "派", "办", "评（回访）", "办结"]
    evaluation = view.field_values["evaluation"].text()
    assert view.field_names["evaluation"].text() == "回访评价"
    assert evaluation.startswith(("已解决" if data.case.resolved else "未解决") + " · ")
    assert "重办1次" in evaluation
    reopened = next(e for e in view.timeline.entries if e.step.action == "rework")
    assert view.timeline.step_extra(reopened.step) == "历史数据 · 回访未解决，重新办理"
    first = next(e for e in view.timeline.entries if e.step.action == "evaluated")
    assert view.timeline.step_extra(first.step).startswith("历史数据 · 未解决，")
    live = _case(request_service, LIVE_ID)
    for shown in (data, live):
        view.show_case(shown)
        texts = _shown_texts(view) + [v.text() for v in view.field_values.values()] + [view.badges["stage"].text()]
        assert [t for t in texts if LATIN.search(t)] == []
    evaluated = next(e for e in view.timeline.entries if e.step.action == "evaluated")
    assert view.timeline.step_extra(evaluated.step) == "回访员 · 已解决，基本满意"
    assert view.field_values["evaluation"].text().startswith("已解决 · 基本满意 · ")


def test_city_case_keeps_the_city_step_bar(qtbot: QtBot, names: TableNames) -> None:
    """A city case (no platform field) shows 上报 … 结案, and a request after it 接派办评: the bar follows the case."""
    view = _view(qtbot, names, "en")
    city = CaseDetailAnswer.from_wire({"case": {"id": "XC1", "reported_at_s": 100, "filed_at_s": 200}, "history": []})
    view.show_case(city)
    assert view.timeline.chain_labels() == [
        "Reported", "Filed", "Dispatched", "Handling", "Closure requested", "Verifying", "Closed",
    ]  # fmt: skip
    assert not view.field_values["evaluation"].isVisibleTo(view)
    request = CaseDetailAnswer.from_wire(
        {"case": {"id": "QX1", "reported_at_s": 100, "filed_at_s": 200, "platform": "response"}, "history": []}
    )
    view.show_case(request)
    assert view.timeline.chain_labels()[0] == "Receive" and view.field_values["evaluation"].isVisibleTo(view)


def test_small_map_caption_follows_a_language_change(qtbot: QtBot) -> None:
    """The wall switches language after the case detail is built: the small map's caption follows (no 中文 in en)."""
    from widgets.drilldown.minimap import CaseMiniMap

    translator = QTranslator()
    assert translator.load(str(QM))
    QCoreApplication.installTranslator(translator)
    try:
        minimap = CaseMiniMap(SCALE)
        qtbot.addWidget(minimap)
        assert minimap.words["generated"] == "网格边界为生成示意"
    finally:
        QCoreApplication.removeTranslator(translator)
    qtbot.waitUntil(lambda: minimap.words["generated"] == "generated grid outlines", timeout=5000)
