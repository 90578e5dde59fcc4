"""Supervisors (监督员) in the store: the simulated roster with names, beats and shifts, and seeded tracks.

The live simulator's :class:`~feeds.simulator.environment.patrol.PatrolRoster` gives each
supervisor ``S001``… a beat of neighbouring grids and a shift; this module adds a
(generated) name and writes them to ``supervisors``, and writes past patrols to
``staff_tracks`` so that track playback and patrol figures have history before the live
feed has recorded any. Names are modelled, not real people.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, delete, func, insert, select

from feeds.romanize import pinyin
from feeds.simulator.environment.patrol import ROSTER_SIZE, PatrolRoster
from feeds.simulator.model.district import District, load_district
from feeds.simulator.model.noise import hash_unit
from feeds.store.schema import staff_tracks, supervisors
from feeds.store.tracks import TRACK_STEP_S

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = "建国伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉文志宏海燕波宁凯俊峰亮雪梅琳晨欣怡浩然宇轩"
CHUNK = 10_000


def roster(district: District | None = None, count: int = ROSTER_SIZE, seed: int = 0) -> PatrolRoster:
    """The patrol roster over the district's grids (the live simulator's, for the same seed)."""
    district = district or load_district()
    return PatrolRoster(district.grid_codes, district.point, count, seed)


def supervisor_name(index: int) -> str:
    """A modelled Chinese name for supervisor ``index`` (a surname and one or two given characters)."""
    surname = SURNAMES[int(hash_unit(11, "surname", index) * len(SURNAMES))]
    first = GIVEN[int(hash_unit(11, "given", index, 1) * len(GIVEN))]
    if hash_unit(11, "given", index, 0) < 0.35:
        return surname + first
    return surname + first + GIVEN[int(hash_unit(11, "given", index, 2) * len(GIVEN))]


def english_person(name_zh: str) -> str:
    """``王建国`` → ``Wang Jianguo``."""
    return f"{pinyin(name_zh[0])} {pinyin(name_zh[1:])}"


def supervisor_rows(team: PatrolRoster) -> list[dict[str, Any]]:
    """``supervisors`` rows for a roster."""
    rows = []
    for i, sup in enumerate(team.supervisors):
        name = supervisor_name(i)
        rows.append(
            {
                "staff_id": sup.staff_id,
                "name_zh": name,
                "name_en": english_person(name),
                "shift": sup.shift,
                "grids": list(sup.grid_codes),
            }
        )
    return rows


def write_supervisors(engine: Engine, rows: list[dict[str, Any]]) -> int:
    """Replace the stored supervisors; returns rows written."""
    with engine.begin() as conn:
        conn.execute(delete(supervisors))
        if rows:
            conn.execute(insert(supervisors), rows)
    return len(rows)


def supervisor_count(engine: Engine) -> int:
    """How many supervisors the store holds."""
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(supervisors)).scalar_one())


def seed_tracks(engine: Engine, team: PatrolRoster, start: float, end: float, step_s: int = TRACK_STEP_S) -> int:
    """Write the roster's patrols in ``[start, end)`` as tracks (one point per ``step_s``); returns points written.

    Points already stored in that period are replaced, so seeding twice writes them once.
    """
    t0 = int(start) - int(start) % step_s
    with engine.begin() as conn:
        conn.execute(delete(staff_tracks).where(staff_tracks.c.at >= t0, staff_tracks.c.at < int(end)))
        batch: list[dict[str, Any]] = []
        written = 0
        for t in range(t0, int(end), step_s):
            for p in team.positions_at(float(t)):
                batch.append(
                    {
                        "staff_id": p.staff_id,
                        "at": t,
                        "lon": round(p.lon, 6),
                        "lat": round(p.lat, 6),
                        "grid": p.grid_code,
                    }
                )
            if len(batch) >= CHUNK:
                conn.execute(insert(staff_tracks), batch)
                written += len(batch)
                batch = []
        if batch:
            conn.execute(insert(staff_tracks), batch)
            written += len(batch)
    return written
