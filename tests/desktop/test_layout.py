"""Wall layout files: the shipped ones load; bad ones fail with a message naming the problem."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from desktop.layout import LayoutError, load_layout
from desktop.panels import PANELS
from resources import resource_path


@pytest.mark.parametrize("name", ["single.toml", "wall3x3.toml"])
def test_shipped_layouts_load(name: str) -> None:
    """Every shipped layout is valid and uses only known panels."""
    layout = load_layout(resource_path("layouts", name))
    assert layout.screens and layout.panel_names() <= set(PANELS)
    assert "map" in layout.panel_names() and "title" in layout.panel_names()


def test_default_is_single_screen() -> None:
    """No path means the built-in 16:9 layout with every main panel."""
    layout = load_layout(None)
    assert len(layout.screens) == 1 and layout.language == "zh"
    assert {"map", "kpi", "feed", "overdue", "weather", "crowd", "trend"} <= layout.panel_names()


def test_three_by_three_spans_columns() -> None:
    """The 3×3 wall puts the map on the centre column of screens."""
    layout = load_layout(resource_path("layouts", "wall3x3.toml"))
    map_screen = next(s for s in layout.screens if any(p.name == "map" for p in s.panels))
    assert map_screen.screens == (1, 4, 7)


GOOD_PANEL = '{ name = "map", row = 0, col = 0, rowspan = 2, colspan = 2 }'


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("[wall\nlanguage=", "not valid TOML"),
        ("[wall]\nlanguage = 'fr'\n[[screen]]\npanels = [" + GOOD_PANEL + "]", "language"),
        ("[wall]\n", "at least one [[screen]]"),
        ("[[screen]]\ncolumns = 2\nrows = 2\npanels = [{ name = 'radar', row = 0, col = 0 }]", "unknown panel name"),
        (
            "[[screen]]\ncolumns = 2\nrows = 2\npanels = [{ name = 'map', row = 1, col = 1, colspan = 2 }]",
            "does not fit",
        ),
        (
            "[[screen]]\ncolumns = 4\nrows = 4\npanels = ["
            + GOOD_PANEL
            + ", { name = 'feed', row = 1, col = 1, rowspan = 2, colspan = 2 }]",
            "overlap",
        ),
        ("[[screen]]\npanels = []", "non-empty list"),
        ("[[screen]]\nspan = [0, -1]\npanels = [" + GOOD_PANEL + "]", "span"),
        ("[wall]\ndrilldown = 'left'\n[[screen]]\npanels = [" + GOOD_PANEL + "]", "drilldown"),
        *(
            (f"[wall]\n{key} = {value}\n[[screen]]\npanels = [" + GOOD_PANEL + "]", f"{key} must be a number from 0")
            for key in ("drilldown_idle_s", "cursor_idle_s")
            for value in ("nan", "inf", "1e300", "3000000", "-1", "'90'")
        ),
        *(  # the tour's times and replay speed: a NaN or infinite one overflowed a timer or timedelta at the tour
            (
                "[[screen]]\npanels = [" + GOOD_PANEL + f"]\n[tour]\n{tour}\n[[tour.scene]]\nkind = 'live'\n{scene}",
                f"'{key}' must be a number from ",
            )
            for tour, scene, key in (
                ("scene_s = nan", "", "scene_s"),
                ("idle_s = inf", "", "idle_s"),
                ("", "seconds = 1e300", "seconds"),
                ("", "speed = nan", "speed"),
                ("", "speed = 1e12", "speed"),
            )
        ),
    ],
)
def test_bad_layouts_are_refused_clearly(tmp_path: Path, text: str, needle: str) -> None:
    """A bad layout raises LayoutError whose message names the problem and the file."""
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LayoutError) as err:
        load_layout(path)
    assert needle in str(err.value)
    assert str(path) in str(err.value)


def test_missing_layout_file(tmp_path: Path) -> None:
    """A missing file is a LayoutError, not a traceback."""
    with pytest.raises(LayoutError, match="not found"):
        load_layout(tmp_path / "nope.toml")


def test_map_section_builds_the_basemap_config(tmp_path: Path) -> None:
    """[map] sets the colouring, a GCJ-02 tile source and a local archive relative to the file."""
    (tmp_path / "tiles").mkdir()
    path = tmp_path / "wall.toml"
    path.write_text(
        "[map]\ncolour = 'cycle'\ntiles_crs = 'gcj02'\nlocal_tiles = 'tiles'\nattribution = 'x'\n"
        "[[screen]]\npanels = [" + GOOD_PANEL + "]",
        encoding="utf-8",
    )
    layout = load_layout(path)
    assert layout.map_colour == "cycle"
    assert layout.map_config.local_tiles_dir == tmp_path / "tiles"
    assert layout.map_config.is_gcj02 and layout.map_config.tile_url is not None


@pytest.mark.parametrize(
    ("section", "needle"),
    [
        ("colour = 'rainbow'", "colour must be one of"),
        ("tiles_crs = 'bd09'", "tiles_crs"),
        ("tiles = 'ftp://x/{z}/{x}/{y}.png'", "http(s) URL"),
        ("local_tiles = 'missing-dir'", "does not exist"),
        ("local_tiles = 'wall.toml'", "neither a z/x/y.png folder nor an .mbtiles file"),
        ("local_tiles = 'empty.mbtiles'", "is not an MBTiles file (no such table: tiles)"),
        ("zoom = 3", "unknown key 'zoom'"),
        ("colur = 'overdue'", "unknown key 'colur' (did you mean 'colour'?)"),
    ],
)
def test_bad_map_section(tmp_path: Path, section: str, needle: str) -> None:
    """A bad [map] table is refused naming the key."""
    sqlite3.connect(tmp_path / "empty.mbtiles").close()  # a SQLite file without the tiles table
    assert needle in _refusal(tmp_path / "wall.toml", f"[map]\n{section}\n[[screen]]\npanels = [{GOOD_PANEL}]")


def _refusal(path: Path, text: str) -> str:
    """The error of a layout file holding ``text``."""
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LayoutError) as err:
        load_layout(path)
    return str(err.value)


def test_an_mbtiles_archive_is_accepted(tmp_path: Path) -> None:
    """An .mbtiles file with its tiles table is a basemap archive."""
    with sqlite3.connect(tmp_path / "city.mbtiles") as db:
        db.execute("CREATE TABLE tiles (zoom_level INT, tile_column INT, tile_row INT, tile_data BLOB)")
    path = tmp_path / "wall.toml"
    path.write_text(f"[map]\nlocal_tiles = 'city.mbtiles'\n[[screen]]\npanels = [{GOOD_PANEL}]", encoding="utf-8")
    assert load_layout(path).map_config.local_tiles_dir == tmp_path / "city.mbtiles"


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("languge = 'en'\n", "wall.toml: unknown key 'languge'"),
        ("[wall]\nlangauge = 'en'\n", "[wall]: unknown key 'langauge' (did you mean 'language'?)"),
        ("[wall]\ndrilldown_idle = 30\n", "did you mean 'drilldown_idle_s'?"),
        ("[[screen]]\ncolumn = 24\n", "[[screen]] 1: unknown key 'column' (did you mean 'columns'?)"),
        ("[tour]\nscene_seconds = 5\n", "[tour]: unknown key 'scene_seconds'"),
        ("[tour]\n[[tour.scene]]\nkind = 'live'\nsecond = 5\n", "did you mean 'seconds'?"),
        ("[tour]\n[tour.scene]\nkind = 'live'\n", "the scenes must be [[tour.scene]] tables"),
    ],
)
def test_a_misspelt_key_is_refused(tmp_path: Path, text: str, needle: str) -> None:
    """A key the layout does not know is named (it would silently keep its default), with the likely one."""
    screen = "" if "[[screen]]" in text else f"[[screen]]\npanels = [{GOOD_PANEL}]\n"
    body = text.replace("[[screen]]\n", f"[[screen]]\npanels = [{GOOD_PANEL}]\n")
    assert needle in _refusal(tmp_path / "wall.toml", body + screen)


def test_a_misspelt_panel_key_is_refused(tmp_path: Path) -> None:
    """``rowspn`` would have left the panel one row high without a word."""
    path = tmp_path / "wall.toml"
    path.write_text('[[screen]]\npanels = [{ name = "map", row = 0, col = 0, rowspn = 2 }]', encoding="utf-8")
    with pytest.raises(LayoutError, match=r"panel 1: unknown key 'rowspn' \(did you mean 'rowspan'\?\)"):
        load_layout(path)
