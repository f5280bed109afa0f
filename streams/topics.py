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
    #: Topic configuration set at creation (e.g. compaction for changelogs).
    configs: tuple[tuple[str, str], ...] = ()


def changelog_topic(settings: Settings, table: str) -> str:
    """The changelog topic Faust uses for one of the worker's tables."""
    return f"{settings.app_id}-{table}-changelog"


def topic_specs(settings: Settings) -> list[TopicSpec]:
    """All topics with their partition counts, in data-flow order.

    The routing topics named by the rule file (``topic:`` of a rule) come next, and the
    changelog topics of the worker's tables last: they are created here, compacted and
    with the partitions of their source topics, before any worker starts. (Left to
    Faust, they appear while the first worker starts; when the group leader's metadata
    does not have one yet it assigns none of its partitions, "Ignoring missing topic",
    and that table stays without them until the next metadata refresh, minutes later.)
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
        *(
            TopicSpec(changelog_topic(settings, table), partitions, "table key", what, COMPACTED)
            for table, partitions, what in (
                (TABLE_ARTICLES_SEEN, art, "changelog: article id -> where first read"),
                (TABLE_ALERTED_EVENTS, ev, "changelog: event id -> when its alerts went out"),
                (TABLE_RULE_WINDOWS, ev, "changelog: rule and group -> window state"),
            )
        ),
    ]


COMPACTED = (("cleanup.policy", "compact"),)
