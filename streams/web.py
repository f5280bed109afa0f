"""The worker's web side beyond ``/metrics``: the live page, its JSON, and the metrics
that need Faust (consumer lag, producer acknowledgements, commits, rebalances).

``register_web(app, settings)`` is called once by ``create_app``; it returns the
``LiveState`` the agents feed with the events and alerts they handle. Pages:

- ``/live``: the live page (HTML; its script and style at ``/static/live.js`` and
  ``/static/live.css``, shipped in ``streams/static/``; no external requests).
- ``/api/live``: the page's data (``LiveState.snapshot()`` plus the worker info),
  polled by the page every 1.5 seconds.
"""

from __future__ import annotations

import logging
import time
from importlib import resources
from typing import Any

import faust

from streams import metrics, topics
from streams.live import LiveState, sample_registry
from streams.settings import Settings

log = logging.getLogger("stancewatch.web")

#: How often consumer lag is recomputed.
LAG_INTERVAL = 5.0
#: How often the live page's throughput and latency history is sampled.
SAMPLE_INTERVAL = 1.0

#: No request leaves the worker's origin: scripts, styles and data are all served here.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)

STATIC_FILES = ("live.html", "live.js", "live.css")

BASE_TOPICS = (
    topics.ARTICLES,
    topics.ANNOTATED,
    topics.STANCE_EVENTS,
    topics.STANCE_GROUPS,
    topics.ALERTS,
    topics.ALERTS_CRITICAL,
    topics.ALERTS_WARNING,
    topics.ALERTS_INFO,
    topics.DLQ,
)


def topic_labeller(settings: Settings) -> dict[str, str]:
    """Full topic name -> metric label (the name without the prefix)."""
    return {settings.topic(base): base for base in BASE_TOPICS}


def topic_label(labels: dict[str, str], topic: str) -> str:
    """The metric label of a topic: its base name, ``changelog`` for Faust's table
    changelogs, ``other`` for anything else (e.g. a rule's own topic)."""
    if topic in labels:
        return labels[topic]
    return "changelog" if topic.endswith("-changelog") else "other"


def static_file(name: str) -> bytes:
    """A file of ``streams/static/`` (package data)."""
    return (resources.files("streams") / "static" / name).read_bytes()


class MetricsSensor(faust.Sensor):
    """Faust sensor feeding the producer, commit and rebalance metrics.

    Topic labels come from ``topic_label``, so the label set stays small and fixed.
    """

    def __init__(self, labels: dict[str, str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.labels = labels
        # Every series exists from the start (at 0), so rate() and alerts see the first one.
        for topic in (*labels.values(), "changelog", "other"):
            metrics.RECORDS_SENT.labels(topic=topic)
            metrics.SEND_ERRORS.labels(topic=topic)

    def on_send_initiated(
        self, producer: Any, topic: str, message: Any, keysize: int, valsize: int
    ) -> Any:
        return topic_label(self.labels, topic)

    def on_send_completed(self, producer: Any, state: Any, metadata: Any) -> None:
        metrics.RECORDS_SENT.labels(topic=state).inc()
        if state == topics.DLQ:
            metrics.DLQ_RECORDS.inc()

    def on_send_error(self, producer: Any, exc: BaseException, state: Any) -> None:
        metrics.SEND_ERRORS.labels(topic=state).inc()

    def on_commit_initiated(self, consumer: Any) -> Any:
        return time.monotonic()

    def on_commit_completed(self, consumer: Any, state: Any) -> None:
        metrics.COMMIT_SECONDS.observe(time.monotonic() - state)

    def on_rebalance_end(self, app: Any, state: dict[Any, Any]) -> None:
        metrics.REBALANCES.inc()


def consumer_lag(app: faust.App, labels: dict[str, str]) -> dict[tuple[str, str], int]:
    """(topic label, partition) -> records after the committed offset, for every
    partition of our own topics assigned to this worker (table changelogs, read
    only for recovery, are left out).

    Only what the consumer already knows is read: the high-water mark of its last fetch
    and Faust's monitor (the last offset committed, else the last one read). No call
    goes to the consumer's thread: a position() there can wait indefinitely while a
    partition is paused for recovery, and enough such calls leave Faust's consumer
    thread without a free worker, which stalls table recovery after a rebalance.
    """
    committed = app.monitor.tp_committed_offsets
    read = app.monitor.tp_read_offsets
    lag: dict[tuple[str, str], int] = {}
    for tp, end in sorted(assigned_highwaters(app, set(labels)).items()):
        done = committed.get(tp)
        if done is None and read.get(tp) is not None:
            done = read[tp] + 1
        if done is None:
            continue
        lag[labels[tp.topic], str(tp.partition)] = max(0, end - done)
    return lag


def assigned_highwaters(app: faust.App, topic_names: set[str]) -> dict[Any, int]:
    """The high-water mark of the last fetch of each assigned partition of
    ``topic_names`` (partitions not fetched yet are left out); no consumer-thread call."""
    consumer = app.consumer
    ends: dict[Any, int] = {}
    for tp in consumer.assignment():
        if tp.topic not in topic_names:
            continue
        try:
            end = consumer.highwater(tp)
        except Exception:  # revoked meanwhile, or not fetched yet
            continue
        if end is not None:
            ends[tp] = end
    return ends


def worker_info() -> dict[str, str]:
    for family in metrics.WORKER_INFO.collect():
        for sample in family.samples:
            return dict(sample.labels)
    return {}


def register_web(app: faust.App, settings: Settings) -> LiveState:
    """Add the live page, its JSON, the Faust sensor and the lag and sampling timers."""
    state = LiveState()
    labels = topic_labeller(settings)
    app.sensors.add(MetricsSensor(labels))
    files = {name: static_file(name) for name in STATIC_FILES}

    @app.timer(LAG_INTERVAL)  # type: ignore[untyped-decorator]
    async def update_consumer_lag() -> None:
        try:
            lag = consumer_lag(app, labels)
        except Exception as exc:  # a rebalance in progress: next time
            log.debug("consumer lag not updated: %r", exc)
            return
        metrics.CONSUMER_LAG.clear()
        for (topic, partition), value in lag.items():
            metrics.CONSUMER_LAG.labels(topic=topic, partition=partition).set(value)

    @app.timer(SAMPLE_INTERVAL)  # type: ignore[untyped-decorator]
    async def sample_live_history() -> None:
        state.record_sample(sample_registry(metrics.REGISTRY, time.time()))

    def serve(path: str, name: str, content_type: str, **extra: str) -> None:
        # The charset goes in the header itself: aiohttp refuses it in content_type.
        headers = {"Content-Type": f"{content_type}; charset=utf-8", "Cache-Control": "no-cache"}
        headers.update(extra)

        async def view(web: Any, request: Any) -> Any:
            return web.bytes(files[name], headers=dict(headers))

        app.page(path, name=f"static-{name}")(view)

    serve("/live", "live.html", "text/html", **{"Content-Security-Policy": CSP})
    serve("/static/live.js", "live.js", "text/javascript")
    serve("/static/live.css", "live.css", "text/css")

    @app.page("/api/live")
    async def live_data(web: Any, request: Any) -> Any:
        return web.json(
            {"worker": worker_info(), **state.snapshot(time.time())},
            headers={"Cache-Control": "no-store"},
        )

    return state
