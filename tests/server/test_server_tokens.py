"""Tokens: files, the demo's default file, limits on what a token may carry."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from server_helpers import Wire, make_case

from feeds.protocol import Action, CaseCreated, Error
from feeds.server import ServerThread, TokenBook, ensure_default_tokens


def test_default_tokens_file_is_created_once_with_one_token_per_role(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Random tokens, owner-only file in $GRIDWALL_CONFIG_DIR; a second call reads the same file."""
    monkeypatch.setenv("GRIDWALL_CONFIG_DIR", str(tmp_path / "cfg"))
    path, book = ensure_default_tokens()
    assert path == tmp_path / "cfg" / "tokens.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    roles = sorted(g.role for _, g in book)
    assert roles == ["operator", "producer", "wall"]
    wall_token = book.token_for("wall")
    assert wall_token is not None and len(wall_token) >= 24
    again_path, again = ensure_default_tokens()
    assert again_path == path and again.to_mapping() == book.to_mapping()
    assert again.check(wall_token) is not None and again.check(wall_token + "x") is None


def test_tokens_file_errors_name_the_file(tmp_path: Path) -> None:
    """Bad JSON, an unknown role or a name over 64 characters is refused clearly."""
    path = tmp_path / "tokens.json"
    path.write_text("{oops", encoding="utf-8")
    with pytest.raises(ValueError, match=r"tokens\.json: not valid JSON"):
        TokenBook.load(path)
    path.write_text(json.dumps({"t1": {"role": "admin"}}), encoding="utf-8")
    with pytest.raises(ValueError, match="unknown role 'admin'"):
        TokenBook.load(path)
    with pytest.raises(ValueError, match="longer than 64"):
        TokenBook().add("t2", "operator", "x" * 65)


def test_urge_text_longer_than_a_note_is_refused(server: ServerThread) -> None:
    """An urge's text becomes the event's note: over 500 characters is bad_field 'text'."""
    producer = Wire(server.url, "prod-token")
    producer.hello()
    producer.send(CaseCreated(make_case("U1"), id="c"))
    producer.reply("c")
    operator = Wire(server.url, "op-token")
    operator.hello()
    operator.send(Action("urge", "U1", "催" * 501, id="u"))
    reply = operator.reply("u")
    assert isinstance(reply, Error) and (reply.code, reply.field) == ("bad_field", "text")
    assert server.server.store.head() == 1
    operator.close()
    producer.close()
