"""The ``stancewatch`` command exactly as the README shows it, against a real broker."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from streams.settings import Settings
from tests.conftest import KAFKA_DIR, ROOT, SEED, free_port, settings_env
from tests.kafka_helpers import worker_process

pytestmark = pytest.mark.integration
STANCEWATCH = [sys.executable, "-m", "streams.cli"]


def run(
    args: list[str], env: dict[str, str], *, stdin: str | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*STANCEWATCH, *args],
        env=env,
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def test_topics_publish_alerts_events_as_in_the_readme(kafka_settings: Settings) -> None:
    env = settings_env(kafka_settings)
    created = run(["topics"], env)
    assert created.returncode == 0, created.stderr
    assert created.stdout.count("created") == 12
    checked = run(["topics", "--check"], env)
    assert checked.returncode == 0 and checked.stdout.count("ok") == 12

    with worker_process(kafka_settings):
        published = run(["publish", "seeds"], env)
        assert published.returncode == 0, published.stderr
        assert "China calls for a cease-fire" in published.stdout
        assert f"-> {kafka_settings.topic('articles')}[" in published.stdout

        alerts = run(["alerts", "--timeout", "20"], env)
        assert alerts.returncode == 0, alerts.stderr
        assert "[WARNING] An actor accuses a great power" in alerts.stdout
        assert "[INFO] A call for a ceasefire or peace talks: CHN REQUEST" in alerts.stdout
        assert "evidence: \u201c" in alerts.stdout

        critical = run(["alerts", "--topic", "alerts.critical", "--json", "--timeout", "3"], env)
        records = [json.loads(line) for line in critical.stdout.splitlines()]
        assert records and all(r["severity"] == "critical" for r in records)

        events = run(["events", "--json", "--timeout", "3"], env)
        types = {json.loads(line)["event_type"] for line in events.stdout.splitlines()}
        assert {"REQUEST", "ACCUSE", "THREATEN"} <= types

        # Publishing the same text again gives the same id (plain text gets a stable id).
        again = run(["publish", "-"], env, stdin=SEED.read_text("utf-8"))
        first_id = published.stdout.split()[1]
        assert again.stdout.split()[1] == first_id


def test_extract_prints_the_annotated_article_without_kafka() -> None:
    env = {**os.environ, "KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:1"}  # never contacted
    result = run(["extract", str(SEED)], env)
    assert result.returncode == 0, result.stderr
    annotated = json.loads(result.stdout)
    assert annotated["schema_version"] == 1
    assert any(e["event_type"] == "REQUEST" for e in annotated["events"])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["publish", "no/such/file.txt"], "no/such/file.txt: no such file or folder"),
        (["extract", "no/such/file.txt"], "no such file or folder"),
    ],
)
def test_user_errors_are_one_line_without_traceback(args: list[str], message: str) -> None:
    result = run(args, dict(os.environ))
    assert result.returncode == 1
    assert message in result.stderr and "Traceback" not in result.stderr


def test_unreachable_broker_is_a_clear_error() -> None:
    env = {**os.environ, "KAFKA_BOOTSTRAP_SERVERS": f"127.0.0.1:{free_port()}"}
    result = run(["topics"], env, timeout=60)
    assert result.returncode == 1
    assert "cannot reach Kafka" in result.stderr and "Traceback" not in result.stderr


def test_run_starts_broker_and_worker_shows_findings_and_stops_cleanly(
    tmp_path: Path,
) -> None:
    """`make run` in miniature: its own local broker, a worker, the seeds, then a clean stop."""
    port = _free_pair()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STANCEWATCH_", "KAFKA_"))}
    env |= {
        "STANCEWATCH_KAFKA_PORT": str(port),
        "STANCEWATCH_KAFKA_DIR": str(KAFKA_DIR),
        "STANCEWATCH_WEB_PORT": str(free_port()),
        "STANCEWATCH_DATA_DIR": str(tmp_path / "worker"),
    }
    # Bounded, with room for a loaded machine: start-up, 25 s of watching, a clean stop.
    try:
        result = run(["run", "seeds", "--exit-after", "25"], env, timeout=480)
    finally:  # the demo keeps its broker's data between runs; this one is a test's
        shutil.rmtree(KAFKA_DIR / f"data-{port}", ignore_errors=True)
    out = result.stdout
    assert result.returncode == 0, result.stderr[-2000:]
    assert f"starting the local Kafka broker on 127.0.0.1:{port}" in out
    assert "metrics: http://127.0.0.1:" in out
    assert "EVENT REQUEST   China (CHN) -> Russia (RUS), Ukraine (UKR)" in out
    assert "[WARNING] An actor accuses a great power" in out
    assert "[WARNING] One actor directs several conflictual statements" in out  # windowed
    # No agent crashed on the way (e.g. a table refusing writes while its changelog
    # topic was still unknown to the worker's metadata).
    assert "Crashed" not in out + result.stderr
    assert out.rstrip().endswith("stopped.")
    leftover = subprocess.run(
        ["pgrep", "-f", f"data-{port}/server.properties"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert leftover.stdout.strip() == "", "the broker JVM must be stopped"


def _free_pair() -> int:
    from streams.kafka_local import free_port_pair

    return free_port_pair()


def test_worker_refuses_to_start_without_its_topics(kafka_settings: Settings) -> None:
    env = settings_env(kafka_settings)
    missing = run(["worker"], env, timeout=60)
    assert missing.returncode == 1
    assert "topics are not ready" in missing.stderr and "missing" in missing.stderr
    assert "Traceback" not in missing.stderr


def test_worker_refuses_to_start_when_partition_counts_disagree(
    kafka_settings: Settings,
) -> None:
    from streams.admin import ensure_topics

    ensure_topics(kafka_settings)
    env = settings_env(kafka_settings.with_overrides(articles_partitions=3))
    result = run(["worker"], env, timeout=60)
    assert result.returncode == 1
    assert "has 2 partitions, expected 3" in result.stderr
