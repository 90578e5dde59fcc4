"""Fill a store's supervision tables on first use: the generated components, the roster, the cameras, recent tracks."""

from __future__ import annotations

import logging
import time

from feeds.store import Store
from feeds.supervision import cameras, components, roster

_log = logging.getLogger(__name__)
TRACK_DAYS = 1.0
"""Days of patrol tracks seeded before the live feed starts recording (the live server adds to them)."""
SEED_TRACK_STEP_S = 120


def prepare_supervision(
    store: Store, *, seed: int = 0, now: float | None = None, track_days: float = TRACK_DAYS
) -> None:
    """Write whatever of the generated supervision data the store lacks (a no-op on later starts)."""
    engine = store.engine
    if components.component_count(engine) == 0:
        # always the one inventory (INVENTORY_SEED) that the simulator's component cases name
        n = components.write_components(engine, components.generate_inventory())
        _log.info("supervision: %d generated components stored", n)
    if roster.supervisor_count(engine) == 0:
        team = roster.roster(seed=seed)
        end = time.time() if now is None else now
        # the tracks first: supervisors present mean their tracks are too (an interrupted step is done again)
        n = roster.seed_tracks(engine, team, end - track_days * 86_400, end, SEED_TRACK_STEP_S)
        roster.write_supervisors(engine, roster.supervisor_rows(team))
        _log.info("supervision: %d supervisors, %d track points seeded", len(team.supervisors), n)
    if cameras.camera_count(engine) == 0:
        cameras.write_cameras(engine, cameras.modelled_cameras())
