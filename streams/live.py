"""State behind the worker's live page: small, bounded, and free of Faust and asyncio.

``LiveState`` keeps what the page shows, each part in a fixed-size buffer:

- the latest alerts (a ring buffer, newest first, each evidence sentence already cut
  into highlighted segments),
- compact summaries of recent stance events (actor codes, recipient codes, type,
  intensity), from which top actors and the actor-by-recipient matrix of mean
  intensity are computed,
- once-a-second samples of the worker's own Prometheus counters and latency
  histogram, from which throughput and latency over the last minutes are computed,
  exactly as Prometheus' ``rate`` and ``histogram_quantile`` would.

The worker feeds it (``record_event``, ``record_alert``, ``record_sample``) and serves
``snapshot()`` as JSON. Nothing here does I/O; the clock is passed in.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict, deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from prometheus_client import CollectorRegistry

from processors.types import Alert, Span, StanceEvent

#: Roles of highlighted spans, by priority when spans overlap (first wins).
ROLES = ("trigger", "actor", "recipient")


@dataclass(frozen=True)
class Sample:
    """Cumulative values of the worker's counters at one moment (``t``, epoch seconds)."""

    t: float
    consumed: float
    processed: float
    failed: float
    events: float
    alerts: float
    #: Cumulative latency histogram buckets as (upper bound, count), ``+Inf`` last.
    latency_buckets: tuple[tuple[float, float], ...] = ()


@dataclass(frozen=True)
class EventSummary:
    t: float
    event_type: str
    actors: tuple[str, ...]
    recipients: tuple[str, ...]
    intensity: float


def highlight(
    sentence: str, sentence_start: int, spans: Iterable[tuple[Span, str]]
) -> list[dict[str, Any]]:
    """Cut ``sentence`` into segments ``{"text", "role"}`` (role ``None`` when plain).

    ``spans`` are (article offsets, role) pairs; ``sentence_start`` is the sentence's
    offset in the article. Spans outside the sentence are clipped or dropped; where
    spans overlap, the role earlier in ``ROLES`` wins.

    >>> highlight("China calls for talks", 100, [(Span(100, 105), "actor")])
    [{'text': 'China', 'role': 'actor'}, {'text': ' calls for talks', 'role': None}]
    """
    roles: list[str | None] = [None] * len(sentence)
    rank = {role: i for i, role in enumerate(ROLES)}
    for span, role in sorted(spans, key=lambda s: -rank.get(s[1], len(ROLES))):
        start = max(0, span.start - sentence_start)
        end = min(len(sentence), span.end - sentence_start)
        for i in range(start, end):
            roles[i] = role
    segments: list[dict[str, Any]] = []
    for i, char in enumerate(sentence):
        if segments and segments[-1]["role"] == roles[i]:
            segments[-1]["text"] += char
        else:
            segments.append({"text": char, "role": roles[i]})
    return segments


def histogram_quantile(q: float, buckets: Sequence[tuple[float, float]]) -> float | None:
    """The ``q`` quantile of cumulative ``(upper bound, count)`` buckets, as Prometheus
    computes it (linear interpolation inside the bucket; the highest finite bound when
    the quantile falls in ``+Inf``). ``None`` without observations.

    >>> histogram_quantile(0.5, [(1.0, 2.0), (2.0, 4.0), (math.inf, 4.0)])
    1.0
    """
    if not buckets or buckets[-1][1] <= 0:
        return None
    rank = q * buckets[-1][1]
    lower_bound, lower_count = 0.0, 0.0
    for bound, count in buckets:
        if count >= rank:
            if math.isinf(bound):
                return lower_bound
            if count == lower_count:
                return bound
            return lower_bound + (bound - lower_bound) * (rank - lower_count) / (
                count - lower_count
            )
        lower_bound, lower_count = bound, count
    return lower_bound


def sample_registry(registry: CollectorRegistry, now: float) -> Sample:
    """Read the counters and the latency histogram the live page plots from ``registry``."""
    totals: defaultdict[str, float] = defaultdict(float)
    buckets: list[tuple[float, float]] = []
    for family in registry.collect():
        for s in family.samples:
            if s.name == "stancewatch_end_to_end_latency_seconds_bucket":
                buckets.append((float(s.labels["le"]), s.value))
            elif s.name.endswith("_total"):
                totals[s.name] += s.value
    return Sample(
        t=now,
        consumed=totals["stancewatch_articles_consumed_total"],
        processed=totals["stancewatch_articles_processed_total"],
        failed=totals["stancewatch_articles_failed_total"],
        events=totals["stancewatch_events_extracted_total"],
        alerts=totals["stancewatch_alerts_emitted_total"],
        latency_buckets=tuple(sorted(buckets)),
    )


def _round(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(value, digits)


class LiveState:
    """What the live page shows; every buffer has a fixed maximum size."""

    def __init__(
        self,
        *,
        max_alerts: int = 50,
        max_events: int = 2000,
        history_seconds: int = 600,
        step_seconds: int = 5,
        window_seconds: int = 30,
        max_evidence: int = 3,
        top: int = 8,
    ) -> None:
        self.alerts: deque[dict[str, Any]] = deque(maxlen=max_alerts)
        self.events: deque[EventSummary] = deque(maxlen=max_events)
        # A sample a second, plus a margin so the oldest step still has a start.
        self.samples: deque[Sample] = deque(maxlen=history_seconds + window_seconds + step_seconds)
        self.history_seconds = history_seconds
        self.step_seconds = step_seconds
        self.window_seconds = window_seconds
        self.max_evidence = max_evidence
        self.top = top
        self.alerts_by_severity: Counter[str] = Counter()
        self.events_seen = 0

    # ------------------------------------------------------------------ feeding

    def record_event(self, event: StanceEvent, now: float) -> None:
        """Remember a stance event's codes, type and intensity (not its text)."""
        self.events_seen += 1
        self.events.append(
            EventSummary(
                t=now,
                event_type=event.event_type,
                actors=tuple(dict.fromkeys(a.code for a in event.actor)),
                recipients=tuple(dict.fromkeys(r.code for r in event.recipient)),
                intensity=event.intensity,
            )
        )

    def record_alert(self, alert: Alert, now: float) -> None:
        """Add an alert to the feed (an alert id already in the feed is not added again)."""
        if any(a["alert_id"] == alert.alert_id for a in self.alerts):
            return
        self.alerts_by_severity[alert.severity] += 1
        evidence = [
            {
                "event_id": ev.event_id,
                "article_id": ev.article_id,
                "sentence": ev.sentence,
                "segments": highlight(
                    ev.sentence,
                    ev.sentence_span.start,
                    [
                        (ev.trigger, "trigger"),
                        *((s, "actor") for s in ev.actor_spans),
                        *((s, "recipient") for s in ev.recipient_spans),
                    ],
                ),
            }
            for ev in alert.evidence[: self.max_evidence]
        ]
        self.alerts.appendleft(
            {
                "alert_id": alert.alert_id,
                "rule": alert.rule,
                "severity": alert.severity,
                "title": alert.title,
                "summary": alert.summary,
                "actor": alert.actor,
                "recipient": alert.recipient,
                "emitted_at": alert.emitted_at,
                "received": now,
                "evidence": evidence,
            }
        )

    def record_sample(self, sample: Sample) -> None:
        self.samples.append(sample)

    # ------------------------------------------------------------------ reading

    def snapshot(self, now: float) -> dict[str, Any]:
        """Everything the page shows, as JSON-ready values."""
        last = self.samples[-1] if self.samples else None
        return {
            "now": now,
            "totals": {
                "consumed": last.consumed if last else 0,
                "processed": last.processed if last else 0,
                "failed": last.failed if last else 0,
                "events": last.events if last else 0,
                "alerts": last.alerts if last else 0,
                "alerts_by_severity": dict(self.alerts_by_severity),
            },
            "series": self.series(now),
            "alerts": [{**a, "age": max(0.0, now - a["received"])} for a in self.alerts],
            "event_types": dict(Counter(e.event_type for e in self.events).most_common()),
            "top_actors": self.top_actors(),
            "matrix": self.matrix(),
        }

    def series(self, now: float) -> dict[str, Any]:
        """Rates and latency quantiles every ``step_seconds`` over the last
        ``history_seconds``.

        The point at ``t`` covers (t - window, t], like Prometheus' ``rate()`` and
        ``histogram_quantile()`` over ``window_seconds``: its values are the increase
        between the last samples at or before each end, per second of the time between
        them. Shortly after start the window begins at the first sample.
        """
        step, window = self.step_seconds, self.window_seconds
        n = self.history_seconds // step
        # Points sit on multiples of ``step``; the last one is still filling up.
        end = math.ceil(now / step) * step
        ends = [end - (n - 1 - i) * step for i in range(n)]
        afters = self._samples_at(ends)
        first = self.samples[0] if self.samples else None
        befores = [b or first for b in self._samples_at([t - window for t in ends])]
        out: dict[str, list[Any]] = {
            "t": ends,
            "processed": [],
            "failed": [],
            "events": [],
            "alerts": [],
            "latency_p50": [],
            "latency_p95": [],
            "latency_p99": [],
        }
        for before, after in zip(befores, afters, strict=True):
            if before is None or after is None or after.t <= before.t:
                for key in list(out)[1:]:
                    out[key].append(None)
                continue
            dt = after.t - before.t
            for key in ("processed", "failed", "events", "alerts"):
                delta = max(0.0, getattr(after, key) - getattr(before, key))
                out[key].append(round(delta / dt, 3))
            delta_buckets = [
                (bound, after_count - before_count)
                for (bound, after_count), (_b, before_count) in zip(
                    after.latency_buckets, before.latency_buckets, strict=False
                )
            ]
            for q, key in ((0.5, "latency_p50"), (0.95, "latency_p95"), (0.99, "latency_p99")):
                out[key].append(_round(histogram_quantile(q, delta_buckets)))
        return {"step": step, **out}

    def _samples_at(self, times: Sequence[float]) -> list[Sample | None]:
        """For each time (ascending), the last sample at or before it (or ``None``)."""
        result: list[Sample | None] = []
        samples = list(self.samples)
        i, current = 0, None
        for t in times:
            while i < len(samples) and samples[i].t <= t:
                current = samples[i]
                i += 1
            result.append(current)
        return result

    def top_actors(self) -> list[dict[str, Any]]:
        """The actors with the most recent events: events as actor, as recipient,
        mean intensity of their own events and their most frequent event type."""
        as_actor: Counter[str] = Counter()
        as_recipient: Counter[str] = Counter()
        intensity: defaultdict[str, float] = defaultdict(float)
        types: dict[str, Counter[str]] = {}
        for e in self.events:
            for code in e.actors:
                as_actor[code] += 1
                intensity[code] += e.intensity
                types.setdefault(code, Counter())[e.event_type] += 1
            for code in e.recipients:
                as_recipient[code] += 1
        return [
            {
                "code": code,
                "events": n,
                "as_recipient": as_recipient[code],
                "mean_intensity": round(intensity[code] / n, 2),
                "top_type": types[code].most_common(1)[0][0],
            }
            for code, n in as_actor.most_common(self.top)
        ]

    def matrix(self) -> dict[str, Any]:
        """Mean intensity of recent events for the top actors (rows) by the top
        recipients (columns); a cell is ``None`` where the pair has no event."""
        as_actor: Counter[str] = Counter()
        as_recipient: Counter[str] = Counter()
        sums: defaultdict[tuple[str, str], float] = defaultdict(float)
        counts: Counter[tuple[str, str]] = Counter()
        for e in self.events:
            if not e.recipients:
                continue
            for a in e.actors:
                as_actor[a] += 1
                for r in e.recipients:
                    sums[a, r] += e.intensity
                    counts[a, r] += 1
            for r in e.recipients:
                as_recipient[r] += 1
        actors = [code for code, _n in as_actor.most_common(self.top)]
        recipients = [code for code, _n in as_recipient.most_common(self.top)]
        cells = [
            [
                {"mean": round(sums[a, r] / counts[a, r], 2), "n": counts[a, r]}
                if counts[a, r]
                else None
                for r in recipients
            ]
            for a in actors
        ]
        return {"actors": actors, "recipients": recipients, "cells": cells}
