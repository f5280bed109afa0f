"""Spot input partitions that stopped moving, so that the worker can read them again.

After a rebalance, Faust can be left believing it has read further into a partition it
kept than it has: records fetched before the rebalance but handed over after it move
its read offset ahead, and the same records fetched again from the committed offset
are then dropped as already read. Nothing is processed or committed from that point,
and nothing reports it. The remedy is cheap and safe under at-least-once: seek the
partition to its committed offset (outputs have deterministic ids, so records read
twice only repeat records downstream consumers drop by id).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)


@dataclass
class StallWatch(Generic[K]):
    """Partitions whose committed offset stays below the high-water mark, unmoved."""

    after: float
    _since: dict[K, tuple[int, float]] = field(default_factory=dict)

    def stalled(self, positions: Mapping[K, tuple[int, int]], now: float) -> list[tuple[K, int]]:
        """``(partition, committed)`` for each partition of ``positions`` (partition ->
        (committed offset, high-water mark)) that has had records waiting after the same
        committed offset for ``after`` seconds; its clock then starts again."""
        out: list[tuple[K, int]] = []
        for tp, (committed, end) in positions.items():
            seen = self._since.get(tp)
            if committed >= end or seen is None or seen[0] != committed:
                self._since[tp] = (committed, now)
            elif now - seen[1] >= self.after:
                out.append((tp, committed))
                self._since[tp] = (committed, now)
        for gone in set(self._since) - set(positions):
            del self._since[gone]
        return out
