"""``stancewatch dlq list|show|replay``: inspect dead letters and republish fixed ones."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from kafka.errors import KafkaError

from streams.client import consumer, producer, record_at
from streams.errors import BrokerError
from streams.settings import Settings
from streams.topics import ARTICLES, DLQ


@dataclass(frozen=True)
class DeadLetterRecord:
    """A dead letter as read back: its position in the DLQ and its content."""

    partition: int
    offset: int
    key: bytes | None
    letter: dict[str, Any]

    @property
    def ref(self) -> str:
        """``PARTITION:OFFSET`` in the DLQ, the handle users pass to show/replay."""
        return f"{self.partition}:{self.offset}"

    def original_bytes(self) -> bytes:
        original = str(self.letter.get("original", ""))
        if self.letter.get("original_encoding") == "base64":
            return base64.b64decode(original)
        return original.encode("utf-8")


def read_dead_letters(
    settings: Settings, *, idle_timeout: float = 3.0
) -> Iterator[DeadLetterRecord]:
    """Every record of the DLQ, oldest first per partition."""
    cons = consumer(settings, settings.topic(DLQ), from_beginning=True)
    last = time.monotonic()
    try:
        while time.monotonic() - last < idle_timeout:
            for record in cons:
                last = time.monotonic()
                try:
                    letter = json.loads(record.value)
                except ValueError:
                    letter = {"reason": "unreadable", "message": "the dead letter is not JSON"}
                yield DeadLetterRecord(record.partition, record.offset, record.key, letter)
    finally:
        cons.close()


def select(
    records: list[DeadLetterRecord], *, refs: list[str], reasons: list[str], everything: bool
) -> list[DeadLetterRecord]:
    """The records named by ``PARTITION:OFFSET`` refs or reasons (or all of them)."""
    if everything:
        return records
    return [r for r in records if r.ref in refs or r.letter.get("reason") in reasons]


def dlq_command(
    settings: Settings,
    action: str,
    *,
    refs: list[str],
    reasons: list[str],
    everything: bool,
    as_json: bool,
) -> int:
    records = list(read_dead_letters(settings))
    if action == "list":
        for r in records:
            if as_json:
                print(json.dumps({"ref": r.ref, **r.letter}, ensure_ascii=False))
            else:
                letter = r.letter
                print(
                    f"{r.ref:>8}  {letter.get('reason', '?'):18} "
                    f"{letter.get('failed_at', '')[:19]}  {letter.get('message', '')[:90]}"
                )
        if not as_json:
            print(f"{len(records)} dead letter(s) in {settings.topic(DLQ)}")
        return 0
    chosen = select(records, refs=refs, reasons=reasons, everything=everything)
    unknown = [ref for ref in refs if ref not in {r.ref for r in records}]
    if unknown:
        raise BrokerError(f"no dead letter at {', '.join(unknown)} (see 'stancewatch dlq list')")
    if not chosen:
        raise BrokerError("nothing selected: give PARTITION:OFFSET refs, --reason R or --all")
    if action == "show":
        for r in chosen:
            shown = {"ref": r.ref, **r.letter}
            if r.letter.get("original_encoding") == "utf-8":
                shown["original"] = r.letter.get("original")
            print(json.dumps(shown, ensure_ascii=False, indent=2))
        return 0
    return _replay(settings, chosen)


def _replay(settings: Settings, chosen: list[DeadLetterRecord]) -> int:
    """Republish the original bytes of the chosen dead letters to ``articles``."""
    topic = settings.topic(ARTICLES)
    originals = [_whole_original(settings, r) for r in chosen]
    prod = producer(settings)
    try:
        for r, original in zip(chosen, originals, strict=True):
            meta = prod.send(topic, key=r.key, value=original).get(timeout=30)
            where = f"{topic}[{meta.partition}]@{meta.offset}"
            print(f"replayed {r.ref} ({r.letter.get('reason')}) -> {where}")
        prod.flush()
    except KafkaError as exc:
        raise BrokerError(f"replaying to {topic} failed: {exc}") from None
    finally:
        prod.close()
    return 0


def _whole_original(settings: Settings, r: DeadLetterRecord) -> bytes:
    """The original bytes of a dead letter; a truncated one is read from its source."""
    if not r.letter.get("original_truncated"):
        return r.original_bytes()
    topic, partition, offset = (r.letter.get(k) for k in ("topic", "partition", "offset"))
    if isinstance(topic, str) and isinstance(partition, int) and isinstance(offset, int):
        value = record_at(settings, topic, partition, offset)
        if value is not None:
            return value
    raise BrokerError(
        f"dead letter {r.ref} keeps only the start of its original, and the whole "
        f"record is no longer at {topic}[{partition}]@{offset}: nothing replayed"
    )
