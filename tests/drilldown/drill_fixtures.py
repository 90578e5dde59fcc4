"""Data for the drill-down tests and screenshots: synthetic cases placed in their grids, one showcase case.

Reuses the analytics tests' generator (``tests/analytics/synthetic_cases.py``)
and moves each case's position into its grid, so the small case map shows
the point where it belongs. The showcase case has a full history: filed
late, dispatched, handled, failed verification (rework), urged, noted.
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

ANALYTICS_TESTS = Path(__file__).resolve().parents[1] / "analytics"
if str(ANALYTICS_TESTS) not in sys.path:
    sys.path.insert(0, str(ANALYTICS_TESTS))

from synthetic_cases import DAY, NOW, make_cases  # noqa: E402

from feeds.geo.units import load_units  # noqa: E402
from feeds.protocol import BEIJING  # noqa: E402
from feeds.store import Store  # noqa: E402
from feeds.taxonomy import load_taxonomy  # noqa: E402

H = 3600
SHOWCASE_SEQ = 900417
SHOWCASE_GRID = "110102001004010"
SHOWCASE_SUBCLASS = "1102"  # 暴露垃圾 exposed garbage
DESCRIPTION = '西单北大街东侧胡同口堆放生活垃圾约两立方米，已有异味，影响居民通行 <b>=HYPERLINK("x")</b>'

__all__ = ["DAY", "NOW", "SHOWCASE_GRID", "SHOWCASE_ID", "placed_cases", "seed_store", "showcase", "showcase_id"]


def placed_cases(n: int, start: int, now: int, *, seed: int = 1) -> list[dict[str, Any]]:
    """``make_cases`` rows spread over every grid (a mild skew) and placed near the grid's centroid."""
    units = load_units()
    rng = np.random.default_rng(seed + 100)
    rows: list[dict[str, Any]] = make_cases(n, start, now, seed=seed)
    grids = [g.code for g in units.grids]
    weights = rng.lognormal(0.0, 0.9, len(grids))
    picks = rng.choice(len(grids), len(rows), p=weights / weights.sum())
    jitter = rng.uniform(-0.00025, 0.00025, (len(rows), 2))
    for row, pick, (dx, dy) in zip(rows, picks, jitter, strict=True):
        row["grid"] = grids[int(pick)]
        row["address"] = f"{row['grid'][-6:]}号"
        lon, lat = units.get(row["grid"]).centroid
        row["lon"], row["lat"] = lon + float(dx), lat + float(dy)
    return rows


def showcase_id(now: int = NOW) -> str:
    """The showcase case's id: ``XC`` + the Beijing date it was reported + a sequence no simulated day reaches."""
    day = datetime.fromtimestamp(now - 14 * H - 1260, BEIJING).strftime("%Y%m%d")
    return f"XC{day}{SHOWCASE_SEQ}"


SHOWCASE_ID = showcase_id()


def showcase(now: int = NOW) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """An open, overdue, reworked and urged case of 暴露垃圾 with its history rows."""
    case_id = showcase_id(now)
    sub = load_taxonomy().subclass(SHOWCASE_SUBCLASS)
    lon, lat = load_units().get(SHOWCASE_GRID).centroid
    dl = sub.deadlines_h
    rep = now - 14 * H - 1260
    filed = rep + int(dl.filed * H) + 900  # filed 15 min late
    disp = filed + 1500
    handle_dl = disp + int(dl.handling * H)
    handled = disp + int(dl.handling * H * 0.7)
    rework = handled + 1800
    handle_dl2 = rework + int(dl.handling * H * 0.5)
    row = {
        "id": case_id, "kind": sub.kind, "subclass": sub.code, "source": "hotline_12345",
        "grid": SHOWCASE_GRID, "department": sub.department, "lon": lon + 0.0002, "lat": lat - 0.0001,
        "stage": "handling", "reported_at": rep, "filed_at": filed, "dispatched_at": disp, "handled_at": handled,
        "deadline_at": handle_dl2, "handle_deadline_at": handle_dl2, "difficult": False, "urges": 1, "reworks": 1,
        "address": "西单北大街东侧 67 号院门口", "description": DESCRIPTION,
    }  # fmt: skip
    steps = [
        (rep, "reported", rep + int(dl.filed * H), "12345热线", ""),
        (filed, "filed", filed + int(dl.dispatched * H), "受理员 王", ""),
        (disp, "dispatched", None, "指挥中心", ""),
        (disp, "handling", handle_dl, "区城管委环卫中心", ""),
        (handled, "closure_requested", handled + int(dl.verifying * H), "环卫中心 三队", "已清运"),
        (rework, "handling", handle_dl2, "监督员 李", "核查未通过：仍有残留"),
        (handle_dl2 + 600, "urge", None, "值班长 赵", "请尽快处置"),
    ]
    history = [
        {"case_id": case_id, "at": at, "action": action, "deadline_at": deadline, "actor": actor, "note": note}
        for at, action, deadline, actor, note in steps
        if at <= now
    ]
    return row, history


def seed_store(store: Store, n: int, now: int = NOW, *, days: int = 400, seed: int = 1) -> None:
    """Fill ``store`` with ``n`` placed cases over ``days`` before ``now``, plus the showcase case."""
    row, history = showcase(now)
    store.bulk_insert_cases([*placed_cases(n, now - days * DAY, now, seed=seed), row], history)
