// stancewatch live page: polls /api/live and redraws; no libraries, no external requests.
// Everything from the server is inserted as text (textContent), never as HTML.
"use strict";

const POLL_MS = 1500;
const RETRY_MS = 3000;
const SVG_NS = "http://www.w3.org/2000/svg";
const SEVERITIES = ["critical", "warning", "info"];
const COLORS = {
  processed: "#58a6ff",
  events: "#3fb950",
  alerts: "#f2a93b",
  failed: "#ff6b6b",
  p50: "#3fb950",
  p95: "#58a6ff",
  p99: "#bc8cff",
};

// ------------------------------------------------------------------ helpers

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function svg(tag, attrs) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, value);
  return node;
}

function setText(id, text) {
  const node = document.getElementById(id);
  if (node.textContent !== text) node.textContent = text;
}

function fmtInt(n) {
  return Math.round(n).toLocaleString("en-US");
}

function fmtRate(n) {
  if (n === null || n === undefined) return "–";
  if (n === 0) return "0";
  return n >= 10 ? n.toFixed(0) : n >= 1 ? n.toFixed(1) : n.toFixed(2);
}

function fmtSeconds(s) {
  if (s === null || s === undefined) return "–";
  if (s < 1) return `${Math.round(s * 1000)} ms`;
  return `${s.toFixed(s < 10 ? 2 : 1)} s`;
}

function fmtAge(s) {
  if (s < 5) return "just now";
  if (s < 60) return `${Math.floor(s)}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  return `${Math.floor(s / 3600)}h ago`;
}

function arrows(text) {
  return text.replace(/ -> /g, " → ");
}

const TYPE_COLORS = ["#58a6ff", "#3fb950", "#f2a93b", "#bc8cff", "#ff6b6b", "#39c5cf", "#db61a2", "#8b949e"];

// Diverging scale for PLOVER intensity (-10 hostile .. +10 cooperative).
const STOPS = [
  [-10, [215, 48, 39]],
  [-5, [244, 109, 67]],
  [0, [58, 63, 71]],
  [5, [102, 189, 99]],
  [10, [26, 152, 80]],
];

function intensityColor(v) {
  const x = Math.max(-10, Math.min(10, v));
  for (let i = 1; i < STOPS.length; i++) {
    const [x1, c1] = STOPS[i];
    const [x0, c0] = STOPS[i - 1];
    if (x <= x1) {
      const f = (x - x0) / (x1 - x0);
      const c = c0.map((a, k) => Math.round(a + (c1[k] - a) * f));
      return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
    }
  }
  return "rgb(26, 152, 80)";
}

function lastValue(values) {
  for (let i = values.length - 1; i >= 0; i--) if (values[i] !== null) return values[i];
  return null;
}

function meanOfLast(values, n) {
  const recent = values.slice(-n).filter((v) => v !== null);
  return recent.length ? recent.reduce((a, b) => a + b, 0) / recent.length : null;
}

// ------------------------------------------------------------------ header and tiles

function renderWorker(worker) {
  const parts = [];
  if (worker.version) parts.push(`v${worker.version}`);
  if (worker.model) parts.push(`model ${worker.model}`);
  if (worker.rules_version) parts.push(`rules ${worker.rules_version}`);
  setText("worker", parts.join(" · "));
}

function renderTiles(data) {
  const { totals, series } = data;
  const perMinute = 60 / series.step;
  setText("t-processed", fmtInt(totals.processed));
  setText("t-processed-rate", `${fmtRate(meanOfLast(series.processed, perMinute))}/s over the last minute`);
  setText("t-events", fmtInt(totals.events));
  setText("t-events-rate", `${fmtRate(meanOfLast(series.events, perMinute))}/s over the last minute`);
  setText("t-alerts", fmtInt(totals.alerts));
  setText("t-failed", fmtInt(totals.failed));
  setText("t-failed-rate", `${fmtInt(totals.consumed)} consumed`);
  const p95 = lastValue(series.latency_p95);
  setText("t-latency", fmtSeconds(p95));
  setText(
    "t-latency-sub",
    p95 === null ? "no articles yet" : `p50 ${fmtSeconds(lastValue(series.latency_p50))} · p99 ${fmtSeconds(lastValue(series.latency_p99))}`,
  );
  const chips = document.getElementById("t-alerts-sev");
  chips.replaceChildren(
    ...SEVERITIES.filter((s) => totals.alerts_by_severity[s]).map((s) =>
      el("span", { class: `chip ${s}`, text: `${totals.alerts_by_severity[s]} ${s}` }),
    ),
  );
}

// ------------------------------------------------------------------ alert feed

const alertNodes = new Map();
let firstFeed = true;

function sentenceNode(evidence) {
  const quote = el("blockquote", { class: "sentence" });
  for (const seg of evidence.segments) {
    quote.append(seg.role ? el("mark", { class: seg.role, title: seg.role, text: seg.text }) : seg.text);
  }
  return quote;
}

function alertNode(alert) {
  const cut = alert.title.lastIndexOf(": ");
  const description = cut > 0 ? alert.title.slice(0, cut) : alert.title;
  const coded = cut > 0 ? arrows(alert.title.slice(cut + 2)) : "";
  const head = el(
    "div",
    { class: "head" },
    el("span", { class: "caret", text: "▸" }),
    el("span", { class: "sev", text: alert.severity }),
    el("span", { class: "title", text: description }),
    el("span", { class: "age" }),
  );
  const who = el("div", { class: "who" }, el("span", { class: "code", text: coded }), " ", el("span", { class: "rule", text: alert.rule }));
  const evidence = el("div", { class: "evidence" }, el("div", { class: "summary", text: alert.summary }));
  for (const ev of alert.evidence) {
    evidence.append(sentenceNode(ev), el("div", { class: "ids", text: `article ${ev.article_id} · event ${ev.event_id}` }));
  }
  const node = el("details", { class: `alert ${alert.severity}`, "data-alert-id": alert.alert_id, "data-rule": alert.rule }, el("summary", {}, head, who), evidence);
  return node;
}

function renderFeed(alerts) {
  const list = document.getElementById("alerts");
  const wanted = new Set(alerts.map((a) => a.alert_id));
  for (const [id, node] of alertNodes) {
    if (!wanted.has(id)) {
      node.remove();
      alertNodes.delete(id);
    }
  }
  // Newest first: walk in order and insert missing nodes before the next known one.
  let previous = null;
  for (const alert of alerts) {
    let node = alertNodes.get(alert.alert_id);
    if (!node) {
      node = alertNode(alert);
      if (!firstFeed) node.classList.add("fresh");
      alertNodes.set(alert.alert_id, node);
    }
    const expectedNext = previous ? previous.nextSibling : list.firstChild;
    if (node !== expectedNext) list.insertBefore(node, expectedNext);
    node.querySelector(".age").textContent = fmtAge(alert.age);
    previous = node;
  }
  const empty = list.querySelector(".empty");
  if (empty && alerts.length) empty.remove();
  setText("feed-count", alerts.length ? `${alerts.length} most recent` : "");
  firstFeed = false;
}

// ------------------------------------------------------------------ charts

function niceMax(v, floor) {
  const x = Math.max(v, floor);
  const p = Math.pow(10, Math.floor(Math.log10(x)));
  // Multiples whose quarters are round numbers (four grid steps per chart).
  for (const m of [1, 2, 4, 6, 8, 10]) if (m * p >= x) return m * p;
  return 10 * p;
}

function pathFor(values, xAt, yAt) {
  let d = "";
  let pen = false;
  values.forEach((v, i) => {
    if (v === null) {
      pen = false;
      return;
    }
    d += `${pen ? "L" : "M"}${xAt(i).toFixed(1)},${yAt(v).toFixed(1)}`;
    pen = true;
  });
  return d;
}

function areaFor(values, xAt, yAt, y0) {
  let d = "";
  let run = [];
  const flush = () => {
    if (run.length > 1) {
      d += `M${xAt(run[0]).toFixed(1)},${y0}`;
      for (const i of run) d += `L${xAt(i).toFixed(1)},${yAt(values[i]).toFixed(1)}`;
      d += `L${xAt(run[run.length - 1]).toFixed(1)},${y0}Z`;
    }
    run = [];
  };
  values.forEach((v, i) => (v === null ? flush() : run.push(i)));
  flush();
  return d;
}

function renderChart(id, keysId, series, lines, { floor, format, extra }) {
  const node = document.getElementById(id);
  const box = node.getBoundingClientRect();
  const width = Math.max(200, Math.round(box.width || 560));
  const height = Math.max(120, Math.round(box.height || 170));
  const pad = { left: 44, right: 8, top: 8, bottom: 20 };
  node.setAttribute("viewBox", `0 0 ${width} ${height}`);
  const n = series.t.length;
  let max = 0;
  for (const line of lines) for (const v of series[line.key]) if (v !== null) max = Math.max(max, v);
  const top = niceMax(max, floor);
  const xAt = (i) => pad.left + ((width - pad.left - pad.right) * i) / Math.max(1, n - 1);
  const yAt = (v) => pad.top + (height - pad.top - pad.bottom) * (1 - v / top);
  const children = [];
  for (let k = 0; k <= 4; k++) {
    const v = (top * k) / 4;
    const y = yAt(v);
    children.push(svg("line", { class: "grid-line", x1: pad.left, x2: width - pad.right, y1: y, y2: y }));
    const label = svg("text", { x: pad.left - 6, y: y + 4, "text-anchor": "end", fill: "#8b949e", "font-size": 10 });
    label.textContent = format(v);
    children.push(label);
  }
  const minutes = Math.round((n * series.step) / 60);
  [[0, `−${minutes}m`], [Math.floor((n - 1) / 2), `−${Math.round(minutes / 2)}m`], [n - 1, "now"]].forEach(([i, text], k) => {
    const label = svg("text", {
      x: xAt(i),
      y: height - 4,
      "text-anchor": k === 0 ? "start" : k === 2 ? "end" : "middle",
      fill: "#8b949e",
      "font-size": 10,
    });
    label.textContent = text;
    children.push(label);
  });
  for (const line of lines) {
    const values = series[line.key];
    if (line.area) {
      children.push(svg("path", { class: "area", d: areaFor(values, xAt, yAt, yAt(0)), fill: line.color }));
    }
    children.push(svg("path", { class: "series", d: pathFor(values, xAt, yAt), stroke: line.color }));
    // A point with no neighbour draws no line: mark it with a dot.
    values.forEach((v, i) => {
      if (v !== null && (values[i - 1] ?? null) === null && (values[i + 1] ?? null) === null) {
        children.push(svg("circle", { class: "dot", cx: xAt(i), cy: yAt(v), r: 3, fill: line.color }));
      }
    });
  }
  node.replaceChildren(...children);
  const keys = document.getElementById(keysId);
  keys.replaceChildren(
    ...lines.map((line) => {
      // CSSOM, not a style attribute: the page's CSP allows no inline styles.
      const swatch = el("span", { class: "swatch" });
      swatch.style.background = line.color;
      return el("span", {}, swatch, `${line.label} `, el("b", { text: format(lastValue(series[line.key])) }));
    }),
    ...(extra || []),
  );
}

// ------------------------------------------------------------------ actors and matrix

function renderActors(actors) {
  const box = document.getElementById("actors");
  if (!actors.length) return;
  const max = Math.max(...actors.map((a) => a.events));
  box.replaceChildren(
    ...actors.flatMap((a) => {
      const fill = el("div", { class: "fill" });
      fill.style.width = `${Math.max(4, (100 * a.events) / max)}%`;
      const mean = a.mean_intensity;
      const pill = el("span", { class: "pill", title: "mean intensity of its events", text: mean > 0 ? `+${mean.toFixed(1)}` : mean.toFixed(1) });
      pill.style.background = intensityColor(mean);
      return [
        el("span", { class: "code", text: a.code }),
        el("div", { class: "track", title: `${a.events} events as actor, most often ${a.top_type}` }, fill),
        el("span", { class: "num" }, el("b", { text: String(a.events) }), ` as actor · ${a.as_recipient} as recipient`),
        pill,
      ];
    }),
  );
}

function renderTypes(types) {
  const entries = Object.entries(types);
  if (!entries.length) return;
  const total = entries.reduce((a, [, n]) => a + n, 0);
  const bar = el("div", { class: "stack" });
  const keys = el("div", { class: "type-keys" });
  entries.forEach(([type, n], i) => {
    const color = TYPE_COLORS[i % TYPE_COLORS.length];
    const part = el("span", { title: `${type}: ${n}` });
    part.style.width = `${(100 * n) / total}%`;
    part.style.background = color;
    bar.append(part);
    const swatch = el("span", { class: "swatch" });
    swatch.style.background = color;
    keys.append(el("span", {}, swatch, `${type} `, el("b", { text: String(n) })));
  });
  document.getElementById("types").replaceChildren(bar, keys);
}

function renderMatrix(matrix) {
  const box = document.getElementById("matrix");
  if (!matrix.actors.length || !matrix.recipients.length) return;
  const head = el("tr", {}, el("th", { class: "corner", text: "actor ↓ recipient →" }), ...matrix.recipients.map((r) => el("th", { text: r })));
  const rows = matrix.actors.map((a, i) =>
    el(
      "tr",
      {},
      el("th", { class: "row", text: a }),
      ...matrix.cells[i].map((cell, j) => {
        if (!cell) return el("td", { title: `${a} → ${matrix.recipients[j]}: no events` });
        const td = el(
          "td",
          { title: `${a} → ${matrix.recipients[j]}: mean intensity ${cell.mean} over ${cell.n} event(s)` },
          cell.mean > 0 ? `+${cell.mean.toFixed(1)}` : cell.mean.toFixed(1),
          el("small", { text: `n=${cell.n}` }),
        );
        td.style.background = intensityColor(cell.mean);
        return td;
      }),
    ),
  );
  box.replaceChildren(el("table", { class: "matrix" }, el("thead", {}, head), el("tbody", {}, ...rows)));
}

// ------------------------------------------------------------------ polling

function render(data) {
  renderWorker(data.worker || {});
  renderTiles(data);
  renderFeed(data.alerts);
  renderChart(
    "chart-throughput",
    "keys-throughput",
    data.series,
    [
      { key: "processed", label: "articles", color: COLORS.processed, area: true },
      { key: "failed", label: "dead-lettered", color: COLORS.failed },
    ],
    {
      floor: 0.1,
      format: (v) => (v === null ? "–" : fmtRate(v)),
      extra: [
        el("span", {}, "events ", el("b", { text: fmtRate(lastValue(data.series.events)) })),
        el("span", {}, "alerts ", el("b", { text: fmtRate(lastValue(data.series.alerts)) })),
      ],
    },
  );
  renderChart(
    "chart-latency",
    "keys-latency",
    data.series,
    [
      { key: "latency_p50", label: "p50", color: COLORS.p50 },
      { key: "latency_p95", label: "p95", color: COLORS.p95, area: true },
      { key: "latency_p99", label: "p99", color: COLORS.p99 },
    ],
    { floor: 0.5, format: (v) => (v === null ? "–" : fmtSeconds(v)) },
  );
  renderActors(data.top_actors);
  renderTypes(data.event_types);
  renderMatrix(data.matrix);
}

function setStatus(ok, text) {
  const status = document.getElementById("status");
  status.className = `status ${ok ? "ok" : "stale"}`;
  setText("status-text", text);
}

async function poll() {
  let delay = POLL_MS;
  try {
    const response = await fetch("/api/live", { cache: "no-store" });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    render(await response.json());
    setStatus(true, `live · updated ${new Date().toLocaleTimeString("en-GB")}`);
  } catch (err) {
    setStatus(false, `reconnecting (${err.message})`);
    delay = RETRY_MS;
  }
  window.setTimeout(poll, delay);
}

document.addEventListener("DOMContentLoaded", poll);
