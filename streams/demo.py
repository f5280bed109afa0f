"""``stancewatch run`` (what ``make run`` calls): the whole monitor on one machine.

Starts the local broker (unless KAFKA_BOOTSTRAP_SERVERS is set), creates the topics,
starts a worker process, publishes the given articles, and prints stance events and
alerts as they arrive. Ctrl-C or SIGTERM stops the worker, then the broker.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

from kafka import KafkaConsumer, TopicPartition

from streams.admin import ensure_topics
from streams.client import publish_paths, render
from streams.errors import BrokerError
from streams.security import kafka_python_config
from streams.settings import Settings
from streams.topics import ALERTS, STANCE_EVENTS

WORKER_START_TIMEOUT = 120.0


class _Stop(Exception):
    pass


class _StopSignal:
    """Ctrl-C and SIGTERM: interrupt start-up at once, end the watch loop at its next poll.

    While watching, the handler only sets a flag: kafka-python's poll loop catches
    BaseException, so an exception raised inside it would be lost.
    """

    def __init__(self) -> None:
        self.requested = threading.Event()
        self.watching = False

    def __call__(self, signum: int, frame: FrameType | None) -> None:
        self.requested.set()
        if not self.watching:
            raise _Stop()


def run_demo(settings: Settings, paths: list[Path], *, exit_after: float | None) -> int:
    """Run broker, topics, worker and publisher; show what the monitor finds."""
    stop = _StopSignal()
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    with contextlib.ExitStack() as stack:
        try:
            if settings.uses_local_broker:
                from streams.kafka_local import LocalKafka

                broker = LocalKafka(settings)
                print(f"starting the local Kafka broker on {broker.bootstrap} ...", flush=True)
                broker.start()
                stack.callback(_announce_and, "stopping the Kafka broker", broker.stop)
            else:
                print(f"using the Kafka cluster at {settings.kafka_bootstrap}", flush=True)
            for status in ensure_topics(settings):
                print(f"topic {status.spec.name}: {status.state}", flush=True)
            worker = stack.enter_context(_worker_process(settings))
            print(f"metrics: {settings.web_url}/metrics", flush=True)
            print(f"live page: {settings.web_url}/live", flush=True)
            publish_paths(settings, [str(p) for p in paths], raw=False, as_json=False)
            print("watching stance-events and alerts (Ctrl-C to stop) ...", flush=True)
            stop.watching = True
            _watch(settings, worker, exit_after, stop.requested)
            stop.watching = False
            if stop.requested.is_set():
                print("\nstopping ...", flush=True)
        except (_Stop, KeyboardInterrupt):
            stop.watching = False
            print("\nstopping ...", flush=True)
    print("stopped.", flush=True)
    return 0


def _announce_and(message: str, action: object) -> None:
    print(message + " ...", flush=True)
    action()  # type: ignore[operator]


@contextlib.contextmanager
def _worker_process(settings: Settings) -> Iterator[subprocess.Popen[bytes]]:
    env = dict(os.environ)
    env.setdefault("KAFKA_BOOTSTRAP_SERVERS", settings.kafka_bootstrap)
    if settings.pin_cpus is not None:  # as decided for this one machine (cli._one_machine)
        env.setdefault("STANCEWATCH_PIN_CPUS", str(settings.pin_cpus))
    print("starting a worker (loading the spaCy model) ...", flush=True)
    proc = subprocess.Popen(
        [sys.executable, "-m", "streams.cli", "worker"], env=env, start_new_session=True
    )
    try:
        _wait_for_metrics(settings, proc)
        yield proc
    finally:
        print("stopping the worker ...", flush=True)
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _wait_for_metrics(settings: Settings, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + WORKER_START_TIMEOUT
    url = f"{settings.web_url}/metrics"
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise BrokerError(f"the worker exited with code {proc.returncode} during start-up")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                ready = b"stancewatch_model_load_seconds" in response.read()
            if ready and _model_loaded(url):
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise BrokerError(f"the worker did not come up within {WORKER_START_TIMEOUT:.0f} s")


def _model_loaded(url: str) -> bool:
    with urllib.request.urlopen(url, timeout=2) as response:
        for line in response.read().decode().splitlines():
            if line.startswith("stancewatch_model_load_seconds "):
                return float(line.split()[1]) > 0
    return False


def _watch(
    settings: Settings,
    worker: subprocess.Popen[bytes],
    exit_after: float | None,
    stop: threading.Event,
) -> None:
    topics = {settings.topic(STANCE_EVENTS): "events", settings.topic(ALERTS): "alerts"}
    consumer = KafkaConsumer(
        bootstrap_servers=settings.kafka_bootstrap,
        enable_auto_commit=False,
        client_id=f"{settings.app_id}-demo",
        # Show records as they come: do not let the broker hold a fetch for 500 ms per
        # partition round (kafka-python's default) when most partitions are empty.
        fetch_max_wait_ms=50,
        **kafka_python_config(settings),
    )
    assignment = [
        TopicPartition(name, p)
        for name in topics
        for p in sorted(consumer.partitions_for_topic(name) or ())
    ]
    consumer.assign(assignment)
    consumer.seek_to_beginning(*assignment)
    deadline = None if exit_after is None else time.monotonic() + exit_after
    parent = os.getppid()
    try:
        while deadline is None or time.monotonic() < deadline:
            # Stop on a signal, or when whoever started us (e.g. make) has gone away.
            if stop.is_set() or os.getppid() != parent:
                return
            if worker.poll() is not None:
                raise BrokerError(f"the worker exited with code {worker.returncode}")
            for _tp, records in consumer.poll(timeout_ms=500).items():
                for record in records:
                    print(
                        render(record.value, kind=topics[record.topic], as_json=False), flush=True
                    )
    finally:
        consumer.close()
