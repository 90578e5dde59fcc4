"""``python -m bench`` (``./run bench``): every benchmark, then ``docs/PERFORMANCE.md`` written.

``--quick`` runs each benchmark small (CI: well under two minutes) and writes nothing unless
``--out`` is given; it fails only when a benchmark is broken, never because a figure is slow.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from bench.harness import ROOT, run_bench
from bench.report import append, summary_rows, write
from bench.suite import SUITE


def main(argv: list[str] | None = None) -> int:
    """Run the suite; returns 1 when a benchmark is broken."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small runs; checks every benchmark works (CI)")
    parser.add_argument("--only", help="comma-separated benchmark names: " + ", ".join(b.name for b in SUITE))
    parser.add_argument("--out", type=Path, help="report path (default: docs/PERFORMANCE.md; none with --quick)")
    parser.add_argument("--append", action="store_true", help="add these results to the existing report")
    args = parser.parse_args(argv)
    chosen = SUITE
    if args.only:
        names = args.only.split(",")
        unknown = set(names) - {b.name for b in SUITE}
        if unknown:
            parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
        chosen = [b for b in SUITE if b.name in names]
    out = args.out or (None if args.quick else ROOT / "docs" / "PERFORMANCE.md")
    started = time.time()
    load0 = os.getloadavg()[0]
    outcomes = []
    for bench in chosen:
        if bench.optional and not bench.present:
            print(f"[bench] {bench.name}: bench/{bench.script} is not in this checkout; skipped", flush=True)
            continue
        if bench.full_only and args.quick:
            print(f"[bench] {bench.name}: not run by --quick (python -m bench --only {bench.name})", flush=True)
            continue
        if bench.needs_env and not os.environ.get(bench.needs_env):
            print(f"[bench] {bench.name}: ${bench.needs_env} is not set; skipped", flush=True)
            continue
        outcomes.append(run_bench(bench, args.quick, lambda line: print(line, flush=True)))
    print("\n".join(summary_rows(outcomes)))
    if out is not None:
        if args.append and out.is_file():
            append(out, outcomes, started, args.quick)
        else:
            write(out, outcomes, started, (load0, os.getloadavg()[0]), args.quick)
        print(f"[bench] wrote {out}")
    broken = [o.bench.name for o in outcomes if o.broken]
    print(f"[bench] {len(outcomes)} benchmarks in {time.time() - started:.0f} s; broken: {', '.join(broken) or 'none'}")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
