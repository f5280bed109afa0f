"""``stancewatch bench``: the pipeline through a real broker, side by side with bare spaCy.

One run, one corpus, one model, one process count:

1. **bare**: articles through ``nlp.pipe`` in ``STANCEWATCH_NLP_PROCESSES`` spawned
   processes, in batches of ``STANCEWATCH_BATCH_SIZE`` (what the worker's pool does),
   timing ``nlp.pipe`` alone; the same pass also times our extraction (actors, events,
   JSON) right after the parse, in the same process, as the cost of our code. (The
   worker's helper process takes that extraction off its NLP processes.)
2. **pipeline**: a local Kafka broker (unless ``KAFKA_BOOTSTRAP_SERVERS``), fresh topics,
   a real ``stancewatch worker`` process; publish articles at once and time until every
   annotated article is on its topic (capacity). Bare and pipeline alternate in rounds
   over the same corpus, so that both see the same drift of a shared machine's load.
3. **latency**: publish fresh articles paced at 25/50/75% of that capacity and measure,
   per article, publish -> annotated article received and publish -> first alert received.
4. RSS of the worker and of its NLP process after the first 1,000 articles (or half the
   corpus when smaller) and at the end, their peak (VmHWM), and how often the worker's
   event loop was held longer than 100 ms (a watchdog in the worker logs each block).

Writes ``bench.json`` and ``bench.png`` to the output folder and prints each bar with
PASS/FAIL. Figures are printed, never asserted.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import platform
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from processors.deadletters import encode
from processors.halves import approx_tokens
from processors.types import Article
from streams.affinity import cpu_plan, nlp_cpus, pin
from streams.errors import BrokerError
from streams.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
#: Where the real sentences come from: the seed articles and the shared evaluation sets.
SEEDS_DIR = ROOT / "seeds"
EVAL_DIR = ROOT.parent / "shared" / "eval"

#: Articles whose events the helper process extracted (the NLP process only parsed them).
HELPER_METRIC = "stancewatch_articles_extracted_by_helper_total"

#: The bars of issue 5 (printed with PASS/FAIL, never asserted).
MIN_RATIO = 0.85
MAX_P50_AT_LOW_LOAD = 0.300
MAX_P99_AT_HIGH_LOAD = 1.5
MAX_LOOP_BLOCK = 0.100
#: RSS "growth" below this fraction of the checkpoint RSS counts as none (allocator noise).
RSS_TOLERANCE = 0.05

_SENTENCE_END = re.compile(r"[.!?][\"\u201d\u2019')]*$")
_ABBREVIATIONS = frozenset({"Mr.", "Mrs.", "Ms.", "Dr.", "Gen.", "Sen.", "Rep.", "St.", "Gov."})
_SLOW_CALLBACK_RE = re.compile(r"Executing .* took (\d+(?:\.\d+)?) seconds")
_LOOP_BLOCKED_RE = re.compile(r"event loop blocked (\d+(?:\.\d+)?) s")
_LOOP_BUSY_RE = re.compile(r"event loop blocked .* on a CPU (\d+(?:\.\d+)?) s")
_LOOP_GC_RE = re.compile(r"event loop blocked .* garbage collection (\d+(?:\.\d+)?) s")
#: A block "in garbage collection" spent at least this long in the collector.
MIN_GC_PART = 0.05


@dataclass(frozen=True)
class BenchOptions:
    """What one ``stancewatch bench`` run does."""

    #: Articles published at once to measure the pipeline's capacity.
    articles: int = 400
    #: Articles of the same corpus run through bare ``nlp.pipe`` (``None``: all of them).
    bare_articles: int | None = 1000
    #: Offered loads, as fractions of the measured capacity.
    loads: tuple[float, ...] = (0.25, 0.5, 0.75)
    #: Seconds of paced publishing per load level (at least ``min_latency_articles``).
    latency_seconds: float = 40.0
    min_latency_articles: int = 20
    #: RSS is read after this many articles (half the corpus when not larger) and at the end.
    rss_checkpoint: int = 1000
    #: Article lengths in tokens (about), and the corpus seed.
    min_tokens: int = 300
    max_tokens: int = 1500
    seed: int = 5
    out_dir: Path = Path("bench-out")
    #: Bare and pipeline runs alternate in this many rounds (the machine's load drifts).
    rounds: int = 4
    #: Also run the worker's loop in asyncio debug mode (PYTHONASYNCIODEBUG=1): its log
    #: names each callback that took over 100 ms, but debug mode doubles the loop's CPU.
    asyncio_debug: bool = False
    #: Folders with ``.txt`` articles and ``.jsonl`` files with a ``text`` field.
    sources: tuple[Path, ...] = field(default_factory=lambda: (SEEDS_DIR, EVAL_DIR))


# -- corpus -----------------------------------------------------------------------------


def _split_sentences(text: str) -> list[str]:
    """Sentences of an article (lines, then sentence ends, not after Mr./Dr./...)."""
    out: list[str] = []
    for paragraph in text.splitlines():
        merged: list[str] = []
        for piece in re.split(r"(?<=[.!?\u201d\"])\s+(?=[A-Z\u201c\"])", paragraph.strip()):
            if merged and merged[-1].split()[-1] in _ABBREVIATIONS:
                merged[-1] += " " + piece
            elif piece:
                merged.append(piece)
        out += [s for s in (_clean(x) for x in merged) if s]
    return out


def _clean(sentence: str) -> str | None:
    """The sentence with its whitespace normalised; ``None`` when it is not a full sentence
    (a headline, a fragment): fewer than five words or no final punctuation."""
    sentence = " ".join(sentence.split())
    if len(sentence.split()) < 5 or not _SENTENCE_END.search(sentence):
        return None
    return sentence


def load_sentences(sources: Sequence[Path]) -> tuple[list[str], dict[str, int]]:
    """Real sentences from the ``.txt`` articles and ``.jsonl`` records (with a ``text``)
    directly in ``sources`` (sorted, unique), and their count by file."""
    found: dict[str, set[str]] = {}
    for source in sources:
        if not source.is_dir():
            continue
        for path in sorted(source.iterdir()):
            if any(word in path.name.lower() for word in ("license", "readme")):
                continue
            if path.suffix == ".txt":
                found[path.name] = set(_split_sentences(path.read_text("utf-8")))
            elif path.suffix == ".jsonl":
                texts = set()
                for line in path.read_text("utf-8").splitlines():
                    with contextlib.suppress(ValueError):
                        record = json.loads(line)
                        if isinstance(record, dict) and isinstance(record.get("text"), str):
                            sentence = _clean(record["text"])
                            if sentence:
                                texts.add(sentence)
                found[path.name] = texts
    sentences = sorted(set().union(*found.values())) if found else []
    if len(sentences) < 50:
        raise BrokerError(
            "bench: too few sentences for a corpus (looked in "
            + ", ".join(str(s) for s in sources)
            + "; the shared evaluation sets belong in ../shared/eval beside the clone)"
        )
    return sentences, {name: len(texts) for name, texts in sorted(found.items())}


#: Event time of the first article of the capacity corpus.
CORPUS_START = datetime(2024, 1, 1, tzinfo=UTC)
#: Event time between two corpus articles. The shipped rules' longest window is 7 days:
#: at 15 minutes an article, every window has turned over by the 672nd article, so the
#: rules' state is in its steady size before the RSS checkpoint of a long run (1,000
#: articles) and growth after it would be a leak, not windows still filling. (At one
#: minute an article, 7-day windows fill until the 10,080th.)
EVENT_MINUTES_PER_ARTICLE = 15


def capacity_corpus(
    sentences: Sequence[str], options: BenchOptions, articles: int | None = None
) -> list[Article]:
    """The capacity run's corpus of ``options`` (``articles`` of them, if given)."""
    return build_corpus(
        sentences,
        options.articles if articles is None else articles,
        seed=options.seed,
        phase="capacity",
        min_tokens=options.min_tokens,
        max_tokens=options.max_tokens,
    )


def build_corpus(
    sentences: Sequence[str],
    n: int,
    *,
    seed: int,
    phase: str,
    min_tokens: int = 300,
    max_tokens: int = 1500,
    first_slot: int = 0,
) -> list[Article]:
    """``n`` articles of real sentences, deterministic for (``seed``, ``phase``).

    Lengths follow a log-normal law (median 700 tokens) clipped to the bounds; an
    article has a title line and paragraphs of two to five sentences. Article ``i`` is
    published ``(first_slot + i) * EVENT_MINUTES_PER_ARTICLE`` minutes after the start
    of 2024: event time moves on as in a real stream, so the alert rules' windows close
    and their state expires.
    """
    sizes = [approx_tokens(s) for s in sentences]
    median = min(max(700, min_tokens), max_tokens)
    articles = []
    for i in range(n):
        rng = random.Random(f"{seed}:{phase}:{i}")
        target = round(rng.lognormvariate(math.log(median), 0.45))
        target = min(max(target, min_tokens), max_tokens)
        title_words = sentences[rng.randrange(len(sentences))].rstrip(".").split()[:14]
        paragraphs: list[str] = []
        total = len(title_words)
        while total < target:
            chosen = []
            for _ in range(rng.randint(2, 5)):
                k = rng.randrange(len(sentences))
                chosen.append(sentences[k])
                total += sizes[k]
                if total >= target:
                    break
            paragraphs.append(" ".join(chosen))
        text = " ".join(title_words) + "\n\n" + "\n\n".join(paragraphs) + "\n"
        articles.append(
            Article(
                id=f"bench-{seed}-{phase}-{i:06d}",
                text=text,
                title=" ".join(title_words),
                source="stancewatch-bench",
                published_at=(
                    CORPUS_START + timedelta(minutes=(first_slot + i) * EVENT_MINUTES_PER_ARTICLE)
                ).isoformat(),
            )
        )
    return articles


# -- bare spaCy, in the same kind of process pool the worker uses ------------------------

_bench_extractor: Any = None


def _bench_initialize(
    model: str, dictionaries: tuple[Path, ...], min_confidence: float, cpus: set[int] | None
) -> None:
    global _bench_extractor
    pin(cpus)  # where the worker's NLP processes run
    from processors.annotate import Extractor

    _bench_extractor = Extractor.build(
        model, actor_dictionaries=dictionaries, min_confidence=min_confidence
    )


def _bench_batch(articles: list[Article]) -> tuple[list[int], float, float]:
    """Parse a batch with ``nlp.pipe`` (timed alone), then extract and encode as the worker.

    Returns the token count of each article, the ``nlp.pipe`` seconds and the seconds of
    the whole batch.
    """
    extractor = _bench_extractor
    started = time.perf_counter()
    with extractor.nlp.memory_zone():  # as the worker's NLP processes do
        docs = list(extractor.nlp.pipe([a.text for a in articles]))
        parsed = time.perf_counter()
        for article, doc in zip(articles, docs, strict=True):
            result = extractor.annotate_doc(article, doc)
            encode(result.to_dict())
            for event in result.events:
                encode(event.to_dict())
        lengths = [len(d) for d in docs]
    return lengths, parsed - started, time.perf_counter() - started


@dataclass(frozen=True)
class BareResult:
    articles: int
    tokens: int
    wall_seconds: float
    pipe_seconds: float
    cpu_seconds: float
    tokens_by_id: dict[str, int]

    def __add__(self, other: BareResult) -> BareResult:
        return BareResult(
            self.articles + other.articles,
            self.tokens + other.tokens,
            self.wall_seconds + other.wall_seconds,
            self.pipe_seconds + other.pipe_seconds,
            self.cpu_seconds + other.cpu_seconds,
            {**self.tokens_by_id, **other.tokens_by_id},
        )

    def figures(self) -> dict[str, Any]:
        """Bare ``nlp.pipe`` and the extraction loop (no Kafka) as rates."""
        return {
            "bare": _rates(self.articles, self.tokens, self.pipe_seconds),
            "extraction_loop": {
                **_rates(self.articles, self.tokens, self.wall_seconds),
                "nlp_cpu_ms_per_article": round(1000 * self.cpu_seconds / self.articles, 2),
                "nlp_cpu_share": round(self.cpu_seconds / self.wall_seconds, 3),
            },
        }


@contextlib.contextmanager
def bare_pool(settings: Settings, warm: Sequence[Article]) -> Iterator[ProcessPoolExecutor]:
    """``nlp_processes`` spawned processes with the model loaded, warmed up on ``warm``
    (the first batches of a fresh process are slower: lazy initialisation)."""
    import multiprocessing

    with ProcessPoolExecutor(
        max_workers=settings.nlp_processes,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_bench_initialize,
        initargs=(
            settings.model,
            settings.actor_dictionaries,
            settings.min_event_confidence,
            nlp_cpus(settings),
        ),
    ) as pool:
        list(pool.map(_bench_batch, [list(warm)] * settings.nlp_processes))
        yield pool


def measure_bare(
    pool: ProcessPoolExecutor, settings: Settings, articles: Sequence[Article]
) -> BareResult:
    """Run ``articles`` through bare ``nlp.pipe`` in the pool, in batches of ``batch_size``.

    The wall time covers parsing plus our extraction; the bare time is the wall time
    times the share of the processes' time spent inside ``nlp.pipe``.
    """
    size = settings.batch_size
    batches = [list(articles[i : i + size]) for i in range(0, len(articles), size)]
    pids = list(pool._processes)
    cpu_before = sum(_cpu_seconds(pid) or 0.0 for pid in pids)
    started = time.perf_counter()
    results = list(pool.map(_bench_batch, batches))
    wall = time.perf_counter() - started
    cpu = sum(_cpu_seconds(pid) or 0.0 for pid in pids) - cpu_before
    tokens_by_id: dict[str, int] = {}
    pipe_total = busy_total = 0.0
    for batch, (counts, pipe_s, busy_s) in zip(batches, results, strict=True):
        tokens_by_id.update((a.id, c) for a, c in zip(batch, counts, strict=True))
        pipe_total += pipe_s
        busy_total += busy_s
    share = pipe_total / busy_total if busy_total else 1.0
    return BareResult(
        articles=len(articles),
        tokens=sum(tokens_by_id.values()),
        wall_seconds=wall,
        pipe_seconds=wall * share,
        cpu_seconds=cpu,
        tokens_by_id=tokens_by_id,
    )


def _chunks(items: Sequence[Article], n: int) -> list[list[Article]]:
    """``items`` cut into ``n`` contiguous parts of nearly equal size."""
    bounds = [round(k * len(items) / n) for k in range(n + 1)]
    return [list(items[bounds[k] : bounds[k + 1]]) for k in range(n)]


def _rates(articles: int, tokens: int, seconds: float) -> dict[str, float]:
    return {
        "articles": articles,
        "tokens": tokens,
        "seconds": round(seconds, 3),
        "articles_per_s": round(articles / seconds, 3) if seconds else 0.0,
        "tokens_per_s": round(tokens / seconds, 1) if seconds else 0.0,
        "ms_per_article": round(1000 * seconds / articles, 2) if articles else 0.0,
    }


# -- processes: the broker, the worker, /proc -------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _metric(settings: Settings, name: str) -> float | None:
    try:
        with urllib.request.urlopen(f"{settings.web_url}/metrics", timeout=2) as response:
            text = response.read().decode()
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith(name + " "):
            return float(line.rsplit(" ", 1)[1])
    return None


@contextlib.contextmanager
def worker_process(
    settings: Settings, log_path: Path, *, env: dict[str, str] | None = None, timeout: float = 180.0
) -> Iterator[subprocess.Popen[bytes]]:
    """A ``stancewatch worker`` process, yielded once its model is loaded; stopped after."""
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streams.cli", "worker"],
            env=settings.child_environ() | (env or {}),
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + timeout
            while not _metric(settings, "stancewatch_model_load_seconds"):
                if proc.poll() is not None:
                    raise BrokerError(f"bench: the worker exited; see {log_path}")
                if time.monotonic() > deadline:
                    raise BrokerError(f"bench: the worker did not start; see {log_path}")
                time.sleep(0.5)
            yield proc
        finally:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()


def _proc_status(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM of a process, in kB (empty when it is gone)."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return {}
    out = {}
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            out[key] = int(value.split()[0])
    return out


def _cpu_seconds(pid: int) -> float | None:
    """User plus system CPU time of a process so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _children(pid: int) -> list[int]:
    kids: list[int] = []
    with contextlib.suppress(OSError):
        for task in Path(f"/proc/{pid}/task").iterdir():
            kids += [int(k) for k in (task / "children").read_text().split()]
    return sorted(set(kids))


def worker_processes(worker_pid: int, *, helper: bool = False) -> dict[str, int]:
    """The worker's processes by role: ``worker``, ``nlp-1``, ``nlp-2``, ... and, with
    ``helper``, ``nlp-helper``: the helper is started after the NLP processes, so it is
    the newest of them."""
    roles = {"worker": worker_pid}
    spawned = []
    for kid in _children(worker_pid):
        try:
            cmdline = Path(f"/proc/{kid}/cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        if b"spawn_main" in cmdline:
            spawned.append(kid)
    spawned.sort(key=_start_ticks)
    if helper and len(spawned) > 1:
        roles["nlp-helper"] = spawned.pop()
    roles |= {f"nlp-{n}": kid for n, kid in enumerate(spawned, start=1)}
    return roles


def _start_ticks(pid: int) -> int:
    """When a process started (clock ticks since boot; 0 when it is gone)."""
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19])
    except (OSError, IndexError, ValueError):
        return 0


def _rss_mb(pids: dict[str, int]) -> dict[str, float]:
    return {role: round(_proc_status(pid).get("VmRSS", 0) / 1024, 1) for role, pid in pids.items()}


# -- watching the output topics ---------------------------------------------------------


class Tracker(threading.Thread):
    """Reads ``annotated-articles`` and ``alerts``; notes when each article's records arrive."""

    def __init__(self, settings: Settings) -> None:
        super().__init__(name="bench-tracker", daemon=True)
        from kafka import KafkaConsumer, TopicPartition

        from streams.security import kafka_python_config

        self.annotated: dict[str, float] = {}
        self.tokens: dict[str, int] = {}
        self.first_alert: dict[str, float] = {}
        self.duplicates = 0
        self._halt = threading.Event()
        self._annotated_topic = settings.topic("annotated-articles")
        self._consumer = KafkaConsumer(
            bootstrap_servers=settings.kafka_bootstrap,
            enable_auto_commit=False,
            fetch_max_wait_ms=50,
            client_id="stancewatch-bench",
            **kafka_python_config(settings),
        )
        parts = [
            TopicPartition(name, p)
            for name in (self._annotated_topic, settings.topic("alerts"))
            for p in sorted(self._consumer.partitions_for_topic(name) or ())
        ]
        self._consumer.assign(parts)
        self._consumer.seek_to_beginning(*parts)

    def run(self) -> None:
        n_tokens = re.compile(rb'"n_tokens":(\d+)')
        try:
            while not self._halt.is_set():
                polled = self._consumer.poll(timeout_ms=100)
                now = time.time()
                for tp, records in polled.items():
                    for record in records:
                        if tp.topic == self._annotated_topic:
                            article_id = (record.key or b"").decode()
                            if article_id in self.annotated:
                                self.duplicates += 1
                                continue
                            found = n_tokens.search(record.value)
                            self.tokens[article_id] = int(found.group(1)) if found else 0
                            self.annotated[article_id] = now
                        else:
                            # An alert counts for an article when the article alone
                            # made it fire: a windowed alert carries evidence of earlier
                            # articles, which did not wait for it.
                            alert = json.loads(record.value)
                            sources = {e["article_id"] for e in alert.get("evidence", ())}
                            if len(sources) == 1:
                                self.first_alert.setdefault(sources.pop(), now)
        finally:
            self._consumer.close()

    def stop(self) -> None:
        self._halt.set()
        self.join(timeout=30)


class Publisher:
    """Publishes articles and notes when each was handed to the producer."""

    def __init__(self, settings: Settings) -> None:
        from kafka import KafkaProducer

        from streams.security import kafka_python_config

        self.topic = settings.topic("articles")
        self.sent: dict[str, float] = {}
        self._producer = KafkaProducer(
            bootstrap_servers=settings.kafka_bootstrap,
            acks="all",
            client_id="stancewatch-bench",
            **kafka_python_config(settings),
        )

    def publish(self, article: Article) -> None:
        value = json.dumps(article.to_dict(), ensure_ascii=False).encode()
        self.sent[article.id] = time.time()
        self._producer.send(self.topic, key=article.id.encode(), value=value)

    def flush(self) -> None:
        self._producer.flush(timeout=120)

    def close(self) -> None:
        self._producer.close(timeout=30)


# -- the run ----------------------------------------------------------------------------


class _Sampler:
    """Load average samples (the machine is shared: figures need their context)."""

    def __init__(self) -> None:
        self.samples: list[float] = []

    def sample(self) -> None:
        self.samples.append(os.getloadavg()[0])

    def summary(self) -> dict[str, float]:
        s = self.samples or [os.getloadavg()[0]]
        return {"min": min(s), "mean": round(sum(s) / len(s), 2), "max": max(s)}


def _wait_annotated(
    tracker: Tracker,
    ids: Sequence[str],
    sampler: _Sampler,
    *,
    timeout: float,
    on_progress: Any = None,
) -> None:
    deadline = time.monotonic() + timeout
    last_sample = 0.0
    while True:
        done = sum(1 for i in ids if i in tracker.annotated)
        if on_progress is not None:
            on_progress(done)
        if done >= len(ids):
            return
        if time.monotonic() > deadline:
            raise BrokerError(f"bench: only {done} of {len(ids)} articles annotated in time")
        if time.monotonic() - last_sample > 5:
            sampler.sample()
            last_sample = time.monotonic()
        time.sleep(0.05)


def percentiles(values: Sequence[float]) -> dict[str, float | int | None]:
    """p50, p95, p99 and max (nearest rank), in seconds, and the count."""
    if not values:
        return {"n": 0, "p50": None, "p95": None, "p99": None, "max": None}
    s = sorted(values)

    def rank(p: float) -> float:
        return round(s[max(0, math.ceil(p / 100 * len(s)) - 1)], 4)

    return {"n": len(s), "p50": rank(50), "p95": rank(95), "p99": rank(99), "max": rank(100)}


def _latencies(
    ids: Sequence[str], sent: dict[str, float], arrived: dict[str, float]
) -> list[float]:
    return [arrived[i] - sent[i] for i in ids if i in arrived and i in sent]


def _count_blocks(
    path: Path, pattern: re.Pattern[str], start: int = 0, minimum: float = 0.0
) -> tuple[int, float]:
    """Lines of ``path`` (from byte ``start``) whose figure passes ``minimum``, and the
    largest figure."""
    if not path.exists():
        return 0, 0.0
    with open(path, "rb") as f:
        f.seek(start)
        text = f.read().decode("utf-8", "replace")
    durations = [float(m.group(1)) for m in pattern.finditer(text)]
    return sum(d > minimum for d in durations), max(durations, default=0.0)


def _size(path: Path) -> int:
    return path.stat().st_size if path.exists() else 0


def run_bench(settings: Settings, options: BenchOptions) -> dict[str, Any]:
    """Run the whole benchmark; returns the figures (also written to ``bench.json``)."""
    from streams.admin import ensure_topics

    out = options.out_dir
    out.mkdir(parents=True, exist_ok=True)
    sampler = _Sampler()
    sampler.sample()
    sentences, sources = load_sentences(options.sources)
    corpus = capacity_corpus(sentences, options)
    n_bare = len(corpus) if options.bare_articles is None else options.bare_articles
    bare_sample = corpus[: max(1, min(len(corpus), n_bare))]
    print(
        f"corpus: {len(corpus)} articles from {len(sentences)} real sentences; "
        f"bare spaCy on {len(bare_sample)} of them, {settings.nlp_processes} process(es), "
        f"batches of {settings.batch_size} ...",
        flush=True,
    )
    # Bare and pipeline alternate in rounds over the same corpus: on a shared machine the
    # load drifts, and alternating exposes both measurements to the same drift.
    rounds = max(1, min(options.rounds, len(bare_sample)))
    bare_rounds, pipeline_rounds = _chunks(bare_sample, rounds), _chunks(corpus, rounds)
    n_warm = 2 * settings.batch_size * settings.nlp_processes
    warm = build_corpus(
        sentences,
        n_warm,
        seed=options.seed,
        phase="warmup",
        first_slot=-n_warm,  # before the capacity corpus
        min_tokens=options.min_tokens,
        max_tokens=options.max_tokens,
    )

    tag = uuid.uuid4().hex[:8]
    with contextlib.ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="stancewatch-bench-")))
        print("loading the model for bare nlp.pipe ...", flush=True)
        pool = stack.enter_context(bare_pool(settings, warm[: settings.batch_size]))
        broker_pid: int | None = None
        if settings.uses_local_broker:
            from streams.kafka_local import LocalKafka, free_port_pair

            broker_settings = settings.with_overrides(local_kafka_port=free_port_pair())
            broker = LocalKafka(broker_settings, data_dir=tmp / "kafka")
            print(f"starting a local Kafka broker on {broker.bootstrap} ...", flush=True)
            broker.start()
            stack.callback(broker.stop)
            settings = replace(broker_settings, bootstrap_servers=broker.bootstrap)
            broker_pid = broker.pid
        loop_log = out / "worker-event-loop.log"
        loop_log.unlink(missing_ok=True)
        run_settings = replace(
            settings,
            app_id=f"stancewatch-bench-{tag}",
            topic_prefix=f"bench-{tag}.",
            web_port=free_port(),
            data_dir=tmp / "worker-data",
            loop_debug_log=loop_log,
        )
        ensure_topics(run_settings)
        if not settings.uses_local_broker:
            stack.callback(_delete_topics, run_settings)
        print("starting a worker (loading the model) ...", flush=True)
        worker_log = out / "worker.log"
        env = {"PYTHONASYNCIODEBUG": "1"} if options.asyncio_debug else {}
        worker = stack.enter_context(worker_process(run_settings, worker_log, env=env))
        pids = worker_processes(worker.pid, helper=run_settings.helper_process)
        tracker = Tracker(run_settings)
        tracker.start()
        stack.callback(tracker.stop)
        publisher = Publisher(run_settings)
        stack.callback(publisher.close)

        for article in warm:
            publisher.publish(article)
        publisher.flush()
        _wait_annotated(tracker, [a.id for a in warm], sampler, timeout=600)
        loop_log_start, worker_log_start = _size(loop_log), _size(worker_log)

        # Capacity: each round's articles at once, until every annotated article arrived.
        checkpoint = (
            options.rss_checkpoint
            if len(corpus) > options.rss_checkpoint
            else max(1, len(corpus) // 2)
        )
        rss_checkpoint: dict[str, float] = {}
        done_before = 0

        groups: dict[str, float | None] = {}

        def at_progress(done: int) -> None:
            if done_before + done >= checkpoint and not rss_checkpoint:
                rss_checkpoint.update(_rss_mb(pids))
                groups["checkpoint"] = _metric(run_settings, "stancewatch_rule_groups")

        bare: BareResult | None = None
        seconds = nlp_busy = batches = by_helper = 0.0
        cpu: dict[str, float] = {}
        round_figures = []
        for k, (bare_part, part) in enumerate(zip(bare_rounds, pipeline_rounds, strict=True)):
            measured = measure_bare(pool, settings, bare_part)
            bare = measured if bare is None else bare + measured
            print(
                f"round {k + 1}/{rounds}: bare nlp.pipe "
                f"{measured.figures()['bare']['articles_per_s']:.2f} articles/s; "
                f"pipeline: publishing {len(part)} articles at once ...",
                flush=True,
            )
            sampler.sample()
            cpu_before = {role: _cpu_seconds(pid) for role, pid in _with_broker(pids, broker_pid)}
            busy_before = _metric(run_settings, "stancewatch_processing_seconds_sum") or 0.0
            batches_before = _metric(run_settings, "stancewatch_batch_size_articles_count") or 0.0
            helper_before = _metric(run_settings, HELPER_METRIC) or 0.0
            for article in part:
                publisher.publish(article)
            publisher.flush()
            part_ids = [a.id for a in part]
            _wait_annotated(
                tracker, part_ids, sampler, timeout=120 + 10 * len(part), on_progress=at_progress
            )
            done_before += len(part)
            took = max(tracker.annotated[i] for i in part_ids) - min(
                publisher.sent[i] for i in part_ids
            )
            seconds += took
            for role, pid in _with_broker(pids, broker_pid):
                cpu[role] = (
                    cpu.get(role, 0.0) + (_cpu_seconds(pid) or 0.0) - (cpu_before.get(role) or 0.0)
                )
            nlp_busy += (
                _metric(run_settings, "stancewatch_processing_seconds_sum") or 0.0
            ) - busy_before
            batches += (
                _metric(run_settings, "stancewatch_batch_size_articles_count") or 0.0
            ) - batches_before
            by_helper += (_metric(run_settings, HELPER_METRIC) or 0.0) - helper_before
            round_figures.append(
                {
                    "bare_articles_per_s": measured.figures()["bare"]["articles_per_s"],
                    "pipeline_articles_per_s": round(len(part) / took, 3) if took else 0.0,
                    "load_average_1min": round(os.getloadavg()[0], 2),
                }
            )
            print(
                f"round {k + 1}/{rounds}: pipeline "
                f"{round_figures[-1]['pipeline_articles_per_s']:.2f} articles/s",
                flush=True,
            )
        assert bare is not None
        rss_end = _rss_mb(pids)
        groups["end"] = _metric(run_settings, "stancewatch_rule_groups")
        ids = [a.id for a in corpus]
        tokens = sum(tracker.tokens.get(i, 0) for i in ids)
        pipeline = _rates(len(ids), tokens, seconds)
        capacity = pipeline["articles_per_s"]
        print(
            f"pipeline: {capacity:.2f} articles/s, {pipeline['tokens_per_s']:.0f} tokens/s",
            flush=True,
        )

        # Latency at paced loads.
        levels: list[dict[str, Any]] = []
        next_slot = len(corpus)  # event time goes on after the capacity corpus
        for load in options.loads:
            rate = load * capacity
            n = max(options.min_latency_articles, round(rate * options.latency_seconds))
            batch = build_corpus(
                sentences,
                n,
                seed=options.seed,
                phase=f"load{round(load * 100)}",
                min_tokens=options.min_tokens,
                max_tokens=options.max_tokens,
                first_slot=next_slot,
            )
            next_slot += n
            print(f"latency: {n} articles at {rate:.2f}/s ({load:.0%} load) ...", flush=True)
            split_before = _metric(run_settings, "stancewatch_articles_split_total") or 0.0
            t0 = time.time()
            for k, article in enumerate(batch):
                delay = t0 + k / rate - time.time()
                if delay > 0:
                    time.sleep(delay)
                publisher.publish(article)
            publisher.flush()
            level_ids = [a.id for a in batch]
            _wait_annotated(tracker, level_ids, sampler, timeout=120 + 10 * n)
            span = max(tracker.annotated[i] for i in level_ids) - t0
            levels.append(
                {
                    "load": load,
                    "offered_articles_per_s": round(rate, 3),
                    "achieved_articles_per_s": round(n / span, 3) if span else 0.0,
                    "articles": n,
                    # Parsed in halves (arrived alone; see STANCEWATCH_SPLIT_MIN_TOKENS).
                    "articles_split": int(
                        (_metric(run_settings, "stancewatch_articles_split_total") or 0.0)
                        - split_before
                    ),
                    "ids": level_ids,
                }
            )
        time.sleep(3.0)  # let the last alerts arrive
        loop_blocks, loop_longest = _count_blocks(loop_log, _LOOP_BLOCKED_RE, loop_log_start)
        busy_blocks, busy_longest = _count_blocks(
            loop_log, _LOOP_BUSY_RE, loop_log_start, minimum=MAX_LOOP_BLOCK
        )
        gc_blocks, gc_longest = _count_blocks(
            loop_log, _LOOP_GC_RE, loop_log_start, minimum=MIN_GC_PART
        )
        slow_callbacks = _count_blocks(worker_log, _SLOW_CALLBACK_RE, worker_log_start)
        peaks = {
            role: round(_proc_status(pid).get("VmHWM", 0) / 1024, 1) for role, pid in pids.items()
        }
        sampler.sample()
        for level in levels:
            level_ids = level.pop("ids")
            level["annotated_latency_s"] = percentiles(
                _latencies(level_ids, publisher.sent, tracker.annotated)
            )
            level["alert_latency_s"] = percentiles(
                _latencies(level_ids, publisher.sent, tracker.first_alert)
            )
        capacity_latency = percentiles(_latencies(ids, publisher.sent, tracker.annotated))
        duplicates = tracker.duplicates
    all_blocks, all_longest = _count_blocks(loop_log, _LOOP_BLOCKED_RE)
    figures = bare.figures()
    bare_fig, loop_fig = figures["bare"], figures["extraction_loop"]
    ratio = pipeline["tokens_per_s"] / bare_fig["tokens_per_s"] if bare_fig["tokens_per_s"] else 0
    # Per article at the pipeline's own token mix: time per token times tokens per article.
    tokens_per_article = pipeline["tokens"] / max(1, pipeline["articles"])

    def ms_per_article(tokens_per_s: float) -> float:
        return 1000 * tokens_per_article / tokens_per_s if tokens_per_s else 0.0

    pipe_ms = ms_per_article(pipeline["tokens_per_s"])
    bare_ms = ms_per_article(bare_fig["tokens_per_s"])
    loop_ms = ms_per_article(loop_fig["tokens_per_s"])
    rss = {
        "checkpoint_articles": checkpoint,
        "after_checkpoint_mb": rss_checkpoint,
        "at_end_mb": rss_end,
        # Window state the worker holds (stancewatch_rule_groups): state that grows
        # with the distinct actors and pairs seen, which RSS growth may reflect.
        "rule_groups": groups,
        "peak_mb": peaks,
        "growth_mb": {
            role: round(rss_end.get(role, 0) - rss_checkpoint.get(role, 0), 1) for role in pids
        },
    }
    cpu = {role: round(v, 1) for role, v in cpu.items()}
    # The NLP processes alone: the helper (its own figure below) parses no chunk.
    nlp_cpu = sum(v for role, v in cpu.items() if role.startswith("nlp-") and role != "nlp-helper")
    pipeline["nlp_cpu_ms_per_article"] = round(1000 * nlp_cpu / max(1, pipeline["articles"]), 2)
    pipeline["nlp_cpu_share"] = round(nlp_cpu / seconds, 3) if seconds else 0.0
    pipeline["nlp_pool_busy_share"] = round(nlp_busy / seconds, 3) if seconds else 0.0
    pipeline["batches"] = int(batches)
    pipeline["extracted_by_helper"] = int(by_helper)
    pipeline["helper_cpu_ms_per_article"] = round(
        1000 * cpu.get("nlp-helper", 0.0) / max(1, pipeline["articles"]), 2
    )
    result: dict[str, Any] = {
        "command": "stancewatch bench " + " ".join(_argv_of(options)),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "load_average_1min": sampler.summary(),
        },
        "settings": {
            "model": settings.model,
            "nlp_processes": settings.nlp_processes,
            "helper_process": settings.helper_process,
            "split_min_tokens": settings.split_min_tokens,
            "batch_size": settings.batch_size,
            "batch_within_s": settings.batch_within,
            "pinned_cpus": (
                {"nlp": sorted(plan[0]), "rest": sorted(plan[1])}
                if (plan := cpu_plan(settings))
                else None
            ),
            "articles_partitions": settings.articles_partitions,
            "broker": "local Apache Kafka 4.1.1" if broker_pid else settings.kafka_bootstrap,
        },
        "corpus": {
            "articles": len(corpus),
            "tokens": pipeline["tokens"],
            "tokens_per_article_mean": round(tokens_per_article, 1),
            "tokens_per_article_min": min((tracker.tokens.get(i, 0) for i in ids), default=0),
            "tokens_per_article_max": max((tracker.tokens.get(i, 0) for i in ids), default=0),
            "sentences": len(sentences),
            "sentences_by_source": sources,
            "seed": options.seed,
        },
        "bare": bare_fig,
        "extraction_loop": loop_fig,
        "pipeline": {**pipeline, "ratio_to_bare": round(ratio, 3)},
        "overhead_ms_per_article": {
            "pipeline_minus_bare": round(pipe_ms - bare_ms, 2),
            "extraction": round(loop_ms - bare_ms, 2),
            "kafka_faust": round(pipe_ms - loop_ms, 2),
        },
        "cpu_seconds_during_capacity_run": cpu,
        "rounds": round_figures,
        "capacity_run_latency_s": capacity_latency,
        "latency": levels,
        "rss": rss,
        "event_loop": {
            "threshold_s": MAX_LOOP_BLOCK,
            "busy_blocks_during_measurement": busy_blocks,
            "longest_busy_s": busy_longest,
            "blocked_during_measurement": loop_blocks,
            # Blocks during which Python's garbage collector ran at least MIN_GC_PART s.
            "blocks_in_garbage_collection": gc_blocks,
            "longest_garbage_collection_s": gc_longest,
            "longest_during_measurement_s": loop_longest,
            "blocked_including_startup_and_shutdown": all_blocks,
            "longest_including_startup_and_shutdown_s": all_longest,
            "asyncio_debug": options.asyncio_debug,
            "slow_callbacks_during_measurement": (
                slow_callbacks[0] if options.asyncio_debug else None
            ),
        },
        "duplicates_seen": duplicates,
    }
    result["bars"] = bars(result)
    json_path = out / "bench.json"
    png_path = out / "bench.png"
    result["files"] = {
        "json": str(json_path),
        "png": str(png_path),
        "worker_log": str(out / "worker.log"),
        "event_loop_log": str(loop_log),
    }
    json_path.write_text(json.dumps(result, indent=2) + "\n", "utf-8")
    plot(result, png_path)
    return result


def _with_broker(pids: dict[str, int], broker_pid: int | None) -> list[tuple[str, int]]:
    items = list(pids.items())
    if broker_pid:
        items.append(("kafka-broker", broker_pid))
    return items


def _delete_topics(settings: Settings) -> None:
    from streams.admin import admin_client
    from streams.topics import topic_specs

    admin = admin_client(settings)
    try:
        with contextlib.suppress(Exception):
            admin.delete_topics([s.name for s in topic_specs(settings)])
    finally:
        admin.close()


def _argv_of(options: BenchOptions) -> list[str]:
    defaults = BenchOptions()
    args = []
    if options.articles != defaults.articles:
        args.append(f"--articles {options.articles}")
    if options.bare_articles != defaults.bare_articles:
        args.append(f"--bare-articles {options.bare_articles or 0}")
    if options.asyncio_debug:
        args.append("--asyncio-debug")
    if options.rounds != defaults.rounds:
        args.append(f"--rounds {options.rounds}")
    if options.latency_seconds != defaults.latency_seconds:
        args.append(f"--latency-seconds {options.latency_seconds:g}")
    if options.loads != defaults.loads:
        args.append("--loads " + ",".join(f"{x:g}" for x in options.loads))
    return args


def _level(result: dict[str, Any], load: float) -> dict[str, Any] | None:
    return next((lv for lv in result["latency"] if math.isclose(lv["load"], load)), None)


def bars(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The bars of issue 5, each with its figure and whether it passes."""
    out = []
    ratio = result["pipeline"]["ratio_to_bare"]
    out.append(_bar("pipeline throughput / bare nlp.pipe", ratio, ">=", MIN_RATIO, ""))
    low, high = _level(result, 0.25), _level(result, 0.75)
    p50 = low["annotated_latency_s"]["p50"] if low else None
    out.append(_bar("p50 publish->annotated at 25% load", p50, "<=", MAX_P50_AT_LOW_LOAD, "s"))
    p99 = high["annotated_latency_s"]["p99"] if high else None
    out.append(_bar("p99 publish->annotated at 75% load", p99, "<=", MAX_P99_AT_HIGH_LOAD, "s"))
    rss = result["rss"]
    worst = max(
        (
            (rss["growth_mb"][role] / rss["after_checkpoint_mb"][role], role)
            for role in rss["growth_mb"]
            if rss["after_checkpoint_mb"].get(role)
        ),
        default=(None, ""),
    )
    out.append(
        _bar(
            f"RSS growth after the first {rss['checkpoint_articles']} articles"
            + (f" (worst: {worst[1]})" if worst[1] else ""),
            None if worst[0] is None else round(worst[0], 4),
            "<=",
            RSS_TOLERANCE,
            "x",
        )
    )
    blocks = result["event_loop"]["busy_blocks_during_measurement"]
    out.append(_bar("event loop held > 100 ms by work on it (count)", blocks, "<=", 0, ""))
    return out


def _bar(name: str, value: float | None, op: str, limit: float, unit: str) -> dict[str, Any]:
    ok = value is not None and (value >= limit if op == ">=" else value <= limit)
    return {"bar": name, "value": value, "op": op, "limit": limit, "unit": unit, "pass": ok}


def plot(result: dict[str, Any], path: Path) -> None:
    """Throughput and latency against offered load, as a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    levels = result["latency"]
    capacity = result["pipeline"]["articles_per_s"]
    bare = result["bare"]["articles_per_s"]
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.5))
    offered = [lv["offered_articles_per_s"] for lv in levels] + [capacity]
    achieved = [lv["achieved_articles_per_s"] for lv in levels] + [capacity]
    left.plot(offered, achieved, "o-", label="pipeline (paced loads, then flat out)")
    left.axhline(bare, linestyle="--", color="grey", label="bare nlp.pipe")
    left.axhline(MIN_RATIO * bare, linestyle=":", color="red", label=f"{MIN_RATIO:g} x bare")
    left.set_xlabel("offered load (articles/s)")
    left.set_ylabel("throughput (articles/s)")
    left.set_title("Throughput")
    left.legend(fontsize=8)
    loads = [100 * lv["load"] for lv in levels]
    for key, style in (("annotated_latency_s", "-"), ("alert_latency_s", "--")):
        for pct, marker, color in (("p50", "o", "C0"), ("p95", "s", "C1"), ("p99", "^", "C3")):
            ys = [lv[key][pct] for lv in levels]
            if all(y is None for y in ys):
                continue
            what = "annotated" if key.startswith("annotated") else "alert"
            right.plot(
                loads, ys, marker=marker, color=color, linestyle=style, label=f"{what} {pct}"
            )
    right.axhline(MAX_P50_AT_LOW_LOAD, linestyle=":", color="green", label="p50 bar (25%)")
    right.axhline(MAX_P99_AT_HIGH_LOAD, linestyle=":", color="red", label="p99 bar (75%)")
    right.set_xlabel("offered load (% of measured capacity)")
    right.set_ylabel("publish -> received (s)")
    right.set_title("End-to-end latency")
    right.legend(fontsize=7, ncol=2)
    model = result["settings"]["model"]
    procs = result["settings"]["nlp_processes"]
    fig.suptitle(f"stancewatch bench: {model}, {procs} NLP process(es)")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def _settings_line(s: dict[str, Any]) -> str:
    pinned = s.get("pinned_cpus")
    where = (
        f"NLP on CPU {pinned['nlp']}, worker and broker on CPU {pinned['rest']}"
        if pinned
        else "not pinned to CPUs"
    )
    split = s.get("split_min_tokens", 0)
    helper = ""
    if s["helper_process"]:
        helper = "; a helper process extracts the events" + (
            f" and parses the second half of a lone article of {split}+ tokens" if split else ""
        )
    return (
        f"{s['nlp_processes']} NLP process(es), batches of {s['batch_size']} within "
        f"{s['batch_within_s']} s, {where}{helper}"
    )


def report(result: dict[str, Any]) -> str:
    """The figures as text, with each bar's PASS/FAIL."""
    b, x, p = result["bare"], result["extraction_loop"], result["pipeline"]
    o = result["overhead_ms_per_article"]
    c = result["corpus"]
    load = result["machine"]["load_average_1min"]
    lines = [
        f"corpus: {c['articles']} articles, {c['tokens']} tokens "
        f"({c['tokens_per_article_min']}..{c['tokens_per_article_max']}, "
        f"mean {c['tokens_per_article_mean']:.0f} per article)",
        f"load average (1 min) during the run: min {load['min']:.2f}, mean {load['mean']:.2f}, "
        f"max {load['max']:.2f} on {result['machine']['cpus']} CPUs",
        _settings_line(result["settings"]),
        "",
        f"{'':28}{'articles/s':>12}{'tokens/s':>11}{'ms/article':>12}",
    ]
    for name, fig in (
        ("bare nlp.pipe", b),
        ("extraction, no Kafka", x),
        ("pipeline through Kafka", p),
    ):
        lines.append(
            f"{name:28}{fig['articles_per_s']:>12.2f}{fig['tokens_per_s']:>11.0f}"
            f"{fig['ms_per_article']:>12.1f}"
        )
    lines += [
        f"ratio pipeline / bare: {p['ratio_to_bare']:.3f}",
        f"overhead per article over bare: {o['pipeline_minus_bare']:.1f} ms (our extraction "
        f"after the parse in one process: {o['extraction']:+.1f} ms; the pipeline against "
        f"that: {o['kafka_faust']:+.1f} ms)",
        "CPU seconds during the capacity run: "
        + ", ".join(f"{k} {v:.1f}" for k, v in result["cpu_seconds_during_capacity_run"].items()),
        f"NLP process: {x['nlp_cpu_ms_per_article']:.0f} CPU ms/article bare, "
        f"{p['nlp_cpu_ms_per_article']:.0f} in the pipeline; on a CPU "
        f"{x['nlp_cpu_share']:.0%} of the time bare, {p['nlp_cpu_share']:.0%} in the pipeline "
        f"(busy with a batch {p['nlp_pool_busy_share']:.0%} of the time, "
        f"{p['batches']} batches)",
        f"helper process: extracted {p.get('extracted_by_helper', 0)} of the "
        f"{p['articles']} articles, {p.get('helper_cpu_ms_per_article', 0):.0f} CPU ms/article",
        "",
        f"{'latency (s)':28}{'offered/s':>10}{'p50':>8}{'p95':>8}{'p99':>8}"
        f"{'alert p50':>11}{'p95':>8}{'p99':>8}",
    ]

    def f(v: float | None) -> str:
        return "-" if v is None else f"{v:.3f}"

    for lv in result["latency"]:
        a, al = lv["annotated_latency_s"], lv["alert_latency_s"]
        label = f"{lv['load']:.0%} load, {lv['articles']} ({lv.get('articles_split', 0)} split)"
        lines.append(
            f"{label:28}"
            f"{lv['offered_articles_per_s']:>10.2f}{f(a['p50']):>8}{f(a['p95']):>8}"
            f"{f(a['p99']):>8}{f(al['p50']):>11}{f(al['p95']):>8}{f(al['p99']):>8}"
        )
    rss = result["rss"]
    lines += [
        "",
        f"RSS (MB){'':20}{'after ' + str(rss['checkpoint_articles']):>12}"
        f"{'at end':>10}{'peak':>10}",
    ]
    for role in rss["at_end_mb"]:
        lines.append(
            f"{role:28}{rss['after_checkpoint_mb'].get(role, 0):>12.1f}"
            f"{rss['at_end_mb'][role]:>10.1f}{rss['peak_mb'].get(role, 0):>10.1f}"
        )
    groups = rss.get("rule_groups") or {}
    if groups.get("checkpoint") is not None and groups.get("end") is not None:
        lines.append(
            f"{'rule window groups held':28}{groups['checkpoint']:>12.0f}{groups['end']:>10.0f}"
        )
    ev = result["event_loop"]
    lines += [
        f"event loop late > {ev['threshold_s'] * 1000:.0f} ms: "
        f"{ev['blocked_during_measurement']} time(s) during the measurement "
        f"(longest {ev['longest_during_measurement_s']:.3f} s; "
        f"{ev['blocked_including_startup_and_shutdown']} including start-up and shutdown); "
        f"of these, the loop's thread was on a CPU > {ev['threshold_s'] * 1000:.0f} ms "
        f"{ev['busy_blocks_during_measurement']} time(s) (most {ev['longest_busy_s']:.3f} s), "
        "the rest was waiting for a CPU; "
        f"{ev.get('blocks_in_garbage_collection', 0)} with a garbage collection "
        f"> {MIN_GC_PART * 1000:.0f} ms (most {ev.get('longest_garbage_collection_s', 0):.3f} s)"
        + (
            f"; asyncio debug: {ev['slow_callbacks_during_measurement']} slow callback(s) "
            "in worker.log"
            if ev["asyncio_debug"]
            else ""
        ),
        "",
    ]
    for bar in result["bars"]:
        value = "-" if bar["value"] is None else f"{bar['value']:g}{bar['unit']}"
        verdict = "PASS" if bar["pass"] else "FAIL"
        lines.append(
            f"{verdict}  {bar['bar']}: {value} ({bar['op']} {bar['limit']:g}{bar['unit']})"
        )
    lines.append(f"\nwrote {result['files']['json']} and {result['files']['png']}")
    return "\n".join(lines)


def bench_command(settings: Settings, options: BenchOptions) -> int:
    """``stancewatch bench``: run, print the report; exit 0 whatever the bars say."""
    result = run_bench(settings, options)
    print(report(result), flush=True)
    return 0
