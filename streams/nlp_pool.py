"""spaCy off the event loop: a process pool whose initializer loads the model once.

Processes are started with ``spawn`` (forking a running asyncio/Kafka process is
unsafe). Each process builds one ``Extractor``; batches go to it whole.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from processors.annotate import ExtractionFailure, Extractor
from processors.types import AnnotatedArticle, Article
from streams.settings import Settings

_extractor: Extractor | None = None


def _initialize(model: str, dictionaries: tuple[Path, ...], min_confidence: float) -> None:
    global _extractor
    _exit_with_parent(os.getppid())
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
    """A pool of NLP processes; ``await annotate(batch)`` never blocks the event loop."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._executor: ProcessPoolExecutor | None = None

    def _make_executor(self) -> ProcessPoolExecutor:
        s = self.settings
        return ProcessPoolExecutor(
            max_workers=s.nlp_processes,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_initialize,
            initargs=(s.model, s.actor_dictionaries, s.min_event_confidence),
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

    async def annotate(
        self, articles: Sequence[Article]
    ) -> list[AnnotatedArticle | ExtractionFailure]:
        """Annotate a batch in a pool process."""
        if self._executor is None:
            await self.start()
        assert self._executor is not None
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, _annotate, list(articles))

    async def restart(self) -> None:
        """Replace a broken pool (a process died) with a fresh one."""
        self.close()
        await self.start()

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None
