"""Rule evaluation: pure functions from stance events to alerts.

The clock is injected (``now``) so that alert records are reproducible in tests.
"""

from __future__ import annotations

from datetime import datetime

from processors.ids import stable_id
from processors.rules import Filters, Rule, RuleSet
from processors.types import Alert, Evidence, StanceEvent


def matches(filters: Filters, event: StanceEvent) -> bool:
    """True when the event passes every filter of a rule."""
    actor_codes = {a.code for a in event.actor}
    recipient_codes = {r.code for r in event.recipient}
    sectors = {a.sector for a in (*event.actor, *event.recipient) if a.sector}
    checks = (
        not filters.event_types or event.event_type in filters.event_types,
        not filters.actors or bool(actor_codes & filters.actors),
        not filters.recipients or bool(recipient_codes & filters.recipients),
        not filters.sectors or bool(sectors & filters.sectors),
        not filters.modes or event.mode in filters.modes,
        not filters.contexts or event.context in filters.contexts,
        not filters.polarity or event.polarity in filters.polarity,
        not filters.keywords or any(k in event.sentence.text.lower() for k in filters.keywords),
        event.confidence >= filters.min_confidence,
        filters.min_intensity is None or event.intensity >= filters.min_intensity,
        filters.max_intensity is None or event.intensity <= filters.max_intensity,
    )
    return all(checks)


def evaluate(rules: RuleSet, event: StanceEvent, now: datetime) -> list[Alert]:
    """Alerts that ``event`` fires under ``rules`` (match rules: one alert per event)."""
    return [
        match_alert(rule, event, now, rules.version)
        for rule in rules.rules
        if rule.kind == "match" and matches(rule.filters, event)
    ]


def evidence_of(event: StanceEvent) -> Evidence:
    return Evidence(
        event_id=event.event_id,
        article_id=event.article_id,
        sentence=event.sentence.text,
        sentence_span=event.sentence.span,
        trigger=event.trigger.span,
        actor_spans=tuple(a.span for a in event.actor),
        recipient_spans=tuple(r.span for r in event.recipient),
    )


def describe(event: StanceEvent) -> str:
    """'CHN REQUEST -> RUS, UKR'."""
    actors = ", ".join(a.code for a in event.actor) or "?"
    recipients = ", ".join(r.code for r in event.recipient)
    return f"{actors} {event.event_type}" + (f" -> {recipients}" if recipients else "")


def match_alert(rule: Rule, event: StanceEvent, now: datetime, version: str) -> Alert:
    """The alert of a ``match`` rule for one event; its id depends on rule and event only."""
    seen = event.published_at or now.isoformat()
    actor_names = ", ".join(a.text for a in event.actor)
    recipient_names = ", ".join(r.text for r in event.recipient)
    summary = (
        f"{actor_names} ({', '.join(a.code for a in event.actor)}) "
        f"{event.event_type.lower()}"
        + (f" toward {recipient_names}" if recipient_names else "")
        + f" (\u201c{event.trigger.text}\u201d, confidence {event.confidence:.2f})."
    )
    return Alert(
        alert_id=stable_id("alert", rule.id, event.event_id),
        rule=rule.id,
        severity=rule.severity,
        kind=rule.kind,
        title=f"{rule.description.rstrip('.')}: {describe(event)}",
        summary=summary,
        actor=",".join(a.code for a in event.actor),
        recipient=",".join(r.code for r in event.recipient) or None,
        value=1.0,
        threshold=1.0,
        window_start=None,
        window_end=None,
        evidence=(evidence_of(event),),
        first_seen=seen,
        last_seen=seen,
        emitted_at=now.isoformat(),
        rules_version=version,
    )
