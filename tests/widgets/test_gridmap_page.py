"""Offline page building, the gridwall:// scheme's allow-list, basemap config and the request blocker."""

from __future__ import annotations

import hashlib
import re
import sqlite3
import sys
from pathlib import Path

import pytest

from widgets.gridmap import page as page_module
from widgets.gridmap.blocker import ExternalRequestBlocker
from widgets.gridmap.config import LOCAL_TILES_URL, MapConfig
from widgets.gridmap.page import (
    LOCAL_ASSETS,
    _source_key,
    build_page_html,
    cached_page_html,
    inline_asset,
    json_for_script,
    localize,
)
from widgets.gridmap.scheme import LIBRARY_ROOTS, MAP_ASSETS_DIR, GridwallSchemeHandler, resolve_under
from widgets.gridmap.tiles import TileArchive

_REF = re.compile(r"\b(?:src|href)=\"([^\"]+)\"")


def _markup(html: str) -> str:
    """The page without the bodies of its inline scripts and style sheets."""
    return re.sub(r"<(script|style)>.*?</\1>", r"<\1></\1>", html, flags=re.DOTALL)


def test_page_has_no_remote_reference() -> None:
    """folium's CDN links are replaced by our files, inline, or dropped; nothing remote is left."""
    html = build_page_html(MapConfig())
    assert _REF.findall(_markup(html)) == []
    for needed in (
        "lib/leaflet/leaflet.js",
        "lib/leaflet/leaflet.css",
        "lib/markercluster/leaflet.markercluster.js",
        "lib/qwebchannel/qwebchannel.js",
        "map/gridmap.js",
        "map/gridmap_controls.js",
        "map/gridmap_markers.js",
        "map/gridmap.css",
    ):
        assert html.count(f"/* gridwall://{needed} */") == 1, needed
    assert not re.search(r"jquery|bootstrap|awesome|fontawesome", _markup(html), re.IGNORECASE)


def test_every_page_asset_is_inlined_as_the_scheme_serves_it() -> None:
    """Each asset the page carries is the allow-listed file the scheme handler serves, byte for byte;
    a style sheet's images still load from the scheme."""
    handler = GridwallSchemeHandler()
    html = build_page_html(MapConfig())
    for key in LOCAL_ASSETS.values():
        data, _mime = handler._lookup(key)
        assert data, key
        text = data.decode("utf-8").replace("\r\n", "\n")
        if key.endswith(".css"):  # its relative urls point at its folder on the scheme
            text = text.replace("url(images/", f"url(gridwall://{key.rsplit('/', 1)[0]}/images/")
        assert text in html, key
    leaflet_css = inline_asset("lib/leaflet/leaflet.css")
    assert "url(gridwall://lib/leaflet/images/layers.png)" in leaflet_css and "url(images/" not in leaflet_css
    assert handler._lookup("lib/leaflet/images/layers.png")[0]


def test_an_asset_that_would_end_its_element_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """A script containing '</script' cannot go inline (it would end the element early)."""
    monkeypatch.setattr(page_module, "read_asset", lambda key: b"var s = '</script><script>alert(1)';")
    with pytest.raises(ValueError, match="cannot be inlined"):
        inline_asset("map/gridmap.js")


def test_scripts_are_pinned_by_csp_hashes() -> None:
    """Inline scripts are allowed by hash only, so injected inline handlers could not run."""
    html = build_page_html(MapConfig())
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html)
    assert csp is not None
    script_src = next(part for part in csp.group(1).split(";") if part.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    assert script_src.count("'sha256-") == len(re.findall(r"<script>", html))
    assert html.index("Content-Security-Policy") < html.index("<script")


def test_leftover_remote_reference_is_refused() -> None:
    """A remote reference the rewriter cannot handle fails loudly instead of going blank offline."""
    with pytest.raises(ValueError):
        localize('<html><head></head><body><img src="https://cdn.example.com/x.png"></body></html>')


def test_tile_template_and_attribution() -> None:
    """A configured tile template is used as given; its attribution is escaped."""
    config = MapConfig(
        tiles="https://{s}.tiles.example.cn/{z}/{x}/{y}.png", attribution="<b>Amap</b>", tiles_crs="gcj02"
    )
    html = build_page_html(config)
    assert "https://{s}.tiles.example.cn/{z}/{x}/{y}.png" in html
    assert "lt;b\\u0026gt;Amap" in html and "<b>Amap" not in html
    assert config.is_gcj02
    local = MapConfig(local_tiles_dir=Path("/nonexistent"))
    assert LOCAL_TILES_URL in build_page_html(local)
    assert not MapConfig(tiles_crs="gcj02").is_gcj02  # no tiles: nothing to align to


def test_json_for_script_cannot_close_the_script() -> None:
    """Values embedded in the page cannot end the script element."""
    text = json_for_script({"a": "</script><script>alert(1)</script>&"})
    assert "</" not in text and "<" not in text and "&" not in text


def test_scheme_serves_only_allow_listed_files(tmp_path: Path) -> None:
    """Traversal, unknown file types and files outside the roots are refused."""
    root = LIBRARY_ROOTS["lib/leaflet"]
    assert resolve_under(root, "leaflet.js") == root / "leaflet.js"
    assert resolve_under(root, "images/layers.png") is not None
    for bad in (
        "../leaflet_markercluster/data/leaflet.markercluster.js",
        "/etc/passwd",
        "",
        "a/../../x.js",
        "leaflet.js.map",
        "..\\x.js",
    ):
        assert resolve_under(root, bad) is None, bad
    assert resolve_under(MAP_ASSETS_DIR, "gridmap.js") is not None
    handler = GridwallSchemeHandler()
    assert handler._lookup("lib/leaflet//etc/passwd")[0] is None
    assert handler._lookup("elsewhere/gridmap.js")[0] is None
    handler.set_document("page/index.html", b"<html></html>")
    assert handler._lookup("page/index.html") == (b"<html></html>", b"text/html")


def test_config_validation_and_tile_hosts() -> None:
    """Bad configs are rejected; only the tile template's host is let through the blocker."""
    with pytest.raises(ValueError):
        MapConfig(tiles_crs="bd09")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        MapConfig(tiles="file:///etc/{z}/{x}/{y}.png")
    blocker = ExternalRequestBlocker(
        MapConfig(tiles="https://{s}.tile.example.org/{z}/{x}/{y}.png").allowed_host_pattern()
    )
    assert blocker.allows("https", "a.tile.example.org")
    assert not blocker.allows("https", "a.tile.example.org.evil.com")
    assert not blocker.allows("https", "example.com")
    assert not blocker.allows("ftp", "a.tile.example.org")
    assert blocker.allows("gridwall", "lib") and blocker.allows("data", "")
    closed = ExternalRequestBlocker(MapConfig().allowed_host_pattern())
    assert not closed.allows("http", "127.0.0.1") and not closed.allows("https", "tile.openstreetmap.org")


def test_tile_archive_directory_and_mbtiles(tmp_path: Path) -> None:
    """Local tiles come from a z/x/y directory (XYZ or TMS rows) or an MBTiles file."""
    (tmp_path / "tiles" / "3" / "6").mkdir(parents=True)
    (tmp_path / "tiles" / "3" / "6" / "2.png").write_bytes(b"xyz")
    assert TileArchive(tmp_path / "tiles").read(3, 6, 2) == b"xyz"
    assert TileArchive(tmp_path / "tiles", tms=True).read(3, 6, 5) == b"xyz"
    assert TileArchive(tmp_path / "tiles").read(3, 9, 2) is None
    assert TileArchive(tmp_path / "tiles").read(3, 6, 99) is None
    db = sqlite3.connect(tmp_path / "t.mbtiles")
    db.execute("CREATE TABLE tiles (zoom_level int, tile_column int, tile_row int, tile_data blob)")
    db.execute("INSERT INTO tiles VALUES (3, 6, 5, ?)", (b"mb",))
    db.commit()
    db.close()
    archive = TileArchive(tmp_path / "t.mbtiles")
    assert archive.read(3, 6, 2) == b"mb"
    archive.close()
    with pytest.raises(FileNotFoundError):
        TileArchive(tmp_path / "missing")


def test_map_scripts_never_write_markup_from_data() -> None:
    """The page's own JS builds text with textContent; innerHTML is only read (escaping) and never eval'd."""
    for path in MAP_ASSETS_DIR.glob("*.js"):
        source = path.read_text(encoding="utf-8")
        assert re.findall(r"innerHTML\s*=(?!=)", source) == [], path.name
        assert not re.search(r"insertAdjacentHTML|document\.write|\beval\(|new Function|bindPopup\(\s*['\"`]", source)
        assert not re.search(r"setContent\(\s*['\"`]|bindTooltip\(\s*['\"`]", source), path.name


def test_the_page_is_built_once_then_read_from_the_data_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A start reads the page cached by an earlier one; other arguments get their own page."""
    monkeypatch.setenv("GRIDWALL_DATA_DIR", str(tmp_path))
    first = cached_page_html(MapConfig(), language="en")
    assert first == build_page_html(MapConfig(), language="en")
    (cached,) = (tmp_path / "cache").glob("map-page-*.html")
    cached.write_text(first + "<!-- from the cache -->", encoding="utf-8")
    assert cached_page_html(MapConfig(), language="en").endswith("<!-- from the cache -->")
    assert cached_page_html(MapConfig(), language="zh") == build_page_html(MapConfig(), language="zh")
    assert len(list((tmp_path / "cache").glob("map-page-*.html"))) == 2


def test_the_cache_key_does_without_the_source_as_in_the_bundle(tmp_path: Path) -> None:
    """A PyInstaller bundle carries no .py files: the key falls back to the executable."""
    source = tmp_path / "page.py"
    source.write_text("x = 1\n", encoding="utf-8")
    assert _source_key(source) == hashlib.sha256(b"x = 1\n").hexdigest()
    assert _source_key(tmp_path / "missing.py").startswith(f"{sys.executable}:")
