"""The dedup and window tables are pruned in slices, so a large prune does not hold the
event loop (a fake table stands in for Faust's: the prune only uses ``data`` and
``send_changelog``)."""

from __future__ import annotations

import asyncio
from typing import Any

from streams.app import PRUNE_DELETIONS_PER_STEP, prune_table


class FakeTable:
    def __init__(self, data: dict[str, dict[str, Any]]) -> None:
        self.data = data
        self.tombstones: list[tuple[int, str]] = []

    def send_changelog(self, partition: int, key: str, value: None, **_: Any) -> None:
        assert value is None
        self.tombstones.append((partition, key))


def test_a_large_prune_yields_to_the_event_loop_and_rejudges_rewritten_entries() -> None:
    n = 10 * PRUNE_DELETIONS_PER_STEP
    table = FakeTable({f"id-{i:05d}": {"t": 0.0, "p": i % 4} for i in range(n)})
    table.data["fresh"] = {"t": 100.0, "p": 1}
    turns = 0

    async def other_agent() -> None:
        """Counts its turns; on its second (the prune's first yield), an old id is seen
        again: written anew."""
        nonlocal turns
        while True:
            turns += 1
            if turns == 2:
                table.data[f"id-{n - 1:05d}"] = {"t": 100.0, "p": 3}
            await asyncio.sleep(0)

    async def main() -> int:
        agent = asyncio.create_task(other_agent())
        await asyncio.sleep(0)  # let it start
        turns_before = turns
        deleted = await prune_table(table, lambda _key, value: value["t"] < 50.0)
        agent.cancel()
        assert turns - turns_before >= n // PRUNE_DELETIONS_PER_STEP - 1
        return deleted

    deleted = asyncio.run(main())
    assert deleted == n - 1
    assert set(table.data) == {"fresh", f"id-{n - 1:05d}"}  # the rewritten one stays
    assert len(table.tombstones) == n - 1
    assert (2, "id-00002") in table.tombstones  # on the entry's own partition
