"""The worker's logging: debug calls of Faust and aiokafka build no records."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT

# Run apart: the worker's logging set-up changes the root logger of its process.
SCRIPT = """
import logging
from streams.app import create_app
from streams.settings import Settings
from streams.worker import Worker

settings = Settings(log_level="WARNING")
logging.basicConfig(level=settings.log_level)
worker = Worker(create_app(settings), loglevel="warning", quiet=True, redirect_stdouts=False)
worker._setup_logging()
for name in ("aiokafka", "aiokafka.conn", "faust.topics", "mode"):
    print(name, logging.getLogger(name).isEnabledFor(logging.DEBUG))
print("root", logging.getLevelName(logging.getLogger().getEffectiveLevel()))
"""


def test_debug_logging_is_off_in_a_worker_at_warning_level() -> None:
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    lines = dict(line.split(" ", 1) for line in out.stdout.splitlines())
    assert lines == {
        "aiokafka": "False",
        "aiokafka.conn": "False",
        "faust.topics": "False",
        "mode": "False",
        "root": "WARNING",
    }
