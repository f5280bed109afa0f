"""Errors of the streaming side. Every error a user can cause has a clear message."""

from __future__ import annotations

from processors.errors import StancewatchError


class ConfigError(StancewatchError):
    """A setting has a value that cannot be used."""


class BrokerError(StancewatchError):
    """The Kafka broker cannot be reached, started or stopped."""

    retryable = True


class TopicError(StancewatchError):
    """Topics are missing or disagree with the configured partition counts."""
