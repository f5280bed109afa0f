"""The event-loop watchdog (STANCEWATCH_LOOP_DEBUG_LOG) and how the benchmark reads it."""

from __future__ import annotations

import asyncio
import gc
import re
import time
from collections.abc import Callable
from pathlib import Path

from streams.app import watch_event_loop
from streams.bench import _LOOP_BLOCKED_RE, _LOOP_BUSY_RE, _LOOP_GC_RE, _count_blocks


async def watched(log: Path, hold: Callable[[], None]) -> None:
    watchdog = asyncio.create_task(watch_event_loop(str(log)))
    await asyncio.sleep(0.05)
    hold()  # on the loop: nothing else runs meanwhile
    await asyncio.sleep(0.05)
    watchdog.cancel()


def test_a_sleeping_loop_is_late_but_not_busy(tmp_path: Path) -> None:
    log = tmp_path / "loop.log"
    asyncio.run(watched(log, lambda: time.sleep(0.3)))
    [line] = log.read_text().splitlines()
    late = float(re.search(r"blocked (\S+) s", line).group(1))  # type: ignore[union-attr]
    assert 0.25 < late < 0.6
    assert _count_blocks(log, _LOOP_BLOCKED_RE) == (1, late)
    assert _count_blocks(log, _LOOP_BUSY_RE, minimum=0.1)[0] == 0  # off the CPU
    assert _count_blocks(log, _LOOP_GC_RE, minimum=0.05)[0] == 0


def test_full_collections_on_the_loop_are_named(tmp_path: Path) -> None:
    log = tmp_path / "loop.log"
    garbage = [[i] for i in range(300_000)]  # tracked objects for the collector to scan

    def collect_for_a_while() -> None:
        started = time.perf_counter()
        while time.perf_counter() - started < 0.3:
            gc.collect()

    asyncio.run(watched(log, collect_for_a_while))
    del garbage
    [line] = log.read_text().splitlines()
    assert "generation 2" in line
    assert _count_blocks(log, _LOOP_BUSY_RE, minimum=0.1)[0] == 1
    count, longest = _count_blocks(log, _LOOP_GC_RE, minimum=0.05)
    assert count == 1 and longest > 0.2
    # The watchdog's callback went with it (other code may keep callbacks of its own).
    assert not [cb for cb in gc.callbacks if "watch_event_loop" in cb.__qualname__]
