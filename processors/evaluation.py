"""Scoring the extractor against gold data, and measuring what extraction costs.

Three gold sets (JSONL, one record per line), each with its own metrics:

``plover`` (``plover_gsr.*.jsonl``: one gold event per record)
    * ``event_type_accuracy``: the highest-confidence event predicted for the record's
      text has the gold type (``event_code_plover_current``); no event counts as wrong.
    * ``source_accuracy``: that event's actors include one of the gold source codes.
    * ``triple_precision`` / ``triple_recall`` / ``triple_f1``: micro-averaged over the
      distinct (source code, type, target code) triples of each text. Compound actors are
      expanded (every source with every target); a reciprocal record (``SRC/TAR``) gives
      every ordered pair of its actors; a missing target is ``-``. Predicted triples come
      from every event of the text, expanded the same way (a reciprocal event, whose
      recipients are its actors, gives every ordered pair of different mentions).
      Records sharing a text are one text with all their triples.
    * ``extra_events_per_sentence``: per text, the predicted events beyond the number of
      gold records for it (never below zero), averaged over texts.

``newsmtsc`` (``newsmtsc_*.jsonl``)
    The polarity (``negative`` | ``neutral`` | ``positive``) predicted toward the marked
    target (the target whose mention is the record's ``target_actor``; the first one if
    several) against the record's ``polarity``: ``accuracy`` and ``macro_f1`` over the
    three classes.

``petrarch`` (``petrarch_unit.*.jsonl``, with the PETRARCH validation dictionaries)
    Roles only, since the gold event codes are not CAMEO: ``source_accuracy`` (the
    scored event's actors include a gold ``source_primary``) and ``target_accuracy``
    (its recipients include a gold ``target_primary``; when no gold event has a target,
    correct when the event has no recipient). A record whose gold has no event is
    correct for both when nothing is predicted. Records that test PETRARCH's own error
    handling (``expected_error``: broken parse trees, discards) are left out, and a
    record repeated with the same id and text is scored once. Each text is extracted
    with the record's ``date`` as its publication date (the dictionaries have dated
    codes: ``[RHO <790606]``).

    Negated events. PETRARCH codes a negated verb as an event of its own, with a
    negation code ("didn't clash" -> 904 where "clashed" is 121), while PLOVER's final
    data (and so our plover set, the live pipeline and the alerts) leave negated events
    out. Since this set scores *who did what to whom*, not whether it happened, the
    extractor is run here with negated events kept (``extract_events(keep_negated=True)``:
    flagged ``modality.negated``, with lowered confidence) and the scored event is the
    highest-confidence affirmed event, else the highest-confidence negated one. A
    negated event counts as much as an affirmed one, both ways: it is wrong on a record
    whose gold has no event. ``source_accuracy_affirmed`` / ``target_accuracy_affirmed``
    are the same scores with negated events ignored (what the live pipeline emits), and
    ``negated_scored`` is the number of records whose scored event is a negated one,
    so that what the negation rule adds stays visible.

How codes are compared (one table for all records, never per record):

* Both sides go through :func:`canonical_code`. Legacy codes of the CAMEO era in the gold
  data map to ISO 3166 (:data:`GOLD_CODE_EQUIVALENTS`: ``JAP`` -> ``JPN``, ``ITL`` ->
  ``ITA``, ``VTN`` -> ``VNM`` ...).
* International organisations: the gold sets code every IGO and NGO just ``IGO`` or
  ``NGO`` (and not consistently: Amnesty International and the Red Cross are ``IGO``
  there), while the gazetteer has short codes (``UN``, ``NATO``, ``AMNESTY``, ``ICRC``)
  with kind ``igo`` or ``ngo``. All of these become the one class ``IGO/NGO``: which
  organisation, and whether it is inter- or non-governmental, is not scored.
* Sectors (``GOV``, ``MIL``, ``REBkur``...) are not part of any score: a triple is
  matched on country or organisation codes only.
* PETRARCH codes are compared by their primary part, the first three characters
  (``GONGOV`` -> ``GON``), as PETRARCH's own ``source_primary`` is.
"""

from __future__ import annotations

import importlib
import json
import statistics
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from processors.errors import StancewatchError
from processors.gazetteer import Gazetteer, dictionary_kind
from processors.types import Article, StanceEvent

__all__ = [
    "EVAL_SETS",
    "GOLD_CODE_EQUIVALENTS",
    "ORG_CLASS",
    "BenchResult",
    "EvalError",
    "EvalReport",
    "Miss",
    "NewsMtscRecord",
    "PetrarchRecord",
    "PloverRecord",
    "PolarityPredictor",
    "bench_extract",
    "canonical_code",
    "dictionary_files",
    "format_report",
    "load_newsmtsc",
    "load_petrarch",
    "load_plover",
    "macro_f1",
    "score_newsmtsc",
    "score_petrarch",
    "score_plover",
]

EVAL_SETS = ("plover", "newsmtsc", "petrarch")
ORG_CLASS = "IGO/NGO"
NO_TARGET = "-"
POLARITIES = ("negative", "neutral", "positive")

#: CAMEO-era codes found in gold data, and the ISO 3166 code each stands for.
GOLD_CODE_EQUIVALENTS: dict[str, str] = {
    "JAP": "JPN",  # Japan
    "ITL": "ITA",  # Italy
    "VTN": "VNM",  # Vietnam
    "ROM": "ROU",  # Romania (ISO code until 2002)
    "ZAR": "COD",  # Zaire (ISO code until 1997)
    "TMP": "TLS",  # East Timor (ISO code until 2002)
    "YUG": "SRB",  # Yugoslavia -> Serbia, its continuator
    "KSV": "KOS",  # Kosovo (Phoenix) -> PLOVER's KOS
    "XKX": "KOS",
}


class EvalError(StancewatchError):
    """A gold file or dictionary folder cannot be used."""


class PolarityPredictor(Protocol):
    """What ``--set newsmtsc`` needs: ``processors.polarity.PolarityModel`` has it."""

    def predict(self, text: str, target_start: int, target_end: int) -> str: ...


# --------------------------------------------------------------------------
# codes


def canonical_code(code: str | None, org_codes: frozenset[str] = frozenset()) -> str:
    """The form in which a gold or predicted code is compared (see the module docstring).

    ``org_codes`` are the codes the gazetteer knows as IGOs or NGOs.

    >>> canonical_code("JAP")
    'JPN'
    >>> canonical_code("NATO", frozenset({"NATO"})), canonical_code("NGO")
    ('IGO/NGO', 'IGO/NGO')
    """
    if not code:
        return NO_TARGET
    code = code.strip().upper()
    if code in ("IGO", "NGO") or code in org_codes:
        return ORG_CLASS
    return GOLD_CODE_EQUIVALENTS.get(code, code)


def org_codes_of(gazetteer: Gazetteer) -> frozenset[str]:
    """The codes the gazetteer has for IGOs and NGOs."""
    return frozenset(e.code for e in gazetteer.entries() if e.kind in ("igo", "ngo"))


def _petrarch_primary(code: str, org_codes: frozenset[str]) -> str:
    code = code.strip().upper()
    if code in org_codes:
        return "IGO"
    return code[:3]


# --------------------------------------------------------------------------
# gold records


@dataclass(frozen=True)
class PloverRecord:
    id: str
    text: str
    event_type: str
    sources: tuple[str, ...]
    targets: tuple[str, ...]
    reciprocal: bool

    def triples(self) -> set[tuple[str, str, str]]:
        """The gold (source, type, target) triples, in raw codes."""
        if self.reciprocal:
            actors = [*self.sources, *(t for t in self.targets if t not in self.sources)]
            pairs = {(a, b) for a in actors for b in actors if a != b}
            if not pairs:
                pairs = {(a, NO_TARGET) for a in actors}
            return {(a, self.event_type, b) for a, b in pairs}
        targets = self.targets or (NO_TARGET,)
        return {(s, self.event_type, t) for s in self.sources for t in targets}


@dataclass(frozen=True)
class NewsMtscRecord:
    id: str
    text: str
    target_start: int
    target_end: int
    polarity: str


@dataclass(frozen=True)
class PetrarchRecord:
    id: str
    text: str
    sources: tuple[str, ...]  # primary codes of the gold events, in order
    targets: tuple[str, ...]  # "---" marks an event without a known target
    date: str | None = None  # the record's date as an RFC 3339 timestamp, if it has one


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    try:
        lines = path.read_text("utf-8").splitlines()
    except OSError as exc:
        raise EvalError(f"cannot read gold file {path}: {exc.strerror or exc}") from None
    rows = []
    for lineno, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise EvalError(f"{path}:{lineno}: not JSON: {exc.msg}") from None
        if not isinstance(row, dict) or not isinstance(row.get("text"), str):
            raise EvalError(f"{path}:{lineno}: expected an object with a 'text'")
        rows.append(row)
    return rows


def _field(row: dict[str, Any], key: str, path: Path, lineno: int) -> Any:
    if key not in row:
        raise EvalError(f"{path}: record {lineno} ({row.get('id', '?')}): missing {key!r}")
    return row[key]


def load_plover(path: Path) -> list[PloverRecord]:
    """Read a PLOVER gold file (``plover_gsr.*.jsonl``)."""
    records = []
    for i, row in enumerate(_read_jsonl(path), start=1):
        event_type = row.get("event_code_plover_current") or _field(row, "event_code", path, i)
        records.append(
            PloverRecord(
                id=str(row.get("id", i)),
                text=row["text"],
                event_type=str(event_type),
                sources=tuple(_field(row, "source_codes", path, i) or ()),
                targets=tuple(row.get("target_codes") or ()),
                reciprocal=bool(row.get("reciprocal")),
            )
        )
    return records


def load_newsmtsc(path: Path) -> list[NewsMtscRecord]:
    """Read a NewsMTSC file; the marked target is the one named by ``target_actor``."""
    records = []
    for i, row in enumerate(_read_jsonl(path), start=1):
        targets = _field(row, "targets", path, i) or []
        wanted = row.get("target_actor")
        target = next((t for t in targets if t.get("mention") == wanted), None)
        if target is None and targets:
            target = targets[0]
        if target is None:
            raise EvalError(f"{path}: record {i}: no target")
        polarity = str(row.get("polarity") or target.get("polarity"))
        if polarity not in POLARITIES:
            raise EvalError(f"{path}: record {i}: unknown polarity {polarity!r}")
        records.append(
            NewsMtscRecord(
                str(row.get("id", i)),
                row["text"],
                int(target["start"]),
                int(target["end"]),
                polarity,
            )
        )
    return records


def load_petrarch(path: Path) -> list[PetrarchRecord]:
    """Read a PETRARCH unit-test file, leaving out error-handling records and repeats."""
    records = []
    seen: set[tuple[str, str]] = set()
    for i, row in enumerate(_read_jsonl(path), start=1):
        if row.get("expected_error"):
            continue
        key = (str(row.get("id", i)), row["text"])
        if key in seen:
            continue
        seen.add(key)
        events = row.get("events") or []
        records.append(
            PetrarchRecord(
                id=key[0],
                text=row["text"],
                sources=tuple(str(e.get("source_primary") or "---") for e in events),
                targets=tuple(str(e.get("target_primary") or "---") for e in events),
                date=_timestamp(row.get("date")),
            )
        )
    return records


def _timestamp(date: Any) -> str | None:
    """A PETRARCH record date (``YYYYMMDD``) as an RFC 3339 timestamp; None if not one.

    >>> _timestamp("19781223"), _timestamp("1978"), _timestamp(None)
    ('1978-12-23T00:00:00Z', None, None)
    """
    text = str(date or "").strip()
    if len(text) != 8 or not text.isdigit():
        return None
    return f"{text[:4]}-{text[4:6]}-{text[6:]}T00:00:00Z"


# --------------------------------------------------------------------------
# scoring


@dataclass(frozen=True)
class Miss:
    """A record scored wrong, for ``--errors``."""

    id: str
    text: str
    gold: str
    predicted: str
    weight: int  # how many metrics it failed: the worst misses first


@dataclass(frozen=True)
class EvalReport:
    set_name: str
    metrics: dict[str, float | int]
    misses: tuple[Miss, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return {"set": self.set_name, **self.metrics}


def _top_event(events: Sequence[StanceEvent]) -> StanceEvent | None:
    """The highest-confidence event (the first of equals, in document order)."""
    best: StanceEvent | None = None
    for e in events:
        if best is None or e.confidence > best.confidence:
            best = e
    return best


def _brief(event: StanceEvent | None) -> str:
    if event is None:
        return "(no event)"
    actors = ",".join(a.code for a in event.actor) or "-"
    recipients = ",".join(r.code for r in event.recipient) or "-"
    negated = "negated, " if event.modality.negated else ""
    return (
        f"{event.event_type} {actors} -> {recipients} "
        f"[{event.trigger.text}, {negated}{event.confidence:.2f}]"
    )


def _ratio(num: float, den: float) -> float:
    return round(num / den, 4) if den else 0.0


def _f1(p: float, r: float) -> float:
    return round(2 * p * r / (p + r), 4) if p + r else 0.0


def _event_triples(
    events: Iterable[StanceEvent], org_codes: frozenset[str]
) -> set[tuple[str, str, str]]:
    out: set[tuple[str, str, str]] = set()
    for e in events:
        for a in e.actor:
            src = canonical_code(a.code, org_codes)
            targets = [
                canonical_code(r.code, org_codes) for r in e.recipient if r.span != a.span
            ]  # a reciprocal event lists its actors as recipients too: not toward themselves
            out.update((src, e.event_type, tgt) for tgt in targets or [NO_TARGET])
    return out


def score_plover(
    records: Sequence[PloverRecord],
    predictions: Sequence[Sequence[StanceEvent]],
    org_codes: frozenset[str] = frozenset(),
) -> EvalReport:
    """Score one list of predicted events per record (see the module docstring)."""
    if len(records) != len(predictions):
        raise ValueError("one prediction list per record")
    type_ok = source_ok = 0
    misses = []
    by_text: dict[str, list[int]] = defaultdict(list)
    for i, (rec, events) in enumerate(zip(records, predictions, strict=True)):
        by_text[rec.text].append(i)
        top = _top_event(events)
        gold_sources = {canonical_code(s, org_codes) for s in rec.sources}
        if rec.reciprocal:
            gold_sources |= {canonical_code(t, org_codes) for t in rec.targets}
        t_ok = top is not None and top.event_type == rec.event_type
        s_ok = top is not None and bool(
            {canonical_code(a.code, org_codes) for a in top.actor} & gold_sources
        )
        type_ok += t_ok
        source_ok += s_ok
        if not (t_ok and s_ok):
            gold = (
                f"{rec.event_type} {','.join(rec.sources) or '-'} -> "
                f"{','.join(rec.targets) or '-'}{' (reciprocal)' if rec.reciprocal else ''}"
            )
            misses.append(
                Miss(rec.id, rec.text, gold, _brief(top), (not t_ok) + (not s_ok) + (top is None))
            )
    tp = n_pred = n_gold = 0
    extra = 0
    for indices in by_text.values():
        gold_triples: set[tuple[str, str, str]] = {
            (canonical_code(s, org_codes), t, canonical_code(g, org_codes))
            for i in indices
            for s, t, g in records[i].triples()
        }
        events = predictions[indices[0]]
        predicted = _event_triples(events, org_codes)
        tp += len(gold_triples & predicted)
        n_pred += len(predicted)
        n_gold += len(gold_triples)
        extra += max(0, len(events) - len(indices))
    precision, recall = _ratio(tp, n_pred), _ratio(tp, n_gold)
    n = len(records)
    metrics: dict[str, float | int] = {
        "n": n,
        "n_texts": len(by_text),
        "event_type_accuracy": _ratio(type_ok, n),
        "source_accuracy": _ratio(source_ok, n),
        "triple_precision": precision,
        "triple_recall": recall,
        "triple_f1": _f1(precision, recall),
        "extra_events_per_sentence": _ratio(extra, len(by_text)),
    }
    misses.sort(key=lambda m: -m.weight)
    return EvalReport("plover", metrics, tuple(misses))


def macro_f1(gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str]) -> float:
    """The unweighted mean of the per-label F1 scores.

    >>> macro_f1(["a", "b", "b"], ["a", "b", "a"], ["a", "b"])
    0.6667
    """
    scores = []
    for label in labels:
        tp = sum(1 for g, p in zip(gold, predicted, strict=True) if g == p == label)
        n_pred = sum(1 for p in predicted if p == label)
        n_gold = sum(1 for g in gold if g == label)
        scores.append(_f1(_ratio(tp, n_pred), _ratio(tp, n_gold)))
    return round(sum(scores) / len(scores), 4) if scores else 0.0


def score_newsmtsc(records: Sequence[NewsMtscRecord], predicted: Sequence[str]) -> EvalReport:
    """Accuracy and macro F1 of one predicted polarity per record."""
    if len(records) != len(predicted):
        raise ValueError("one prediction per record")
    gold = [r.polarity for r in records]
    correct = sum(1 for g, p in zip(gold, predicted, strict=True) if g == p)
    misses = tuple(
        Miss(
            r.id,
            r.text,
            f"{r.polarity} toward {r.text[r.target_start : r.target_end]!r}",
            p,
            2 if {r.polarity, p} == {"negative", "positive"} else 1,
        )
        for r, p in zip(records, predicted, strict=True)
        if r.polarity != p
    )
    metrics: dict[str, float | int] = {
        "n": len(records),
        "accuracy": _ratio(correct, len(records)),
        "macro_f1": macro_f1(gold, predicted, POLARITIES),
    }
    return EvalReport("newsmtsc", metrics, tuple(sorted(misses, key=lambda m: -m.weight)))


def _petrarch_roles(
    rec: PetrarchRecord, top: StanceEvent | None, org_codes: frozenset[str]
) -> tuple[bool, bool]:
    """Whether ``top`` has a gold source, and a gold target (see the module docstring)."""
    if not rec.sources:
        return top is None, top is None
    if top is None:
        return False, False
    actors = {_petrarch_primary(a.code, org_codes) for a in top.actor}
    recipients = {_petrarch_primary(r.code, org_codes) for r in top.recipient}
    gold_targets = {t for t in rec.targets if t != "---"}
    t_ok = bool(recipients & gold_targets) if gold_targets else not recipients
    return bool(actors & set(rec.sources)), t_ok


def score_petrarch(
    records: Sequence[PetrarchRecord],
    predictions: Sequence[Sequence[StanceEvent]],
    org_codes: frozenset[str] = frozenset(),
) -> EvalReport:
    """Source and target accuracy of one scored event per record.

    The scored event is the highest-confidence affirmed event, else the
    highest-confidence negated one (see the module docstring); the ``_affirmed``
    metrics ignore negated events.
    """
    if len(records) != len(predictions):
        raise ValueError("one prediction list per record")
    source_ok = target_ok = source_affirmed = target_affirmed = negated = 0
    misses = []
    for rec, events in zip(records, predictions, strict=True):
        affirmed = _top_event([e for e in events if not e.modality.negated])
        top = affirmed or _top_event(events)
        negated += top is not None and top.modality.negated
        s_ok, t_ok = _petrarch_roles(rec, top, org_codes)
        s_aff, t_aff = _petrarch_roles(rec, affirmed, org_codes)
        source_ok += s_ok
        target_ok += t_ok
        source_affirmed += s_aff
        target_affirmed += t_aff
        if not (s_ok and t_ok):
            gold = (
                "; ".join(f"{s} -> {t}" for s, t in zip(rec.sources, rec.targets, strict=True))
                or "(no event)"
            )
            misses.append(Miss(rec.id, rec.text, gold, _brief(top), (not s_ok) + (not t_ok)))
    n = len(records)
    metrics: dict[str, float | int] = {
        "n": n,
        "source_accuracy": _ratio(source_ok, n),
        "target_accuracy": _ratio(target_ok, n),
        "source_accuracy_affirmed": _ratio(source_affirmed, n),
        "target_accuracy_affirmed": _ratio(target_affirmed, n),
        "negated_scored": negated,
    }
    misses.sort(key=lambda m: -m.weight)
    return EvalReport("petrarch", metrics, tuple(misses))


# --------------------------------------------------------------------------
# dictionaries


def dictionary_files(folder: Path) -> tuple[list[Path], list[Path]]:
    """(actor files, agent files) in a folder, recognised by content; verbs are skipped.

    The verb lexicon is always the project's own (``processors/data/verbs.tsv``).
    """
    if not folder.is_dir():
        raise EvalError(f"dictionary folder not found: {folder}")
    actors: list[Path] = []
    agents: list[Path] = []
    for path in sorted(folder.iterdir()):
        if not path.is_file() or path.name.startswith(".") or path.name.upper() == "LICENSE":
            continue
        try:
            text = path.read_text("utf-8", errors="replace")
        except OSError as exc:
            raise EvalError(f"cannot read {path}: {exc.strerror or exc}") from None
        kind = dictionary_kind(text)
        if kind == "actors":
            actors.append(path)
        elif kind == "agents":
            agents.append(path)
    if not actors and not agents:
        raise EvalError(f"no actor or agent dictionary in {folder}")
    return actors, agents


# --------------------------------------------------------------------------
# running the extractor


class _Annotator(Protocol):
    nlp: Any
    gazetteer: Gazetteer

    def annotate_batch(self, articles: Sequence[Article]) -> Sequence[Any]: ...


def predict_events(
    extractor: _Annotator,
    texts: Sequence[str],
    *,
    batch_size: int = 64,
    dates: Sequence[str | None] | None = None,
) -> list[list[StanceEvent]]:
    """The events of each text (an empty list for a text that failed).

    ``dates`` are the texts' publication dates (RFC 3339), if known.
    """
    out: list[list[StanceEvent]] = []
    for start in range(0, len(texts), batch_size):
        chunk = texts[start : start + batch_size]
        articles = [
            Article(
                id=f"eval-{start + i}",
                text=t,
                published_at=dates[start + i] if dates is not None else None,
            )
            for i, t in enumerate(chunk)
        ]
        for result in extractor.annotate_batch(articles):
            out.append(list(getattr(result, "events", ())))
    return out


class _Parser(Protocol):
    nlp: Any
    gazetteer: Gazetteer


def predict_events_with_negated(
    extractor: _Parser,
    texts: Sequence[str],
    *,
    batch_size: int = 64,
    dates: Sequence[str | None] | None = None,
) -> list[list[StanceEvent]]:
    """As :func:`predict_events`, with negated events kept (``keep_negated``).

    The same steps as ``Extractor.annotate_doc`` (mentions, then events), which has no
    such switch since the live pipeline never keeps negated events.
    """
    from processors.actors import resolve_mentions
    from processors.events import extract_events

    min_confidence = float(getattr(extractor, "min_confidence", 0.0))
    out: list[list[StanceEvent]] = []
    for i, doc in enumerate(extractor.nlp.pipe(texts, batch_size=batch_size)):
        try:
            events = extract_events(
                doc,
                resolve_mentions(doc, extractor.gazetteer),
                f"eval-{i}",
                published_at=dates[i] if dates is not None else None,
                min_confidence=min_confidence,
                keep_negated=True,
            )
        except Exception:  # as annotate_batch: a text that fails has no events
            events = []
        out.append(events)
    return out


def evaluate(
    set_name: str,
    gold: Path,
    *,
    extractor: _Annotator | None = None,
    polarity: PolarityPredictor | None = None,
) -> EvalReport:
    """Load a gold file and score it with the extractor (or, for newsmtsc, ``polarity``)."""
    if set_name == "newsmtsc":
        if polarity is None:
            raise EvalError("--set newsmtsc needs a polarity model")
        news = load_newsmtsc(gold)
        return score_newsmtsc(
            news, [polarity.predict(r.text, r.target_start, r.target_end) for r in news]
        )
    if extractor is None:
        raise EvalError(f"--set {set_name} needs the extractor")
    org_codes = org_codes_of(extractor.gazetteer)
    if set_name == "plover":
        plover = load_plover(gold)
        return score_plover(plover, predict_events(extractor, [r.text for r in plover]), org_codes)
    if set_name == "petrarch":
        petr = load_petrarch(gold)
        predicted = predict_events_with_negated(
            extractor, [r.text for r in petr], dates=[r.date for r in petr]
        )
        return score_petrarch(petr, predicted, org_codes)
    raise EvalError(f"unknown eval set {set_name!r} (choose from {', '.join(EVAL_SETS)})")


def format_report(report: EvalReport, *, errors: int = 0) -> str:
    """A readable table of the metrics, then the ``errors`` worst misses."""
    width = max(len(k) for k in report.metrics)
    lines = [f"eval set: {report.set_name}"]
    for key, value in report.metrics.items():
        shown = f"{value:.4f}" if isinstance(value, float) else str(value)
        lines.append(f"  {key:<{width}}  {shown:>8}")
    if errors > 0 and report.misses:
        lines.append("")
        lines.append(f"worst misses ({min(errors, len(report.misses))} of {len(report.misses)}):")
        for miss in report.misses[:errors]:
            lines.append(f"- {miss.id}: {miss.text.strip()}")
            lines.append(f"    gold:      {miss.gold}")
            lines.append(f"    predicted: {miss.predicted}")
    return "\n".join(lines)


# --------------------------------------------------------------------------
# extraction cost


@dataclass(frozen=True)
class BenchResult:
    """Throughput of bare ``nlp.pipe`` and of the full extractor on the same texts."""

    articles: int
    rounds: int
    bare_seconds: float  # median over rounds
    full_seconds: float
    bare_articles_per_s: float
    full_articles_per_s: float
    ratio: float  # full / bare throughput

    def to_dict(self) -> dict[str, Any]:
        return {
            "articles": self.articles,
            "rounds": self.rounds,
            "bare_seconds": self.bare_seconds,
            "full_seconds": self.full_seconds,
            "bare_articles_per_s": self.bare_articles_per_s,
            "full_articles_per_s": self.full_articles_per_s,
            "ratio": self.ratio,
        }


class _Benchable(Protocol):
    nlp: Any

    def annotate_batch(self, articles: Sequence[Article]) -> Sequence[Any]: ...


def bench_extract(
    extractor: _Benchable,
    texts: Sequence[str],
    *,
    rounds: int = 5,
    batch_size: int = 16,
    clock: Callable[[], float] = time.perf_counter,
) -> BenchResult:
    """Time bare ``nlp.pipe`` and the full extractor, alternating, on the same texts.

    Both sides batch the same way (``batch_size`` articles per call, as the worker
    does); the median of ``rounds`` alternating runs is taken, so load from other
    processes on the machine hits both sides alike. A warm-up run of each comes first.
    """
    if not texts:
        raise EvalError("no texts to benchmark")
    articles = [Article(id=f"bench-{i}", text=t) for i, t in enumerate(texts)]
    batches = [articles[i : i + batch_size] for i in range(0, len(articles), batch_size)]

    def bare() -> float:
        start = clock()
        for batch in batches:
            for _doc in extractor.nlp.pipe([a.text for a in batch]):
                pass
        return clock() - start

    def full() -> float:
        start = clock()
        for batch in batches:
            extractor.annotate_batch(batch)
        return clock() - start

    bare()
    full()
    bare_times, full_times = [], []
    for _ in range(max(1, rounds)):
        bare_times.append(bare())
        full_times.append(full())
    b, f = statistics.median(bare_times), statistics.median(full_times)
    n = len(articles)
    return BenchResult(
        articles=n,
        rounds=max(1, rounds),
        bare_seconds=round(b, 4),
        full_seconds=round(f, 4),
        bare_articles_per_s=round(n / b, 2) if b else 0.0,
        full_articles_per_s=round(n / f, 2) if f else 0.0,
        ratio=round(b / f, 4) if f else 0.0,
    )


# --------------------------------------------------------------------------
# the commands (`stancewatch eval`, `stancewatch bench-extract`): build, run, format


def _build_extractor(
    model: str,
    actor_dictionaries: Sequence[Path],
    min_confidence: float,
) -> Any:
    from processors.annotate import Extractor

    return Extractor.build(
        model, actor_dictionaries=actor_dictionaries, min_confidence=min_confidence
    )


def _default_polarity() -> PolarityPredictor:
    try:
        module: Any = importlib.import_module("processors.polarity")
    except ImportError as exc:
        raise EvalError(f"the polarity model is not available: {exc}") from None
    model: PolarityPredictor = module.PolarityModel.default()
    return model


def eval_command(
    set_name: str,
    gold: Path,
    *,
    model: str,
    dictionaries: Path | None = None,
    actor_dictionaries: Sequence[Path] = (),
    min_confidence: float = 0.0,
    as_json: bool = False,
    errors: int = 0,
) -> str:
    """What ``stancewatch eval`` prints: a table (or one JSON object) and the worst misses.

    ``dictionaries`` is a folder of actor/agent dictionaries (PETRARCH or project TSV)
    loaded on top of the shipped ones and of ``actor_dictionaries`` (the setting).
    """
    if set_name not in EVAL_SETS:
        raise EvalError(f"unknown eval set {set_name!r} (choose from {', '.join(EVAL_SETS)})")
    if not gold.is_file():
        raise EvalError(f"gold file not found: {gold}")
    if set_name == "newsmtsc":
        report = evaluate(set_name, gold, polarity=_default_polarity())
    else:
        files = list(actor_dictionaries)
        if dictionaries is not None:
            actor_files, agent_files = dictionary_files(dictionaries)
            files += [*actor_files, *agent_files]
        extractor = _build_extractor(model, files, min_confidence)
        report = evaluate(set_name, gold, extractor=extractor)
    if as_json:
        data = report.to_dict()
        if errors > 0:
            data["errors"] = [
                {"id": m.id, "text": m.text, "gold": m.gold, "predicted": m.predicted}
                for m in report.misses[:errors]
            ]
        return json.dumps(data, ensure_ascii=False)
    return format_report(report, errors=errors)


def bench_extract_command(
    texts: Sequence[str],
    *,
    model: str,
    actor_dictionaries: Sequence[Path] = (),
    min_confidence: float = 0.0,
    repeat: int = 20,
    rounds: int = 5,
    batch_size: int = 16,
    as_json: bool = False,
) -> str:
    """What ``stancewatch bench-extract`` prints: both throughputs and their ratio."""
    extractor = _build_extractor(model, actor_dictionaries, min_confidence)
    result = bench_extract(
        extractor, list(texts) * max(1, repeat), rounds=rounds, batch_size=batch_size
    )
    if as_json:
        return json.dumps({"model": model, **result.to_dict()})
    return "\n".join(
        [
            f"model: {model}; {result.articles} articles, batches of {batch_size}, "
            f"median of {result.rounds} alternating rounds",
            f"  bare nlp.pipe     {result.bare_articles_per_s:9.2f} articles/s "
            f"({result.bare_seconds:.3f} s)",
            f"  full extractor    {result.full_articles_per_s:9.2f} articles/s "
            f"({result.full_seconds:.3f} s)",
            f"  ratio full/bare   {result.ratio:9.3f}",
        ]
    )
