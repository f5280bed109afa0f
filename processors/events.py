"""Stance-event extraction over the dependency parse.

For each sentence: find trigger verbs in the lexicon (``processors/data/verbs.tsv``: a
lemma, optionally with a required preposition/particle and/or object head), the actor
(subject, passive agent, or the speaker of reported speech), the recipients (objects and
prepositional objects, coordinated ones expanded), modality (negation, future,
hypothetical, intent, reported), then type, intensity, polarity and confidence.

One event per clause: a trigger inside the clausal complement of another trigger
("agreed to set up", "accused X of violating", "urged X to hold talks") is part of that
event, not an event of its own, since what is agreed, alleged or requested has not
happened.

Constructions beyond single verbs:

* announced actions: a cooperative action only announced for the future or as an intent
  ("will give", "is willing to withdraw") is AGREE; a material conflict action
  announced so ("would suspend a treaty") is THREATEN (PLOVER codes the intent or the
  threat, not the action);
* negated events ("did not attack") are not coded, as PLOVER's final data leave them
  out, unless ``keep_negated`` asks for them: then they come with ``modality.negated``
  and lower confidence (PLOVER's auxiliary "negation" mode; the PETRARCH role
  evaluation uses them, the live pipeline does not);
* reported obligation: a speaker says another actor "must" or "should" do something
  -> the speaker REQUESTs it of that actor;
* reported blame: a speaker says an actor "should stop ruining ..." or "is to blame"
  -> the speaker ACCUSEs that actor;
* reported rejection: a speaker says a policy ("unilateral sanctions") only leads to
  problems, does not work or is counterproductive -> the speaker REJECTs it;
* quoted sentences without a speech verb of their own are attributed to the speaker of
  the sentence before them.

Actors beyond single names:

* a named role holder is coded by whose role the text says it is ("Ithilen's minister
  Calimehtar" -> ITH, whatever the dictionary says of the name);
* a people is coded by where it lives ("Bosnian Serbs", "Kurds in Syria");
* dictionary codes with date restrictions apply as of the article's publication date.
"""

from __future__ import annotations

import csv
import datetime as _dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
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
        "reiterate",
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
        "conclude",
        "remind",
        "confirm",
    }
)
#: Speech verbs that only report when they have a clause ("suggested that ..."); "accuse"
#: and "warn" keep their own type ("warned that a blockade would harm ...").
REPORTING_VERBS = SPEECH_VERBS - {"accuse", "warn"}
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
#: Material conflict: announced for the future or as an intent, it is a THREATEN.
CONFLICT_ACTIONS = frozenset({"SANCTION", "ASSAULT", "COERCE", "MOBILIZE", "PROTEST"})
#: Cooperation: announced for the future or as an intent, it is an AGREE.
COOPERATIVE_ACTIONS = frozenset({"COOPERATE", "AID", "RETREAT", "CONCEDE", "SUPPORT", "CONSULT"})
#: The mode a THREATEN takes from the action threatened.
THREAT_MODES = {"SANCTION": "restrict", "ASSAULT": "violence", "COERCE": "restrict"}
#: Types where coordinated actors without a recipient act toward each other.
RECIPROCAL_TYPES = frozenset({"AGREE", "CONSULT", "SUPPORT", "COOPERATE"})
#: "urged Russia to hold talks": the recipient is the subject of the clause.
REQUEST_WITH_CLAUSE = frozenset(
    {"urge", "ask", "call", "press", "demand", "pressure", "order", "appeal", "request"}
)
QUOTE_MARKS = frozenset({'"', "\u201c", "\u2018", "'"})
FUTURE_AUX = frozenset({"will", "shall", "'ll", "wo"})
HYPOTHETICAL_AUX = frozenset({"would", "could", "might", "may", "can", "ca", "'d"})
OBLIGATION_AUX = frozenset({"must", "should", "ought"})
#: "is willing to withdraw", "ready to contribute", "about to restore".
INTENT_HEADS = frozenset(
    {"willing", "ready", "prepared", "about", "eager", "poised", "determined", "going", "set"}
)
INTENT_VERBS = frozenset({"plan", "intend", "prepare", "aim", "hope", "expect", "want"})
#: Adjectives that tie a group to its patron ("militants loyal to X").
ALLEGIANCE_WORDS = frozenset({"loyal", "linked", "allied", "close", "affiliated", "tied"})
#: What a receiver gets from a giver that makes the giving an AID event.
RECEIVED_AID = frozenset(
    {"money", "aid", "assistance", "fund", "loan", "grant", "weapon", "arm", "supply", "help"}
)
#: Passive forms that state the subject's stance when no agent follows ("is opposed to").
STATIVE_PASSIVES = frozenset({"oppose", "commit", "dedicate"})
#: Verbs that commit the actor to an action: the action decides AGREE or THREATEN.
COMMISSIVE_VERBS = frozenset(
    {"promise", "pledge", "vow", "swear", "offer", "threaten", "undertake"}
)
#: Objects that make a negated verb a rejection ("did not accept the proposal").
DEMAND_NOUNS = frozenset(
    {"demand", "request", "call", "proposal", "plan", "offer", "condition", "ultimatum", "appeal"}
)
#: Taken off the confidence of a negated event kept with ``keep_negated``.
NEGATED_PENALTY = 0.3
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
        "into",
        "of",
    }
)
OBJECT_DEPS = frozenset({"dobj", "dative", "obj", "attr", "oprd"})
#: How a trigger embeds a clause that belongs to its event.
EMBEDDING_DEPS = frozenset(
    {"xcomp", "ccomp", "pcomp", "prep", "pobj", "acomp", "acl", "dobj", "advcl", "relcl"}
)
#: Policies a speaker may reject by saying they fail ("sanctions only lead to problems").
POLICY_NOUNS = frozenset(
    {
        "sanction",
        "embargo",
        "blockade",
        "tariff",
        "measure",
        "policy",
        "unilateralism",
        "interference",
        "intervention",
        "pressure",
        "containment",
        "decoupling",
    }
)
FAILURE_PREDICATES = frozenset(
    {"harm", "hurt", "worsen", "backfire", "fail", "aggravate", "escalate", "damage"}
)
BAD_OUTCOMES = frozenset({"problem", "tension", "harm", "conflict", "trouble", "confrontation"})
NEGATIVE_ADJECTIVES = frozenset(
    {"counterproductive", "illegal", "unacceptable", "wrong", "futile", "illegitimate"}
)
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
    """One lexicon entry; ``event_type`` None means "this verb here is no event"."""

    lemma: str
    prep: str | None
    event_type: str | None
    mode: str | None
    cameo: str | None
    obj: str | None = None
    context: str | None = None


def stem(word: str) -> str:
    """Crude plural folding for object heads ("ties" -> "tie"), as the build script does.

    >>> stem("ties"), stem("sanctions"), stem("talks"), stem("crisis")
    ('tie', 'sanction', 'talk', 'crisis')
    """
    w = word.lower().strip("_")
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 4 and w.endswith(("ches", "shes", "sses", "xes")):
        return w[:-2]
    if len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        return w[:-1]
    return w


def _none(value: str) -> str | None:
    return None if value in ("-", "") else value


def parse_lexicon(text: str) -> dict[str, tuple[VerbEntry, ...]]:
    """A ``verbs.tsv`` text -> entries by lemma, the most specific first."""
    rows = csv.DictReader(
        (line for line in text.splitlines() if line and not line.startswith("#")),
        delimiter="\t",
    )
    lexicon: dict[str, list[VerbEntry]] = {}
    for row in rows:
        entry = VerbEntry(
            lemma=row["lemma"],
            prep=_none(row["prep"]),
            event_type=_none(row["event_type"]),
            mode=_none(row["mode"]),
            cameo=_none(row["cameo"]),
            obj=_none(row.get("object") or "-"),
            context=_none(row.get("context") or "-"),
        )
        lexicon.setdefault(entry.lemma, []).append(entry)
    # Preposition + object first, then object, then preposition, then the bare verb.
    return {
        k: tuple(sorted(v, key=lambda e: (e.obj is None, e.prep is None)))
        for k, v in lexicon.items()
    }


@cache
def default_lexicon() -> dict[str, tuple[VerbEntry, ...]]:
    """The shipped verb lexicon (``processors/data/verbs.tsv``), by lemma."""
    text = resources.files("processors").joinpath("data/verbs.tsv").read_text("utf-8")
    return parse_lexicon(text)


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
    context: str | None
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
    keep_negated: bool = False,
) -> list[StanceEvent]:
    """All stance events of a parsed article, in document order.

    Negated events ("did not clash with X") are not coded, as PLOVER's final data sets
    leave them out. With ``keep_negated`` they are returned, with ``modality.negated``
    set and :data:`NEGATED_PENALTY` off their confidence: PLOVER's auxiliary "negation"
    mode, for consumers that code them (the PETRARCH role evaluation does; the live
    pipeline does not).
    """
    lexicon = lexicon if lexicon is not None else default_lexicon()
    day = _day_of(published_at)
    if day is not None:
        mentions = mentions.on(day)  # dated dictionary codes, as of publication
    events: list[StanceEvent] = []
    previous_speaker: Mention | None = None
    for index, sent in enumerate(doc.sents):
        quoted = _opens_with_quote(sent)
        if not mentions.any_in(sent.start, sent.end):
            # No actor named: no event, unless a quote carries the previous speaker on.
            previous_speaker = previous_speaker if quoted else None
            if previous_speaker is None:
                continue
        tokens = list(sent)  # iterated by every construction below: once is cheaper
        sentence_speaker = _sentence_speaker(tokens, mentions)
        carried = None
        if sentence_speaker is None and quoted:
            carried = previous_speaker
        candidates = _received(tokens, mentions)
        candidates += _reported_obligations(tokens, mentions)
        candidates += _reported_rejections(tokens, mentions, candidates)
        candidates += _reported_blame(tokens, mentions, carried, candidates)
        triggers = {c.trigger.i for c in candidates}
        candidates += _verb_events(
            tokens, mentions, lexicon, carried, candidates, triggers, keep_negated=keep_negated
        )
        for cand in _one_per_clause(candidates, triggers):
            event = _finish(cand, sent, index, article_id, published_at)
            if event.confidence >= min_confidence:
                events.append(event)
        previous_speaker = sentence_speaker or carried
    return _dedupe(events)


def _day_of(timestamp: str | None) -> _dt.date | None:
    """The date of an RFC 3339 timestamp ("2024-05-01T12:00:00Z"); None if not one."""
    if not timestamp:
        return None
    try:
        return _dt.date.fromisoformat(timestamp[:10])
    except ValueError:
        return None


# --------------------------------------------------------------------------
# triggers


def _verb_events(
    tokens: Sequence[Token],
    mentions: MentionIndex,
    lexicon: dict[str, tuple[VerbEntry, ...]],
    carried_speaker: Mention | None,
    already: Sequence[_Candidate],
    triggers: set[int],
    *,
    keep_negated: bool = False,
) -> list[_Candidate]:
    """Events of lexicon triggers; adds every matched trigger's index to ``triggers``."""
    found: list[_Candidate] = []
    taken = {c.trigger.i for c in already}
    for token in tokens:
        if token.i in taken:
            continue
        if not (
            token.pos_ == "VERB"
            or (token.pos_ == "NOUN" and token.dep_ == "ROOT")
            or (
                token.pos_ == "ADJ"
                and token.dep_ in ("acomp", "ROOT")
                and token.lower_.endswith("ed")
            )
        ):
            continue  # verbs, headline nouns, and "is opposed to"
        lemma = _lexicon_lemma(token, lexicon)
        if lemma is None:
            continue
        entries = lexicon[lemma]
        entry = _match_entry(token, entries)
        if entry is None or entry.event_type is None or _is_blame_of_subject(token):
            continue
        if (
            lemma in REPORTING_VERBS
            and entry.obj is None
            and any(c.dep_ in ("ccomp", "parataxis") for c in token.children)
        ):
            continue  # "suggested that ...": a report, the event is what it reports
        if _obliged(token):
            continue  # "X must allocate ...": asked of X, not done (see _reported_obligations)
        if _in_condition(token):
            continue  # "... unless Y holds elections": a condition, not an event
        if token.dep_ == "amod" or (token.dep_ == "acl" and token.tag_ == "VBN"):
            continue  # "the so-called mentality", "troops deployed there": no clause
        if lemma in INTENT_VERBS and any(c.dep_ == "xcomp" for c in token.children):
            continue  # "prepared to resume shelling": the intent of the verb it governs
        triggers.add(token.i)
        speech = _governing_speech_verb(token)
        speaker = _subject_actor(speech, mentions) if speech is not None else carried_speaker
        actors = _subject_actors(token, mentions)
        how_actor = "subject"
        if (
            not actors
            and speaker is not None
            and (not _has_own_subject(token) or _subject_is_speakers(token))
        ):
            # "Hungary said it will support", "Bosnian Serbs said their forces had ..."
            actors, how_actor = [speaker], "speaker"
        if not actors:
            continue
        recipients = _recipients(token, mentions, actors, requested=entry.event_type == "REQUEST")
        modality = _modality(token, reported=speech is not None or carried_speaker is not None)
        event_type, mode, cameo = entry.event_type, entry.mode, entry.cameo
        if modality.negated and _refuses_demand(token):
            # "would not meet the hostage-takers' demands": a rejection
            event_type, mode, cameo = "REJECT", None, "12"
            modality = Modality(
                hypothetical=modality.hypothetical,
                future=modality.future,
                reported=modality.reported,
            )
        elif modality.negated and not keep_negated:
            continue  # PLOVER: negated events are not coded
        if lemma in COMMISSIVE_VERBS:
            # "vowed to fight", "promised to withdraw": the kind of action promised
            promised = _promised_type(token, lexicon)
            if promised in CONFLICT_ACTIONS:
                event_type, mode, cameo = "THREATEN", THREAT_MODES.get(promised), "13"
            elif promised in COOPERATIVE_ACTIONS and entry.event_type != "THREATEN":
                # "threatened to institute a curfew" stays a threat, whatever the action
                event_type, mode, cameo = "AGREE", None, "03"
        announced = modality.future or modality.hypothetical or _intent(token)
        if announced and _threat_condition(token) and event_type in COOPERATIVE_ACTIONS:
            # "will withdraw its force unless ...": a conditional withdrawal is a threat
            event_type, mode, cameo = "THREATEN", None, "13"
        elif announced and event_type in CONFLICT_ACTIONS:
            # "would suspend a treaty": announcing a material action is a threat of it.
            event_type, mode, cameo = "THREATEN", THREAT_MODES.get(event_type), "13"
        elif announced and event_type in COOPERATIVE_ACTIONS:
            # "will give a grant", "is willing to withdraw": an intent to cooperate.
            event_type, mode, cameo = "AGREE", None, "03"
        if not recipients and len(actors) > 1 and event_type in RECIPROCAL_TYPES:
            # "Israel and the Palestinians reached a consensus": each toward the other.
            # Rotated, so that the first actor and the first recipient (the pair key)
            # are two different parties.
            recipients = [*actors[1:], actors[0]]
        confidence = _confidence(token, actors, recipients, how_actor, entry, modality)
        if modality.negated:
            confidence = max(0.05, round(confidence - NEGATED_PENALTY, 2))
        found.append(
            _Candidate(
                token,
                event_type,
                mode,
                cameo,
                entry.context,
                actors,
                recipients,
                speaker if modality.reported else None,
                modality,
                confidence,
            )
        )
    return found


def _lexicon_lemma(token: Token, lexicon: dict[str, tuple[VerbEntry, ...]]) -> str | None:
    """The token's lemma if the lexicon has it, else a regular base form that it has.

    The statistical lemmatizer slips on some verbs ("staged" -> "stag"); the suffix rules
    below only run when its lemma is not in the lexicon.
    """
    lemma = token.lemma_.lower()
    if lemma in lexicon:
        return lemma
    text = token.lower_
    forms: tuple[str, ...] = ()
    if token.tag_ in ("VBD", "VBN") and text.endswith("ed"):
        forms = (text[:-1], text[:-2], text[:-3], text[:-3] + "y" if text.endswith("ied") else "")
    elif token.tag_ == "VBG" and text.endswith("ing"):
        forms = (text[:-3], text[:-3] + "e", text[:-4])
    elif token.tag_ == "VBZ" and text.endswith("s"):
        forms = (text[:-1], text[:-2], text[:-3] + "y" if text.endswith("ies") else "")
    return next((f for f in forms if len(f) > 2 and f in lexicon), None)


def _match_entry(token: Token, entries: Sequence[VerbEntry]) -> VerbEntry | None:
    """The most specific entry whose preposition and object the trigger has.

    Preposition and object together first; then a particle ("called off") before an
    object ("called ... strike"), an object before a plain preposition, and the bare
    verb last. Among equally specific entries, the first in lexicon order.
    """
    index = _entry_index(entries)
    best: tuple[int, int, VerbEntry] | None = None

    def consider(key: tuple[str | None, str | None], rank: int) -> None:
        nonlocal best
        hit = index.get(key)
        if hit is not None and (best is None or (rank, -hit[0]) > (best[0], -best[1])):
            best = (rank, hit[0], hit[1])

    preps: dict[str, list[Token]] = {}
    for child in token.children:
        if child.dep_ in ("prep", "prt", "agent", "dative", "mark"):
            preps.setdefault(child.lower_, []).append(child)
    objects: set[str] | None = None
    for prep, children in preps.items():
        particle = any(c.dep_ == "prt" for c in children)
        consider((prep, None), 3 if particle else 1)
        heads = [
            h
            for p in children
            for g in p.children
            if g.dep_ in ("pobj", "pcomp")
            for h in (g, *g.conjuncts)
        ]
        stems = _stems(heads)
        if particle:  # "called off a strike": the verb's object
            objects = objects if objects is not None else _stems(_object_heads(token))
            stems |= objects
        for obj in stems:
            consider((prep, obj), 4)
    if objects is None:
        objects = _stems(_object_heads(token))
    for obj in objects:
        consider((None, obj), 2)
    consider((None, None), 0)
    return best[2] if best is not None else None


_INDEXES: dict[
    int, tuple[Sequence[VerbEntry], dict[tuple[str | None, str | None], tuple[int, VerbEntry]]]
] = {}


def _entry_index(
    entries: Sequence[VerbEntry],
) -> dict[tuple[str | None, str | None], tuple[int, VerbEntry]]:
    """(prep, object) -> (position, entry) for one lemma's entries, built once per tuple."""
    cached = _INDEXES.get(id(entries))
    if cached is not None and cached[0] is entries:
        return cached[1]
    index: dict[tuple[str | None, str | None], tuple[int, VerbEntry]] = {}
    for position, entry in enumerate(entries):
        index.setdefault((entry.prep, entry.obj), (position, entry))
    _INDEXES[id(entries)] = (entries, index)  # keeps the tuple alive: the id stays its own
    return index


def _object_heads(token: Token) -> list[Token]:
    """The heads a lexicon object may name: direct objects, passive subjects, the verb
    of an xcomp ("offered to withdraw"), and their conjuncts."""
    heads = []
    for child in token.children:
        if child.dep_ in OBJECT_DEPS or child.dep_ == "nsubjpass" or child.dep_ == "xcomp":
            heads.append(child)
            heads.extend(child.conjuncts)
            # "mediation efforts", "hunger strike": the compound names the thing too
            heads.extend(c for c in child.children if c.dep_ == "compound")
            # "a series of bombs", "an end to": the noun after "of" counts too
            heads.extend(
                g
                for p in child.children
                if p.dep_ == "prep" and p.lower_ == "of"
                for g in p.children
                if g.dep_ == "pobj"
            )
    return heads


def _stems(tokens: Iterable[Token]) -> set[str]:
    out = set()
    for t in tokens:
        out.add(stem(t.lower_))
        out.add(stem(t.lemma_))
    return out


def _in_condition(token: Token) -> bool:
    """Whether the trigger's clause is an "if" / "unless" condition."""
    return any(
        node.dep_ == "advcl"
        and any(c.dep_ == "mark" and c.lower_ in ("if", "unless") for c in node.children)
        for node in (token, *token.ancestors)
    )


def _obliged(token: Token) -> bool:
    """ "must cooperate", "should withdraw": an obligation, not an event of the subject."""
    return any(
        c.dep_ == "aux" and c.lower_ in OBLIGATION_AUX
        for node in _clause_chain(token)
        for c in node.children
    )


def _refuses_demand(token: Token) -> bool:
    """A negated verb whose object is a demand or proposal ("will not meet demands")."""
    return bool(_stems(_object_heads(token)) & DEMAND_NOUNS)


def _promised_type(token: Token, lexicon: dict[str, tuple[VerbEntry, ...]]) -> str | None:
    """The event type of the action a commissive verb governs ("vowed to fight")."""
    for child in token.children:
        if child.dep_ != "xcomp" and not (child.dep_ == "advcl" and _purpose_clause(child)):
            continue
        lemma = _lexicon_lemma(child, lexicon)
        entry = _match_entry(child, lexicon[lemma]) if lemma is not None else None
        if entry is not None and entry.event_type is not None:
            return entry.event_type
    return None


def _threat_condition(token: Token) -> bool:
    """ "... unless X does Y": the announced action is conditional on the recipient."""
    return any(
        c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ == "unless" for m in c.children)
        for node in (token, *_clause_chain(token))
        for c in node.children
    )


def _is_blame_of_subject(token: Token) -> bool:
    """ "X were to blame": blame with no object, governed by 'be'."""
    return (
        token.lemma_.lower() == "blame"
        and token.dep_ == "xcomp"
        and token.head.lemma_ == "be"
        and not any(c.dep_ in OBJECT_DEPS for c in token.children)
    )


# --------------------------------------------------------------------------
# constructions beyond single verbs


def _received(tokens: Sequence[Token], mentions: MentionIndex) -> list[_Candidate]:
    """Giver AID receiver, for "R received money / aid / weapons from G"."""
    found: list[_Candidate] = []
    for token in tokens:
        if (
            token.lemma_.lower() not in ("receive", "accept", "obtain", "get")
            or token.pos_ != "VERB"
        ):
            continue
        things = _object_heads(token) + [
            g
            for p in token.children
            if p.dep_ == "prep" and p.lower_ != "from"
            for g in p.children
            if g.dep_ == "pobj"
        ]  # "received by courier money from X" is parsed with "money" under "by"
        if not (_stems(things) & RECEIVED_AID):
            continue
        givers = [
            m
            for p in token.children
            if p.dep_ == "prep" and p.lower_ == "from"
            for m in mentions.in_tokens(_subtree_without_clauses(p))
        ]
        receivers = _subject_actors(token, mentions)
        if not givers or not receivers or _modality(token, reported=False).negated:
            continue
        modality = _modality(token, reported=_governing_speech_verb(token) is not None)
        found.append(
            _Candidate(token, "AID", None, "07", None, givers[:1], receivers, None, modality, 0.8)
        )
    return found


def _reported_obligations(tokens: Sequence[Token], mentions: MentionIndex) -> list[_Candidate]:
    """Speaker REQUEST actor, for "S said (that) A must/should V"."""
    found: list[_Candidate] = []
    for token in tokens:
        if token.dep_ not in ("ccomp", "parataxis") or token.head.lemma_.lower() not in (
            SPEECH_VERBS
        ):
            continue
        if not any(c.dep_ == "aux" and c.lower_ in OBLIGATION_AUX for c in token.children):
            continue
        if any(c.dep_ == "neg" for c in token.children):
            continue  # "should not be used": a prohibition without a requested party
        if token.lemma_.lower() in BLAMED_CONDUCT or token.lemma_.lower() == "stop":
            continue  # "should stop trying to ruin": blame, see _reported_blame
        speaker = _subject_actor(token.head, mentions)
        if speaker is None:
            continue
        subject = next((c for c in token.children if c.dep_ == "nsubj"), None)
        if subject is None:
            continue
        addressed = [m for m in _phrase_actors(subject, mentions) if m.code != speaker.code]
        if not addressed:
            continue
        confidence = 0.6 + (0.1 if speaker.how in ("gazetteer", "apposition") else 0.0)
        found.append(
            _Candidate(
                token,
                "REQUEST",
                None,
                "10",
                None,
                [speaker],
                addressed,
                speaker,
                Modality(reported=True),
                confidence,
            )
        )
    return found


def _reported_rejections(
    tokens: Sequence[Token], mentions: MentionIndex, already: Sequence[_Candidate]
) -> list[_Candidate]:
    """Speaker REJECT policy, for "S said sanctions only lead to problems / do not work"."""
    found: list[_Candidate] = []
    taken = {c.trigger.i for c in already}
    for token in tokens:
        if token.i in taken or token.dep_ not in ("ccomp", "parataxis"):
            continue
        if token.head.lemma_.lower() not in SPEECH_VERBS:
            continue
        subject = next((c for c in token.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subject is None or stem(subject.lemma_) not in POLICY_NOUNS:
            continue
        if not _says_it_fails(token):
            continue
        speaker = _subject_actor(token.head, mentions)
        if speaker is None:
            continue
        owners = [m for m in mentions.in_tokens(subject.subtree) if m.code != speaker.code]
        confidence = 0.5 + (0.1 if speaker.how in ("gazetteer", "apposition") else 0.0)
        found.append(
            _Candidate(
                token,
                "REJECT",
                None,
                "12",
                None,
                [speaker],
                owners,
                speaker,
                Modality(reported=True),
                confidence,
            )
        )
    return found


def _says_it_fails(verb: Token) -> bool:
    lemma = verb.lemma_.lower()
    negated = any(c.dep_ == "neg" for c in verb.children)
    if lemma in FAILURE_PREDICATES:
        return True
    if lemma == "work" and negated:
        return True
    if lemma == "lead":
        return any(
            stem(g.lemma_) in BAD_OUTCOMES
            for p in verb.children
            if p.dep_ == "prep" and p.lower_ == "to"
            for g in p.subtree
        )
    return lemma == "be" and any(
        c.dep_ == "acomp" and c.lemma_.lower() in NEGATIVE_ADJECTIVES for c in verb.children
    )


def _reported_blame(
    tokens: Sequence[Token],
    mentions: MentionIndex,
    carried_speaker: Mention | None,
    already: Sequence[_Candidate],
) -> list[_Candidate]:
    """Speaker ACCUSE actor, for conduct a speaker blames on an actor."""
    found: list[_Candidate] = []
    taken = {c.trigger.i for c in already}
    for token in tokens:
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
                token,
                "ACCUSE",
                None,
                "112",
                None,
                [speaker],
                accused,
                speaker,
                modality,
                confidence,
            )
        )
    return found


def _one_per_clause(candidates: list[_Candidate], triggers: set[int]) -> list[_Candidate]:
    """Drop events whose trigger sits in the clausal complement of another trigger.

    "agreed to cooperate", "accused X of violating", "urged X to hold talks", "refused
    to allow planes to land": what is agreed, alleged, requested or refused belongs to
    the governing event, even when that event has no actor we can name. ``triggers``
    are the token indices of every trigger of the sentence. Coordinated verbs ("kidnapped
    ... and exploded ...") stay events of their own.
    """
    kept = []
    for cand in candidates:
        node = cand.trigger
        crossed = False  # an embedding link (not only conj) between the two
        embedded = False
        while node.head.i != node.i and (node.dep_ in EMBEDDING_DEPS or node.dep_ == "conj"):
            if node.dep_ == "advcl" and not _purpose_clause(node):
                break  # "... after crowds trashed its embassy": a clause of its own
            crossed = crossed or node.dep_ != "conj"
            node = node.head
            if crossed and node.i in triggers:
                embedded = True
                break
        if not embedded:
            kept.append(cand)
    return sorted(kept, key=lambda c: c.trigger.i)


def _purpose_clause(verb: Token) -> bool:
    """ "to demand an end", "in order to ...": an infinitive clause of purpose."""
    return any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children)


# --------------------------------------------------------------------------
# roles


def _clause_chain(token: Token) -> list[Token]:
    """The token and the verbs it hangs from through xcomp/conj/aux-like links."""
    chain = [token]
    node = token
    while node.dep_ in ("xcomp", "conj", "pcomp", "acomp") and node.head.i != node.i:
        if (
            node.dep_ == "pcomp"
            and node.head.dep_ == "prep"
            and node.head.head.pos_
            in (
                "VERB",
                "AUX",
            )
        ):
            node = node.head  # "resorted to throwing": up through the preposition
        node = node.head
        chain.append(node)
    return chain


def _subject_is_speakers(token: Token) -> bool:
    """ "their forces", "its troops": a subject owned by a pronoun (the speaker's)."""
    return any(
        c.dep_ in ("nsubj", "nsubjpass")
        and any(g.dep_ == "poss" and g.lower_ in ("its", "their", "his", "her") for g in c.children)
        for c in token.children
    )


def _has_own_subject(token: Token) -> bool:
    """Whether the clause names a subject of its own (then a speaker is not the actor)."""
    node = token
    chain = [token]
    while node.dep_ in ("xcomp", "conj") and node.head.i != node.i:
        node = node.head
        chain.append(node)
    if any(n.dep_ in ("acl", "relcl") for n in chain):
        return True  # "rebels fighting ...": the noun it modifies is its subject
    return any(
        c.dep_ in ("nsubj", "nsubjpass", "csubj", "expl")
        and c.lower_ not in ("it", "they")
        # "... that sanctions only lead to problems and called for": a misparse, since a
        # policy does not call for anything; the speaker stays the actor
        and stem(c.lemma_) not in POLICY_NOUNS
        for node in chain
        for c in node.children
    )


def _subject_actors(token: Token, mentions: MentionIndex) -> list[Mention]:
    """Actors of a trigger: passive agent, else subject, climbing xcomp/conj chains."""
    for child in token.children:
        if child.dep_ == "agent":
            found = mentions.in_tokens(child.subtree)
            if found:
                return found
    stative = token.lemma_.lower() in STATIVE_PASSIVES
    for node in _clause_chain(token):
        subjects = [
            c
            for c in node.children
            if c.dep_ in ("nsubj", "csubj")
            or (c.dep_ == "nsubjpass" and (node.i != token.i or stative))
        ]
        if subjects:
            # several subjects happen with a misparse ("Old foes Gondor and Osgiliath")
            for child in subjects:
                found = _phrase_actors(child, mentions)
                if found:
                    return found
            return []
        if node.dep_ == "relcl" or (node.dep_ == "acl" and node.tag_ in ("VBD", "VBG")):
            # "the troops who attacked", "youths throwing stones": the noun they modify
            return _phrase_actors(node.head, mentions)
    return []


def _subject_actor(verb: Token, mentions: MentionIndex) -> Mention | None:
    actors = _subject_actors(verb, mentions)
    return actors[0] if actors else None


def _phrase_actors(head: Token, mentions: MentionIndex) -> list[Mention]:
    """Actors named by a noun phrase: its head, coordinated heads, or its modifiers.

    Modifiers are adjectives, compounds and possessives ("Hungarian and Romanian
    officials" -> both), then "of/in/from" phrases ("lawmakers in Fornost and Gondor",
    "soldiers from Gondor", "the government of Gondor").
    """
    heads = [head, *[c for c in head.conjuncts if c.i > head.i]]
    found: list[Mention] = []
    for h in heads:
        named: list[Mention] = []
        m = mentions.at(h)
        if m is None:
            appos = [c for c in h.children if c.dep_ == "appos"]
            if h.dep_ == "appos":
                m = mentions.at(h.head)
            elif appos:
                m = mentions.at(appos[0])
                owner = _role_owner(h, mentions)
                if m is not None and owner is not None:
                    # "Ithilen's minister Calimehtar": whose minister the text says
                    # outranks the dictionary's code for the name
                    m = owner
        if m is not None and m.kind == "demonym":
            # "Bosnian Serbs", "Iraqi Kurds", "ethnic Albanians in south Serbia": a
            # people named by where they live
            places = _distinct(
                mentions.at(c) for c in h.children if c.dep_ in ("amod", "compound") and c.i < h.i
            )
            places += _distinct(
                mentions.at(g)
                for c in h.children
                if c.dep_ == "prep" and c.lower_ == "in" and c.i > h.i
                for g in c.children
                if g.dep_ == "pobj"
            )
            places = [p for p in places if p.code != m.code and p.kind != "person"]
            if places:
                m = replace(places[0], sector=places[0].sector or m.sector)
        if m is not None:
            named = [m]
        else:
            # "The Chinese position paper", "China's foreign ministry"
            modifiers = [
                t
                for c in h.children
                if c.i < h.i and c.dep_ in ("amod", "compound", "poss", "nmod", "npadvmod")
                for t in (c, *c.conjuncts)
            ]
            named = _distinct(mentions.at(t) for t in modifiers)
            if not named:
                named = _distinct(
                    mentions.at(t) for t in h.subtree if t.i < h.i and t.dep_ != "appos"
                )
            if not named:
                named = _of_phrase_actors(h, mentions)
        for m in named:
            if all(m.code != f.code or m.sector != f.sector for f in found):
                found.append(m)
    return found


def _role_owner(head: Token, mentions: MentionIndex) -> Mention | None:
    """The country or organisation whose role noun ``head`` is ("Ithilen's minister").

    A possessive that took the role's sector (see ``resolve_mentions``), not a person:
    "Trump's envoy Witkoff" is no affiliation of the envoy.
    """
    for child in head.children:
        if child.dep_ == "poss" and child.i < head.i:
            m = mentions.at(child)
            if m is not None and m.sector is not None and m.kind != "person":
                return m
    return None


def _of_phrase_actors(head: Token, mentions: MentionIndex) -> list[Mention]:
    """ "lawmakers in Fornost", "soldiers from Gondor", "a group based in Trinidad"."""
    out: list[Mention] = []
    preps = [c for c in head.children if c.dep_ == "prep"]
    preps += [
        p
        for c in head.children
        if c.dep_ == "acl" and c.lemma_.lower() in ("base", "locate", "headquarter", "operate")
        for p in c.children
        if p.dep_ == "prep"
    ]
    # "militants loyal to X", "groups linked to X"
    preps += [
        p
        for c in head.children
        if c.dep_ in ("amod", "acl") and c.i > head.i and c.lemma_.lower() in ALLEGIANCE_WORDS
        for p in c.children
        if p.dep_ == "prep" and p.lower_ == "to"
    ]
    for prep in preps:
        if prep.lower_ not in ("of", "in", "from", "to"):
            continue
        for obj in prep.children:
            if obj.dep_ != "pobj":
                continue
            for t in (obj, *obj.conjuncts):
                m = mentions.at(t)
                if m is None:
                    inner = _distinct(
                        mentions.at(x) for x in t.subtree if x.i <= t.i and x.dep_ != "appos"
                    )
                    m = inner[0] if inner else None
                if m is not None:
                    out.append(m)
    return _distinct(out)


def _distinct(items: Iterable[Mention | None]) -> list[Mention]:
    out: list[Mention] = []
    for m in items:
        if m is not None and all((m.start, m.end) != (f.start, f.end) for f in out):
            out.append(m)
    return out


def _recipients(
    token: Token, mentions: MentionIndex, actors: Sequence[Mention], *, requested: bool = False
) -> list[Mention]:
    """Recipients, minus the actors themselves (a domestic actor of another sector stays)."""
    candidates = _object_actors(token, mentions, requested=requested)
    if not candidates:
        candidates = _complement_actors(token, mentions)
    found = []
    for m in candidates:
        same = [
            a
            for a in actors
            if a.code == m.code and (a.sector == m.sector or a.sector is None or m.sector is None)
        ]
        if not same:
            found.append(m)
    return found


def _complement_actors(token: Token, mentions: MentionIndex) -> list[Mention]:
    """Recipients a trigger names only inside its complement clause.

    "vowed to wage war on the Rohans", "offered to negotiate with Armenia" (the objects
    of the action committed to), "regretted that Eriador refused" (the subject of the
    clause the stance is about).
    """
    for child in token.children:
        if child.dep_ == "xcomp" or (child.dep_ == "advcl" and _purpose_clause(child)):
            found = _object_actors(child, mentions)
            if found:
                return found
    for child in token.children:
        if child.dep_ == "ccomp":
            for subject in child.children:
                if subject.dep_ in ("nsubj", "nsubjpass"):
                    found = _phrase_actors(subject, mentions)
                    if found:
                        return found
    return []


def _object_actors(
    token: Token, mentions: MentionIndex, *, requested: bool = False
) -> list[Mention]:
    """Recipients: actors in the trigger's objects and prepositional phrases.

    For a request (``requested``), also the subject of the requested clause ("demanded
    that China drop barriers").
    """
    tokens: list[Token] = []
    for node in (token, *[c for c in token.children if c.dep_ == "prt"]):
        for child in node.children:
            if (
                child.dep_ in OBJECT_DEPS
                or (child.dep_ == "nsubjpass" and not _stative(token))  # the patient
                or (child.dep_ == "prep" and child.lower_ in RECIPIENT_PREPS)
            ):
                tokens.extend(_subtree_without_clauses(child))
            elif child.dep_ in ("ccomp", "xcomp") and (
                token.lemma_.lower() in REQUEST_WITH_CLAUSE or requested
            ):
                for grandchild in child.children:
                    if grandchild.dep_ in ("nsubj", "nsubjpass"):
                        tokens.extend(grandchild.subtree)
            if requested and child.dep_ in OBJECT_DEPS:
                # "reiterated its demand that Israel ease ...": the clause of the noun
                for clause in child.children:
                    if clause.dep_ in ("acl", "ccomp", "relcl"):
                        tokens.extend(
                            g
                            for s in clause.children
                            if s.dep_ in ("nsubj", "nsubjpass")
                            for g in s.subtree
                        )
    found: list[Mention] = []
    for m in mentions.in_tokens(tokens):
        if all(m.code != f.code or m.sector != f.sector for f in found):
            found.append(m)
    return found


def _stative(token: Token) -> bool:
    """ "Israel is opposed to ...": a passive form that states the subject's own stance."""
    return token.lemma_.lower() in STATIVE_PASSIVES and not any(
        c.dep_ == "agent" for c in token.children
    )


def _subtree_without_clauses(token: Token) -> list[Token]:
    """A phrase's tokens, not descending into relative, adverbial or complement clauses.

    Participle clauses stay ("memos sent by Bree", "roads leading into Mordor").
    """
    out = [token]
    for child in token.children:
        if child.dep_ in ("relcl", "advcl", "ccomp", "punct", "appos"):
            continue
        if child.dep_ == "acl" and child.tag_ not in ("VBN", "VBG"):
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


def _sentence_speaker(tokens: Sequence[Token], mentions: MentionIndex) -> Mention | None:
    for token in tokens:
        if token.lemma_.lower() in SPEECH_VERBS and token.pos_ == "VERB":
            speaker = _subject_actor(token, mentions)
            if speaker is not None:
                return speaker
    return None


def _opens_with_quote(sent: Span) -> bool:
    first = next((t for t in sent if not t.is_space), None)
    return first is not None and first.text in QUOTE_MARKS


# --------------------------------------------------------------------------
# modality and confidence


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


def _intent(token: Token) -> bool:
    """ "is willing to withdraw", "ready to contribute", "plans to send"."""
    node = token
    while (
        node.dep_ in ("xcomp", "conj") or (node.dep_ == "advcl" and _purpose_clause(node))
    ) and node.head.i != node.i:
        head = node.head
        if node.dep_ == "xcomp" and (
            head.lemma_.lower() in INTENT_HEADS or head.lemma_.lower() in INTENT_VERBS
        ):
            return True
        node = head
    return False


def _confidence(
    token: Token,
    actors: Sequence[Mention],
    recipients: Sequence[Mention],
    how_actor: str,
    entry: VerbEntry,
    modality: Modality,
) -> float:
    score = 0.45
    score += 0.2 if how_actor == "subject" else 0.1
    score += 0.2 if recipients else 0.0
    if entry.prep is not None or entry.obj is not None:
        score += 0.05  # "call for", "restore ties": a sharper cue than a bare verb
    if any(a.how in ("pronoun", "alias") for a in actors):
        score -= 0.1
    if modality.hypothetical:
        score -= 0.05
    clause = token
    while clause.dep_ in ("conj", "xcomp") and clause.head.i != clause.i:
        clause = clause.head
    if clause.dep_ in ("advcl", "relcl", "acl", "pcomp", "pobj", "csubj"):
        score -= 0.1  # a subordinate clause: usually background to the main event
    elif clause.dep_ not in ("ROOT", "ccomp", "parataxis", "xcomp"):
        score -= 0.05
    return round(max(0.05, min(0.95, score)), 2)


def _context_of(text: str, fallback: str | None) -> str | None:
    lower = text.lower()
    for keyword, context in CONTEXT_KEYWORDS.items():
        if keyword in lower:
            return context
    return fallback


# --------------------------------------------------------------------------
# events


def _actor_ref(doc: Doc, m: Mention) -> ActorRef:
    start, end = m.char_span(doc)
    return ActorRef(m.text, m.code, CharSpan(start, end), m.sector)


def _finish(
    cand: _Candidate, sent: Span, index: int, article_id: str, published_at: str | None
) -> StanceEvent:
    doc = sent.doc
    trimmed = _trim_space(sent)
    actor = tuple(_actor_ref(doc, m) for m in cand.actors)
    recipient = tuple(_actor_ref(doc, m) for m in cand.recipients)
    intensity = intensity_of(cand.event_type, cand.mode)
    trigger = cand.trigger
    # Not the sentence's index: the trigger's offset already places the event, and an
    # article parsed in halves (processors.halves) can be segmented differently near
    # the cut, which must not change the ids of the events after it.
    event_id = stable_id(
        article_id,
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
        context=_context_of(sent.text, cand.context),
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
