#!/usr/bin/env python3
"""Render the Grafana dashboard's layout to a PNG, without Grafana.

Reads ``deploy/grafana/dashboards/stancewatch.json`` and draws what Grafana would lay
out: rows, panels at their ``gridPos`` (24 columns, 30 px grid units), titles, stat
tiles, and time series with one line per query (label templates such as
``{{severity}}`` are filled with example label values). The curves and numbers are
illustrative, not data: the point is the layout and what each panel shows. The HTML is
screenshotted with Debian's headless Chromium.

    python scripts/render_dashboard.py                 # -> docs/grafana-dashboard.png
    python scripts/render_dashboard.py --html out.html # keep the HTML too
"""

from __future__ import annotations

import argparse
import html
import json
import math
import random
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DASHBOARD = ROOT / "deploy" / "grafana" / "dashboards" / "stancewatch.json"
OUTPUT = ROOT / "docs" / "grafana-dashboard.png"

WIDTH = 1600  # px of the browser window
PAD = 16  # page padding
UNIT_H = 30  # Grafana's grid row height
MARGIN = 8  # gap between panels
HEADER_H = 64

PALETTE = ["#73BF69", "#5794F2", "#FADE2A", "#FF9830", "#B877D9", "#8AB8FF", "#F2495C", "#37872D"]
NAMED_COLORS = {
    "green": "#73BF69",
    "red": "#F2495C",
    "orange": "#FF9830",
    "yellow": "#FADE2A",
    "blue": "#5794F2",
    "purple": "#B877D9",
}
#: Example values for label templates in legends (the worker's label sets are small).
EXAMPLE_LABELS = {
    "severity": ["critical", "warning", "info"],
    "reason": ["not_json", "too_large", "processing_error"],
    "event_type": ["REQUEST", "ACCUSE", "CONSULT", "THREATEN", "SUPPORT"],
    "label": ["GPE", "PERSON", "ORG", "NORP"],
    "rule": ["accusation-against-major-power", "ceasefire-call"],
    "topic": ["annotated-articles", "stance-events", "alerts", "articles.dlq"],
}
#: Example label combinations for legends with several labels.
EXAMPLE_COMBOS = {
    ("topic", "partition"): [
        {"topic": "articles", "partition": "0"},
        {"topic": "articles", "partition": "1"},
        {"topic": "stance-events", "partition": "0"},
    ],
    ("severity", "rule"): [
        {"severity": "warning", "rule": "accusation-against-major-power"},
        {"severity": "info", "rule": "ceasefire-call"},
        {"severity": "critical", "rule": "nuclear-threat"},
    ],
}
UNITS = {"reqps": " /s", "s": " s", "short": "", "percent": "%"}

CSS = """
* { box-sizing: border-box; }
body { margin: 0; background: #111217; color: #ccccdc;
  font-family: "DejaVu Sans", "Liberation Sans", sans-serif; }
.header { height: %(header)dpx; padding: 14px %(pad)dpx; display: flex; align-items: center;
  gap: 14px; border-bottom: 1px solid #24292e; }
.header .crumb { font-size: 18px; color: #ccccdc; }
.header .crumb b { color: #fff; font-weight: 600; }
.header .note { margin-left: auto; font-size: 12px; color: #8e8e9e; }
.header .pill { font-size: 12px; border: 1px solid #34383e; border-radius: 2px; padding: 4px 8px;
  color: #ccccdc; }
.canvas { position: relative; margin: 10px %(pad)dpx; }
.panel { position: absolute; background: #181b1f; border: 1px solid #24292e; border-radius: 2px;
  overflow: hidden; display: flex; flex-direction: column; }
.panel .title { height: 32px; line-height: 32px; padding: 0 10px; font-size: 13px; font-weight: 500;
  color: #ccccdc; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.row { position: absolute; font-size: 15px; font-weight: 500; color: #ccccdc; display: flex;
  align-items: center; gap: 8px; }
.row .chev { color: #8e8e9e; font-size: 12px; }
.stat { flex: 1; display: flex; gap: 4px; padding: 0 6px 6px; }
.stat .tile { flex: 1; display: flex; flex-direction: column; align-items: center;
  justify-content: center; border-radius: 2px; min-width: 0; }
.stat .value { font-size: 30px; font-weight: 600; color: #fff; }
.stat .name { font-size: 11px; color: rgba(255,255,255,0.85); }
.ts { flex: 1; display: flex; flex-direction: column; padding: 0 8px 6px; min-height: 0; }
.ts svg { flex: 1; min-height: 0; }
.legend { display: flex; flex-wrap: wrap; gap: 2px 12px; font-size: 11px; color: #ccccdc;
  padding-top: 2px; max-height: 34px; overflow: hidden; }
.legend i { display: inline-block; width: 14px; height: 4px; border-radius: 2px; margin-right: 5px;
  vertical-align: middle; }
"""


def expand_legend(legend: str) -> list[str]:
    """``"{{severity}} / {{rule}}"`` -> a few example series names."""
    names = re.findall(r"\{\{\s*(\w+)\s*\}\}", legend)
    if not names:
        return [legend or "value"]
    combos = EXAMPLE_COMBOS.get(tuple(names))
    if combos is None:
        values = {n: EXAMPLE_LABELS.get(n, [n]) for n in names}
        count = max(len(v) for v in values.values())
        combos = [{n: v[i % len(v)] for n, v in values.items()} for i in range(count)]
    out = []
    for combo in combos:
        text = legend
        for name, value in combo.items():
            text = re.sub(r"\{\{\s*" + name + r"\s*\}\}", value, text)
        out.append(text)
    return out


def series_for(panel: dict[str, Any]) -> list[str]:
    return [n for t in panel.get("targets") or [] for n in expand_legend(t.get("legendFormat", ""))]


def curve(rng: random.Random, n: int, level: float) -> list[float]:
    """An illustrative, smooth, positive series."""
    phase, freq = rng.random() * 6.28, 2 + rng.random() * 3
    values, drift = [], 0.0
    for i in range(n):
        drift = 0.85 * drift + rng.gauss(0, 0.12)
        wave = 0.25 * math.sin(phase + freq * 6.28 * i / n)
        values.append(max(0.0, level * (1 + wave + drift)))
    return values


def nice_top(v: float) -> float:
    p = 10 ** math.floor(math.log10(v)) if v > 0 else 1
    for m in (1, 2, 4, 8, 10):  # a quarter of each is a round number
        if m * p >= v:
            return m * p
    return 10 * p


def timeseries_svg(panel: dict[str, Any], width: int, height: int) -> tuple[str, str]:
    names = series_for(panel)
    rng = random.Random(panel["id"])
    n = 60
    custom = panel.get("fieldConfig", {}).get("defaults", {}).get("custom", {})
    stacked = custom.get("stacking", {}).get("mode") == "normal"
    unit = UNITS.get(panel.get("fieldConfig", {}).get("defaults", {}).get("unit", ""), "")
    lines = [curve(rng, n, 1.0 / (1 + i * 0.6)) for i in range(len(names))]
    if stacked:
        for i in range(1, len(lines)):
            lines[i] = [a + b for a, b in zip(lines[i], lines[i - 1], strict=True)]
    top = nice_top(max(max(line) for line in lines) * 1.1)
    left, bottom = 44, 18
    plot_w, plot_h = width - left - 4, height - bottom - 6

    def x(i: int) -> float:
        return left + plot_w * i / (n - 1)

    def y(v: float) -> float:
        return 6 + plot_h * (1 - v / top)

    parts = []
    for k in range(5):
        v = top * k / 4
        parts.append(
            f'<line x1="{left}" x2="{width - 4}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="#24292e"/>'
            f'<text x="{left - 6}" y="{y(v) + 4:.1f}" fill="#8e8e9e" font-size="10" '
            f'text-anchor="end">{v:g}{html.escape(unit)}</text>'
        )
    for k, label in enumerate(("10:00", "10:15", "10:30", "10:45", "11:00")):
        anchor = "start" if k == 0 else "end" if k == 4 else "middle"
        parts.append(
            f'<text x="{x(round(k * (n - 1) / 4)):.1f}" y="{height - 4}" fill="#8e8e9e" '
            f'font-size="10" text-anchor="{anchor}">{label}</text>'
        )
    for i, line in enumerate(lines):
        colour = PALETTE[i % len(PALETTE)]
        points = " ".join(f"{x(j):.1f},{y(v):.1f}" for j, v in enumerate(line))
        base = lines[i - 1] if stacked and i else [0.0] * n
        area = (
            points
            + " "
            + " ".join(f"{x(j):.1f},{y(v):.1f}" for j, v in reversed(list(enumerate(base))))
        )
        opacity = custom.get("fillOpacity", 10) / 100
        parts.append(f'<polygon points="{area}" fill="{colour}" fill-opacity="{opacity:.2f}"/>')
        parts.append(
            f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="1.5"/>'
        )
    svg = f'<svg viewBox="0 0 {width} {height}" preserveAspectRatio="none">{"".join(parts)}</svg>'
    legend = "".join(
        f'<span><i style="background:{PALETTE[i % len(PALETTE)]}"></i>{html.escape(name)}</span>'
        for i, name in enumerate(names)
    )
    return svg, legend


def stat_html(panel: dict[str, Any]) -> str:
    defaults = panel.get("fieldConfig", {}).get("defaults", {})
    mappings = defaults.get("mappings") or []
    steps = (defaults.get("thresholds") or {}).get("steps") or [{"color": "green"}]
    overrides = {
        o["matcher"]["options"]: p["value"]["fixedColor"]
        for o in panel.get("fieldConfig", {}).get("overrides") or []
        for p in o.get("properties", [])
        if p.get("id") == "color"
    }
    rng = random.Random(panel["id"])
    names = series_for(panel)
    unit = defaults.get("unit", "short")
    # Panels whose thresholds turn colour above the base are "the lower the better".
    alarming = len(steps) > 1
    tiles = []
    for name in names:
        number = rng.randint(0, 40) if len(names) > 1 or alarming else rng.randint(200, 900)
        if alarming:
            number = rng.randint(0, 3)
        colour = overrides.get(name) or next(
            st.get("color", "green")
            for st in reversed(steps)
            if st.get("value") is None or number >= st["value"]
        )
        value = str(number)
        if mappings:
            options = mappings[0].get("options", {})
            value, colour = (options.get("1") or {}).get("text", "1"), "green"
        elif unit == "s":
            value = f"{rng.uniform(2, 9):.2f} s"
        background = NAMED_COLORS.get(colour, colour)
        label = f'<div class="name">{html.escape(name)}</div>' if len(names) > 1 else ""
        tiles.append(
            f'<div class="tile" style="background:{background}"><div class="value">'
            f"{html.escape(value)}</div>{label}</div>"
        )
    return f'<div class="stat">{"".join(tiles)}</div>'


def render_html(dashboard: dict[str, Any]) -> tuple[str, int]:
    col = (WIDTH - 2 * PAD + MARGIN) / 24
    panels = dashboard["panels"]
    bottom = max(p["gridPos"]["y"] + p["gridPos"]["h"] for p in panels)
    canvas_h = bottom * (UNIT_H + MARGIN)
    body = []
    for panel in panels:
        g = panel["gridPos"]
        left, top = g["x"] * col, g["y"] * (UNIT_H + MARGIN)
        width, height = g["w"] * col - MARGIN, g["h"] * (UNIT_H + MARGIN) - MARGIN
        box = f"left:{left:.0f}px;top:{top:.0f}px;width:{width:.0f}px;height:{height:.0f}px"
        title = html.escape(panel.get("title", ""))
        if panel["type"] == "row":
            body.append(f'<div class="row" style="{box}"><span class="chev">▼</span>{title}</div>')
            continue
        if panel["type"] == "stat":
            inner = stat_html(panel)
        else:
            svg, legend = timeseries_svg(panel, int(width) - 16, int(height) - 32 - 46)
            inner = f'<div class="ts">{svg}<div class="legend">{legend}</div></div>'
        body.append(
            f'<div class="panel" style="{box}"><div class="title">{title}</div>{inner}</div>'
        )
    height = HEADER_H + 20 + canvas_h
    page = f"""<!doctype html><html><head><meta charset="utf-8"><style>
{CSS % {"header": HEADER_H, "pad": PAD}}</style></head><body>
<div class="header"><span class="crumb">Dashboards / <b>{html.escape(dashboard["title"])}</b></span>
<span class="pill">Last 1 hour</span>
<span class="pill">Refresh {dashboard.get("refresh", "")}</span>
<span class="note">Layout rendered from deploy/grafana/dashboards/stancewatch.json
(scripts/render_dashboard.py) &middot; curves and numbers are illustrative</span></div>
<div class="canvas" style="height:{canvas_h}px">{"".join(body)}</div></body></html>"""
    return page, height


def screenshot(page: Path, output: Path, height: int) -> None:
    chromium = shutil.which("chromium")
    if not chromium:
        sys.exit("render_dashboard: `chromium` is not on PATH (scripts/bootstrap.sh installs it)")
    with tempfile.TemporaryDirectory(prefix="render-dashboard-") as profile:
        subprocess.run(
            [
                chromium,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--hide-scrollbars",
                f"--user-data-dir={profile}",
                f"--window-size={WIDTH},{height}",
                f"--screenshot={output}",
                page.as_uri(),
            ],
            check=True,
            timeout=120,
            capture_output=True,
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dashboard", type=Path, default=DASHBOARD)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--html", type=Path, help="also write the HTML here")
    args = parser.parse_args(argv)
    page, height = render_html(json.loads(args.dashboard.read_text()))
    with tempfile.TemporaryDirectory(prefix="render-dashboard-") as tmp:
        path = Path(args.html) if args.html else Path(tmp) / "dashboard.html"
        path.write_text(page, "utf-8")
        args.output.parent.mkdir(parents=True, exist_ok=True)
        screenshot(path.resolve(), args.output.resolve(), height)
    print(f"wrote {args.output} ({WIDTH}x{height})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
