"""What keeps the worker's pauses short and its memory flat (see "Performance")."""

from __future__ import annotations

import gc
import time

from streams.app import (
    freeze_startup_objects,
    record_position,
    release_free_heap,
    stored_position,
)


def test_dedup_entries_are_not_tracked_by_the_garbage_collector() -> None:
    here = record_position("articles", 3, 42)
    entry = {**{"at": here, "t": time.time()}, "p": 3}  # as the worker stores it
    assert not gc.is_tracked(entry)  # a full collection does not scan the table's entries
    assert stored_position(here) == here
    assert stored_position(["articles", 3, 42]) == here  # an earlier version's changelog
    assert stored_position(["articles", 3, 43]) != here


def test_start_up_objects_are_frozen_out_of_full_collections() -> None:
    gc.unfreeze()
    survivors = [[i] for i in range(50_000)]
    try:
        freeze_startup_objects()
        assert gc.get_freeze_count() > len(survivors)
        tracked = len(gc.get_objects())
        assert tracked < 1000  # what a full collection still scans
    finally:
        gc.unfreeze()
    assert len(gc.get_objects()) > len(survivors)


def test_freed_heap_pages_go_back_to_the_system() -> None:
    # Records of a few kB, most freed and a few kept: the freed pages lie between the
    # kept ones, where the heap cannot shrink by itself.
    records = [bytes(6000) + i.to_bytes(4, "big") for i in range(20_000)]
    kept = records[::50]
    del records
    released = release_free_heap()
    assert released > 50 * 2**20, released
    assert len(kept) == 400
