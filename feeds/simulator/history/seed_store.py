"""Open the store to be seeded: refuse one that already holds cases, or start it over (``--replace``)."""

from __future__ import annotations

from sqlalchemy import delete, insert, select

from feeds.store import Store, open_store
from feeds.store.engine import make_engine, resolve_url
from feeds.store.schema import cases, meta, metadata

SEEDING_KEY = "seeding_started_at"
"""``meta`` key present while a seeding runs: a store that still has it after the seeding ended
(an error, a full disk, a killed process) holds an unfinished history."""


class SeedRefusedError(RuntimeError):
    """The store cannot be seeded as asked (the message is one line for the user)."""


def holds_cases(store: Store) -> bool:
    """Whether the store has at least one case."""
    with store.engine.connect() as conn:
        return conn.execute(select(cases.c.id).limit(1)).first() is not None


def open_for_seeding(url: str | None, *, replace: bool) -> Store:
    """Open the store at ``url`` ready for history.

    With ``replace``, a store that holds cases is emptied first: every table
    is dropped and created again, so it gets a new ``store_id`` and clients
    holding the old one take a fresh snapshot. Stop servers using it first.

    Raises:
        SeedRefusedError: If the store holds cases and ``replace`` is false.
    """
    store = open_store(url)
    if not holds_cases(store):
        return store
    totals = store.kpis().totals or {}
    shown = store.engine.url.render_as_string(hide_password=True)
    store.close()
    if not replace:
        raise SeedRefusedError(
            f"the store {shown} already holds {int(totals.get('cases') or 0):,} cases; "
            "use --replace to delete them and seed again"
        )
    engine = make_engine(resolve_url(url))
    try:
        metadata.drop_all(engine)
    finally:
        engine.dispose()
    return open_store(url)


FINISH_KEY = "seeding_finish_pending"
"""``meta`` key present from the start of a ``gridwall seed`` until its last step (the supervisors, their
tracks and the cameras, after the history) is done: a run stopped in that step leaves it, and the next run
finishes the step instead of refusing a store that holds cases."""


def mark_finish_pending(store: Store) -> None:
    """Record that the seeding's last step is still to do (:data:`FINISH_KEY`)."""
    with store.engine.begin() as conn:
        conn.execute(delete(meta).where(meta.c.key == FINISH_KEY))
        conn.execute(insert(meta).values(key=FINISH_KEY, value="supervision"))


def clear_finish_pending(store: Store) -> None:
    """The seeding's last step is done."""
    with store.engine.begin() as conn:
        conn.execute(delete(meta).where(meta.c.key == FINISH_KEY))


def finish_pending(store: Store) -> bool:
    """Whether a seeding wrote its whole history but stopped in its last step (to be finished by a re-run)."""
    with store.engine.connect() as conn:
        keys = set(conn.execute(select(meta.c.key).where(meta.c.key.in_((FINISH_KEY, SEEDING_KEY)))).scalars())
    return keys == {FINISH_KEY}


def mark_seeding(store: Store, started_at: float) -> None:
    """Record that a seeding starts (:data:`SEEDING_KEY`); :func:`clear_seeding` when it has ended well."""
    with store.engine.begin() as conn:
        conn.execute(delete(meta).where(meta.c.key == SEEDING_KEY))
        conn.execute(insert(meta).values(key=SEEDING_KEY, value=repr(float(started_at))))


def clear_seeding(store: Store) -> None:
    """The seeding ended well: the store's history is complete."""
    with store.engine.begin() as conn:
        conn.execute(delete(meta).where(meta.c.key == SEEDING_KEY))


def seeding_unfinished(store: Store) -> bool:
    """Whether the store's last seeding stopped before its end (its history is partial)."""
    with store.engine.connect() as conn:
        return conn.execute(select(meta.c.value).where(meta.c.key == SEEDING_KEY)).first() is not None
