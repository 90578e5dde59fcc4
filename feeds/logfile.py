"""Structured, rotating log files: one JSON object per line, rotated by size.

Every record carries ``ts`` (ISO 8601, UTC), ``level``, ``logger`` and ``msg``, plus any
``extra`` fields the caller gave: the server logs each refused frame with ``event``
(``refused_frame``), ``peer``, ``client``, ``role``, ``code`` and ``field``, so a log
reader can count and filter them.
"""

from __future__ import annotations

import json
import logging
import logging.handlers
from datetime import UTC, datetime
from pathlib import Path

_STANDARD = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime"}
MAX_BYTES = 10 * 1024 * 1024
BACKUPS = 5
LOG_TEXT_MAX = 200
"""Characters of a client's text that a log record keeps (:func:`log_text`)."""


def _escape(char: str) -> str:
    """One character as a Python escape (``\\`` for the backslash)."""
    return "\\\\" if char == "\\" else repr(char)[1:-1]


def log_text(value: str, max_chars: int = LOG_TEXT_MAX) -> str:
    """``value`` (text a client sent) made fit for a one-line log record.

    Cut to ``max_chars`` (marked ``…``); the backslash and every character that is not printable
    (newline, NUL and the other controls, U+2028, format characters, lone surrogates) are written
    as Python escapes (``\\n``, ``\\x00``, ``\\u2028``), so a client cannot start a forged line or
    make the log binary.
    """
    cut = value[:max_chars]
    if not cut.isprintable() or "\\" in cut:
        cut = "".join(c if c.isprintable() and c != "\\" else _escape(c) for c in cut)
    return cut + "…" if len(value) > max_chars else cut


class JsonLineFormatter(logging.Formatter):
    """Formats a record as one JSON line (extras included, traceback as ``exc``)."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, object] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_"):
                data[key] = value if isinstance(value, (str, int, float, bool, type(None))) else str(value)
        if record.exc_info:
            data["exc"] = self.formatException(record.exc_info)
        line = json.dumps(data, ensure_ascii=False)
        if not line.isascii():
            try:
                line.encode("utf-8")
            except UnicodeEncodeError:  # a lone surrogate, which the UTF-8 file cannot take: escape it
                line = json.dumps(data)
        return line


def add_rotating_log(
    path: Path, *, level: int = logging.INFO, max_bytes: int = MAX_BYTES, backups: int = BACKUPS
) -> logging.Handler:
    """Add (once per file) a size-rotated JSON-lines handler to the root logger; returns it."""
    path = path.resolve()
    root = logging.getLogger()
    for handler in root.handlers:
        if isinstance(handler, logging.handlers.RotatingFileHandler) and Path(handler.baseFilename) == path:
            return handler
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.handlers.RotatingFileHandler(path, maxBytes=max_bytes, backupCount=backups, encoding="utf-8")
    handler.setLevel(level)
    handler.setFormatter(JsonLineFormatter())
    root.addHandler(handler)
    return handler
