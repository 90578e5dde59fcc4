"""Access tokens: each token grants one role (``wall``, ``operator``, ``producer``) to a named client.

A tokens file is JSON: ``{"<token>": {"role": "wall", "name": "lobby wall"}}``; a key
may also be the token's hash, ``"sha256:<64 hex digits>"`` (see :func:`hash_token`), so
that the file on a server holds no usable secret. In memory the server keeps only the
SHA-256 digests and compares them in constant time. :func:`ensure_default_tokens`
writes a file with random plain tokens (mode 0600) in the user config folder for the
one-machine demo, whose own clients read them from there.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from feeds.paths import default_tokens_path
from feeds.protocol.vocab import ROLES

HASH_PREFIX = "sha256:"
MAX_NAME = 64
"""Longest client name (it becomes the ``by`` of operator events)."""


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


class TokenBook:
    """Tokens known to the server, kept as SHA-256 digests. Lookups compare in constant time.

    Args:
        grants: Initial ``token -> Grant`` entries (plain tokens or ``sha256:`` hashes).

    Raises:
        ValueError: For an unknown role, an empty token or a name over 64 characters.
    """

    def __init__(self, grants: Mapping[str, Grant] | None = None) -> None:
        self._grants: dict[bytes, Grant] = {}
        self._plain: dict[str, Grant] = {}  # only tokens issued or added in plain text (the demo's own clients)
        self._keys: dict[bytes, str] = {}  # how each entry is written back (plain or hashed)
        for token, grant in (grants or {}).items():
            self.add(token, grant.role, grant.name)

    def add(self, token: str, role: str, name: str = "") -> None:
        """Add (or replace) a token, given plain or as its ``sha256:`` hash."""
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r}; expected one of {', '.join(sorted(ROLES))}")
        if not token:
            raise ValueError("empty token")
        if len(name) > MAX_NAME:
            raise ValueError(f"name {name[:20]!r}… is longer than {MAX_NAME} characters")
        key = _key_digest(token)
        grant = Grant(role, name or role)
        self._grants[key] = grant
        self._keys[key] = token
        if not token.startswith(HASH_PREFIX):
            self._plain[token] = grant

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

    def token_for(self, role: str) -> str | None:
        """Some plain token holding ``role`` (for the demo's own clients), or ``None``."""
        return next((t for t, g in self._plain.items() if g.role == role), None)

    def __iter__(self) -> Iterator[tuple[str, Grant]]:
        """``(key, grant)``: the plain token, or its ``sha256:`` hash if added hashed."""
        return iter((self._keys[k], g) for k, g in self._grants.items())

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
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}: not valid JSON: {exc}") from None
        if not isinstance(data, dict):
            raise ValueError(f"{path}: expected a JSON object of tokens")
        try:
            return cls.from_mapping(data)
        except ValueError as exc:
            raise ValueError(f"{path}: {exc}") from None

    def to_mapping(self) -> dict[str, dict[str, str]]:
        """The JSON form (see :meth:`from_mapping`)."""
        return {key: {"role": g.role, "name": g.name} for key, g in self}

    def save(self, path: Path) -> None:
        """Write the tokens file, readable by the owner only."""
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(self.to_mapping(), out, ensure_ascii=False, indent=2)
            out.write("\n")


def ensure_default_tokens(path: Path | None = None) -> tuple[Path, TokenBook]:
    """Load the demo tokens file, creating it with one random token per role if missing.

    Returns:
        The file's path and its tokens.
    """
    target = path or default_tokens_path()
    if target.exists():
        return target, TokenBook.load(target)
    book = TokenBook()
    book.issue("wall", "wall")
    book.issue("operator", "operator")
    book.issue("producer", "simulator")
    book.save(target)
    return target, book
