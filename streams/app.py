"""The Faust application: topics, the extract agent, the alert agent, ``/metrics``.

Agents are thin: decode -> call ``processors`` -> send. Records travel as raw bytes
so that a record that is not JSON reaches our validator (and the dead-letter topic)
instead of failing inside Faust's deserializer.
"""

from __future__ import annotations

import asyncio
import ctypes
import gc
import itertools
import json
import logging
import os
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

import faust
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from processors.alerts import evaluate, event_time, expired, observe_group, routes
from processors.annotate import ExtractionFailure
from processors.deadletters import dead_letter, encode
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
from streams.stalls import StallWatch
from streams.web import assigned_highwaters, register_web, topic_label, topic_labeller

log = logging.getLogger("stancewatch")

#: How far back (seconds) the alert agent looks on the alerts topic for ids it must not
#: send again; redelivery after a crash only spans the uncommitted offsets (seconds).
RECENT_ALERTS_LOOKBACK = 600.0

__version__ = "0.1.0"

#: Tries of a whole batch before its articles are tried one at a time.
BATCH_ATTEMPTS = 3

#: Deletions (and keys looked at) between two yields of a table prune to the event loop:
#: dropping a minute's ids at once held the loop 200-280 ms in a 10,000-article run.
PRUNE_DELETIONS_PER_STEP = 100
PRUNE_KEYS_PER_STEP = 5000


async def prune_table(table: Any, is_stale: Callable[[str, dict[str, Any]], bool]) -> int:
    """Delete the entries of a Faust table that ``is_stale`` picks, with their changelog
    tombstones; return how many went.

    Yields to the event loop every :data:`PRUNE_DELETIONS_PER_STEP` deletions, so that
    a large prune does not hold up the agents. An entry written again while the prune
    was suspended is judged by its new value.
    """
    deleted = 0
    for looked, key in enumerate(list(table.data), start=1):
        value = table.data.get(key)
        if value is not None and is_stale(key, value):
            del table.data[key]
            table.send_changelog(value["p"], key, None, value_serializer="raw")
            deleted += 1
            if deleted % PRUNE_DELETIONS_PER_STEP == 0:
                await asyncio.sleep(0)
        elif looked % PRUNE_KEYS_PER_STEP == 0:
            await asyncio.sleep(0)
    return deleted


def record_position(topic: str, partition: int, offset: int) -> str:
    """Where a record was read, as one string: "topic:partition:offset".

    A string, not a list, so that the articles-seen entries (dicts of a string and
    numbers) are not tracked by Python's garbage collector: with a week's retention the
    table holds hundreds of thousands of them, and every full collection would scan
    them all while the event loop waits.
    """
    return f"{topic}:{partition}:{offset}"


def stored_position(value: Any) -> str:
    """The position kept in an articles-seen entry; earlier versions kept a list."""
    return record_position(*value) if isinstance(value, list) else str(value)


def freeze_startup_objects() -> None:
    """Keep every object alive now out of the garbage collector's full collections.

    What a worker builds at start-up (modules, the Faust app and its clients, the
    rules) lives as long as the worker, and a full collection scans every tracked
    object while the event loop waits for it. Called once the worker has started.
    """
    gc.collect()
    gc.freeze()


def _resident_bytes() -> int:
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def release_free_heap() -> int:
    """Give the C heap's free pages back to the system (glibc's ``malloc_trim``);
    returns how many bytes the resident set shrank by (0 where there is no glibc).

    Records of a few kB (articles, annotations) come and go by the thousand, through
    several threads, each with its own heap arena; glibc can keep what they free, so the
    worker's RSS can keep the high-water mark of a burst. Run off the event loop
    (``malloc_trim`` needs no GIL).
    """
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return 0
    before = _resident_bytes()
    libc.malloc_trim(0)
    return max(0, before - _resident_bytes())


def retry_delay(attempt: int) -> float:
    """Seconds to wait before try ``attempt + 1``: 0.5, 1, 2 ... up to 30."""
    return float(min(30.0, 0.25 * 2**attempt))


async def watch_event_loop(path: str, threshold: float = 0.1, tick: float = 0.01) -> None:
    """Append a line to ``path`` each time the event loop was held longer than ``threshold``.

    A watchdog, not asyncio's debug mode (which costs the loop about twice its CPU time):
    it sleeps ``tick`` seconds again and again, and a wake-up that comes more than
    ``threshold`` late means nothing else could run on the loop meanwhile. Each line also
    gives the CPU time the loop's thread used meanwhile: close to the wall time, the loop
    was busy (our code or a library's); far below it, the process was waiting for a CPU.
    It also gives the time the process spent in Python's garbage collector meanwhile,
    and the oldest generation collected (2: a full collection, which scans every
    tracked object).
    """
    loop = asyncio.get_running_loop()
    collecting = {"since": 0.0, "seconds": 0.0, "generation": -1}

    def on_collection(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            collecting["since"] = time.perf_counter()
            return
        collecting["seconds"] += time.perf_counter() - collecting["since"]
        collecting["generation"] = max(collecting["generation"], info["generation"])

    gc.callbacks.append(on_collection)
    try:
        with open(path, "a", encoding="utf-8") as out:
            while True:
                before, cpu_before = loop.time(), time.thread_time()
                collecting.update(seconds=0.0, generation=-1)
                await asyncio.sleep(tick)
                late = loop.time() - before - tick
                if late > threshold:
                    cpu = time.thread_time() - cpu_before
                    out.write(
                        f"{datetime.now(UTC).isoformat()} event loop blocked {late:.3f} s "
                        f"(loop thread on a CPU {cpu:.3f} s; garbage collection "
                        f"{collecting['seconds']:.3f} s, generation {collecting['generation']})\n"
                    )
                    out.flush()
    finally:
        gc.callbacks.remove(on_collection)


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
        # Record values are capped at max_record_bytes; a request also carries the key,
        # headers and batch framing.
        producer_max_request_size=settings.max_record_bytes + 65536,
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
    # The topics the agents consume, watched for partitions that stop moving.
    input_topics = (t(topics.ARTICLES), t(topics.STANCE_EVENTS), t(topics.STANCE_GROUPS))
    labels = topic_labeller(settings)

    def store(table: Any, partition: int, key: str, value: dict[str, Any]) -> None:
        """Set ``table[key]`` and log it to the table's changelog on ``partition`` (the
        partition of the record being processed; the tables are co-partitioned).

        Not ``table[key] = value``: that checks the partition counts of the changelog
        against the consumer's metadata, which at a worker's first start can lag the
        changelog's creation and raise PartitionsMismatch on a correct layout.
        """
        record = {**value, "p": partition}
        table.data[key] = record
        table.send_changelog(partition, key, record)

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

    async def send_dead_letter(letter: DeadLetter, payload: bytes, key: bytes | None) -> Any:
        metrics.ARTICLES_FAILED.labels(reason=letter.reason).inc()
        log.warning("dead letter (%s): %s", letter.reason, letter.message)
        return await dlq_topic.send(key=key, value=payload)

    def letter_for(
        event: Any, reason: str, error_class: str, message: str, article_id: str | None = None
    ) -> tuple[DeadLetter, bytes]:
        msg = event.message
        return dead_letter(
            event.value,
            reason,
            error_class,
            message,
            topic=msg.topic,
            partition=msg.partition,
            offset=msg.offset,
            failed_at=datetime.now(UTC).isoformat(),
            max_bytes=settings.max_record_bytes,
            article_id=article_id,
        )

    async def publish_annotation(
        result: AnnotatedArticle,
        payload: bytes,
        event_payloads: list[bytes],
        ingest_ts: float | None,
    ) -> list[Any]:
        pending = [await annotated_topic.send(key=result.article_id.encode(), value=payload)]
        for ent in result.entities:
            metrics.ENTITIES_EXTRACTED.labels(label=ent.label).inc()
        for event, event_payload in zip(result.events, event_payloads, strict=True):
            metrics.EVENTS_EXTRACTED.labels(event_type=event.event_type).inc()
            # The record's timestamp is the article's ingest time: the event time of
            # events whose article has no published_at.
            pending.append(
                await events_topic.send(
                    key=event.pair_key.encode(), value=event_payload, timestamp=ingest_ts
                )
            )
        metrics.ARTICLES_PROCESSED.inc()
        if ingest_ts:
            metrics.END_TO_END_LATENCY.observe(max(0.0, time.time() - ingest_ts))
        return pending

    def is_duplicate(article: Article, msg: Any) -> bool:
        """True when this article id was already taken from another position."""
        key = article.id
        here = record_position(msg.topic, msg.partition, msg.offset)
        seen = articles_seen.data.get(key)
        fresh = seen is not None and time.time() - seen["t"] < settings.dedup_retention
        if fresh and seen is not None and stored_position(seen["at"]) != here:
            return True
        store(articles_seen, msg.partition, key, {"at": here, "t": time.time()})
        return False

    async def publish_result(
        article: Article, event: Any, result: AnnotatedArticle | ExtractionFailure
    ) -> list[Any]:
        """Send an annotation and its events, or the article's dead letter."""
        if isinstance(result, AnnotatedArticle):
            record = result.to_dict()
            payload = encode(record)
            event_payloads = [encode(e) for e in record["events"]]  # each e.to_dict()
            largest = max([len(payload), *map(len, event_payloads)])
            if largest <= settings.max_record_bytes:
                return await publish_annotation(
                    result, payload, event_payloads, event.message.timestamp
                )
            letter, letter_payload = letter_for(
                event,
                "output_too_large",
                "OutputTooLarge",
                f"the annotation needs a {largest}-byte record, over the limit of "
                f"{settings.max_record_bytes} bytes (STANCEWATCH_MAX_RECORD_BYTES)",
                article.id,
            )
        else:
            letter, letter_payload = letter_for(
                event, "processing_error", result.error_class, result.message, article.id
            )
        return [await send_dead_letter(letter, letter_payload, event.key)]

    async def handle_batch(events: Sequence[Any]) -> None:
        pending: list[Any] = []
        accepted: list[tuple[Article, Any]] = []
        for event in events:
            try:
                article = decode_article(event.value, max_bytes=settings.max_article_bytes)
                if is_duplicate(article, event.message):
                    metrics.ARTICLES_DUPLICATE.inc()
                    continue
                accepted.append((article, event))
            except InvalidArticle as exc:
                letter, payload = letter_for(event, exc.reason, type(exc).__name__, exc.message)
                pending.append(await send_dead_letter(letter, payload, event.key))
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

    async def process_batch(events: Sequence[Any]) -> None:
        """Handle a batch; return only once every record of it is delivered.

        Faust acks the events of a batch taken with ``take_events`` as soon as the agent
        moves past it, even when handling it raised: an exception escaping from here
        would commit articles whose outputs never reached the broker. So a failed batch
        is tried again (outputs have deterministic ids: a partial first try leaves only
        duplicates, which consumers drop by id); after ``BATCH_ATTEMPTS`` its articles
        are tried one by one, and one that still fails alone is dead-lettered. Only the
        delivery of that dead letter is retried for as long as it takes (the broker is
        unreachable): the partition waits rather than loses the article.
        """
        metrics.ARTICLES_CONSUMED.inc(len(events))
        last_taken[t(topics.ARTICLES)] = time.monotonic()
        for attempt in range(1, BATCH_ATTEMPTS + 1):
            try:
                await handle_batch(events)
                return
            except Exception:
                metrics.BATCH_RETRIES.inc()
                log.exception("batch of %d articles failed (try %d)", len(events), attempt)
                await asyncio.sleep(retry_delay(attempt))
        for event in events:
            await process_alone(event)

    async def process_alone(event: Any) -> None:
        try:
            await handle_batch([event])
            return
        except Exception as exc:
            log.exception("article at offset %s failed alone", event.message.offset)
            letter, payload = letter_for(event, "processing_error", type(exc).__name__, str(exc))
        for attempt in itertools.count(1):
            try:
                await (await send_dead_letter(letter, payload, event.key))
                return
            except Exception:
                log.exception("dead letter not delivered (try %d); retrying", attempt)
                await asyncio.sleep(retry_delay(attempt))

    @app.agent(articles_topic, concurrency=1)
    async def extract(stream: Any) -> None:
        """Validate, batch and annotate articles; publish annotations and events."""
        metrics.MODEL_LOAD_SECONDS.set(await pool.start())
        freeze_startup_objects()
        try:
            async for events in stream.take_events(
                settings.batch_size, within=settings.batch_within
            ):
                await process_batch(events)
        finally:
            pool.close()

    async def send_alerts(alerts: list[Alert]) -> list[Any]:
        """Send each new alert to ``alerts``, its severity topic and its rule's topic."""
        sends = []
        for alert_record in alerts:
            alert_id = alert_record.alert_id
            targets = [alerts_topic, severity_topics[alert_record.severity]]
            rule = live_rules.rule(alert_record.rule)
            if rule is not None and rule.topic:
                targets.append(rule_topic(rule.topic))
            # Per topic: a crash can come between the sends to the alert's topics, and
            # the redelivered alert must still reach the topics it had not reached.
            missing = [tg for tg in targets if alert_id not in recent_alerts[tg.get_topic_name()]]
            if not missing:
                continue  # already delivered before a crash or a rebalance
            payload = encode(alert_record.to_dict())
            for target in missing:
                recent_alerts[target.get_topic_name()].add(alert_id)
                sends.append(await target.send(key=alert_id.encode(), value=payload))
            if alerts_topic not in missing:
                continue  # completing an earlier delivery: counted then
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
                event_dict = json.loads(value)
                event = StanceEvent.from_dict(event_dict)
            except (ValueError, KeyError, TypeError) as exc:
                log.error("undecodable stance event skipped: %s", exc)
                continue
            last_taken[t(topics.STANCE_EVENTS)] = time.monotonic()
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
                        key=group.encode(), value=encode({**routed, "event": event_dict})
                    )
                )
            await asyncio.gather(*sends)
            store(alerted_events, message.partition, event_key, {"t": time.time()})

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
            last_taken[t(topics.STANCE_GROUPS)] = time.monotonic()
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
                store(rule_windows, partition, key, state)
            newest_event_time[0] = max(newest_event_time[0], float(when))
            metrics.RULE_GROUPS.set(len(rule_windows))

    #: When each input topic's agent last took a record (time.monotonic()).
    last_taken: dict[str, float] = {}
    stall_watch: StallWatch[Any] = StallWatch(after=settings.stall_seconds)

    @app.timer(interval=5.0)  # type: ignore[untyped-decorator]
    async def reread_stalled_partitions() -> None:
        """Seek an input partition that stopped moving back to its committed offset
        (see streams.stalls): records wait after an unmoving committed offset and the
        agent has taken nothing for ``settings.stall_seconds``."""
        consumer: Any = app.consumer  # Faust's driver consumer (private state read below)
        tables: Any = app.tables
        if app.rebalancing or not tables.recovery.completed.is_set():
            return
        # Faust's own record of the committed offset (set when the partition was
        # assigned, moved by each commit); None before any commit.
        positions = {
            tp: (consumer._committed_offset.get(tp) or 0, end)
            for tp, end in assigned_highwaters(app, set(input_topics)).items()
        }
        now = time.monotonic()
        for tp, offset in stall_watch.stalled(positions, now):
            if now - last_taken.get(tp.topic, 0.0) < settings.stall_seconds:
                continue  # the agent is busy: its partitions will be reached
            metrics.PARTITION_REREADS.labels(topic=topic_label(labels, tp.topic)).inc()
            log.warning(
                "%s[%d]: records waiting after committed offset %d and nothing taken for "
                "%.0f s; reading it again from there",
                tp.topic,
                tp.partition,
                offset,
                settings.stall_seconds,
            )
            consumer.resume_partitions({tp})
            await consumer.seek(tp, offset)

    #: The newest event time the window agent has seen (for expiring old state).
    newest_event_time = [0.0]

    # Alert ids already on each alert topic. The alerted-events table is written after
    # the alerts are delivered, so a crash in between would send them again on
    # redelivery; what the topics themselves hold closes that window. Loaded when the
    # agent starts, which is when a restarted worker would redeliver.
    recent_alerts: defaultdict[str, set[str]] = defaultdict(set)  # topic -> alert ids

    async def reload_recent_alerts() -> None:
        loop = asyncio.get_running_loop()
        names = [t(topics.ALERTS), *(t(f"alerts.{sev}") for sev in topics.SEVERITIES)]
        names += [t(name) for name in live_rules.rules.topics()]
        for name in names:
            ids = await loop.run_in_executor(
                None, recent_alert_ids, settings, name, RECENT_ALERTS_LOOKBACK
            )
            recent_alerts[name].update(ids)

    # Pruned every 10 minutes, or twice per retention when that is shorter, so that
    # the tables stop growing within about 1.5 retentions.
    @app.timer(interval=min(600.0, max(5.0, settings.dedup_retention / 2)))  # type: ignore[untyped-decorator]
    async def forget_old_ids() -> None:
        """Drop dedup entries older than the retention, so the tables stay bounded."""
        cutoff = time.time() - settings.dedup_retention
        recent_alerts.clear()  # refilled from the topics when the alert agent restarts
        for table in (articles_seen, alerted_events):
            await prune_table(table, lambda _key, value: bool(value["t"] < cutoff))
        # Window state: by event time, against the newest event seen; state of rules
        # removed or edited since goes too.
        rules_by_key = live_rules.by_key()

        def window_gone(key: str, state: dict[str, Any]) -> bool:
            rule = rules_by_key.get(key.split("|", 1)[0])
            return rule is None or expired(rule, state, newest_event_time[0])

        await prune_table(rule_windows, window_gone)
        metrics.RULE_GROUPS.set(len(rule_windows.data))
        released = await asyncio.get_running_loop().run_in_executor(None, release_free_heap)
        metrics.MEMORY_RELEASED.inc(released)

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
