"""Every Prometheus metric of the worker, in one place, with bounded label sets.

Labels only ever take values from small fixed sets (reasons, entity labels, PLOVER
types, rule ids from the rule file, severities): never entity text or article ids.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, Info

#: The registry the worker exposes at ``/metrics``.
REGISTRY = CollectorRegistry(auto_describe=True)

ARTICLES_CONSUMED = Counter(
    "stancewatch_articles_consumed",
    "Article records read from the articles topic.",
    registry=REGISTRY,
)
ARTICLES_PROCESSED = Counter(
    "stancewatch_articles_processed",
    "Articles annotated and published to annotated-articles.",
    registry=REGISTRY,
)
ARTICLES_DUPLICATE = Counter(
    "stancewatch_articles_duplicate",
    "Articles dropped because their id was already processed (within the retention).",
    registry=REGISTRY,
)
ARTICLES_FAILED = Counter(
    "stancewatch_articles_failed",
    "Article records sent to the dead-letter topic, by reason.",
    ["reason"],
    registry=REGISTRY,
)
BATCH_RETRIES = Counter(
    "stancewatch_batch_retries",
    "Article batches tried again because publishing their results failed.",
    registry=REGISTRY,
)
PARTITION_REREADS = Counter(
    "stancewatch_partition_rereads",
    "Input partitions read again from their committed offset after they stopped moving.",
    ["topic"],
    registry=REGISTRY,
)
ENTITIES_EXTRACTED = Counter(
    "stancewatch_entities_extracted",
    "Named entities found, by spaCy label.",
    ["label"],
    registry=REGISTRY,
)
EVENTS_EXTRACTED = Counter(
    "stancewatch_events_extracted",
    "Stance events published, by PLOVER event type.",
    ["event_type"],
    registry=REGISTRY,
)
ALERTS_EMITTED = Counter(
    "stancewatch_alerts_emitted",
    "Alerts published, by rule and severity.",
    ["rule", "severity"],
    registry=REGISTRY,
)
ARTICLES_SPLIT = Counter(
    "stancewatch_articles_split_total",
    "Articles that arrived alone and were parsed in two halves at once, the second by "
    "the helper process (STANCEWATCH_SPLIT_MIN_TOKENS).",
    registry=REGISTRY,
)
ARTICLES_EXTRACTED_BY_HELPER = Counter(
    "stancewatch_articles_extracted_by_helper_total",
    "Articles parsed by an NLP process whose actors and events the helper process "
    "extracted (STANCEWATCH_HELPER_PROCESS); the rest were extracted by the NLP process.",
    registry=REGISTRY,
)
MEMORY_RELEASED = Counter(
    "stancewatch_memory_released_bytes_total",
    "Bytes of freed C heap the worker gave back to the system after each table prune "
    "(glibc malloc_trim): what its RSS would otherwise have kept.",
    registry=REGISTRY,
)
BATCH_SIZE = Histogram(
    "stancewatch_batch_size_articles",
    "Articles per NLP batch.",
    buckets=(1, 2, 4, 8, 16, 32, 64, 128),
    registry=REGISTRY,
)
PROCESSING_SECONDS = Histogram(
    "stancewatch_processing_seconds",
    "Time to annotate and publish one batch (its chunks in the NLP processes), in seconds.",
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
    registry=REGISTRY,
)
END_TO_END_LATENCY = Histogram(
    "stancewatch_end_to_end_latency_seconds",
    "From the article's publish time (Kafka timestamp) to its annotated record sent, in seconds.",
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
    registry=REGISTRY,
)
MODEL_LOAD_SECONDS = Gauge(
    "stancewatch_model_load_seconds",
    "Time the NLP pool took to load the spaCy model at start-up, in seconds.",
    registry=REGISTRY,
)
CONSUMER_LAG = Gauge(
    "stancewatch_consumer_lag_records",
    "Records not yet committed by this worker's consumer group (end offset minus committed"
    " offset), per assigned source topic partition; refreshed every few seconds.",
    ["topic", "partition"],
    registry=REGISTRY,
)
DLQ_RECORDS = Counter(
    "stancewatch_dlq_records",
    "Dead letters acknowledged by the broker on the articles.dlq topic.",
    registry=REGISTRY,
)
RECORDS_SENT = Counter(
    "stancewatch_records_sent",
    "Records acknowledged by the broker, by topic (the name without the topic prefix).",
    ["topic"],
    registry=REGISTRY,
)
SEND_ERRORS = Counter(
    "stancewatch_send_errors",
    "Records the producer failed to send, by topic (the name without the topic prefix).",
    ["topic"],
    registry=REGISTRY,
)
COMMIT_SECONDS = Histogram(
    "stancewatch_commit_latency_seconds",
    "Time to commit consumer offsets (after the producer is flushed), in seconds.",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
    registry=REGISTRY,
)
REBALANCES = Counter(
    "stancewatch_rebalances",
    "Consumer group rebalances this worker completed.",
    registry=REGISTRY,
)
LATE_EVENTS = Counter(
    "stancewatch_late_events",
    "Events older than a stateful rule's grace (behind the group's newest event), "
    "not counted in its windows, by rule.",
    ["rule"],
    registry=REGISTRY,
)
RULE_GROUPS = Gauge(
    "stancewatch_rule_groups",
    "Groups (rule and actor, recipient or pair) with window state on this worker.",
    registry=REGISTRY,
)
RULES_RELOADS = Counter(
    "stancewatch_rules_reloads",
    "Reloads of the rule file after it changed, by result (ok, error).",
    ["result"],
    registry=REGISTRY,
)
WORKER_INFO = Info(
    "stancewatch_worker",
    "Version, spaCy model and rule set version of this worker.",
    registry=REGISTRY,
)

#: Metric names as exported (counters get ``_total``), for docs and dashboard checks.
EXPORTED_NAMES = (
    "stancewatch_articles_consumed_total",
    "stancewatch_articles_processed_total",
    "stancewatch_articles_failed_total",
    "stancewatch_articles_duplicate_total",
    "stancewatch_batch_retries_total",
    "stancewatch_partition_rereads_total",
    "stancewatch_entities_extracted_total",
    "stancewatch_events_extracted_total",
    "stancewatch_alerts_emitted_total",
    "stancewatch_articles_split_total",
    "stancewatch_articles_extracted_by_helper_total",
    "stancewatch_batch_size_articles",
    "stancewatch_processing_seconds",
    "stancewatch_end_to_end_latency_seconds",
    "stancewatch_model_load_seconds",
    "stancewatch_consumer_lag_records",
    "stancewatch_dlq_records_total",
    "stancewatch_records_sent_total",
    "stancewatch_send_errors_total",
    "stancewatch_commit_latency_seconds",
    "stancewatch_rebalances_total",
    "stancewatch_late_events_total",
    "stancewatch_rule_groups",
    "stancewatch_rules_reloads_total",
    "stancewatch_memory_released_bytes_total",
    "stancewatch_worker_info",
)
