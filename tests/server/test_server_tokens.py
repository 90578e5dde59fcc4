"""Tokens: files, the demo's default file, limits on what a token may carry."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from server_helpers import Wire, make_case

from feeds.protocol import Action, CaseCreated, Error
from feeds.server import Grant, ServerThread, TokenBook, ensure_default_tokens
from feeds.server.tokens import hash_tokens_file, issue_token, plain_keys


def test_default_tokens_are_created_once_hashed_with_the_plain_ones_for_the_demo_apart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """tokens.json holds sha256 keys only; client-tokens.json the plain token per role; both owner-only."""
    monkeypatch.setenv("GRIDWALL_CONFIG_DIR", str(tmp_path / "cfg"))
    made = ensure_default_tokens()
    assert made.path == tmp_path / "cfg" / "tokens.json" and made.client_path == tmp_path / "cfg" / "client-tokens.json"
    for path in (made.path, made.client_path):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert sorted(g.role for _, g in made.book) == ["operator", "producer", "wall"]
    server_file = made.path.read_text(encoding="utf-8")
    assert all(key.startswith("sha256:") for key in json.loads(server_file))
    wall_token = made.token_for("wall")
    assert wall_token is not None and len(wall_token) >= 24 and wall_token not in server_file
    assert json.loads(made.client_path.read_text(encoding="utf-8"))["wall"] == wall_token
    again = ensure_default_tokens()
    assert again.path == made.path and again.book.to_mapping() == made.book.to_mapping()
    assert again.token_for("wall") == wall_token
    assert again.book.check(wall_token) == Grant("wall", "wall") and again.book.check(wall_token + "x") is None


def test_a_default_file_of_plain_tokens_is_converted_and_its_tokens_keep_working(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An earlier version's tokens.json (plain keys): the tokens move to client-tokens.json, the file keeps hashes."""
    monkeypatch.setenv("GRIDWALL_CONFIG_DIR", str(tmp_path))
    old = {"w-old-token": {"role": "wall", "name": "wall"}, "p-old-token": {"role": "producer", "name": "sim"}}
    (tmp_path / "tokens.json").write_text(json.dumps(old), encoding="utf-8")
    made = ensure_default_tokens()
    assert (made.token_for("wall"), made.token_for("producer"), made.token_for("operator")) == (
        "w-old-token",
        "p-old-token",
        None,
    )
    server_file = made.path.read_text(encoding="utf-8")
    assert "old-token" not in server_file and len(json.loads(server_file)) == 2
    assert made.book.check("p-old-token") == Grant("producer", "sim")
    assert ensure_default_tokens().token_for("wall") == "w-old-token"


def test_a_plain_tokens_file_is_hashed_in_place_and_issue_adds_only_a_hash(tmp_path: Path) -> None:
    """hash_tokens_file returns the plain tokens once and leaves hashes; issue_token writes the new token hashed."""
    path = tmp_path / "tokens.json"
    path.write_text(json.dumps({"op-secret": {"role": "operator", "name": "duty"}}), encoding="utf-8")
    assert plain_keys(path) == {"op-secret": Grant("operator", "duty")}
    assert hash_tokens_file(path) == {"op-secret": Grant("operator", "duty")}
    assert "op-secret" not in path.read_text(encoding="utf-8") and plain_keys(path) == {}
    assert hash_tokens_file(path) == {}
    token = issue_token(path, "wall", "lobby")
    assert token not in path.read_text(encoding="utf-8")
    book = TokenBook.load(path)
    assert book.check(token) == Grant("wall", "lobby") and book.check("op-secret") == Grant("operator", "duty")
    assert len(book) == 2


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
