"""Access tokens: each token grants one role (``wall``, ``operator``, ``producer``) to a named client.

A tokens file is JSON: ``{"sha256:<64 hex digits>": {"role": "wall", "name": "lobby wall"}}``,
each key the SHA-256 of a token (see :func:`hash_token`), so that the file on a server
holds no usable secret. A key may also be the plain token (files written by hand or by
earlier versions): it is hashed when the file is read. In memory the server keeps only
the SHA-256 digests and compares them in constant time; :meth:`TokenBook.save` writes
hashes only.

:func:`ensure_default_tokens` keeps the one-machine demo's files in the user config
folder: ``tokens.json`` (hashes, what the server reads) and ``client-tokens.json`` (the
plain token per role its own clients present; both mode 0600).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from feeds.paths import default_tokens_path
from feeds.protocol.vocab import ROLES

HASH_PREFIX = "sha256:"
MAX_NAME = 64
"""Longest client name (it becomes the ``by`` of operator events)."""
CLIENT_TOKENS_FILE_NAME = "client-tokens.json"
"""The demo's plain tokens, one per role, beside the server's ``tokens.json``."""


@dataclass(frozen=True, slots=True)
class Grant:
    """What a token allows: a role and the name the client acts under (``by`` of its actions)."""

    role: str
    name: str


def digest(token: str) -> bytes:
    """SHA-256 of a token (what the server keeps and compares)."""
    return hashlib.sha256(token.encode("utf-8", "replace")).digest()


def hash_token(token: str) -> str:
    """The ``"sha256:<hex>"`` form of a token, for a tokens file without plain secrets."""
    return HASH_PREFIX + digest(token).hex()


def _key_digest(key: str) -> bytes:
    """Digest of a tokens-file key: a plain token, or its ``sha256:`` hash."""
    if key.startswith(HASH_PREFIX):
        hex_digest = key[len(HASH_PREFIX) :]
        try:
            raw = bytes.fromhex(hex_digest)
        except ValueError:
            raw = b""
        if len(raw) != hashlib.sha256().digest_size:
            raise ValueError(f"{key[:12]}…: a hashed token must be 'sha256:' and 64 hex digits")
        return raw
    return digest(key)


def _write_private(path: Path, data: Any) -> None:
    """Write JSON readable by the owner only (mode 0600), replacing the file in one step."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(data, out, ensure_ascii=False, indent=2)
        out.write("\n")
    os.replace(tmp, path)


def _read_json_object(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}: not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a JSON object of tokens")
    return data


class TokenBook:
    """Tokens known to the server, kept as SHA-256 digests only. Lookups compare in constant time.

    Args:
        grants: Initial ``token -> Grant`` entries (plain tokens or ``sha256:`` hashes).

    Raises:
        ValueError: For an unknown role, an empty token or a name over 64 characters.
    """

    def __init__(self, grants: Mapping[str, Grant] | None = None) -> None:
        self._grants: dict[bytes, Grant] = {}
        for token, grant in (grants or {}).items():
            self.add(token, grant.role, grant.name)

    def add(self, token: str, role: str, name: str = "") -> None:
        """Add (or replace) a token, given plain or as its ``sha256:`` hash; only its digest is kept."""
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r}; expected one of {', '.join(sorted(ROLES))}")
        if not token:
            raise ValueError("empty token")
        if len(name) > MAX_NAME:
            raise ValueError(f"name {name[:20]!r}… is longer than {MAX_NAME} characters")
        self._grants[_key_digest(token)] = Grant(role, name or role)

    def issue(self, role: str, name: str = "") -> str:
        """Create, add and return a new random token for ``role``."""
        token = secrets.token_urlsafe(24)
        self.add(token, role, name)
        return token

    def check(self, token: str) -> Grant | None:
        """The grant of ``token``, or ``None`` if unknown (every entry is compared: constant time)."""
        return self.check_digest(digest(token))

    def check_digest(self, presented: bytes) -> Grant | None:
        """The grant of a token given by its digest, or ``None``."""
        found: Grant | None = None
        for known, grant in self._grants.items():
            if hmac.compare_digest(presented, known):
                found = grant
        return found

    def __iter__(self) -> Iterator[tuple[str, Grant]]:
        """``(key, grant)`` with each key in its ``sha256:`` form (the book holds no plain token)."""
        return iter((HASH_PREFIX + k.hex(), g) for k, g in self._grants.items())

    def copy(self) -> TokenBook:
        """A separate book with the same entries (e.g. to add a token of one's own)."""
        book = TokenBook()
        book._grants = dict(self._grants)
        return book

    def __len__(self) -> int:
        return len(self._grants)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> TokenBook:
        """Read the JSON form ``{"<token>": {"role": ..., "name": ...}}``."""
        book = cls()
        for token, entry in data.items():
            if not isinstance(entry, Mapping) or not isinstance(entry.get("role"), str):
                raise ValueError(f"token entry {token[:6]}…: expected an object with a 'role'")
            book.add(str(token), entry["role"], str(entry.get("name") or ""))
        return book

    @classmethod
    def load(cls, path: Path) -> TokenBook:
        """Read a tokens file.

        Raises:
            ValueError: If the file is not valid (the message names the file).
            OSError: If it cannot be read.
        """
        data = _read_json_object(path)
        try:
            return cls.from_mapping(data)
        except ValueError as exc:
            raise ValueError(f"{path}: {exc}") from None

    def to_mapping(self) -> dict[str, dict[str, str]]:
        """The JSON form (see :meth:`from_mapping`)."""
        return {key: {"role": g.role, "name": g.name} for key, g in self}

    def save(self, path: Path) -> None:
        """Write the tokens file (hashed keys only), readable by the owner only."""
        _write_private(path, self.to_mapping())


def plain_keys(path: Path) -> dict[str, Grant]:
    """The entries of a tokens file whose key is a plain token (``token -> grant``).

    Raises:
        ValueError: If the file is not valid. OSError: If it cannot be read.
    """
    data = _read_json_object(path)
    try:
        TokenBook.from_mapping(data)  # validates every entry
    except ValueError as exc:
        raise ValueError(f"{path}: {exc}") from None
    return {
        k: Grant(v["role"], str(v.get("name") or "") or v["role"])
        for k, v in data.items()
        if not k.startswith(HASH_PREFIX)
    }


def hash_tokens_file(path: Path) -> dict[str, Grant]:
    """Rewrite a tokens file with every key hashed; returns the plain tokens it held (to hand out once).

    Raises:
        ValueError: If the file is not valid. OSError: If it cannot be read or written.
    """
    plain = plain_keys(path)
    if plain:
        TokenBook.load(path).save(path)
    return plain


def issue_token(path: Path, role: str, name: str = "") -> str:
    """Add a new random token for ``role`` to a tokens file (created if missing) as its hash; returns it."""
    book = TokenBook.load(path) if path.exists() else TokenBook()
    token = book.issue(role, name)
    book.save(path)
    return token


def create_tokens_file(
    path: Path, roles: tuple[str, ...] = ("wall", "operator", "producer")
) -> list[tuple[str, Grant]]:
    """A new tokens file at ``path`` (its folder made if needed) with one random token per role, kept as hashes.

    Returns:
        ``(token, grant)`` of each: the plain tokens, to hand out once (the file keeps only their hashes).

    Raises:
        OSError: If the file cannot be written.
    """
    book = TokenBook()
    issued = [(book.issue(role, role), Grant(role, role)) for role in roles]
    book.save(path)
    return issued


@dataclass
class DefaultTokens:
    """The demo's tokens: the server's file (hashes) and the plain token per role its own clients use."""

    path: Path
    book: TokenBook
    client_path: Path
    plain: dict[str, str] = field(default_factory=dict)

    def token_for(self, role: str) -> str | None:
        """The plain token the demo's own client of ``role`` presents, or ``None``."""
        token = self.plain.get(role)
        if token is None:
            return None
        grant = self.book.check(token)
        return token if grant is not None and grant.role == role else None


def ensure_default_tokens(path: Path | None = None) -> DefaultTokens:
    """Load the demo's tokens, creating them with one random token per role if missing.

    ``tokens.json`` holds hashes only; the plain tokens are in ``client-tokens.json`` beside
    it (role -> token). A ``tokens.json`` with plain keys (written by earlier versions) is
    converted: its plain tokens move to the client file and it keeps their hashes.

    Raises:
        ValueError: If a file is not valid. OSError: If one cannot be read or written.
    """
    target = path or default_tokens_path()
    client_path = target.with_name(CLIENT_TOKENS_FILE_NAME)
    plain: dict[str, str] = {}
    if client_path.exists():
        data = _read_json_object(client_path)
        plain = {str(role): token for role, token in data.items() if isinstance(token, str)}
    if target.exists():
        converted = plain_keys(target)
        for token, grant in converted.items():
            plain.setdefault(grant.role, token)
        if converted:
            _write_private(client_path, plain)  # first the clients' copy, then the server's file loses it
            TokenBook.load(target).save(target)
        return DefaultTokens(target, TokenBook.load(target), client_path, plain)
    book = TokenBook()
    plain = {
        role: book.issue(role, name)
        for role, name in (("wall", "wall"), ("operator", "operator"), ("producer", "simulator"))
    }
    _write_private(client_path, plain)
    book.save(target)
    return DefaultTokens(target, book, client_path, plain)
