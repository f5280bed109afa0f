"""What the monitor must find in the seed article, with the real spaCy model."""

from __future__ import annotations

import pytest

from processors.annotate import Extractor
from processors.types import AnnotatedArticle, Article, StanceEvent

SEED_ID = "seed-000"


@pytest.fixture(scope="module")
def annotated(extractor: Extractor, seed_text: str) -> AnnotatedArticle:
    return extractor.annotate(Article(id=SEED_ID, text=seed_text))


def codes(actors: tuple) -> set[str]:
    return {a.code for a in actors}


def test_seed_entities_resolve_to_their_codes(annotated: AnnotatedArticle) -> None:
    resolved = {(e.text, e.code) for e in annotated.entities}
    for text, code in [
        ("China", "CHN"),
        ("Russia", "RUS"),
        ("Ukraine", "UKR"),
        ("Beijing", "CHN"),
        ("Moscow", "RUS"),
        ("NATO", "NATO"),
        ("Vladimir Putin", "RUS"),
        ("Putin", "RUS"),
        ("Wang Yi", "CHN"),
        ("Wang Wenbin", "CHN"),
        ("Washington", "USA"),
    ]:
        assert (text, code) in resolved, f"{text} should resolve to {code}"


def test_seed_request_from_china_toward_russia_and_ukraine(
    annotated: AnnotatedArticle,
) -> None:
    requests = [
        e
        for e in annotated.events
        if e.event_type == "REQUEST"
        and codes(e.actor) == {"CHN"}
        and {"RUS", "UKR"} <= codes(e.recipient)
    ]
    assert requests, [(_brief(e)) for e in annotated.events]
    assert any("cease" in e.sentence.text and "talks" in e.sentence.text for e in requests)


def test_seed_accuse_from_the_chinese_spokesperson_toward_nato(
    annotated: AnnotatedArticle,
) -> None:
    accusations = [
        e for e in annotated.events if e.event_type == "ACCUSE" and "NATO" in codes(e.recipient)
    ]
    assert accusations, [(_brief(e)) for e in annotated.events]
    event = accusations[0]
    assert codes(event.actor) == {"CHN"}
    assert event.actor[0].sector == "GOV"  # the foreign ministry spokesperson
    assert event.modality.reported


def test_seed_future_suspension_is_a_threat_not_a_sanction(
    annotated: AnnotatedArticle,
) -> None:
    threats = [e for e in annotated.events if e.trigger.text == "suspend"]
    assert [(e.event_type, codes(e.actor), codes(e.recipient)) for e in threats] == [
        ("THREATEN", {"RUS"}, {"USA"})
    ]
    assert threats[0].context == "cbrn"


def test_seed_negated_condemnation_is_not_coded(annotated: AnnotatedArticle) -> None:
    assert not [e for e in annotated.events if e.trigger.text == "condemn"]


def test_every_span_points_into_the_text_exactly(
    annotated: AnnotatedArticle, seed_text: str
) -> None:
    for ent in annotated.entities:
        assert seed_text[ent.span.start : ent.span.end] == ent.text
    for e in annotated.events:
        assert seed_text[e.trigger.span.start : e.trigger.span.end] == e.trigger.text
        assert seed_text[e.sentence.span.start : e.sentence.span.end] == e.sentence.text
        for a in (*e.actor, *e.recipient):
            assert seed_text[a.span.start : a.span.end] == a.text
            assert e.sentence.span.start <= a.span.start or a == e.speaker


def test_event_ids_are_deterministic(extractor: Extractor, seed_text: str) -> None:
    first = extractor.annotate(Article(id=SEED_ID, text=seed_text))
    again = extractor.annotate(Article(id=SEED_ID, text=seed_text))
    assert [e.event_id for e in first.events] == [e.event_id for e in again.events]
    assert len({e.event_id for e in first.events}) == len(first.events)


def test_wire_format_round_trips(annotated: AnnotatedArticle) -> None:
    for event in annotated.events:
        assert StanceEvent.from_dict(event.to_dict()) == event


def _brief(e: StanceEvent) -> str:
    return f"{e.event_type} {codes(e.actor)}->{codes(e.recipient)} [{e.trigger.text}]"


# --------------------------------------------------------------------------
# issue 3: what the seed must also give


def test_seed_treaty_suspension_is_russia_toward_the_us_with_its_modality(
    annotated: AnnotatedArticle,
) -> None:
    """ "Putin stated this week that he would suspend a treaty ... with Washington"."""
    event = next(e for e in annotated.events if e.trigger.text == "suspend")
    assert event.event_type in ("THREATEN", "SANCTION")
    assert codes(event.actor) == {"RUS"} and codes(event.recipient) == {"USA"}
    assert event.recipient[0].text == "Washington"  # the metonym, resolved
    assert event.modality.reported and event.modality.hypothetical
    assert not event.modality.negated
    assert event.speaker is not None and event.speaker.code == "RUS"
    assert event.polarity == "oppose"


def test_seed_position_paper_opposes_unilateral_sanctions(annotated: AnnotatedArticle) -> None:
    """ "The Chinese position paper stated that unilateral sanctions only lead to more
    problems": China rejects unilateral sanctions."""
    rejections = [
        e
        for e in annotated.events
        if e.event_type == "REJECT" and "unilateral sanctions" in e.sentence.text
    ]
    assert len(rejections) == 1, [_brief(e) for e in annotated.events]
    event = rejections[0]
    assert codes(event.actor) == {"CHN"}
    assert event.modality.reported and not event.modality.negated
    assert event.context == "economic"
    assert event.polarity == "oppose"


def test_seed_commentator_ian_chong_is_no_actor(annotated: AnnotatedArticle) -> None:
    """The political scientist quoted in the article speaks for no state."""
    for e in annotated.events:
        parties = [*e.actor, *e.recipient, *([e.speaker] if e.speaker else [])]
        assert not [p for p in parties if "Chong" in p.text], _brief(e)


def test_seed_events_have_plover_fields(annotated: AnnotatedArticle) -> None:
    for e in annotated.events:
        assert e.quad_class in {
            "verbal_cooperation",
            "material_cooperation",
            "verbal_conflict",
            "material_conflict",
        }
        assert -10.0 <= e.intensity <= 10.0
        assert 0.0 < e.confidence <= 1.0
        assert e.polarity in {"support", "oppose", "neutral"}
