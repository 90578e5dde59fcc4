"""The briefing PDF (日报/周报/月报): written with Qt for a seeded store, its text holds the store's figures."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from drill_fixtures import NOW
from pytestqt.qtbot import QtBot

from desktop.briefing import format_change, format_value, write_briefing_pdf
from desktop.cli import main
from feeds.analytics import QueryService
from feeds.briefing import BEIJING, build_briefing, period_days, weather_notes
from feeds.protocol import WeatherWarning
from feeds.store import Store, open_store

DAY = datetime.fromtimestamp(NOW, BEIJING).date() - timedelta(days=1)
needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")


def _text(pdf: Path) -> str:
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True)
    return out.stdout


def _pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def _fonts(pdf: Path) -> list[dict[str, str]]:
    """``pdffonts``' table: one dict per font (name, type, emb, sub, uni)."""
    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    lines = out.splitlines()
    assert lines[0].split()[:2] == ["name", "type"] and lines[1].startswith("---"), out
    fonts = []
    for line in lines[2:]:
        # name, type (one or more words), encoding, emb, sub, uni, object, ID: read from the right
        words = line.split()
        fonts.append(
            {"name": words[0], "type": " ".join(words[1:-6]), "emb": words[-5], "sub": words[-4], "uni": words[-3]}
        )
    return fonts


def _font_program_sizes(pdf: Path) -> list[int]:
    """The uncompressed size (``/Length1``) of every embedded TrueType font program in ``pdf``.

    A CJK font covering GB2312 is several megabytes; a program of the glyphs one briefing uses is
    tens of kilobytes. (Qt does not prefix the font's name with a subset tag, so ``pdffonts``
    reads ``sub no`` for it.)
    """
    data = pdf.read_bytes()
    sizes = []
    for ref in re.finditer(rb"/FontFile2 (\d+) 0 R", data):
        obj = re.search(rb"\n" + ref.group(1) + rb" 0 obj\s*<<(.*?)>>", data, re.S)
        assert obj is not None, ref.group(0)
        length = re.search(rb"/Length1 (\d+)", obj.group(1))
        assert length is not None, obj.group(1)
        sizes.append(int(length.group(1)))
    return sizes


def test_periods() -> None:
    """A week is the seven days ending with the date, a month runs from its first day."""
    d = DAY
    assert period_days(d, "day") == (d, d)
    assert period_days(d, "week") == (d - timedelta(days=6), d)
    assert period_days(d, "month") == (d.replace(day=1), d)
    with pytest.raises(ValueError, match="unknown period"):
        period_days(d, "year")


@needs_poppler
def test_daily_briefing_pdf_holds_the_store_figures(
    qtbot: QtBot, store: Store, service: QueryService, tmp_path: Path
) -> None:
    """Four A4 pages; the totals, rates, 同比/环比, top type, rankings of the store's day are in its text."""
    b = build_briefing(service.handle, store.engine, DAY, "day")
    direct = service.handle("indicators", {"range": "custom", "start": b.start, "end": b.end, "as_of": b.end - 1})
    assert b.summary.indicators.reported == direct["indicators"]["reported"] > 0
    pdf = tmp_path / "day.pdf"
    pages = write_briefing_pdf(b, pdf, "zh")
    assert pages == _pages(pdf) == 4
    text = _text(pdf)
    ind = b.summary.indicators
    assert "西城区城市管理日报" in text and f"{DAY.year}年{DAY.month}月{DAY.day}日" in text
    labels = {"reported": "上报案件", "closed": "结案", "closure_rate": "结案率", "ontime_handling_rate": "按期处置率"}
    for key, label in labels.items():
        line = next(line for line in text.splitlines() if line.split()[:1] == [label])
        assert format_value(key, getattr(ind, key)) in line.split()
        assert format_change(key, b.summary.yoy.change[key], "zh") in line
        assert format_change(key, b.summary.pop.change[key], "zh") in line
    top = b.types.rows[0]
    assert any(top.subclass.name_zh in line and f"{top.count}" in line.split() for line in text.splitlines())
    best = b.subdistricts.rows[0]
    assert any(line.split()[:2] == ["1", best.who.name_zh] for line in text.splitlines())
    assert "四、街道排名（按期结案率）" in text and "六、预警与天气" in text
    fonts = _fonts(pdf)
    assert fonts and all(f["emb"] == "yes" and f["uni"] == "yes" for f in fonts), fonts  # embedded, text extractable
    assert any(f["type"].startswith("CID TrueType") for f in fonts), fonts  # the CJK font
    programs = _font_program_sizes(pdf)
    assert len(programs) == len(fonts) and all(0 < n < 1_000_000 for n in programs), programs  # subsets of the glyphs


@needs_poppler
def test_report_command_writes_weekly_and_monthly_briefings_in_english(
    qtbot: QtBot, store: Store, service: QueryService, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``gridwall report --period week|month --lang en`` on the store: a PDF with the period's total."""
    for period, title in (("week", "Weekly briefing"), ("month", "Monthly briefing")):
        b = build_briefing(service.handle, store.engine, DAY, period)
        reported = format_value("reported", b.summary.indicators.reported)
        out = tmp_path / f"{period}.pdf"
        db = str(store.engine.url)
        args = ["report", "--db", db, "--date", DAY.isoformat(), "--period", period, "--lang", "en", "--out", str(out)]
        assert main(args) == 0
        assert str(out) in capsys.readouterr().out
        first, last = period_days(DAY, period)
        text = _text(out)
        assert title in text and f"Period: {first.isoformat()} to {last.isoformat()}" in text
        assert _pages(out) >= 4
        line = next(line for line in text.splitlines() if line.startswith("Cases reported"))
        assert line.split()[2] == reported


def test_weather_warnings_of_the_period_come_from_the_event_log(tmp_path: Path) -> None:
    """Warnings issued or lifted inside the period are listed in order; one before it is not."""
    s = open_store(str(tmp_path / "weather.db"))
    start = NOW - 86_400
    s.append([WeatherWarning("w0", "haze", "blue", ts=start - 600, text="before")], now=start - 600)
    s.append([WeatherWarning("w1", "rainstorm", "yellow", ts=start + 3600, text="暴雨黄色预警")], now=start + 3600)
    s.append([WeatherWarning("w1", "rainstorm", "yellow", active=False, ts=start + 7200)], now=start + 7200)
    notes = weather_notes(s.engine, start, NOW)
    s.close()
    assert [(n.hazard, n.active, n.at) for n in notes] == [
        ("rainstorm", True, start + 3600),
        ("rainstorm", False, start + 7200),
    ]
    assert notes[0].text == "暴雨黄色预警"
