"""Debian's Prometheus scraping a real worker fed by a real broker.

Prometheus runs on a free loopback port with a generated config (1 s scrapes of the
worker, the project's rule file); the seed articles and one undecodable record are
published, and everything is asserted through Prometheus' HTTP API: the processing
rate, the rules, every dashboard query, and that every metric the Grafana dashboard
uses is really exported by the worker.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import signal
import subprocess
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from streams.client import read_articles
from streams.settings import Settings
from tests.conftest import ROOT, free_port
from tests.kafka_helpers import produce, scrape, worker_process
from tests.test_deploy import GRAFANA_RANGE_VARS, METRIC_RE, _dashboard_exprs

pytestmark = pytest.mark.integration

RULES = ROOT / "deploy" / "prometheus" / "stancewatch.rules.yml"
JOB = "stancewatch"


@contextlib.contextmanager
def prometheus(target: str, workdir: Path, *, timeout: float = 60.0) -> Iterator[str]:
    """Debian's ``prometheus`` on a free loopback port scraping ``target`` every second;
    yields its base URL once it is ready."""
    binary = shutil.which("prometheus")
    assert binary, "`prometheus` is not on PATH; the project's setup installs it (apt-get)"
    port = free_port()
    config = workdir / "prometheus.yml"
    config.write_text(
        yaml.safe_dump(
            {
                "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
                "rule_files": [str(RULES)],
                "scrape_configs": [
                    {
                        "job_name": JOB,
                        "scrape_interval": "1s",
                        "scrape_timeout": "1s",
                        "static_configs": [{"targets": [target]}],
                    }
                ],
            }
        )
    )
    log = open(workdir / "prometheus.log", "wb")  # noqa: SIM115
    proc = subprocess.Popen(
        [
            binary,
            f"--config.file={config}",
            f"--storage.tsdb.path={workdir / 'data'}",
            f"--web.listen-address=127.0.0.1:{port}",
            "--log.level=warn",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while not _ready(base):
            assert proc.poll() is None, f"prometheus exited: {_tail(workdir / 'prometheus.log')}"
            assert time.monotonic() < deadline, "prometheus did not become ready"
            time.sleep(0.3)
        yield base
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def _ready(base: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base}/-/ready", timeout=2) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def _tail(path: Path) -> str:
    return path.read_text("utf-8", "replace")[-3000:]


def api(base: str, path: str, **params: str) -> Any:
    url = f"{base}/api/v1/{path}"
    if params:
        url += "?" + urllib.parse.urlencode(params)
    with urllib.request.urlopen(url, timeout=10) as response:
        body = json.loads(response.read())
    assert body["status"] == "success", body
    return body["data"]


def query(base: str, expr: str) -> list[dict[str, Any]]:
    data = api(base, "query", query=expr)
    assert data["resultType"] == "vector", data
    result: list[dict[str, Any]] = data["result"]
    return result


def eventually(check: Callable[[], Any], *, timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(1.0)


def sample_names(text: str) -> set[str]:
    """Names of the samples in a Prometheus text exposition."""
    return {
        line.split("{", 1)[0].split(" ", 1)[0]
        for line in text.splitlines()
        if line and not line.startswith("#")
    }


def dashboard_metric_names() -> set[str]:
    return {name for _title, expr in _dashboard_exprs() for name in METRIC_RE.findall(expr)}


def test_prometheus_scrapes_a_live_worker(kafka_settings: Settings, tmp_path: Path) -> None:
    target = kafka_settings.web_url.removeprefix("http://")
    with worker_process(kafka_settings), prometheus(target, tmp_path) as prom:
        eventually(
            lambda: query(prom, f'up{{job="{JOB}"}} == 1'),
            timeout=30,
            what="Prometheus to scrape the worker",
        )
        # A few scrapes of the counter at 0 first, so that rate() sees it rise.
        eventually(
            lambda: query(prom, "count_over_time(stancewatch_articles_processed_total[1m]) >= 3"),
            timeout=30,
            what="three scrapes of stancewatch_articles_processed_total",
        )
        articles = [
            (a.id.encode(), json.dumps(a.to_dict()).encode())
            for a in read_articles([str(ROOT / "seeds")])
        ]
        produce(kafka_settings, [*articles, (b"broken", b"this is not JSON")])

        rate = eventually(
            lambda: query(prom, "rate(stancewatch_articles_processed_total[1m]) > 0"),
            timeout=120,
            what="rate(stancewatch_articles_processed_total[1m]) > 0",
        )
        assert float(rate[0]["value"][1]) > 0
        dead = eventually(
            lambda: query(prom, "stancewatch_dlq_records_total > 0"),
            timeout=60,
            what="the dead letter to be counted",
        )
        assert float(dead[0]["value"][1]) == 1.0
        eventually(
            lambda: query(prom, 'stancewatch_consumer_lag_records{topic="articles"}'),
            timeout=30,
            what="consumer lag of the articles partitions",
        )

        # Every metric of the dashboard is in a live scrape of the worker, with samples,
        # and Prometheus has stored it.
        wanted = dashboard_metric_names()
        assert wanted
        live: set[str] = set()

        def all_exported() -> bool:
            nonlocal live
            live = sample_names(scrape(kafka_settings) or "")
            return wanted <= live

        with contextlib.suppress(AssertionError):
            eventually(all_exported, timeout=30, what="every dashboard metric")
        assert wanted <= live, f"dashboard metrics not exported: {sorted(wanted - live)}"
        stored = set(api(prom, "label/__name__/values"))
        assert wanted <= stored, f"not in Prometheus: {sorted(wanted - stored)}"

        # Every dashboard query runs against the live data.
        for title, expr in _dashboard_exprs():
            api(prom, "query", query=GRAFANA_RANGE_VARS.sub("1m", expr))
            assert title is not None

        # The project's alerting rules load and evaluate without errors.
        def rules_evaluated() -> list[dict[str, Any]]:
            groups = api(prom, "rules")["groups"]
            rules = [r for g in groups for r in g["rules"]]
            return rules if rules and all(r["health"] == "ok" for r in rules) else []

        rules = eventually(rules_evaluated, timeout=30, what="the alerting rules to evaluate")
        assert {r["name"] for r in rules} >= {"StancewatchWorkerDown", "StancewatchLatencyHigh"}
        firing = [r["name"] for r in rules if r["state"] == "firing"]
        assert not firing, f"alerts firing on a healthy worker: {firing}"
