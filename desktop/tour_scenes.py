"""The tour's scenes: the ``[tour]`` table of a layout file, and each scene's caption from live data.

A layout names the scenes in order::

    [tour]
    scene_s = 20                 # seconds per scene (a scene may say its own "seconds")
    idle_s = 60                  # after a touch, click or key: resume when untouched this long
    languages = ["zh", "en"]     # one language per scene, in turn ("zh" alone: no switching)

    [[tour.scene]]
    kind = "live"                # the live district
    [[tour.scene]]
    kind = "subdistrict"
    unit = "110102003"           # which subdistrict (default: the one with most open cases)
    [[tour.scene]]
    kind = "replay"              # yesterday, replayed
    from = "08:00"               # replayed from this Beijing time of yesterday
    speed = 600

Every caption exists in Chinese and English; ``title_zh``/``title_en``/``detail_zh``/
``detail_en`` on a scene replace the built-in text (``{…}`` fields as below).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from feeds.config_keys import unknown_keys
from feeds.live import LiveState
from feeds.protocol import BEIJING
from feeds.protocol.answers import ResponseAnswer
from feeds.protocol.replay import REPLAY_SPEED_MAX
from widgets.panel import hazard_name, warning_level_name

SCENE_KINDS = ("live", "history", "subdistrict", "top_types", "overdue", "weather", "replay", "response")
"""What a scene may show (``kind``)."""

#: What each kind points at on the wall: a panel name to spotlight.
SPOTLIGHT = {
    "live": "feed",
    "history": "kpi",
    "subdistrict": "map",
    "top_types": "types",
    "overdue": "overdue",
    "weather": "weather",
    "replay": "title",
    "response": "response",
}

_TEXT: dict[str, dict[str, tuple[str, str]]] = {
    "live": {
        "zh": ("西城区 · 此刻", "今日已上报 {reported} 件 · 在办 {open} 件 · 每个新案件在发生时出现在地图上"),
        "en": (
            "Xicheng District, live",
            "{reported} cases reported today · {open} open · each new case appears as it happens",
        ),
    },
    "history": {
        "zh": ("{span} · {cases}件", "自 {since} 起 · 已结案 {closed} 件 · 结案率 {rate}"),
        "en": ("{span} · {cases} cases", "since {since} · {closed} closed · closure rate {rate}"),
    },
    "subdistrict": {
        "zh": ("{unit}街道", "在办 {open} 件 · 超期 {overdue} 件 · 今日上报 {today} 件"),
        "en": ("{unit} Subdistrict", "{open} open · {overdue} overdue · {today} reported today"),
    },
    "top_types": {
        "zh": ("五类案件占 {share}", "{top} · 今日 {total} 件"),
        "en": ("Five types make {share}", "{top} · {total} cases today"),
    },
    "overdue": {
        "zh": ("超期 {overdue} 件 · 即将超期 {due_soon} 件", "倒计时到每个处置时限 · 最急：{urgent}"),
        "en": ("{overdue} overdue · {due_soon} about to be", "a countdown to every deadline · most urgent: {urgent}"),
    },
    "weather": {
        "zh": ("{warning}", "预警生效时，环境类案件优先处置 · 监测点 {sensors} 个"),
        "en": ("{warning}", "under a warning, environment cases come first · {sensors} sensors watched"),
    },
    "replay": {
        "zh": ("昨日回放 · {speed}倍速", "{day} 的案件按发生顺序重现 · 一秒为 {minutes} 分钟"),
        "en": (
            "Yesterday at {speed}×",
            "the cases of {day} in the order they happened · a second is {minutes} minutes",
        ),
    },
    "response": {
        "zh": (
            "响应率 {response} · 解决率 {resolution} · 满意率 {satisfaction}",
            "全响应 · 12345接诉即办 · 近{days}天 {requests} 件诉求 · 满意率同比 {satisfaction_yoy}",
        ),
        "en": (
            "Responded {response} · resolved {resolution} · satisfied {satisfaction}",
            "12345 hotline (全响应) · {requests} requests in {days} days"
            " · satisfaction {satisfaction_yoy} on a year ago",
        ),
    },
}


class TourError(ValueError):
    """A ``[tour]`` table that cannot be used."""


@dataclass(frozen=True)
class TourScene:
    """One scene: what it shows, for how long, and any caption of its own."""

    kind: str
    seconds: float
    unit: str | None = None
    replay_from: str = "08:00"
    speed: float = 600.0
    text: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class TourConfig:
    """The ``[tour]`` table: the scenes in order, idle time and languages."""

    scenes: tuple[TourScene, ...]
    idle_s: float = 60.0
    languages: tuple[str, ...] = ("zh",)


SCENE_KEYS = ("kind", "seconds", "unit", "from", "speed")
"""A ``[[tour.scene]]``'s keys, besides its captions (``title_zh``, ``detail_en``…)."""

MAX_SECONDS = 86_400
"""The longest scene or idle time (a day): Qt's timers count milliseconds in 32 bits."""


def _number(d: dict[str, Any], key: str, default: float, where: str, lo: float = 1.0, hi: float = MAX_SECONDS) -> float:
    value = d.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not lo <= value <= hi:  # NaN too
        raise TourError(f"{where}: '{key}' must be a number from {lo:g} to {hi:g}")
    return float(value)


def parse_tour(raw: Any, source: str) -> TourConfig | None:
    """Validate a ``[tour]`` table (``None`` when the layout has none)."""
    if raw is None:
        return None
    where = f"{source} [tour]"
    if not isinstance(raw, dict):
        raise TourError(f"{where}: must be a table")
    if (problem := unknown_keys(raw, ("scene_s", "idle_s", "languages", "scene"))) is not None:
        raise TourError(f"{where}: {problem}")
    scene_s = _number(raw, "scene_s", 20.0, where)
    idle_s = _number(raw, "idle_s", 60.0, where)
    languages = raw.get("languages", ["zh"])
    if not isinstance(languages, list) or not languages or any(lang not in ("zh", "en") for lang in languages):
        raise TourError(f"{where}: 'languages' must be a list of 'zh' and 'en'")
    scenes = []
    raw_scenes = raw.get("scene", [])
    if not isinstance(raw_scenes, list):
        raise TourError(f"{where}: the scenes must be [[tour.scene]] tables")
    for i, d in enumerate(raw_scenes):
        at = f"{where} scene {i + 1}"
        if not isinstance(d, dict) or d.get("kind") not in SCENE_KINDS:
            raise TourError(f"{at}: 'kind' must be one of {', '.join(SCENE_KINDS)}")
        if (problem := unknown_keys(d, SCENE_KEYS, ("title_", "detail_"))) is not None:
            raise TourError(f"{at}: {problem}")
        text = {k: str(v) for k, v in d.items() if k.startswith(("title_", "detail_"))}
        start = str(d.get("from", "08:00"))
        try:
            datetime.strptime(start, "%H:%M")
        except ValueError:
            raise TourError(f"{at}: 'from' must be HH:MM") from None
        unit = d.get("unit")
        if unit is not None and (not isinstance(unit, str) or len(unit) != 9 or not unit.isdigit()):
            raise TourError(f"{at}: 'unit' must be a 9-digit subdistrict code")
        seconds, speed = _number(d, "seconds", scene_s, at), _number(d, "speed", 600.0, at, hi=REPLAY_SPEED_MAX)
        scenes.append(TourScene(d["kind"], seconds, unit, start, speed, text))
    if not scenes:
        raise TourError(f"{where}: at least one [[tour.scene]] is needed")
    return TourConfig(tuple(scenes), idle_s, tuple(languages))


# ---------------------------------------------------------------------- captions


def _count(n: float | None, lang: str) -> str:
    """A count for a caption: 3.22M / 322万 for big numbers, digits with separators below."""
    if n is None:
        return "—"
    if n >= 1_000_000:
        return f"{n / 1e4:,.0f}万" if lang == "zh" else f"{n / 1e6:.2f}M"
    return f"{n:,.0f}"


def _rate(r: float | None) -> str:
    return "—" if r is None else f"{r * 100:.2f}%"


def _points(delta: float | None, lang: str) -> str:
    """A rate's change in percentage points: ``+1.2个百分点`` / ``+1.2 pp``."""
    if delta is None:
        return "—"
    return f"{delta * 100:+.1f}个百分点" if lang == "zh" else f"{delta * 100:+.1f} pp"


def _response_fields(state: LiveState, lang: str, answer: ResponseAnswer | None) -> dict[str, str]:
    """The 全响应 rates of the ``response`` query's answer (30 days, the district), or until it comes the
    server's KPI rates of the same window (the same figures, ``feeds/analytics/response.py``)."""
    if answer is not None:
        figures, period = answer.figures, answer.period
        rates = {k: figures.value(k) for k in ("response_rate", "resolution_rate", "satisfaction_rate")}
        span = (
            (period.end_s - period.start_s) / 86400 if period.start_s is not None and period.end_s is not None else 30
        )
        requests: float | None = figures.reported
        yoy = answer.yoy.delta.get("satisfaction_rate")
    else:
        view = state.response()
        rates = {k: view.rates.get(k) for k in ("response_rate", "resolution_rate", "satisfaction_rate")}
        span = (view.rate_window_s or 30 * 86400) / 86400
        requests, yoy = None, None
    one = {k: "—" if r is None else f"{r * 100:.1f}%" for k, r in rates.items()}  # as the 全响应 panel writes them
    return {
        "response": one["response_rate"],
        "resolution": one["resolution_rate"],
        "satisfaction": one["satisfaction_rate"],
        "days": f"{span:.0f}",
        "requests": _count(requests, lang),
        "satisfaction_yoy": _points(yoy, lang),
    }


def _open_by_subdistrict(state: LiveState) -> Counter[str]:
    return Counter(case.subdistrict_code for case in state.open_cases())


def busiest_subdistrict(state: LiveState) -> str | None:
    """The subdistrict with the most open cases now."""
    ranked = _open_by_subdistrict(state).most_common(1)
    return ranked[0][0] if ranked else None


def caption_fields(
    scene: TourScene, state: LiveState, lang: str, now: float, response: ResponseAnswer | None = None
) -> dict[str, str]:
    """The figures a scene's caption shows, read from the live state (the store's via the server's KPIs);
    a ``response`` scene's from the ``response`` query's answer when there is one."""
    kpi = state.kpi()
    overdue = state.overdue()
    if scene.kind == "live":
        return {"reported": _count(kpi.reported, lang), "open": _count(overdue.open, lang)}
    if scene.kind == "history":
        since = kpi.since or datetime.fromtimestamp(now, BEIJING).date().isoformat()
        first = datetime.fromisoformat(since).replace(tzinfo=BEIJING)
        days = max((now - first.timestamp()) / 86400, 1.0)
        years = days / 365.25
        if years >= 1.5:
            span = f"{years:.0f}年" if lang == "zh" else f"{years:.0f} years"
        elif years >= 0.9:
            span = "一年" if lang == "zh" else "One year"
        else:
            span = f"{days:.0f}天" if lang == "zh" else f"{days:.0f} day{'' if round(days) == 1 else 's'}"
        return {
            "span": span,
            "years": f"{years:.0f}",
            "cases": _count(kpi.total_cases, lang),
            "closed": _count(kpi.total_closed, lang),
            "rate": _rate(kpi.total_closure_rate),
            "since": since,
        }
    if scene.kind == "subdistrict":
        code = scene.unit or busiest_subdistrict(state) or ""
        load = next((u for u in overdue.by_subdistrict if u.code == code), None)
        today = next((r.count for r in state.charts().subdistricts if r.code == code), 0)
        return {
            "unit": state.names.unit(code).get(lang).removesuffix("街道").removesuffix(" Subdistrict"),
            "open": _count(_open_by_subdistrict(state)[code], lang),
            "overdue": _count(load.overdue if load else 0, lang),
            "today": _count(today, lang),
            "code": code,
        }
    if scene.kind == "top_types":
        charts = state.charts()
        top = " · ".join(r.name.get(lang) for r in charts.top_types[:5])
        return {"share": _rate(charts.top5_share), "top": top, "total": _count(charts.types_total, lang)}
    if scene.kind == "overdue":
        urgent = overdue.urgent[0] if overdue.urgent else None
        return {
            "overdue": _count(overdue.overdue, lang),
            "due_soon": _count(overdue.due_soon, lang),
            "urgent": urgent.type.get(lang) if urgent is not None else "—",
        }
    if scene.kind == "weather":
        warnings = state.weather()
        if warnings:  # named in the wall's language, which the tour has just set to ``lang``
            rank = {"blue": 1, "yellow": 2, "orange": 3, "red": 4}
            w = max(warnings, key=lambda x: rank.get(x.level, 0))
            text = f"{hazard_name(w.hazard)} · {warning_level_name(w.level)}"
        else:
            text = "No weather warning in force" if lang == "en" else "当前无气象预警"
        return {"warning": text, "sensors": _count(len(state.sensors()), lang)}
    if scene.kind == "response":
        return _response_fields(state, lang, response)
    day = datetime.fromtimestamp(now - 86400, BEIJING).date().isoformat()
    return {"speed": f"{scene.speed:g}", "day": day, "minutes": f"{scene.speed / 60:g}"}


def caption(
    scene: TourScene, state: LiveState, lang: str, now: float, response: ResponseAnswer | None = None
) -> tuple[str, str]:
    """``(title, detail)`` of a scene in ``lang``, with its figures filled in."""
    title, detail = _TEXT[scene.kind][lang]
    title = scene.text.get(f"title_{lang}", title)
    detail = scene.text.get(f"detail_{lang}", detail)
    values = caption_fields(scene, state, lang, now, response)
    return title.format_map(_Missing(values)), detail.format_map(_Missing(values))


class _Missing(dict[str, str]):
    """Leaves an unknown ``{field}`` of a layout's own caption as it is."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"
