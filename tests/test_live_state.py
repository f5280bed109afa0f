"""The live page's state (``streams.live``) and the metric bookkeeping around it, with
hand-built events and alerts and a synthetic clock: no broker, no worker, no browser."""

from __future__ import annotations

import itertools
import json
import math
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from prometheus_client import CollectorRegistry, Counter, Histogram

from processors.alerts import match_alert
from processors.rules import load_rules
from processors.types import ActorRef, SentenceRef, Span, StanceEvent, Trigger
from streams import metrics
from streams.live import ROLES, LiveState, Sample, highlight, histogram_quantile, sample_registry
from streams.settings import Settings
from streams.web import STATIC_FILES, static_file, topic_label, topic_labeller

SENTENCE = "NATO should seriously reflect and stop trying to ruin Asia."
OFFSET = 1000  # where the sentence starts in its article
RUIN = SENTENCE.index("ruin")


def actor(code: str, start: int = 0, end: int = 4) -> ActorRef:
    return ActorRef(text=code, code=code, span=Span(OFFSET + start, OFFSET + end))


def event(
    actors: list[str],
    recipients: list[str],
    *,
    event_type: str = "ACCUSE",
    intensity: float = -3.0,
    n: int = 0,
) -> StanceEvent:
    return StanceEvent(
        event_id=f"e{n}-{'-'.join(actors)}-{'-'.join(recipients)}-{event_type}",
        article_id="a1",
        event_type=event_type,
        actor=tuple(actor(c, 100, 104) for c in actors),
        recipient=tuple(actor(c) for c in recipients),
        trigger=Trigger(text="ruin", span=Span(OFFSET + RUIN, OFFSET + RUIN + 4)),
        sentence=SentenceRef(index=3, text=SENTENCE, span=Span(OFFSET, OFFSET + len(SENTENCE))),
        confidence=0.8,
        intensity=intensity,
        polarity="oppose" if intensity < 0 else "support",
        quad_class="verbal_conflict",
    )


# --------------------------------------------------------------------------- highlight


def test_highlight_marks_trigger_and_recipient_and_drops_spans_outside() -> None:
    segments = highlight(
        SENTENCE,
        OFFSET,
        [
            (Span(OFFSET, OFFSET + 4), "recipient"),
            (Span(OFFSET + RUIN, OFFSET + RUIN + 4), "trigger"),
            (Span(10, 20), "actor"),  # the speaker, in an earlier sentence
        ],
    )
    assert "".join(s["text"] for s in segments) == SENTENCE
    marked = [(s["role"], s["text"]) for s in segments if s["role"]]
    assert marked == [("recipient", "NATO"), ("trigger", "ruin")]


def test_highlight_overlaps_go_to_the_trigger_first() -> None:
    segments = highlight("abcdef", 0, [(Span(0, 4), "actor"), (Span(2, 6), "trigger")])
    assert [(s["role"], s["text"]) for s in segments] == [("actor", "ab"), ("trigger", "cdef")]


@given(
    st.text(max_size=60),
    st.lists(
        st.tuples(st.integers(-20, 90), st.integers(0, 40), st.sampled_from(ROLES)), max_size=6
    ),
)
def test_highlight_keeps_the_sentence_and_merges_runs(
    text: str, spans: list[tuple[int, int, str]]
) -> None:
    segments = highlight(text, 10, [(Span(10 + s, 10 + s + n), role) for s, n, role in spans])
    assert "".join(s["text"] for s in segments) == text
    assert all(a["role"] != b["role"] for a, b in itertools.pairwise(segments))
    assert all(s["text"] for s in segments)


# --------------------------------------------------------------------------- quantiles


def test_histogram_quantile_interpolates_like_prometheus() -> None:
    buckets = [(0.1, 0.0), (0.5, 50.0), (1.0, 100.0), (math.inf, 100.0)]
    assert histogram_quantile(0.5, buckets) == 0.5
    assert histogram_quantile(0.25, buckets) == pytest.approx(0.3)
    assert histogram_quantile(0.99, buckets) == pytest.approx(0.99)
    assert histogram_quantile(0.5, [(1.0, 0.0), (math.inf, 0.0)]) is None
    assert histogram_quantile(0.5, []) is None
    # Beyond the last finite bucket: the highest finite bound, as Prometheus does.
    assert histogram_quantile(0.99, [(1.0, 1.0), (math.inf, 10.0)]) == 1.0


def test_sample_registry_reads_the_counters_and_the_latency_buckets() -> None:
    registry = CollectorRegistry()
    processed = Counter("stancewatch_articles_processed", "x", registry=registry)
    failed = Counter("stancewatch_articles_failed", "x", ["reason"], registry=registry)
    latency = Histogram(
        "stancewatch_end_to_end_latency_seconds", "x", buckets=(0.5, 1.0), registry=registry
    )
    processed.inc(3)
    failed.labels(reason="not_json").inc()
    failed.labels(reason="too_large").inc(2)
    latency.observe(0.2)
    latency.observe(0.7)
    sample = sample_registry(registry, 123.0)
    assert (sample.t, sample.processed, sample.failed, sample.consumed) == (123.0, 3, 3, 0)
    assert sample.latency_buckets == ((0.5, 1.0), (1.0, 2.0), (math.inf, 2.0))


# --------------------------------------------------------------------------- state


def samples(rate: float, seconds: int, start: float = 1000.0) -> list[Sample]:
    """One sample a second; ``rate`` articles/s, each with a latency of 0.3 s."""
    out = []
    for i in range(seconds + 1):
        n = rate * i
        out.append(
            Sample(
                t=start + i,
                consumed=n,
                processed=n,
                failed=0,
                events=2 * n,
                alerts=0,
                latency_buckets=((0.25, 0.0), (0.5, n), (math.inf, n)),
            )
        )
    return out


def test_series_computes_rates_and_latency_over_the_window() -> None:
    state = LiveState(history_seconds=120, step_seconds=5, window_seconds=30)
    for s in samples(2.0, 300):
        state.record_sample(s)
    series = state.series(now=1300.0)
    assert len(series["t"]) == 24 and series["t"][-1] == 1300
    assert series["processed"] == [2.0] * 24
    assert series["events"] == [4.0] * 24
    assert series["failed"] == [0.0] * 24
    assert all(0.25 < p <= 0.5 for p in series["latency_p95"])
    # The ring buffer keeps only what the history and the window need.
    assert len(state.samples) == 120 + 30 + 5


def test_series_is_empty_before_the_first_sample_and_partial_after_start() -> None:
    state = LiveState(history_seconds=60, step_seconds=5, window_seconds=30)
    assert set(state.series(now=1000.0)["processed"]) == {None}
    for s in samples(1.0, 10):
        state.record_sample(s)
    series = state.series(now=1010.0)
    assert series["processed"][-1] == 1.0  # from the first sample, not 30 s back
    assert series["processed"][0] is None


def test_alert_feed_is_bounded_newest_first_and_ignores_replays() -> None:
    rules = load_rules(None)
    rule = next(r for r in rules.rules if r.id == "accusation-against-major-power")
    state = LiveState(max_alerts=3)
    now = datetime(2024, 1, 1, tzinfo=UTC)
    alerts = [match_alert(rule, event(["CHN"], ["NATO"], n=i), now, "v1") for i in range(5)]
    for i, alert in enumerate(alerts):
        state.record_alert(alert, 100.0 + i)
    state.record_alert(alerts[-1], 200.0)  # a replay of the newest one
    feed = state.snapshot(now=110.0)["alerts"]
    assert [a["alert_id"] for a in feed] == [a.alert_id for a in reversed(alerts[2:])]
    assert feed[0]["age"] == 6.0
    marked = [(s["role"], s["text"]) for s in feed[0]["evidence"][0]["segments"] if s["role"]]
    assert ("recipient", "NATO") in marked and ("trigger", "ruin") in marked
    assert state.alerts_by_severity == {"warning": 5}


def test_top_actors_and_matrix_of_mean_intensity() -> None:
    state = LiveState(max_events=100, top=2)
    for e in (
        event(["CHN"], ["RUS", "UKR"], event_type="REQUEST", intensity=0.0),
        event(["CHN"], ["RUS"], event_type="CONSULT", intensity=4.0),
        event(["CHN"], ["NATO"], intensity=-3.0),
        event(["RUS"], ["USA"], event_type="THREATEN", intensity=-5.0),
        event(["UKR"], [], event_type="REQUEST", intensity=0.0),
    ):
        state.record_event(e, 0.0)
    top = state.top_actors()
    assert [(a["code"], a["events"], a["as_recipient"]) for a in top] == [
        ("CHN", 3, 0),
        ("RUS", 1, 2),
    ]
    assert top[0]["mean_intensity"] == round(1 / 3, 2)
    matrix = state.matrix()
    assert matrix["actors"] == ["CHN", "RUS"]
    assert matrix["recipients"] == ["RUS", "UKR"]
    assert matrix["cells"][0][0] == {"mean": 2.0, "n": 2}
    assert matrix["cells"][1] == [None, None]


def test_event_buffer_is_bounded() -> None:
    state = LiveState(max_events=10)
    for i in range(25):
        state.record_event(event(["CHN"], ["RUS"], n=i), float(i))
    assert len(state.events) == 10 and state.events_seen == 25
    assert state.top_actors()[0]["events"] == 10


def test_snapshot_is_json() -> None:
    state = LiveState()
    for s in samples(1.0, 40):
        state.record_sample(s)
    state.record_event(event(["CHN"], ["NATO"]), 1030.0)
    snapshot = json.loads(json.dumps(state.snapshot(now=1040.0)))
    assert snapshot["totals"]["processed"] == 40
    assert set(snapshot) >= {"series", "alerts", "top_actors", "matrix", "event_types"}


# --------------------------------------------------------------------------- web, metrics


def test_topic_labels_are_a_small_fixed_set() -> None:
    labels = topic_labeller(Settings(topic_prefix="t1."))
    assert labels["t1.articles.dlq"] == "articles.dlq"
    assert topic_label(labels, "t1.stance-events") == "stance-events"
    assert topic_label(labels, "stancewatch-articles-seen-changelog") == "changelog"
    assert topic_label(labels, "my-rule-topic") == "other"


def test_static_files_are_packaged_and_make_no_external_requests() -> None:
    for name in STATIC_FILES:
        text = static_file(name).decode()
        assert "https://" not in text
        assert "http://" not in text.replace("http://www.w3.org/2000/svg", "")


def test_exported_names_cover_the_registry() -> None:
    suffix = {"counter": "_total", "info": "_info"}
    names = {family.name + suffix.get(family.type, "") for family in metrics.REGISTRY.collect()}
    assert names == set(metrics.EXPORTED_NAMES)
