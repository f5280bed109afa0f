"""The eval metrics on tiny hand-checked gold files (tests/data/*_tiny.jsonl) with known
answers, the code-matching rules, the eval and bench-extract commands."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from processors.annotate import Extractor
from processors.evaluation import (
    ORG_CLASS,
    EvalError,
    bench_extract,
    canonical_code,
    dictionary_files,
    evaluate,
    format_report,
    load_newsmtsc,
    load_petrarch,
    load_plover,
    macro_f1,
    score_petrarch,
    score_plover,
)
from processors.gazetteer import dictionary_kind
from processors.types import (
    ActorRef,
    Article,
    Modality,
    SentenceRef,
    Span,
    StanceEvent,
    Trigger,
)

DATA = Path(__file__).resolve().parent / "data"
SHARED = Path(os.environ.get("STANCEWATCH_SHARED", Path(__file__).resolve().parents[2] / "shared"))
PLOVER = DATA / "plover_tiny.jsonl"
PETRARCH = DATA / "petrarch_tiny.jsonl"
NEWSMTSC = DATA / "newsmtsc_tiny.jsonl"
ORGS = frozenset({"AMNESTY", "UN", "NATO"})


def event(
    event_type: str,
    actors: Sequence[str],
    recipients: Sequence[str] = (),
    confidence: float = 0.8,
    *,
    reciprocal: bool = False,
    negated: bool = False,
) -> StanceEvent:
    """A hand-built event; actor i has span (10*i, 10*i+3), as the extractor's would be."""
    refs = [ActorRef(c, c, Span(10 * i, 10 * i + 3)) for i, c in enumerate(actors)]
    if reciprocal:
        others = [*refs[1:], refs[0]]
    else:
        others = [
            ActorRef(c, c, Span(100 + 10 * i, 103 + 10 * i)) for i, c in enumerate(recipients)
        ]
    return StanceEvent(
        event_id=f"{event_type}-{actors}-{recipients}",
        article_id="a",
        event_type=event_type,
        actor=tuple(refs),
        recipient=tuple(others),
        trigger=Trigger("x", Span(0, 1)),
        sentence=SentenceRef(0, "x", Span(0, 1)),
        confidence=confidence,
        intensity=0.0,
        polarity="neutral",
        quad_class="verbal_conflict",
        modality=Modality(negated=negated),
    )


# --------------------------------------------------------------------------
# plover: five records, four texts (two records share one), worked out by hand


def test_plover_metrics_on_the_tiny_gold_file() -> None:
    records = load_plover(PLOVER)
    assert [r.event_type for r in records] == ["AGREE", "ACCUSE", "ASSAULT", "COERCE", "SANCTION"]
    kidnap = [event("COERCE", ["AFG"], ["RUS"], 0.85), event("ASSAULT", ["AFG"], [], 0.7)]
    predictions = [
        # reciprocal AGREE, both ways: the two gold triples
        [event("AGREE", ["HUN", "ROU"], reciprocal=True)],
        # Amnesty (an NGO code) matches the gold "IGO"; the REJECT is an extra event
        [event("ACCUSE", ["AMNESTY"], ["USA"], 0.85), event("REJECT", ["USA"], [], 0.5)],
        kidnap,  # its top event is COERCE: wrong type for the ASSAULT record
        kidnap,
        [],  # no event: wrong type and wrong source
    ]
    report = score_plover(records, predictions, ORGS)
    m = report.metrics
    assert m["n"] == 5 and m["n_texts"] == 4
    assert m["event_type_accuracy"] == 0.6  # AGREE, ACCUSE, COERCE right
    assert m["source_accuracy"] == 0.8  # all but the record without an event
    # gold triples: HUN>ROU, ROU>HUN | IGO/NGO>USA | AFG>AFG, AFG>RUS | JPN>SRB  (6)
    # predicted:    HUN>ROU, ROU>HUN | IGO/NGO>USA, USA>-  | AFG>RUS, AFG>-  (6); 4 shared
    assert m["triple_precision"] == pytest.approx(4 / 6, abs=1e-4)
    assert m["triple_recall"] == pytest.approx(4 / 6, abs=1e-4)
    assert m["triple_f1"] == pytest.approx(4 / 6, abs=1e-4)
    assert m["extra_events_per_sentence"] == 0.25  # one extra event, four texts
    worst = report.misses[0]
    assert worst.id == "T-SANCTION-1" and worst.predicted == "(no event)"
    assert {miss.id for miss in report.misses} == {"T-ASSAULT-1", "T-SANCTION-1"}


def test_plover_reciprocal_gold_expands_to_both_directions() -> None:
    record = load_plover(PLOVER)[0]
    assert record.reciprocal
    assert record.triples() == {("HUN", "AGREE", "ROU"), ("ROU", "AGREE", "HUN")}


def test_an_event_never_counts_toward_itself() -> None:
    """A recipient that is the same mention as the actor gives no triple."""
    records = load_plover(PLOVER)[:1]
    one_sided = [[event("AGREE", ["HUN", "ROU"], reciprocal=True)]]
    assert score_plover(records, one_sided).metrics["triple_precision"] == 1.0


# --------------------------------------------------------------------------
# codes


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("JAP", "JPN"),
        ("ITL", "ITA"),
        ("VTN", "VNM"),
        ("IGO", ORG_CLASS),
        ("NGO", ORG_CLASS),
        ("NATO", ORG_CLASS),
        ("USA", "USA"),
        (None, "-"),
    ],
)
def test_canonical_code(code: str | None, expected: str) -> None:
    assert canonical_code(code, ORGS) == expected


def test_macro_f1() -> None:
    assert macro_f1(["a", "b", "b"], ["a", "b", "a"], ["a", "b"]) == pytest.approx(2 / 3, abs=1e-4)
    assert macro_f1([], [], ["a"]) == 0.0


# --------------------------------------------------------------------------
# petrarch: error-handling records and repeats are left out; roles by primary code


def test_petrarch_metrics_on_the_tiny_gold_file() -> None:
    records = load_petrarch(PETRARCH)
    assert [r.id for r in records] == ["P-1", "P-2", "P-3", "P-4", "P-7"]
    predictions = [
        [event("AGREE", ["ARN"], ["GONGOV"])],  # right, by primary code
        [event("CONSULT", ["DAG"])],  # source right, a target was expected
        [],  # no gold event, none predicted: right twice
        [event("COERCE", ["KOR"])],  # no gold event but one predicted: wrong twice
        [event("AGREE", ["BRE"])],  # gold target "---": right without a recipient
    ]
    m = score_petrarch(records, predictions).metrics
    assert m == {
        "n": 5,
        "source_accuracy": 0.8,
        "target_accuracy": 0.6,
        "source_accuracy_affirmed": 0.8,
        "target_accuracy_affirmed": 0.6,
        "negated_scored": 0,
    }
    assert [r.date for r in records] == [None] * 5  # the tiny file has no dates


def test_petrarch_scores_negated_events_after_affirmed_ones() -> None:
    """PETRARCH codes negated verbs, so their roles are scored, but an affirmed event
    comes first, and a negated one is wrong where the gold has none."""
    records = load_petrarch(PETRARCH)
    predictions = [
        [event("AGREE", ["ARN"], ["GON"], 0.5, negated=True)],  # counted: right
        [event("CONSULT", ["GON"], ["DAG"], 0.9, negated=True), event("CONSULT", ["DAG"])],
        [event("AGREE", ["ARN"], [], 0.5, negated=True)],  # no gold event: wrong twice
        [],
        [event("AGREE", ["BRE"])],
    ]
    report = score_petrarch(records, predictions)
    assert report.metrics == {
        "n": 5,
        "source_accuracy": 0.8,  # P-1, P-2 (the affirmed DAG event), P-4, P-7
        "target_accuracy": 0.6,  # P-1, P-4, P-7
        "source_accuracy_affirmed": 0.8,  # P-2, P-3, P-4, P-7
        "target_accuracy_affirmed": 0.6,  # P-3, P-4, P-7
        "negated_scored": 2,
    }
    assert "negated" in next(m.predicted for m in report.misses if m.id == "P-3")


def test_petrarch_record_dates_become_timestamps(tmp_path: Path) -> None:
    gold = tmp_path / "petrarch_dated.jsonl"
    rows = [
        {"id": "D-1", "date": "19781223", "text": "Zimbabwe accused Gondor.", "events": []},
        {"id": "D-2", "date": "1978", "text": "Zimbabwe accused Gondor.", "events": []},
    ]
    gold.write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    assert [r.date for r in load_petrarch(gold)] == ["1978-12-23T00:00:00Z", None]


# --------------------------------------------------------------------------
# newsmtsc: the polarity API of processors.polarity, here a fake


class FakePolarity:
    """Answers by (text, target span): a wrong span raises, so the target choice is tested."""

    def __init__(self, answers: dict[tuple[str, int, int], str]) -> None:
        self.answers = answers

    def predict(self, text: str, target_start: int, target_end: int) -> str:
        return self.answers[(text, target_start, target_end)]


def test_newsmtsc_metrics_with_a_fake_predictor() -> None:
    records = load_newsmtsc(NEWSMTSC)
    # N-3 has two targets; the marked one is the target_actor's (Obama), not the first
    assert [(r.id, r.text[r.target_start : r.target_end]) for r in records][2] == ("N-3", "Obama")
    said = ["negative", "positive", "positive", "neutral"]  # gold: neg, neu, pos, neg
    fake = FakePolarity(
        {(r.text, r.target_start, r.target_end): p for r, p in zip(records, said, strict=True)}
    )
    report = evaluate("newsmtsc", NEWSMTSC, polarity=fake)
    assert report.metrics["n"] == 4
    assert report.metrics["accuracy"] == 0.5
    # F1: negative 2/3, neutral 0, positive 2/3
    assert report.metrics["macro_f1"] == pytest.approx(4 / 9, abs=1e-3)
    assert [m.id for m in report.misses] == ["N-2", "N-4"]


def test_newsmtsc_needs_a_polarity_model() -> None:
    with pytest.raises(EvalError):
        evaluate("newsmtsc", NEWSMTSC)


# --------------------------------------------------------------------------
# files and folders


def test_bad_gold_file_is_an_eval_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "x"}\nnot json\n')
    with pytest.raises(EvalError, match=r"bad\.jsonl:2"):
        load_plover(bad)
    with pytest.raises(EvalError, match="missing 'source_codes'"):
        load_plover(_one(tmp_path))
    with pytest.raises(EvalError, match="cannot read"):
        load_plover(tmp_path / "missing.jsonl")


def _one(tmp_path: Path) -> Path:
    path = tmp_path / "one.jsonl"
    path.write_text('{"id": "x", "text": "x", "event_code": "AGREE"}\n')
    return path


def test_dictionary_kind() -> None:
    assert dictionary_kind("name\tcode\tsector\tkind\nChina\tCHN\t\tcountry\n") == "actors"
    assert dictionary_kind("noun\tsector\nsoldier\tMIL\n") == "agents"
    assert dictionary_kind("ARNOR_ [ARN]\n+ARNORIAN\n") == "actors"
    assert dictionary_kind("SOLDIER [~MIL]\nPOLICE {} [~COP]\n") == "agents"
    assert dictionary_kind("---  ADD   [---]  ---\nADD\n---  ASK  [020]  ---\n") == "verbs"
    assert dictionary_kind("# nothing\n") == "unknown"


def test_dictionary_folder_sorts_actor_and_agent_files(tmp_path: Path) -> None:
    (tmp_path / "mine.actors.txt").write_text("ARNOR_ [ARN]\n")
    (tmp_path / "mine.agents.txt").write_text("SOLDIER [~MIL]\n")
    (tmp_path / "mine.verbs.txt").write_text("---  ADD   [---]  ---\n---  ASK  [020]  ---\n")
    (tmp_path / "LICENSE").write_text("MIT")
    actors, agents = dictionary_files(tmp_path)
    assert [p.name for p in actors] == ["mine.actors.txt"]
    assert [p.name for p in agents] == ["mine.agents.txt"]
    with pytest.raises(EvalError):
        dictionary_files(tmp_path / "nowhere")


def test_format_report_lists_the_worst_misses() -> None:
    records = load_plover(PLOVER)
    report = score_plover(records, [[] for _ in records])
    text = format_report(report, errors=2)
    assert "event_type_accuracy" in text and "worst misses (2 of 5)" in text
    assert "gold:      AGREE HUN,ROU -> - (reciprocal)" in text


# --------------------------------------------------------------------------
# extraction cost


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class FakeExtractor:
    """Bare parsing costs 1 s a batch, annotating 1.25 s: the ratio must be 0.8."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        outer = self

        class Nlp:
            def pipe(self, texts: list[str]) -> Iterator[str]:
                outer.clock.now += 1.0
                yield from texts

        self.nlp: Any = Nlp()

    def annotate_batch(self, articles: Sequence[Article]) -> list[Any]:
        self.clock.now += 1.25
        return list(articles)


def test_bench_extract_ratio_with_a_fake_clock() -> None:
    clock = FakeClock()
    result = bench_extract(FakeExtractor(clock), ["a"] * 32, rounds=3, batch_size=16, clock=clock)
    assert result.articles == 32 and result.rounds == 3
    assert result.bare_seconds == 2.0 and result.full_seconds == 2.5
    assert result.ratio == 0.8
    assert result.bare_articles_per_s == 16.0 and result.full_articles_per_s == 12.8


# --------------------------------------------------------------------------
# the command, end to end in-process (the real model)


def test_eval_command_prints_json_with_the_issue_keys(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from streams.cli import main

    monkeypatch.delenv("STANCEWATCH_ACTOR_DICTIONARIES", raising=False)
    code = main(["eval", "--set", "plover", "--gold", str(PLOVER), "--json", "--errors", "1"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert {
        "n",
        "event_type_accuracy",
        "triple_precision",
        "triple_recall",
        "triple_f1",
        "source_accuracy",
        "extra_events_per_sentence",
    } <= set(out)
    assert out["n"] == 5 and out["set"] == "plover"
    assert len(out["errors"]) <= 1


def test_eval_command_reports_a_missing_file_in_one_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from streams.cli import main

    code = main(["eval", "--set", "petrarch", "--gold", "no/such/file.jsonl"])
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("stancewatch: error: gold file not found") and err.count("\n") == 1


def test_petrarch_eval_with_its_dictionaries(extractor: Extractor) -> None:
    actors, agents = dictionary_files(SHARED / "eval" / "petrarch_unit_dictionaries")
    assert [p.name for p in actors] == ["PETR.Validate.actors.txt"]
    assert [p.name for p in agents] == ["PETR.Validate.agents.txt"]
    from processors.gazetteer import Gazetteer

    petrarch = Extractor(
        extractor.nlp, Gazetteer.load(actor_files=[*actors, *agents]), model_name="test"
    )
    report = evaluate("petrarch", PETRARCH, extractor=petrarch)
    assert report.metrics["n"] == 5
    # P-1 (ARN -> GON) and P-3 (no event) must come out right
    assert "P-1" not in {m.id for m in report.misses}
    assert "P-3" not in {m.id for m in report.misses}
