"""How far an article annotated from its two halves differs from one annotated whole.

The worker parses a lone article in halves (STANCEWATCH_SPLIT_MIN_TOKENS). This runs
both ways over the benchmark's corpus and counts the articles whose annotation is
identical, whose events are the same (by id: type, actors, trigger), and the events
one way has and the other has not.

    .venv/bin/python scripts/compare_halves.py --articles 300
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from processors.annotate import Extractor
from processors.halves import halving_cut
from processors.types import AnnotatedArticle
from streams.bench import BenchOptions, capacity_corpus, load_sentences
from streams.settings import Settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=300)
    args = parser.parse_args(argv)
    options = BenchOptions()
    sentences, _ = load_sentences(options.sources)
    corpus = capacity_corpus(sentences, options, args.articles)
    extractor = Extractor.build(Settings.from_env().model)
    counts = dict.fromkeys(("articles", "no cut", "identical", "same events"), 0)
    only_whole = only_halves = events = 0
    seconds = {"whole": 0.0, "slower half": 0.0}
    for article in corpus:
        counts["articles"] += 1
        cut = halving_cut(article.text)
        if cut is None:
            counts["no cut"] += 1
            continue
        started = time.process_time()
        whole = extractor.annotate(article)
        seconds["whole"] += time.process_time() - started
        halves_seconds = []
        parts = []
        for text in (article.text[:cut], article.text[cut:]):
            started = time.process_time()
            parts.append(extractor.parse_part(text))
            halves_seconds.append(time.process_time() - started)
        seconds["slower half"] += max(halves_seconds)
        halves = extractor.annotate_parts(article, parts)
        if not isinstance(halves, AnnotatedArticle):
            print(f"{article.id}: {halves.error_class}: {halves.message}")
            continue
        counts["identical"] += halves == whole
        ids_whole = {e.event_id for e in whole.events}
        ids_halves = {e.event_id for e in halves.events}
        counts["same events"] += ids_whole == ids_halves
        events += len(ids_whole)
        only_whole += len(ids_whole - ids_halves)
        only_halves += len(ids_halves - ids_whole)
    print(", ".join(f"{k}: {v}" for k, v in counts.items()))
    print(f"events whole: {events}; only whole: {only_whole}; only in halves: {only_halves}")
    cut = counts["articles"] - counts["no cut"]
    print(
        "parse CPU ms per article: whole "
        + f"{1000 * seconds['whole'] / max(1, cut):.0f} (with extraction), slower half "
        + f"{1000 * seconds['slower half'] / max(1, cut):.0f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
