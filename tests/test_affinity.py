"""CPU pinning: the split of the CPUs, and real NLP processes pinned by it."""

from __future__ import annotations

import asyncio
import os

import pytest

from streams.affinity import cpu_plan, split_cpus
from streams.cli import _one_machine
from streams.nlp_pool import NlpPool
from streams.settings import Settings
from tests.test_nlp_pool import articles, collect


@pytest.mark.parametrize(
    ("cpus", "nlp", "expected"),
    [
        ([0, 1], 1, ({1}, {0})),
        ([3, 0, 2, 1], 2, ({2, 3}, {0, 1})),
        ([4, 6, 5], 1, ({6}, {4, 5})),
        ([0, 1], 2, None),  # nothing would be left for the event loop
        ([0], 1, None),
        ([0, 1], 0, None),
    ],
)
def test_the_nlp_processes_get_the_last_cpus_and_the_rest_the_others(
    cpus: list[int], nlp: int, expected: tuple[set[int], set[int]] | None
) -> None:
    assert split_cpus(cpus, nlp) == expected


def test_no_plan_unless_asked() -> None:
    assert cpu_plan(Settings(pin_cpus=False)) is None
    assert cpu_plan(Settings()) is None  # a worker alone does not pin by default


def test_run_and_bench_pin_unless_told_not_to() -> None:
    assert _one_machine(Settings()).pin_cpus is True
    assert _one_machine(Settings(pin_cpus=False)).pin_cpus is False


def test_setting_reads_as_a_boolean() -> None:
    assert Settings.from_env({"STANCEWATCH_PIN_CPUS": "yes"}).pin_cpus is True
    assert Settings.from_env({"STANCEWATCH_PIN_CPUS": "0"}).pin_cpus is False
    assert (
        Settings().with_overrides(pin_cpus=True).child_environ()["STANCEWATCH_PIN_CPUS"] == "True"
    )


def test_real_nlp_processes_run_on_their_cpus_only() -> None:
    available = os.sched_getaffinity(0)
    assert len(available) >= 2, "this machine class has 2 CPUs"
    settings = Settings(nlp_processes=1, pin_cpus=True)
    plan = cpu_plan(settings)
    assert plan is not None
    pool = NlpPool(settings)

    async def scenario() -> list[list[object]]:
        chunks = await collect(pool, articles())
        assert pool._helper_ready is not None
        await pool._helper_ready  # its initializer has pinned it
        return chunks

    try:
        chunks = asyncio.run(scenario())
        assert sum(len(c) for c in chunks) == len(articles())
        assert pool._executor is not None
        pids = list(pool._executor._processes)
        assert pids and all(os.sched_getaffinity(pid) == plan[0] for pid in pids)
        # The helper, which parses half of a lone article, runs beside the worker.
        assert pool._helper is not None
        [helper] = list(pool._helper._processes)
        assert os.sched_getaffinity(helper) == plan[1]
    finally:
        pool.close()
    assert os.sched_getaffinity(0) == available, "the test process itself is not pinned"
