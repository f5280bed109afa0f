"""The rule set in force in a worker, reloaded when its file changes.

The worker checks the file every ``STANCEWATCH_RULES_RELOAD_INTERVAL`` seconds (its
modification time and size, then its content). A file that no longer validates is
reported and ignored: the rules in force stay until the file is fixed.
"""

from __future__ import annotations

import os
from pathlib import Path

from processors.rules import Rule, RuleSet, load_rules


class LiveRules:
    """The current ``RuleSet`` and where it came from."""

    def __init__(self, rules: RuleSet, path: Path | None = None) -> None:
        self.rules = rules
        self.path = path
        self._stamp = self._stat()

    @classmethod
    def load(cls, path: Path | None) -> LiveRules:
        return cls(load_rules(path), path)

    def rule(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules.rules if r.id == rule_id), None)

    def by_key(self) -> dict[str, Rule]:
        """``id@fingerprint`` -> rule, for finding the rule of a stored state."""
        return {f"{r.id}@{r.fingerprint}": r for r in self.rules.rules}

    def reload_if_changed(self) -> RuleSet | None:
        """The new rule set when the file changed (None when it did not).

        Raises ``RuleFileError`` when the changed file is invalid; the rules in force
        stay, and the same broken file is not reported again until it changes.
        """
        if self.path is None:
            return None
        stamp = self._stat()
        if stamp == self._stamp:
            return None
        self._stamp = stamp
        rules = load_rules(self.path)
        if rules.digest == self.rules.digest:
            return None
        self.rules = rules
        return rules

    def _stat(self) -> tuple[int, int] | None:
        if self.path is None:
            return None
        try:
            st = os.stat(self.path)
        except OSError:
            return None
        return st.st_mtime_ns, st.st_size
