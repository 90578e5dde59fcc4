"""Builds the base Leaflet page once, with folium, and makes it work offline.

folium links Leaflet, jQuery, Bootstrap and friends from CDNs; offline such a
page loads "ok" and stays blank. :func:`build_page_html` renders folium's
page, then rewrites every ``<script src>`` / ``<link href>`` it can serve
locally to the ``gridwall://`` scheme and drops the rest, adds our own assets
and pins the inline scripts with a Content-Security-Policy (hashes, no
``unsafe-inline``), so injected markup could not run script even if it got in.
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
from widgets.gridmap.scheme import SCHEME

log = logging.getLogger(__name__)

MAP_NAME = "gridwall"
"""folium element id: the Leaflet map is the page global ``map_gridwall``."""

OSM_ATTRIBUTION = "© OpenStreetMap contributors (ODbL)"
GENERATED_NOTE = {"en": "grids & community areas generated", "zh": "网格与社区范围为生成数据"}

LOCAL_ASSETS: dict[str, str] = {
    "leaflet.js": f"{SCHEME}://lib/leaflet/leaflet.js",
    "leaflet.css": f"{SCHEME}://lib/leaflet/leaflet.css",
    "leaflet.markercluster.js": f"{SCHEME}://lib/markercluster/leaflet.markercluster.js",
    "MarkerCluster.css": f"{SCHEME}://lib/markercluster/MarkerCluster.css",
    "qwebchannel.js": f"{SCHEME}://lib/qwebchannel/qwebchannel.js",
    "gridmap.js": f"{SCHEME}://map/gridmap.js",
    "gridmap_controls.js": f"{SCHEME}://map/gridmap_controls.js",
    "gridmap_markers.js": f"{SCHEME}://map/gridmap_markers.js",
    "gridmap_labels.js": f"{SCHEME}://map/gridmap_labels.js",
    "gridmap_supervision.js": f"{SCHEME}://map/gridmap_supervision.js",
    "gridmap.css": f"{SCHEME}://map/gridmap.css",
}
"""Every asset the page may load, by file name, and where it is served."""

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
    args = repr((config, scale, language, show_controls, metadata.version("folium"), _source_key()))
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


def localize(text: str) -> str:
    """Point every asset at the ``gridwall://`` scheme, drop what cannot be served, pin scripts.

    Raises:
        ValueError: A remote ``src``/``href`` survived (folium changed its template).
    """

    def script_tag(match: re.Match[str]) -> str:
        local = LOCAL_ASSETS.get(match.group(1).rsplit("/", 1)[-1])
        return f'<script src="{local}"></script>' if local else ""

    def link_tag(match: re.Match[str]) -> str:
        local = LOCAL_ASSETS.get(match.group(1).rsplit("/", 1)[-1])
        return f'<link rel="stylesheet" href="{local}"/>' if local else ""

    text = _SCRIPT_SRC.sub(script_tag, text)
    text = _LINK_HREF.sub(link_tag, text)
    extra = "".join(f'\n    <link rel="stylesheet" href="{LOCAL_ASSETS[n]}"/>' for n in _EXTRA_CSS)
    extra += "".join(f'\n    <script src="{LOCAL_ASSETS[n]}"></script>' for n in _EXTRA_JS)
    text = text.replace("</head>", extra + "\n</head>", 1)
    text = re.sub(r"\n\s*\n", "\n", re.sub(r"[ \t]+\n", "\n", text))
    if _REMOTE_REF.search(text):
        raise ValueError("map page still references a remote URL: " + _REMOTE_REF.findall(text)[0])
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
