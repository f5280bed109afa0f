"""Cutting an article in halves, and annotating it from its halves parsed apart."""

from __future__ import annotations

from processors.annotate import ExtractionFailure, Extractor
from processors.halves import approx_tokens, halving_cut
from processors.types import AnnotatedArticle, Article


def test_the_cut_is_the_paragraph_break_nearest_the_middle() -> None:
    first = "Russia warned Ukraine. " * 5
    text = first + "\n\n" + "China urged talks. " * 5 + "\n\nThe end came."
    cut = halving_cut(text)
    assert cut == len(first) + 2
    assert text[:cut].endswith("\n\n") and text[cut:].startswith("China")


def test_without_a_paragraph_break_the_cut_is_a_sentence_end_not_an_abbreviation() -> None:
    text = "Russia warned Ukraine on Monday. Mr. Putin spoke to Dr. Smith. China urged talks."
    cut = halving_cut(text)
    assert cut is not None
    # The middle falls inside "Mr. Putin ... Dr. Smith.": the cut after "Mr." is the
    # nearest, but it is no sentence end.
    assert text[cut:] == "Mr. Putin spoke to Dr. Smith. China urged talks."
    assert text[:cut].endswith(" ")


def test_a_single_sentence_has_no_cut() -> None:
    assert halving_cut("Russia warned Ukraine about the U.S. Navy in the Black Sea") is None


def test_halves_give_the_seed_articles_events(extractor: Extractor, seed_text: str) -> None:
    article = Article(id="seed", text=seed_text, published_at="2019-02-02T10:00:00Z")
    whole = extractor.annotate(article)
    cut = halving_cut(seed_text)
    assert cut is not None and 0.3 < cut / len(seed_text) < 0.7
    parts = [extractor.parse_part(seed_text[:cut]), extractor.parse_part(seed_text[cut:])]
    halves = extractor.annotate_parts(article, parts)
    assert isinstance(halves, AnnotatedArticle)
    assert halves.n_tokens == whole.n_tokens == len(extractor.nlp(seed_text))
    assert halves.events == whole.events  # ids, actors, evidence offsets, confidence
    assert approx_tokens(seed_text) >= 200  # long enough to be split by default


def test_parts_that_do_not_give_the_text_back_are_an_extraction_failure(
    extractor: Extractor,
) -> None:
    article = Article(id="a", text="Russia warned Ukraine. China urged talks.")
    parts = [extractor.parse_part("Russia warned Ukraine. "), extractor.parse_part("Other.")]
    result = extractor.annotate_parts(article, parts)
    assert isinstance(result, ExtractionFailure) and result.error_class == "ValueError"
