"""spaCy off the event loop: a process pool whose initializer loads the model once.

Processes are started with ``spawn`` (forking a running asyncio/Kafka process is
unsafe). Each process builds one ``Extractor``. A batch is split into chunks that are
all queued at once: the processes work through them back to back (in parallel when
there are several), while the event loop publishes the results of the chunks already
done, so spaCy does not sit idle while a batch is published.

spaCy on its CPUs is the limit of the whole system, so with ``helper_process`` the NLP
processes only parse: a helper process (on the worker's CPUs when pinned, which are
mostly idle) turns each parsed chunk into actors and events while the NLP processes
parse the next one. The parsed docs cross as bytes without the tok2vec tensor.

An article that arrives alone finds every process idle: its latency is its own parse.
With ``split_min_tokens`` set, the helper parses the second half of such an article
while an NLP process parses the first, and the NLP process joins the halves and
extracts the events (see ``processors.halves``).
"""

from __future__ import annotations

import asyncio
import logging
import math
import multiprocessing
import os
import threading
import time
from collections.abc import AsyncIterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from processors.annotate import ExtractionFailure, Extractor
from processors.halves import approx_tokens, halving_cut
from processors.types import AnnotatedArticle, Article
from streams import metrics
from streams.affinity import nlp_cpus, other_cpus, pin
from streams.settings import Settings

log = logging.getLogger("stancewatch")
_extractor: Extractor | None = None

#: Most articles in one chunk; small enough that publishing a chunk's results overlaps
#: the parsing of the next, large enough for nlp.pipe to batch.
MAX_CHUNK = 4


def _initialize(
    model: str,
    dictionaries: tuple[Path, ...],
    min_confidence: float,
    cpus: set[int] | None,
    parent: int,
) -> None:
    global _extractor
    _exit_with_parent(parent)
    pin(cpus)
    _extractor = Extractor.build(
        model, actor_dictionaries=dictionaries, min_confidence=min_confidence
    )


def _exit_with_parent(parent: int) -> None:
    """End this process when the worker that started it is gone (e.g. after kill -9).

    A pool process whose parent dies is not told: it would live on as an orphan. The
    parent's pid comes from the parent itself: a process still starting when its parent
    died (a worker stopped right after it started its pool) is an orphan already.
    """
    if os.getppid() != parent:
        os._exit(0)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def _warm_up() -> bool:
    return _extractor is not None


def _built() -> Extractor:
    if _extractor is None:  # pragma: no cover - the initializer always runs first
        raise RuntimeError("NLP process was not initialised")
    return _extractor


def _annotate(articles: Sequence[Article]) -> list[AnnotatedArticle | ExtractionFailure]:
    return _built().annotate_batch(articles)


def _parse(articles: Sequence[Article]) -> list[bytes | ExtractionFailure]:
    return _built().parse_batch(articles)


def _annotate_parsed(
    articles: Sequence[Article], parsed: Sequence[bytes | ExtractionFailure]
) -> list[AnnotatedArticle | ExtractionFailure]:
    return _built().annotate_parsed(articles, parsed)


def _parse_part(text: str) -> bytes:
    return _built().parse_part(text)


def _annotate_parts(article: Article, parts: list[bytes]) -> AnnotatedArticle | ExtractionFailure:
    return _built().annotate_parts(article, parts)


def _discard(futures: Sequence[asyncio.Future[Any]]) -> None:
    """Cancel futures whose results are no longer wanted, and take the exception of
    those already failed (else asyncio logs it as never retrieved)."""
    for future in futures:
        if future.done():
            if not future.cancelled():
                future.exception()
        else:
            future.cancel()


def _report_helper_start(ready: asyncio.Future[bool]) -> None:
    if not ready.cancelled() and ready.exception() is not None:
        log.error(
            "the helper NLP process did not start (%r); lone articles are parsed whole",
            ready.exception(),
        )


class NlpPool:
    """A pool of NLP processes; ``annotate_chunks(batch)`` never blocks the event loop."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._executor: ProcessPoolExecutor | None = None
        self._helper: ProcessPoolExecutor | None = None
        self._helper_ready: asyncio.Future[bool] | None = None

    def _make_executor(self, processes: int, cpus: set[int] | None) -> ProcessPoolExecutor:
        s = self.settings
        return ProcessPoolExecutor(
            max_workers=processes,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_initialize,
            initargs=(s.model, s.actor_dictionaries, s.min_event_confidence, cpus, os.getpid()),
        )

    async def start(self) -> float:
        """Start the processes and wait until each has loaded the model; returns seconds.

        The helper process, if any, is started afterwards and loads its model in the
        background: articles are not split until it is ready.
        """
        loop = asyncio.get_running_loop()
        started = time.perf_counter()
        self._executor = self._make_executor(self.settings.nlp_processes, nlp_cpus(self.settings))
        await asyncio.gather(
            *(
                loop.run_in_executor(self._executor, _warm_up)
                for _ in range(self.settings.nlp_processes)
            )
        )
        seconds = time.perf_counter() - started
        self._start_helper()
        return seconds

    def _start_helper(self) -> None:
        if not self.settings.helper_process or self._helper is not None:
            return
        self._helper = self._make_executor(1, other_cpus(self.settings))
        self._helper_ready = asyncio.get_running_loop().run_in_executor(self._helper, _warm_up)
        self._helper_ready.add_done_callback(_report_helper_start)

    def _helper_is_ready(self) -> bool:
        ready = self._helper_ready
        return (
            ready is not None
            and ready.done()
            and not ready.cancelled()
            and ready.exception() is None
        )

    def _replace_helper(self, failed: ProcessPoolExecutor | None) -> None:
        """Start a fresh helper in the background in place of ``failed`` (once, however
        many chunks saw it fail); meanwhile the NLP processes do its work."""
        if failed is not None and failed is self._helper:
            self._close_helper()
            self._start_helper()

    def _splits(self, articles: Sequence[Article]) -> bool:
        """True when a batch is one long article and the helper is ready for it."""
        split_min = self.settings.split_min_tokens
        return (
            len(articles) == 1
            and split_min > 0
            and self._helper_is_ready()
            and approx_tokens(articles[0].text) >= split_min
        )

    async def _annotate_halves(
        self, article: Article
    ) -> AnnotatedArticle | ExtractionFailure | None:
        """Parse the two halves of an article at once (the second in the helper) and
        annotate the joined parse; None when the article has no cut or the helper
        failed (the caller then annotates it whole)."""
        cut = halving_cut(article.text)
        if cut is None or self._executor is None or self._helper is None:
            return None
        loop = asyncio.get_running_loop()
        try:
            second = loop.run_in_executor(self._helper, _parse_part, article.text[cut:])
            first = loop.run_in_executor(self._executor, _parse_part, article.text[:cut])
            parts = list(await asyncio.gather(first, second))
            result = await loop.run_in_executor(self._executor, _annotate_parts, article, parts)
        except Exception:
            # Rare (a process died): start a fresh helper in the background and let
            # the usual path annotate the article whole, and restart a broken pool.
            log.exception("annotating an article in halves failed; annotating it whole")
            self._replace_helper(self._helper)
            return None
        metrics.ARTICLES_SPLIT.inc()
        return result

    async def _annotate_chunk(
        self, chunk: list[Article], parsed: asyncio.Future[list[bytes | ExtractionFailure]]
    ) -> list[AnnotatedArticle | ExtractionFailure]:
        """Annotate a chunk from its parse: in the helper, or in an NLP process while the
        helper is not ready (starting, or replaced after it died)."""
        docs = await parsed
        loop = asyncio.get_running_loop()
        helper = self._helper
        if helper is not None and self._helper_is_ready():
            try:
                results = await loop.run_in_executor(helper, _annotate_parsed, chunk, docs)
                metrics.ARTICLES_EXTRACTED_BY_HELPER.inc(len(chunk))
                return results
            except BrokenProcessPool:
                log.error("the helper NLP process died; its chunk is annotated by an NLP process")
                self._replace_helper(helper)
        assert self._executor is not None
        return await loop.run_in_executor(self._executor, _annotate_parsed, chunk, docs)

    async def annotate_chunks(
        self, articles: Sequence[Article]
    ) -> AsyncIterator[list[AnnotatedArticle | ExtractionFailure]]:
        """Annotate a batch in chunks, yielding each chunk's results in order.

        A batch of one long article is parsed in halves when the helper is ready
        (see ``split_min_tokens``). Every chunk is queued at once. If a pool process
        dies (out of memory, a crash in native code), the pool is restarted once and
        the chunks not yet yielded are queued again; a second death raises
        ``BrokenProcessPool``.
        """
        if self._executor is None:
            await self.start()
        if self._splits(articles):
            result = await self._annotate_halves(articles[0])
            if result is not None:
                yield [result]
                return
        loop = asyncio.get_running_loop()
        size = max(1, min(MAX_CHUNK, math.ceil(len(articles) / self.settings.nlp_processes)))
        chunks = [list(articles[i : i + size]) for i in range(0, len(articles), size)]

        def submit(
            chunk: list[Article],
        ) -> asyncio.Future[list[AnnotatedArticle | ExtractionFailure]]:
            assert self._executor is not None
            if not self.settings.helper_process:
                return loop.run_in_executor(self._executor, _annotate, chunk)
            parsed = loop.run_in_executor(self._executor, _parse, chunk)
            return asyncio.ensure_future(self._annotate_chunk(chunk, parsed))

        futures: list[asyncio.Future[list[AnnotatedArticle | ExtractionFailure]]] = []
        restarted = False
        done = 0
        try:
            while done < len(chunks):
                try:
                    if len(futures) == done:  # queue every chunk not yet queued
                        futures[done:] = [submit(c) for c in chunks[done:]]
                    results = await futures[done]
                except BrokenProcessPool:
                    # Raised by the result of a chunk, or by submit when the pool
                    # already knows a process died.
                    if restarted:
                        raise
                    restarted = True
                    log.error("an NLP process died; restarting the pool")
                    _discard(futures[done:])
                    await self.restart()
                    del futures[done:]
                    continue
                done += 1
                yield results
        finally:
            _discard(futures[done:])

    async def restart(self) -> None:
        """Replace a broken pool (a process died) with a fresh one."""
        self.close()
        await self.start()

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None
        self._close_helper()

    def _close_helper(self) -> None:
        if self._helper is not None:
            self._helper.shutdown(wait=False, cancel_futures=True)
            self._helper = None
            self._helper_ready = None
