"""The Faust application: topics, the extract agent, the alert agent, ``/metrics``.

Agents are thin: decode -> call ``processors`` -> send. Records travel as raw bytes
so that a record that is not JSON reaches our validator (and the dead-letter topic)
instead of failing inside Faust's deserializer.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import faust
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from processors.alerts import evaluate, event_time, expired, observe_group, routes
from processors.annotate import ExtractionFailure
from processors.errors import InvalidArticle
from processors.rules import RuleFileError, RuleSet
from processors.types import Alert, AnnotatedArticle, Article, DeadLetter, StanceEvent
from processors.validate import decode_article
from streams import metrics, topics
from streams.admin import ensure_topics
from streams.client import recent_alert_ids
from streams.nlp_pool import NlpPool
from streams.rules_reload import LiveRules
from streams.security import faust_credentials
from streams.settings import Settings
from streams.web import register_web

log = logging.getLogger("stancewatch")

#: How far back (seconds) the alert agent looks on the alerts topic for ids it must not
#: send again; redelivery after a crash only spans the uncommitted offsets (seconds).
RECENT_ALERTS_LOOKBACK = 600.0

__version__ = "0.1.0"


def encode(record: dict[str, Any]) -> bytes:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


async def watch_event_loop(path: str, threshold: float = 0.1, tick: float = 0.01) -> None:
    """Append a line to ``path`` each time the event loop was held longer than ``threshold``.

    A watchdog, not asyncio's debug mode (which costs the loop about twice its CPU time):
    it sleeps ``tick`` seconds again and again, and a wake-up that comes more than
    ``threshold`` late means nothing else could run on the loop meanwhile. Each line also
    gives the CPU time the loop's thread used meanwhile: close to the wall time, the loop
    was busy (our code or a library's); far below it, the process was waiting for a CPU.
    """
    loop = asyncio.get_running_loop()
    with open(path, "a", encoding="utf-8") as out:
        while True:
            before, cpu_before = loop.time(), time.thread_time()
            await asyncio.sleep(tick)
            late = loop.time() - before - tick
            if late > threshold:
                cpu = time.thread_time() - cpu_before
                out.write(
                    f"{datetime.now(UTC).isoformat()} event loop blocked {late:.3f} s "
                    f"(loop thread on a CPU {cpu:.3f} s)\n"
                )
                out.flush()


def dead_letter(
    raw: bytes | None,
    reason: str,
    error_class: str,
    message: str,
    *,
    topic: str | None,
    partition: int | None,
    offset: int | None,
    article_id: str | None = None,
) -> DeadLetter:
    """A dead letter keeping the original bytes (as text when UTF-8, else base64)."""
    raw = raw or b""
    try:
        original, encoding = raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        original, encoding = base64.b64encode(raw).decode("ascii"), "base64"
    return DeadLetter(
        reason=reason,
        error_class=error_class,
        message=message,
        original=original,
        original_encoding=encoding,
        topic=topic,
        partition=partition,
        offset=offset,
        failed_at=datetime.now(UTC).isoformat(),
        article_id=article_id,
    )


def create_app(settings: Settings, *, rules: RuleSet | None = None) -> faust.App:
    """Build the Faust app for ``settings`` (nothing connects until the worker starts)."""
    live_rules = LiveRules(rules) if rules is not None else LiveRules.load(settings.rules_path)
    app = faust.App(
        settings.app_id,
        broker=f"kafka://{settings.kafka_bootstrap}",
        broker_credentials=faust_credentials(settings),
        key_serializer="raw",
        value_serializer="raw",
        store="memory://",
        datadir=str(settings.data_dir),
        web_bind=settings.web_bind,
        web_port=settings.web_port,
        web_host=settings.web_bind,
        # Our topics are created up front by `stancewatch topics` (the worker refuses to
        # start without them); Faust creates only its table changelogs.
        topic_disable_leader=True,
        consumer_auto_offset_reset="earliest",
        producer_acks=-1,
        # A worker killed without leaving the group is noticed after the session
        # timeout; its partitions then move to the others (default 60 s is long).
        broker_session_timeout=15.0,
        broker_heartbeat_interval=3.0,
    )
    t = settings.topic
    articles_topic = app.topic(t(topics.ARTICLES), partitions=settings.articles_partitions)
    annotated_topic = app.topic(t(topics.ANNOTATED), partitions=settings.articles_partitions)
    events_topic = app.topic(t(topics.STANCE_EVENTS), partitions=settings.events_partitions)
    groups_topic = app.topic(t(topics.STANCE_GROUPS), partitions=settings.events_partitions)
    alerts_topic = app.topic(t(topics.ALERTS), partitions=settings.events_partitions)
    severity_topics = {
        sev: app.topic(t(f"alerts.{sev}"), partitions=settings.events_partitions)
        for sev in topics.SEVERITIES
    }
    dlq_topic = app.topic(t(topics.DLQ), partitions=settings.events_partitions)
    rule_topics: dict[str, Any] = {}

    def rule_topic(name: str) -> Any:
        if name not in rule_topics:
            rule_topics[name] = app.topic(t(name), partitions=settings.events_partitions)
        return rule_topics[name]

    for name in live_rules.rules.topics():
        rule_topic(name)
    # Deduplication state, changelog-backed so that a restart or a rebalance keeps it.
    # articles-seen: article id -> where it was first seen; a record with a seen id at
    # another position is a duplicate (the same position again is a redelivery after a
    # crash, and is processed again: outputs have deterministic ids).
    # Keys are ids (str) and values small dicts: the tables' changelogs are JSON.
    articles_seen = app.Table(
        topics.TABLE_ARTICLES_SEEN,
        partitions=settings.articles_partitions,
    )
    # alerted-events: event id -> when its alerts were sent; replays fire nothing new.
    alerted_events = app.Table(
        topics.TABLE_ALERTED_EVENTS,
        partitions=settings.events_partitions,
    )
    # Window state of the stateful rules: "rule@fingerprint|group" -> state (see
    # processors.alerts). Co-partitioned with stance-groups, which is keyed by group;
    # a pair group "CHN>NATO" is also the stance-events key, on the same partition.
    rule_windows = app.Table(
        topics.TABLE_RULE_WINDOWS,
        partitions=settings.events_partitions,
    )
    pool = NlpPool(settings)

    def publish_worker_info() -> None:
        metrics.WORKER_INFO.info(
            {
                "version": __version__,
                "model": settings.model,
                "rules_version": live_rules.rules.label,
            }
        )

    publish_worker_info()
    live = register_web(app, settings)  # /live, /api/live, lag and Faust sensor metrics

    async def send_dead_letter(letter: DeadLetter, key: bytes | None) -> Any:
        metrics.ARTICLES_FAILED.labels(reason=letter.reason).inc()
        log.warning("dead letter (%s): %s", letter.reason, letter.message)
        return await dlq_topic.send(key=key, value=encode(letter.to_dict()))

    async def publish_annotation(result: AnnotatedArticle, ingest_ts: float | None) -> list[Any]:
        pending = [
            await annotated_topic.send(
                key=result.article_id.encode(), value=encode(result.to_dict())
            )
        ]
        for ent in result.entities:
            metrics.ENTITIES_EXTRACTED.labels(label=ent.label).inc()
        for event in result.events:
            metrics.EVENTS_EXTRACTED.labels(event_type=event.event_type).inc()
            # The record's timestamp is the article's ingest time: the event time of
            # events whose article has no published_at.
            pending.append(
                await events_topic.send(
                    key=event.pair_key.encode(),
                    value=encode(event.to_dict()),
                    timestamp=ingest_ts,
                )
            )
        metrics.ARTICLES_PROCESSED.inc()
        if ingest_ts:
            metrics.END_TO_END_LATENCY.observe(max(0.0, time.time() - ingest_ts))
        return pending

    def is_duplicate(article: Article, msg: Any) -> bool:
        """True when this article id was already taken from another position."""
        key = article.id
        here = [msg.topic, msg.partition, msg.offset]
        seen = articles_seen.data.get(key)
        fresh = seen is not None and time.time() - seen["t"] < settings.dedup_retention
        if fresh and seen is not None and seen["at"] != here:
            return True
        record = {"at": here, "t": time.time(), "p": msg.partition}
        # Written with the partition of the record it came from (the table is
        # co-partitioned with `articles`); the batch has no single current event.
        articles_seen.data[key] = record
        articles_seen.send_changelog(msg.partition, key, record)
        return False

    async def publish_result(
        article: Article, event: Any, result: AnnotatedArticle | ExtractionFailure
    ) -> list[Any]:
        """Send an annotation and its events, or the article's dead letter."""
        msg = event.message
        if isinstance(result, ExtractionFailure):
            letter = dead_letter(
                event.value,
                "processing_error",
                result.error_class,
                result.message,
                topic=msg.topic,
                partition=msg.partition,
                offset=msg.offset,
                article_id=article.id,
            )
            return [await send_dead_letter(letter, event.key)]
        return await publish_annotation(result, msg.timestamp)

    async def handle_batch(events: Sequence[Any]) -> None:
        pending: list[Any] = []
        accepted: list[tuple[Article, Any]] = []
        for event in events:
            metrics.ARTICLES_CONSUMED.inc()
            msg = event.message
            try:
                article = decode_article(event.value, max_bytes=settings.max_article_bytes)
                if is_duplicate(article, msg):
                    metrics.ARTICLES_DUPLICATE.inc()
                    continue
                accepted.append((article, event))
            except InvalidArticle as exc:
                letter = dead_letter(
                    event.value,
                    exc.reason,
                    type(exc).__name__,
                    exc.message,
                    topic=msg.topic,
                    partition=msg.partition,
                    offset=msg.offset,
                )
                pending.append(await send_dead_letter(letter, event.key))
        if accepted:
            metrics.BATCH_SIZE.observe(len(accepted))
            started = time.perf_counter()
            done = 0
            try:
                async for results in pool.annotate_chunks([a for a, _ in accepted]):
                    for (article, event), result in zip(
                        accepted[done : done + len(results)], results, strict=True
                    ):
                        pending.extend(await publish_result(article, event, result))
                        # Encoding and sending one article's records costs a few ms of
                        # CPU and the sends need not suspend: yield between articles,
                        # so that publishing is not one long step of the event loop.
                        await asyncio.sleep(0)
                    done += len(results)
            except Exception as exc:
                log.exception("NLP batch failed")
                for article, event in accepted[done:]:
                    failure = ExtractionFailure(article.id, type(exc).__name__, str(exc))
                    pending.extend(await publish_result(article, event, failure))
            metrics.PROCESSING_SECONDS.observe(time.perf_counter() - started)
        # At-least-once: the batch's offsets are committed only after this returns,
        # so wait until the broker has every record we produced for it.
        await asyncio.gather(*pending)

    @app.agent(articles_topic, concurrency=1)
    async def extract(stream: Any) -> None:
        """Validate, batch and annotate articles; publish annotations and events."""
        metrics.MODEL_LOAD_SECONDS.set(await pool.start())
        try:
            async for events in stream.take_events(
                settings.batch_size, within=settings.batch_within
            ):
                await handle_batch(events)
        finally:
            pool.close()

    async def send_alerts(alerts: list[Alert]) -> list[Any]:
        """Send each new alert to ``alerts``, its severity topic and its rule's topic."""
        sends = []
        for alert_record in alerts:
            if alert_record.alert_id in recent_alerts:
                continue  # already delivered before a crash or a rebalance
            recent_alerts.add(alert_record.alert_id)
            payload = encode(alert_record.to_dict())
            key = alert_record.alert_id.encode()
            targets = [alerts_topic, severity_topics[alert_record.severity]]
            rule = live_rules.rule(alert_record.rule)
            if rule is not None and rule.topic:
                targets.append(rule_topic(rule.topic))
            for target in targets:
                sends.append(await target.send(key=key, value=payload))
            metrics.ALERTS_EMITTED.labels(
                rule=alert_record.rule, severity=alert_record.severity
            ).inc()
            live.record_alert(alert_record, time.time())
        return sends

    @app.agent(events_topic, concurrency=1)
    async def alert(stream: Any) -> None:
        """Fire the match rules on each stance event; route it to the groups of the
        stateful rules (``stance-groups``)."""
        await reload_recent_alerts()
        async for value in stream:
            try:
                event = StanceEvent.from_dict(json.loads(value))
            except (ValueError, KeyError, TypeError) as exc:
                log.error("undecodable stance event skipped: %s", exc)
                continue
            event_key = event.event_id
            if event_key in alerted_events:
                continue
            live.record_event(event, time.time())
            message = stream.current_event.message
            rule_set = live_rules.rules
            when = event_time(event, message.timestamp)
            sends = await send_alerts(evaluate(rule_set, event, datetime.now(UTC), when))
            for group_by, group in routes(rule_set, event):
                routed = {"group_by": group_by, "group": group, "time": when}
                sends.append(
                    await groups_topic.send(
                        key=group.encode(), value=encode({**routed, "event": event.to_dict()})
                    )
                )
            await asyncio.gather(*sends)
            alerted_events[event_key] = {"t": time.time(), "p": message.partition}

    @app.agent(groups_topic, concurrency=1)
    async def window_alert(stream: Any) -> None:
        """Run the stateful rules (threshold, spike, stance_shift, first_seen) on each
        event of a group, with their window state in the ``rule-windows`` table."""
        async for value in stream:
            try:
                routed = json.loads(value)
                event = StanceEvent.from_dict(routed["event"])
                group_by, group, when = routed["group_by"], routed["group"], routed["time"]
            except (ValueError, KeyError, TypeError) as exc:
                log.error("undecodable stance-groups record skipped: %s", exc)
                continue
            result = observe_group(
                live_rules.rules,
                group_by,
                group,
                event,
                float(when),
                rule_windows,
                now=datetime.now(UTC),
                position=stream.current_event.message.offset,
            )
            for rule_id in result.late_rules:
                metrics.LATE_EVENTS.labels(rule=rule_id).inc()
            # State is stored after the alerts are delivered: a crash in between
            # redelivers the record, and the alert ids already sent are skipped.
            await asyncio.gather(*await send_alerts(result.alerts))
            partition = stream.current_event.message.partition
            for key, state in result.updates.items():
                rule_windows[key] = {**state, "p": partition}
            newest_event_time[0] = max(newest_event_time[0], float(when))
            metrics.RULE_GROUPS.set(len(rule_windows))

    #: The newest event time the window agent has seen (for expiring old state).
    newest_event_time = [0.0]

    # Alert ids already on the alerts topic. The alerted-events table is written after
    # the alerts are delivered, so a crash in between would send them again on
    # redelivery; what the topic itself holds closes that window. Loaded when the
    # agent starts, which is when a restarted worker would redeliver.
    recent_alerts: set[str] = set()

    async def reload_recent_alerts() -> None:
        loop = asyncio.get_running_loop()
        ids = await loop.run_in_executor(
            None, recent_alert_ids, settings, t(topics.ALERTS), RECENT_ALERTS_LOOKBACK
        )
        recent_alerts.update(ids)

    @app.timer(interval=600.0)  # type: ignore[untyped-decorator]
    async def forget_old_ids() -> None:
        """Drop dedup entries older than the retention, so the tables stay bounded."""
        cutoff = time.time() - settings.dedup_retention
        recent_alerts.clear()  # refilled from the topic at the next rebalance
        for table in (articles_seen, alerted_events):
            for key, value in list(table.data.items()):
                if value["t"] < cutoff:
                    del table.data[key]
                    table.send_changelog(value["p"], key, None, value_serializer="raw")
        # Window state: by event time, against the newest event seen; state of rules
        # removed or edited since goes too.
        rules_by_key = live_rules.by_key()
        for key, state in list(rule_windows.data.items()):
            rule = rules_by_key.get(key.split("|", 1)[0])
            if rule is None or expired(rule, state, newest_event_time[0]):
                del rule_windows.data[key]
                rule_windows.send_changelog(state["p"], key, None, value_serializer="raw")
        metrics.RULE_GROUPS.set(len(rule_windows.data))

    if settings.rules_path is not None and settings.rules_reload_interval > 0:

        @app.timer(interval=settings.rules_reload_interval)  # type: ignore[untyped-decorator]
        async def reload_rules() -> None:
            """Pick up an edited rule file without a restart."""
            try:
                new_rules = live_rules.reload_if_changed()
            except RuleFileError as exc:
                metrics.RULES_RELOADS.labels(result="error").inc()
                log.error("rule file not reloaded, the rules in force stay: %s", exc)
                return
            if new_rules is None:
                return
            loop = asyncio.get_running_loop()
            await loop.run_in_executor(None, ensure_topics, settings)  # new rule topics
            for name in new_rules.topics():
                rule_topic(name)
            metrics.RULES_RELOADS.labels(result="ok").inc()
            publish_worker_info()
            log.warning("rules reloaded: %s (%d rules)", new_rules.label, len(new_rules.rules))

    if settings.loop_debug_log is not None:
        loop_log = str(settings.loop_debug_log)

        @app.task  # type: ignore[untyped-decorator]
        async def event_loop_watchdog() -> None:
            """Log event-loop blocks longer than 100 ms (STANCEWATCH_LOOP_DEBUG_LOG)."""
            await watch_event_loop(loop_log)

    @app.page("/metrics")
    async def metrics_page(web: Any, request: Any) -> Any:
        return web.bytes(
            generate_latest(metrics.REGISTRY),
            content_type=CONTENT_TYPE_LATEST.split(";")[0] + "; version=0.0.4",
        )

    return app
