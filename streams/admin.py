"""Topic administration with kafka-python: create what is missing, check what exists."""

from __future__ import annotations

from dataclasses import dataclass

from kafka import KafkaAdminClient
from kafka.errors import KafkaError

from streams.errors import BrokerError, TopicError
from streams.security import kafka_python_config
from streams.settings import Settings
from streams.topics import TopicSpec, topic_specs


@dataclass(frozen=True)
class TopicStatus:
    spec: TopicSpec
    state: str  # created | ok | mismatch | missing
    actual_partitions: int | None = None


def admin_client(settings: Settings, *, timeout_s: float = 10.0) -> KafkaAdminClient:
    """An admin client for the configured cluster, or a clear ``BrokerError``."""
    try:
        return KafkaAdminClient(
            bootstrap_servers=settings.kafka_bootstrap,
            client_id=f"{settings.app_id}-admin",
            request_timeout_ms=int(timeout_s * 1000),
            **kafka_python_config(settings),
        )
    except (KafkaError, OSError) as exc:
        raise BrokerError(
            f"cannot reach Kafka at {settings.kafka_bootstrap} ({type(exc).__name__}); "
            "start the local broker with 'stancewatch kafka up' or set KAFKA_BOOTSTRAP_SERVERS"
        ) from None


def existing_partitions(admin: KafkaAdminClient, names: list[str]) -> dict[str, int]:
    """Partition counts of those of ``names`` that exist."""
    present = set(admin.list_topics()) & set(names)
    if not present:
        return {}
    described = admin.describe_topics(sorted(present))
    return {t["name"]: len(t["partitions"]) for t in described if not t.get("error_code")}


def ensure_topics(settings: Settings, *, create: bool = True) -> list[TopicStatus]:
    """Create missing topics (when ``create``) and report every topic's state."""
    specs = topic_specs(settings)
    admin = admin_client(settings)
    try:
        actual = existing_partitions(admin, [s.name for s in specs])
        missing = [s for s in specs if s.name not in actual]
        if missing and create:
            admin.create_topics(
                {
                    s.name: {
                        "num_partitions": s.partitions,
                        "replication_factor": settings.replication_factor,
                        "configs": dict(s.configs),
                    }
                    for s in missing
                },
                wait_for_metadata=True,
            )
        statuses = []
        for s in specs:
            if s.name not in actual:
                statuses.append(TopicStatus(s, "created" if create else "missing"))
            elif actual[s.name] != s.partitions:
                statuses.append(TopicStatus(s, "mismatch", actual[s.name]))
            else:
                statuses.append(TopicStatus(s, "ok", actual[s.name]))
        return statuses
    except KafkaError as exc:
        raise BrokerError(f"topic administration failed: {exc}") from None
    finally:
        admin.close()


def require_topics(settings: Settings) -> None:
    """Raise ``TopicError`` unless every topic exists with its partition count."""
    problems = [s for s in ensure_topics(settings, create=False) if s.state != "ok"]
    if problems:
        lines = [
            f"  {p.spec.name}: "
            + (
                "missing"
                if p.state == "missing"
                else f"has {p.actual_partitions} partitions, expected {p.spec.partitions}"
            )
            for p in problems
        ]
        raise TopicError(
            "topics are not ready (run 'stancewatch topics' to create them):\n" + "\n".join(lines)
        )
