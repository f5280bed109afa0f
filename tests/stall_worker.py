"""A real worker whose consumer loses its place in one input partition, as Faust's can.

Faust's consumer drops a fetched record whose offset is below the read offset it keeps
per partition (``Consumer._drain_messages``). After a rebalance that read offset has
been seen ahead of what was delivered: the partition's records were then dropped, and
nothing was processed or committed from it. This worker puts partition 0 of
``articles`` in that state as soon as it is ready, and prints a line when it has, so a
test can watch the worker notice the stall and read the partition again.

Run as ``python -m tests.stall_worker`` with the worker's environment.
"""

from __future__ import annotations

import asyncio
import sys
from typing import Any

from faust.types import TP

import streams.app
from streams.cli import main
from streams.settings import Settings

#: Where the read offset is moved: far past any record of the test.
AHEAD = 1 << 40
READY_LINE = "stall_worker: read offset of articles[0] moved ahead"

_create_app = streams.app.create_app


def create_app_losing_partition_0(settings: Settings, **kwargs: Any) -> Any:
    app = _create_app(settings, **kwargs)
    partition = TP(settings.topic("articles"), 0)

    @app.task  # type: ignore[untyped-decorator]
    async def lose_partition_0() -> None:
        while True:
            consumer: Any = app.consumer
            tables: Any = app.tables
            if (
                not app.rebalancing
                and tables.recovery.completed.is_set()
                and partition in consumer.assignment()
            ):
                break
            await asyncio.sleep(0.2)
        consumer._read_offset[partition] = AHEAD
        print(READY_LINE, flush=True)

    return app


if __name__ == "__main__":
    streams.app.create_app = create_app_losing_partition_0
    sys.exit(main(["worker"]))
