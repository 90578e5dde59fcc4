"""``gridwall demo`` seeding its store: a failure is one clear line, not a traceback."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

from desktop import demo
from desktop.app import UserError
from feeds.store import open_store


def test_a_seeding_stopped_by_a_full_disk_says_so_in_one_line(
    qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite's "database or disk is full" (or any store error) while seeding ends the demo with a one-line
    reason and what happens next; the splash is closed."""
    from sqlalchemy.exc import OperationalError

    import feeds.simulator.history.seed as seeding

    def disk_full(*_args: Any, **_kwargs: Any) -> Any:
        raise OperationalError("COMMIT", {}, Exception("database or disk is full"))

    monkeypatch.setattr(seeding, "seed_history", disk_full)
    store = open_store(str(tmp_path / "s.db"))
    try:
        with pytest.raises(UserError) as caught:
            demo.seed_with_splash(store, 2, 1, SimpleNamespace(app=QApplication.instance()))  # type: ignore[arg-type]
    finally:
        store.close()
    message = str(caught.value)
    assert message.startswith("seeding the history stopped: database or disk is full.")
    assert "seeded again" in message and "\n" not in message
