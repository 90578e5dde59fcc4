"""Headline indicators of a planned batch (GB/T 30428.4 style), to check the model against its targets."""

from __future__ import annotations

import numpy as np

from feeds.simulator.model.calendar import HOUR_S
from feeds.simulator.model.plans import CaseBatch

TOP5 = ("非法小广告", "机动车乱停放", "暴露垃圾", "沿街晾挂", "无照经营游商")


def batch_statistics(batch: CaseBatch) -> dict[str, float]:
    """Headline indicators of a batch (GB/T 30428.4 style), as plain floats.

    Keys: ``reported`` 上报数, ``filed`` 立案数, ``closed`` 结案数,
    ``cancelled_share``, ``closure_rate`` (closed / filed), ``overdue_share``
    (overdue among closed), ``rework_rate`` (reworked / closed),
    ``difficult_share`` (of reported), ``urged_share`` and ``escalated_share``
    (of filed), ``top5_share``, ``mean_handling_h`` and ``median_handling_h``
    (dispatch → final closure request, closed cases), ``source:<code>``.
    """
    closed = ~np.isnan(batch.closed_at)
    filed = ~batch.cancelled
    n, n_filed, n_closed = len(batch), int(filed.sum()), int(closed.sum())
    top = [batch.taxonomy.subclass_index(batch.taxonomy.subclass_by_name(z).code) for z in TOP5]
    handling = batch.closure_requested_at[closed] - batch.dispatched_at[closed]
    stats = {
        "reported": float(n),
        "filed": float(n_filed),
        "closed": float(n_closed),
        "cancelled_share": float(batch.cancelled.mean()),
        "closure_rate": n_closed / max(1, n_filed),
        "overdue_share": float(batch.overdue[closed].mean()) if n_closed else 0.0,
        "rework_rate": float((batch.rework_count[closed] > 0).mean()) if n_closed else 0.0,
        "difficult_share": float(batch.difficult.mean()),
        "urged_share": float((batch.urge_count[filed] > 0).mean()) if n_filed else 0.0,
        "escalated_share": float((~np.isnan(batch.escalated_at[filed])).mean()) if n_filed else 0.0,
        "top5_share": float(np.isin(batch.subclass, top).mean()),
        "mean_handling_h": float(handling.mean() / HOUR_S) if n_closed else 0.0,
        "median_handling_h": float(np.median(handling) / HOUR_S) if n_closed else 0.0,
    }
    for j, s in enumerate(batch.taxonomy.sources):
        stats[f"source:{s.code}"] = float((batch.source == j).mean())
    return stats
