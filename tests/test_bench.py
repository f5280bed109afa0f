"""``stancewatch bench`` end to end on a tiny corpus: every figure is there, the plot too.

The figures' values are not checked (speed is printed by the benchmark, not asserted).
"""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from processors.rules import load_rules
from streams.bench import (
    EVENT_MINUTES_PER_ARTICLE,
    BenchOptions,
    approx_tokens,
    build_corpus,
    load_sentences,
    percentiles,
    report,
    run_bench,
)
from streams.cli import build_parser
from streams.settings import Settings

PERCENTILES = {"n", "p50", "p95", "p99", "max"}
RATES = {"articles", "tokens", "seconds", "articles_per_s", "tokens_per_s", "ms_per_article"}


def test_corpus_is_deterministic_real_sentences_in_realistic_lengths() -> None:
    sentences, sources = load_sentences(BenchOptions().sources)
    assert any(name.endswith(".txt") for name in sources)  # the seed article
    assert any(name.endswith(".jsonl") for name in sources)  # the shared evaluation sets
    first = build_corpus(sentences, 30, seed=5, phase="capacity")
    again = build_corpus(sentences, 30, seed=5, phase="capacity")
    assert first == again
    assert len({a.id for a in first}) == 30
    assert first != build_corpus(sentences, 30, seed=5, phase="load25")
    # Event time moves on 15 minutes per article, from where the caller says: every
    # window of the shipped rules (7 days at most) turns over within 1,000 articles.
    step = timedelta(minutes=EVENT_MINUTES_PER_ARTICLE)
    longest = max(rule.window * max(1, rule.baseline_windows) for rule in load_rules().rules)
    assert step * 1000 > timedelta(seconds=longest)
    times = [datetime.fromisoformat(a.published_at or "") for a in first]
    assert times[0] == datetime(2024, 1, 1, tzinfo=UTC)
    assert all(b - a == step for a, b in itertools.pairwise(times))
    later = build_corpus(sentences, 2, seed=5, phase="load25", first_slot=30)
    assert datetime.fromisoformat(later[0].published_at or "") == times[-1] + step
    lengths = [approx_tokens(a.text) for a in first]
    # Whole sentences are added until the target length is reached, so the longest
    # article may pass 1,500 tokens by less than one sentence.
    assert min(lengths) >= 300 and max(lengths) <= 1500 + 300
    known = set(sentences)
    for article in first[:5]:
        paragraphs = article.text.split("\n\n")[1:]
        assert paragraphs and all(p.strip() for p in paragraphs)
        assert any(paragraphs[0].startswith(s) for s in known)


def test_percentiles_nearest_rank() -> None:
    values = [i / 100 for i in range(1, 101)]
    assert percentiles(values) == {"n": 100, "p50": 0.5, "p95": 0.95, "p99": 0.99, "max": 1.0}
    assert percentiles([])["p50"] is None


def test_bench_options_on_the_command_line() -> None:
    args = build_parser().parse_args(["bench", "--articles", "20", "--loads", "0.5"])
    assert (args.articles, args.loads, args.out) == (20, "0.5", "bench-out")


@pytest.mark.integration
def test_bench_writes_every_figure_and_the_plot(kafka_settings: Settings, tmp_path: Path) -> None:
    options = BenchOptions(
        articles=20,
        bare_articles=None,
        loads=(0.25, 0.75),
        latency_seconds=1.0,
        min_latency_articles=4,
        rss_checkpoint=10,
        min_tokens=40,
        max_tokens=120,
        out_dir=tmp_path / "bench-out",
        rounds=2,
    )
    result = run_bench(kafka_settings, options)

    written = json.loads((tmp_path / "bench-out" / "bench.json").read_text("utf-8"))
    assert written == json.loads(json.dumps(result))
    png = (tmp_path / "bench-out" / "bench.png").read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 10_000

    assert {
        "machine",
        "settings",
        "corpus",
        "bare",
        "extraction_loop",
        "pipeline",
        "overhead_ms_per_article",
        "cpu_seconds_during_capacity_run",
        "rounds",
        "latency",
        "rss",
        "event_loop",
        "bars",
        "files",
    } <= set(written)
    assert set(written["machine"]["load_average_1min"]) == {"min", "mean", "max"}
    assert written["corpus"]["articles"] == 20 and written["corpus"]["tokens"] > 0
    assert set(written["bare"]) >= RATES and set(written["extraction_loop"]) >= RATES
    assert RATES | {"ratio_to_bare", "nlp_cpu_ms_per_article"} <= set(written["pipeline"])
    assert written["pipeline"]["articles"] == 20
    assert 0 <= written["pipeline"]["extracted_by_helper"] <= 20
    assert written["settings"]["helper_process"] is True
    assert set(written["overhead_ms_per_article"]) == {
        "pipeline_minus_bare",
        "extraction",
        "kafka_faust",
    }
    assert len(written["rounds"]) == 2
    assert [level["load"] for level in written["latency"]] == [0.25, 0.75]
    for level in written["latency"]:
        assert level["articles"] >= 4
        assert set(level["annotated_latency_s"]) == PERCENTILES
        assert set(level["alert_latency_s"]) == PERCENTILES
        assert level["annotated_latency_s"]["n"] == level["articles"]
    rss = written["rss"]
    assert rss["checkpoint_articles"] == 10
    for key in ("after_checkpoint_mb", "at_end_mb", "peak_mb", "growth_mb"):
        assert {"worker", "nlp-1", "nlp-helper"} <= set(rss[key]), key
    assert rss["peak_mb"]["nlp-1"] > 0
    loop = written["event_loop"]
    assert isinstance(loop["blocked_during_measurement"], int)
    assert loop["threshold_s"] == 0.1
    assert len(written["bars"]) == 5
    assert all(isinstance(bar["pass"], bool) for bar in written["bars"])
    assert (tmp_path / "bench-out" / "worker.log").exists()

    text = report(result)
    assert sum(line.startswith(("PASS ", "FAIL ")) for line in text.splitlines()) == 5
