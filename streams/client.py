"""Plain Kafka clients for the CLI: publish articles, read alerts and events.

These use kafka-python (synchronous, no event loop), which suits a command line.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.errors import KafkaError

from processors.errors import InvalidArticle, StancewatchError
from processors.ids import article_id_for_text
from processors.types import Article
from processors.validate import article_from_mapping
from streams.errors import BrokerError
from streams.security import kafka_python_config
from streams.settings import Settings
from streams.topics import ARTICLES

ARTICLE_SUFFIXES = (".txt", ".json", ".jsonl")


class InputError(StancewatchError):
    """An input file cannot be read as articles."""


def article_from_text(text: str, *, source: str | None = None) -> Article:
    """Wrap plain text into an article: the first line is the title, the id a text hash."""
    first_line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    if not first_line:
        raise InputError(f"{source or 'input'}: the text is empty")
    return Article(id=article_id_for_text(text), text=text, title=first_line[:300], source=source)


def read_articles(paths: Iterable[str]) -> Iterator[Article]:
    """Articles from files, folders (recursively, sorted) and '-' (stdin)."""
    for name in paths:
        if name == "-":
            yield from _parse(sys.stdin.read(), "<stdin>", suffix=None)
            continue
        path = Path(name)
        if path.is_dir():
            files = sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix in ARTICLE_SUFFIXES
            )
            if not files:
                raise InputError(f"{path}: no .txt, .json or .jsonl files in this folder")
            for file in files:
                yield from _read_file(file)
        elif path.is_file():
            yield from _read_file(path)
        else:
            raise InputError(f"{path}: no such file or folder")


def _read_file(path: Path) -> Iterator[Article]:
    try:
        text = path.read_text("utf-8")
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text (use --raw to send bytes as they are)") from None
    except OSError as exc:
        raise InputError(f"{path}: {exc.strerror}") from None
    yield from _parse(text, str(path), suffix=path.suffix)


def _parse(text: str, source: str, *, suffix: str | None) -> Iterator[Article]:
    stripped = text.lstrip()
    if suffix == ".jsonl" or (suffix is None and stripped.startswith("{") and "\n{" in text):
        for n, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                yield _from_json(line, f"{source}:{n}")
    elif suffix == ".json" or (suffix is None and stripped[:1] in ("{", "[")):
        data = _load_json(text, source)
        for n, item in enumerate(data if isinstance(data, list) else [data], start=1):
            yield _validated(item, f"{source}[{n}]")
    else:
        yield article_from_text(text, source=None if source == "<stdin>" else Path(source).name)


def _load_json(text: str, source: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{source}: not valid JSON ({exc.msg}, line {exc.lineno})") from None


def _from_json(line: str, source: str) -> Article:
    return _validated(_load_json(line, source), source)


def _validated(data: Any, source: str) -> Article:
    try:
        return article_from_mapping(data)
    except InvalidArticle as exc:
        raise InputError(f"{source}: {exc.message}") from None


def producer(settings: Settings) -> KafkaProducer:
    try:
        return KafkaProducer(
            bootstrap_servers=settings.kafka_bootstrap,
            acks="all",
            linger_ms=5,
            client_id=f"{settings.app_id}-cli",
            **kafka_python_config(settings),
        )
    except (KafkaError, OSError) as exc:
        raise BrokerError(
            f"cannot reach Kafka at {settings.kafka_bootstrap} ({type(exc).__name__}); "
            "start the local broker with 'stancewatch kafka up' or set KAFKA_BOOTSTRAP_SERVERS"
        ) from None


def publish_paths(settings: Settings, paths: list[str], *, raw: bool, as_json: bool) -> int:
    """Send articles (or, with ``raw``, files' bytes unchanged) and print what was sent."""
    topic = settings.topic(ARTICLES)
    records: list[tuple[bytes | None, bytes, Article | str]]
    if raw:
        records = [(None, _raw_bytes(p), p) for p in paths]
    else:
        articles = list(read_articles(paths))  # read everything first: all or nothing
        records = [
            (a.id.encode(), json.dumps(a.to_dict(), ensure_ascii=False).encode(), a)
            for a in articles
        ]
    prod = producer(settings)
    try:
        for key, value, what in records:
            meta = prod.send(topic, key=key, value=value).get(timeout=30)
            if isinstance(what, Article):
                info = {"id": what.id, "title": what.title, "bytes": len(value)}
            else:
                info = {"id": None, "title": f"raw {what}", "bytes": len(value)}
            info |= {"topic": meta.topic, "partition": meta.partition, "offset": meta.offset}
            if as_json:
                print(json.dumps(info, ensure_ascii=False))
            else:
                print(
                    f"sent {info['id'] or '-'}  {info['title']!s:.60}  "
                    f"-> {meta.topic}[{meta.partition}]@{meta.offset}"
                )
        prod.flush()
    except KafkaError as exc:
        raise BrokerError(f"publishing to {topic} failed: {exc}") from None
    finally:
        prod.close()
    return 0


def _raw_bytes(name: str) -> bytes:
    if name == "-":
        return sys.stdin.buffer.read()
    try:
        return Path(name).read_bytes()
    except OSError as exc:
        raise InputError(f"{name}: {exc.strerror}") from None


def consumer(settings: Settings, topic: str, *, from_beginning: bool) -> KafkaConsumer:
    """A group-less consumer assigned to every partition of ``topic``."""
    try:
        cons = KafkaConsumer(
            bootstrap_servers=settings.kafka_bootstrap,
            enable_auto_commit=False,
            client_id=f"{settings.app_id}-cli",
            consumer_timeout_ms=500,
            fetch_max_wait_ms=50,  # as in the demo: do not wait on empty partitions
            **kafka_python_config(settings),
        )
    except (KafkaError, OSError) as exc:
        raise BrokerError(f"cannot reach Kafka at {settings.kafka_bootstrap}: {exc}") from None
    partitions = cons.partitions_for_topic(topic)
    if not partitions:
        cons.close()
        raise BrokerError(f"topic {topic!r} does not exist (run 'stancewatch topics')")
    assignment = [TopicPartition(topic, p) for p in sorted(partitions)]
    cons.assign(assignment)
    if from_beginning:
        cons.seek_to_beginning(*assignment)
    else:
        cons.seek_to_end(*assignment)
    return cons


def record_at(
    settings: Settings, topic: str, partition: int, offset: int, *, timeout: float = 15.0
) -> bytes | None:
    """The value of the record at ``topic[partition]@offset`` (None if no longer there)."""
    cons = consumer(settings, topic, from_beginning=True)
    try:
        tp = TopicPartition(topic, partition)
        cons.assign([tp])
        cons.seek(tp, offset)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for record in cons.poll(timeout_ms=500).get(tp, []):
                if record.offset == offset:
                    return bytes(record.value) if record.value is not None else b""
                if record.offset > offset:
                    return None  # deleted by retention or compaction
        return None
    finally:
        cons.close()


def records_since(
    settings: Settings, topic: str, since_ms: int, *, timeout: float = 60.0
) -> list[Any]:
    """Every record of ``topic`` with a timestamp from ``since_ms`` up to the current end
    (a ``BrokerError`` if that takes more than ``timeout`` seconds)."""
    cons = consumer(settings, topic, from_beginning=True)
    try:
        parts = list(cons.assignment())
        starts = cons.offsets_for_times(dict.fromkeys(parts, since_ms))
        ends = cons.end_offsets(parts)
        for tp in parts:
            found = starts.get(tp)
            cons.seek(tp, found.offset if found is not None else ends[tp])
        records: list[Any] = []
        remaining = {tp for tp in parts if cons.position(tp) < ends[tp]}
        deadline = time.monotonic() + timeout
        while remaining and time.monotonic() < deadline:
            for tp, batch in cons.poll(timeout_ms=200).items():
                records.extend(r for r in batch if r.offset < ends[tp])
                if cons.position(tp) >= ends[tp]:
                    remaining.discard(tp)
        if remaining:
            raise BrokerError(f"{topic}: could not read up to its end in {timeout:g} s")
        return records
    finally:
        cons.close()


def recent_alert_ids(settings: Settings, topic: str, lookback_s: float) -> set[str]:
    """Keys (alert ids) of the records on ``topic`` from the last ``lookback_s`` seconds
    (what could be read of them in 30 s)."""
    since = int((time.time() - lookback_s) * 1000)
    try:
        records = records_since(settings, topic, since, timeout=30.0)
    except BrokerError:
        return set()
    return {r.key.decode() for r in records if r.key}


def follow_topic(
    settings: Settings,
    topic: str,
    *,
    follow: bool,
    from_beginning: bool,
    as_json: bool,
    idle_timeout: float,
    kind: str,
) -> int:
    """Print records of an alert or event topic; stop when idle unless following."""
    # Without --follow a user wants what is there: read from the start.
    cons = consumer(settings, topic, from_beginning=from_beginning or not follow)
    last_record = time.monotonic()
    try:
        while True:
            got = False
            for record in cons:
                got = True
                print(render(record.value, kind=kind, as_json=as_json), flush=True)
            if got:
                last_record = time.monotonic()
            elif not follow and time.monotonic() - last_record > idle_timeout:
                return 0
    except KeyboardInterrupt:
        return 0
    finally:
        cons.close()


def render(value: bytes, *, kind: str, as_json: bool) -> str:
    """One alert or event as a readable line (or the JSON itself)."""
    if as_json:
        return value.decode("utf-8", errors="replace")
    try:
        data = json.loads(value)
    except ValueError:
        return f"(undecodable record: {value[:80]!r})"
    if kind == "alerts" and "alert_id" in data:
        return render_alert(data)
    if "event_id" in data:
        return render_event(data)
    return json.dumps(data, ensure_ascii=False)


def render_alert(data: dict[str, Any]) -> str:
    sentence = data["evidence"][0]["sentence"] if data.get("evidence") else ""
    return (
        f"[{data['severity'].upper()}] {data['title']}\n"
        f"    {data['summary']}\n"
        f"    evidence: \u201c{_shorten(sentence)}\u201d"
    )


def render_event(data: dict[str, Any]) -> str:
    actors = ", ".join(f"{a['text']} ({a['code']})" for a in data["actor"])
    recipients = ", ".join(f"{r['text']} ({r['code']})" for r in data["recipient"]) or "-"
    return (
        f"EVENT {data['event_type']:9} {actors} -> {recipients}  "
        f"[{data['trigger']['text']}, conf {data['confidence']:.2f}]"
    )


def _shorten(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"
