"""The settings object, and the rule that processors/ stays free of Kafka and Faust."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from streams.errors import ConfigError
from streams.settings import ENV_VARS, Settings
from streams.topics import topic_specs

ROOT = Path(__file__).resolve().parent.parent


def test_settings_from_env_reads_every_documented_variable() -> None:
    s = Settings.from_env(
        {
            "KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:19092",
            "STANCEWATCH_BATCH_SIZE": "4",
            "STANCEWATCH_BATCH_WITHIN": "0.5",
            "STANCEWATCH_TOPIC_PREFIX": "x.",
        }
    )
    assert s.kafka_bootstrap == "127.0.0.1:19092" and not s.uses_local_broker
    assert (s.batch_size, s.batch_within, s.topic("articles")) == (4, 0.5, "x.articles")
    readme = (ROOT / "README.md").read_text("utf-8")
    undocumented = [var for var in ENV_VARS if var not in readme]
    assert not undocumented, f"settings missing from the README: {undocumented}"


def test_bad_setting_is_a_clear_error() -> None:
    with pytest.raises(ConfigError, match="STANCEWATCH_BATCH_SIZE='many'"):
        Settings.from_env({"STANCEWATCH_BATCH_SIZE": "many"})


@pytest.mark.parametrize(
    ("var", "value", "says"),
    [
        ("STANCEWATCH_MAX_RECORD_BYTES", "100", "needs room for its reason"),
        ("STANCEWATCH_STALL_SECONDS", "1", "read again needlessly"),
    ],
)
def test_settings_below_their_floor_are_refused_with_the_reason(
    var: str, value: str, says: str
) -> None:
    with pytest.raises(ConfigError, match=f"{var}=.* is below .*{says}"):
        Settings.from_env({var: value})


def test_defaults_use_the_local_broker_on_loopback() -> None:
    s = Settings.from_env({})
    assert s.uses_local_broker and s.kafka_bootstrap == "127.0.0.1:9092"
    assert s.web_bind == "127.0.0.1"


def test_topics_have_explicit_partitions() -> None:
    specs = {t.name: t.partitions for t in topic_specs(Settings())}
    assert specs["articles"] == 8
    assert set(specs) == {
        "articles",
        "annotated-articles",
        "stance-groups",
        "stance-events",
        "alerts",
        "alerts.critical",
        "alerts.warning",
        "alerts.info",
        "articles.dlq",
        "stancewatch-articles-seen-changelog",
        "stancewatch-alerted-events-changelog",
        "stancewatch-rule-windows-changelog",
    }
    changelogs = [t for t in topic_specs(Settings()) if t.name.endswith("-changelog")]
    assert all(dict(t.configs) == {"cleanup.policy": "compact"} for t in changelogs)
    assert specs["stancewatch-articles-seen-changelog"] == specs["articles"]
    assert specs["stancewatch-rule-windows-changelog"] == specs["stance-groups"]


def test_processors_import_no_kafka_faust_or_asyncio() -> None:
    forbidden = {"faust", "kafka", "aiokafka", "asyncio", "mode", "streams"}
    offenders = []
    for path in (ROOT / "processors").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] in forbidden]
    assert not offenders
