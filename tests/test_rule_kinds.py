"""The stateful rule kinds on synthetic event streams, with an injected clock.

Every time below is event time; windows are aligned to the epoch, so a 1 h window
runs from hh:00:00 to hh+1:00:00 (end excluded).
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from processors.alerts import (
    RuleRunner,
    groups_of,
    observe,
    observe_group,
    state_key,
    window_counts,
)
from processors.rules import RuleSet, parse_rules
from processors.types import ActorRef, SentenceRef, Span, StanceEvent, Trigger

DAY = datetime(2024, 3, 1, tzinfo=UTC)
SENTENCE = "Beijing accused NATO of trying to ruin Asia."


def at(hh: int, mm: int = 0, ss: int = 0, *, day: int = 0) -> float:
    """Epoch seconds of hh:mm:ss on 2024-03-01 (+ ``day`` days)."""
    return DAY.timestamp() + day * 86400 + hh * 3600 + mm * 60 + ss


def event(
    n: int,
    *,
    actors: tuple[str, ...] = ("CHN",),
    recipients: tuple[str, ...] = ("NATO",),
    event_type: str = "ACCUSE",
    intensity: float = -3.0,
    article: str | None = None,
    source: str | None = None,
    published: float | None = None,
) -> StanceEvent:
    def ref(code: str) -> ActorRef:
        return ActorRef(code, code, Span(0, 7))

    return StanceEvent(
        event_id=f"ev{n}",
        article_id=article or f"art{n}",
        event_type=event_type,
        actor=tuple(ref(c) for c in actors),
        recipient=tuple(ref(c) for c in recipients),
        trigger=Trigger("accused", Span(8, 15)),
        sentence=SentenceRef(0, SENTENCE, Span(0, len(SENTENCE))),
        confidence=0.8,
        intensity=intensity,
        polarity="oppose" if intensity < 0 else "support" if intensity > 0 else "neutral",
        quad_class="verbal_conflict",
        published_at=None
        if published is None
        else datetime.fromtimestamp(published, UTC).isoformat(),
        source=source,
    )


def rules(yaml_rules: str) -> RuleSet:
    return parse_rules("version: t1\nrules:\n" + yaml_rules)


def run(
    rule_set: RuleSet, timed: list[tuple[StanceEvent, float]], runner: RuleRunner | None = None
):
    """Alerts of the stateful rules for events at the given event times, in order."""
    runner = runner or RuleRunner(rule_set)
    out = []
    for ev, t in timed:
        now = datetime.fromtimestamp(t, UTC)
        out.extend(a for a in runner.process(ev, ingest_time=t, now=now) if a.kind != "match")
    return out, runner


THRESHOLD = """
  - id: pressure
    severity: warning
    kind: threshold
    group_by: actor
    window: 1h
    min_count: 3
"""


def test_threshold_fires_once_when_the_window_reaches_the_count() -> None:
    alerts, runner = run(
        rules(THRESHOLD),
        [(event(1), at(10)), (event(2), at(10, 20)), (event(3), at(10, 59, 59)),
         (event(4), at(10, 30))],
    )  # fmt: skip
    assert len(alerts) == 1
    alert = alerts[0]
    assert (alert.rule, alert.group_by, alert.group, alert.value, alert.threshold) == (
        "pressure", "actor", "CHN", 3.0, 3.0,
    )  # fmt: skip
    assert (alert.window_start, alert.window_end) == (
        "2024-03-01T10:00:00Z",
        "2024-03-01T11:00:00Z",
    )
    assert (alert.first_seen, alert.last_seen) == ("2024-03-01T10:00:00Z", "2024-03-01T10:59:59Z")
    assert alert.emitted_at == datetime.fromtimestamp(at(10, 59, 59), UTC).isoformat()
    assert alert.rules_version.startswith("t1@")
    assert [e.event_id for e in alert.evidence] == ["ev1", "ev2", "ev3"]
    assert alert.summary.endswith(".") and alert.summary.count(". ") == 0
    rule = runner.rules.rules[0]
    state = runner.states[state_key(rule, "CHN")]
    assert window_counts(rule, state)[at(10)] == 4  # the fourth event counts, fires nothing


def test_threshold_window_boundary_is_exclusive() -> None:
    alerts, runner = run(
        rules(THRESHOLD), [(event(1), at(10, 40)), (event(2), at(10, 50)), (event(3), at(11))]
    )
    assert alerts == []
    counts = window_counts(
        runner.rules.rules[0], runner.states[state_key(runner.rules.rules[0], "CHN")]
    )
    assert counts == {at(10): 2, at(11): 1}


def test_sliding_window_catches_a_burst_across_a_tumbling_boundary() -> None:
    sliding = THRESHOLD + "    step: 15m\n"
    timed = [(event(1), at(10, 50)), (event(2), at(11, 5)), (event(3), at(11, 20))]
    assert run(rules(THRESHOLD), timed)[0] == []
    alerts, _ = run(rules(sliding), timed)
    assert [(a.window_start, a.window_end) for a in alerts] == [
        ("2024-03-01T10:30:00Z", "2024-03-01T11:30:00Z")
    ]


def test_threshold_can_count_distinct_articles_or_sources() -> None:
    same_article = [(event(i, article="one"), at(10, i)) for i in range(3)]
    by_articles = THRESHOLD + "    count: articles\n"
    assert run(rules(by_articles), same_article)[0] == []
    two_sources = [(event(i, source="Reuters" if i < 2 else "AP"), at(10, i)) for i in range(4)]
    by_sources = THRESHOLD.replace("min_count: 3", "min_count: 2") + "    count: sources\n"
    alerts, _ = run(rules(by_sources), two_sources)
    assert [a.value for a in alerts] == [2.0]
    assert alerts[0].last_seen == "2024-03-01T10:02:00Z"  # fired at the first AP event


def test_late_events_within_grace_count_beyond_it_do_not() -> None:
    rule_set = rules(THRESHOLD + "    grace: 10m\n")
    timed = [
        (event(1), at(12)),  # the group's watermark is now 12:00
        (event(2), at(11, 49)),  # 11 minutes late: beyond the grace
        (event(3), at(11, 51)),  # 9 minutes late: counts, in the 11:00 window
        (event(4), at(11, 55)),
        (event(5), at(11, 58)),
    ]
    alerts, runner = run(rule_set, timed)
    assert runner.late == 1
    assert [(a.window_start, a.value) for a in alerts] == [("2024-03-01T11:00:00Z", 3.0)]
    assert [e.event_id for e in alerts[0].evidence] == ["ev3", "ev4", "ev5"]


def test_an_event_delivered_twice_counts_once_and_a_replay_fires_nothing_new() -> None:
    rule_set = rules(THRESHOLD)
    timed = [(event(1), at(10)), (event(1), at(10)), (event(2), at(10, 5))]
    alerts, runner = run(rule_set, timed)
    assert alerts == []  # two distinct events, not three
    timed.append((event(3), at(10, 6)))
    first, runner = run(rule_set, timed[3:], runner)
    assert len(first) == 1
    again, _ = run(rule_set, timed, runner)  # the whole input once more
    assert again == []
    fresh, _ = run(rule_set, timed)  # the same input on fresh state: the same ids
    assert [a.alert_id for a in fresh] == [a.alert_id for a in first]


def test_suppression_holds_the_same_rule_and_group_for_suppress_for() -> None:
    rule_set = rules(THRESHOLD.replace("min_count: 3", "min_count: 1") + "    suppress_for: 2h\n")
    timed = [(event(1), at(10)), (event(2), at(11)), (event(3), at(11, 59)), (event(4), at(12))]
    alerts, _ = run(rule_set, timed)
    assert [a.window_start for a in alerts] == ["2024-03-01T10:00:00Z", "2024-03-01T12:00:00Z"]
    other_group = [(event(5, actors=("RUS",)), at(11))]
    assert len(run(rule_set, timed[:1] + other_group)[0]) == 2  # per group


SPIKE = """
  - id: burst
    severity: warning
    kind: spike
    group_by: pair
    window: 1h
    baseline_windows: 3
    min_count: 3
    z: 2
"""


def test_spike_against_the_baseline_of_previous_windows() -> None:
    history = [(event(i), at(7 + i, 10)) for i in range(3)]  # one an hour, 07:00-09:59
    burst = [(event(10 + i), at(10, i)) for i in range(4)]
    alerts, _ = run(rules(SPIKE), history + burst)
    assert len(alerts) == 1
    alert = alerts[0]
    # Baseline 1, 1, 1: mean 1, std 0 (floored at 1): 3 events give z = 2.
    assert (alert.group, alert.value, alert.threshold, alert.last_seen) == (
        "CHN>NATO", 2.0, 2.0, "2024-03-01T10:02:00Z",
    )  # fmt: skip
    assert alert.window_start == "2024-03-01T10:00:00Z"


def test_spike_waits_for_a_full_baseline_and_for_the_minimum_count() -> None:
    young = [(event(1), at(9, 30))] + [(event(10 + i), at(10, i)) for i in range(6)]
    assert run(rules(SPIKE), young)[0] == []  # first seen 09:30: no 3-hour baseline yet
    busy = [(event(i), at(7 + i // 3, i)) for i in range(9)]  # three an hour
    burst = [(event(20 + i), at(10, i)) for i in range(4)]
    assert run(rules(SPIKE), busy + burst)[0] == []  # 4 against 3 +- 0: z = 1
    by_ratio = rules(SPIKE.replace("z: 2", "ratio: 1.3"))
    alerts, _ = run(by_ratio, busy + burst)
    assert [round(a.value, 2) for a in alerts] == [1.33]


SHIFT = """
  - id: turn
    severity: warning
    kind: stance_shift
    group_by: pair
    window: 1d
    min_delta: 4
"""


def test_stance_shift_compares_the_mean_with_the_window_before() -> None:
    day1 = [(event(1, intensity=3.0), at(9)), (event(2, intensity=5.0), at(15))]
    day2 = [(event(3, intensity=2.0), at(9, day=1)), (event(4, intensity=-6.0), at(10, day=1))]
    alerts, _ = run(rules(SHIFT), day1 + day2)
    assert len(alerts) == 1  # day 2 mean 2.0 (delta -2) does not fire; -2.0 (delta -6) does
    assert (alerts[0].value, alerts[0].threshold) == (-6.0, 4.0)
    assert alerts[0].window_start == "2024-03-02T00:00:00Z"
    assert "fell from +4.00 to -2.00" in alerts[0].summary


def test_stance_shift_on_a_change_of_sign_and_on_polarity() -> None:
    sign = rules(SHIFT.replace("min_delta: 4", "sign_change: true"))
    day1 = [(event(1, intensity=1.0), at(9))]
    day2 = [(event(2, intensity=-0.5), at(9, day=1))]
    assert [a.value for a in run(sign, day1 + day2)[0]] == [-1.5]
    polarity = rules(SHIFT.replace("min_delta: 4", "min_delta: 1.5\n    measure: polarity"))
    day2 = [(event(3, intensity=-0.5), at(9, day=1)), (event(4, intensity=0.0), at(10, day=1))]
    # Polarity +1 on day 1, then -1: a change of 2 fires at once (min_count 1); the
    # neutral event after it (mean -0.5) fires nothing more in the same window.
    assert [a.value for a in run(polarity, day1 + day2)[0]] == [-2.0]


FIRST_SEEN = """
  - id: new-pair
    severity: info
    kind: first_seen
    group_by: pair
    lookback: 7d
"""


def test_first_seen_fires_for_a_pair_not_seen_in_the_lookback() -> None:
    timed = [
        (event(1), at(10)),
        (event(2), at(10, day=1)),
        (event(3, recipients=("USA",)), at(11, day=1)),  # another pair
        (event(4), at(10, day=9)),  # 8 days after the last CHN>NATO event
    ]
    alerts, _ = run(rules(FIRST_SEEN), timed)
    assert [(a.group, a.last_seen) for a in alerts] == [
        ("CHN>NATO", "2024-03-01T10:00:00Z"),
        ("CHN>USA", "2024-03-02T11:00:00Z"),
        ("CHN>NATO", "2024-03-10T10:00:00Z"),
    ]
    assert alerts[0].evidence[0].event_id == "ev1"


def test_grouped_match_with_suppression() -> None:
    rule_set = rules("""
  - id: every-threat
    severity: warning
    kind: match
    group_by: actor
    suppress_for: 1h
    filters: {event_types: [THREATEN]}
""")
    timed = [(event(i, event_type="THREATEN"), at(10, 20 * i)) for i in range(4)]
    alerts = [
        a for a in RuleRunner(rule_set).process(timed[0][0], ingest_time=timed[0][1], now=DAY)
    ]
    assert len(alerts) == 1 and alerts[0].group == "CHN"
    runner = RuleRunner(rule_set)
    fired = [a for ev, t in timed for a in runner.process(ev, ingest_time=t, now=DAY)]
    assert [a.evidence[0].event_id for a in fired] == ["ev0", "ev3"]  # 10:00, then 11:00


def test_groups_expand_compound_actors() -> None:
    rule_set = rules(
        THRESHOLD + FIRST_SEEN + SPIKE.replace("group_by: pair", "group_by: recipient")
    )
    by_kind = {r.kind: r for r in rule_set.rules}
    ev = event(1, actors=("CHN",), recipients=("RUS", "UKR"))
    assert groups_of(by_kind["threshold"], ev) == ["CHN"]
    assert groups_of(by_kind["first_seen"], ev) == ["CHN>RUS", "CHN>UKR"]
    assert groups_of(by_kind["spike"], ev) == ["RUS", "UKR"]
    assert groups_of(by_kind["first_seen"], event(2, recipients=())) == []


def test_event_time_is_published_at_and_ingest_time_otherwise() -> None:
    rule_set = rules(THRESHOLD.replace("min_count: 3", "min_count: 1"))
    published = event(1, published=at(8))
    alert = RuleRunner(rule_set).process(published, ingest_time=at(12), now=DAY)[0]
    assert alert.window_start == "2024-03-01T08:00:00Z"
    alert = RuleRunner(rule_set).process(event(2), ingest_time=at(12), now=DAY)[0]
    assert alert.window_start == "2024-03-01T12:00:00Z"


def test_state_survives_a_json_round_trip() -> None:
    """The worker keeps state in a Faust table whose changelog is JSON."""
    rule = rules(THRESHOLD).rules[0]
    state = None
    fired = []
    for i, t in enumerate((at(10), at(10, 1), at(10, 2))):
        out = observe(rule, state, event(i), "CHN", t, now=DAY, version="t1")
        state = json.loads(json.dumps(out.state))
        fired.extend(out.alerts)
    assert len(fired) == 1


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(min_value=0, max_value=3 * 3600), min_size=1, max_size=40), st.randoms()
)
def test_window_counts_do_not_depend_on_arrival_order_within_the_grace(
    offsets: list[int], rnd: random.Random
) -> None:
    rule_set = rules(THRESHOLD + "    grace: 4h\n    step: 30m\n")
    rule = rule_set.rules[0]
    timed = [(event(i), at(8) + s) for i, s in enumerate(offsets)]
    shuffled = timed[:]
    rnd.shuffle(shuffled)
    counts = []
    for order in (timed, shuffled, shuffled + timed):  # the last one also replays
        _, runner = run(rule_set, order)
        counts.append(window_counts(rule, runner.states[state_key(rule, "CHN")]))
    assert counts[0] == counts[1] == counts[2]
    assert sum(counts[0].values()) == 2 * len(offsets)  # each event is in two 1 h windows


def test_input_read_again_from_an_earlier_position_is_skipped() -> None:
    """The worker passes each stance-groups record's offset: after a crash, records
    read again up to the offset a state last applied change nothing."""
    rule_set = rules(THRESHOLD)
    states: dict[str, dict] = {}
    now = DAY
    for position, (n, t) in enumerate([(1, at(10)), (2, at(10, 1))]):
        result = observe_group(
            rule_set, "actor", "CHN", event(n), t, states, now=now, position=position
        )
        states.update(result.updates)
    key = state_key(rule_set.rules[0], "CHN")
    assert states[key]["pos"] == 1
    again = observe_group(
        rule_set, "actor", "CHN", event(2), at(10, 1), states, now=now, position=1
    )
    assert again.updates == {} and again.alerts == []
    third = observe_group(
        rule_set, "actor", "CHN", event(3), at(10, 2), states, now=now, position=2
    )
    assert [a.value for a in third.alerts] == [3.0]
