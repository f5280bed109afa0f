"""The polarity model: the shipped artifact, its training script, and robustness."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from processors.polarity import (
    LABELS,
    MAX_PIECES,
    MODEL_FILE,
    WORDPIECE_VOCAB_FILE,
    MiniLMEncoder,
    PolarityModel,
    PolarityModelError,
    WordPiece,
    contextual_features,
    lexical_features,
)

ROOT = Path(__file__).resolve().parent.parent
TRAIN = ROOT.parent / "shared" / "eval" / "newsmtsc_train.jsonl"

# Sentences of ../shared/eval/newsmtsc_rw.dev.jsonl (NewsMTSC, MIT) with their gold
# polarity toward the marked target: (text, target, gold).
# Clear cases, picked among those the shipped model gets right.
DEV_SENTENCES: list[tuple[str, str, str]] = [
    (
        "She was charged with criminal trespass and disorderly conduct and bailed just over"
        " two hours later.",
        "She",
        "negative",
    ),
    (
        "Wa Lone and Kyaw Soe Oo were arrested in December over their reporting, which"
        " uncovered a massacre against the Rohingya.",
        "Wa Lone and Kyaw Soe Oo",
        "negative",
    ),
    (
        "Peter Stone reports at length on this development in the Mueller inquiry.",
        "Mueller",
        "neutral",
    ),
    ('"This was a breakdown of the DOJ process," Gonzales said.', "Gonzales", "neutral"),
    (
        "He won the Academy Award for Best Supporting Actor for his portrayal of Dr. Sean"
        ' Maguire in "Good Will Hunting."',
        "He",
        "positive",
    ),
    (
        "Nonetheless, Baucus had been an influential Democrat thriving in a"
        " conservative-leaning state.",
        "Baucus",
        "positive",
    ),
]


def _span(text: str, target: str) -> tuple[int, int]:
    start = text.index(target)
    return start, start + len(target)


@pytest.fixture(scope="module")
def model() -> PolarityModel:
    return PolarityModel.default()


def test_default_is_loaded_once(model: PolarityModel) -> None:
    assert PolarityModel.default() is model
    assert PolarityModel.lexical() is PolarityModel.lexical()
    assert PolarityModel.lexical() is not model


@pytest.mark.parametrize(("text", "target", "gold"), DEV_SENTENCES)
def test_shipped_model_on_clear_dev_sentences(
    model: PolarityModel, text: str, target: str, gold: str
) -> None:
    start, end = _span(text, target)
    assert model.predict(text, start, end) == gold


def test_dev_sentences_cover_the_three_labels() -> None:
    assert {gold for _text, _target, gold in DEV_SENTENCES} == set(LABELS)


def test_predict_batch_equals_predict(model: PolarityModel) -> None:
    items = [(text, *_span(text, target)) for text, target, _gold in DEV_SENTENCES]
    assert model.predict_batch(items) == [model.predict(*item) for item in items]
    assert model.predict_batch([]) == []


def test_lexical_model_predicts_labels() -> None:
    lexical = PolarityModel.lexical()
    assert lexical.encoder is None
    items = [(text, *_span(text, target)) for text, target, _gold in DEV_SENTENCES]
    predictions = lexical.predict_batch(items)
    assert set(predictions) <= set(LABELS)
    golds = [gold for _text, _target, gold in DEV_SENTENCES]
    assert sum(p == g for p, g in zip(predictions, golds, strict=True)) >= len(golds) // 2


def test_shipped_artifact_is_small_and_documented() -> None:
    assert MODEL_FILE.stat().st_size < 5_000_000
    assert (MODEL_FILE.parent / "POLARITY.md").is_file()
    head = PolarityModel.default().head
    assert head.meta["labels"] == list(LABELS)
    assert head.uses_encoder


def test_the_target_changes_the_prediction_inputs(model: PolarityModel) -> None:
    text = "Critics slammed Smith, while Jones praised the plan."
    smith, jones = _span(text, "Smith"), _span(text, "Jones")
    assert lexical_features(text, *smith) != lexical_features(text, *jones)
    assert model.encoder is not None and model.tokenizer is not None
    a, b = contextual_features([(text, *smith), (text, *jones)], model.tokenizer, model.encoder)
    assert not np.allclose(a, b)


def test_batched_encoding_equals_one_by_one(model: PolarityModel) -> None:
    assert model.encoder is not None and model.tokenizer is not None
    texts = [text for text, _target, _gold in DEV_SENTENCES] + ["", "Yes."]
    sequences = [model.tokenizer.tokenize(text)[0] for text in texts]
    batched = model.encoder.encode_many(sequences)
    for ids, states in zip(sequences, batched, strict=True):
        for alone, together in zip(model.encoder.encode(ids), states, strict=True):
            assert alone.shape == together.shape == (len(ids) + 2, 384)
            np.testing.assert_allclose(alone, together, atol=1e-4)
    # Small batches (max_rows) give the same features as one big batch.
    items = [(text, 0, 3) for text in texts]
    small = contextual_features(items, model.tokenizer, model.encoder, max_rows=40)
    big = contextual_features(items, model.tokenizer, model.encoder)
    for x, y in zip(small, big, strict=True):
        np.testing.assert_allclose(x, y, atol=1e-4)


def test_lexical_features_mask_the_target() -> None:
    text = "Obama praised Putin."
    features = lexical_features(text, *_span(text, "Putin"))
    assert "putin" not in features["s"]
    assert "praised _t_" in features["s"]
    assert features["w"] == ["l:obama", "l:praised"]


def test_wordpiece_offsets_point_into_the_text() -> None:
    tokenizer = WordPiece.load(WORDPIECE_VOCAB_FILE)
    text = "Zelenskyy\u2019s naïve 北京 plan: un-American!"
    ids, spans = tokenizer.tokenize(text)
    assert len(ids) == len(spans) > 0
    assert all(0 <= s < e <= len(text) for s, e in spans)
    assert tokenizer.vocabulary["[UNK]"] not in ids


def test_long_text_encodes_a_window_around_the_target(model: PolarityModel) -> None:
    filler = "The committee met again on Tuesday. " * 60
    text = filler + "Voters loudly booed Senator Smith at the rally."
    start, end = _span(text, "Smith")
    assert model.tokenizer is not None
    assert len(model.tokenizer.tokenize(text)[0]) > MAX_PIECES
    assert model.predict(text, start, end) in LABELS


def test_encoder_file_is_checked(tmp_path: Path) -> None:
    fake = tmp_path / "model.onnx"
    fake.write_bytes(b"not the model")
    with pytest.raises(PolarityModelError, match="sha256"):
        MiniLMEncoder.load(fake)


def test_missing_artifact_raises_the_project_error(tmp_path: Path) -> None:
    with pytest.raises(PolarityModelError):
        PolarityModel.load(model_path=tmp_path / "absent.npz")


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(max_size=160), start=st.integers(-5, 170), end=st.integers(-5, 170))
def test_predict_never_raises(model: PolarityModel, text: str, start: int, end: int) -> None:
    assert model.predict(text, start, end) in LABELS


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=300), start=st.integers(-5, 310), end=st.integers(-5, 310))
def test_lexical_predict_never_raises(text: str, start: int, end: int) -> None:
    assert PolarityModel.lexical().predict(text, start, end) in LABELS


@pytest.mark.parametrize("text", ["", " ", "\n\t", "!!!", "\u200b\u200b", "İ" * 40, "a\ud800b"])
def test_predict_at_the_ends_of_the_text(model: PolarityModel, text: str) -> None:
    for start, end in ((0, 0), (0, len(text)), (len(text), len(text)), (len(text), 0)):
        assert model.predict(text, start, end) in LABELS


# ---------------------------------------------------------------------------------------
# The training script


def _training_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "train_polarity", ROOT / "scripts" / "train_polarity.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["train_polarity"] = module
    spec.loader.exec_module(module)
    return module


def test_training_is_deterministic_on_a_subsample(tmp_path: Path) -> None:
    train_polarity = _training_script()
    metas = []
    for run in ("a", "b"):
        metas.append(train_polarity.train(TRAIN, [], tmp_path / run, limit=120, folds=2))
    assert metas[0] == metas[1]
    assert metas[0]["trained_on"]["records_limit"] == 120
    with (
        np.load(tmp_path / "a" / "polarity_model.npz") as a,
        np.load(tmp_path / "b" / "polarity_model.npz") as b,
    ):
        assert sorted(a.files) == sorted(b.files)
        for name in a.files:
            assert np.array_equal(a[name], b[name]), name
    cv = metas[0]["scores"]["full"]["cv"]
    assert cv["n"] >= 120 and 0.0 <= cv["macro_f1"] <= 1.0

    # The written artifact is what PolarityModel loads, and predicts like the script.
    trained = PolarityModel.load(model_path=tmp_path / "a" / "polarity_model.npz")
    examples = train_polarity.read_examples(TRAIN, all_targets=True, limit=10)
    items = [(ex.text, ex.start, ex.end) for ex in examples]
    assert set(trained.predict_batch(items)) <= set(LABELS)
    # Fitted on these very sentences, the model should get most of them right.
    right = sum(p == ex.label for p, ex in zip(trained.predict_batch(items), examples, strict=True))
    assert right >= 7


def test_training_script_prints_its_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    train_polarity = _training_script()
    dev = tmp_path / "tiny.dev.jsonl"
    dev.write_text("".join(TRAIN.read_text("utf-8").splitlines(keepends=True)[200:230]), "utf-8")
    code = train_polarity.main(
        ["--limit", "60", "--folds", "2", "--dev", str(dev), "--out", str(tmp_path)]
    )
    assert code == 0
    out = capsys.readouterr().out
    assert "macro_f1" in out and "tiny.dev:primary" in out and "tiny.dev:all_targets" in out
    assert (tmp_path / "polarity_model.npz").is_file()
    assert (tmp_path / "polarity_model.json").is_file()
