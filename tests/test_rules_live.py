"""Alert rules on the real broker: the default rules on the seed, the backtest against
what the live path emitted, and rules changed without a restart."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from kafka import KafkaConsumer, TopicPartition

from processors.types import Article
from streams.settings import Settings
from tests.conftest import ROOT, SEED, settings_env
from tests.kafka_helpers import metric, produce, read_until, worker_process

pytestmark = pytest.mark.integration

WINDOWED = {"conflict-pressure", "close-engagement", "new-hostile-pair"}
#: Fields of an alert that do not depend on when it was computed (emitted_at does).
STABLE = (
    "alert_id", "rule", "severity", "kind", "title", "summary", "actor", "recipient",
    "value", "threshold", "window_start", "window_end", "evidence", "first_seen",
    "last_seen", "rules_version", "group_by", "group",
)  # fmt: skip


def cli(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "streams.cli", *args],
        env=settings_env(settings),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def stable(alerts: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return sorted(tuple(json.dumps(a[k], sort_keys=True) for k in STABLE) for a in alerts)


def seed_timestamp(settings: Settings) -> float:
    """The broker timestamp of the (single) record on the articles topic."""
    name = settings.topic("articles")
    consumer = KafkaConsumer(bootstrap_servers=settings.kafka_bootstrap, enable_auto_commit=False)
    try:
        parts = [TopicPartition(name, p) for p in sorted(consumer.partitions_for_topic(name))]
        consumer.assign(parts)
        consumer.seek_to_beginning(*parts)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            for batch in consumer.poll(timeout_ms=500).values():
                return batch[0].timestamp / 1000
        raise AssertionError("no record on the articles topic")
    finally:
        consumer.close()


def test_default_rules_on_the_seed_and_a_backtest_that_matches_the_live_path(
    kafka_settings: Settings,
) -> None:
    with worker_process(kafka_settings):
        published = cli(kafka_settings, "publish", "seeds")
        assert published.returncode == 0, published.stderr
        live = read_until(
            kafka_settings, "alerts", lambda r: {a["rule"] for a in r} >= WINDOWED, timeout=120
        )
        # Everything the seed fires has arrived once the windowed alerts are there;
        # wait a moment for stragglers and read again.
        time.sleep(2)
        live = read_until(kafka_settings, "alerts", lambda r: False, timeout=3)
    by_rule = {a["rule"]: a for a in live}
    assert by_rule["conflict-pressure"]["group"] == "CHN"
    assert by_rule["conflict-pressure"]["value"] == 3.0
    assert by_rule["close-engagement"]["group"] == "CHN>RUS"
    assert by_rule["new-hostile-pair"]["group"] == "RUS>USA"
    assert len({a["alert_id"] for a in live}) == len(live)
    assert all(a["rules_version"].startswith("default-2@") for a in live)
    warnings = read_until(kafka_settings, "alerts.warning", lambda r: False, timeout=3)
    assert by_rule["conflict-pressure"]["alert_id"] in {a["alert_id"] for a in warnings}
    # The seed has no published_at: its event time is when it reached the articles topic.
    ingest = seed_timestamp(kafka_settings)
    day = datetime.fromtimestamp(ingest, UTC).strftime("%Y-%m-%dT00:00:00Z")
    assert by_rule["conflict-pressure"]["window_start"] == day

    from_topic = cli(kafka_settings, "backtest", "--topic", "articles", "--from", "2000-01-01",
                     "--json")  # fmt: skip
    assert from_topic.returncode == 0, from_topic.stderr
    offline = [json.loads(line) for line in from_topic.stdout.splitlines()]
    assert stable(offline) == stable(live)

    stamp = datetime.fromtimestamp(ingest, UTC).isoformat(timespec="milliseconds")
    from_files = cli(kafka_settings, "backtest", "seeds", "--ingest-time", stamp, "--json")
    assert from_files.returncode == 0, from_files.stderr
    assert stable([json.loads(x) for x in from_files.stdout.splitlines()]) == stable(live)


RULES_V1 = """\
version: v1
rules:
  - id: accusations
    description: Any accusation.
    severity: warning
    kind: match
    topic: alerts.analyst
    filters: {event_types: [ACCUSE]}
"""

RULES_V2 = (
    RULES_V1.replace("version: v1", "version: v2")
    + """\
  - id: two-accusations
    description: Two accusations by one actor in a day.
    severity: critical
    kind: threshold
    group_by: actor
    window: 1d
    min_count: 2
    topic: alerts.desk
    filters: {event_types: [ACCUSE]}
"""
)


def article(n: int) -> tuple[bytes, bytes]:
    a = Article(id=f"seed-{n}", text=SEED.read_text("utf-8"), published_at="2023-02-24T12:00:00Z")
    return a.id.encode(), json.dumps(a.to_dict()).encode()


def wait_for(check: Any, what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, what
        time.sleep(0.3)


def test_rules_change_without_a_restart(kafka_settings: Settings, tmp_path: Path) -> None:
    rules_file = tmp_path / "rules.yaml"
    rules_file.write_text(RULES_V1)
    settings = kafka_settings.with_overrides(rules_path=rules_file, rules_reload_interval=0.5)
    # `stancewatch topics` creates the rule file's routing topics with the others.
    created = cli(settings, "topics")
    assert created.returncode == 0 and "alerts.analyst" in created.stdout, created.stdout
    with worker_process(settings) as worker:
        produce(settings, [article(1)])
        first = read_until(settings, "alerts.analyst", lambda r: len(r) >= 2)
        assert {a["rules_version"] for a in first} == {first[0]["rules_version"]}
        assert first[0]["rules_version"].startswith("v1@")

        rules_file.write_text(RULES_V2)
        wait_for(
            lambda: metric(settings, "stancewatch_rules_reloads_total", 'result="ok"') == 1.0,
            "the edited rule file was not reloaded",
        )
        produce(settings, [article(2)])
        desk = read_until(settings, "alerts.desk", lambda r: len(r) >= 1)  # a new topic
        assert desk[0]["rule"] == "two-accusations" and desk[0]["group"] == "CHN"
        assert desk[0]["rules_version"].startswith("v2@")
        analyst = read_until(settings, "alerts.analyst", lambda r: len(r) >= 4)
        assert {a["rules_version"][:3] for a in analyst} == {"v1@", "v2@"}

        rules_file.write_text(RULES_V2.replace("kind: threshold", "kind: thresh"))
        wait_for(
            lambda: metric(settings, "stancewatch_rules_reloads_total", 'result="error"') == 1.0,
            "a broken rule file was not reported",
        )
        produce(settings, [article(3)])
        analyst = read_until(settings, "alerts.analyst", lambda r: len(r) >= 6)
        assert analyst[-1]["rules_version"].startswith("v2@")  # the rules in force stay
        assert worker.poll() is None
