"""Actor resolution inside one parsed article.

Finds who is mentioned and resolves each mention to a canonical actor: countries,
capitals, demonyms and metonyms and IGOs through the gazetteer; persons through the
gazetteer and, beyond it, through what the article itself says about them
("Wang Wenbin, a spokesperson for China's foreign ministry" -> CHN GOV, and a later
"Wang" -> the same person); "he"/"she" through the most recent person.
"""

from __future__ import annotations

import bisect
import datetime as _dt
from collections.abc import Iterable
from dataclasses import dataclass, replace

from spacy.tokens import Doc, Span, Token

from processors.gazetteer import ActorEntry, DatedCode, Gazetteer, dated_code

#: spaCy labels whose entities can be actors.
ACTOR_LABELS = frozenset({"GPE", "NORP", "ORG", "PERSON", "LOC", "FAC"})
#: spaCy labels of names that contain country names without being actors.
PLACE_LABELS = frozenset({"LOC", "FAC", "EVENT", "WORK_OF_ART", "LAW", "PRODUCT", "LANGUAGE"})
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
    how: str  # gazetteer | apposition | sentence | alias | pronoun | role
    #: The dictionary entry's dated codes, if it has any (see ``MentionIndex.on``).
    dated: tuple[DatedCode, ...] = ()

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

    def any_in(self, start: int, end: int) -> bool:
        """Whether any mention starts or ends inside tokens ``[start, end)``."""
        return any(i in self._by_token for i in range(start, end))

    def entity_code(self, span: Span) -> Mention | None:
        return self._by_token.get(span.start)

    def on(self, day: _dt.date) -> MentionIndex:
        """The same mentions coded as of ``day`` (an article's publication date).

        Dictionary entries with date restrictions ("Zimbabwe": ``RHO`` until 1979, then
        ``ZBW``) take the code that applies that day; the sector a role noun gave the
        mention stays unless the dated code has its own. Self if nothing is dated.
        """
        if not any(m.dated for m in self.mentions):
            return self
        return MentionIndex(_dated(m, day) for m in self.mentions)


def _dated(m: Mention, day: _dt.date) -> Mention:
    found = dated_code(m.dated, day)
    if found is None or (found[0], found[1] or m.sector) == (m.code, m.sector):
        return m
    return replace(m, code=found[0], sector=found[1] or m.sector)


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
    ents = doc.ents  # built anew on every access
    persons: list[Span] = []
    described_persons: list[tuple[Span, ActorEntry]] = []
    for ent in ents:
        if ent.label_ not in ACTOR_LABELS:
            continue
        entry = _lookup_span(ent, gazetteer)
        if entry is not None and entry.kind == "person":
            # What the article says of a person outranks the dictionary: "Kenzo Oshima,
            # the United Nations Emergency Relief Coordinator" speaks for the UN.
            described_persons.append((ent, entry))
        elif entry is not None:
            start, end = _trim(ent)
            add(_mention(doc, start, end, entry, "gazetteer"))
        else:
            persons.append(ent)  # maybe tied to a country by the article (step 3)

    # 2. Gazetteer phrases the NER missed ("Chinese foreign ministry", "the Kremlin"),
    #    but not inside the name of a place or thing ("the South China Sea").
    words = [t.text for t in doc]
    candidate_start = [t.is_alpha or t.text[:1].isupper() for t in doc]
    inside_names = {
        t.i
        for ent in ents
        if ent.label_ in PLACE_LABELS
        for t in ent
        if t.i != ent.root.i and t.dep_ in _MODIFIER_DEPS and t.head.i in range(ent.start, ent.end)
    }
    reserved = {i for ent, _entry in described_persons for i in range(ent.start, ent.end)}
    i = 0
    while i < len(doc):
        if i in covered or i in inside_names or i in reserved or not candidate_start[i]:
            i += 1
            continue
        if not gazetteer.may_start(words[i]):
            i += 1
            continue
        match = gazetteer.longest_match(words, i)
        if match is not None and _plausible_phrase(doc[i : i + match[0]], match[1]):
            if match[1].kind == "person":
                described_persons.append((doc[i : i + match[0]], match[1]))  # step 2c
            else:
                add(_mention(doc, i, i + match[0], match[1], "gazetteer"))
            i += match[0]
        else:
            i += 1

    # 2b. A country or organisation that modifies a role noun takes the role's sector:
    #     "Israeli soldiers" -> ISR MIL, "Hungarian and Romanian officials" -> HUN GOV and
    #     ROU GOV, "the government of Gondor" -> GON GOV.
    for start, m in list(mentions.items()):
        if m.sector is None and m.kind != "person":
            sector = _role_sector(doc[m.end - 1], gazetteer)
            if sector is not None:
                mentions[start] = replace(m, sector=sector)

    # 2c. Dictionary persons, once the places and organisations are known.
    if described_persons:
        places = MentionIndex(mentions.values())
        for ent, entry in described_persons:
            start, end = _trim(ent)
            described = _described_actor(ent, places, gazetteer)
            if described is not None and described.code != entry.code:
                add(replace(described, start=start, end=end, text=doc[start:end].text))
            else:
                add(_mention(doc, start, end, entry, "gazetteer"))

    # 3. Persons the article ties to a country (appositions, titles, possessives),
    #    then later short forms of their names ("Wang" after "Wang Wenbin").
    index = MentionIndex(mentions.values())
    aliases: dict[str, Mention] = {}
    aliased: set[int] = set()  # starts of the person mentions already in ``aliases``
    for ent in sorted(persons, key=lambda e: e.start):
        for m in mentions.values():  # persons known so far, in document order
            if m.kind == "person" and m.start < ent.start and m.start not in aliased:
                aliased.add(m.start)
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
            _remember_names(person, doc, aliases)
            continue
        known = None
        if ent.label_ == "PERSON" or len(ent) == 1:
            known = aliases.get(ent.text.lower()) or _alias_of(ent, aliases)
        if known is not None:
            start, end = _trim(ent)
            add(replace(known, start=start, end=end, text=doc[start:end].text, how="alias"))
            continue
        placed = _placed_by_sentence(ent, index, gazetteer)
        if placed is not None:
            add(placed)
            _remember_names(placed, doc, aliases)

    # 4. Pronouns: he/she -> the most recent person mention within two sentences.
    ordered = sorted(mentions.values(), key=lambda m: m.start)
    sentence_starts: list[int] | None = None
    for token in doc:
        if token.lower_ not in PERSON_PRONOUNS or token.i in covered or token.pos_ != "PRON":
            continue
        if sentence_starts is None:
            sentence_starts = [s.start for s in doc.sents]
        antecedent = _recent_person(ordered, token, sentence_starts)
        if antecedent is not None:
            add(replace(antecedent, start=token.i, end=token.i + 1, text=token.text, how="pronoun"))
    return MentionIndex(mentions.values())


def _remember_names(person: Mention, doc: Doc, aliases: dict[str, Mention]) -> None:
    """Let a later short form of the name ("Wang" after "Wang Wenbin") find the person."""
    for part in doc[person.start : person.end]:
        if part.is_alpha and part.text[:1].isupper():
            aliases[part.text.lower()] = person


_MODIFIER_DEPS = frozenset({"amod", "compound", "poss", "nmod"})


def _role_sector(token: Token, gazetteer: Gazetteer) -> str | None:
    """The sector of the role noun a mention's last token modifies, if it does.

    "Israeli soldiers", "Hungarian and Romanian officials" (through the conjunction),
    "China's foreign ministry", "soldiers from Gondor", "the government of Gondor".
    """
    node = token
    while node.dep_ == "conj" and node.head.i != node.i:
        node = node.head
    head: Token | None = None
    if node.dep_ in _MODIFIER_DEPS and node.head.i > node.i:
        head = node.head
    elif (
        node.dep_ == "pobj"
        and node.head.lower_ in ("of", "from", "in")
        and node.head.head.pos_ in ("NOUN", "PROPN")
        and node.head.head.i < node.i
    ):
        head = node.head.head
    if head is None or head.pos_ not in ("NOUN", "PROPN"):
        return None
    words = [t.text.lower() for t in head.children if t.dep_ == "compound" and t.i > node.i]
    for phrase in (" ".join([*words, head.text.lower()]), head.text.lower(), head.lemma_.lower()):
        sector = gazetteer.sector_of(phrase)
        if sector is not None:
            return sector
    return None


def _mention(doc: Doc, start: int, end: int, entry: ActorEntry, how: str) -> Mention:
    return Mention(
        start, end, doc[start:end].text, entry.code, entry.sector, entry.kind, how, entry.dated
    )


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
    left = [t for t in doc[max(ent.sent.start, ent.start - 5) : ent.start]]
    described.extend(t for t in left if _title_of(t, ent))
    described.extend(t for t in ent if t.dep_ in ("compound", "amod"))
    # "King Hassan of Morocco", "the President of Ghana John Mahama"
    for prep in head.children:
        if prep.dep_ == "prep" and prep.lower_ == "of":
            described.extend(g for g in prep.children if g.dep_ == "pobj")

    sector = _first_sector(described, gazetteer)
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


#: Sectors of the titles whose holders belong to a country's public life ("President",
#: "General", "Senator", "rebel leader"), and so are placed in the country their sentence
#: names. A religious, business or media title is not: "Archbishop Desmond Tutu called for
#: sanctions against Nigeria" does not make Tutu Nigerian.
_PLACED_SECTORS = frozenset({"GOV", "MIL", "LEG", "JUD", "COP", "SPY", "OPP", "PTY", "REB"})
_COUNTRY_KINDS = frozenset({"country", "capital", "demonym", "metonym"})


def _placed_by_sentence(ent: Span, index: MentionIndex, gazetteer: Gazetteer) -> Mention | None:
    """A titled person the text does not tie to a country, placed by their sentence.

    "Ousted President Askar Akayev has agreed to resign without returning to Kyrgyzstan"
    -> KGZ GOV: a head of state, minister, general or rebel leader whose country is not
    said is, in news writing, nearly always of the one country the sentence names. With
    no country in the sentence, or several, the person stays unresolved.
    """
    doc = ent.doc
    title = [t for t in doc[max(ent.sent.start, ent.start - 5) : ent.start] if _title_of(t, ent)]
    sector = _first_sector(title, gazetteer)
    if sector not in _PLACED_SECTORS:
        return None
    codes = {
        m.code
        for m in index.in_tokens(ent.sent)
        if m.kind in _COUNTRY_KINDS and (m.end <= ent.start or m.start >= ent.end)
    }
    if len(codes) != 1:
        return None
    start, end = _trim(ent)
    return Mention(start, end, doc[start:end].text, codes.pop(), sector, "person", "sentence")


def _first_sector(tokens: Iterable[Token], gazetteer: Gazetteer) -> str | None:
    """The sector of the first role noun among ``tokens`` (by lemma, then by text)."""
    for t in tokens:
        sector = gazetteer.sector_of(t.lemma_.lower()) or gazetteer.sector_of(t.text.lower())
        if sector is not None:
            return sector
    return None


def _title_of(token: Token, ent: Span) -> bool:
    """Whether a word before a name is part of its title ("U.N. Secretary-General")."""
    node = token
    for _ in range(6):
        if node.i >= ent.start:
            return node.i < ent.end
        if node.dep_ not in ("compound", "amod", "punct", "poss", "nmod") or node.head.i <= node.i:
            return False
        node = node.head
    return False


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


def _recent_person(
    ordered: list[Mention], token: Token, sentence_starts: list[int]
) -> Mention | None:
    current = bisect.bisect_right(sentence_starts, token.i) - 1
    earliest = sentence_starts[max(0, current - 2)]
    best = None
    for m in ordered:
        if m.start >= token.i:
            break
        if m.kind == "person" and m.start >= earliest:
            best = m
    return best
