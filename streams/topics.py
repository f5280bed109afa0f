"""Every topic of the monitor: its name, key, value and partition count.

Topics are created up front (``stancewatch topics``); nothing relies on broker
auto-creation.
"""

from __future__ import annotations

from dataclasses import dataclass

from processors.rules import load_rules
from streams.settings import Settings

ARTICLES = "articles"
ANNOTATED = "annotated-articles"
STANCE_EVENTS = "stance-events"
STANCE_GROUPS = "stance-groups"
ALERTS = "alerts"
ALERTS_CRITICAL = "alerts.critical"
ALERTS_WARNING = "alerts.warning"
ALERTS_INFO = "alerts.info"
DLQ = "articles.dlq"

SEVERITIES = ("critical", "warning", "info")

#: The worker's Faust tables (their changelog topics are ``<app id>-<table>-changelog``).
TABLE_ARTICLES_SEEN = "articles-seen"
TABLE_ALERTED_EVENTS = "alerted-events"
TABLE_RULE_WINDOWS = "rule-windows"


@dataclass(frozen=True)
class TopicSpec:
    """A topic the monitor uses: full name, partitions, key and value description."""

    name: str
    partitions: int
    key: str
    value: str


def topic_specs(settings: Settings) -> list[TopicSpec]:
    """All topics with their partition counts, in data-flow order.

    The routing topics named by the rule file (``topic:`` of a rule) come last. The
    changelog topics of the worker's tables are left to Faust.
    """
    art, ev = settings.articles_partitions, settings.events_partitions
    t = settings.topic
    rule_topics = load_rules(settings.rules_path).topics()
    return [
        TopicSpec(t(ARTICLES), art, "article id", "Article JSON (raw bytes accepted)"),
        TopicSpec(t(ANNOTATED), art, "article id", "AnnotatedArticle JSON"),
        TopicSpec(t(STANCE_EVENTS), ev, "actor pair 'SRC>TGT'", "StanceEvent JSON"),
        TopicSpec(
            t(STANCE_GROUPS),
            ev,
            "group: 'CHN', 'NATO' or 'CHN>NATO'",
            "internal: a stance event routed to one group of the stateful rules",
        ),
        TopicSpec(t(ALERTS), ev, "alert id", "Alert JSON (every severity)"),
        TopicSpec(t(ALERTS_CRITICAL), ev, "alert id", "Alert JSON"),
        TopicSpec(t(ALERTS_WARNING), ev, "alert id", "Alert JSON"),
        TopicSpec(t(ALERTS_INFO), ev, "alert id", "Alert JSON"),
        TopicSpec(t(DLQ), ev, "article id or none", "DeadLetter JSON"),
        *(TopicSpec(t(name), ev, "alert id", "Alert JSON (a rule's own)") for name in rule_topics),
    ]
