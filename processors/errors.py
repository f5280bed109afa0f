"""The one error root of stancewatch, and the errors of the pure processors."""

from __future__ import annotations


class StancewatchError(Exception):
    """Root of every error stancewatch raises on purpose.

    ``retryable`` tells a caller whether trying the same thing again can help.
    """

    retryable: bool = False


class InvalidArticle(StancewatchError):
    """An article record cannot be accepted; ``reason`` is a short fixed label."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


class DictionaryError(StancewatchError):
    """A user-supplied dictionary file cannot be read."""
