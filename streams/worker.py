"""The worker process: Faust's worker with a bounded, interruptible shutdown.

The first SIGTERM or SIGINT stops the worker gracefully (agents stop, the batch in
hand is finished, offsets are committed, the process exits 0). The shutdown is bounded:
after ``SHUTDOWN_TIMEOUT`` seconds the process exits with code 1 whatever it was
doing. A second signal during the shutdown exits at once (code 130).
"""

from __future__ import annotations

import logging
import os
import threading

import faust

log = logging.getLogger("stancewatch")

#: Longest graceful shutdown, in seconds, before the process exits anyway.
SHUTDOWN_TIMEOUT = 30.0
EXIT_SHUTDOWN_TIMEOUT = 1
EXIT_SECOND_SIGNAL = 130


class Worker(faust.Worker):
    """Faust's worker; the signal hooks add the bound and the second-signal exit."""

    _stopping_since: threading.Timer | None = None

    def on_setup_root_logger(self, logger: logging.Logger, level: int) -> None:
        """No terminal spinner. Faust's spins on every log record, so it sets the root
        logger to DEBUG: every debug call of Faust and aiokafka (several per record
        produced or fetched) would then build a log record, stack walk included, only
        for the handlers to drop it."""
        self.spinner = None

    def _on_sigterm(self) -> None:
        self._on_stop_signal()
        super()._on_sigterm()

    def _on_sigint(self) -> None:
        self._on_stop_signal()
        super()._on_sigint()

    def _on_stop_signal(self) -> None:
        if self._stopping_since is not None:
            log.warning("second stop signal: exiting at once")
            os._exit(EXIT_SECOND_SIGNAL)
        timer = threading.Timer(SHUTDOWN_TIMEOUT, _exit_after_timeout)
        timer.daemon = True
        timer.start()
        self._stopping_since = timer


def _exit_after_timeout() -> None:
    log.error("graceful shutdown took more than %.0f s: exiting", SHUTDOWN_TIMEOUT)
    os._exit(EXIT_SHUTDOWN_TIMEOUT)
