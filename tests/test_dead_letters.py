"""Dead letters always fit the record size limit and keep as much of the original as fits."""

from __future__ import annotations

import base64
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from processors.deadletters import dead_letter

WHERE = {"topic": "articles", "partition": 3, "offset": 41, "failed_at": "2024-01-01T00:00:00"}


def original_of(letter: dict) -> bytes:
    if letter["original_encoding"] == "base64":
        return base64.b64decode(letter["original"])
    return str(letter["original"]).encode("utf-8")


def test_a_small_original_is_kept_whole() -> None:
    raw = json.dumps({"text": "China urged talks."}).encode()
    letter, payload = dead_letter(
        raw, "bad_published_at", "InvalidArticle", "m", max_bytes=4096, **WHERE
    )
    data = json.loads(payload)
    assert original_of(data) == raw
    assert data["original_bytes"] == len(raw) and data["original_truncated"] is False
    assert (data["topic"], data["partition"], data["offset"]) == ("articles", 3, 41)
    assert letter.to_dict() == data


def test_an_original_over_the_limit_is_cut_to_fit_and_says_so() -> None:
    raw = ("é" * 30_000).encode("utf-8")  # 60,000 bytes of two-byte characters
    _, payload = dead_letter(raw, "too_large", "InvalidArticle", "too big", max_bytes=8192, **WHERE)
    data = json.loads(payload)
    assert len(payload) <= 8192
    assert data["original_truncated"] is True and data["original_bytes"] == 60_000
    kept = original_of(data)
    assert raw.startswith(kept) and len(kept) > 4000  # most of the budget holds original


def test_binary_originals_are_cut_as_bytes_and_stay_valid_base64() -> None:
    raw = bytes(range(256)) * 100
    _, payload = dead_letter(raw, "not_utf8", "InvalidArticle", "x", max_bytes=4096, **WHERE)
    data = json.loads(payload)
    assert data["original_encoding"] == "base64" and len(payload) <= 4096
    assert raw.startswith(original_of(data))


@settings(max_examples=60, deadline=None)
@given(
    raw=st.binary(max_size=20_000) | st.text(max_size=8_000).map(str.encode),
    limit=st.integers(4096, 20_000),
)
def test_every_letter_fits_and_keeps_a_prefix_of_the_original(raw: bytes, limit: int) -> None:
    _, payload = dead_letter(raw, "not_json", "InvalidArticle", "m" * 500, max_bytes=limit, **WHERE)
    data = json.loads(payload)
    assert len(payload) <= limit
    assert raw.startswith(original_of(data))
    assert data["original_truncated"] == (original_of(data) != raw)
