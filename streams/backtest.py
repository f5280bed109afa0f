"""``stancewatch rules check`` and ``stancewatch backtest``.

A backtest runs a rule file over historic input offline, with the same pure code as
the worker (``processors.alerts.RuleRunner``), and prints the alerts that would have
fired, in the order they would have fired. Input is articles, annotated articles or
stance events, from files or from a topic since a date. Event time is each article's
``published_at``, falling back to its ingest time: the record's timestamp when read
from a topic, ``--ingest-time`` (default: now) for files.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from processors.alerts import RuleRunner
from processors.rules import KINDS, RuleFileError, load_rules
from processors.types import Alert, Article, StanceEvent
from processors.validate import article_from_mapping, parse_timestamp
from streams.client import InputError, read_articles, records_since, render_alert
from streams.errors import ConfigError
from streams.settings import Settings


def rules_check(paths: list[str]) -> int:
    """Validate rule files; print each problem with rule id and field. Exit 0 or 1."""
    status = 0
    for name in paths:
        try:
            rules = load_rules(Path(name))
        except RuleFileError as exc:
            status = 1
            for problem in exc.problems:
                print(f"{name}: {problem}")
            continue
        kinds = Counter(r.kind for r in rules.rules)
        listed = ", ".join(f"{kinds[k]} {k}" for k in KINDS if kinds[k])
        print(f"{name}: ok, version {rules.label}, {len(rules.rules)} rules ({listed})")
    return status


@dataclass(frozen=True)
class Timed:
    """A stance event with the ingest time of its article (epoch seconds)."""

    event: StanceEvent
    ingest_time: float


def backtest_command(
    settings: Settings,
    *,
    rules_path: Path | None,
    paths: list[str],
    topic: str | None,
    since: str | None,
    ingest_time: str | None,
    as_json: bool,
) -> int:
    rules = load_rules(rules_path)
    if topic is not None:
        if since is None:
            raise ConfigError("backtest --topic needs --from DATE (RFC 3339, or a date)")
        timed = list(_from_topic(settings, settings.topic(topic), _when(since)))
    else:
        if not paths:
            raise ConfigError("backtest needs PATH... or --topic T --from DATE")
        fallback = _when(ingest_time) if ingest_time else datetime.now(UTC).timestamp()
        timed = list(_from_files(settings, paths, fallback))
    runner = RuleRunner(rules)
    alerts: list[Alert] = []
    for item in timed:
        # Backtest alerts are "emitted" when their triggering event happened.
        when = datetime.fromtimestamp(item.ingest_time, UTC)
        alerts.extend(runner.process(item.event, ingest_time=item.ingest_time, now=when))
    for alert in alerts:
        if as_json:
            print(json.dumps(alert.to_dict(), ensure_ascii=False))
        else:
            print(f"{alert.last_seen}  {render_alert(alert.to_dict())}")
    fired = Counter(a.rule for a in alerts)
    summary = ", ".join(f"{rule} {n}" for rule, n in sorted(fired.items())) or "none"
    late = f", {runner.late} late (beyond a rule's grace)" if runner.late else ""
    note = f"backtest of {rules.label}: {len(timed)} events{late}; alerts: {summary}"
    print(note, file=sys.stderr)
    return 0


def _when(text: str) -> float:
    """Epoch seconds from an RFC 3339 timestamp or a plain date (midnight UTC)."""
    if len(text) == 10:
        text += "T00:00:00Z"
    try:
        return parse_timestamp(text).timestamp()
    except Exception:
        raise ConfigError(f"{text!r}: expected a date (2023-02-24) or an RFC 3339 time") from None


def _from_files(settings: Settings, paths: list[str], fallback: float) -> Iterator[Timed]:
    """Events from files: stance events and annotated articles as they are, articles
    through the extractor."""
    articles: list[Article] = []
    for name in paths:
        path = Path(name)
        if path.suffix in (".json", ".jsonl") and path.is_file():
            for record in _json_records(path):
                if "event_id" in record or "events" in record:
                    yield from (Timed(e, fallback) for e in _events_of(record))
                else:
                    articles.append(_article(record, str(path)))
        else:
            articles.extend(read_articles([name]))
    yield from (Timed(e, fallback) for e in _extract(settings, articles))


def _from_topic(settings: Settings, topic: str, since: float) -> Iterator[Timed]:
    """Events from a topic's records since ``since``, in timestamp order."""
    records = records_since(settings, topic, int(since * 1000))
    records.sort(key=lambda r: (r.timestamp, r.partition, r.offset))
    articles: list[tuple[Article, float]] = []
    for record in records:
        try:
            data = json.loads(record.value)
        except (ValueError, TypeError):
            continue  # not JSON: the worker sent it to the dead-letter topic
        ingest = record.timestamp / 1000
        if isinstance(data, dict) and ("event_id" in data or "events" in data):
            yield from (Timed(e, ingest) for e in _events_of(data))
        elif isinstance(data, dict):
            try:
                articles.append((article_from_mapping(data), ingest))
            except Exception:
                continue  # invalid: the worker sent it to the dead-letter topic
    events = _extract(settings, [a for a, _ in articles])
    ingest_of = {a.id: t for a, t in articles}
    yield from (Timed(e, ingest_of[e.article_id]) for e in events)


def _json_records(path: Path) -> Iterator[dict[str, Any]]:
    text = path.read_text("utf-8")
    try:
        if path.suffix == ".jsonl":
            items: Iterable[Any] = [json.loads(line) for line in text.splitlines() if line.strip()]
        else:
            data = json.loads(text)
            items = data if isinstance(data, list) else [data]
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: not valid JSON ({exc.msg}, line {exc.lineno})") from None
    for item in items:
        if not isinstance(item, dict):
            raise InputError(f"{path}: expected JSON objects")
        yield item


def _events_of(record: dict[str, Any]) -> list[StanceEvent]:
    if "event_id" in record:
        return [StanceEvent.from_dict(record)]
    return [StanceEvent.from_dict(e) for e in record["events"]]


def _article(record: dict[str, Any], source: str) -> Article:
    try:
        return article_from_mapping(record)
    except Exception as exc:
        raise InputError(f"{source}: {exc}") from None


def _extract(settings: Settings, articles: list[Article]) -> list[StanceEvent]:
    if not articles:
        return []
    from processors.annotate import ExtractionFailure, Extractor

    extractor = Extractor.build(
        settings.model,
        actor_dictionaries=settings.actor_dictionaries,
        min_confidence=settings.min_event_confidence,
    )
    events: list[StanceEvent] = []
    for result in extractor.annotate_batch(articles):
        if isinstance(result, ExtractionFailure):
            raise InputError(f"article {result.article_id}: {result.message}")
        events.extend(result.events)
    return events
