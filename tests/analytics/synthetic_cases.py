"""Small synthetic case generator for the analytics tests (vectorised numpy, deterministic).

Not the simulator: it only has to produce every shape of row the indicators
care about (all stages, NULL deadlines, ties with the deadline, rework,
difficult, cancelled, open and overdue cases) as ``cases`` rows judged at
``now``. :func:`simulated_rows` turns a simulator batch into plain closed rows
for the early-warning tests.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from feeds.geo.units import load_units
from feeds.taxonomy import load_taxonomy

H = 3600
DAY = 86_400
NOW = 1_766_215_800
"""The tests' "now": 2025-12-20 15:30 Beijing time."""
UTC8 = 8 * H


def grid_codes(n: int | None = None) -> list[str]:
    """Unit-grid codes of the packaged geodata (the first ``n`` subdistricts' grids if given)."""
    units = load_units()
    subs = {u.code for u in units.subdistricts[:n]} if n else None
    return [g.code for g in units.grids if subs is None or g.code[:9] in subs]


def _subclasses() -> tuple[list[Any], np.ndarray]:
    tax = load_taxonomy()
    subs = list(tax.subclasses)
    w = np.array([s.weight for s in subs], dtype=float)
    return subs, w / w.sum()


def make_cases(
    n: int, start: int, now: int, *, seed: int = 1, grids: Sequence[str] | None = None
) -> list[dict[str, Any]]:
    """``n`` cases reported uniformly in ``[start, now)``, each judged as of ``now``.

    Returns:
        Row dicts for :meth:`feeds.store.Store.bulk_insert_cases`.
    """
    rng = np.random.default_rng(seed)
    codes = list(grids or grid_codes())
    subs, p = _subclasses()
    sources = [s.code for s in load_taxonomy().sources]
    rep = np.sort(rng.integers(start, now, n))
    sub_i = rng.choice(len(subs), n, p=p)
    grid_i = (rng.pareto(1.5, n) * 40).astype(int) % len(codes)
    src_i = rng.choice(len(sources), n, p=[0.8, 0.08, 0.02, 0.02, 0.05, 0.02, 0.01])
    dl = (
        np.array(
            [
                [s.deadlines_h.filed, s.deadlines_h.dispatched, s.deadlines_h.handling, s.deadlines_h.verifying]
                for s in subs
            ]
        )
        * H
    )
    f_s, d_s, h_s, v_s = dl[sub_i].T
    cancelled = rng.random(n) < 0.05
    filed = rep + (f_s * rng.uniform(0.1, 1.2, n)).astype(np.int64)
    disp = filed + (d_s * rng.uniform(0.1, 1.2, n)).astype(np.int64)
    hdl = disp + h_s.astype(np.int64)
    handled = disp + (h_s * rng.lognormal(-0.8, 0.6, n)).astype(np.int64)
    tie = rng.random(n) < 0.02
    handled = np.where(tie, hdl, handled)
    reworks = (rng.random(n) < 0.04).astype(np.int64) + (rng.random(n) < 0.01)
    handled = handled + reworks * (h_s * 0.5).astype(np.int64)
    closed = handled + (v_s * rng.uniform(0.1, 1.5, n)).astype(np.int64)
    closed = np.where(rng.random(n) < 0.01, hdl, closed)
    stuck = rng.random(n) < 0.01  # never handled (still open, probably overdue)
    no_dl = rng.random(n) < 0.01  # legacy rows without a handling deadline
    difficult = rng.random(n) < 0.01
    rows: list[dict[str, Any]] = []
    for i in range(n):
        sub, grid = subs[sub_i[i]], codes[grid_i[i]]
        row: dict[str, Any] = {
            "id": f"T{seed:02d}{i:08d}",
            "kind": sub.kind,
            "subclass": sub.code,
            "source": sources[src_i[i]],
            "grid": grid,
            "department": sub.department,
            "lon": 116.36,
            "lat": 39.91,
            "reported_at": int(rep[i]),
            "difficult": bool(difficult[i]),
            "reworks": 0,
            "address": f"{grid[-6:]}号",
            "description": f"{sub.name_zh} 第{i}号",
        }
        stage = "reported"
        if cancelled[i]:
            t = int(filed[i])
            if t <= now:
                row.update(stage="cancelled", cancelled_at=t)
                rows.append(row)
                continue
        steps = [("filed", "filed_at", filed[i]), ("dispatched", "dispatched_at", disp[i])]
        if not stuck[i]:
            steps += [("closure_requested", "handled_at", handled[i]), ("closed", "closed_at", closed[i])]
        for name, col, t in steps:
            if cancelled[i] or t > now:
                break
            stage, row[col] = name, int(t)
        if "dispatched_at" in row:
            if stage == "dispatched":
                stage = "handling"
            if not no_dl[i]:
                row["handle_deadline_at"] = int(hdl[i])
            if "handled_at" in row:
                row["reworks"] = int(reworks[i])
        if stage == "closed":
            row["on_time"] = bool(row["closed_at"] <= hdl[i])
        row["stage"] = stage
        rows.append(row)
    return rows


def simulated_rows(batch: Any, *, prefix: str = "S") -> list[dict[str, Any]]:
    """Closed case rows for a :class:`feeds.simulator.model.CaseBatch` (only what counting needs)."""
    tax = batch.taxonomy
    rows = []
    for i, (t, s, g) in enumerate(
        zip(batch.reported_at.tolist(), batch.subclass.tolist(), batch.grid.tolist(), strict=True)
    ):
        sub = tax.subclasses[s]
        at = int(t)
        rows.append({
            "id": f"{prefix}{i:09d}", "kind": sub.kind, "subclass": sub.code, "source": "patrol",
            "grid": batch.grid_codes[g], "department": sub.department, "lon": 116.36, "lat": 39.91,
            "stage": "closed", "reported_at": at, "filed_at": at + 600, "closed_at": at + 7200,
        })  # fmt: skip
    return rows
