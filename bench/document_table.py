"""Seed a store and write its ``gridwall stats`` table into docs/simulation.md (between the facts markers).

    python -m bench.document_table                     # ten years ending 2026-12-01, seed 11
    python -m bench.document_table --years 1 --print   # one year, print the table only

The store goes to a temporary folder (or ``--db``; a ``--db`` that already holds cases is
measured as it is, not seeded again); nothing else is changed.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from sqlalchemy import text

from feeds.analytics.facts import document_facts, render_markdown
from feeds.simulator.history.seed import seed_history
from feeds.simulator.model.arrivals import YEAR_S
from feeds.simulator.model.calendar import epoch
from feeds.store import open_store

DOC = Path(__file__).resolve().parent.parent / "docs" / "simulation.md"
BEGIN, END = "<!-- facts:begin -->", "<!-- facts:end -->"


def main() -> None:
    """Seed, measure, and write (or print) the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--db", help="SQLite file to seed (default: a temporary one)")
    parser.add_argument("--print", action="store_true", help="print the table instead of writing the doc")
    args = parser.parse_args()
    end = epoch(2026, 12, 1)
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(args.db or str(Path(tmp) / "facts.db"))
        t0 = time.perf_counter()
        with store.engine.connect() as conn:
            cases = int(conn.execute(text("SELECT count(*) FROM cases")).scalar_one())
        seeded = ""
        if cases == 0:
            cases = seed_history(store, end - args.years * YEAR_S, end, seed=args.seed).cases
            load = os.getloadavg()[0]
            seeded = f" seeded in {time.perf_counter() - t0:.0f} s of wall-clock time (load average {load:.0f}),"
        t1 = time.perf_counter()
        rows = document_facts(store.engine)
        t2 = time.perf_counter()
        store.close()
    stamp = (
        f"Measured by `python -m bench.document_table --years {args.years:g} --seed {args.seed}`: "
        f"{cases:,} cases ending 2026-12-01,{seeded} the table computed in {t2 - t1:.0f} s."
    )
    table = f"{stamp}\n\n{render_markdown(rows)}"
    if args.print:
        print(table)
        return
    doc = DOC.read_text(encoding="utf-8")
    head, rest = doc.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    DOC.write_text(f"{head}{BEGIN}\n{table}\n{END}{tail}", encoding="utf-8")
    print(stamp)


if __name__ == "__main__":
    main()
