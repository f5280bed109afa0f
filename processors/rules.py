"""Alert rule files: YAML, loaded and validated into frozen ``Rule`` values.

A rule file has a ``version`` and a list of ``rules``. Every rule has ``id``,
``description``, ``severity`` (critical | warning | info), ``kind``, ``filters``, an
optional ``group_by`` (actor | recipient | pair), an optional ``topic`` to route its
alerts to (besides ``alerts`` and ``alerts.<severity>``) and an optional
``suppress_for``. The kinds and their own fields:

- ``match``: every event that passes the filters.
- ``threshold``: ``window``, optional ``step`` (sliding windows; tumbling without),
  ``min_count``, ``count`` (events | articles | sources).
- ``spike``: ``window``, ``baseline_windows``, ``min_count`` and ``z`` or ``ratio``.
- ``stance_shift``: ``window``, ``measure`` (intensity | polarity), ``min_delta``
  and/or ``sign_change``, ``min_count`` (events needed in each of the two windows).
- ``first_seen``: ``lookback``.

Durations are seconds or strings such as ``90s``, ``15m``, ``6h``, ``7d``, ``2w``.
Problems are reported all at once, each with the rule id, the field and what is
expected, so a user can fix a file in one go. ``processors/data/rules.schema.json``
describes the same format as a JSON Schema, for editors.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from processors.errors import StancewatchError
from processors.types import PLOVER_TYPES

SEVERITIES = ("critical", "warning", "info")
KINDS = ("match", "threshold", "spike", "stance_shift", "first_seen")
WINDOWED_KINDS = ("threshold", "spike", "stance_shift")
GROUP_BY = ("actor", "recipient", "pair")
COUNTS = ("events", "articles", "sources")
MEASURES = ("intensity", "polarity")
POLARITIES = ("support", "oppose", "neutral")
#: Late events within this much event time of the newest one still count (per rule).
DEFAULT_GRACE = 3600.0

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
_COMMON_FIELDS = {
    "id",
    "description",
    "severity",
    "kind",
    "filters",
    "group_by",
    "topic",
    "suppress_for",
}
_KIND_FIELDS: dict[str, set[str]] = {
    "match": set(),
    "threshold": {"window", "step", "min_count", "count", "grace"},
    "spike": {"window", "baseline_windows", "min_count", "z", "ratio", "grace"},
    "stance_shift": {"window", "measure", "min_delta", "sign_change", "min_count", "grace"},
    "first_seen": {"lookback"},
}
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw]?)\s*$")
_UNIT_SECONDS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_TOPIC_NAME = re.compile(r"^[A-Za-z0-9._-]{1,200}$")


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
    """One alert rule. Durations are in seconds; unused fields keep their defaults."""

    id: str
    description: str
    severity: str
    kind: str
    filters: Filters
    topic: str | None = None
    group_by: str | None = None  # None: a match rule fires per event
    suppress_for: float = 0.0
    window: float = 0.0
    step: float = 0.0  # == window for tumbling windows
    grace: float = DEFAULT_GRACE
    min_count: int = 1
    count: str = "events"
    baseline_windows: int = 0
    z: float | None = None
    ratio: float | None = None
    measure: str = "intensity"
    min_delta: float | None = None
    sign_change: bool = False
    lookback: float = 0.0
    fingerprint: str = field(default="", compare=False)

    @property
    def stateful(self) -> bool:
        """True when the rule keeps per-group state (everything but a plain match)."""
        return self.group_by is not None


@dataclass(frozen=True)
class RuleSet:
    version: str
    rules: tuple[Rule, ...]
    #: First 8 hex digits of the SHA-256 of the file's text: tells two edits apart
    #: even when the author forgot to change ``version``.
    digest: str = ""

    @property
    def label(self) -> str:
        """What alerts carry as ``rules_version``: ``<version>@<digest>``."""
        return f"{self.version}@{self.digest}" if self.digest else self.version

    def topics(self) -> list[str]:
        """The routing topics the rules name, without duplicates, in file order."""
        return list(dict.fromkeys(r.topic for r in self.rules if r.topic))


def default_rules_text() -> str:
    return resources.files("processors").joinpath("data/rules.yaml").read_text("utf-8")


def rules_schema() -> dict[str, Any]:
    """The JSON Schema of rule files."""
    text = resources.files("processors").joinpath("data/rules.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def load_rules(path: Path | None = None) -> RuleSet:
    """Load and validate a rule file (the shipped defaults when ``path`` is None)."""
    if path is None:
        return parse_rules(default_rules_text(), source="default rules")
    try:
        text = path.read_text("utf-8")
    except OSError as exc:
        raise RuleFileError(str(path), [f"cannot read the file: {exc.strerror}"]) from None
    except UnicodeDecodeError:
        raise RuleFileError(str(path), ["not UTF-8 text"]) from None
    return parse_rules(text, source=str(path))


def parse_rules(text: str, *, source: str = "<rules>") -> RuleSet:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise RuleFileError(source, [f"not valid YAML: {exc}"]) from None
    if not isinstance(data, Mapping) or not isinstance(data.get("rules"), list):
        raise RuleFileError(source, ["expected a mapping with a 'rules' list"])
    problems: list[str] = []
    for key in data:
        if key not in ("version", "rules"):
            problems.append(f"field {key!r}: unknown (expected 'version' and 'rules')")
    version = data.get("version", "unversioned")
    if not isinstance(version, str | int | float) or isinstance(version, bool):
        problems.append("field 'version': expected a string")
    rules: list[Rule] = []
    seen: set[str] = set()
    for n, raw in enumerate(data["rules"], start=1):
        rule_id = raw.get("id") if isinstance(raw, Mapping) else None
        if isinstance(rule_id, str) and rule_id in seen:
            problems.append(f"rule {rule_id!r}: field 'id': expected an id no other rule has")
        if isinstance(rule_id, str):
            seen.add(rule_id)
        rule = _parse_rule(raw, n, problems)
        if rule is not None:
            rules.append(rule)
    if problems:
        raise RuleFileError(source, problems)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]
    return RuleSet(str(version), tuple(rules), digest)


def parse_duration(value: Any) -> float | None:
    """Seconds from ``90``, ``"90s"``, ``"15m"``, ``"6h"``, ``"7d"``, ``"2w"``; None if not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if value >= 0 else None
    if isinstance(value, str) and (m := _DURATION.match(value)):
        return float(m.group(1)) * _UNIT_SECONDS[m.group(2)]
    return None


class _Fields:
    """Reads one rule's fields, collecting a problem line per bad field."""

    def __init__(self, raw: Mapping[str, Any], label: str, problems: list[str]) -> None:
        self.raw, self.label, self.problems = raw, label, problems

    def problem(self, name: str, expected: str) -> None:
        self.problems.append(f"{self.label}: field '{name}': expected {expected}")

    def duration(self, name: str, *, required: bool = False, positive: bool = True) -> float:
        if name not in self.raw:
            if required:
                self.problem(name, "a duration such as 15m, 6h or 7d (it is required)")
            return 0.0
        seconds = parse_duration(self.raw[name])
        if seconds is None or (positive and seconds <= 0):
            self.problem(name, "a duration such as 15m, 6h or 7d")
            return 0.0
        return seconds

    def number(self, name: str, *, minimum: float = 0.0, integer: bool = False) -> float | None:
        if name not in self.raw:
            return None
        value = self.raw[name]
        kind = int if integer else int | float
        if not isinstance(value, kind) or isinstance(value, bool) or value < minimum:
            what = "an integer" if integer else "a number"
            self.problem(name, f"{what} >= {minimum:g}")
            return None
        return float(value)

    def choice(self, name: str, options: tuple[str, ...], default: str | None) -> str | None:
        value = self.raw.get(name, default)
        if value is not None and value not in options:
            self.problem(name, f"one of {', '.join(options)}")
            return default
        return None if value is None else str(value)


def _parse_rule(raw: Any, n: int, problems: list[str]) -> Rule | None:
    if not isinstance(raw, Mapping):
        problems.append(f"rule #{n}: expected a mapping of fields")
        return None
    rule_id = raw.get("id")
    label = f"rule {rule_id!r}" if rule_id else f"rule #{n}"
    start = len(problems)
    f = _Fields(raw, label, problems)
    if not isinstance(rule_id, str) or not rule_id or "|" in rule_id:
        f.problem("id", "a non-empty string without '|'")
    description = raw.get("description", "")
    if not isinstance(description, str):
        f.problem("description", "a string")
    severity = f.choice("severity", SEVERITIES, None)
    if severity is None:
        f.problem("severity", f"one of {', '.join(SEVERITIES)}")
    kind = f.choice("kind", KINDS, "match") or "match"
    allowed = _COMMON_FIELDS | _KIND_FIELDS.get(kind, set())
    for key in raw:
        if key not in allowed:
            f.problem(str(key), f"one of the fields of a {kind} rule: {', '.join(sorted(allowed))}")
    topic = raw.get("topic")
    if topic is not None and not (isinstance(topic, str) and _TOPIC_NAME.match(topic)):
        f.problem("topic", "a topic name (letters, digits, '.', '_', '-')")
    group_by = f.choice("group_by", GROUP_BY, None if kind == "match" else "pair")
    suppress_for = f.duration("suppress_for", positive=False)
    if suppress_for and group_by is None:
        f.problem("group_by", "actor, recipient or pair when 'suppress_for' is set")
    filters = _parse_filters(raw.get("filters") or {}, label, problems)
    params = _kind_params(kind, f)
    if len(problems) > start or filters is None:
        return None
    rule = Rule(
        id=str(rule_id),
        description=str(description),
        severity=str(severity),
        kind=kind,
        filters=filters,
        topic=topic,
        group_by=group_by,
        suppress_for=suppress_for,
        **params,
    )
    fingerprint = hashlib.sha256(
        json.dumps(asdict(rule), sort_keys=True, default=sorted).encode()
    ).hexdigest()[:8]
    return Rule(**{**_fields_of(rule), "fingerprint": fingerprint})


def _fields_of(rule: Rule) -> dict[str, Any]:
    return {name: getattr(rule, name) for name in rule.__dataclass_fields__}


def _kind_params(kind: str, f: _Fields) -> dict[str, Any]:
    """The kind's own fields, checked; problems go to ``f``."""
    params: dict[str, Any] = {}
    if kind in WINDOWED_KINDS:
        window = f.duration("window", required=True)
        params["window"] = window
        params["step"] = window
        grace = f.duration("grace", positive=False) if "grace" in f.raw else DEFAULT_GRACE
        params["grace"] = grace
        min_count = f.number("min_count", minimum=1, integer=True)
        params["min_count"] = int(min_count) if min_count is not None else 1
    if kind == "threshold":
        if "min_count" not in f.raw:
            f.problem("min_count", "an integer >= 1 (it is required)")
        params["count"] = f.choice("count", COUNTS, "events")
        if "step" in f.raw:
            step = f.duration("step")
            if step and params["window"] and (step > params["window"] or params["window"] % step):
                f.problem("step", "a duration that divides 'window' evenly")
            elif step:
                params["step"] = step
    elif kind == "spike":
        baseline = f.number("baseline_windows", minimum=1, integer=True)
        if baseline is None and "baseline_windows" not in f.raw:
            f.problem("baseline_windows", "an integer >= 1 (it is required)")
        params["baseline_windows"] = int(baseline or 0)
        params["z"] = f.number("z", minimum=0.0)
        params["ratio"] = f.number("ratio", minimum=1.0)
        if ("z" in f.raw) == ("ratio" in f.raw):
            f.problem("z", "either 'z' (a z-score) or 'ratio', exactly one of them")
    elif kind == "stance_shift":
        params["measure"] = f.choice("measure", MEASURES, "intensity")
        params["min_delta"] = f.number("min_delta", minimum=0.0)
        sign_change = f.raw.get("sign_change", False)
        if not isinstance(sign_change, bool):
            f.problem("sign_change", "true or false")
        params["sign_change"] = sign_change is True
        if params["min_delta"] is None and not params["sign_change"]:
            f.problem("min_delta", "a number, or 'sign_change: true', or both")
    elif kind == "first_seen":
        params["lookback"] = f.duration("lookback", required=True)
    return params


def _parse_filters(raw: Any, label: str, problems: list[str]) -> Filters | None:
    if not isinstance(raw, Mapping):
        problems.append(f"{label}: field 'filters': expected a mapping")
        return None
    values: dict[str, Any] = {}
    for key, value in raw.items():
        name = f"filters.{key}"
        if key in _LIST_FILTERS:
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                problems.append(f"{label}: field '{name}': expected a list of strings")
                continue
            if key == "event_types":
                unknown = [v for v in value if v.upper() not in PLOVER_TYPES]
                if unknown:
                    problems.append(
                        f"{label}: field '{name}': expected PLOVER types, not {unknown}"
                    )
                    continue
                value = [v.upper() for v in value]
            if key == "polarity" and (bad := [v for v in value if v not in POLARITIES]):
                problems.append(
                    f"{label}: field '{name}': expected {', '.join(POLARITIES)}, not {bad}"
                )
                continue
            values[key] = tuple(v.lower() for v in value) if key == "keywords" else frozenset(value)
        elif key in _NUMBER_FILTERS:
            if not isinstance(value, int | float) or isinstance(value, bool):
                problems.append(f"{label}: field '{name}': expected a number")
                continue
            values[key] = float(value)
        else:
            known = ", ".join((*_LIST_FILTERS, *_NUMBER_FILTERS))
            problems.append(f"{label}: field '{name}': expected one of the filters {known}")
    return Filters(**values)
