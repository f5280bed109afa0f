"""The values that flow through stancewatch: frozen dataclasses and their JSON shapes.

Every record on the wire carries ``schema_version``. ``to_dict`` gives the JSON-ready
form; ``from_dict`` reads it back (round-trips exactly).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any

SCHEMA_VERSION = 1


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _field_names(cls: type) -> tuple[str, ...]:
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(f.name for f in fields(cls))
    return names


#: Values as_plain returns as they are; checked first, as most values are these.
_LEAF_TYPES = frozenset({str, int, float, bool, type(None)})


def as_plain(value: Any) -> Any:
    """``dataclasses.asdict`` without its deep copies: our values are frozen and their
    leaves immutable, so a tree of dicts and tuples over the same leaves is enough (and
    the annotation of every article goes through here, so the common types are
    dispatched on first)."""
    cls = type(value)
    if cls in _LEAF_TYPES:
        return value
    if cls is tuple:
        return tuple([as_plain(item) for item in value])
    if cls is list:
        return [as_plain(item) for item in value]
    if cls is dict:
        return {key: as_plain(item) for key, item in value.items()}
    if is_dataclass(value) and not isinstance(value, type):
        return {name: as_plain(getattr(value, name)) for name in _field_names(cls)}
    if isinstance(value, tuple | list):
        return type(value)(as_plain(item) for item in value)
    if isinstance(value, dict):
        return {key: as_plain(item) for key, item in value.items()}
    return value


PLOVER_TYPES = (
    "AGREE",
    "CONSULT",
    "SUPPORT",
    "CONCEDE",
    "COOPERATE",
    "AID",
    "RETREAT",
    "REQUEST",
    "ACCUSE",
    "REJECT",
    "THREATEN",
    "PROTEST",
    "SANCTION",
    "MOBILIZE",
    "COERCE",
    "ASSAULT",
)

#: PLOVER quad classes, as the PLOVER manual's table assigns them.
QUAD_CLASS = {
    **dict.fromkeys(("AGREE", "CONSULT", "SUPPORT", "CONCEDE"), "verbal_cooperation"),
    **dict.fromkeys(("COOPERATE", "AID", "RETREAT"), "material_cooperation"),
    **dict.fromkeys(("REQUEST", "ACCUSE", "REJECT", "SANCTION", "THREATEN"), "verbal_conflict"),
    **dict.fromkeys(("PROTEST", "MOBILIZE", "COERCE", "ASSAULT"), "material_conflict"),
}


@dataclass(frozen=True)
class Span:
    """Character offsets ``[start, end)`` into the article's ``text``."""

    start: int
    end: int


@dataclass(frozen=True)
class Article:
    """An article as accepted from the ``articles`` topic."""

    id: str
    text: str
    title: str | None = None
    url: str | None = None
    source: str | None = None
    published_at: str | None = None
    lang: str = "en"

    def to_dict(self) -> dict[str, Any]:
        return {"schema_version": SCHEMA_VERSION, **as_plain(self)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Article:
        return cls(
            id=data["id"],
            text=data["text"],
            title=data.get("title"),
            url=data.get("url"),
            source=data.get("source"),
            published_at=data.get("published_at"),
            lang=data.get("lang") or "en",
        )


@dataclass(frozen=True)
class Entity:
    """A named entity with the actor it resolves to (``code`` is None when unresolved)."""

    text: str
    label: str
    span: Span
    code: str | None = None
    sector: str | None = None
    kind: str | None = None


@dataclass(frozen=True)
class ActorRef:
    """One actor or recipient of an event: surface text, canonical code, sector, span."""

    text: str
    code: str
    span: Span
    sector: str | None = None


@dataclass(frozen=True)
class Modality:
    """How the event is asserted in the text."""

    negated: bool = False
    hypothetical: bool = False
    future: bool = False
    reported: bool = False


@dataclass(frozen=True)
class Trigger:
    text: str
    span: Span


@dataclass(frozen=True)
class SentenceRef:
    index: int
    text: str
    span: Span


@dataclass(frozen=True)
class StanceEvent:
    """Who did or said what toward whom, shaped after PLOVER, with its evidence."""

    event_id: str
    article_id: str
    event_type: str
    actor: tuple[ActorRef, ...]
    recipient: tuple[ActorRef, ...]
    trigger: Trigger
    sentence: SentenceRef
    confidence: float
    intensity: float
    polarity: str
    quad_class: str
    mode: str | None = None
    context: str | None = None
    cameo_code: str | None = None
    speaker: ActorRef | None = None
    modality: Modality = field(default_factory=Modality)
    published_at: str | None = None
    #: The article's ``source`` (outlet), for rules that count distinct sources.
    source: str | None = None

    @property
    def pair_key(self) -> str:
        """``SRC>TGT`` of the first actor and recipient codes: the stance-events key."""
        src = self.actor[0].code if self.actor else "-"
        tgt = self.recipient[0].code if self.recipient else "-"
        return f"{src}>{tgt}"

    def to_dict(self) -> dict[str, Any]:
        return {"schema_version": SCHEMA_VERSION, **as_plain(self)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> StanceEvent:
        def actor(d: dict[str, Any]) -> ActorRef:
            return ActorRef(d["text"], d["code"], Span(**d["span"]), d.get("sector"))

        return cls(
            event_id=data["event_id"],
            article_id=data["article_id"],
            event_type=data["event_type"],
            actor=tuple(actor(a) for a in data["actor"]),
            recipient=tuple(actor(a) for a in data["recipient"]),
            trigger=Trigger(data["trigger"]["text"], Span(**data["trigger"]["span"])),
            sentence=SentenceRef(
                data["sentence"]["index"],
                data["sentence"]["text"],
                Span(**data["sentence"]["span"]),
            ),
            confidence=data["confidence"],
            intensity=data["intensity"],
            polarity=data["polarity"],
            quad_class=data["quad_class"],
            mode=data.get("mode"),
            context=data.get("context"),
            cameo_code=data.get("cameo_code"),
            speaker=actor(data["speaker"]) if data.get("speaker") else None,
            modality=Modality(**data.get("modality", {})),
            published_at=data.get("published_at"),
            source=data.get("source"),
        )


@dataclass(frozen=True)
class AnnotatedArticle:
    """An article with its entities and stance events."""

    article_id: str
    title: str | None
    published_at: str | None
    entities: tuple[Entity, ...]
    events: tuple[StanceEvent, ...]
    model: str
    n_sentences: int
    n_tokens: int

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"schema_version": SCHEMA_VERSION}
        for name in _field_names(type(self)):
            if name == "events":  # each with its own schema_version
                data[name] = [e.to_dict() for e in self.events]
            else:
                data[name] = as_plain(getattr(self, name))
        return data


@dataclass(frozen=True)
class Evidence:
    event_id: str
    article_id: str
    sentence: str
    sentence_span: Span
    trigger: Span
    actor_spans: tuple[Span, ...]
    recipient_spans: tuple[Span, ...]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Evidence:
        return cls(
            event_id=data["event_id"],
            article_id=data["article_id"],
            sentence=data["sentence"],
            sentence_span=Span(**data["sentence_span"]),
            trigger=Span(**data["trigger"]),
            actor_spans=tuple(Span(**s) for s in data["actor_spans"]),
            recipient_spans=tuple(Span(**s) for s in data["recipient_spans"]),
        )


@dataclass(frozen=True)
class Alert:
    """An alert from a rule, with the evidence that made it fire."""

    alert_id: str
    rule: str
    severity: str
    kind: str
    title: str
    summary: str
    actor: str
    recipient: str | None
    value: float
    threshold: float
    window_start: str | None
    window_end: str | None
    evidence: tuple[Evidence, ...]
    first_seen: str
    last_seen: str
    emitted_at: str
    rules_version: str
    #: What the rule groups by (actor | recipient | pair; None: each event alone) and
    #: the group's value ("CHN", "CHN>NATO").
    group_by: str | None = None
    group: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"schema_version": SCHEMA_VERSION, **as_plain(self)}


@dataclass(frozen=True)
class DeadLetter:
    """A record that could not be processed, kept with its original bytes and the reason."""

    reason: str
    error_class: str
    message: str
    original: str
    original_encoding: str  # "utf-8" or "base64"
    topic: str | None
    partition: int | None
    offset: int | None
    failed_at: str
    article_id: str | None = None
    #: Size of the whole original; ``original`` holds only its start when truncated
    #: (the record must stay under the record size limit).
    original_bytes: int | None = None
    original_truncated: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"schema_version": SCHEMA_VERSION, **as_plain(self)}
