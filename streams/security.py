"""Kafka connection security from settings, for the client libraries we use.

kafka-python (CLI, admin) and a bare aiokafka client take the same keyword arguments;
Faust takes a credentials object with an ``ssl.SSLContext``. All come from the same
settings.
"""

from __future__ import annotations

import ssl
from typing import Any

import faust

from streams.settings import Settings


def ssl_context(settings: Settings) -> ssl.SSLContext:
    """A client TLS context: the CA bundle (or the system's) and an optional client cert."""
    context = ssl.create_default_context(
        cafile=str(settings.ssl_cafile) if settings.ssl_cafile else None
    )
    if settings.ssl_certfile:
        context.load_cert_chain(
            str(settings.ssl_certfile),
            str(settings.ssl_keyfile) if settings.ssl_keyfile else None,
        )
    return context


def kafka_python_config(settings: Settings) -> dict[str, Any]:
    """Security keyword arguments for kafka-python clients (aiokafka takes the same)."""
    config: dict[str, Any] = {"security_protocol": settings.security_protocol}
    if "SSL" in settings.security_protocol:
        config["ssl_context"] = ssl_context(settings)
    if settings.security_protocol.startswith("SASL"):
        config |= {
            "sasl_mechanism": settings.sasl_mechanism,
            "sasl_plain_username": settings.sasl_username,
            "sasl_plain_password": settings.sasl_password,
        }
    return config


def faust_credentials(settings: Settings) -> faust.types.auth.CredentialsT | None:
    """Broker credentials for the Faust app (None for PLAINTEXT)."""
    protocol = settings.security_protocol
    if protocol == "SSL":
        return faust.SSLCredentials(ssl_context(settings))
    if protocol.startswith("SASL"):
        return faust.SASLCredentials(
            username=settings.sasl_username,
            password=settings.sasl_password,
            mechanism=settings.sasl_mechanism,
            ssl_context=ssl_context(settings) if protocol == "SASL_SSL" else None,
        )
    return None
