"""Rule evaluation: pure functions from stance events and window state to alerts.

Two paths, one per kind of rule:

- ``evaluate``: match rules without ``group_by``, one alert per matching event, no state.
- ``observe``: every other rule, per group (an actor, a recipient or an actor pair).
  It takes the group's state (a JSON-ready dict, ``None`` for a new group), the event
  and its event time, and returns the new state with the alerts that fire. Callers own
  the storage: a changelog-backed Faust table in the worker, a dict in a backtest, so the
  live path and the backtest give the same alerts for the same input.

Time is event time: the article's ``published_at``, falling back to the time the
article entered the system (the caller passes it). Windows are aligned to the Unix
epoch (a 1 h window runs from hh:00 to hh+1:00 UTC). The clock for ``emitted_at`` is
injected (``now``), so alert records are reproducible in tests.

State per group: buckets of ``step`` seconds holding aggregates of the events in them
(count, sum of the measured value, counts per type, first and last time, the distinct
articles or sources when the rule counts those, the earliest events as evidence), the
group's watermark (its newest event time), when it was first and last seen, the alerts
already fired, and the ids of the last ``RECENT_IDS`` events counted: an event delivered
twice in a row (a re-forward after a crash) is counted once. The worker also skips
records of ``stance-groups`` at or below the offset a state last applied, which makes
redelivery after a crash exact. An update costs the same however many events a window
holds: state never lists every event.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from processors.ids import stable_id
from processors.rules import Filters, Rule, RuleSet
from processors.types import Alert, Evidence, StanceEvent

#: Evidence kept per bucket and carried per alert.
MAX_EVIDENCE = 5
#: Ids of the most recent events a group's state remembers, to count a repeat once.
RECENT_IDS = 128
POLARITY_VALUE = {"support": 1.0, "oppose": -1.0, "neutral": 0.0}

State = dict[str, Any]


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


def evaluate(
    rules: RuleSet, event: StanceEvent, now: datetime, when: float | None = None
) -> list[Alert]:
    """Alerts of the stateless rules (match without ``group_by``): one per matching event.

    ``when`` is the event time (see ``event_time``); without it, ``now``.
    """
    return [
        match_alert(rule, event, now, rules.label, when)
        for rule in rules.rules
        if not rule.stateful and matches(rule.filters, event)
    ]


def event_time(event: StanceEvent, fallback: float) -> float:
    """Event time in epoch seconds: ``published_at``, else ``fallback`` (ingest time)."""
    if event.published_at:
        try:
            return datetime.fromisoformat(event.published_at).timestamp()
        except ValueError:
            pass  # validated at the edge; a hand-made event may still carry junk
    return fallback


def groups_of(rule: Rule, event: StanceEvent) -> list[str]:
    """The groups an event counts in: actor codes, recipient codes, or ``SRC>TGT`` pairs.

    Compound actors expand: "China REQUEST -> Russia, Ukraine" is in pairs CHN>RUS and
    CHN>UKR. An event without a recipient is in no recipient or pair group.
    """
    actors = list(dict.fromkeys(a.code for a in event.actor))
    recipients = list(dict.fromkeys(r.code for r in event.recipient))
    if rule.group_by == "actor":
        return actors
    if rule.group_by == "recipient":
        return recipients
    if rule.group_by == "pair":
        return [f"{a}>{r}" for a in actors for r in recipients if a != r]
    return []


def state_key(rule: Rule, group: str) -> str:
    """Where a rule keeps a group's state; a rule edited in place starts afresh."""
    return f"{rule.id}@{rule.fingerprint}|{group}"


@dataclass(frozen=True)
class Outcome:
    """What ``observe`` returns: the group's new state and the alerts that fire."""

    state: State
    alerts: list[Alert] = field(default_factory=list)
    late: bool = False  # older than the watermark minus the grace: not counted
    duplicate: bool = False  # this event id is already counted


def observe(
    rule: Rule,
    state: State | None,
    event: StanceEvent,
    group: str,
    t: float,
    *,
    now: datetime,
    version: str,
) -> Outcome:
    """Add one event (event time ``t``) to a group's state and fire what the rule says."""
    # Copy on write: the top level and what this event changes, never the whole state.
    st: State = _shallow_copy(state) if state else _new_state(t)
    if rule.kind == "first_seen":
        return _first_seen(rule, st, event, group, t, now, version)
    if rule.kind == "match":
        return _grouped_match(rule, st, event, group, t, now, version)
    if event.event_id in st["ids"]:
        return Outcome(st, duplicate=True)
    if t < st["wm"] - rule.grace:
        return Outcome(st, late=True)
    start = _floor(t, rule.step)
    _add(rule, st, str(start), event, t)
    st["ids"] = [*st["ids"][-(RECENT_IDS - 1) :], event.event_id]
    st["wm"] = max(st["wm"], t)
    st["first"] = min(st["first"], t)
    st["last"] = max(st["last"], t)
    if rule.kind == "threshold":
        alert = _threshold(rule, st, group, start, t, now, version)
    elif rule.kind == "spike":
        alert = _spike(rule, st, group, start, t, now, version)
    else:
        alert = _stance_shift(rule, st, group, start, t, now, version)
    _prune(rule, st)
    return Outcome(st, [alert] if alert else [])


def window_counts(rule: Rule, state: State) -> dict[float, int]:
    """Events per window start (window starts every ``step``), as the state holds them."""
    return {start: _window(rule, state, start).n for start in _window_starts(rule, state)}


# -- kinds ---------------------------------------------------------------------------


def _threshold(
    rule: Rule, st: State, group: str, start: float, t: float, now: datetime, version: str
) -> Alert | None:
    per_window = round(rule.window / rule.step)
    for k in range(per_window - 1, -1, -1):  # oldest window containing t first
        window_start = start - k * rule.step
        events = _window(rule, st, window_start)
        value = events.count(rule.count)
        if value < rule.min_count:
            continue
        summary = (
            f"{group}: {value} {rule.count} in {_span_text(window_start, rule.window)} "
            f"({events.types_text()}; threshold {rule.min_count})."
        )
        alert = _fire(
            rule, st, group, window_start, t, float(value), float(rule.min_count), summary,
            events, now, version,
        )  # fmt: skip
        if alert:
            return alert
    return None


def _spike(
    rule: Rule, st: State, group: str, start: float, t: float, now: datetime, version: str
) -> Alert | None:
    k = rule.baseline_windows
    if st["first"] >= start - (k - 1) * rule.window:
        return None  # the group was not seen in the oldest baseline window yet
    events = _window(rule, st, start)
    current = events.n
    if current < rule.min_count:
        return None
    baseline = [_window(rule, st, start - i * rule.window).n for i in range(1, k + 1)]
    mean = sum(baseline) / k
    # Floors keep a flat or empty baseline from making any extra event an infinite spike.
    std = math.sqrt(sum((c - mean) ** 2 for c in baseline) / k)
    if rule.z is not None:
        score, limit, measure = (current - mean) / max(std, 1.0), rule.z, "z"
    else:
        score, limit, measure = current / max(mean, 1.0), float(rule.ratio or 0.0), "ratio"
    if score < limit:
        return None
    summary = (
        f"{group}: {current} events in {_span_text(start, rule.window)} against "
        f"{mean:.1f} \u00b1 {std:.1f} in each of the {k} windows before "
        f"({measure} {score:.1f} >= {limit:g}; {events.types_text()})."
    )
    return _fire(rule, st, group, start, t, score, limit, summary, events, now, version)


def _stance_shift(
    rule: Rule, st: State, group: str, start: float, t: float, now: datetime, version: str
) -> Alert | None:
    current = _window(rule, st, start)
    previous = _window(rule, st, start - rule.window)
    if current.n < rule.min_count or previous.n < rule.min_count:
        return None
    mean_now = current.total / current.n
    mean_before = previous.total / previous.n
    delta = mean_now - mean_before
    by_delta = rule.min_delta is not None and abs(delta) >= rule.min_delta
    by_sign = rule.sign_change and mean_now * mean_before < 0
    if not (by_delta or by_sign):
        return None
    direction = "rose" if delta > 0 else "fell"
    summary = (
        f"{group}: mean {rule.measure} {direction} from {mean_before:+.2f} to "
        f"{mean_now:+.2f} ({delta:+.2f}) in {_span_text(start, rule.window)} against the "
        f"window before ({previous.n} then {current.n} events)."
    )
    threshold = rule.min_delta if rule.min_delta is not None else 0.0
    return _fire(rule, st, group, start, t, delta, threshold, summary, current, now, version)


def _first_seen(
    rule: Rule, st: State, event: StanceEvent, group: str, t: float, now: datetime, version: str
) -> Outcome:
    last = st.get("seen")
    st["seen"] = t if last is None else max(last, t)
    if last is not None and t - last < rule.lookback:
        return Outcome(st)
    days = rule.lookback / 86400
    summary = (
        f"{group}: first event in {days:g} days: {describe(event)} "
        f"(\u201c{event.trigger.text}\u201d)."
    )
    alert_id = stable_id("alert", rule.id, group, t)
    if alert_id in st["fired"] or _suppressed(rule, st, t):
        return Outcome(st)
    alert = _alert(
        rule, alert_id, group, t - rule.lookback, t, 1.0, 1.0, summary, (t, t),
        (evidence_of(event),), now, version,
    )  # fmt: skip
    st["fired"] = {k: v for k, v in st["fired"].items() if v >= t - rule.lookback}
    st["fired"][alert_id] = t
    st["lf"] = t
    return Outcome(st, [alert])


def _grouped_match(
    rule: Rule, st: State, event: StanceEvent, group: str, t: float, now: datetime, version: str
) -> Outcome:
    alert_id = stable_id("alert", rule.id, group, event.event_id)
    if not matches(rule.filters, event) or alert_id in st["fired"] or _suppressed(rule, st, t):
        return Outcome(st)
    alert = match_alert(rule, event, now, version, t)
    alert = Alert(**{**_alert_fields(alert), "alert_id": alert_id, "group": group})
    # Fired ids are kept at least as long as the grace, so that a replay of a recent
    # event finds its alert already fired.
    keep = t - max(rule.suppress_for, rule.grace)
    st["fired"] = {k: v for k, v in st["fired"].items() if v >= keep}
    st["fired"][alert_id] = t
    st["lf"] = t
    return Outcome(st, [alert])


# -- state ---------------------------------------------------------------------------


def _new_state(t: float) -> State:
    # b: bucket start -> aggregates (see _add); e: bucket start -> evidence of its
    # earliest events; fired: alert id -> event time it fired at; lf: when the rule last
    # fired for the group; ids: recent event ids; wm/first/last: event times.
    return {
        "b": {}, "e": {}, "fired": {}, "lf": None, "ids": [], "wm": t, "first": t, "last": t,
    }  # fmt: skip


def _shallow_copy(state: State) -> State:
    return {**state, "b": dict(state["b"]), "e": dict(state["e"]), "fired": dict(state["fired"])}


def _floor(t: float, step: float) -> float:
    return math.floor(t / step) * step


def _value(rule: Rule, event: StanceEvent) -> float:
    if rule.kind == "stance_shift" and rule.measure == "polarity":
        return POLARITY_VALUE.get(event.polarity, 0.0)
    return float(event.intensity)


def _add(rule: Rule, st: State, bucket_key: str, event: StanceEvent, t: float) -> None:
    """Count an event in its bucket (a new bucket dict: the old one may be shared)."""
    old = st["b"].get(bucket_key) or {"n": 0, "sum": 0.0, "t0": t, "t1": t, "ty": {}}
    bucket = {
        **old,
        "n": old["n"] + 1,
        "sum": old["sum"] + _value(rule, event),
        "t0": min(old["t0"], t),
        "t1": max(old["t1"], t),
        "ty": {**old["ty"], event.event_type: old["ty"].get(event.event_type, 0) + 1},
    }
    # Distinct articles or sources only when the rule counts them (they grow with it).
    if rule.count == "articles":
        bucket["a"] = {**old.get("a", {}), event.article_id: 1}
    elif rule.count == "sources":  # an article without a source counts as its own
        bucket["a"] = {**old.get("a", {}), event.source or event.article_id: 1}
    st["b"][bucket_key] = bucket
    kept = [*st["e"].get(bucket_key, []), {"t": t, **asdict(evidence_of(event))}]
    kept.sort(key=_evidence_order)  # the same evidence whatever the arrival order
    st["e"][bucket_key] = kept[:MAX_EVIDENCE]


def _evidence_order(e: dict[str, Any]) -> tuple[Any, ...]:
    """Earliest first; within an article, in reading order."""
    return (e["t"], e["article_id"], e["sentence_span"]["start"], e["event_id"])


@dataclass
class _Window:
    """Aggregates of the buckets of one window."""

    n: int = 0
    total: float = 0.0
    t0: float = math.inf
    t1: float = -math.inf
    types: dict[str, int] = field(default_factory=dict)
    distinct: set[str] = field(default_factory=set)

    def count(self, what: str) -> int:
        return self.n if what == "events" else len(self.distinct)

    def types_text(self) -> str:
        """'ACCUSE x2, REJECT'."""
        return ", ".join(f"{k} x{n}" if n > 1 else k for k, n in sorted(self.types.items()))


def _window(rule: Rule, st: State, window_start: float) -> _Window:
    """The aggregates of the window starting at ``window_start``."""
    window = _Window()
    for i in range(round(rule.window / rule.step)):
        bucket = st["b"].get(str(window_start + i * rule.step))
        if not bucket:
            continue
        window.n += bucket["n"]
        window.total += bucket["sum"]
        window.t0, window.t1 = min(window.t0, bucket["t0"]), max(window.t1, bucket["t1"])
        for name, n in bucket["ty"].items():
            window.types[name] = window.types.get(name, 0) + n
        window.distinct.update(bucket.get("a", ()))
    return window


def _window_starts(rule: Rule, st: State) -> list[float]:
    starts: set[float] = set()
    per_window = round(rule.window / rule.step)
    for key in st["b"]:
        for k in range(per_window):
            starts.add(float(key) - k * rule.step)
    return sorted(starts)


def _prune(rule: Rule, st: State) -> None:
    """Drop buckets no window the rule can still evaluate will read."""
    history = rule.window * (rule.baseline_windows + 1) if rule.kind == "spike" else rule.window
    if rule.kind == "stance_shift":
        history = 2 * rule.window
    horizon = st["wm"] - rule.grace - history - rule.step
    for key in [k for k in st["b"] if float(k) < horizon]:
        del st["b"][key]
        st["e"].pop(key, None)
    keep_fired = horizon - rule.suppress_for
    st["fired"] = {k: v for k, v in st["fired"].items() if v >= keep_fired}


def _suppressed(rule: Rule, st: State, t: float) -> bool:
    last = st["lf"]
    return bool(rule.suppress_for) and last is not None and 0 <= t - last < rule.suppress_for


def _alert_id(rule: Rule, group: str, window_start: float) -> str:
    return stable_id("alert", rule.id, group, window_start)


def _fire(
    rule: Rule,
    st: State,
    group: str,
    window_start: float,
    t: float,
    value: float,
    threshold: float,
    summary: str,
    events: _Window,
    now: datetime,
    version: str,
) -> Alert | None:
    """The window's alert, unless it already fired or the group is suppressed."""
    alert_id = _alert_id(rule, group, window_start)
    if alert_id in st["fired"] or _suppressed(rule, st, t):
        return None
    st["fired"][alert_id] = t
    st["lf"] = t
    evidence = _window_evidence(rule, st, window_start)
    return _alert(
        rule, alert_id, group, window_start, window_start + rule.window, value, threshold,
        summary, (events.t0, events.t1), evidence, now, version,
    )  # fmt: skip


def _window_evidence(rule: Rule, st: State, window_start: float) -> tuple[Evidence, ...]:
    per_window = round(rule.window / rule.step)
    kept: list[dict[str, Any]] = []
    for i in range(per_window):
        kept.extend(st["e"].get(str(window_start + i * rule.step), []))
    kept.sort(key=_evidence_order)
    return tuple(
        Evidence.from_dict({k: v for k, v in e.items() if k != "t"}) for e in kept[:MAX_EVIDENCE]
    )


# -- alert records -------------------------------------------------------------------


def _alert(
    rule: Rule,
    alert_id: str,
    group: str,
    window_start: float,
    window_end: float,
    value: float,
    threshold: float,
    summary: str,
    seen: tuple[float, float],
    evidence: tuple[Evidence, ...],
    now: datetime,
    version: str,
) -> Alert:
    actor, _, recipient = group.partition(">")
    if rule.group_by == "recipient":
        actor, recipient = "*", group
    return Alert(
        alert_id=alert_id,
        rule=rule.id,
        severity=rule.severity,
        kind=rule.kind,
        title=f"{rule.description.rstrip('.')}: {group}",
        summary=summary,
        actor=actor,
        recipient=recipient or None,
        value=round(value, 4),
        threshold=threshold,
        window_start=iso(window_start),
        window_end=iso(window_end),
        evidence=evidence,
        first_seen=iso(seen[0]),
        last_seen=iso(seen[1]),
        emitted_at=now.isoformat(),
        rules_version=version,
        group_by=rule.group_by,
        group=group,
    )


def _alert_fields(alert: Alert) -> dict[str, Any]:
    return {name: getattr(alert, name) for name in alert.__dataclass_fields__}


def iso(t: float) -> str:
    """Epoch seconds as RFC 3339 UTC ('2023-02-24T10:00:00Z')."""
    stamp = datetime.fromtimestamp(t, UTC)
    return stamp.isoformat(timespec="seconds" if t == int(t) else "milliseconds").replace(
        "+00:00", "Z"
    )


def _span_text(start: float, size: float) -> str:
    return f"the {_duration_text(size)} from {iso(start)}"


def _duration_text(seconds: float) -> str:
    for unit, name in ((604800, "week"), (86400, "day"), (3600, "hour"), (60, "minute")):
        if seconds >= unit and seconds % unit == 0:
            n = int(seconds // unit)
            return name if n == 1 else f"{n} {name}s"
    return f"{seconds:g} seconds"


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


def match_alert(
    rule: Rule, event: StanceEvent, now: datetime, version: str, when: float | None = None
) -> Alert:
    """The alert of a ``match`` rule for one event; its id depends on rule and event only."""
    seen = iso(event_time(event, when if when is not None else now.timestamp()))
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
        group_by=rule.group_by,
    )


# -- many rules at once ------------------------------------------------------------------


def routes(rules: RuleSet, event: StanceEvent) -> list[tuple[str, str]]:
    """The distinct (group_by, group) an event must visit for the stateful rules it passes."""
    found: dict[tuple[str, str], None] = {}
    for rule in rules.rules:
        if rule.group_by is not None and matches(rule.filters, event):
            for group in groups_of(rule, event):
                found[(rule.group_by, group)] = None
    return list(found)


@dataclass(frozen=True)
class GroupResult:
    """The alerts of one event in one group, and the states to store afterwards."""

    alerts: list[Alert]
    updates: dict[str, State]
    late_rules: list[str]


def observe_group(
    rules: RuleSet,
    group_by: str,
    group: str,
    event: StanceEvent,
    t: float,
    states: Any,
    *,
    now: datetime,
    position: int | None = None,
) -> GroupResult:
    """Run every stateful rule grouped by ``group_by`` on one event of ``group``.

    ``states`` maps ``state_key(rule, group)`` to state (a dict, or a Faust table);
    it is only read. The caller stores ``updates`` once the alerts are delivered.
    ``position`` is the input record's place in an ordered input (its offset): a state
    that already applied that position or a later one skips it, so input read again
    after a crash is not counted again.
    """
    alerts: list[Alert] = []
    updates: dict[str, State] = {}
    late: list[str] = []
    for rule in rules.rules:
        if rule.group_by != group_by or not matches(rule.filters, event):
            continue
        key = state_key(rule, group)
        state = states.get(key)
        if position is not None and state is not None and state.get("pos", -1) >= position:
            continue
        outcome = observe(rule, state, event, group, t, now=now, version=rules.label)
        if outcome.late:
            late.append(rule.id)
        elif not outcome.duplicate:
            updates[key] = outcome.state if position is None else {**outcome.state, "pos": position}
        alerts.extend(outcome.alerts)
    return GroupResult(alerts, updates, late)


@dataclass
class RuleRunner:
    """Every rule over a sequence of events, with state in a dict: backtests and tests.

    The worker runs the same two steps in two agents: ``evaluate`` and ``routes`` on
    ``stance-events``, ``observe_group`` on ``stance-groups`` (keyed by group).
    """

    rules: RuleSet
    states: dict[str, State] = field(default_factory=dict)
    late: int = 0

    def process(self, event: StanceEvent, *, ingest_time: float, now: datetime) -> list[Alert]:
        t = event_time(event, ingest_time)
        alerts = evaluate(self.rules, event, now, t)
        for group_by, group in routes(self.rules, event):
            result = observe_group(self.rules, group_by, group, event, t, self.states, now=now)
            self.states.update(result.updates)
            self.late += len(result.late_rules)
            alerts.extend(result.alerts)
        return alerts


def retention(rule: Rule) -> float:
    """How much event time a group's state must cover for the rule to stay exact."""
    if rule.kind == "first_seen":
        return rule.lookback
    if rule.kind == "match":
        return max(rule.suppress_for, rule.grace)
    windows = rule.baseline_windows + 1 if rule.kind == "spike" else 1
    if rule.kind == "stance_shift":
        windows = 2
    return rule.grace + windows * rule.window + rule.step + rule.suppress_for


def expired(rule: Rule, state: State, newest: float) -> bool:
    """True when nothing of ``state`` can matter once events reach ``newest``."""
    last = state.get("seen") if rule.kind == "first_seen" else state.get("last")
    if rule.kind == "match":
        last = state.get("lf")
    return last is None or last < newest - retention(rule)
