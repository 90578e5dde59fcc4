"""The CAP messages a store has recorded (``cap_messages``), so every run continues where the last one ended.

A CAP Update or Cancel names the message it replaces, not the warning: telling which warning
it concerns needs the chain of messages before it, and lifting a warning when its validity
ends needs the validity its latest message gave. Neither is in the ``alert.weather`` events,
so ``import-cap`` and ``poll-cap`` record each message they read here (once its events were
published) and rebuild their :class:`~feeds.importers.cap.WarningBook` from it, with the
warnings shown where the events go, at the start of every run and poll.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Engine, and_, not_, select
from sqlalchemy.dialects.postgresql import Insert as PgInsert
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import Insert as SqliteInsert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from feeds.importers.cap import CapMessage
from feeds.store.schema import cap_messages


class CapLedger:
    """The ``cap_messages`` table of a store.

    Args:
        engine: The store's engine.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def messages(self) -> list[CapMessage]:
        """Every message recorded."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(cap_messages)).mappings().all()
        return [
            CapMessage(
                r["identifier"],
                r["alert_id"],
                float(r["sent"]),
                None if r["expires"] is None else float(r["expires"]),
                bool(r["shown"]),
            )
            for r in rows
        ]

    def record(self, messages: Sequence[CapMessage]) -> None:
        """Add the messages not recorded yet; one recorded as not shown that is shown now is replaced."""
        rows = {
            m.identifier: {
                "identifier": m.identifier,
                "alert_id": m.alert_id,
                "sent": int(m.sent),
                "expires": None if m.expires is None else int(m.expires),
                "shown": m.shown,
            }
            for m in messages
        }
        if rows:
            with self.engine.begin() as conn:
                conn.execute(_upsert(conn.dialect.name), list(rows.values()))


def _upsert(dialect: str) -> PgInsert | SqliteInsert:
    """INSERT … ON CONFLICT: a recorded message stays as it is unless it was not shown and is now."""
    stmt = (pg_insert if dialect == "postgresql" else sqlite_insert)(cap_messages)
    return stmt.on_conflict_do_update(
        index_elements=[cap_messages.c.identifier],
        set_={c: stmt.excluded[c] for c in ("alert_id", "sent", "expires", "shown")},
        where=and_(stmt.excluded.shown, not_(cap_messages.c.shown)),
    )
