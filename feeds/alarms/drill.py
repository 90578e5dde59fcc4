"""Drill scenarios (演练) for the duty room: publish a bad-weather situation or an alarm flood.

``python -m feeds.alarms.drill --server ws://127.0.0.1:8765 --token <producer> rainstorm``
publishes a rainstorm orange warning and drill sensors in alarm at the underpasses;
``flood`` publishes 24 drill sensor alarms within a minute. With ``--operator-token`` it then
acknowledges two alarms and ticks two steps of the plan, as an operator would. ``--clear``
lifts the warning and brings the drill sensors back to normal. Every drill sensor's name
starts with 演练 (drill), and its id with ``drill-``, so a drill is never mistaken for the
real thing and never touches real sensors.
"""

from __future__ import annotations

import argparse
import sys
import time

from feeds.client import ClientThread
from feeds.protocol import AlarmAction, Message, PlanAction, SensorReading, WeatherWarning

UNDERPASSES = (
    ("西便门桥下凹桥区", 116.354, 39.900),
    ("白纸坊桥下凹桥区", 116.351, 39.878),
    ("天宁寺桥下凹桥区", 116.343, 39.896),
    ("官园桥下凹桥区", 116.356, 39.931),
    ("积水潭桥下凹桥区", 116.372, 39.948),
    ("广安门桥下凹桥区", 116.349, 39.889),
)
GAUGES = (("什刹海雨量站", 116.385, 39.940), ("金融街雨量站", 116.360, 39.916), ("天桥雨量站", 116.388, 39.884))
WARNING_ID = "drill-rainstorm"


def rainstorm(alarm: bool = True) -> list[Message]:
    """A rainstorm orange warning (lifted with ``alarm=False``) and the underpasses and gauges."""
    text = "（演练）西城区气象台发布暴雨橙色预警信号：预计未来3小时将出现50毫米以上降雨，注意防范城市内涝。"
    msgs: list[Message] = [WeatherWarning(WARNING_ID, "rainstorm", "orange", alarm, text)]
    for i, (name, lon, lat) in enumerate(UNDERPASSES[:3], start=1):
        depth = 31.0 + 4 * i if alarm else 2.0
        msgs.append(
            SensorReading(f"drill-wl-{i:02d}", "water_level", depth, "cm", 27, alarm, lon + 0.001, lat, f"演练·{name}")
        )
    for i, (name, lon, lat) in enumerate(GAUGES[:2], start=1):
        rain = 58.0 + 6 * i if alarm else 0.0
        msgs.append(
            SensorReading(f"drill-rg-{i:02d}", "rain_gauge", rain, "mm/h", 50, alarm, lon + 0.001, lat, f"演练·{name}")
        )
    return msgs


def flood(alarm: bool = True, n: int = 24) -> list[Message]:
    """``n`` manhole-cover sensors in alarm across the district (a burst: more than 10 in 10 min)."""
    msgs: list[Message] = []
    for i in range(n):
        lon = 116.335 + (i % 6) * 0.011
        lat = 39.880 + (i // 6) * 0.017
        kind = "manhole" if i % 3 else "water_level"
        value, threshold, unit = (12.0 + i, 10.0, "°") if kind == "manhole" else (30.0 + i, 27.0, "cm")
        name = f"演练·井盖位移 {i + 1:02d}" if kind == "manhole" else f"演练·积水点 {i + 1:02d}"
        msgs.append(SensorReading(f"drill-f-{i + 1:02d}", kind, value if alarm else 0.0, unit, threshold, alarm,
                                  lon, lat, name))  # fmt: skip
    return msgs


def _connect(server: str, token: str, name: str) -> ClientThread:
    client = ClientThread(server, token, client_name=name).start()
    deadline = time.monotonic() + 60
    while client.status.state != "live":
        if time.monotonic() > deadline:
            client.stop()
            raise SystemExit(f"{name}: no live connection to {server} ({client.status.state})")
        time.sleep(0.2)
    return client


def run(server: str, token: str, scenario: str, clear: bool, operator: str | None, pause_s: float) -> int:
    """Publish the scenario (and the operator's first moves); returns a process exit status."""
    msgs = rainstorm(not clear) if scenario == "rainstorm" else flood(not clear)
    producer = _connect(server, token, "gridwall-drill")
    try:
        for msg in msgs:
            producer.publish(msg)
            time.sleep(pause_s)
    finally:
        producer.stop()
    print(f"drill {scenario}: {len(msgs)} messages published{' (cleared)' if clear else ''}")
    if operator is None or clear:
        return 0
    op = _connect(server, operator, "gridwall-drill-operator")
    try:
        ids = _drill_alarms(op)
        if ids:
            op.publish(AlarmAction("ack", tuple(ids)))
        ticked = 0
        for run_ in op.query("plan_runs", {"hours": 1})["runs"]:
            if run_["alert_id"] == WARNING_ID and run_.get("closed_at") is None:
                for step in run_["steps"][:2]:
                    op.publish(PlanAction(run_["id"], step["id"]))
                    ticked += 1
    finally:
        op.stop()
    print(f"operator: acknowledged {len(ids)} alarms, ticked {ticked} plan steps")
    return 0


def _drill_alarms(op: ClientThread, wait_s: float = 30.0) -> list[str]:
    """Ids of up to two open drill alarms, waiting until the server's alarm engine (a scan every
    2 s) has raised them; empty if none came within ``wait_s`` (a busy server: said, not hidden)."""
    deadline = time.monotonic() + wait_s
    while True:
        data = op.query("alarms", {"state": "open"})
        ids = [a["id"] for a in data["alarms"] if a["source"].startswith("drill-")][:2]
        if ids or time.monotonic() >= deadline:
            if not ids:
                print(f"operator: no drill alarm raised within {wait_s:.0f} s; nothing acknowledged")
            return ids
        time.sleep(0.5)


def main(argv: list[str] | None = None) -> int:
    """Command line."""
    parser = argparse.ArgumentParser(prog="python -m feeds.alarms.drill", description=__doc__.splitlines()[0])
    parser.add_argument("scenario", choices=("rainstorm", "flood"))
    parser.add_argument("--server", required=True, help="case server URL, e.g. ws://127.0.0.1:8765")
    parser.add_argument("--token", required=True, help="producer token")
    parser.add_argument("--operator-token", help="operator token: acknowledge two alarms and tick two plan steps")
    parser.add_argument("--clear", action="store_true", help="end the drill: lift the warning, sensors back to normal")
    parser.add_argument("--pause", type=float, default=0.5, help="seconds between messages (default 0.5)")
    args = parser.parse_args(argv)
    started = time.monotonic()
    status = run(args.server, args.token, args.scenario, args.clear, args.operator_token, args.pause)
    print(f"done in {time.monotonic() - started:.1f} s")
    return status


if __name__ == "__main__":
    sys.exit(main())
