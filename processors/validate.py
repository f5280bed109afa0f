"""Validation at the edge: raw bytes from the articles topic -> ``Article`` or a reason.

Reasons are short fixed labels (used as metric labels and in dead letters):
``not_utf8``, ``not_json``, ``not_object``, ``wrong_type``, ``missing_text``,
``empty_text``, ``too_large``, ``bad_published_at``, ``unsupported_lang``.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from processors.errors import InvalidArticle
from processors.ids import article_id_for_text
from processors.types import Article

REASONS = (
    "not_utf8",
    "not_json",
    "not_object",
    "wrong_type",
    "missing_text",
    "empty_text",
    "too_large",
    "bad_published_at",
    "unsupported_lang",
    "processing_error",
)

SUPPORTED_LANGS = frozenset({"en"})
_OPTIONAL_STRINGS = ("id", "title", "url", "source", "published_at", "lang")


def decode_article(raw: bytes | None, *, max_bytes: int) -> Article:
    """Parse and validate one record's value; raise ``InvalidArticle`` with a reason."""
    if raw is None:
        raise InvalidArticle("missing_text", "the record has no value")
    if len(raw) > max_bytes:
        raise InvalidArticle("too_large", f"record is {len(raw)} bytes; the limit is {max_bytes}")
    try:
        decoded = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidArticle(
            "not_utf8", f"record is not UTF-8: {exc.reason} at byte {exc.start}"
        ) from None
    try:
        data = json.loads(decoded)
    except json.JSONDecodeError as exc:
        raise InvalidArticle(
            "not_json", f"record is not JSON: {exc.msg} at char {exc.pos}"
        ) from None
    return article_from_mapping(data)


def article_from_mapping(data: Any) -> Article:
    """Validate a decoded JSON value as an article."""
    if not isinstance(data, dict):
        raise InvalidArticle("not_object", f"article must be a JSON object, not {_kind(data)}")
    if "text" not in data or data["text"] is None:
        raise InvalidArticle("missing_text", "article has no 'text' field")
    text = data["text"]
    if not isinstance(text, str):
        raise InvalidArticle("wrong_type", f"'text' must be a string, not {_kind(text)}")
    if not text.strip():
        raise InvalidArticle("empty_text", "'text' is empty")
    for name in _OPTIONAL_STRINGS:
        value = data.get(name)
        if value is not None and not isinstance(value, str):
            raise InvalidArticle("wrong_type", f"'{name}' must be a string, not {_kind(value)}")
    published_at = data.get("published_at")
    if published_at:
        parse_timestamp(published_at)
    lang = (data.get("lang") or "en").lower()
    if lang not in SUPPORTED_LANGS:
        supported = ", ".join(sorted(SUPPORTED_LANGS))
        raise InvalidArticle("unsupported_lang", f"lang {lang!r} is not supported ({supported})")
    return Article(
        id=data.get("id") or article_id_for_text(text),
        text=text,
        title=data.get("title"),
        url=data.get("url"),
        source=data.get("source"),
        published_at=published_at or None,
        lang=lang,
    )


def parse_timestamp(value: str) -> datetime:
    """Parse an RFC 3339 timestamp with a zone ('Z' accepted); ``InvalidArticle`` if not."""
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise InvalidArticle(
            "bad_published_at", f"'published_at' {value!r} is not an RFC 3339 timestamp"
        ) from None
    if parsed.tzinfo is None:
        raise InvalidArticle(
            "bad_published_at", f"'published_at' {value!r} has no time zone (use Z or +hh:mm)"
        )
    return parsed


def _kind(value: Any) -> str:
    return {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}.get(
        type(value), "a number" if isinstance(value, int | float) else "null"
    )
