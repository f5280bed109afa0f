"""Helpers for tests against the real broker: a worker process, reading topics."""

from __future__ import annotations

import contextlib
import json
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from typing import Any

from kafka import KafkaConsumer, KafkaProducer, TopicPartition

from streams.admin import ensure_topics
from streams.settings import Settings
from tests.conftest import ROOT, settings_env


@contextlib.contextmanager
def worker_process(
    settings: Settings, *, timeout: float = 120.0, module: str = "streams.cli"
) -> Iterator[subprocess.Popen[bytes]]:
    """A real ``stancewatch worker`` process, ready (model loaded) when yielded.

    ``module`` runs another entry point that takes ``worker`` (a test harness)."""
    ensure_topics(settings)
    log = open(settings.data_dir.parent / f"worker-{settings.web_port}.log", "ab")  # noqa: SIM115
    proc = subprocess.Popen(
        [sys.executable, "-m", module, "worker"],
        env=settings_env(settings),
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + timeout
        while metric(settings, "stancewatch_model_load_seconds") in (None, 0.0):
            assert proc.poll() is None, f"worker exited: {read_log(log.name)}"
            assert time.monotonic() < deadline, f"worker not ready: {read_log(log.name)}"
            time.sleep(0.5)
        yield proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        log.close()


def read_log(path: str) -> str:
    with open(path, "rb") as f:
        return f.read().decode("utf-8", "replace")[-3000:]


def scrape(settings: Settings) -> str | None:
    try:
        with urllib.request.urlopen(f"{settings.web_url}/metrics", timeout=2) as response:
            return str(response.read().decode())
    except OSError:
        return None


def metric(settings: Settings, name: str, labels: str = "") -> float | None:
    """The value of one sample on the worker's /metrics (None if not there)."""
    text = scrape(settings)
    if text is None:
        return None
    wanted = f"{name}{{{labels}}}" if labels else name
    for line in text.splitlines():
        if line.startswith(wanted + " "):
            return float(line.rsplit(" ", 1)[1])
    return None


def produce(settings: Settings, records: list[tuple[bytes | None, bytes]]) -> None:
    producer = KafkaProducer(bootstrap_servers=settings.kafka_bootstrap, acks="all")
    try:
        for key, value in records:
            producer.send(settings.topic("articles"), key=key, value=value).get(timeout=30)
    finally:
        producer.close()


def read_until(
    settings: Settings,
    topic: str,
    done: Callable[[list[dict[str, Any]]], bool],
    *,
    timeout: float = 90.0,
) -> list[dict[str, Any]]:
    """Read a topic from the beginning until ``done(records)`` or the timeout."""
    name = settings.topic(topic)
    consumer = KafkaConsumer(bootstrap_servers=settings.kafka_bootstrap, enable_auto_commit=False)
    try:
        parts = [TopicPartition(name, p) for p in sorted(consumer.partitions_for_topic(name))]
        consumer.assign(parts)
        consumer.seek_to_beginning(*parts)
        records: list[dict[str, Any]] = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for batch in consumer.poll(timeout_ms=500).values():
                records.extend(json.loads(r.value) for r in batch)
            if done(records):
                return records
        return records
    finally:
        consumer.close()
