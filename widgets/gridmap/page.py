"""Builds the base Leaflet page once, with folium, and makes it work offline.

folium links Leaflet, jQuery, Bootstrap and friends from CDNs; offline such a
page loads "ok" and stays blank. :func:`build_page_html` renders folium's
page, then replaces every ``<script src>`` / ``<link href>`` it can serve
locally by the file itself, inline (read from the ``gridwall://`` scheme's
allow-listed roots), drops the rest, adds our own assets the same way and pins
every inline script with a Content-Security-Policy (hashes, no
``unsafe-inline``), so injected markup could not run script even if it got in.

Inline, because every request of the page waits for a turn of the GUI thread's
event loop (QtWebEngine answers ``gridwall://`` requests there), and a wall's
start keeps that thread busy: twelve requests took twelve times as many turns
as one (docs/performance-notes.md, cold start, 6 Dec).
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import logging
import os
import re
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

from feeds.paths import data_dir
from widgets.gridmap.config import MapConfig
from widgets.gridmap.scheme import SCHEME, read_asset

log = logging.getLogger(__name__)

MAP_NAME = "gridwall"
"""folium element id: the Leaflet map is the page global ``map_gridwall``."""

OSM_ATTRIBUTION = "© OpenStreetMap contributors (ODbL)"
GENERATED_NOTE = {"en": "grids & community areas generated", "zh": "网格与社区范围为生成数据"}

LOCAL_ASSETS: dict[str, str] = {
    "leaflet.js": "lib/leaflet/leaflet.js",
    "leaflet.css": "lib/leaflet/leaflet.css",
    "leaflet.markercluster.js": "lib/markercluster/leaflet.markercluster.js",
    "MarkerCluster.css": "lib/markercluster/MarkerCluster.css",
    "qwebchannel.js": "lib/qwebchannel/qwebchannel.js",
    "gridmap.js": "map/gridmap.js",
    "gridmap_controls.js": "map/gridmap_controls.js",
    "gridmap_markers.js": "map/gridmap_markers.js",
    "gridmap_labels.js": "map/gridmap_labels.js",
    "gridmap_supervision.js": "map/gridmap_supervision.js",
    "gridmap.css": "map/gridmap.css",
}
"""Every asset the page carries, by file name, and where the ``gridwall://`` scheme keeps it."""

_EXTRA_JS = (
    "leaflet.markercluster.js",
    "qwebchannel.js",
    "gridmap.js",
    "gridmap_controls.js",
    "gridmap_markers.js",
    "gridmap_labels.js",
    "gridmap_supervision.js",
)
_EXTRA_CSS = ("MarkerCluster.css", "gridmap.css")

_SCRIPT_SRC = re.compile(r"<script\b[^>]*\bsrc\s*=\s*\"([^\"]*)\"[^>]*>\s*</script>", re.IGNORECASE)
_LINK_HREF = re.compile(r"<link\b[^>]*\bhref\s*=\s*\"([^\"]*)\"[^>]*/?>", re.IGNORECASE)
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL | re.IGNORECASE)
_REMOTE_REF = re.compile(r"\b(?:src|href)\s*=\s*[\"']?\s*(?:https?:)?//", re.IGNORECASE)
_CSS_URL = re.compile(r"url\((['\"]?)(?![a-z]+:|#|/)", re.IGNORECASE)

_INIT_TEMPLATE = """
{% macro script(this, kwargs) %}
    window.gridwall.init({{ this._parent.get_name() }}, {{ this.options_json }});
{% endmacro %}
"""


def json_for_script(value: Any) -> str:
    """JSON that is safe to embed inside an HTML ``<script>`` element."""
    text = json.dumps(value, ensure_ascii=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _init_element(options: dict[str, Any]) -> Any:
    """folium element that hands the Leaflet map to ``gridmap.js``."""
    from branca.element import MacroElement
    from jinja2 import Template

    element = MacroElement()  # type: ignore[no-untyped-call]
    element._name = "GridwallInit"
    element.options_json = json_for_script(options)  # type: ignore[attr-defined]
    element._template = Template(_INIT_TEMPLATE)
    return element


def page_options(config: MapConfig, scale: float, language: str, show_controls: bool) -> dict[str, Any]:
    """Options handed to ``gridwall.init`` in the page."""
    return {
        "scale": scale,
        "language": language,
        "tiles": config.tile_url is not None,
        "attribution": {"osm": OSM_ATTRIBUTION, "generated": GENERATED_NOTE},
        "controls": show_controls,
    }


def build_page_html(
    config: MapConfig,
    *,
    scale: float = 1.0,
    language: str = "zh",
    center: tuple[float, float] = (39.915, 116.366),
    zoom: int = 13,
    show_controls: bool = False,
) -> str:
    """Render the base page once; it never changes afterwards.

    Args:
        config: Basemap configuration.
        scale: Size factor for fonts, strokes and markers (1.0 at 1080p).
        language: ``"zh"`` or ``"en"`` for the first paint.
        center: ``(lat, lon)`` before the units are fitted.
        zoom: Zoom before the units are fitted.
        show_controls: Show zoom buttons (workstation) or not (wall).

    Returns:
        The HTML text, with no reference to any remote URL.
    """
    import folium  # ~1 s to import (it compiles its templates): only when the page is not cached

    fmap = folium.Map(
        location=list(center),
        zoom_start=zoom,
        tiles=None,
        min_zoom=config.min_zoom,
        max_zoom=config.max_zoom,
        zoom_control=False,
        minZoom=config.min_zoom,
        maxZoom=config.max_zoom,
        prefer_canvas=False,
        zoomSnap=1 if config.tile_url else 0.25,
        zoomDelta=0.5,
        attributionControl=False,
        fadeAnimation=False,
    )
    fmap._id = MAP_NAME
    if config.tile_url is not None:
        folium.TileLayer(
            tiles=config.tile_url,
            attr=html.escape(config.attribution or "tiles"),
            min_zoom=config.min_zoom,
            max_zoom=config.max_zoom,
            max_native_zoom=min(config.max_zoom, 18),
            name="basemap",
        ).add_to(fmap)
    _init_element(page_options(config, scale, language, show_controls)).add_to(fmap)
    return localize(fmap.get_root().render())


def cached_page_html(
    config: MapConfig, *, scale: float = 1.0, language: str = "zh", show_controls: bool = False
) -> str:
    """:func:`build_page_html`, kept in the data folder so a start need not import folium (~1 s).

    The cache key covers every argument, folium's version and this module's source, so a
    changed page or a folium upgrade builds afresh. An unwritable folder only costs the build.
    """
    args = repr((config, scale, language, show_controls, metadata.version("folium"), _source_key(), _assets_key()))
    path = data_dir() / "cache" / f"map-page-{hashlib.sha256(args.encode()).hexdigest()[:24]}.html"
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        pass
    text = build_page_html(config, scale=scale, language=language, show_controls=show_controls)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f"{path.name}.{os.getpid()}")
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, path)
    except OSError as exc:
        log.debug("map page not cached: %s", exc)
    return text


def _source_key(source: Path = Path(__file__)) -> str:
    """This module's source hashed; in the bundle, which carries no source, the executable's
    size and time stand for it (a rebuilt bundle builds the page afresh)."""
    try:
        return hashlib.sha256(source.read_bytes()).hexdigest()
    except OSError:
        built = os.stat(sys.executable)
        return f"{sys.executable}:{built.st_size}:{built.st_mtime_ns}"


def _assets_key() -> str:
    """Every inlined asset hashed: a changed script or a Leaflet upgrade builds the page afresh."""
    digest = hashlib.sha256()
    for key in LOCAL_ASSETS.values():
        digest.update(key.encode() + b"\0" + (read_asset(key) or b"") + b"\0")
    return digest.hexdigest()


def inline_asset(key: str) -> str:
    """The ``<script>`` or ``<style>`` element that carries the asset at ``gridwall://<key>``.

    A style sheet's relative ``url(...)`` (Leaflet's ``images/``) is pointed at the sheet's folder
    on the scheme, where it still loads from.

    Raises:
        ValueError: The asset is missing, or its text would end its element early.
    """
    data = read_asset(key)
    if data is None:
        raise ValueError(f"map page asset not found: {SCHEME}://{key}")
    body = data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")  # as the HTML parser reads it
    tag = "style" if key.endswith(".css") else "script"
    if f"</{tag}" in body.lower():
        raise ValueError(f"map page asset {SCHEME}://{key} contains '</{tag}' and cannot be inlined")
    if tag == "style":
        folder = key.rsplit("/", 1)[0]
        body = _CSS_URL.sub(lambda m: f"url({m.group(1)}{SCHEME}://{folder}/", body)
    return f"<{tag}>/* {SCHEME}://{key} */\n{body}\n</{tag}>"


def localize(text: str) -> str:
    """Put every asset we serve into the page inline, drop what cannot be served, pin scripts.

    Raises:
        ValueError: A remote ``src``/``href`` survived (folium changed its template), or an asset
            cannot be inlined.
    """
    assets: dict[str, str] = {}  # placeholder -> element: the markup is checked before the assets go in

    def placeholder(key: str | None) -> str:
        if key is None:
            return ""
        mark = f"<!--gridwall-asset-{len(assets)}-->"
        assets[mark] = inline_asset(key)
        return mark

    def script_tag(match: re.Match[str]) -> str:
        return placeholder(LOCAL_ASSETS.get(match.group(1).rsplit("/", 1)[-1]))

    def link_tag(match: re.Match[str]) -> str:
        return placeholder(LOCAL_ASSETS.get(match.group(1).rsplit("/", 1)[-1]))

    text = _SCRIPT_SRC.sub(script_tag, text)
    text = _LINK_HREF.sub(link_tag, text)
    extra = "".join(f"\n    {placeholder(LOCAL_ASSETS[n])}" for n in _EXTRA_CSS + _EXTRA_JS)
    text = text.replace("</head>", extra + "\n</head>", 1)
    text = re.sub(r"\n\s*\n", "\n", re.sub(r"[ \t]+\n", "\n", text))
    if _REMOTE_REF.search(text):
        raise ValueError("map page still references a remote URL: " + _REMOTE_REF.findall(text)[0])
    for mark, element in assets.items():
        text = text.replace(mark, element, 1)
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"
        for body in _INLINE_SCRIPT.findall(text)
    )
    csp = (
        f"default-src {SCHEME}: data: blob:; script-src {SCHEME}: {hashes}; "
        f"style-src {SCHEME}: 'unsafe-inline'; img-src * {SCHEME}: data: blob:; connect-src * {SCHEME}:; "
        "font-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-src 'none'"
    )
    meta = f'<meta http-equiv="Content-Security-Policy" content="{csp}"/>'
    return text.replace("<head>", "<head>\n    " + meta, 1)
