"""Stance-event extraction over the dependency parse.

For each sentence: find trigger verbs in the lexicon, the actor (subject, passive
agent, or the speaker of reported speech), the recipients (objects and prepositional
objects, coordinated ones expanded), modality (negation, future, hypothetical,
reported), then type, intensity, polarity and confidence. Two constructions beyond
single verbs:

* reported blame: a speaker says an actor "should stop ruining ..." or "is to blame"
  -> the speaker ACCUSEs that actor;
* reported future material action ("he would suspend a treaty with Washington")
  -> THREATEN, not the action itself (PLOVER codes the threat).

Quoted sentences without a speech verb of their own are attributed to the speaker of
the sentence before them.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

from spacy.tokens import Doc, Span, Token

from processors.actors import Mention, MentionIndex
from processors.ids import stable_id
from processors.types import (
    QUAD_CLASS,
    ActorRef,
    Modality,
    SentenceRef,
    StanceEvent,
    Trigger,
)
from processors.types import Span as CharSpan

SPEECH_VERBS = frozenset(
    {
        "say",
        "state",
        "tell",
        "suggest",
        "add",
        "claim",
        "announce",
        "insist",
        "note",
        "argue",
        "reaffirm",
        "stress",
        "declare",
        "report",
        "write",
        "indicate",
        "assert",
        "maintain",
        "accuse",
        "warn",
        "believe",
        "think",
        "emphasize",
        "emphasise",
    }
)
#: Conduct that a speaker blames on its subject when reported ("trying to ruin Asia").
BLAMED_CONDUCT = frozenset(
    {
        "ruin",
        "destroy",
        "provoke",
        "interfere",
        "meddle",
        "undermine",
        "mess",
        "escalate",
        "sabotage",
        "blame",
        "exploit",
        "bully",
        "hegemonize",
    }
)
#: Material actions that become THREATEN when only announced for the future.
MATERIAL_TYPES = frozenset(
    {"SANCTION", "ASSAULT", "COERCE", "MOBILIZE", "PROTEST", "RETREAT", "AID"}
)
#: "urged Russia to hold talks": the recipient is the subject of the clause.
REQUEST_WITH_CLAUSE = frozenset({"urge", "ask", "call", "press", "demand"})
QUOTE_MARKS = frozenset({'"', "\u201c", "\u2018", "'"})
FUTURE_AUX = frozenset({"will", "shall", "'ll"})
HYPOTHETICAL_AUX = frozenset({"would", "could", "might", "may", "can"})
NEGATING_HEADS = frozenset({"inability", "refusal", "failure", "unwillingness", "reluctance"})
NEGATING_VERBS = frozenset({"fail", "refuse", "decline"})
RECIPIENT_PREPS = frozenset(
    {
        "with",
        "to",
        "against",
        "on",
        "at",
        "for",
        "between",
        "toward",
        "towards",
        "from",
        "upon",
        "over",
        "in",
    }
)
OBJECT_DEPS = frozenset({"dobj", "dative", "obj", "attr", "oprd"})
CONTEXT_KEYWORDS = {
    "nuclear": "cbrn",
    "chemical weapon": "cbrn",
    "biological weapon": "cbrn",
    "ceasefire": "diplomatic",
    "cease-fire": "diplomatic",
    "peace talks": "diplomatic",
    "sanction": "economic",
    "trade": "economic",
    "tariff": "economic",
    "troops": "military",
    "military": "military",
    "missile": "military",
    "refugee": "migration",
    "migrant": "migration",
    "election": "election",
    "human rights": "human_rights",
    "terror": "terrorism",
    "cyber": "cyber",
}


@dataclass(frozen=True)
class VerbEntry:
    lemma: str
    prep: str | None
    event_type: str
    mode: str | None
    cameo: str | None


@cache
def default_lexicon() -> dict[str, tuple[VerbEntry, ...]]:
    """The shipped verb lexicon (``processors/data/verbs.tsv``), by lemma."""
    text = resources.files("processors").joinpath("data/verbs.tsv").read_text("utf-8")
    rows = csv.DictReader(
        (line for line in text.splitlines() if line and not line.startswith("#")),
        delimiter="\t",
    )
    lexicon: dict[str, list[VerbEntry]] = {}
    for row in rows:
        entry = VerbEntry(
            row["lemma"],
            None if row["prep"] == "-" else row["prep"],
            row["event_type"],
            None if row["mode"] == "-" else row["mode"],
            None if row["cameo"] == "-" else row["cameo"],
        )
        lexicon.setdefault(entry.lemma, []).append(entry)
    # Entries that require a preposition are tried first.
    return {k: tuple(sorted(v, key=lambda e: e.prep is None)) for k, v in lexicon.items()}


@cache
def plover_scores() -> dict[tuple[str, str], float]:
    """PLOVER conflict-cooperation score by (type, mode); mode "" is the type's default."""
    text = resources.files("processors").joinpath("data/plover_scores.csv").read_text("utf-8")
    rows = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    return {(r["event_type"], r["mode"]): float(r["score"]) for r in rows}


def intensity_of(event_type: str, mode: str | None) -> float:
    scores = plover_scores()
    return scores.get((event_type, mode or ""), scores.get((event_type, ""), 0.0))


def polarity_of(intensity: float) -> str:
    if intensity >= 1.0:
        return "support"
    if intensity <= -1.0:
        return "oppose"
    return "neutral"


@dataclass
class _Candidate:
    trigger: Token
    event_type: str
    mode: str | None
    cameo: str | None
    actors: list[Mention]
    recipients: list[Mention]
    speaker: Mention | None
    modality: Modality
    confidence: float


def extract_events(
    doc: Doc,
    mentions: MentionIndex,
    article_id: str,
    *,
    published_at: str | None = None,
    min_confidence: float = 0.0,
    lexicon: dict[str, tuple[VerbEntry, ...]] | None = None,
) -> list[StanceEvent]:
    """All stance events of a parsed article, in document order."""
    lexicon = lexicon if lexicon is not None else default_lexicon()
    events: list[StanceEvent] = []
    previous_speaker: Mention | None = None
    for index, sent in enumerate(doc.sents):
        sentence_speaker = _sentence_speaker(sent, mentions)
        carried = None
        if sentence_speaker is None and _opens_with_quote(sent):
            carried = previous_speaker
        candidates = _verb_events(sent, mentions, lexicon, carried)
        candidates += _reported_blame(sent, mentions, carried, candidates)
        for cand in candidates:
            event = _finish(cand, sent, index, article_id, published_at)
            if event is not None and event.confidence >= min_confidence:
                events.append(event)
        previous_speaker = sentence_speaker or carried
    return _dedupe(events)


def _verb_events(
    sent: Span,
    mentions: MentionIndex,
    lexicon: dict[str, tuple[VerbEntry, ...]],
    carried_speaker: Mention | None,
) -> list[_Candidate]:
    found: list[_Candidate] = []
    for token in sent:
        if token.pos_ not in ("VERB", "NOUN") or token.lemma_.lower() not in lexicon:
            continue
        if token.pos_ == "NOUN" and token.dep_ not in ("ROOT",):
            continue
        entry = _match_entry(token, lexicon[token.lemma_.lower()])
        if entry is None or _is_blame_of_subject(token):
            continue
        speech = _governing_speech_verb(token)
        speaker = _subject_actor(speech, mentions) if speech is not None else carried_speaker
        actors = _subject_actors(token, mentions)
        how_actor = "subject"
        if not actors and speaker is not None:
            actors, how_actor = [speaker], "speaker"
        if not actors:
            continue
        recipients = [
            m for m in _object_actors(token, mentions) if m.code not in {a.code for a in actors}
        ]
        modality = _modality(token, reported=speech is not None or carried_speaker is not None)
        if modality.negated:
            continue  # PLOVER: negated events are not coded
        event_type, mode, cameo = entry.event_type, entry.mode, entry.cameo
        if event_type in MATERIAL_TYPES and (modality.future or modality.hypothetical):
            # "would suspend a treaty": announcing a material action is a threat of it.
            mode = {"SANCTION": "restrict", "ASSAULT": "violence", "COERCE": "restrict"}.get(
                event_type
            )
            event_type, cameo = "THREATEN", "13"
        confidence = _confidence(actors, recipients, how_actor, entry, modality)
        found.append(
            _Candidate(
                token,
                event_type,
                mode,
                cameo,
                actors,
                recipients,
                speaker if modality.reported else None,
                modality,
                confidence,
            )
        )
    return found


def _reported_blame(
    sent: Span,
    mentions: MentionIndex,
    carried_speaker: Mention | None,
    already: Sequence[_Candidate],
) -> list[_Candidate]:
    """Speaker ACCUSE actor, for conduct a speaker blames on an actor."""
    found: list[_Candidate] = []
    taken = {c.trigger.i for c in already}
    for token in sent:
        if token.lemma_.lower() not in BLAMED_CONDUCT or token.i in taken:
            continue
        if token.lemma_.lower() == "blame" and not _is_blame_of_subject(token):
            continue
        speech = _governing_speech_verb(token)
        speaker = _subject_actor(speech, mentions) if speech is not None else carried_speaker
        if speaker is None:
            continue
        accused = [m for m in _subject_actors(token, mentions) if m.code != speaker.code]
        if not accused:
            continue
        modality = Modality(reported=True)
        confidence = 0.55 + (0.1 if speaker.how in ("gazetteer", "apposition") else 0.0)
        found.append(
            _Candidate(
                token, "ACCUSE", None, "112", [speaker], accused, speaker, modality, confidence
            )
        )
    return found


def _match_entry(token: Token, entries: Sequence[VerbEntry]) -> VerbEntry | None:
    preps = {c.lower_ for c in token.children if c.dep_ in ("prep", "prt", "mark")}
    for entry in entries:
        if entry.prep is None or entry.prep in preps:
            return entry
    return None


def _is_blame_of_subject(token: Token) -> bool:
    """ "X were to blame": blame with no object, governed by 'be'."""
    return (
        token.lemma_.lower() == "blame"
        and token.dep_ == "xcomp"
        and token.head.lemma_ == "be"
        and not any(c.dep_ in OBJECT_DEPS for c in token.children)
    )


def _clause_chain(token: Token) -> list[Token]:
    """The token and the verbs it hangs from through xcomp/conj/aux-like links."""
    chain = [token]
    node = token
    while node.dep_ in ("xcomp", "conj", "pcomp", "acomp") and node.head.i != node.i:
        node = node.head
        chain.append(node)
    return chain


def _subject_actors(token: Token, mentions: MentionIndex) -> list[Mention]:
    """Actors of a trigger: passive agent, else subject, climbing xcomp/conj chains."""
    for child in token.children:
        if child.dep_ == "agent":
            found = mentions.in_tokens(child.subtree)
            if found:
                return found
    for node in _clause_chain(token):
        for child in node.children:
            if child.dep_ in ("nsubj", "csubj") or (
                child.dep_ == "nsubjpass" and node.i != token.i
            ):
                return _phrase_actors(child, mentions)
        if node.dep_ == "relcl":
            return _phrase_actors(node.head, mentions)
    return []


def _subject_actor(verb: Token, mentions: MentionIndex) -> Mention | None:
    actors = _subject_actors(verb, mentions)
    return actors[0] if actors else None


def _phrase_actors(head: Token, mentions: MentionIndex) -> list[Mention]:
    """Actors named by a noun phrase: its head, coordinated heads, or its modifiers."""
    heads = [head, *[c for c in head.conjuncts if c.i > head.i]]
    found: list[Mention] = []
    for h in heads:
        m = mentions.at(h)
        if m is None:
            appos = [c for c in h.children if c.dep_ == "appos"]
            if h.dep_ == "appos":
                m = mentions.at(h.head)
            elif appos:
                m = mentions.at(appos[0])
        if m is None:
            # "The Chinese position paper", "China's foreign ministry"
            modifiers = [
                c for c in h.subtree if c.i < h.i and c.dep_ in ("amod", "compound", "poss", "nmod")
            ]
            mods = mentions.in_tokens(modifiers)
            m = mods[0] if mods else None
        if m is not None and all(m.code != f.code for f in found):
            found.append(m)
    return found


def _object_actors(token: Token, mentions: MentionIndex) -> list[Mention]:
    """Recipients: actors in the trigger's objects and prepositional phrases."""
    tokens: list[Token] = []
    for child in token.children:
        if (
            child.dep_ in OBJECT_DEPS
            or child.dep_ == "nsubjpass"
            or (child.dep_ == "prep" and child.lower_ in RECIPIENT_PREPS)
        ):
            tokens.extend(_subtree_without_clauses(child))
        elif child.dep_ in ("ccomp", "xcomp") and token.lemma_.lower() in REQUEST_WITH_CLAUSE:
            for grandchild in child.children:
                if grandchild.dep_ in ("nsubj", "nsubjpass"):
                    tokens.extend(grandchild.subtree)
    found: list[Mention] = []
    for m in mentions.in_tokens(tokens):
        if all(m.code != f.code for f in found):
            found.append(m)
    return found


def _subtree_without_clauses(token: Token) -> list[Token]:
    """A phrase's tokens, not descending into relative or adverbial clauses."""
    out = [token]
    for child in token.children:
        if child.dep_ in ("relcl", "advcl", "acl", "ccomp", "punct"):
            continue
        out.extend(_subtree_without_clauses(child))
    return out


def _governing_speech_verb(token: Token) -> Token | None:
    node = token
    while node.head.i != node.i:
        if node.dep_ in ("ccomp", "parataxis") and node.head.lemma_.lower() in SPEECH_VERBS:
            return node.head
        node = node.head
    return None


def _sentence_speaker(sent: Span, mentions: MentionIndex) -> Mention | None:
    for token in sent:
        if token.lemma_.lower() in SPEECH_VERBS and token.pos_ == "VERB":
            speaker = _subject_actor(token, mentions)
            if speaker is not None:
                return speaker
    return None


def _opens_with_quote(sent: Span) -> bool:
    first = next((t for t in sent if not t.is_space), None)
    return first is not None and first.text in QUOTE_MARKS


def _modality(token: Token, *, reported: bool) -> Modality:
    negated = hypothetical = future = False
    for node in _clause_chain(token):
        for child in node.children:
            if child.dep_ == "neg":
                negated = True
            if child.dep_ == "aux":
                word = child.lower_
                future = future or word in FUTURE_AUX
                hypothetical = hypothetical or word in HYPOTHETICAL_AUX
        if node.lemma_.lower() in NEGATING_VERBS and node.i != token.i:
            negated = True
    head = token.head
    if token.dep_ in ("acl", "xcomp") and head.lemma_.lower() in NEGATING_HEADS | NEGATING_VERBS:
        negated = True
    return Modality(negated=negated, hypothetical=hypothetical, future=future, reported=reported)


def _confidence(
    actors: Sequence[Mention],
    recipients: Sequence[Mention],
    how_actor: str,
    entry: VerbEntry,
    modality: Modality,
) -> float:
    score = 0.45
    score += 0.2 if how_actor == "subject" else 0.1
    score += 0.2 if recipients else 0.0
    if entry.prep is not None:
        score += 0.05  # "call for" is a sharper cue than a bare verb
    if any(a.how in ("pronoun", "alias") for a in actors):
        score -= 0.1
    if modality.hypothetical:
        score -= 0.05
    return round(max(0.05, min(0.95, score)), 2)


def _context_of(text: str) -> str | None:
    lower = text.lower()
    for keyword, context in CONTEXT_KEYWORDS.items():
        if keyword in lower:
            return context
    return None


def _actor_ref(doc: Doc, m: Mention) -> ActorRef:
    start, end = m.char_span(doc)
    return ActorRef(m.text, m.code, CharSpan(start, end), m.sector)


def _finish(
    cand: _Candidate, sent: Span, index: int, article_id: str, published_at: str | None
) -> StanceEvent | None:
    doc = sent.doc
    trimmed = _trim_space(sent)
    actor = tuple(_actor_ref(doc, m) for m in cand.actors)
    recipient = tuple(_actor_ref(doc, m) for m in cand.recipients)
    intensity = intensity_of(cand.event_type, cand.mode)
    trigger = cand.trigger
    event_id = stable_id(
        article_id,
        index,
        trigger.idx,
        cand.event_type,
        ",".join(a.code for a in actor),
        ",".join(r.code for r in recipient),
    )
    return StanceEvent(
        event_id=event_id,
        article_id=article_id,
        event_type=cand.event_type,
        actor=actor,
        recipient=recipient,
        trigger=Trigger(trigger.text, CharSpan(trigger.idx, trigger.idx + len(trigger.text))),
        sentence=SentenceRef(index, trimmed.text, CharSpan(trimmed.start_char, trimmed.end_char)),
        confidence=cand.confidence,
        intensity=intensity,
        polarity=polarity_of(intensity),
        quad_class=QUAD_CLASS[cand.event_type],
        mode=cand.mode,
        context=_context_of(sent.text),
        cameo_code=cand.cameo,
        speaker=_actor_ref(doc, cand.speaker) if cand.speaker is not None else None,
        modality=cand.modality,
        published_at=published_at,
    )


def _trim_space(sent: Span) -> Span:
    start, end = sent.start, sent.end
    doc = sent.doc
    while end > start + 1 and doc[end - 1].is_space:
        end -= 1
    while start < end - 1 and doc[start].is_space:
        start += 1
    return doc[start:end]


def _dedupe(events: list[StanceEvent]) -> list[StanceEvent]:
    seen: set[str] = set()
    out = []
    for e in events:
        if e.event_id not in seen:
            seen.add(e.event_id)
            out.append(e)
    return out
