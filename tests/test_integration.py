"""The monitor end to end on a real Apache Kafka broker and a real worker process."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
import time

import pytest

from processors.types import Article
from streams.settings import Settings
from tests.conftest import ROOT, SEED, settings_env
from tests.kafka_helpers import metric, produce, read_until, worker_process

pytestmark = pytest.mark.integration


def cli(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "streams.cli", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def seed_record() -> tuple[bytes, bytes]:
    article = Article(
        id="seed-000", text=SEED.read_text("utf-8"), published_at="2023-02-24T12:00:00Z"
    )
    return article.id.encode(), json.dumps(article.to_dict()).encode()


def test_seed_article_flows_to_events_and_alerts(kafka_settings: Settings) -> None:
    with worker_process(kafka_settings) as worker:
        produce(kafka_settings, [seed_record()])
        annotated = read_until(kafka_settings, "annotated-articles", lambda r: len(r) >= 1)
        assert [a["article_id"] for a in annotated] == ["seed-000"]
        n_events = len(annotated[0]["events"])
        events = read_until(kafka_settings, "stance-events", lambda r: len(r) >= n_events)
        assert len(events) == n_events > 0

        def has(kind: str, actor: str, recipients: set[str]) -> bool:
            return any(
                e["event_type"] == kind
                and {a["code"] for a in e["actor"]} == {actor}
                and recipients <= {r["code"] for r in e["recipient"]}
                for e in events
            )

        assert has("REQUEST", "CHN", {"RUS", "UKR"})
        assert has("ACCUSE", "CHN", {"NATO"})

        alerts = read_until(
            kafka_settings,
            "alerts",
            lambda r: (
                {"accusation-against-major-power", "ceasefire-call"} <= {a["rule"] for a in r}
            ),
        )
        accusation = next(
            a
            for a in alerts
            if a["rule"] == "accusation-against-major-power" and a["recipient"] == "NATO"
        )
        evidence = accusation["evidence"][0]
        text = SEED.read_text("utf-8")
        span = evidence["sentence_span"]
        assert text[span["start"] : span["end"]] == evidence["sentence"]
        assert "NATO" in evidence["sentence"]
        warnings = read_until(
            kafka_settings,
            "alerts.warning",
            lambda r: accusation["alert_id"] in {a["alert_id"] for a in r},
        )
        assert accusation["alert_id"] in {a["alert_id"] for a in warnings}
        assert all(a["severity"] == "warning" for a in warnings)

        assert metric(kafka_settings, "stancewatch_articles_processed_total") == 1.0
        assert (
            metric(kafka_settings, "stancewatch_events_extracted_total", 'event_type="REQUEST"')
            >= 1.0
        )
        assert worker.poll() is None
    assert worker.returncode == 0, "SIGTERM should stop the worker cleanly"


BAD_INPUTS = [
    (b"not json at all", "not_json"),
    (json.dumps({"title": "no text here"}).encode(), "missing_text"),
    (json.dumps({"id": "empty", "text": "  "}).encode(), "empty_text"),
    (b'{"text": "caf\xe9 bytes"}', "not_utf8"),
    (json.dumps({"text": "x" * 5000}).encode(), "too_large"),
    (json.dumps({"text": ["a", "list"]}).encode(), "wrong_type"),
    (
        json.dumps({"text": "China urged talks.", "published_at": "soon"}).encode(),
        "bad_published_at",
    ),
    (json.dumps({"text": "China urged talks.", "lang": "fr"}).encode(), "unsupported_lang"),
]


def test_bad_input_goes_to_the_dlq_and_the_worker_keeps_going(
    kafka_settings: Settings,
) -> None:
    settings = kafka_settings.with_overrides(max_article_bytes=4000)
    good = Article(id="good-after-bad", text="China urged Russia to hold peace talks.")
    with worker_process(settings) as worker:
        records = [(None, raw) for raw, _ in BAD_INPUTS]
        records.append((good.id.encode(), json.dumps(good.to_dict()).encode()))
        produce(settings, records)
        letters = read_until(settings, "articles.dlq", lambda r: len(r) >= len(BAD_INPUTS))
        assert sorted(d["reason"] for d in letters) == sorted(r for _, r in BAD_INPUTS)
        for letter in letters:
            raw = next(raw for raw, reason in BAD_INPUTS if reason == letter["reason"])
            original = (
                base64.b64decode(letter["original"])
                if letter["original_encoding"] == "base64"
                else letter["original"].encode("utf-8")
            )
            assert original == raw
            assert letter["topic"] == settings.topic("articles")
            assert letter["offset"] is not None and letter["message"]
        annotated = read_until(settings, "annotated-articles", lambda r: len(r) >= 1)
        assert [a["article_id"] for a in annotated] == ["good-after-bad"]
        for _, reason in BAD_INPUTS:
            assert (
                metric(settings, "stancewatch_articles_failed_total", f'reason="{reason}"') == 1.0
            )
        assert worker.poll() is None

        # The operator's view: list, show, and replay after a fix.
        env = settings_env(settings)
        listed = cli(["dlq", "list"], env)
        assert listed.returncode == 0, listed.stderr
        assert f"{len(BAD_INPUTS)} dead letter(s)" in listed.stdout
        not_json = next(d for d in letters if d["reason"] == "not_json")
        ref = next(line.split()[0] for line in listed.stdout.splitlines() if "not_json" in line)
        shown = cli(["dlq", "show", ref], env)
        assert json.loads(shown.stdout)["original"] == not_json["original"]
        replayed = cli(["dlq", "replay", "--reason", "not_json"], env)
        assert replayed.returncode == 0 and f"replayed {ref}" in replayed.stdout
        # Still not JSON, so it comes back to the DLQ: nothing is silently lost.
        again = read_until(settings, "articles.dlq", lambda r: len(r) > len(BAD_INPUTS))
        assert [d["reason"] for d in again].count("not_json") == 2
        missing = cli(["dlq", "show", "9:999"], env)
        assert missing.returncode == 1 and "no dead letter at 9:999" in missing.stderr


def test_a_republished_article_produces_no_second_set_of_events_or_alerts(
    kafka_settings: Settings,
) -> None:
    with worker_process(kafka_settings):
        produce(kafka_settings, [seed_record()])
        first = read_until(kafka_settings, "annotated-articles", lambda r: len(r) >= 1)
        n_events = len(first[0]["events"])
        read_until(kafka_settings, "stance-events", lambda r: len(r) >= n_events)
        produce(kafka_settings, [seed_record()])  # the same id again
        deadline = time.monotonic() + 60
        while metric(kafka_settings, "stancewatch_articles_duplicate_total") != 1.0:
            assert time.monotonic() < deadline, "the duplicate was never recognised"
            time.sleep(0.5)
        annotated = read_until(kafka_settings, "annotated-articles", lambda r: False, timeout=3)
        assert len(annotated) == 1
        events = read_until(kafka_settings, "stance-events", lambda r: False, timeout=3)
        assert len(events) == n_events
        alerts = read_until(kafka_settings, "alerts", lambda r: False, timeout=3)
        ids = [a["alert_id"] for a in alerts]
        assert ids and len(ids) == len(set(ids))


def test_records_over_the_size_limit_become_dead_letters_that_fit_and_replay_whole(
    kafka_settings: Settings,
) -> None:
    """An annotation too large to publish goes to the DLQ (not a crash that would take
    the batch with it); a letter for an oversized article keeps the start of it, and
    replay republishes the whole article from its source position."""
    settings = kafka_settings.with_overrides(max_record_bytes=4096, max_article_bytes=20_000)
    chatty = Article(
        id="chatty",
        text=" ".join(f"China urged Russia to hold peace talks on day {i}." for i in range(60)),
    )
    huge = json.dumps({"id": "huge", "text": "Talks. " * 4000}).encode()  # 28 kB
    good = Article(id="short", text="China urged Russia to hold peace talks.")
    records = [
        (chatty.id.encode(), json.dumps(chatty.to_dict()).encode()),
        (b"huge", huge),
        (good.id.encode(), json.dumps(good.to_dict()).encode()),
    ]
    with worker_process(settings) as worker:
        produce(settings, records)
        letters = read_until(settings, "articles.dlq", lambda r: len(r) >= 2)
        by_reason = {d["reason"]: d for d in letters}
        assert set(by_reason) == {"output_too_large", "too_large"}
        too_big_output = by_reason["output_too_large"]
        assert too_big_output["article_id"] == "chatty"
        assert "STANCEWATCH_MAX_RECORD_BYTES" in too_big_output["message"]
        cut = by_reason["too_large"]
        assert cut["original_truncated"] is True and cut["original_bytes"] == len(huge)
        assert huge.startswith(cut["original"].encode("utf-8"))
        annotated = read_until(settings, "annotated-articles", lambda r: len(r) >= 1)
        assert [a["article_id"] for a in annotated] == ["short"]

        replayed = cli(["dlq", "replay", "--reason", "too_large"], settings_env(settings))
        assert replayed.returncode == 0, replayed.stderr
        republished = read_until(settings, "articles", lambda r: False, timeout=3)
        assert republished.count(json.loads(huge)) == 2, "the whole article was replayed"
        again = read_until(settings, "articles.dlq", lambda r: len(r) >= 3)
        assert [d["reason"] for d in again].count("too_large") == 2
        assert worker.poll() is None
