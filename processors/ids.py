"""Deterministic ids: the same input always gets the same id, so replays never duplicate."""

from __future__ import annotations

import hashlib


def stable_id(*parts: object, length: int = 16) -> str:
    """A hex digest of the parts (joined with a separator that cannot occur in them)."""
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8"))
    return digest.hexdigest()[:length]


def article_id_for_text(text: str) -> str:
    """The id of an article that came without one: a hash of its text."""
    return stable_id("article", text)
