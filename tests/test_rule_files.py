"""Rule files: the parser, the JSON Schema, `stancewatch rules check` and the offline
`stancewatch backtest` (no broker)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from processors.rules import RuleFileError, load_rules, parse_rules, rules_schema
from tests.conftest import ROOT

BAD_FILE = """\
version: broken-1
rules:
  - id: no-window
    severity: warning
    kind: threshold
    min_count: 3
  - id: spike-both
    severity: info
    kind: spike
    window: 1h
    baseline_windows: 0
    z: 3
    ratio: 2
  - id: typo
    severity: urgent
    kind: match
    filters: {event_types: [ATTACK]}
    windw: 1h
  - id: shift
    severity: info
    kind: stance_shift
    window: soon
  - id: new
    severity: info
    kind: first_seen
    group_by: country
"""

#: (rule id, field) of every problem in BAD_FILE.
BAD_FILE_PROBLEMS = {
    ("no-window", "window"),
    ("spike-both", "baseline_windows"),
    ("spike-both", "z"),
    ("typo", "severity"),
    ("typo", "filters.event_types"),
    ("typo", "windw"),
    ("shift", "window"),
    ("shift", "min_delta"),
    ("new", "group_by"),
    ("new", "lookback"),
}


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "streams.cli", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def problem_fields(lines: list[str]) -> set[tuple[str, str]]:
    found = set()
    for line in lines:
        m = re.search(r"rule '([^']+)': field '([^']+)': expected \S", line)
        assert m, f"a problem without rule, field and expectation: {line!r}"
        found.add((m.group(1), m.group(2)))
    return found


def test_every_problem_names_the_rule_the_field_and_what_is_expected() -> None:
    with pytest.raises(RuleFileError) as info:
        parse_rules(BAD_FILE, source="bad.yaml")
    assert problem_fields(info.value.problems) == BAD_FILE_PROBLEMS


def test_rules_check_command_exit_codes_and_output(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(BAD_FILE)
    result = cli("rules", "check", str(bad))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert all(line.startswith(f"{bad}: ") for line in lines)
    assert problem_fields([line.split(": ", 1)[1] for line in lines]) == BAD_FILE_PROBLEMS
    good = ROOT / "processors" / "data" / "rules.yaml"
    result = cli("rules", "check", str(good))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ok, version default-2@" in result.stdout
    assert "6 match, 2 threshold, 1 spike, 1 stance_shift, 1 first_seen" in result.stdout
    missing = cli("rules", "check", str(tmp_path / "nope.yaml"))
    assert missing.returncode == 1 and "cannot read the file" in missing.stdout


def test_the_json_schema_accepts_the_default_rules_and_rejects_the_bad_file() -> None:
    schema = rules_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    default = yaml.safe_load((ROOT / "processors" / "data" / "rules.yaml").read_text())
    assert list(validator.iter_errors(default)) == []
    bad = yaml.safe_load(BAD_FILE)
    for raw in bad["rules"]:  # each bad rule alone is invalid under the schema too
        assert list(validator.iter_errors({"rules": [raw]})), raw["id"]


def test_the_readme_rule_examples_are_valid() -> None:
    """Every ```yaml block of the README with a 'rules:' list loads and fits the schema."""
    readme = (ROOT / "README.md").read_text("utf-8")
    blocks = [b for b in re.findall(r"```yaml\n(.*?)```", readme, re.S) if "rules:" in b]
    assert blocks, "the README documents the rule format with an example"
    validator = jsonschema.Draft202012Validator(rules_schema())
    for block in blocks:
        parse_rules(block, source="README")
        assert list(validator.iter_errors(yaml.safe_load(block))) == []


def test_a_rule_edited_in_place_gets_a_new_fingerprint_and_the_file_a_new_digest() -> None:
    text = (ROOT / "processors" / "data" / "rules.yaml").read_text()
    before = parse_rules(text)
    after = parse_rules(
        text.replace("min_count: 3\n    suppress_for: 24h", "min_count: 4\n    suppress_for: 24h")
    )
    changed = {
        r.id
        for r, s in zip(before.rules, after.rules, strict=True)
        if r.fingerprint != s.fingerprint
    }
    assert changed == {"conflict-pressure"}
    assert before.digest != after.digest and before.version == after.version
    assert load_rules().label == before.label


def test_backtest_over_the_seed_prints_the_alert_records(tmp_path: Path) -> None:
    result = cli("backtest", "seeds", "--ingest-time", "2023-02-24T12:00:00Z", "--json")
    assert result.returncode == 0, result.stderr
    alerts = [json.loads(line) for line in result.stdout.splitlines()]
    by_rule = {a["rule"]: a for a in alerts}
    assert by_rule["conflict-pressure"]["group"] == "CHN"
    assert by_rule["conflict-pressure"]["window_start"] == "2023-02-24T00:00:00Z"
    assert by_rule["close-engagement"]["group"] == "CHN>RUS"
    assert by_rule["new-hostile-pair"]["group"] == "RUS>USA"
    assert {"accusation-against-major-power", "ceasefire-call", "nuclear-threat"} <= set(by_rule)
    assert all(a["rules_version"].startswith("default-2@") for a in alerts)
    assert "backtest of default-2@" in result.stderr
    # The annotated output of `extract` is accepted as input too, with the same result.
    annotated = cli("extract", "seeds/000_2ee5c5a79ba5e6b6.txt")
    path = tmp_path / "annotated.json"
    path.write_text(annotated.stdout)
    again = cli("backtest", str(path), "--ingest-time", "2023-02-24T12:00:00Z", "--json")
    assert [json.loads(x) for x in again.stdout.splitlines()] == alerts


def test_backtest_reports_bad_arguments_clearly() -> None:
    result = cli("backtest")
    assert result.returncode == 1 and "needs PATH" in result.stderr
    result = cli("backtest", "--topic", "articles")
    assert result.returncode == 1 and "--from" in result.stderr
    result = cli("backtest", "seeds", "--ingest-time", "yesterday")
    assert result.returncode == 1 and "expected a date" in result.stderr
