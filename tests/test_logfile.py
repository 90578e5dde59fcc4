"""Structured rotating logs: one JSON object per line with the caller's fields, rotated by size."""

from __future__ import annotations

import json
import logging
from pathlib import Path

from feeds.logfile import add_rotating_log, log_text


def test_records_are_json_lines_with_extras_and_rotate(tmp_path: Path) -> None:
    """Extras (e.g. a refused frame's code and field) become keys; past max_bytes the file rotates."""
    path = tmp_path / "logs" / "server.jsonl"
    handler = add_rotating_log(path, max_bytes=2000, backups=2)
    log = logging.getLogger("feeds.test.logfile")
    log.setLevel(logging.INFO)
    try:
        assert add_rotating_log(path) is handler  # once per file
        log.warning("refused frame", extra={"event": "refused_frame", "code": "bad_json", "field": None})
        first = json.loads(path.read_text(encoding="utf-8").splitlines()[0])
        assert first["msg"] == "refused frame" and first["level"] == "WARNING"
        assert (first["event"], first["code"], first["field"]) == ("refused_frame", "bad_json", None)
        for i in range(100):
            log.info("line %d 西城", i)
        assert (tmp_path / "logs" / "server.jsonl.1").exists()
        assert not (tmp_path / "logs" / "server.jsonl.3").exists()
        for line in path.read_text(encoding="utf-8").splitlines():
            assert json.loads(line)["logger"] == "feeds.test.logfile"
    finally:
        logging.getLogger().removeHandler(handler)
        handler.close()


def test_a_lone_surrogate_is_written_escaped_not_lost(tmp_path: Path) -> None:
    """A record holding a lone surrogate is one JSON line (it failed to encode and the record was lost)."""
    path = tmp_path / "server.jsonl"
    handler = add_rotating_log(path)
    log = logging.getLogger("feeds.test.surrogate")
    try:
        log.warning("bad key %s", "k\ud800", extra={"field": "x.\udfff"})
        (line,) = path.read_text(encoding="utf-8").splitlines()
        record = json.loads(line)
        assert (record["msg"], record["field"]) == ("bad key k\ud800", "x.\udfff")
    finally:
        logging.getLogger().removeHandler(handler)
        handler.close()


def test_log_text_escapes_what_would_break_a_line_and_caps_it() -> None:
    """Newlines, NUL, U+2028, lone surrogates and backslashes become escapes; long text is cut with a mark."""
    assert log_text("zz\n18:30 INFO x") == "zz\\n18:30 INFO x"
    assert log_text("k\x00\u2028\ud800\\") == "k\\x00\\u2028\\ud800\\\\"
    assert log_text("西城 ok") == "西城 ok"
    assert log_text("x" * 300) == "x" * 200 + "…"
