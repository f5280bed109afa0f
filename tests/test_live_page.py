"""The dashboards in Debian's headless Chromium.

- The live page while the seed articles flow through a real broker and a real worker:
  the seed's alert appears, its evidence expands with the spans highlighted, the other
  panels fill in, no request leaves the worker, and the screenshot is not blank.
- ``scripts/render_dashboard.py`` draws every panel of the Grafana dashboard JSON.
- The README's screenshots exist (``scripts/screenshot_live.py`` and
  ``scripts/render_dashboard.py`` regenerate them).
"""

from __future__ import annotations

import html
import json
import struct
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from streams.client import read_articles
from streams.settings import Settings
from tests.browser import chromium, png_colours
from tests.conftest import ROOT
from tests.kafka_helpers import produce, read_log, worker_process

WIDTH, HEIGHT = 1280, 900
DASHBOARD = ROOT / "deploy" / "grafana" / "dashboards" / "stancewatch.json"
NATO_SENTENCE = "NATO should seriously reflect and stop trying to ruin Asia"


def seed_records() -> list[tuple[bytes | None, bytes]]:
    return [
        (a.id.encode(), json.dumps(a.to_dict()).encode())
        for a in read_articles([str(ROOT / "seeds")])
    ]


def worker_log(settings: Settings) -> Path:
    """Where ``worker_process`` writes the worker's output."""
    return settings.data_dir.parent / f"worker-{settings.web_port}.log"


def get(url: str) -> tuple[str, dict[str, str], bytes]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.headers.get_content_type(), dict(response.headers), response.read()


@pytest.mark.integration
def test_live_page_shows_the_seed_alert_with_its_evidence(
    kafka_settings: Settings, tmp_path: Path
) -> None:
    base = kafka_settings.web_url
    with worker_process(kafka_settings):
        # The page and its assets are the worker's own; the page forbids other origins.
        kind, headers, html = get(f"{base}/live")
        assert kind == "text/html"
        assert "default-src 'none'" in headers["Content-Security-Policy"]
        assert b"http://" not in html and b"https://" not in html
        for asset, wanted in (("live.js", "text/javascript"), ("live.css", "text/css")):
            kind, _headers, body = get(f"{base}/static/{asset}")
            assert kind == wanted and body
            assert b"http://" not in body.replace(b"http://www.w3.org/2000/svg", b"")

        with chromium(tmp_path / "profile", width=WIDTH, height=HEIGHT) as page:
            page.send("Network.enable")
            page.send("Page.navigate", url=f"{base}/live")
            page.wait_for(
                "document.getElementById('status').classList.contains('ok')",
                timeout=30,
                what="the page's first poll of /api/live",
            )
            produce(kafka_settings, seed_records())

            try:
                page.wait_for(
                    "[...document.querySelectorAll('details.alert')].some(d => "
                    "d.dataset.rule === 'accusation-against-major-power' && "
                    f"d.textContent.includes({json.dumps(NATO_SENTENCE)}))",
                    timeout=180,
                    what="the accusation alert with the NATO evidence sentence",
                )
            except AssertionError as exc:
                shown = page.evaluate("document.getElementById('alerts').innerText")
                log = read_log(str(worker_log(kafka_settings)))
                raise AssertionError(f"{exc}\npage feed: {shown!r}\nworker log:\n{log}") from None
            feed = page.evaluate("document.getElementById('alerts').innerText")
            assert "accuses" in feed
            assert "accusation-against-major-power" in feed

            # Expand the NATO alert: its sentence shows, with the spans highlighted.
            marks = page.evaluate(
                "(() => { const d = [...document.querySelectorAll('details.alert')].find(d => "
                "d.dataset.rule === 'accusation-against-major-power' && "
                f"d.textContent.includes({json.dumps(NATO_SENTENCE)}));"
                " d.querySelector('summary').click();"
                " const q = d.querySelector('blockquote.sentence');"
                " return {open: d.open, visible: q.offsetHeight > 0, text: q.innerText,"
                " marks: [...q.querySelectorAll('mark')].map(m => [m.className, m.textContent])};"
                " })()"
            )
            assert marks["open"] and marks["visible"]
            assert NATO_SENTENCE in marks["text"]
            assert ["recipient", "NATO"] in marks["marks"]
            assert ["trigger", "ruin"] in marks["marks"]

            # The other panels fill in from the same data.
            page.wait_for(
                "document.querySelectorAll('#actors .code').length > 0 && "
                "document.querySelector('#matrix table') !== null && "
                "document.getElementById('t-processed').textContent !== '0'",
                timeout=30,
                what="top actors, the matrix and the processed count",
            )
            actors = page.evaluate(
                "[...document.querySelectorAll('#actors .code')].map(n => n.textContent)"
            )
            assert actors[0] == "CHN"
            columns = page.evaluate(
                "[...document.querySelectorAll('#matrix thead th')].map(n => n.textContent)"
            )
            assert "NATO" in columns and "RUS" in columns
            page.wait_for(
                "document.querySelector('#chart-throughput path.series').getAttribute('d')"
                ".length > 0",
                timeout=30,
                what="the throughput chart",
            )

            shot = tmp_path / "live-page.png"
            data = page.screenshot(shot)
            requests = [
                e["params"]["request"]["url"]
                for e in page.events
                if e["method"] == "Network.requestWillBeSent"
            ]

    assert requests, "no network events recorded"
    outside = [u for u in requests if not u.startswith((base + "/", "data:"))]
    assert not outside, f"the page requested other origins: {outside}"

    width, height, colours = png_colours(data)
    assert (width, height) == (WIDTH, HEIGHT)
    assert colours > 20, f"the screenshot looks blank ({colours} colours)"


def test_render_dashboard_draws_the_grafana_layout(tmp_path: Path) -> None:
    """scripts/render_dashboard.py renders every panel of the dashboard JSON to a PNG."""
    output, page = tmp_path / "dashboard.png", tmp_path / "dashboard.html"
    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "render_dashboard.py"),
            "--output",
            str(output),
            "--html",
            str(page),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    dashboard = json.loads(DASHBOARD.read_text())
    text = page.read_text()
    for panel in dashboard["panels"]:
        assert html.escape(panel["title"]) in text, panel["title"]
    width, height, colours = png_colours(output.read_bytes())
    assert width == 1600 and height > 1000
    assert colours > 20, f"the rendering looks blank ({colours} colours)"


def test_readme_screenshots_exist() -> None:
    for name in ("live-page.png", "grafana-dashboard.png"):
        data = (ROOT / "docs" / name).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n", name
        width, height = struct.unpack("!II", data[16:24])
        assert width >= 1280 and height >= 900, (name, width, height)
