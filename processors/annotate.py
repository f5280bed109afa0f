"""From articles to annotated articles: NER, actor resolution and stance events.

``Extractor`` holds the spaCy pipeline and the gazetteer (built once per process) and
annotates batches with ``nlp.pipe``. A failure on one article is returned as data
(``ExtractionFailure``) so that the rest of the batch goes on.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar

from spacy.language import Language
from spacy.tokens import Doc

from processors.actors import resolve_mentions
from processors.events import extract_events
from processors.gazetteer import Gazetteer
from processors.nlp import build_nlp
from processors.types import AnnotatedArticle, Article, Entity, Span

T = TypeVar("T")


def _doc_bytes(doc: Doc) -> bytes:
    """A parsed ``Doc`` as bytes for another process: without the tok2vec tensor
    (nothing downstream of the parse reads it, and it is most of the bytes) and
    without user data."""
    return bytes(doc.to_bytes(exclude=["tensor", "user_data"]))


@dataclass(frozen=True)
class ExtractionFailure:
    """An article that raised while being annotated."""

    article_id: str
    error_class: str
    message: str


class Extractor:
    """Annotates articles. Build one per process: loading the model takes seconds."""

    def __init__(
        self,
        nlp: Language,
        gazetteer: Gazetteer,
        *,
        model_name: str,
        min_confidence: float = 0.0,
    ) -> None:
        self.nlp = nlp
        self.gazetteer = gazetteer
        self.model_name = model_name
        self.min_confidence = min_confidence

    @classmethod
    def build(
        cls,
        model: str,
        *,
        actor_dictionaries: Sequence[Path] = (),
        min_confidence: float = 0.0,
    ) -> Extractor:
        """Load the model and the gazetteer (default dictionaries plus the user's)."""
        gazetteer = (
            Gazetteer.load(actor_files=actor_dictionaries)
            if actor_dictionaries
            else Gazetteer.default()
        )
        return cls(build_nlp(model), gazetteer, model_name=model, min_confidence=min_confidence)

    def annotate(self, article: Article) -> AnnotatedArticle:
        """Annotate one article."""
        return self.annotate_doc(article, self.nlp(article.text))

    def annotate_batch(
        self, articles: Sequence[Article]
    ) -> list[AnnotatedArticle | ExtractionFailure]:
        """Annotate a batch with ``nlp.pipe``; one result per article, in order."""
        return self._each_parsed(articles, self.annotate_doc)

    def parse_batch(self, articles: Sequence[Article]) -> list[bytes | ExtractionFailure]:
        """Parse a batch with ``nlp.pipe`` and nothing more; each ``Doc`` as bytes (see
        ``parse_part``), for ``annotate_parsed`` in another process."""
        return self._each_parsed(articles, lambda _article, doc: _doc_bytes(doc))

    def _each_parsed(
        self, articles: Sequence[Article], use: Callable[[Article, Doc], T]
    ) -> list[T | ExtractionFailure]:
        """``use(article, doc)`` for each article parsed by ``nlp.pipe``, in order; an
        article that raises is an ``ExtractionFailure`` and the rest of the batch goes on.

        The batch runs in a spaCy memory zone: the strings and lexemes its new words
        add to the vocabulary are dropped afterwards (the results hold plain strings
        or serialised docs with their own strings), so a long-running NLP process does
        not grow with every word it has seen.
        """
        results: list[T | ExtractionFailure] = []
        with self.nlp.memory_zone():
            docs = self.nlp.pipe(a.text for a in articles)
            for article in articles:
                try:
                    doc = next(docs)
                    results.append(use(article, doc))
                except Exception as exc:  # one bad article must not sink the batch
                    results.append(ExtractionFailure(article.id, type(exc).__name__, str(exc)))
                    docs = self.nlp.pipe(a.text for a in articles[len(results) :])
        return results

    def parse_part(self, text: str) -> bytes:
        """Parse one part of an article (see ``processors.halves``); the parsed ``Doc``
        as bytes, for ``annotate_parts`` in another process."""
        with self.nlp.memory_zone():
            return _doc_bytes(self.nlp(text))

    def annotate_parsed(
        self, articles: Sequence[Article], parsed: Sequence[bytes | ExtractionFailure]
    ) -> list[AnnotatedArticle | ExtractionFailure]:
        """Annotate articles parsed elsewhere by ``parse_batch`` (failures pass through)."""
        return [
            part if isinstance(part, ExtractionFailure) else self.annotate_parts(article, [part])
            for article, part in zip(articles, parsed, strict=True)
        ]

    def annotate_parts(
        self, article: Article, parts: Sequence[bytes]
    ) -> AnnotatedArticle | ExtractionFailure:
        """Annotate an article from its parts parsed by ``parse_part`` (or whole by
        ``parse_batch``), in order.

        The parts are joined into one ``Doc`` whose text is the article's, so offsets,
        actors resolved across the whole article and events are as from one parse.
        """
        with self.nlp.memory_zone():
            try:
                docs = [Doc(self.nlp.vocab).from_bytes(part) for part in parts]
                doc = docs[0] if len(docs) == 1 else Doc.from_docs(docs, ensure_whitespace=True)
                if doc.text != article.text:
                    raise ValueError("the parsed parts do not give the article's text back")
                return self.annotate_doc(article, doc)
            except Exception as exc:
                return ExtractionFailure(article.id, type(exc).__name__, str(exc))

    def annotate_doc(self, article: Article, doc: Doc) -> AnnotatedArticle:
        """Resolve actors and extract events from an already parsed article."""
        mentions = resolve_mentions(doc, self.gazetteer)
        entities = []
        for ent in doc.ents:
            m = mentions.entity_code(ent)
            entities.append(
                Entity(
                    text=ent.text,
                    label=ent.label_,
                    span=Span(ent.start_char, ent.end_char),
                    code=m.code if m is not None else None,
                    sector=m.sector if m is not None else None,
                    kind=m.kind if m is not None else None,
                )
            )
        events = extract_events(
            doc,
            mentions,
            article.id,
            published_at=article.published_at,
            min_confidence=self.min_confidence,
        )
        if article.source is not None:
            events = [replace(e, source=article.source) for e in events]
        return AnnotatedArticle(
            article_id=article.id,
            title=article.title,
            published_at=article.published_at,
            entities=tuple(entities),
            events=tuple(events),
            model=self.model_name,
            n_sentences=sum(1 for _ in doc.sents),
            n_tokens=len(doc),
        )
