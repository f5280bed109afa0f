"""Actor resolution inside one parsed article.

Finds who is mentioned and resolves each mention to a canonical actor: countries,
capitals, demonyms and metonyms and IGOs through the gazetteer; persons through the
gazetteer and, beyond it, through what the article itself says about them
("Wang Wenbin, a spokesperson for China's foreign ministry" -> CHN GOV, and a later
"Wang" -> the same person); "he"/"she" through the most recent person.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from spacy.tokens import Doc, Span, Token

from processors.gazetteer import ActorEntry, Gazetteer

#: spaCy labels whose entities can be actors.
ACTOR_LABELS = frozenset({"GPE", "NORP", "ORG", "PERSON", "LOC", "FAC"})
PERSON_PRONOUNS = frozenset({"he", "she", "him", "her", "his"})
_DETERMINERS = frozenset({"the", "a", "an"})


@dataclass(frozen=True)
class Mention:
    """A resolved actor mention: token range ``[start, end)`` in the Doc."""

    start: int
    end: int
    text: str
    code: str
    sector: str | None
    kind: str
    how: str  # gazetteer | apposition | alias | pronoun | role

    def char_span(self, doc: Doc) -> tuple[int, int]:
        span = doc[self.start : self.end]
        return span.start_char, span.end_char


class MentionIndex:
    """All actor mentions of a Doc, looked up by token."""

    def __init__(self, mentions: Iterable[Mention]) -> None:
        self.mentions = sorted(mentions, key=lambda m: (m.start, m.end))
        self._by_token: dict[int, Mention] = {}
        for m in self.mentions:
            for i in range(m.start, m.end):
                self._by_token.setdefault(i, m)

    def at(self, token: Token) -> Mention | None:
        return self._by_token.get(token.i)

    def in_tokens(self, tokens: Iterable[Token]) -> list[Mention]:
        """Distinct mentions covering any of the tokens, in document order."""
        seen: dict[tuple[int, int], Mention] = {}
        for t in tokens:
            m = self._by_token.get(t.i)
            if m is not None:
                seen.setdefault((m.start, m.end), m)
        return sorted(seen.values(), key=lambda m: m.start)

    def entity_code(self, span: Span) -> Mention | None:
        return self._by_token.get(span.start)


def resolve_mentions(doc: Doc, gazetteer: Gazetteer) -> MentionIndex:
    """Resolve every actor mention of ``doc`` (entities, noun-phrase matches, pronouns)."""
    mentions: dict[int, Mention] = {}  # by start token
    covered: set[int] = set()

    def add(m: Mention) -> None:
        if any(i in covered for i in range(m.start, m.end)):
            return
        mentions[m.start] = m
        covered.update(range(m.start, m.end))

    # 1. Named entities the gazetteer knows.
    persons: list[Span] = []
    for ent in doc.ents:
        if ent.label_ not in ACTOR_LABELS:
            continue
        entry = _lookup_span(ent, gazetteer)
        if entry is not None:
            start, end = _trim(ent)
            add(_mention(doc, start, end, entry, "gazetteer"))
        elif ent.label_ in ("PERSON", "ORG"):
            persons.append(ent)

    # 2. Gazetteer phrases the NER missed ("Chinese foreign ministry", "the Kremlin").
    words = [t.text for t in doc]
    i = 0
    while i < len(doc):
        if i in covered or not (doc[i].is_alpha or doc[i].text[:1].isupper()):
            i += 1
            continue
        match = gazetteer.longest_match(words, i)
        if match is not None and _plausible_phrase(doc[i : i + match[0]], match[1]):
            add(_mention(doc, i, i + match[0], match[1], "gazetteer"))
            i += match[0]
        else:
            i += 1

    # 3. Persons the article ties to a country (appositions, titles, possessives),
    #    then later short forms of their names ("Wang" after "Wang Wenbin").
    index = MentionIndex(mentions.values())
    aliases: dict[str, Mention] = {}
    for ent in sorted(persons, key=lambda e: e.start):
        for m in mentions.values():  # persons known so far, in document order
            if m.kind == "person" and m.start < ent.start:
                for part in doc[m.start : m.end]:
                    aliases.setdefault(part.text.lower(), m)
        if ent.start in covered:
            continue
        described = _described_actor(ent, index, gazetteer)
        if described is not None:
            start, end = _trim(ent)
            person = Mention(
                start,
                end,
                doc[start:end].text,
                described.code,
                described.sector,
                "person",
                described.how,
            )
            add(person)
            for part in doc[start:end]:
                if part.is_alpha and part.text[:1].isupper():
                    aliases[part.text.lower()] = person
        elif ent.label_ == "PERSON" or len(ent) == 1:
            known = aliases.get(ent.text.lower()) or _alias_of(ent, aliases)
            if known is not None:
                start, end = _trim(ent)
                add(replace(known, start=start, end=end, text=doc[start:end].text, how="alias"))

    # 4. Pronouns: he/she -> the most recent person mention within two sentences.
    ordered = sorted(mentions.values(), key=lambda m: m.start)
    for token in doc:
        if token.lower_ not in PERSON_PRONOUNS or token.i in covered or token.pos_ != "PRON":
            continue
        antecedent = _recent_person(ordered, token)
        if antecedent is not None:
            add(replace(antecedent, start=token.i, end=token.i + 1, text=token.text, how="pronoun"))
    return MentionIndex(mentions.values())


def _mention(doc: Doc, start: int, end: int, entry: ActorEntry, how: str) -> Mention:
    return Mention(start, end, doc[start:end].text, entry.code, entry.sector, entry.kind, how)


def _trim(span: Span) -> tuple[int, int]:
    """Drop a leading determiner and a trailing possessive from an entity span."""
    start, end = span.start, span.end
    doc = span.doc
    while start < end - 1 and doc[start].lower_ in _DETERMINERS:
        start += 1
    while end > start + 1 and doc[end - 1].tag_ == "POS":
        end -= 1
    return start, end


def _lookup_span(span: Span, gazetteer: Gazetteer) -> ActorEntry | None:
    return gazetteer.lookup(span.text)


def _plausible_phrase(span: Span, entry: ActorEntry) -> bool:
    """Reject gazetteer hits that are ordinary lowercase words ("turkey", "chad")."""
    return any(t.text[:1].isupper() for t in span) or entry.kind in ("igo", "ngo")


def _described_actor(ent: Span, index: MentionIndex, gazetteer: Gazetteer) -> Mention | None:
    """The country (and sector) an article ties a person or body to, if it does.

    Looks at the apposition ("X, a spokesperson for China's foreign ministry"), title
    words before the name ("Russian President X"), and a possessive pronoun in the
    apposition ("China sent X, its top diplomat") that refers to the clause subject.
    """
    doc = ent.doc
    head = ent.root
    described: list[Token] = []
    for child in head.children:
        if child.dep_ == "appos":
            described.extend(child.subtree)
    if head.dep_ == "appos":
        described.extend(t for t in head.head.subtree if t.i < ent.start or t.i >= ent.end)
    left = [t for t in doc[max(ent.sent.start, ent.start - 4) : ent.start]]
    described.extend(t for t in left if t.dep_ in ("compound", "amod") and t.head.i >= ent.start)
    described.extend(t for t in ent if t.dep_ in ("compound", "amod"))

    sector = None
    for t in described:
        sector = (
            sector or gazetteer.sector_of(t.lemma_.lower()) or gazetteer.sector_of(t.text.lower())
        )
    for t in described:
        m = index.at(t)
        if m is not None and m.kind not in ("person",):
            return Mention(
                ent.start, ent.end, ent.text, m.code, sector or "GOV", "person", "apposition"
            )
        if t.lower_ in ("its", "their") and t.dep_ == "poss":
            subject = _clause_subject_actor(t, index)
            if subject is not None:
                return Mention(
                    ent.start,
                    ent.end,
                    ent.text,
                    subject.code,
                    sector or "GOV",
                    "person",
                    "apposition",
                )
    return None


def _clause_subject_actor(token: Token, index: MentionIndex) -> Mention | None:
    node = token
    while node.head.i != node.i and node.pos_ not in ("VERB", "AUX"):
        node = node.head
    for child in node.children:
        if child.dep_ in ("nsubj", "nsubjpass"):
            return index.at(child)
    return None


def _alias_of(ent: Span, aliases: dict[str, Mention]) -> Mention | None:
    for part in ent:
        m = aliases.get(part.text.lower())
        if m is not None:
            return m
    return None


def _recent_person(ordered: list[Mention], token: Token) -> Mention | None:
    doc = token.doc
    sentence_starts = [s.start for s in doc.sents]
    current = max(i for i, s in enumerate(sentence_starts) if s <= token.i)
    earliest = sentence_starts[max(0, current - 2)]
    best = None
    for m in ordered:
        if m.start >= token.i:
            break
        if m.kind == "person" and m.start >= earliest:
            best = m
    return best
