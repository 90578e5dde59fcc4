"""Reading a settings file (the alarm settings, the linkage plans), and its unknown keys (a layout too).

:func:`read_toml` names the file in every problem (tomllib's own message has no file name).
A misspelt key (``rowspn``, ``lead_mins``) would otherwise be ignored without a word and its
default used: the files' loaders refuse it instead, naming the key and, when one is close, the
key that was probably meant.
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any


def read_toml(path: Path) -> dict[str, Any]:
    """The TOML file ``path`` as a table.

    Raises:
        ValueError: Naming the file: it cannot be read (missing, a folder, no access), or is not TOML.
    """
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except OSError as exc:
        raise ValueError(f"{path}: {exc.strerror or exc}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path}: not a valid TOML file: {exc}") from None


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
