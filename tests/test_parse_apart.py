"""Parsing in one process and extracting in another gives what one process gives."""

from __future__ import annotations

import json

from processors.annotate import ExtractionFailure, Extractor
from processors.types import AnnotatedArticle, Article
from streams.bench import BenchOptions, build_corpus, load_sentences
from tests.conftest import ROOT


def articles(seed_text: str) -> list[Article]:
    """The seed article, the tiny evaluation sentences and a few benchmark articles."""
    found = [Article(id="seed", text=seed_text, published_at="2023-02-24T09:00:00Z")]
    for path in sorted((ROOT / "tests" / "data").glob("*_tiny.jsonl")):
        for k, line in enumerate(path.read_text("utf-8").splitlines()):
            found.append(Article(id=f"{path.stem}-{k}", text=json.loads(line)["text"]))
    sentences, _ = load_sentences(BenchOptions().sources)
    found += build_corpus(sentences, 6, seed=5, phase="apart")
    return found


def test_annotating_what_was_parsed_apart_equals_annotating_in_one_go(
    extractor: Extractor, seed_text: str
) -> None:
    batch = articles(seed_text)
    parsed = extractor.parse_batch(batch)
    assert all(isinstance(p, bytes) for p in parsed)
    apart = extractor.annotate_parsed(batch, parsed)
    together = extractor.annotate_batch(batch)
    assert all(isinstance(r, AnnotatedArticle) for r in together)
    assert sum(len(r.events) for r in together) > 20  # type: ignore[union-attr]
    assert apart == together  # entities, events, ids, evidence offsets, confidence


def test_failures_pass_through_and_bytes_of_another_text_are_a_failure(
    extractor: Extractor,
) -> None:
    batch = [
        Article(id="a", text="Russia warned Ukraine."),
        Article(id="b", text="China urged talks."),
    ]
    failed = ExtractionFailure("a", "RuntimeError", "the parser broke")
    other_text = extractor.parse_batch([Article(id="x", text="Something else entirely.")])[0]
    assert isinstance(other_text, bytes)
    results = extractor.annotate_parsed(batch, [failed, other_text])
    assert results[0] == failed
    assert isinstance(results[1], ExtractionFailure) and results[1].article_id == "b"
    assert results[1].error_class == "ValueError"
