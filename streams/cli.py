"""The ``stancewatch`` command.

Every error a user can cause ends with a one-line message on stderr and a non-zero
exit code, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from processors.errors import StancewatchError
from streams.settings import ENV_VARS, Settings

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="stancewatch",
        description="Real-time monitor of who says and does what to whom in the news.",
        epilog="Settings come from environment variables: " + ", ".join(ENV_VARS),
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("worker", help="run a Faust worker (extract and alert agents, /metrics)")
    p.add_argument("--web-port", type=int, help="port of /metrics (STANCEWATCH_WEB_PORT)")

    p = sub.add_parser("publish", help="publish articles to the articles topic")
    p.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help="files (.txt, .json, .jsonl) or folders; '-' reads stdin",
    )
    p.add_argument(
        "--raw",
        action="store_true",
        help="send each file's bytes unchanged (no validation, for testing the DLQ)",
    )
    p.add_argument("--json", action="store_true", help="print what was sent as JSON lines")

    for name, default, what in (
        ("alerts", "alerts", "print alerts (readable, or JSON lines with --json)"),
        ("events", "stance-events", "print stance events as they arrive"),
    ):
        p = sub.add_parser(name, help=what)
        p.add_argument("--topic", default=default, help=f"topic to read (default {default})")
        p.add_argument("--follow", "-f", action="store_true", help="keep waiting for more")
        p.add_argument(
            "--from-beginning",
            action="store_true",
            help="start at the oldest record (default: only new ones when "
            "following, everything otherwise)",
        )
        p.add_argument("--json", action="store_true", help="print JSON lines")
        p.add_argument(
            "--timeout",
            type=float,
            default=5.0,
            help="without --follow: stop after this many idle seconds",
        )

    p = sub.add_parser("dlq", help="inspect dead letters, and republish them after a fix")
    p.add_argument("action", choices=("list", "show", "replay"))
    p.add_argument(
        "refs",
        nargs="*",
        metavar="PARTITION:OFFSET",
        help="dead letters to show or replay (as printed by 'dlq list')",
    )
    p.add_argument("--reason", action="append", default=[], help="select by reason")
    p.add_argument("--all", action="store_true", help="select every dead letter")
    p.add_argument("--json", action="store_true", help="list as JSON lines")

    p = sub.add_parser("rules", help="check alert rule files")
    p.add_argument("action", choices=("check",))
    p.add_argument("files", nargs="+", metavar="FILE", help="rule files (YAML)")

    p = sub.add_parser("backtest", help="run alert rules over historic articles or events, offline")
    p.add_argument(
        "--rules", metavar="FILE", help="rule file (default: STANCEWATCH_RULES or the defaults)"
    )
    p.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="articles (.txt/.json/.jsonl, folders), annotated articles or stance events",
    )
    p.add_argument("--topic", help="read this topic instead (articles, stance-events ...)")
    p.add_argument("--from", dest="since", metavar="DATE", help="with --topic: records since")
    p.add_argument(
        "--ingest-time",
        metavar="TIME",
        help="event time of file articles without published_at (default: now)",
    )
    p.add_argument("--json", action="store_true", help="print alert records as JSON lines")

    p = sub.add_parser("extract", help="annotate one article file and print JSON (no Kafka)")
    p.add_argument("path", metavar="FILE", help="a .txt or .json article; '-' reads stdin")

    p = sub.add_parser("eval", help="score the extractor on a gold JSONL file (no Kafka)")
    p.add_argument(
        "--set", dest="eval_set", required=True, choices=("plover", "newsmtsc", "petrarch")
    )
    p.add_argument("--gold", required=True, metavar="FILE", help="gold JSONL file")
    p.add_argument("--dictionaries", metavar="DIR", help="actor/agent dictionaries to add")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--errors", type=int, default=0, metavar="N", help="show the N worst misses")

    p = sub.add_parser("bench-extract", help="extraction cost: full extractor vs bare nlp.pipe")
    p.add_argument("paths", nargs="*", default=["seeds"], metavar="PATH", help="article files")
    p.add_argument("--repeat", type=int, default=20, help="repeat the texts N times")
    p.add_argument("--rounds", type=int, default=5, help="alternating timed rounds")
    p.add_argument("--json", action="store_true", help="print one JSON object")

    p = sub.add_parser("topics", help="create the topics, or check them with --check")
    p.add_argument("--check", action="store_true", help="only check; exit 1 if not ready")

    p = sub.add_parser("kafka", help="the project's local Apache Kafka broker")
    p.add_argument("action", choices=("up", "down", "status", "fetch"))

    p = sub.add_parser("run", help="the demo: broker, topics, worker, publish seeds, show alerts")
    p.add_argument(
        "paths",
        nargs="*",
        default=["seeds"],
        metavar="PATH",
        help="what to publish (default: seeds)",
    )
    p.add_argument(
        "--exit-after",
        type=float,
        metavar="SECONDS",
        help="stop by itself after this long (default: run until Ctrl-C)",
    )

    p = sub.add_parser(
        "bench",
        help="throughput and latency through a real broker, side by side with bare spaCy",
    )
    p.add_argument(
        "--articles", type=int, default=400, help="corpus size for the capacity run (400)"
    )
    p.add_argument(
        "--bare-articles",
        type=int,
        default=1000,
        help="how many of them go through bare nlp.pipe (1000; 0 = all)",
    )
    p.add_argument(
        "--loads",
        default="0.25,0.5,0.75",
        help="offered loads for the latency runs, as fractions of capacity",
    )
    p.add_argument(
        "--latency-seconds",
        type=float,
        default=40.0,
        help="seconds of paced publishing per load (40)",
    )
    p.add_argument(
        "--rounds", type=int, default=4, help="bare and pipeline runs alternate in rounds (4)"
    )
    p.add_argument("--seed", type=int, default=5, help="corpus seed (5)")
    p.add_argument("--out", default="bench-out", help="output folder (bench-out)")
    p.add_argument(
        "--asyncio-debug",
        action="store_true",
        help="also run the worker in asyncio debug mode, which names slow callbacks "
        "in worker.log (and slows the loop down)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = Settings.from_env()
        return _dispatch(args, settings)
    except StancewatchError as exc:
        print(f"stancewatch: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a bug or an unforeseen failure: still no traceback for users
        if os.environ.get("STANCEWATCH_LOG_LEVEL", "").upper() == "DEBUG":
            raise
        print(
            f"stancewatch: unexpected error: {type(exc).__name__}: {exc} "
            "(set STANCEWATCH_LOG_LEVEL=DEBUG for the traceback)",
            file=sys.stderr,
        )
        return EXIT_ERROR


def _dispatch(args: argparse.Namespace, settings: Settings) -> int:
    command = args.command
    if command == "worker":
        return _worker(settings.with_overrides(web_port=args.web_port))
    if command == "publish":
        from streams.client import publish_paths

        return publish_paths(settings, args.paths, raw=args.raw, as_json=args.json)
    if command in ("alerts", "events"):
        from streams.client import follow_topic

        return follow_topic(
            settings,
            settings.topic(args.topic),
            follow=args.follow,
            from_beginning=args.from_beginning,
            as_json=args.json,
            idle_timeout=args.timeout,
            kind=command,
        )
    if command == "dlq":
        from streams.dlq import dlq_command

        return dlq_command(
            settings,
            args.action,
            refs=args.refs,
            reasons=args.reason,
            everything=args.all,
            as_json=args.json,
        )
    if command == "rules":
        from streams.backtest import rules_check

        return rules_check(args.files)
    if command == "backtest":
        from streams.backtest import backtest_command

        return backtest_command(
            settings,
            rules_path=Path(args.rules) if args.rules else settings.rules_path,
            paths=args.paths,
            topic=args.topic,
            since=args.since,
            ingest_time=args.ingest_time,
            as_json=args.json,
        )
    if command == "extract":
        return _extract(settings, args.path)
    if command in ("eval", "bench-extract"):
        return _evaluation(settings, args)
    if command == "topics":
        return _topics(settings, check=args.check)
    if command == "kafka":
        from streams.kafka_local import kafka_command

        return kafka_command(args.action, settings)
    if command == "bench":
        return _bench(_one_machine(settings), args)
    if command == "run":
        from streams.demo import run_demo

        return run_demo(
            _one_machine(settings), [Path(p) for p in args.paths], exit_after=args.exit_after
        )
    raise AssertionError(command)  # pragma: no cover - argparse restricts the choices


def _one_machine(settings: Settings) -> Settings:
    """``run`` and ``bench`` put the broker, the worker and spaCy on this one machine:
    spaCy gets CPUs of its own there, unless ``STANCEWATCH_PIN_CPUS`` says otherwise."""
    return settings if settings.pin_cpus is not None else settings.with_overrides(pin_cpus=True)


def _worker(settings: Settings) -> int:
    from streams.admin import require_topics
    from streams.affinity import other_cpus, pin
    from streams.app import create_app
    from streams.worker import Worker

    logging.basicConfig(level=settings.log_level)
    require_topics(settings)
    pin(other_cpus(settings))  # the NLP processes started later take the others
    app = create_app(settings)
    worker = Worker(app, loglevel=settings.log_level.lower(), quiet=True)
    worker.execute_from_commandline()
    return EXIT_OK


def _bench(settings: Settings, args: argparse.Namespace) -> int:
    from streams.bench import BenchOptions, bench_command
    from streams.errors import ConfigError

    try:
        loads = tuple(float(x) for x in args.loads.split(",") if x.strip())
    except ValueError:
        raise ConfigError(
            f"--loads {args.loads!r}: comma-separated fractions, e.g. 0.25,0.5"
        ) from None
    if args.articles < 1 or not loads or not all(0 < x < 1 for x in loads):
        raise ConfigError("bench: --articles must be >= 1 and --loads fractions in (0, 1)")
    options = BenchOptions(
        articles=args.articles,
        bare_articles=args.bare_articles or None,
        loads=loads,
        latency_seconds=args.latency_seconds,
        seed=args.seed,
        rounds=max(1, args.rounds),
        out_dir=Path(args.out).absolute(),
        asyncio_debug=args.asyncio_debug,
    )
    return bench_command(settings, options)


def _extract(settings: Settings, path: str) -> int:
    from processors.annotate import Extractor
    from streams.client import read_articles

    articles = list(read_articles([path]))
    extractor = Extractor.build(
        settings.model,
        actor_dictionaries=settings.actor_dictionaries,
        min_confidence=settings.min_event_confidence,
    )
    for article in articles:
        print(json.dumps(extractor.annotate(article).to_dict(), ensure_ascii=False, indent=2))
    return EXIT_OK


def _evaluation(settings: Settings, args: argparse.Namespace) -> int:
    from processors import evaluation

    common = {
        "model": settings.model,
        "actor_dictionaries": settings.actor_dictionaries,
        "min_confidence": settings.min_event_confidence,
        "as_json": args.json,
    }
    if args.command == "eval":
        dictionaries = Path(args.dictionaries) if args.dictionaries else None
        print(
            evaluation.eval_command(
                args.eval_set,
                Path(args.gold),
                dictionaries=dictionaries,
                errors=args.errors,
                **common,
            )
        )
        return EXIT_OK
    from streams.client import read_articles

    texts = [a.text for a in read_articles(args.paths)]
    print(evaluation.bench_extract_command(texts, repeat=args.repeat, rounds=args.rounds, **common))
    return EXIT_OK


def _topics(settings: Settings, *, check: bool) -> int:
    from streams.admin import ensure_topics

    statuses = ensure_topics(settings, create=not check)
    bad = False
    for s in statuses:
        detail = f"{s.spec.partitions} partitions"
        if s.state == "mismatch":
            detail = f"has {s.actual_partitions} partitions, expected {s.spec.partitions}"
            bad = True
        elif s.state == "missing":
            bad = True
        print(f"{s.state:8} {s.spec.name:32} {detail}")
    if bad:
        print("stancewatch: error: topics are not ready", file=sys.stderr)
    return EXIT_ERROR if bad else EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
