"""Validation at the edge: every bad input gets its reason; nothing else escapes."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from processors.errors import InvalidArticle
from processors.ids import article_id_for_text
from processors.validate import REASONS, decode_article

LIMIT = 10_000


def reason_of(raw: bytes | None) -> str:
    with pytest.raises(InvalidArticle) as info:
        decode_article(raw, max_bytes=LIMIT)
    return info.value.reason


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"this is not json", "not_json"),
        (b"\xff\xfe\x00garbage", "not_utf8"),
        (b"[1, 2]", "not_object"),
        (b'{"title": "no text"}', "missing_text"),
        (b'{"text": "   \\n "}', "empty_text"),
        (b'{"text": 42}', "wrong_type"),
        (b'{"text": "ok", "title": 7}', "wrong_type"),
        (b'{"text": "ok", "published_at": "yesterday"}', "bad_published_at"),
        (b'{"text": "ok", "published_at": "2023-02-24T10:00:00"}', "bad_published_at"),
        (b'{"text": "ok", "lang": "de"}', "unsupported_lang"),
        (json.dumps({"text": "x" * LIMIT}).encode(), "too_large"),
        (None, "missing_text"),
    ],
)
def test_bad_input_gets_its_reason(raw: bytes | None, reason: str) -> None:
    assert reason_of(raw) == reason
    assert reason in REASONS


def test_valid_article_keeps_fields_and_derives_a_stable_id() -> None:
    raw = json.dumps(
        {
            "text": "China calls for talks.",
            "published_at": "2023-02-24T10:00:00Z",
            "title": "T",
            "url": "https://example.org/a",
        }
    ).encode()
    article = decode_article(raw, max_bytes=LIMIT)
    assert article.id == article_id_for_text("China calls for talks.")
    assert article.published_at == "2023-02-24T10:00:00Z"
    assert article.title == "T"
    assert decode_article(raw, max_bytes=LIMIT).id == article.id


@given(st.binary(max_size=2000))
def test_arbitrary_bytes_never_raise_anything_but_invalid_article(raw: bytes) -> None:
    try:
        decode_article(raw, max_bytes=LIMIT)
    except InvalidArticle as exc:
        assert exc.reason in REASONS


@given(
    st.dictionaries(
        st.text(max_size=12),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.text(max_size=30),
            lambda inner: (
                st.lists(inner, max_size=3)
                | st.dictionaries(st.text(max_size=5), inner, max_size=3)
            ),
            max_leaves=8,
        ),
    )
)
def test_arbitrary_json_objects_never_raise_anything_but_invalid_article(data: dict) -> None:
    try:
        decode_article(json.dumps(data).encode(), max_bytes=LIMIT)
    except InvalidArticle as exc:
        assert exc.reason in REASONS
