"""Rule files and match-rule evaluation (pure, injected clock)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from processors.alerts import evaluate
from processors.annotate import Extractor
from processors.rules import RuleFileError, load_rules, parse_rules
from processors.types import Article

NOW = datetime(2023, 2, 24, 12, 0, tzinfo=UTC)


def test_default_rules_load() -> None:
    rules = load_rules()
    assert rules.version == "default-2"
    assert {r.severity for r in rules.rules} == {"critical", "warning", "info"}


def test_rule_file_problems_name_rule_and_field() -> None:
    text = """
version: x
rules:
  - id: a
    severity: loud
    kind: match
  - id: b
    severity: info
    filters: {event_types: [SHOUT], min_confidence: high}
  - id: a
    severity: info
"""
    with pytest.raises(RuleFileError) as info:
        parse_rules(text, source="bad.yaml")
    problems = info.value.problems
    assert any("rule 'a'" in p and "'severity'" in p for p in problems)
    assert any("rule 'b'" in p and "filters.event_types" in p for p in problems)
    assert any("rule 'b'" in p and "filters.min_confidence" in p for p in problems)
    assert any("rule 'a'" in p and "no other rule has" in p for p in problems)


def test_default_rules_fire_on_the_seed_with_evidence(extractor: Extractor, seed_text: str) -> None:
    annotated = extractor.annotate(Article(id="seed", text=seed_text))
    rules = load_rules()
    alerts = [a for e in annotated.events for a in evaluate(rules, e, NOW)]
    by_rule = {a.rule for a in alerts}
    assert {"ceasefire-call", "accusation-against-major-power", "nuclear-threat"} <= by_rule
    accusation = next(
        a for a in alerts if a.rule == "accusation-against-major-power" and a.recipient == "NATO"
    )
    evidence = accusation.evidence[0]
    assert "NATO" in evidence.sentence
    assert seed_text[evidence.sentence_span.start : evidence.sentence_span.end] == (
        evidence.sentence
    )
    # Replaying the same events gives the same alert ids.
    again = [a.alert_id for e in annotated.events for a in evaluate(rules, e, NOW)]
    assert again == [a.alert_id for a in alerts]
