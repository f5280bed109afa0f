"""Stance-event constructions, each on a real sentence (the PLOVER and PETRARCH gold sets
of shared/eval, or the seed article), with the real spaCy model.

Run these after every change to events.py / actors.py: they are fast.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from processors.actors import resolve_mentions
from processors.annotate import Extractor
from processors.events import default_lexicon, extract_events, parse_lexicon, stem
from processors.gazetteer import Gazetteer
from processors.types import Article, StanceEvent

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("STANCEWATCH_SHARED", REPO.parent / "shared"))
PETRARCH_DICTS = SHARED / "eval" / "petrarch_unit_dictionaries"


def events_of(extractor: Extractor, text: str) -> list[StanceEvent]:
    return list(extractor.annotate(Article(id="t", text=text)).events)


def codes(refs: tuple) -> set[str]:
    return {r.code for r in refs}


def brief(events: list[StanceEvent]) -> list[str]:
    return [
        f"{e.event_type} {sorted(codes(e.actor))}->{sorted(codes(e.recipient))} [{e.trigger.text}]"
        for e in events
    ]


def only(events: list[StanceEvent], event_type: str) -> StanceEvent:
    found = [e for e in events if e.event_type == event_type]
    assert len(found) == 1, brief(events)
    return found[0]


# --------------------------------------------------------------------------
# reported speech


def test_reported_speech_the_speaker_is_the_actor(extractor: Extractor) -> None:
    """The clause names no actor of its own ("it"): the speaker acts, and what the
    resolution it supports would do is no event of its own."""
    events = events_of(
        extractor,
        "Hungary has said it will support a U.N. Security Council resolution that aims to "
        "tighten sanctions and impose a naval blockade against neighboring Serbia.",
    )
    assert brief(events) == ["AGREE ['HUN']->['UN'] [support]"]
    event = events[0]
    assert event.modality.reported and event.modality.future
    assert event.speaker is not None and event.speaker.code == "HUN"


def test_reported_obligation_is_a_request_to_the_obliged(extractor: Extractor) -> None:
    """ "S said A must V": S requests V of A (A has not done anything)."""
    events = events_of(
        extractor,
        "The Red Cross operating in Iraq said US and British forces must ensure security to "
        "allow emergency water, food, and medical supplies to reach the needy.",
    )
    event = only(events, "REQUEST")
    assert codes(event.actor) == {"ICRC"}
    assert codes(event.recipient) == {"USA", "GBR"}
    assert {r.sector for r in event.recipient} == {"MIL"}  # "forces"
    assert len(events) == 1


def test_reported_blame_is_an_accusation_by_the_speaker(
    extractor: Extractor, seed_text: str
) -> None:
    events = events_of(extractor, seed_text)
    blame = [e for e in events if e.trigger.text == "blame"]
    assert [(codes(e.actor), codes(e.recipient)) for e in blame] == [({"CHN"}, {"USA"})]
    assert blame[0].event_type == "ACCUSE" and blame[0].modality.reported


# --------------------------------------------------------------------------
# negation


def test_negated_event_is_not_coded(extractor: Extractor) -> None:
    """PLOVER codes no negated event."""
    events = events_of(
        extractor,
        "Bree Prime Minister Romendacil didn't clash over the efforts of Eriadori to deal "
        "with an orc infestation during a brief private visit to Eriador starting on Sunday.",
    )
    assert not [e for e in events if e.trigger.text == "clash"]


def test_refusing_a_demand_is_a_rejection(extractor: Extractor) -> None:
    events = events_of(
        extractor,
        "The U.S. said it would not meet hostage-takers demands to release prisoners in Iraq, "
        "including a number of females.",
    )
    event = only(events, "REJECT")
    assert codes(event.actor) == {"USA"}
    assert not event.modality.negated  # the rejection itself is asserted


# --------------------------------------------------------------------------
# passive voice


def test_passive_agent_is_the_actor(extractor: Extractor) -> None:
    events = events_of(
        extractor,
        "Montenegro's prime minister has been indicted by the U.N. war crimes court for his "
        "alleged part in atrocities during the fight against Serb forces and will resign.",
    )
    event = only(events, "ACCUSE")
    assert codes(event.actor) == {"UN"} and event.actor[0].sector == "JUD"  # "court"
    assert codes(event.recipient) == {"MNE"} and event.recipient[0].sector == "GOV"


def test_stative_passive_states_the_subjects_stance(extractor: Extractor) -> None:
    """ "Israel is opposed to ...": no agent, so the subject holds the stance."""
    events = events_of(
        extractor,
        "Israel is opposed to French mediation in peace negotiations with Syria, a close aide "
        "to Prime Minister Ehud Barak said Wednesday.",
    )
    event = only(events, "REJECT")
    assert codes(event.actor) == {"ISR"}
    assert "FRA" in codes(event.recipient)


# --------------------------------------------------------------------------
# coordination


def test_compound_actors_are_lists_with_their_role_sector(extractor: Extractor) -> None:
    """ "Senior Hungarian and Romanian officials agreed": both, as GOV, toward each other."""
    events = events_of(
        extractor,
        "Senior Hungarian and Romanian officials agreed on Wednesday that their countries "
        "should cooperate to encourage Romanian refugees in Hungary to return home.",
    )
    assert len(events) == 1, brief(events)  # "cooperate" is what they agreed, not an event
    event = events[0]
    assert event.event_type == "AGREE"
    assert [(a.code, a.sector) for a in event.actor] == [("HUN", "GOV"), ("ROU", "GOV")]
    # reciprocal: the actors are also the recipients, rotated for the pair key
    assert codes(event.recipient) == {"HUN", "ROU"}
    assert event.pair_key == "HUN>ROU"


def test_coordinated_recipients_are_expanded(extractor: Extractor) -> None:
    events = events_of(
        extractor,
        "Russia closed its southern borders with Iran and Turkey because of fighting between "
        "Azerbaijanis and Armenians, an editor at the official Armenian news agency said.",
    )
    assert len(events) == 1, brief(events)
    assert codes(events[0].actor) == {"RUS"}
    assert [r.code for r in events[0].recipient] == ["IRN", "TUR"]


# --------------------------------------------------------------------------
# metonymy, apposition, titles, later short names


def test_metonyms_resolve_to_their_states(extractor: Extractor, seed_text: str) -> None:
    events = events_of(extractor, seed_text)
    pressing = next(e for e in events if e.trigger.text == "pressing")
    assert pressing.actor[0].text == "Beijing" and pressing.actor[0].code == "CHN"
    suspend = next(e for e in events if e.trigger.text == "suspend")
    assert suspend.recipient[0].text == "Washington" and suspend.recipient[0].code == "USA"


def test_apposition_ties_a_person_to_an_organisation(extractor: Extractor) -> None:
    """Phoenix lists Kenzo Oshima as a Japanese official; the text says he speaks for
    the UN here, and what the text says wins."""
    events = events_of(
        extractor,
        "Kenzo Oshima, the United Nations Emergency Relief Coordinator, demanded parties to the "
        "conflict in Iraq to allow humanitarian workers the freedom of movement necessary for "
        "discharging their mandate.",
    )
    event = only(events, "REQUEST")
    assert event.actor[0].text.endswith("Oshima") and event.actor[0].code == "UN"
    assert codes(event.recipient) == {"IRQ"}


def test_a_dictionary_person_is_coded_as_of_the_publication_date(extractor: Extractor) -> None:
    """Bill Clinton comes from the Phoenix person dictionary: USA, government while in
    office (1993-2001), elite after."""
    text = (
        "President Bill Clinton has imposed sanctions on the Taliban religious faction that "
        "controls Afghanistan for its support of suspected terrorist Osama bin Laden, the "
        "White House said Tuesday."
    )
    event = only(events_of(extractor, text), "SANCTION")
    assert codes(event.actor) == {"USA"} and codes(event.recipient) == {"AFG"}
    article = Article(id="t", text=text, published_at="1999-07-06T12:00:00Z")
    event = only(list(extractor.annotate(article).events), "SANCTION")
    assert [(a.code, a.sector) for a in event.actor] == [("USA", "GOV")]


def test_a_titled_person_no_dictionary_knows_is_placed_by_the_sentence(
    extractor: Extractor,
) -> None:
    """ "President Abdelaziz Bouteflicka" (so spelled, no dictionary has him) is of the one
    country his sentence names (Algiers -> DZA); threatening to act stays a threat."""
    events = events_of(
        extractor,
        "President Abdelaziz Bouteflicka threatened to institute a curfew in Algiers in "
        "response to recent unrest within the city.",
    )
    event = only(events, "THREATEN")
    assert [(a.code, a.sector, a.text) for a in event.actor] == [
        ("DZA", "GOV", "Abdelaziz Bouteflicka")
    ]


def test_a_titled_person_is_not_placed_by_a_religious_title_or_two_countries(
    extractor: Extractor,
) -> None:
    """An archbishop is not of the country he calls for sanctions against, and with two
    countries in the sentence nothing says which one a president leads."""
    tutu = events_of(
        extractor,
        "Archbishop Desmond Tutu on Sunday called for sanctions against Nigeria in the wake "
        "of the execution of Ken Saro-Wiwa.",
    )
    assert all("NGA" not in codes(e.actor) for e in tutu), brief(tutu)

    def placed(text: str) -> list[str]:
        doc = extractor.nlp(text)
        mentions = resolve_mentions(doc, extractor.gazetteer)
        return [m.code for m in mentions.in_tokens(doc) if m.kind == "person"]

    assert placed("President Abdelaziz Bouteflicka met party officials in Algiers.") == ["DZA"]
    assert placed("President Abdelaziz Bouteflicka met officials from Tunisia in Algiers.") == []


def test_title_and_pronoun_tie_a_person_to_an_organisation(extractor: Extractor) -> None:
    """ "U.N. Secretary-General Kofi Annan ... he will withdraw inspectors": a threat."""
    events = events_of(
        extractor,
        "U.N. Secretary-General Kofi Annan announced on Monday that he will withdraw weapons "
        "inspectors and humanitarian workers from Iraq.",
    )
    event = only(events, "THREATEN")
    assert event.actor[0].text == "he" and event.actor[0].code == "UN"
    assert codes(event.recipient) == {"IRQ"}
    assert event.modality.future and event.modality.reported


def test_later_short_name_is_the_same_person(extractor: Extractor, seed_text: str) -> None:
    entities = extractor.annotate(Article(id="t", text=seed_text)).entities
    putins = {(e.text, e.code) for e in entities if "Putin" in e.text}
    assert putins == {("Vladimir Putin", "RUS"), ("Putin", "RUS")}


def test_demonym_with_role_noun_gets_the_sector(extractor: Extractor) -> None:
    events = events_of(
        extractor,
        "Israeli soldiers arrested more than 100 Palestinians on Saturday in a security sweep "
        "of the Hebron area of the occupied West Bank, military sources said.",
    )
    event = only(events, "COERCE")
    assert [(a.code, a.sector) for a in event.actor] == [("ISR", "MIL")]
    assert event.mode == "arrest" and codes(event.recipient) == {"PSE"}


def test_a_people_in_a_place_is_coded_by_the_place(extractor: Extractor) -> None:
    """ "Kurds in Syria", like "Syrian Kurds": a people named by where they live."""
    event = only(
        events_of(extractor, "Kurds in Syria have accused Turkey of shelling their villages."),
        "ACCUSE",
    )
    assert codes(event.actor) == {"SYR"} and codes(event.recipient) == {"TUR"}
    troops = only(events_of(extractor, "Russian troops in Syria attacked rebels."), "ASSAULT")
    assert codes(troops.actor) == {"RUS"}  # troops are no people: where they are is not who


# --------------------------------------------------------------------------
# announced actions, commitments, light verbs


def test_announced_cooperation_is_an_agreement(extractor: Extractor) -> None:
    events = events_of(
        extractor,
        "Finland will give Tanzania a grant of 580 million shillings (64.45 million dollars) "
        "over the next three years to finance several projects in the country, a statement "
        "issued by the ministry of finance said today.",
    )
    event = only(events, "AGREE")
    assert codes(event.actor) == {"FIN"} and codes(event.recipient) == {"TZA"}


def test_conditional_withdrawal_is_a_threat_and_the_condition_no_event(
    extractor: Extractor,
) -> None:
    events = events_of(
        extractor,
        "Nigeria today announced that it will withdraw their peacekeeping force from Chad "
        "unless President Goukouni Oueddei arranged a ceasefire with rebels fighting to topple "
        "his government and held elections within four months.",
    )
    assert brief(events) == ["THREATEN ['NGA']->['TCD'] [withdraw]"]


def test_vow_takes_the_type_and_recipient_of_the_action(extractor: Extractor) -> None:
    lexicon_gazetteer = Gazetteer.load(actor_files=[PETRARCH_DICTS / "PETR.Validate.actors.txt"])
    petrarch = Extractor(extractor.nlp, lexicon_gazetteer, model_name="test")
    events = events_of(
        petrarch,
        "Ithilen's militia vowed on Thursday to wage war on the Rohans until that group yielded "
        "ground seized in six days of fighting.",
    )
    event = only(events, "THREATEN")
    assert codes(event.actor) == {"ITH"} and codes(event.recipient) == {"ROH"}


def test_light_verb_takes_the_type_of_its_noun(extractor: Extractor) -> None:
    events = events_of(
        extractor,
        "Salaheddine Sidhoum, Algeria's leading human rights activist, staged a 24-hour hunger "
        "strike in prison on Sunday in protest against the widespread human rights violations "
        "by Algerian security forces, his lawyer said on Tuesday.",
    )
    event = only(events, "PROTEST")
    assert event.actor[0].text == "Salaheddine Sidhoum" and event.actor[0].code == "DZA"
    assert event.trigger.text == "staged"  # "stag" to the lemmatizer


def test_calling_off_a_strike_is_a_concession(extractor: Extractor) -> None:
    events = events_of(
        extractor,
        "The Nigerian Union of Teachers (NUT), the umbrella union for primary school teachers, "
        "announced Thursday that it has called off a four-day strike after deliberations with "
        "the Nigerian government.",
    )
    event = only(events, "CONCEDE")
    assert codes(event.actor) == {"NGA"}


# --------------------------------------------------------------------------
# user dictionaries (PETRARCH format, actors and agents in one setting)


@pytest.fixture(scope="module")
def petrarch_extractor(extractor: Extractor) -> Extractor:
    files = [
        PETRARCH_DICTS / "PETR.Validate.actors.txt",
        PETRARCH_DICTS / "PETR.Validate.agents.txt",
    ]
    assert all(f.is_file() for f in files), f"set STANCEWATCH_SHARED (looked in {SHARED})"
    return Extractor(extractor.nlp, Gazetteer.load(actor_files=files), model_name="test")


def test_petrarch_dictionaries_code_fictional_actors(petrarch_extractor: Extractor) -> None:
    events = events_of(
        petrarch_extractor,
        "Arnor security officials are about to restore full diplomatic ties with Gondor police.",
    )
    event = only(events, "AGREE")  # "about to": an intent to cooperate
    assert [(a.code, a.sector) for a in event.actor] == [("ARN", "GOV")]
    assert [(r.code, r.sector) for r in event.recipient] == [("GON", "COP")]


def test_received_aid_is_coded_from_the_giver(petrarch_extractor: Extractor) -> None:
    events = events_of(
        petrarch_extractor,
        "Eriador has received by courier money from Osgiliath, the state's fiercest foe, to be "
        "drawn into the peace process by its resumption of diplomatic ties with Gondor.",
    )
    event = only(events, "AID")
    assert codes(event.actor) == {"OSG"} and codes(event.recipient) == {"ERI"}


def test_named_role_holder_takes_the_possessor_s_code(petrarch_extractor: Extractor) -> None:
    """ "Ithilen's defence minister Calimehtar": the text says whose minister he is, which
    outranks the dictionary code of the name (a synonym of Calenardhon)."""
    event = only(
        events_of(petrarch_extractor, "Ithilen's defence minister Calimehtar condemned Gondor."),
        "ACCUSE",
    )
    assert codes(event.actor) == {"ITH"} and codes(event.recipient) == {"GON"}
    event = only(events_of(petrarch_extractor, "Calimehtar condemned Gondor."), "ACCUSE")
    assert codes(event.actor) == {"CAL"}  # no possessor: the dictionary's code


def test_dated_codes_follow_the_publication_date(petrarch_extractor: Extractor) -> None:
    """ZIMBABWE [RHO <790606] [ZBW]: an article of 1978 is coded as of 1978."""
    text = "Zimbabwe accused Gondor of violating the ceasefire."

    def actor_on(published_at: str | None) -> set[str]:
        article = Article(id="t", text=text, published_at=published_at)
        events = list(petrarch_extractor.annotate(article).events)
        return codes(only(events, "ACCUSE").actor)

    assert actor_on("1978-12-23T00:00:00Z") == {"RHO"}
    assert actor_on("1995-01-01T00:00:00Z") == {"ZBW"}
    assert actor_on(None) == {"ZBW"}  # no date: the code that applies today


# --------------------------------------------------------------------------
# negation


def test_negated_events_are_kept_only_when_asked(extractor: Extractor) -> None:
    """PLOVER's data leave negated events out (the live pipeline does); with
    ``keep_negated`` they come flagged, with lower confidence than the same event
    affirmed, and keep their roles."""
    negated = "Russian troops did not attack Ukraine on Monday, the Kremlin said."
    affirmed = "Russian troops attacked Ukraine on Monday, the Kremlin said."
    assert events_of(extractor, negated) == []

    def extract(text: str, **kwargs: bool) -> list[StanceEvent]:
        doc = extractor.nlp(text)
        return extract_events(doc, resolve_mentions(doc, extractor.gazetteer), "t", **kwargs)

    [event] = extract(negated, keep_negated=True)
    assert event.event_type == "ASSAULT" and event.modality.negated
    assert codes(event.actor) == {"RUS"} and codes(event.recipient) == {"UKR"}
    [plain] = extract(affirmed, keep_negated=True)
    assert not plain.modality.negated and plain.confidence > event.confidence
    assert extract(affirmed) == [plain]


# --------------------------------------------------------------------------
# the lexicon


def test_lexicon_prefers_the_most_specific_entry() -> None:
    lexicon = parse_lexicon(
        "lemma\tprep\tobject\tevent_type\tmode\tcontext\tcameo\tsource\n"
        "call\t-\t-\t-\t-\t-\t-\tcurated\n"
        "call\tfor\t-\tREQUEST\t-\t-\t10\tcurated\n"
        "call\tfor\tceasefire\tREQUEST\tyield\tmilitary\t0256\tcameo\n"
    )
    entries = lexicon["call"]
    assert [(e.prep, e.obj) for e in entries] == [("for", "ceasefire"), ("for", None), (None, None)]
    assert entries[0].mode == "yield" and entries[0].context == "military"
    assert entries[-1].event_type is None  # bare "call" is no event


def test_shipped_lexicon_types_are_plover() -> None:
    from processors.types import PLOVER_TYPES

    for entries in default_lexicon().values():
        for e in entries:
            assert e.event_type is None or e.event_type in PLOVER_TYPES


def test_stem_folds_plurals() -> None:
    assert [stem(w) for w in ("ties", "sanctions", "talks", "crisis", "embargoes")] == [
        "tie",
        "sanction",
        "talk",
        "crisis",
        "embargoe",
    ]


# --------------------------------------------------------------------------
# properties: spans point into the text, extraction never raises

SENTENCES = [
    "China calls for a cease-fire and peace talks between Russia and Ukraine.",
    "Putin stated this week that he would suspend a treaty on nuclear arms control with "
    "Washington.",
    "Wang Wenbin, a spokesperson for China\u2019s foreign ministry, said NATO should stop "
    "trying to ruin Asia.",
    "Senior Hungarian and Romanian officials agreed on Wednesday to cooperate.",
    "\u201cNATO should seriously reflect,\u201d he said.",
]


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    st.lists(
        st.one_of(st.sampled_from(SENTENCES), st.text(max_size=80)),
        min_size=1,
        max_size=5,
    ),
    st.sampled_from([" ", "\n", "\n\n", "  \t"]),
)
def test_spans_lie_inside_the_text_and_extraction_never_raises(
    extractor: Extractor, parts: list[str], sep: str
) -> None:
    text = sep.join(parts)
    annotated = extractor.annotate(Article(id="p", text=text))
    for ent in annotated.entities:
        assert text[ent.span.start : ent.span.end] == ent.text
    for e in annotated.events:
        assert text[e.trigger.span.start : e.trigger.span.end] == e.trigger.text
        assert text[e.sentence.span.start : e.sentence.span.end] == e.sentence.text
        assert e.sentence.span.start <= e.trigger.span.start < e.sentence.span.end
        for ref in (*e.actor, *e.recipient, *([e.speaker] if e.speaker else [])):
            assert 0 <= ref.span.start < ref.span.end <= len(text)
            assert text[ref.span.start : ref.span.end] == ref.text
        assert StanceEvent.from_dict(e.to_dict()) == e
