"""Dead letters: a failed record with its reason, its origin and its original bytes.

A dead letter is published like any other record, so it must fit the record size
limit too: a letter for an article at or over that limit keeps only the start of the
original (``original_truncated``), and says how large the whole was; the whole is
still at its source position.
"""

from __future__ import annotations

import base64
import json
from dataclasses import replace
from typing import Any

from processors.types import DeadLetter


def encode(record: dict[str, Any]) -> bytes:
    """The wire form of every record the worker publishes: compact UTF-8 JSON."""
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def dead_letter(
    raw: bytes | None,
    reason: str,
    error_class: str,
    message: str,
    *,
    topic: str | None,
    partition: int | None,
    offset: int | None,
    failed_at: str,
    max_bytes: int,
    article_id: str | None = None,
) -> tuple[DeadLetter, bytes]:
    """The dead letter for ``raw`` and its encoded form, at most ``max_bytes`` long.

    The original is kept as text when it is UTF-8, else as base64; when the letter
    would be too large, only as much of the start of the original as fits is kept.
    """
    raw = raw or b""
    try:
        raw.decode("utf-8")
        utf8 = True
    except UnicodeDecodeError:
        utf8 = False
    letter = DeadLetter(
        reason=reason,
        error_class=error_class,
        message=message[:2000],
        original="",
        original_encoding="utf-8" if utf8 else "base64",
        topic=topic,
        partition=partition,
        offset=offset,
        failed_at=failed_at,
        article_id=article_id,
        original_bytes=len(raw),
    )
    keep = len(raw)
    while True:
        part = raw[:keep]
        # A cut inside a multi-byte character drops that character's first bytes.
        original = (
            part.decode("utf-8", "ignore") if utf8 else base64.b64encode(part).decode("ascii")
        )
        letter = replace(letter, original=original, original_truncated=keep < len(raw))
        payload = encode(letter.to_dict())
        if len(payload) <= max_bytes or keep == 0:
            return letter, payload
        # Shrink in proportion to the excess (JSON escapes and base64 make the encoded
        # original larger than the raw bytes), with a margin so this ends in few steps.
        keep = min(keep - 1, keep * max_bytes // len(payload) * 9 // 10)
