"""A poller's checkpoint file read back: a JSON object whose problems are said in words, with the way out.

``poll-open311``, ``poll-db`` and ``poll-cap`` each keep where they stand in a small JSON
object (written atomically). A file that is not there means "from the start"; one that
cannot be used (not JSON, not an object, a key missing or of the wrong kind: a damaged
file, or another poller's) is refused naming the file and the problem, and saying that
deleting it starts the poller over (``docs/importing.md``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def checkpoint_error(path: Path, problem: str) -> ValueError:
    """The one-line refusal of an unusable checkpoint ``path``."""
    return ValueError(f"checkpoint {path}: {problem}; delete it to start over")


def read_checkpoint(path: Path, keys: tuple[str, ...]) -> dict[str, Any] | None:
    """The JSON object in ``path`` holding ``keys`` (``None``: no such file, start from the beginning).

    Raises:
        ValueError: The file cannot be read, or is not a JSON object with those keys (:func:`checkpoint_error`).
    """
    if not path.exists():
        return None
    if path.is_dir():
        raise ValueError(f"checkpoint {path} is a folder, not a file")
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ValueError(f"cannot read the checkpoint {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise checkpoint_error(path, "not UTF-8 text") from None
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise checkpoint_error(path, f"not JSON ({exc})") from None
    if not isinstance(data, dict):
        raise checkpoint_error(path, f"not a JSON object (a {_kind(data)})")
    missing = [key for key in keys if key not in data]
    if missing:
        raise checkpoint_error(path, f"missing key{'s' if len(missing) > 1 else ''} " + ", ".join(map(repr, missing)))
    return data


def _kind(value: Any) -> str:
    """What a JSON value is, in words."""
    if isinstance(value, list):
        return "list"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    return "null"
