"""Two ``stancewatch worker`` processes split the articles through the consumer group."""

from __future__ import annotations

import contextlib
import json
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from processors.types import Article
from streams.admin import admin_client
from streams.settings import Settings
from tests.conftest import free_port
from tests.kafka_helpers import metric, produce, read_until, worker_process

pytestmark = pytest.mark.integration

PARTITIONS = 4
N_ARTICLES = 40

SENTENCES = (
    "China urged Russia and Ukraine to hold peace talks.",
    "The foreign minister accused NATO of provoking the crisis.",
    "Germany pledged more aid to Ukraine on Tuesday.",
    "Iran rejected the proposal of the European Union.",
    "The United States imposed new sanctions on North Korea.",
)


def articles() -> list[Article]:
    """Short articles with fixed ids (so fixed partitions: both halves get some)."""
    return [
        Article(
            id=f"scale-{i:03d}",
            text=f"{SENTENCES[i % len(SENTENCES)]} Officials met again on day {i}.",
        )
        for i in range(N_ARTICLES)
    ]


def group_assignment(settings: Settings) -> dict[str, set[int]]:
    """Member id -> partitions of the articles topic, while the group is stable."""
    admin = admin_client(settings)
    try:
        described: Any = admin.describe_groups([settings.app_id])
    finally:
        admin.close()
    group = described.get(settings.app_id) or {}
    if str(group.get("group_state", "")).lower() != "stable":
        return {}
    topic = settings.topic("articles")
    out: dict[str, set[int]] = {}
    for member in group.get("members", ()):
        assignment = member.get("member_assignment") or {}
        partitions: set[int] = set()
        for entry in assignment.get("assigned_partitions", ()):
            if entry.get("topic") == topic:
                partitions.update(entry.get("partitions", ()))
        out[member["member_id"]] = partitions
    return out


def wait_for_two_members(settings: Settings, timeout: float = 120.0) -> dict[str, set[int]]:
    """Wait until the group is stable with two members sharing the articles partitions."""
    deadline = time.monotonic() + timeout
    assignment: dict[str, set[int]] = {}
    while time.monotonic() < deadline:
        assignment = group_assignment(settings)
        if len(assignment) == 2 and all(assignment.values()):
            return assignment
        time.sleep(1.0)
    raise AssertionError(f"the two workers never shared the partitions: {assignment}")


def test_two_workers_split_the_articles(kafka_settings: Settings, tmp_path: Path) -> None:
    first = replace(kafka_settings, articles_partitions=PARTITIONS)
    second = replace(first, web_port=free_port(), data_dir=tmp_path / "worker-data-2")
    batch = articles()
    with contextlib.ExitStack() as stack:
        worker_a = stack.enter_context(worker_process(first))
        worker_b = stack.enter_context(worker_process(second))
        assignment = wait_for_two_members(first)
        assert sorted(p for parts in assignment.values() for p in parts) == list(range(PARTITIONS))

        produce(first, [(a.id.encode(), json.dumps(a.to_dict()).encode()) for a in batch])
        annotated = read_until(first, "annotated-articles", lambda r: len(r) >= N_ARTICLES)
        counts = Counter(r["article_id"] for r in annotated)
        assert set(counts) == {a.id for a in batch}
        assert all(n == 1 for n in counts.values()), counts

        processed = [
            metric(s, "stancewatch_articles_processed_total") or 0.0 for s in (first, second)
        ]
        assert sum(processed) == N_ARTICLES
        assert all(n > 0 for n in processed), processed
        # Nothing more arrives later (no article annotated twice after all).
        again = read_until(first, "annotated-articles", lambda r: False, timeout=3.0)
        assert len(again) == N_ARTICLES
        assert worker_a.poll() is None and worker_b.poll() is None
