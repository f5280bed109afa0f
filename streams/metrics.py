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
ARTICLES_FAILED = Counter(
    "stancewatch_articles_failed",
    "Article records sent to the dead-letter topic, by reason.",
    ["reason"],
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
BATCH_SIZE = Histogram(
    "stancewatch_batch_size_articles",
    "Articles per NLP batch.",
    buckets=(1, 2, 4, 8, 16, 32, 64, 128),
    registry=REGISTRY,
)
PROCESSING_SECONDS = Histogram(
    "stancewatch_processing_seconds",
    "Time to annotate one batch in the NLP process pool, in seconds.",
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
    "stancewatch_entities_extracted_total",
    "stancewatch_events_extracted_total",
    "stancewatch_alerts_emitted_total",
    "stancewatch_batch_size_articles",
    "stancewatch_processing_seconds",
    "stancewatch_end_to_end_latency_seconds",
    "stancewatch_model_load_seconds",
    "stancewatch_worker_info",
)
