#!/usr/bin/env python3
"""Screenshot the worker's live page with the seed data, for the README.

Starts a local Kafka broker (on free loopback ports, data in a temporary folder) and a
worker, publishes the seed article paragraph by paragraph (one article every
``--spacing`` seconds, so the charts show a stream rather than one point) plus one
undecodable record (so the dead-letter count moves), opens ``/live`` in Debian's
headless Chromium, expands two alerts and saves a 1280x900 PNG. Everything it starts
is stopped before it exits.

    python scripts/screenshot_live.py                  # -> docs/live-page.png
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from streams.client import article_from_text  # noqa: E402
from streams.kafka_local import LocalKafka, free_port_pair  # noqa: E402
from streams.settings import Settings  # noqa: E402
from tests.browser import chromium  # noqa: E402
from tests.conftest import KAFKA_DIR, SEED, free_port  # noqa: E402
from tests.kafka_helpers import produce, worker_process  # noqa: E402

EXPAND = """(() => {
  const alerts = [...document.querySelectorAll('details.alert')];
  const nato = alerts.find(d => d.textContent.includes('NATO should'));
  const call = alerts.find(d => d.dataset.rule === 'ceasefire-call'
                             && d.textContent.includes('China calls'));
  for (const d of [nato, call]) if (d) d.open = true;
  return alerts.length;
})()"""


def seed_articles() -> list[tuple[bytes, bytes]]:
    """The seed as a stream: title and first paragraph, then one article a paragraph."""
    paragraphs = [p.strip() for p in SEED.read_text("utf-8").split("\n\n") if p.strip()]
    chunks = ["\n\n".join(paragraphs[:2]), *paragraphs[2:]]
    articles = [article_from_text(chunk, source=SEED.name) for chunk in chunks]
    return [(a.id.encode(), json.dumps(a.to_dict()).encode()) for a in articles]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "live-page.png")
    parser.add_argument("--spacing", type=float, default=12.0, help="seconds between articles")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="screenshot-live-") as tmp_name:
        tmp = Path(tmp_name)
        broker = LocalKafka(
            Settings(local_kafka_port=free_port_pair(), local_kafka_dir=KAFKA_DIR),
            data_dir=tmp / "kafka",
        )
        broker.start()
        try:
            settings = Settings(
                bootstrap_servers=broker.bootstrap,
                app_id="stancewatch-screenshot",
                web_port=free_port(),
                data_dir=tmp / "worker" / "data",
                local_kafka_dir=KAFKA_DIR,
                batch_within=0.1,
            )
            settings.data_dir.mkdir(parents=True)
            with worker_process(settings):
                print(f"worker ready: {settings.web_url}/live", flush=True)
                for i, record in enumerate(seed_articles()):
                    produce(settings, [record])
                    if i == 4:
                        produce(settings, [(b"broken", b"this is not JSON")])
                    time.sleep(args.spacing)
                with chromium(tmp / "profile") as page:
                    page.send("Page.navigate", url=f"{settings.web_url}/live")
                    page.wait_for(
                        "document.querySelectorAll('details.alert').length >= 6",
                        timeout=60,
                        what="the alerts",
                    )
                    time.sleep(2)  # one more poll, so the charts have their final size
                    page.evaluate(EXPAND)
                    time.sleep(1)
                    args.output.parent.mkdir(parents=True, exist_ok=True)
                    page.screenshot(args.output)
        finally:
            broker.stop()
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
