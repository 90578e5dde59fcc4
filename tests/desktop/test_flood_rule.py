"""The server is the authority on alarm floods: a wall with the shipped settings groups by the server's rule."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from waiting import wait_until

from desktop.session import wall_state
from desktop.startup import server_config
from feeds.alarms import load_alarm_config
from feeds.alarms.config import DEFAULT_ALARMS
from feeds.client import ClientThread
from feeds.protocol import BEIJING, SensorReading
from feeds.server import ServerThread, TokenBook

T0 = datetime(2026, 7, 20, 15, 0, tzinfo=BEIJING).timestamp()


def test_a_wall_with_the_default_file_groups_floods_by_the_servers_rule(tmp_path: Path) -> None:
    """Server `--alarms` with [flood] count = 3, window_min = 5: four sensor alarms are a flood on the wall (not 10)."""
    settings = tmp_path / "alarms.toml"
    shipped = DEFAULT_ALARMS.read_text(encoding="utf-8")
    assert "count = 10 " in shipped and "window_min = 10 " in shipped
    settings.write_text(shipped.replace("count = 10 ", "count = 3 ").replace("window_min = 10 ", "window_min = 5 "))
    book = TokenBook()
    book.add("wall-t", "wall", "lobby wall")
    book.add("prod-t", "producer", "sensor feed")
    # what `gridwall server --alarms FILE` runs
    config = server_config(book, store_url=str(tmp_path / "flood.db"), alarms_path=settings)
    assert config.alarms is not None and config.alarms.config.flood_count == 3
    config.alarms.anomalies = None  # an empty store has no early-warning anomalies: spare the analytics cube
    config.kpi_enricher, config.clock, config.alarm_scan_s, config.heartbeat_s = None, lambda: T0, 0.05, 0.5

    state = wall_state()  # the wall's own file is the shipped one: 10 in 10 min
    assert load_alarm_config().flood_count == 10 and state.flood_rule == (10, 600.0)
    with ServerThread(config) as server:
        wall = ClientThread(server.url, "wall-t", client_name="test").start()
        producer = ClientThread(server.url, "prod-t", client_name="test").start()
        try:
            assert wait_until(lambda: wall.status.state == "live" and producer.status.state == "live")
            state.apply(wall.drain(), now=T0)
            assert state.flood_rule == (3, 300.0)  # from the welcome
            for n in range(4):
                reading = SensorReading(f"wl-{n}", "water_level", 0.5, "m", 0.3, True, 116.36, 39.9, f"积水点{n}")
                producer.publish(reading)

            def flooded() -> bool:
                state.apply(wall.drain(), now=T0 + 1)
                flood = state.alarms().flood
                return flood is not None and flood.raised == 4

            assert wait_until(flooded)
            view = state.alarms()
            assert view.flood is not None and view.flood.count == 4 and view.rows == () and view.flood_window_s == 300
        finally:
            wall.stop()
            producer.stop()
