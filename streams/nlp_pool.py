"""spaCy off the event loop: a process pool whose initializer loads the model once.

Processes are started with ``spawn`` (forking a running asyncio/Kafka process is
unsafe). Each process builds one ``Extractor``. A batch is split into chunks that are
all queued at once: the processes work through them back to back (in parallel when
there are several), while the event loop publishes the results of the chunks already
done, so spaCy does not sit idle while a batch is published.
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

from processors.annotate import ExtractionFailure, Extractor
from processors.types import AnnotatedArticle, Article
from streams.affinity import nlp_cpus, pin
from streams.settings import Settings

log = logging.getLogger("stancewatch")
_extractor: Extractor | None = None

#: Most articles in one chunk; small enough that publishing a chunk's results overlaps
#: the parsing of the next, large enough for nlp.pipe to batch.
MAX_CHUNK = 4


def _initialize(
    model: str, dictionaries: tuple[Path, ...], min_confidence: float, cpus: set[int] | None
) -> None:
    global _extractor
    _exit_with_parent(os.getppid())
    pin(cpus)
    _extractor = Extractor.build(
        model, actor_dictionaries=dictionaries, min_confidence=min_confidence
    )


def _exit_with_parent(parent: int) -> None:
    """End this process when the worker that started it is gone (e.g. after kill -9).

    A pool process whose parent dies is not told: it would live on as an orphan.
    """

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def _warm_up() -> bool:
    return _extractor is not None


def _annotate(articles: Sequence[Article]) -> list[AnnotatedArticle | ExtractionFailure]:
    if _extractor is None:  # pragma: no cover - the initializer always runs first
        raise RuntimeError("NLP process was not initialised")
    return _extractor.annotate_batch(articles)


class NlpPool:
    """A pool of NLP processes; ``annotate_chunks(batch)`` never blocks the event loop."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._executor: ProcessPoolExecutor | None = None

    def _make_executor(self) -> ProcessPoolExecutor:
        s = self.settings
        return ProcessPoolExecutor(
            max_workers=s.nlp_processes,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_initialize,
            initargs=(s.model, s.actor_dictionaries, s.min_event_confidence, nlp_cpus(s)),
        )

    async def start(self) -> float:
        """Start the processes and wait until each has loaded the model; returns seconds."""
        loop = asyncio.get_running_loop()
        started = time.perf_counter()
        self._executor = self._make_executor()
        await asyncio.gather(
            *(
                loop.run_in_executor(self._executor, _warm_up)
                for _ in range(self.settings.nlp_processes)
            )
        )
        return time.perf_counter() - started

    async def annotate_chunks(
        self, articles: Sequence[Article]
    ) -> AsyncIterator[list[AnnotatedArticle | ExtractionFailure]]:
        """Annotate a batch in chunks, yielding each chunk's results in order.

        Every chunk is queued at once. If a pool process dies (out of memory, a crash in
        native code), the pool is restarted once and the chunks not yet yielded are
        queued again; a second death raises ``BrokenProcessPool``.
        """
        if self._executor is None:
            await self.start()
        loop = asyncio.get_running_loop()
        size = max(1, min(MAX_CHUNK, math.ceil(len(articles) / self.settings.nlp_processes)))
        chunks = [list(articles[i : i + size]) for i in range(0, len(articles), size)]

        def submit(
            chunk: list[Article],
        ) -> asyncio.Future[list[AnnotatedArticle | ExtractionFailure]]:
            assert self._executor is not None
            return loop.run_in_executor(self._executor, _annotate, chunk)

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
                    await self.restart()
                    del futures[done:]
                    continue
                done += 1
                yield results
        finally:
            for future in futures[done:]:
                future.cancel()

    async def restart(self) -> None:
        """Replace a broken pool (a process died) with a fresh one."""
        self.close()
        await self.start()

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None
