"""The stall watch flags a partition only when records wait behind an unmoving commit."""

from __future__ import annotations

from streams.stalls import StallWatch


def test_a_partition_behind_an_unmoving_commit_is_flagged_after_the_delay() -> None:
    watch: StallWatch[str] = StallWatch(after=60.0)
    assert watch.stalled({"p0": (17, 95)}, now=0.0) == []
    assert watch.stalled({"p0": (17, 95)}, now=59.0) == []
    assert watch.stalled({"p0": (17, 95)}, now=60.0) == [("p0", 17)]
    # Flagged once, then the clock starts again.
    assert watch.stalled({"p0": (17, 95)}, now=61.0) == []
    assert watch.stalled({"p0": (17, 95)}, now=120.0) == [("p0", 17)]


def test_progress_or_an_empty_backlog_is_never_a_stall() -> None:
    watch: StallWatch[str] = StallWatch(after=10.0)
    for t in range(0, 100, 5):
        # p0 commits a little every 5 s; p1 has nothing waiting.
        assert watch.stalled({"p0": (t, t + 50), "p1": (40, 40)}, now=float(t)) == []


def test_a_revoked_partition_is_forgotten() -> None:
    watch: StallWatch[str] = StallWatch(after=10.0)
    watch.stalled({"p0": (5, 9)}, now=0.0)
    watch.stalled({}, now=5.0)  # revoked
    assert watch.stalled({"p0": (5, 9)}, now=12.0) == []  # assigned again: a new clock
    assert watch.stalled({"p0": (5, 9)}, now=22.0) == [("p0", 5)]
