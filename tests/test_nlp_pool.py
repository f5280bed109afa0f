"""The NLP process pool: real spawned processes with the real model."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys

from processors.annotate import Extractor
from processors.types import AnnotatedArticle, Article
from streams import metrics
from streams.nlp_pool import MAX_CHUNK, NlpPool
from streams.settings import Settings
from tests.conftest import ROOT

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
    pool = NlpPool(Settings(nlp_processes=2, helper_process=False))
    before = metrics.ARTICLES_EXTRACTED_BY_HELPER._value.get()
    try:
        chunks = asyncio.run(collect(pool, articles()))
    finally:
        pool.close()
    assert [len(c) for c in chunks] == [MAX_CHUNK, MAX_CHUNK, len(TEXTS) - 2 * MAX_CHUNK]
    results = [r for c in chunks for r in c]
    assert all(isinstance(r, AnnotatedArticle) for r in results)
    expected = [extractor.annotate(a) for a in articles()]
    assert results == expected
    assert metrics.ARTICLES_EXTRACTED_BY_HELPER._value.get() == before


def test_the_helper_extracts_what_the_nlp_process_parsed(extractor: Extractor) -> None:
    pool = NlpPool(Settings(nlp_processes=1))
    before = metrics.ARTICLES_EXTRACTED_BY_HELPER._value.get()

    async def scenario() -> list[list[object]]:
        await helper_ready(pool)
        return await collect(pool, articles())

    try:
        chunks = asyncio.run(scenario())
    finally:
        pool.close()
    assert [len(c) for c in chunks] == [MAX_CHUNK, MAX_CHUNK, len(TEXTS) - 2 * MAX_CHUNK]
    assert [r for c in chunks for r in c] == [extractor.annotate(a) for a in articles()]
    assert metrics.ARTICLES_EXTRACTED_BY_HELPER._value.get() == before + len(TEXTS)


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


LONG = " ".join(TEXTS * 3) + "\n\n" + " ".join(reversed(TEXTS * 3))


async def helper_ready(pool: NlpPool) -> None:
    await pool.start()
    assert pool._helper_ready is not None
    await pool._helper_ready


def test_a_lone_long_article_is_parsed_in_halves_with_the_helper(extractor: Extractor) -> None:
    pool = NlpPool(Settings(nlp_processes=1, split_min_tokens=100))
    article = Article(id="long", text=LONG)
    before = metrics.ARTICLES_SPLIT._value.get()

    async def scenario() -> tuple[list[list[object]], list[list[object]]]:
        await helper_ready(pool)
        alone = await collect(pool, [article])
        split_after_one = metrics.ARTICLES_SPLIT._value.get()
        pair = await collect(pool, [article, Article(id="short", text=TEXTS[0])])
        assert metrics.ARTICLES_SPLIT._value.get() == split_after_one  # a batch of two: whole
        return alone, pair

    try:
        alone, pair = asyncio.run(scenario())
    finally:
        pool.close()
    assert metrics.ARTICLES_SPLIT._value.get() == before + 1
    [[result]] = alone
    assert isinstance(result, AnnotatedArticle)
    whole = extractor.annotate(article)
    assert result.events == whole.events and result.n_tokens == whole.n_tokens
    assert pair[0][0] == whole


def test_a_dead_helper_costs_no_article_and_is_replaced(extractor: Extractor) -> None:
    pool = NlpPool(Settings(nlp_processes=1, split_min_tokens=100))
    article = Article(id="long", text=LONG)

    async def scenario() -> tuple[list[list[object]], list[list[object]], list[list[object]]]:
        await helper_ready(pool)
        helper = pool._helper
        assert helper is not None
        for pid in list(helper._processes):
            os.kill(pid, signal.SIGKILL)
        await asyncio.sleep(1.0)
        before = metrics.ARTICLES_SPLIT._value.get()
        first = await collect(pool, [article])  # annotated whole
        assert metrics.ARTICLES_SPLIT._value.get() == before
        assert pool._helper is not None and pool._helper is not helper
        extracted = metrics.ARTICLES_EXTRACTED_BY_HELPER._value.get()
        batch = await collect(pool, articles())  # the NLP process extracts meanwhile
        assert metrics.ARTICLES_EXTRACTED_BY_HELPER._value.get() == extracted
        assert pool._helper_ready is not None
        await pool._helper_ready
        second = await collect(pool, [article])  # the fresh helper splits again
        assert metrics.ARTICLES_SPLIT._value.get() == before + 1
        return first, batch, second

    try:
        first, batch, second = asyncio.run(scenario())
    finally:
        pool.close()
    assert [[r.article_id for r in c] for c in first] == [["long"]]  # type: ignore[attr-defined]
    assert isinstance(first[0][0], AnnotatedArticle)
    assert first[0][0].events == second[0][0].events  # type: ignore[attr-defined]
    assert [r for c in batch for r in c] == [extractor.annotate(a) for a in articles()]


def test_a_helper_dying_during_a_batch_costs_no_article(extractor: Extractor) -> None:
    pool = NlpPool(Settings(nlp_processes=1, split_min_tokens=0))
    batch = articles() * 4  # long enough for the helper to die in the middle of it

    async def scenario() -> list[list[object]]:
        await helper_ready(pool)
        helper = pool._helper
        assert helper is not None
        chunks = []
        async for chunk in pool.annotate_chunks(batch):
            if not chunks:
                for pid in list(helper._processes):
                    os.kill(pid, signal.SIGKILL)
            chunks.append(chunk)
        assert pool._helper is not helper
        return chunks

    try:
        chunks = asyncio.run(scenario())
    finally:
        pool.close()
    expected = [extractor.annotate(a) for a in articles()] * 4
    assert [r for c in chunks for r in c] == expected


def test_no_helper_when_it_is_off() -> None:
    pool = NlpPool(Settings(nlp_processes=1, helper_process=False))
    try:
        asyncio.run(pool.start())
        assert pool._helper is None and pool._helper_ready is None
    finally:
        pool.close()


def test_with_splitting_off_the_helper_still_extracts_a_lone_article() -> None:
    pool = NlpPool(Settings(nlp_processes=1, split_min_tokens=0))
    split = metrics.ARTICLES_SPLIT._value.get()
    extracted = metrics.ARTICLES_EXTRACTED_BY_HELPER._value.get()

    async def scenario() -> list[list[object]]:
        await helper_ready(pool)
        return await collect(pool, [Article(id="long", text=LONG)])

    try:
        [[result]] = asyncio.run(scenario())
    finally:
        pool.close()
    assert isinstance(result, AnnotatedArticle)
    assert metrics.ARTICLES_SPLIT._value.get() == split
    assert metrics.ARTICLES_EXTRACTED_BY_HELPER._value.get() == extracted + 1


def test_a_pool_process_orphaned_before_it_started_exits_at_once() -> None:
    # Its parent (a worker stopped while the pool was starting) is gone already, so
    # the pid it was given is not its parent's any more.
    code = (
        "from streams.nlp_pool import _exit_with_parent\n_exit_with_parent(-1)\nprint('lived on')\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    assert "lived on" not in out.stdout
