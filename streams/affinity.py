"""Keeping spaCy on CPUs of its own (``STANCEWATCH_PIN_CPUS``).

spaCy is the limit of the worker: each NLP process wants a whole CPU. The worker's
event loop and a broker on the same machine need a fraction of one, in bursts, and
the scheduler runs those bursts on the CPU spaCy is using as often as on another,
which stalls the parse and cools its caches. With pinning on, the NLP processes get
the last ``nlp_processes`` CPUs and everything else started with these settings (the
worker's own process, the local broker) the others. Meant for one worker per machine;
it does nothing where there are not more CPUs than NLP processes, or on systems
without ``sched_setaffinity``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from streams.settings import Settings


def split_cpus(available: Iterable[int], nlp_processes: int) -> tuple[set[int], set[int]] | None:
    """(CPUs for the NLP processes, CPUs for the rest), or None when nothing is left."""
    cpus = sorted(available)
    if nlp_processes < 1 or len(cpus) <= nlp_processes:
        return None
    return set(cpus[-nlp_processes:]), set(cpus[:-nlp_processes])


#: The CPUs this process could use before it pinned itself (see ``cpu_plan``).
_STARTING_CPUS: set[int] | None = None


def cpu_plan(settings: Settings) -> tuple[set[int], set[int]] | None:
    """The split for ``settings`` over the CPUs this process started with, or None when
    pinning is off or cannot apply."""
    global _STARTING_CPUS
    if not settings.pin_cpus or not hasattr(os, "sched_getaffinity"):
        return None
    if _STARTING_CPUS is None:
        _STARTING_CPUS = set(os.sched_getaffinity(0))
    return split_cpus(_STARTING_CPUS, settings.nlp_processes)


def pin(cpus: set[int] | None) -> None:
    """Pin the calling process to ``cpus`` (None: leave it as it is). Threads and
    processes it starts afterwards inherit them."""
    if cpus is not None:
        os.sched_setaffinity(0, cpus)


def nlp_cpus(settings: Settings) -> set[int] | None:
    """The CPUs of the NLP processes (None: not pinned)."""
    plan = cpu_plan(settings)
    return plan[0] if plan else None


def other_cpus(settings: Settings) -> set[int] | None:
    """The CPUs of everything else: the worker's process, the local broker."""
    plan = cpu_plan(settings)
    return plan[1] if plan else None
