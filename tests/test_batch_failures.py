"""One article that raises while being annotated fails alone; the batch goes on."""

from __future__ import annotations

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from processors.annotate import ExtractionFailure, Extractor
from processors.gazetteer import Gazetteer
from processors.types import AnnotatedArticle, Article


@Language.component("test_poison")
def poison(doc: Doc) -> Doc:
    """A pipeline stage that fails on one article, as a bug or a bad model would."""
    if "POISON" in doc.text:
        raise ValueError("cannot parse this article")
    return doc


def test_a_failing_article_becomes_a_failure_and_the_others_are_annotated() -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("test_poison")
    extractor = Extractor(nlp, Gazetteer.default(), model_name="blank-en")
    batch = [
        Article(id="a", text="China urged Russia to hold talks."),
        Article(id="b", text="POISON pill."),
        Article(id="c", text="NATO met Ukraine."),
    ]
    results = extractor.annotate_batch(batch)
    assert [type(r) for r in results] == [AnnotatedArticle, ExtractionFailure, AnnotatedArticle]
    failure = results[1]
    assert isinstance(failure, ExtractionFailure)
    assert (failure.article_id, failure.error_class) == ("b", "ValueError")
    assert "cannot parse" in failure.message
    assert [r.article_id for r in results if isinstance(r, AnnotatedArticle)] == ["a", "c"]
