"""docs/PERFORMANCE.md: a benchmark run again with ``--append`` replaces its earlier rows and section."""

from __future__ import annotations

from pathlib import Path

from bench.harness import Bench, Figure, Outcome
from bench.report import append, write


def _outcome(name: str, title: str, figures: list[Figure], output: str) -> Outcome:
    bench = Bench(name, title, f"{name}.py", [], [], lambda _out: [], f"About {name}.")
    return Outcome(bench=bench, command=f"python bench/{name}.py", figures=figures, output=output, seconds=1.0)


def _rows(text: str, measure: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith(f"| {measure} |")]


def test_append_replaces_earlier_rows_and_sections(tmp_path: Path) -> None:
    report = tmp_path / "PERFORMANCE.md"
    first = [
        _outcome("seed", "Seeding", [Figure("seeding time", 86.1, "s", target=30.0)], "seed run one"),
        _outcome("search", "Search", [Figure("search p95", 13.9, "ms", target=20.0)], "search run one"),
    ]
    write(report, first, 0.0, (1.0, 1.0), quick=False)
    assert "every figure below comes from that one run" in report.read_text()

    second = _outcome("seed", "Seeding", [Figure("seeding time", 40.0, "s", target=30.0)], "seed run two")
    append(report, [second], 3600.0, quick=False)
    text = report.read_text()
    assert _rows(text, "seeding time") == [_rows(text, "seeding time")[0]]
    assert "| 40.0 s |" in _rows(text, "seeding time")[0]
    assert "seed run one" not in text and "seed run two" in text
    assert text.count("## Seeding") == 1
    assert _rows(text, "search p95") and "search run one" in text  # other benchmarks untouched
    assert "each measure appears once, with its latest figure" in text
    assert "1970-01-01 01:00 UTC" in text

    drill = _outcome(
        "drill", "Drill", [Figure("drill p95 over 3,223,840 cases", 9.0, "ms", 100.0, baseline=9000.0)], ""
    )
    append(report, [drill], 5400.0, quick=False)
    assert "| 0.001× |" in report.read_text()  # a small ratio keeps its digits
    redrill = _outcome("drill", "Drill", [Figure("drill p95 over 3,224,012 cases", 8.0, "ms", 100.0)], "")
    append(report, [redrill], 6000.0, quick=False)
    text = report.read_text()
    assert "over 3,223,840 cases" not in text and "over 3,224,012 cases" in text  # the same measure, other data
    third = _outcome("seed", "Seeding", [Figure("seeding time", 30.0, "s", target=30.0)], "seed run three")
    append(report, [third], 7200.0, quick=False)
    text = report.read_text()
    assert len(_rows(text, "seeding time")) == 1 and "| 30.0 s |" in _rows(text, "seeding time")[0]
    assert text.count("Rows after this point:") == 2  # seeding's earlier table, left empty, went with its note
    assert text.count("## Seeding") == 1 and "seed run two" not in text
    assert "\n\n\n" not in text


def test_a_full_run_measured_again_leaves_no_empty_table(tmp_path: Path) -> None:
    """When every measure of the full run has a later row, its table goes, a line says so, and the newest
    table still comes first."""
    report = tmp_path / "PERFORMANCE.md"
    write(report, [_outcome("seed", "Seeding", [Figure("seeding time", 86.1, "s")], "one")], 0.0, (1.0, 1.0), False)
    append(report, [_outcome("seed", "Seeding", [Figure("seeding time", 80.0, "s")], "two")], 3600.0, quick=False)
    append(report, [_outcome("search", "Search", [Figure("search p95", 13.9, "ms")], "s")], 7200.0, quick=False)
    lines = report.read_text().splitlines()
    summary = lines.index("## Summary")
    assert "measured again since" in lines[summary + 2]
    headers = [i for i, line in enumerate(lines) if line.startswith("| measure |")]
    assert len(headers) == 2 and all(lines[i + 2].startswith("| ") for i in headers)  # no table without rows
    notes = [line for line in lines if line.startswith("Rows after this point:")]
    assert "--only search" in notes[0] and "--only seed" in notes[1]  # the newest on top
    seeding = next(line for line in lines if line.startswith("| seeding time |"))
    assert seeding.startswith("| seeding time | 80.0 s |")
