"""Privacy: a wall-role client never receives callers' names, phone numbers or house numbers; an operator does."""

from __future__ import annotations

import json

from server_helpers import Wire, make_case

from feeds.protocol import Ack, Action, CaseCreated, CaseNoted, Query, Result
from feeds.server import ServerThread

DESCRIPTION = "来电人张先生（13812345678）反映：幸福里3号楼502室门口垃圾堆放，联系电话010-65123456"
ADDRESS = "东四北大街107号"
NOTE = "已联系市民王小明，电话13900001111"
PERSONAL = ("张先生", "13812345678", "3号楼", "502室", "65123456", "107号", "王小明", "13900001111")


def _frames_text(wire: Wire) -> str:
    return "\n".join(json.dumps(m.to_wire(), ensure_ascii=False) for m in wire.received)


def _publish(producer: Wire, case_id: str) -> None:
    case = make_case(case_id, source="hotline_12345", description=DESCRIPTION, address=ADDRESS)
    producer.send(CaseCreated(case, id=f"pub-{case_id}"))
    assert isinstance(producer.reply(f"pub-{case_id}"), Ack)


def test_wall_frames_are_masked_operator_frames_are_not(server: ServerThread) -> None:
    """Snapshot, live events, notes and the case query: masked for a wall, whole for an operator."""
    producer = Wire(server.url, "prod-token")
    producer.hello()
    _publish(producer, "P1")  # before the clients connect: reaches them in the snapshot
    live_wall = Wire(server.url, "wall-token")
    live_wall.hello()
    operator = Wire(server.url, "op-token")
    operator.hello()
    _publish(producer, "P2")  # live broadcast
    operator.send(Action("note", "P2", NOTE, id="n1"))
    assert isinstance(operator.reply("n1"), Ack)
    noted = live_wall.until(lambda m: isinstance(m, CaseNoted))[-1]
    assert isinstance(noted, CaseNoted) and noted.text == "已联系市民*，电话1**********"
    late_wall = Wire(server.url, "wall-token")  # snapshot + nothing else
    late_wall.hello()
    resumed_wall = Wire(server.url, "wall-token")  # backfill from the event log
    resumed_wall.hello(last_seq=0, store_id=server.server.store.store_id)
    for wire in (live_wall, late_wall, resumed_wall, operator):
        wire.send(Query("case", {"case_id": "P2"}, id="q"))
        assert isinstance(wire.reply("q"), Result)

    for wall in (live_wall, late_wall, resumed_wall):
        text = _frames_text(wall)
        assert "P1" in text and "P2" in text and "垃圾堆放" in text  # the cases themselves arrive
        leaked = [p for p in PERSONAL if p in text]
        assert not leaked, f"a wall received personal data: {leaked}"
        assert "来电人*（1**********）反映：幸福里*号楼*室门口垃圾堆放" in text
        assert "东四北大街*号" in text

    whole = _frames_text(operator)
    assert all(p in whole for p in PERSONAL), "the operator sees the callers' words as sent"
    found = server.server.store.case("P1")
    assert found is not None and found[0].description == DESCRIPTION  # the store keeps them
    for wire in (producer, live_wall, late_wall, resumed_wall, operator):
        wire.close()
