"""The 全响应 taxonomy: its shape, its checks and its agreement with the generator."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from collections import Counter
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from feeds.response.taxonomy import load_response_taxonomy, parse_response_taxonomy
from feeds.taxonomy import TaxonomyError, load_taxonomy

ROOT = Path(__file__).resolve().parents[2]


def _raw() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(resources.files("resources").joinpath("response_taxonomy.json").read_text())
    return data


def test_counts_are_the_documents() -> None:
    """5 categories, 21 majors, 109 subs, 571 types, 600k requests in ten years."""
    tax = load_response_taxonomy()
    assert (len(tax.categories), len(tax.majors), len(tax.subs), len(tax.types)) == (5, 21, 109, 571)
    assert sum(t.weight for t in tax.types) == pytest.approx(600_000, rel=1e-4)


def test_every_leaf_has_a_department_and_deadlines() -> None:
    """Each leaf names a known department and a response deadline no later than its handling deadline."""
    tax = load_response_taxonomy()
    known = {d.code for d in load_taxonomy().departments} | {d.code for d in tax.departments}
    for t in tax.types:
        assert t.department in known
        assert 0 < t.response_h <= t.deadline_h
        assert len(t.season) == 12


def test_codes_never_clash_with_city_management() -> None:
    """Leaf codes are six digits; city-management subclass codes four, so one column holds both."""
    tax = load_response_taxonomy()
    city = {s.code for s in load_taxonomy().subclasses}
    assert not city & {t.code for t in tax.types}
    assert {len(t.code) for t in tax.types} == {6}
    sub = tax.as_subclasses()[0]
    assert sub.class_code in {m.code for m in tax.majors}


def test_phone_and_answered_on_line_shares() -> None:
    """About 90 % by phone; about 6 in 10 calls (by weight) answered on the line."""
    tax = load_response_taxonomy()
    shares = {c.code: c.share for c in tax.channels}
    assert shares["hotline_12345"] == pytest.approx(0.90)
    on_line = sum(t.weight * t.answered_on_line for t in tax.types) / sum(t.weight for t in tax.types)
    assert on_line == pytest.approx(0.60, abs=0.02)
    assert Counter(t.nature for t in tax.types)["6"] == 26


@pytest.mark.parametrize(
    ("break_it", "message"),
    [
        (lambda d: d["types"].append(dict(d["types"][0])), "duplicate type"),
        (lambda d: d["types"][0].update(department="D99"), "unknown department"),
        (lambda d: d["types"][0].update(response_h=500.0), "response <= handling"),
        (lambda d: d["types"][0].update(weight=0), "weight"),
        (lambda d: d["subs"][0].update(major="Q59"), "bad parent"),
        (lambda d: d["channels"][0].update(share=0.5), "sum to 1"),
        (lambda d: d["types"][0].pop("sub"), "malformed"),
    ],
)
def test_bad_files_are_refused(break_it: Any, message: str) -> None:
    """Each kind of inconsistency is refused with a message naming it."""
    data = copy.deepcopy(_raw())
    break_it(data)
    with pytest.raises(TaxonomyError, match=message):
        parse_response_taxonomy(data, [d.code for d in load_taxonomy().departments])


def test_file_is_what_the_generator_writes() -> None:
    """The packaged file and ``packaging/make_response_taxonomy.py`` agree."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "packaging" / "make_response_taxonomy.py"), "--check"], check=False
    )
    assert done.returncode == 0
