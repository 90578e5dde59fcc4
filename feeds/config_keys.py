"""Unknown keys in a settings file (a layout, the alarm settings, the linkage plans).

A misspelt key (``rowspn``, ``lead_mins``) would otherwise be ignored without a word and its
default used: the files' loaders refuse it instead, naming the key and, when one is close, the
key that was probably meant.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from typing import Any


def unknown_keys(table: Mapping[str, Any], known: Iterable[str], prefixes: tuple[str, ...] = ()) -> str | None:
    """``None`` when every key of ``table`` is known (or starts with one of ``prefixes``), else what is wrong.

    >>> unknown_keys({"rowspn": 2, "row": 1}, ("row", "rowspan"))
    "unknown key 'rowspn' (did you mean 'rowspan'?)"
    >>> unknown_keys({"a": 1, "b": 2}, ("row",))
    "unknown keys 'a', 'b' (known: row)"
    """
    names = sorted(set(known))
    wrong = sorted(str(k) for k in table if k not in names and not str(k).startswith(prefixes))
    if not wrong:
        return None
    if len(wrong) == 1:
        close = difflib.get_close_matches(wrong[0], names, n=1, cutoff=0.6)
        if close:
            return f"unknown key {wrong[0]!r} (did you mean {close[0]!r}?)"
    listed = ", ".join(repr(k) for k in wrong)
    return f"unknown key{'s' if len(wrong) > 1 else ''} {listed} (known: {', '.join(names)})"
