"""Static checks of the deployment files: compose, Dockerfile, Prometheus, Grafana.

No Docker engine is needed: ``docker-compose config`` only parses and validates the
file, ``promtool`` checks the Prometheus files. Both tools are installed by the
project's setup, so a missing tool is a test failure, never a skip.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from streams.metrics import EXPORTED_NAMES, REGISTRY
from streams.settings import ENV_VARS, Settings
from streams.topics import topic_specs

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
PROMETHEUS_CONFIG = ROOT / "deploy" / "prometheus" / "prometheus.yml"
PROMETHEUS_RULES = ROOT / "deploy" / "prometheus" / "stancewatch.rules.yml"
GRAFANA_DATASOURCE = ROOT / "deploy" / "grafana" / "provisioning" / "datasources" / "prometheus.yml"
GRAFANA_PROVIDER = ROOT / "deploy" / "grafana" / "provisioning" / "dashboards" / "stancewatch.yml"
GRAFANA_DASHBOARD = ROOT / "deploy" / "grafana" / "dashboards" / "stancewatch.json"

SERVICES = {"kafka", "topics", "worker", "prometheus", "grafana"}
KAFKA, TOPICS, WORKER, PROMETHEUS, GRAFANA = "kafka", "topics", "worker", "prometheus", "grafana"
SCRAPE_JOB = "stancewatch"
ALERTS = {
    "StancewatchWorkerDown",
    "StancewatchDeadLettersHigh",
    "StancewatchLatencyHigh",
    "StancewatchNoThroughput",
    "StancewatchConsumerLagGrowing",
}

METRIC_RE = re.compile(r"stancewatch_[a-z_]+")
HISTOGRAM_SUFFIXES = ("_bucket", "_sum", "_count")
#: Grafana's built-in range variables, replaced by a literal duration for promtool.
GRAFANA_RANGE_VARS = re.compile(r"\$(?:__rate_interval|__interval|__range)|\$\{__\w+\}")


# --------------------------------------------------------------------------- helpers


def _tool(name: str) -> str:
    path = shutil.which(name)
    assert path, f"`{name}` is not on PATH; the project's setup installs it"
    return path


def _run(args: list[str], cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "DOCKER_HOST"}
    return subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, timeout=180, check=False
    )


_compose_cache: dict[str, Any] = {}


def _compose() -> dict[str, Any]:
    """``docker-compose config`` output (interpolated, normalised), parsed."""
    if "config" not in _compose_cache:
        proc = _run([_tool("docker-compose"), "-f", str(COMPOSE_FILE), "config"])
        assert proc.returncode == 0, f"docker-compose config failed:\n{proc.stderr}"
        config = yaml.safe_load(proc.stdout)
        assert isinstance(config, dict), proc.stdout
        _compose_cache["config"] = config
    return _compose_cache["config"]


def _service(name: str) -> dict[str, Any]:
    services = _compose()["services"]
    assert name in services, f"compose has no service {name!r}"
    return services[name]


def _environment(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {str(k): "" if v is None else str(v) for k, v in env.items()}


def _settings(service: dict[str, Any]) -> Settings:
    """The Settings a stancewatch container of this service builds from its environment."""
    env = _environment(service)
    return Settings.from_env({k: v for k, v in env.items() if k in ENV_VARS})


def _ports(service: dict[str, Any]) -> list[tuple[str, str, str]]:
    """Published ports as (host_ip, published, target), short or long syntax."""
    out = []
    for port in service.get("ports") or []:
        if isinstance(port, dict):
            out.append(
                (
                    str(port.get("host_ip", "")),
                    str(port.get("published", "")),
                    str(port["target"]),
                )
            )
            continue
        spec = str(port).split("/", 1)[0]
        parts = spec.rsplit(":", 2)
        if len(parts) == 3:
            out.append((parts[0], parts[1], parts[2]))
        elif len(parts) == 2:
            out.append(("", parts[0], parts[1]))
        else:
            out.append(("", "", parts[0]))
    return out


def _bind_mounts(service: dict[str, Any]) -> dict[str, Path]:
    """Container path -> host path of the service's bind mounts."""
    mounts: dict[str, Path] = {}
    for volume in service.get("volumes") or []:
        if isinstance(volume, dict):
            if volume.get("type") == "bind":
                mounts[volume["target"]] = Path(volume["source"])
            continue
        source, target = str(volume).split(":")[:2]
        if source.startswith(("/", ".")):
            mounts[target] = (ROOT / source).resolve()
    return mounts


def _depends_on(service: dict[str, Any]) -> dict[str, str]:
    deps = service.get("depends_on") or {}
    if isinstance(deps, list):
        return dict.fromkeys(deps, "service_started")
    return {name: spec.get("condition", "service_started") for name, spec in deps.items()}


def _strings(node: Any) -> Iterator[str]:
    """Every string value (not mapping key) in a parsed YAML/JSON tree."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)


def _listeners(value: str) -> dict[str, str]:
    """``NAME://host:port,...`` -> {NAME: "host:port"}."""
    out = {}
    for item in filter(None, (part.strip() for part in value.split(","))):
        name, _, address = item.partition("://")
        out[name] = address
    return out


def _histograms() -> set[str]:
    return {family.name for family in REGISTRY.collect() if family.type == "histogram"}


def _metric_problems(expr: str) -> list[str]:
    """Metric names in a PromQL expression that the worker does not export."""
    exported, histograms = set(EXPORTED_NAMES), _histograms()
    problems = []
    for name in METRIC_RE.findall(expr):
        base = next((name[: -len(s)] for s in HISTOGRAM_SUFFIXES if name.endswith(s)), None)
        if base is not None and base in histograms and base in exported:
            continue
        if name in histograms:
            problems.append(f"{name} is a histogram: query {name}_bucket/_sum/_count")
        elif name not in exported:
            problems.append(f"{name} is not in streams.metrics.EXPORTED_NAMES")
    return problems


def _rules() -> list[dict[str, Any]]:
    data = yaml.safe_load(PROMETHEUS_RULES.read_text())
    return [rule for group in data["groups"] for rule in group["rules"]]


def _dashboard() -> dict[str, Any]:
    data = json.loads(GRAFANA_DASHBOARD.read_text())
    assert isinstance(data, dict)
    return data


def _panels(panels: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for panel in panels:
        yield panel
        yield from _panels(panel.get("panels") or [])


def _dashboard_exprs() -> list[tuple[str, str]]:
    """(panel title, expr) of every query target in the dashboard and its variables."""
    dash = _dashboard()
    exprs = [
        (panel.get("title", ""), target["expr"])
        for panel in _panels(dash.get("panels") or [])
        for target in panel.get("targets") or []
        if target.get("expr")
    ]
    for var in (dash.get("templating") or {}).get("list") or []:
        query = var.get("query")
        if var.get("type") == "query" and query:
            exprs.append((f"${var['name']}", query if isinstance(query, str) else query["query"]))
    return exprs


# --------------------------------------------------------------------------- compose


def test_compose_config_is_valid_and_has_all_services() -> None:
    services = set(_compose()["services"])
    assert services >= SERVICES, f"missing services: {sorted(SERVICES - services)}"


def test_compose_images_are_pinned_and_ports_are_loopback_only() -> None:
    for name, service in _compose()["services"].items():
        image = service.get("image")
        assert image, f"{name}: no image"
        tag = image.rsplit("/", 1)[-1].partition(":")[2]
        assert tag and tag != "latest", f"{name}: image {image!r} is not pinned to a tag"
        for host_ip, published, target in _ports(service):
            assert host_ip == "127.0.0.1", f"{name}: port {published}:{target} not on loopback"


def test_compose_bind_mounts_exist() -> None:
    for name, service in _compose()["services"].items():
        for target, source in _bind_mounts(service).items():
            assert source.exists(), f"{name}: bind mount {source} -> {target} does not exist"


def test_kafka_runs_kraft_without_auto_topic_creation_and_is_healthchecked() -> None:
    kafka = _service(KAFKA)
    env = _environment(kafka)
    assert set(env["KAFKA_PROCESS_ROLES"].split(",")) == {"broker", "controller"}
    assert env["KAFKA_AUTO_CREATE_TOPICS_ENABLE"].lower() == "false"
    listeners = _listeners(env["KAFKA_LISTENERS"])
    controller = env["KAFKA_CONTROLLER_LISTENER_NAMES"]
    assert controller in listeners
    assert controller not in _listeners(env["KAFKA_ADVERTISED_LISTENERS"])
    assert "test" in (kafka.get("healthcheck") or {}), "kafka has no healthcheck"
    # The host listener is advertised as localhost:<port> and that port is published.
    published = {(pub, target) for _ip, pub, target in _ports(kafka)}
    host = [
        a
        for a in _listeners(env["KAFKA_ADVERTISED_LISTENERS"]).values()
        if a.startswith("localhost:")
    ]
    assert host, "no advertised listener for the host (localhost:<port>)"
    for address in host:
        port = address.rpartition(":")[2]
        assert any(pub == port for pub, _t in published), f"{address} is not published"


def test_worker_and_topics_bootstrap_is_an_advertised_in_network_listener() -> None:
    kafka = _service(KAFKA)
    env = _environment(kafka)
    advertised = _listeners(env["KAFKA_ADVERTISED_LISTENERS"])
    bound_ports = {a.rpartition(":")[2] for a in _listeners(env["KAFKA_LISTENERS"]).values()}
    kafka_names = {KAFKA, kafka.get("hostname", KAFKA)}
    for name in (WORKER, TOPICS):
        bootstrap = _environment(_service(name)).get("KAFKA_BOOTSTRAP_SERVERS", "")
        assert bootstrap, f"{name}: KAFKA_BOOTSTRAP_SERVERS is not set"
        assert _settings(_service(name)).kafka_bootstrap == bootstrap
        for server in bootstrap.split(","):
            assert server in advertised.values(), (
                f"{name}: {server} is not an advertised listener of kafka ({advertised})"
            )
            host, _, port = server.rpartition(":")
            assert host in kafka_names, f"{name}: {server} is not reachable inside compose"
            assert port in bound_ports


def test_topics_one_shot_runs_before_the_worker() -> None:
    topics, worker = _service(TOPICS), _service(WORKER)
    assert topics["command"] == ["stancewatch", "topics"]
    assert topics["image"] == worker["image"], "topics must run the worker image"
    assert _depends_on(topics).get(KAFKA) == "service_healthy"
    assert _depends_on(worker).get(TOPICS) == "service_completed_successfully"
    assert str(topics.get("restart", "no")) == "no"


def test_compose_topics_agree_with_topic_specs() -> None:
    defaults = [(s.name, s.partitions) for s in topic_specs(Settings())]
    for name in (WORKER, TOPICS):
        specs = [(s.name, s.partitions) for s in topic_specs(_settings(_service(name)))]
        assert specs == defaults, (
            f"{name}: compose changes topic names/partitions; document it in deploy/README.md "
            "and update this test"
        )
    # No value anywhere in compose names a topic other than those of topic_specs.
    names = {n for n, _p in defaults}
    bases = {s.name for s in topic_specs(Settings(topic_prefix=""))}
    offenders = {
        token
        for value in _strings(_compose()["services"])
        for token in re.findall(r"[A-Za-z0-9._-]+", value)
        if any(token.endswith(base) for base in bases) and token not in names
    }
    assert not offenders, f"topic names in compose not in topic_specs: {sorted(offenders)}"


def test_worker_serves_metrics_on_the_published_port() -> None:
    worker = _service(WORKER)
    settings = _settings(worker)
    assert settings.web_bind == "0.0.0.0", "the worker must bind all interfaces in a container"
    targets = {target for _ip, _pub, target in _ports(worker)}
    assert str(settings.web_port) in targets, f"worker does not publish {settings.web_port}"


# --------------------------------------------------------------------------- Dockerfile


def test_dockerfile() -> None:
    text = DOCKERFILE.read_text()
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    assert any(re.fullmatch(r"FROM python:3\.11-slim(@\S+)?", line) for line in lines)
    users = [line.split()[1] for line in lines if line.startswith("USER ")]
    assert users and users[-1] not in ("root", "0"), "the image must run as a non-root user"
    assert "pip install --no-cache-dir ." in text
    assert 'CMD ["stancewatch", "worker"]' in lines
    exposed = {p for line in lines if line.startswith("EXPOSE ") for p in line.split()[1:]}
    assert str(Settings().web_port) in exposed
    # `pip install .` needs pyproject.toml and the readme it names.
    readme = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"].get("readme")
    if isinstance(readme, str):
        assert readme in text, f"the Dockerfile does not copy {readme} (pyproject readme)"
        assert (ROOT / readme).is_file(), f"{readme} (pyproject readme) does not exist"
    for line in lines:
        if line.startswith("COPY ") and "--from" not in line:
            for source in line.split()[1:-1]:
                if not source.startswith("--"):
                    assert (ROOT / source).exists(), f"Dockerfile copies missing {source}"


# --------------------------------------------------------------------------- Prometheus


def test_promtool_check_config() -> None:
    proc = _run([_tool("promtool"), "check", "config", str(PROMETHEUS_CONFIG)])
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_promtool_check_rules() -> None:
    proc = _run([_tool("promtool"), "check", "rules", str(PROMETHEUS_RULES)])
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_prometheus_scrapes_the_worker() -> None:
    config = yaml.safe_load(PROMETHEUS_CONFIG.read_text())
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}
    assert SCRAPE_JOB in jobs
    job = jobs[SCRAPE_JOB]
    assert job.get("metrics_path", "/metrics") == "/metrics"
    targets = [t for sc in job.get("static_configs", []) for t in sc.get("targets", [])]
    port = _settings(_service(WORKER)).web_port
    assert targets == [f"{WORKER}:{port}"]


def test_prometheus_service_mounts_config_and_rules() -> None:
    service = _service(PROMETHEUS)
    mounts = _bind_mounts(service)
    flags = [c for c in service.get("command") or [] if c.startswith("--config.file=")]
    config_path = flags[-1].partition("=")[2] if flags else "/etc/prometheus/prometheus.yml"
    assert mounts.get(config_path) == PROMETHEUS_CONFIG
    config = yaml.safe_load(PROMETHEUS_CONFIG.read_text())
    for rule_file in config.get("rule_files") or []:
        in_container = str(Path(config_path).parent / rule_file)
        assert mounts.get(in_container) == (PROMETHEUS_CONFIG.parent / rule_file).resolve()


def test_alert_rules() -> None:
    rules = {rule["alert"]: rule for rule in _rules() if "alert" in rule}
    assert set(rules) >= ALERTS, f"missing alerts: {sorted(ALERTS - set(rules))}"
    for name, rule in rules.items():
        assert rule.get("labels", {}).get("severity") in {"critical", "warning", "info"}, name
        assert rule.get("annotations", {}).get("summary"), f"{name}: no summary annotation"
    assert re.search(r'up\{job="stancewatch"\}\s*==\s*0', rules["StancewatchWorkerDown"]["expr"])
    assert "stancewatch_articles_failed_total" in rules["StancewatchDeadLettersHigh"]["expr"]
    latency = rules["StancewatchLatencyHigh"]["expr"]
    assert "histogram_quantile(0.99" in latency
    assert "stancewatch_end_to_end_latency_seconds_bucket" in latency
    assert re.search(r">\s*2\b", latency)
    lag = rules["StancewatchConsumerLagGrowing"]["expr"]
    assert "stancewatch_consumer_lag_records" in lag and "deriv(" in lag
    throughput = rules["StancewatchNoThroughput"]["expr"]
    assert "stancewatch_articles_consumed_total" in throughput
    assert "stancewatch_articles_processed_total" in throughput


def test_rules_use_only_exported_metrics() -> None:
    problems = [
        f"{r.get('alert') or r.get('record')}: {p}"
        for r in _rules()
        for p in _metric_problems(r["expr"])
    ]
    assert not problems, "\n".join(problems)


# --------------------------------------------------------------------------- Grafana


def test_grafana_datasource_provisioning() -> None:
    data = yaml.safe_load(GRAFANA_DATASOURCE.read_text())
    (source,) = data["datasources"]
    assert source["type"] == "prometheus"
    assert source["uid"] == "prometheus"
    assert source["url"] == f"http://{PROMETHEUS}:9090"
    assert PROMETHEUS in _compose()["services"]


def test_grafana_service_provisions_the_dashboard() -> None:
    service = _service(GRAFANA)
    env = _environment(service)
    assert env.get("GF_AUTH_ANONYMOUS_ENABLED") == "true"
    assert env.get("GF_AUTH_ANONYMOUS_ORG_ROLE") == "Viewer"
    mounts = _bind_mounts(service)
    provisioning = "/etc/grafana/provisioning"
    assert mounts.get(f"{provisioning}/datasources") == GRAFANA_DATASOURCE.parent
    assert mounts.get(f"{provisioning}/dashboards") == GRAFANA_PROVIDER.parent
    providers = yaml.safe_load(GRAFANA_PROVIDER.read_text())["providers"]
    paths = [p["options"]["path"] for p in providers if p.get("type", "file") == "file"]
    assert any(mounts.get(path) == GRAFANA_DASHBOARD.parent for path in paths), (
        f"no provider path {paths} is mounted from {GRAFANA_DASHBOARD.parent}"
    )


def test_grafana_dashboard() -> None:
    dash = _dashboard()
    assert dash["uid"] == "stancewatch"
    assert 36 <= dash["schemaVersion"] <= 41
    panels = list(_panels(dash["panels"]))
    assert len({p["id"] for p in panels}) == len(panels), "panel ids must be unique"
    for panel in panels:
        for target in panel.get("targets") or []:
            assert target.get("datasource", panel.get("datasource"))["uid"] == "prometheus"
    exprs = " ".join(e for _t, e in _dashboard_exprs())
    for needed in (
        "stancewatch_articles_consumed_total",
        "stancewatch_articles_processed_total",
        "stancewatch_articles_failed_total",
        "stancewatch_end_to_end_latency_seconds_bucket",
        "stancewatch_processing_seconds_bucket",
        "stancewatch_batch_size_articles",
        "stancewatch_events_extracted_total",
        "stancewatch_entities_extracted_total",
        "stancewatch_alerts_emitted_total",
        "stancewatch_consumer_lag_records",
        "stancewatch_dlq_records_total",
    ):
        assert needed in exprs, f"no dashboard panel queries {needed}"


def test_dashboard_uses_only_exported_metrics() -> None:
    exprs = _dashboard_exprs()
    assert exprs
    problems = [f"{title}: {p}" for title, expr in exprs for p in _metric_problems(expr)]
    assert not problems, "\n".join(problems)


def test_dashboard_queries_are_valid_promql(tmp_path: Path) -> None:
    rules = [
        {"record": f"dashboard:query_{i}", "expr": GRAFANA_RANGE_VARS.sub("5m", expr)}
        for i, (_title, expr) in enumerate(_dashboard_exprs())
    ]
    path = tmp_path / "dashboard.rules.yml"
    path.write_text(yaml.safe_dump({"groups": [{"name": "dashboard", "rules": rules}]}))
    proc = _run([_tool("promtool"), "check", "rules", str(path)])
    assert proc.returncode == 0, proc.stdout + proc.stderr
