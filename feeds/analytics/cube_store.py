"""Fill a :class:`CaseCube` from the store, keep it in step, and cache it next to the database.

* :func:`build` reads every case once (raw DB-API cursor, chunks of 200k rows).
* :func:`sync` pulls the rows whose ``updated_seq`` is above the cube's
  (needs the index from :func:`feeds.analytics.indexes.ensure_indexes`).
* :func:`save` / :func:`load` keep an ``.npz`` cache (uncompressed: loading
  3.22M cases takes a fraction of a second) tagged with the ``store_id`` and
  the ``updated_seq`` it reflects.
* :func:`open_cube` ties them together: cache + sync if the cache belongs to
  this store, the row count matches and no bulk write happened since (bulk rows
  have no ``updated_seq``: the store counts bulk writes in ``meta``), a full
  build otherwise.
"""

from __future__ import annotations

import json
import logging
import os
import urllib.parse
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import Engine, Select, and_, case, func, literal, null, select

from feeds.analytics.columns import (
    CUBE_DTYPES,
    RAW_COLUMNS,
    SCAN_COLUMNS,
    Vocab,
    encode,
    encode_scanned,
    records_to_columns,
)
from feeds.analytics.cube import CaseCube
from feeds.analytics.reference import handle_seconds, static_bits
from feeds.protocol import FINAL_STAGES
from feeds.store.bulk import bulk_generation
from feeds.store.schema import cases, meta

CACHE_VERSION = 1
CHUNK_ROWS = 100_000
_log = logging.getLogger(__name__)
Progress = Callable[[int], None]


def store_id_of(engine: Engine) -> str:
    """The ``store_id`` recorded in ``meta`` (``""`` if none)."""
    with engine.connect() as conn:
        value = conn.execute(select(meta.c.value).where(meta.c.key == "store_id")).scalar()
    return str(value or "")


def _max_seq(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.coalesce(func.max(cases.c.updated_seq), 0))).scalar_one())


def store_bulk_generation(engine: Engine) -> int:
    """The store's count of bulk writes (:func:`feeds.store.bulk.bulk_generation`)."""
    with engine.connect() as conn:
        return bulk_generation(conn)


CITY = cases.c.platform == "city"
"""The cube holds city-management cases; 全响应 requests have their own query (``feeds.analytics.response``)."""


def case_count(engine: Engine) -> int:
    """Number of city-management rows in ``cases`` (what the cube holds)."""
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(cases).where(CITY)).scalar_one())


def _scan_query() -> Select[Any]:
    c = cases.c
    consistent = and_(c.community == func.substr(c.grid, 1, 12), c.subdistrict == func.substr(c.grid, 1, 9))
    fix = case((consistent, null()), else_=c.community + literal(",") + c.subdistrict)
    return select(
        c.id, c.reported_at, c.handle_deadline_at, static_bits(), handle_seconds(), c.stage, fix, c.grid,
        c.department, c.subclass, c.source, c.kind,
    ).where(CITY)  # fmt: skip


def build(engine: Engine, *, progress: Progress | None = None) -> CaseCube:
    """Read every case of the store into a new cube.

    One scan reads 12 columns per case, with the static bits and handling
    seconds computed by SQL; open cases' full records come from a second,
    indexed query.

    Args:
        engine: The store's engine.
        progress: Called with the number of rows read so far after each chunk.
    """
    cube = CaseCube(store_id_of(engine))
    seq = _max_seq(engine)  # read first: rows changed during the scan are re-synced later
    cube.bulk_generation = store_bulk_generation(engine)  # a bulk write during the scan: rebuilt again
    cube.reserve(case_count(engine))
    sql = str(_scan_query().compile(engine, compile_kwargs={"literal_binds": True}))
    raw = engine.raw_connection()
    try:
        # PostgreSQL: a named (server-side) cursor streams; a plain one would load every row at once
        cur = raw.cursor(name="gridwall_cube_scan") if engine.dialect.name == "postgresql" else raw.cursor()
        cur.execute(sql)
        while rows := cur.fetchmany(CHUNK_ROWS):
            cube.append(encode_scanned(dict(zip(SCAN_COLUMNS, zip(*rows, strict=True), strict=True)), cube.vocabs))
            del rows
            if progress:
                progress(cube.n)
        cur.close()
    finally:
        raw.close()
    with cube.lock:
        cube.sort()
    cube.seq = seq
    _register_open(cube, engine)
    return cube


def _register_open(cube: CaseCube, engine: Engine) -> None:
    """Read the store's open cases (an indexed query) and register them in the sorted cube."""
    with engine.connect() as conn:
        opened = conn.execute(
            select(*(cases.c[name] for name in RAW_COLUMNS)).where(cases.c.stage.not_in(tuple(FINAL_STAGES)), CITY)
        ).all()
    _index_open(cube, [dict(zip(RAW_COLUMNS, r, strict=True)) for r in opened])


class CubeBuilder:
    """Builds the cube in the same pass as a bulk load, from the column chunks being written.

    :meth:`add` encodes each chunk (the columns of
    :func:`feeds.store.bulk.bulk_insert_columns`) as it goes to the store;
    :meth:`finish` sorts, registers the open cases and checks the result
    against the store, so the first server start loads a ready cache instead
    of scanning every row again.

    Args:
        capacity: Expected number of cases (columns allocated once).
    """

    def __init__(self, capacity: int = 0) -> None:
        self.cube = CaseCube()
        if capacity:
            self.cube.reserve(capacity)

    def add(self, columns: Mapping[str, Sequence[Any]]) -> None:
        """Encode one chunk of ``cases`` columns (at least :data:`RAW_COLUMNS`)."""
        self.cube.append(encode({name: columns[name] for name in RAW_COLUMNS}, self.cube.vocabs))

    def finish(self, engine: Engine) -> CaseCube:
        """The finished cube of the store; a full :func:`build` if the store holds other rows too.

        The cube mirrors the store only if every stored case went through
        :meth:`add` (checked by count and by the highest ``updated_seq``: bulk rows have 0).
        """
        cube = self.cube
        if cube.n != case_count(engine) or _max_seq(engine) != 0:
            _log.info("cube builder: the store holds rows not added here, building from the store")
            return build(engine)
        cube.store_id = store_id_of(engine)
        cube.bulk_generation = store_bulk_generation(engine)
        with cube.lock:
            cube.sort()
        _register_open(cube, engine)
        return cube


def _index_open(cube: CaseCube, records: Sequence[dict[str, Any]]) -> None:
    """Register open cases (finding their rows by report time and id hash)."""
    if not records:
        return
    enc = encode(records_to_columns(records), cube.vocabs)
    for j, rec in enumerate(records):
        row = cube.find(int(enc["rep"][j]), int(enc["idh"][j]))
        if row is not None:
            cube.open[str(rec["id"])] = [row, _plain(rec)]


def _plain(rec: dict[str, Any]) -> dict[str, Any]:
    out = dict(rec)
    out["difficult"] = bool(out["difficult"])
    return out


def upsert(cube: CaseCube, records: Sequence[dict[str, Any]]) -> int:
    """Write raw case records into the cube: overwrite known cases, append new ones.

    Args:
        cube: The cube.
        records: Dicts keyed by :data:`~feeds.analytics.columns.RAW_COLUMNS`.

    Returns:
        The number of cases appended.
    """
    if not records:
        return 0
    with cube.lock:
        enc = encode(records_to_columns(records), cube.vocabs)
        fresh: list[int] = []
        rows: list[int | None] = []
        for j, rec in enumerate(records):
            entry = cube.open.get(str(rec["id"]))
            row = entry[0] if entry is not None else cube.find(int(enc["rep"][j]), int(enc["idh"][j]))
            rows.append(row)
            if row is None:
                fresh.append(j)
            else:
                cube.write(row, enc, j)
        if fresh:
            first = cube.append({name: arr[fresh] for name, arr in enc.items()})
            for k, j in enumerate(fresh):
                rows[j] = first + k
        for j, rec in enumerate(records):
            case_id = str(rec["id"])
            if rec["stage"] in FINAL_STAGES:
                cube.open.pop(case_id, None)
            else:
                cube.open[case_id] = [rows[j], _plain(rec)]
        cube.sort()  # only does work after an out-of-order append (a late import)
        return len(fresh)


def sync(cube: CaseCube, engine: Engine) -> int:
    """Apply the store rows changed since the cube's ``seq``; returns how many rows were applied."""
    query = (
        select(*(cases.c[name] for name in RAW_COLUMNS), cases.c.updated_seq)
        .where(cases.c.updated_seq > cube.seq, CITY)
        .order_by(cases.c.updated_seq)
    )
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    if not rows:
        return 0
    records = [dict(zip(RAW_COLUMNS, r[:-1], strict=True)) for r in rows]
    with cube.lock:
        upsert(cube, records)
        cube.seq = max(cube.seq, int(rows[-1][-1]))
    return len(rows)


# -- cache ---------------------------------------------------------------------


def default_cache_path(engine: Engine) -> Path | None:
    """``<database>.cube.npz`` next to a SQLite file (also one opened through a ``file:`` URI, as a store
    read only is); ``None`` for other databases and SQLite in memory."""
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if database and database.startswith("file:"):
        uri = urllib.parse.urlsplit(database)
        memory = "mode=memory" in uri.query or engine.url.query.get("mode") == "memory"
        database = None if memory else urllib.parse.unquote(uri.path)
    if not database or database == ":memory:":
        return None
    return Path(database).with_name(Path(database).name + ".cube.npz")


def save(cube: CaseCube, path: Path) -> None:
    """Write the cube to ``path`` atomically (temporary file, then rename).

    The columns are copied under the cube's lock (tens of milliseconds) and
    written outside it, so queries and events are not held up by the disk.
    """
    with cube.lock:
        info = {
            "version": CACHE_VERSION,
            "store_id": cube.store_id,
            "seq": cube.seq,
            "n": cube.n,
            "bulk_generation": cube.bulk_generation,
        }
        arrays: dict[str, Any] = {f"col_{k}": cube.column(k).copy() for k in CUBE_DTYPES}
        arrays.update({f"vocab_{k}": np.array(v.values, dtype=str) for k, v in cube.vocabs.items()})
        opened = [[row, rec] for row, rec in cube.open.values()]
        arrays["meta"] = np.array(json.dumps({"info": info, "open": opened}))
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as fh:
        np.savez(fh, **arrays)
    os.replace(tmp, path)


def load(path: Path) -> CaseCube | None:
    """Read a cube cache, or ``None`` if it is missing, unreadable or of another version."""
    try:
        with np.load(path, allow_pickle=False) as data:
            meta_doc = json.loads(str(data["meta"]))
            info = meta_doc["info"]
            if info.get("version") != CACHE_VERSION:
                return None
            cube = CaseCube(str(info["store_id"]))
            for k in cube.vocabs:
                cube.vocabs[k] = Vocab(str(v) for v in data[f"vocab_{k}"])
            cube.append({k: data[f"col_{k}"] for k in CUBE_DTYPES})
    except (OSError, ValueError, KeyError) as exc:
        _log.warning("cube cache %s unusable: %s", path, exc)
        return None
    cube.seq = int(info["seq"])
    cube.bulk_generation = int(info.get("bulk_generation", 0))
    cube.open = {str(rec["id"]): [int(row), rec] for row, rec in meta_doc["open"]}
    return cube


def open_cube(engine: Engine, cache_path: Path | None, *, progress: Progress | None = None) -> CaseCube:
    """The cube for a store: from the cache plus a sync when valid, else a full build (then cached)."""
    cube = load(cache_path) if cache_path is not None and cache_path.exists() else None
    if cube is not None and cube.store_id == store_id_of(engine):
        sync(cube, engine)
        if cube.n == case_count(engine) and cube.bulk_generation == store_bulk_generation(engine):
            return cube
        _log.info("cube cache %s: the store has rows it lacks (bulk writes), rebuilding", cache_path)
    cube = build(engine, progress=progress)
    if cache_path is not None:
        try:
            save(cube, cache_path)
        except OSError as exc:
            _log.warning("cannot write cube cache %s: %s", cache_path, exc)
    return cube
