"""Runs the benchmarks of :mod:`bench.suite`, each in its own process, and collects their figures.

A benchmark is a script in ``bench/`` run with the arguments of its :class:`Bench` entry (full or
``--quick``); the entry's ``parse`` reads the script's printed figures into :class:`Figure` rows.
A benchmark is *broken* when the script exits non-zero, times out, or prints something ``parse``
cannot read; that (and only that) fails a run. A slow figure is reported as missed, never failed.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class ParseError(Exception):
    """The benchmark's output lacks a figure it should print."""


@dataclass
class Figure:
    """One measured row: the figure, the baseline measured in the same run, and the target.

    ``lower_is_better`` decides how ``target`` is compared; the ratio is always
    ``value / baseline`` (so for times below 1 is faster than the baseline, for rates above 1).
    """

    measure: str
    value: float
    unit: str
    target: float | None = None
    lower_is_better: bool = True
    baseline: float | None = None
    baseline_label: str = ""
    runs: int = 1
    note: str = ""
    reason: str = ""
    """Why a target is missed, when the benchmark found out (kept visible in the report)."""

    @property
    def ratio(self) -> float | None:
        """``value / baseline`` (None without a baseline)."""
        if self.baseline is None or self.baseline == 0:
            return None
        return self.value / self.baseline

    @property
    def met(self) -> bool | None:
        """Whether the target is met (None when there is no target)."""
        if self.target is None:
            return None
        return self.value <= self.target if self.lower_is_better else self.value >= self.target


@dataclass
class Bench:
    """A benchmark script and how to read its output.

    ``repeat`` runs the script that many times and keeps the median of each figure, for scripts
    that measure one run per process; scripts with their own repetitions get them through ``args``.
    """

    name: str
    title: str
    script: str
    args: list[str]
    quick_args: list[str]
    parse: Callable[[str], list[Figure]]
    about: str
    repeat: int = 1
    quick_repeat: int = 1
    timeout_s: float = 1800.0
    env: dict[str, str] = field(default_factory=dict)
    optional: bool = False
    """Skipped (and said so) while its script is not in this checkout: another branch brings it."""
    full_only: bool = False
    """Never run by ``--quick`` (hours of work, e.g. the city-scale PostgreSQL benchmark)."""
    needs_env: str = ""
    """An environment variable the benchmark needs (e.g. a PostgreSQL URL); skipped, and said so, without it."""

    @property
    def present(self) -> bool:
        """Whether the script exists in this checkout."""
        return (ROOT / "bench" / self.script).is_file()


@dataclass
class Outcome:
    """What one benchmark gave: figures, or the reason it is broken, and its output."""

    bench: Bench
    figures: list[Figure]
    output: str
    seconds: float
    command: str
    broken: str = ""


def _run_once(bench: Bench, args: list[str]) -> tuple[str, str]:
    """Run the script once; returns (output, broken reason or "")."""
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
        "QTWEBENGINE_DISABLE_SANDBOX": "1",
        "PYTHONUNBUFFERED": "1",
        **bench.env,
    }
    try:
        done = subprocess.run(
            [sys.executable, str(ROOT / "bench" / bench.script), *args],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=bench.timeout_s,
        )
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout if isinstance(exc.stdout, str) else (exc.stdout or b"").decode(errors="replace")
        return out, f"timed out after {bench.timeout_s:.0f} s"
    if done.returncode != 0:
        return done.stdout, f"exit code {done.returncode}"
    return done.stdout, ""


def _median_figures(runs: list[list[Figure]]) -> list[Figure]:
    """Median of each figure (and baseline) over repeated runs of the same script."""
    merged: list[Figure] = []
    for i, first in enumerate(runs[0]):
        same = [r[i] for r in runs if i < len(r) and r[i].measure == first.measure]
        baselines = [f.baseline for f in same if f.baseline is not None]
        merged.append(
            Figure(
                **{
                    **first.__dict__,
                    "value": statistics.median(f.value for f in same),
                    "baseline": statistics.median(baselines) if baselines else None,
                    "runs": sum(f.runs for f in same),
                }
            )
        )
    return merged


def run_bench(bench: Bench, quick: bool, echo: Callable[[str], None]) -> Outcome:
    """Run ``bench`` (``repeat`` times) and parse its figures."""
    args = bench.quick_args if quick else bench.args
    repeat = bench.quick_repeat if quick else bench.repeat
    command = f"python bench/{bench.script} {' '.join(args)}".strip()
    outputs: list[str] = []
    parsed: list[list[Figure]] = []
    start = time.monotonic()
    for i in range(repeat):
        echo(f"[bench] {bench.name}: run {i + 1}/{repeat}: {command}")
        out, broken = _run_once(bench, args)
        outputs.append(out)
        if not broken:
            try:
                parsed.append(bench.parse(out))
            except (ParseError, ValueError, IndexError, KeyError) as exc:
                broken = f"output not understood: {exc}"
        if broken:
            tail = "\n".join(out.strip().splitlines()[-15:])
            echo(f"[bench] {bench.name} BROKEN: {broken}\n{tail}")
            return Outcome(bench, [], "\n".join(outputs), time.monotonic() - start, command, broken)
    figures = parsed[0] if len(parsed) == 1 else _median_figures(parsed)
    took = time.monotonic() - start
    echo(f"[bench] {bench.name}: done in {took:.0f} s")
    return Outcome(bench, figures, "\n".join(outputs), took, command)
