"""Alert rule files: YAML, loaded and validated into frozen ``Rule`` values.

A rule file has a ``version`` and a list of ``rules``; each rule has ``id``,
``description``, ``severity`` (critical | warning | info), ``kind`` (``match``),
``filters`` and an optional ``topic`` to route its alerts to (besides ``alerts`` and
``alerts.<severity>``). Problems are reported all at once, each with the rule id and
field, so a user can fix a file in one go.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from processors.errors import StancewatchError
from processors.types import PLOVER_TYPES

SEVERITIES = ("critical", "warning", "info")
KINDS = ("match",)
_LIST_FILTERS = (
    "event_types",
    "actors",
    "recipients",
    "sectors",
    "modes",
    "contexts",
    "polarity",
    "keywords",
)
_NUMBER_FILTERS = ("min_confidence", "min_intensity", "max_intensity")


class RuleFileError(StancewatchError):
    """A rule file is invalid; ``problems`` lists each one."""

    def __init__(self, source: str, problems: list[str]) -> None:
        super().__init__(f"{source}: " + "; ".join(problems))
        self.source = source
        self.problems = problems


@dataclass(frozen=True)
class Filters:
    event_types: frozenset[str] = frozenset()
    actors: frozenset[str] = frozenset()
    recipients: frozenset[str] = frozenset()
    sectors: frozenset[str] = frozenset()
    modes: frozenset[str] = frozenset()
    contexts: frozenset[str] = frozenset()
    polarity: frozenset[str] = frozenset()
    keywords: tuple[str, ...] = ()
    min_confidence: float = 0.0
    min_intensity: float | None = None
    max_intensity: float | None = None


@dataclass(frozen=True)
class Rule:
    id: str
    description: str
    severity: str
    kind: str
    filters: Filters
    topic: str | None = None


@dataclass(frozen=True)
class RuleSet:
    version: str
    rules: tuple[Rule, ...]


def default_rules_text() -> str:
    return resources.files("processors").joinpath("data/rules.yaml").read_text("utf-8")


def load_rules(path: Path | None = None) -> RuleSet:
    """Load and validate a rule file (the shipped defaults when ``path`` is None)."""
    if path is None:
        return parse_rules(default_rules_text(), source="default rules")
    try:
        text = path.read_text("utf-8")
    except OSError as exc:
        raise RuleFileError(str(path), [f"cannot read the file: {exc.strerror}"]) from None
    return parse_rules(text, source=str(path))


def parse_rules(text: str, *, source: str = "<rules>") -> RuleSet:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise RuleFileError(source, [f"not valid YAML: {exc}"]) from None
    problems: list[str] = []
    if not isinstance(data, Mapping) or not isinstance(data.get("rules"), list):
        raise RuleFileError(source, ["expected a mapping with a 'rules' list"])
    version = str(data.get("version", "unversioned"))
    rules: list[Rule] = []
    seen: set[str] = set()
    for n, raw in enumerate(data["rules"], start=1):
        rule_id = raw.get("id") if isinstance(raw, Mapping) else None
        if isinstance(rule_id, str) and rule_id in seen:
            problems.append(f"rule {rule_id!r}: field 'id': duplicate id")
        if isinstance(rule_id, str):
            seen.add(rule_id)
        rule = _parse_rule(raw, n, problems)
        if rule is not None:
            rules.append(rule)
    if problems:
        raise RuleFileError(source, problems)
    return RuleSet(version, tuple(rules))


def _parse_rule(raw: Any, n: int, problems: list[str]) -> Rule | None:
    if not isinstance(raw, Mapping):
        problems.append(f"rule #{n}: expected a mapping")
        return None
    rule_id = raw.get("id")
    label = f"rule {rule_id!r}" if rule_id else f"rule #{n}"
    start = len(problems)
    if not isinstance(rule_id, str) or not rule_id:
        problems.append(f"{label}: field 'id': expected a non-empty string")
    severity = raw.get("severity")
    if severity not in SEVERITIES:
        problems.append(f"{label}: field 'severity': expected one of {', '.join(SEVERITIES)}")
    kind = raw.get("kind", "match")
    if kind not in KINDS:
        problems.append(f"{label}: field 'kind': expected one of {', '.join(KINDS)}")
    topic = raw.get("topic")
    if topic is not None and not isinstance(topic, str):
        problems.append(f"{label}: field 'topic': expected a topic name")
    filters = _parse_filters(raw.get("filters") or {}, label, problems)
    if len(problems) > start or filters is None:
        return None
    return Rule(
        str(rule_id), str(raw.get("description", "")), str(severity), str(kind), filters, topic
    )


def _parse_filters(raw: Any, label: str, problems: list[str]) -> Filters | None:
    if not isinstance(raw, Mapping):
        problems.append(f"{label}: field 'filters': expected a mapping")
        return None
    values: dict[str, Any] = {}
    for key, value in raw.items():
        field = f"filters.{key}"
        if key in _LIST_FILTERS:
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                problems.append(f"{label}: field '{field}': expected a list of strings")
                continue
            if key == "event_types":
                unknown = [v for v in value if v.upper() not in PLOVER_TYPES]
                if unknown:
                    problems.append(f"{label}: field '{field}': unknown PLOVER types {unknown}")
                    continue
                value = [v.upper() for v in value]
            values[key] = tuple(v.lower() for v in value) if key == "keywords" else frozenset(value)
        elif key in _NUMBER_FILTERS:
            if not isinstance(value, int | float) or isinstance(value, bool):
                problems.append(f"{label}: field '{field}': expected a number")
                continue
            values[key] = float(value)
        else:
            problems.append(f"{label}: field '{field}': unknown filter")
    return Filters(**values)
