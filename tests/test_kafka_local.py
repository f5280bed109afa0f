"""The project's local Kafka broker (streams/kafka_local.py).

Integration tests start real JVMs; they reuse the jars of a shared cache
(``STANCEWATCH_KAFKA_DIR``, default ``.cache/kafka``; fetched with Maven on first use).
"""

from __future__ import annotations

import contextlib
import os
import socket
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from streams.errors import BrokerError
from streams.kafka_local import LocalKafka, free_port_pair, kafka_command
from streams.settings import Settings

SHARED_KAFKA_DIR = Path(os.environ.get("STANCEWATCH_KAFKA_DIR", ".cache/kafka"))


def _jvm_gone(pid: int) -> bool:
    """True when ``pid`` no longer runs (absent, or a zombie nobody reaped yet)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except (OSError, IndexError):
        return False
    return state in ("Z", "X")


@pytest.fixture(scope="session")
def shared_libs() -> Path:
    """The broker's jars, fetched once into the shared cache."""
    return LocalKafka(Settings(local_kafka_dir=SHARED_KAFKA_DIR)).fetch()


@pytest.fixture
def brokers() -> Iterator[list[LocalKafka]]:
    """Brokers a test registers here are stopped at teardown, whatever happened."""
    started: list[LocalKafka] = []
    yield started
    for broker in started:
        broker.stop()
        assert not broker.is_running()


@pytest.fixture
def private_kafka_dir(tmp_path: Path, shared_libs: Path) -> Path:
    """A kafka dir of its own (data dirs land in it) that reuses the shared jars."""
    kafka_dir = tmp_path / "kafka"
    kafka_dir.mkdir()
    (kafka_dir / "libs").symlink_to(shared_libs.absolute(), target_is_directory=True)
    return kafka_dir


def _admin(bootstrap: str) -> object:
    from kafka import KafkaAdminClient

    return KafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=15000)


# -- without a JVM ----------------------------------------------------------------------


def test_free_port_pair_gives_two_free_ports() -> None:
    port = free_port_pair()
    for p in (port, port + 1):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", p))


def test_defaults_and_stopped_status(tmp_path: Path) -> None:
    settings = Settings(local_kafka_port=19092, local_kafka_dir=tmp_path / "k")
    broker = LocalKafka(settings)
    assert broker.bootstrap == "127.0.0.1:19092" == settings.kafka_bootstrap
    assert broker.data_dir == (tmp_path / "k" / "data-19092").absolute()
    assert broker.status() == "stopped"
    assert not broker.is_running()
    broker.stop()  # no-op
    (broker.data_dir).mkdir(parents=True)
    broker.pid_file.write_text("999999999\n")  # stale pid file
    assert broker.status() == "stopped"
    broker.stop()
    assert not broker.pid_file.exists()


def test_unusable_port_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(BrokerError, match="port 65535"):
        LocalKafka(Settings(local_kafka_port=65535, local_kafka_dir=tmp_path))


def test_port_taken_by_another_process(tmp_path: Path) -> None:
    port = free_port_pair()
    with socket.socket() as other:
        other.bind(("127.0.0.1", port + 1))  # the controller port
        other.listen()
        broker = LocalKafka(
            Settings(local_kafka_port=port, local_kafka_dir=tmp_path / "k"),
            data_dir=tmp_path / "data",
        )
        with pytest.raises(BrokerError, match=rf"127\.0\.0\.1:{port + 1} is already in use"):
            broker.start()
    assert not (tmp_path / "k" / "libs").exists()  # failed before any fetch
    assert broker.status() == "stopped"


def test_fetch_without_maven(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    real_which = shutil.which
    monkeypatch.setattr(shutil, "which", lambda name: None if name == "mvn" else real_which(name))
    broker = LocalKafka(Settings(local_kafka_dir=tmp_path / "k"))
    with pytest.raises(BrokerError, match=r"Maven \('mvn'\) is not on PATH"):
        broker.fetch()


def test_external_cluster_starts_and_stops_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = Settings(bootstrap_servers="127.0.0.1:1", local_kafka_dir=tmp_path / "k")
    for action in ("up", "status", "down"):
        assert kafka_command(action, settings) == 0
        out = capsys.readouterr().out
        assert "external Kafka cluster at 127.0.0.1:1" in out
        assert out.count("\n") == 1
    assert not (tmp_path / "k").exists()  # nothing fetched, formatted or started


def test_unknown_action(capsys: pytest.CaptureFixture[str]) -> None:
    assert kafka_command("restart", Settings()) == 2
    assert "unknown kafka action" in capsys.readouterr().err


# -- with a real broker -----------------------------------------------------------------


@pytest.mark.integration
def test_start_use_stop_restart(
    tmp_path: Path, shared_libs: Path, brokers: list[LocalKafka]
) -> None:
    settings = Settings(local_kafka_port=free_port_pair(), local_kafka_dir=SHARED_KAFKA_DIR)
    broker = LocalKafka(settings, data_dir=tmp_path / "data")
    brokers.append(broker)

    began = time.monotonic()
    broker.start()
    print(f"cold start (format + JVM) took {time.monotonic() - began:.1f}s")
    pid = broker.pid
    assert pid is not None
    assert broker.status() == f"running (pid {pid}) on {broker.bootstrap}"
    assert broker.pid_file.read_text().strip() == str(pid)

    broker.start()  # already running: no second JVM
    assert broker.pid == pid

    admin = _admin(broker.bootstrap)
    try:
        admin.create_topics(  # type: ignore[attr-defined]
            {"sw-test": {"num_partitions": 3, "replication_factor": 1}}
        )
        assert "sw-test" in admin.list_topics()  # type: ignore[attr-defined]
    finally:
        admin.close()  # type: ignore[attr-defined]

    broker.stop()
    assert _jvm_gone(pid), "the broker's JVM outlived stop()"
    assert broker.status() == "stopped"
    assert not broker.pid_file.exists()

    began = time.monotonic()
    broker.start()  # already formatted data dir
    print(f"warm start took {time.monotonic() - began:.1f}s")
    assert broker.is_running() and broker.pid != pid
    admin = _admin(broker.bootstrap)
    try:
        assert "sw-test" in admin.list_topics()  # type: ignore[attr-defined]
    finally:
        admin.close()  # type: ignore[attr-defined]
    new_pid = broker.pid
    assert new_pid is not None
    broker.stop()
    assert _jvm_gone(new_pid)


@pytest.mark.integration
def test_cli_up_status_down(
    private_kafka_dir: Path, brokers: list[LocalKafka], capsys: pytest.CaptureFixture[str]
) -> None:
    settings = Settings(local_kafka_port=free_port_pair(), local_kafka_dir=private_kafka_dir)
    broker = LocalKafka(settings)
    brokers.append(broker)
    bootstrap = settings.kafka_bootstrap

    assert kafka_command("up", settings) == 0
    assert f"running on {bootstrap}" in capsys.readouterr().out
    pid = broker.pid
    assert pid is not None
    assert kafka_command("up", settings) == 0
    assert "already running" in capsys.readouterr().out
    assert kafka_command("status", settings) == 0
    assert f"running (pid {pid}) on {bootstrap}" in capsys.readouterr().out
    assert kafka_command("down", settings) == 0
    assert "stopped" in capsys.readouterr().out
    assert _jvm_gone(pid)
    assert kafka_command("status", settings) == 3
    assert "stopped" in capsys.readouterr().out
    assert kafka_command("down", settings) == 0
    assert "was not running" in capsys.readouterr().out


@pytest.mark.integration
def test_broker_dying_at_startup_is_reported(
    tmp_path: Path, shared_libs: Path, brokers: list[LocalKafka]
) -> None:
    settings = Settings(local_kafka_port=free_port_pair(), local_kafka_dir=SHARED_KAFKA_DIR)
    broker = LocalKafka(settings, data_dir=tmp_path / "data")
    brokers.append(broker)
    broker.log_dir.mkdir(parents=True)
    # Storage formatted for another node: the broker refuses to start.
    (broker.log_dir / "meta.properties").write_text(
        "version=1\ncluster.id=AAAAAAAAAAAAAAAAAAAAAA\nnode.id=7\n"
        "directory.id=AAAAAAAAAAAAAAAAAAAAAQ\n"
    )
    with pytest.raises(BrokerError, match="exited during startup") as caught:
        broker.start(timeout=60)
    assert str(broker.log_file) in str(caught.value)
    assert broker.status() == "stopped"
    assert not broker.pid_file.exists()


def test_context_manager_stops_on_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    calls: list[str] = []
    broker = LocalKafka(Settings(local_kafka_dir=tmp_path))

    def record(name: str) -> Callable[..., None]:
        return lambda *args, **kwargs: calls.append(name)

    monkeypatch.setattr(LocalKafka, "start", record("start"))
    monkeypatch.setattr(LocalKafka, "stop", record("stop"))
    with contextlib.suppress(RuntimeError), broker:
        raise RuntimeError
    assert calls == ["start", "stop"]


def test_failed_fetch_quotes_maven_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    mvn = fake_bin / "mvn"
    mvn.write_text("#!/bin/sh\necho '[ERROR] Could not resolve dependencies (offline)'\nexit 1\n")
    mvn.chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake_bin}{os.pathsep}{os.environ.get('PATH', '')}")
    broker = LocalKafka(Settings(local_kafka_dir=tmp_path / "k"))
    with pytest.raises(BrokerError, match=r"(?s)Maven failed \(exit code 1.*Could not resolve"):
        broker.fetch()
    assert not (tmp_path / "k" / "libs").exists()
