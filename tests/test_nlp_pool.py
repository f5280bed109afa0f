"""The NLP process pool: real spawned processes with the real model."""

from __future__ import annotations

import asyncio
import os
import signal

from processors.annotate import Extractor
from processors.types import AnnotatedArticle, Article
from streams.nlp_pool import MAX_CHUNK, NlpPool
from streams.settings import Settings

TEXTS = [
    "China called for peace talks between Russia and Ukraine.",
    "NATO accused Russia of violating the treaty.",
    "Japan signed an agreement with India on trade.",
    "Iran threatened to close the strait.",
    "The European Union imposed sanctions on Belarus.",
    "Turkey urged Sweden to act against militants.",
    "Brazil and Argentina agreed to cooperate on energy.",
    "Egypt condemned the attack on its border post.",
    "Kenya hosted talks between the rival factions.",
    "Mexico rejected the proposal from the United States.",
]


def articles() -> list[Article]:
    return [Article(id=f"a{i}", text=t) for i, t in enumerate(TEXTS)]


async def collect(pool: NlpPool, batch: list[Article]) -> list[list[object]]:
    return [chunk async for chunk in pool.annotate_chunks(batch)]


def test_chunks_come_back_in_order_and_equal_the_extractor(extractor: Extractor) -> None:
    pool = NlpPool(Settings(nlp_processes=2))
    try:
        chunks = asyncio.run(collect(pool, articles()))
    finally:
        pool.close()
    assert [len(c) for c in chunks] == [MAX_CHUNK, MAX_CHUNK, len(TEXTS) - 2 * MAX_CHUNK]
    results = [r for c in chunks for r in c]
    assert all(isinstance(r, AnnotatedArticle) for r in results)
    expected = [extractor.annotate(a) for a in articles()]
    assert results == expected


def test_a_dead_process_is_replaced_and_the_batch_still_completes() -> None:
    pool = NlpPool(Settings(nlp_processes=1))

    async def scenario() -> list[list[object]]:
        await pool.start()
        executor = pool._executor
        assert executor is not None
        for pid in list(executor._processes):  # the process dies, e.g. out of memory
            os.kill(pid, signal.SIGKILL)
        await asyncio.sleep(1.0)
        return await collect(pool, articles())

    try:
        chunks = asyncio.run(scenario())
    finally:
        pool.close()
    assert [r.article_id for c in chunks for r in c] == [a.id for a in articles()]  # type: ignore[attr-defined]
