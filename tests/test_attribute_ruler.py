"""The fast attribute ruler gives every token what the model's own ruler gives it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc

from processors.attribute_ruler import FastAttributeRuler, use_fast_attribute_ruler
from processors.nlp import _load, build_nlp
from tests.conftest import MODEL, SHARED

# Sentences that reach the model's rules over several tokens ("gon na", "y' all",
# "ai n't", existential "there is") and its membership tests.
CONSTRUCTIONS = [
    "Y'all are gonna regret this, and we gotta say it: let's go.",
    "It ain't over, c'mon, there is still time and there were talks.",
    "Whatever they decide, that which was promised is what matters.",
]


def token_attributes(nlp: Language, texts: list[str]) -> list[list[tuple[str, ...]]]:
    return [
        [(t.tag_, t.pos_, str(t.morph), t.lemma_) for t in doc]
        for doc in nlp.pipe(texts, disable=["ner"])
    ]


def real_texts(limit: int) -> list[str]:
    texts = list(CONSTRUCTIONS)
    texts.append((Path(__file__).parent.parent / "seeds" / "000_2ee5c5a79ba5e6b6.txt").read_text())
    for name in ("plover_gsr.dev.jsonl", "petrarch_unit.dev.jsonl", "newsmtsc_rw.dev.jsonl"):
        lines = (SHARED / "eval" / name).read_text("utf-8").splitlines()[:limit]
        texts.extend(json.loads(line)["text"] for line in lines)
    return texts


@pytest.fixture(scope="module")
def pipelines() -> tuple[Language, Language]:
    return _load(MODEL), build_nlp(MODEL)


def test_the_worker_pipeline_uses_the_fast_ruler_under_the_stock_name(
    pipelines: tuple[Language, Language],
) -> None:
    stock, ours = pipelines
    assert isinstance(ours.get_pipe("attribute_ruler"), FastAttributeRuler)
    assert ours.get_pipe("attribute_ruler").patterns == stock.get_pipe("attribute_ruler").patterns
    assert [n for n in ours.pipe_names if n != "stancewatch_paragraphs"] == stock.pipe_names


def test_every_token_gets_the_stock_tag_pos_morph_and_lemma(
    pipelines: tuple[Language, Language],
) -> None:
    stock, _ = pipelines
    fast = _load(MODEL)
    use_fast_attribute_ruler(fast)
    texts = real_texts(250)
    expected = token_attributes(stock, texts)
    got = token_attributes(fast, texts)
    differing = [(text, e, g) for text, e, g in zip(texts, expected, got, strict=True) if e != g]
    assert not differing, differing[:1]
    assert sum(len(doc) for doc in got) > 15_000


def gonna(nlp: Language) -> Doc:
    """ "gon na go", tagged and parsed by hand."""
    return Doc(
        nlp.vocab,
        words=["gon", "na", "go"],
        tags=["VBG", "TO", "VB"],
        deps=["aux", "xcomp", "ROOT"],
        heads=[2, 2, 2],
    )


def test_a_later_rule_overrides_an_earlier_one_across_kinds_of_rule() -> None:
    nlp = spacy.blank("en")
    ruler = FastAttributeRuler(nlp.vocab)
    # Rule 0 spans two tokens and rule 1 is one token: both set POS of "gon"; the stock
    # order applies rule 1 last. Rule 2 (membership tests) retags "na".
    ruler.add([[{"LOWER": "gon"}, {"LOWER": "na"}]], {"POS": "VERB"}, index=0)
    ruler.add([[{"LOWER": "gon"}]], {"POS": "AUX"})
    ruler.add([[{"LOWER": {"IN": ["na", "ta"]}, "DEP": {"NOT_IN": ["", "det"]}}]], {"TAG": "RP"})
    ruler.compile()
    doc = ruler(gonna(nlp))
    assert [(t.pos_, t.tag_) for t in doc] == [("AUX", "VBG"), ("", "RP"), ("", "VB")]
    stock = nlp.add_pipe("attribute_ruler")
    stock.add_patterns(ruler.patterns)
    assert [(t.pos_, t.tag_) for t in stock(gonna(nlp))] == [(t.pos_, t.tag_) for t in doc]


def test_a_rule_added_after_compiling_is_not_missed() -> None:
    nlp = spacy.blank("en")
    ruler = FastAttributeRuler(nlp.vocab)
    ruler.add([[{"LOWER": "gon"}]], {"POS": "AUX"})
    ruler.compile()
    ruler.add([[{"LOWER": "go"}]], {"POS": "VERB"})
    assert [t.pos_ for t in ruler(gonna(nlp))] == ["AUX", "", "VERB"]
    ruler.compile()
    assert [t.pos_ for t in ruler(gonna(nlp))] == ["AUX", "", "VERB"]
