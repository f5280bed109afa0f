"""TLS and SASL settings pass through to both Kafka clients; secrets never show."""

from __future__ import annotations

import faust
import pytest

from streams.errors import ConfigError
from streams.security import faust_credentials, kafka_python_config
from streams.settings import Settings

SASL_ENV = {
    "KAFKA_BOOTSTRAP_SERVERS": "broker.example:9093",
    "KAFKA_SECURITY_PROTOCOL": "SASL_SSL",
    "KAFKA_SASL_MECHANISM": "SCRAM-SHA-512",
    "KAFKA_SASL_USERNAME": "monitor",
    "KAFKA_SASL_PASSWORD": "s3cret-value",
}


def test_sasl_ssl_reaches_kafka_python_and_faust() -> None:
    settings = Settings.from_env(SASL_ENV)
    config = kafka_python_config(settings)
    assert config["security_protocol"] == "SASL_SSL"
    assert config["sasl_mechanism"] == "SCRAM-SHA-512"
    assert config["sasl_plain_username"] == "monitor"
    assert config["sasl_plain_password"] == "s3cret-value"
    assert config["ssl_context"] is not None
    credentials = faust_credentials(settings)
    assert isinstance(credentials, faust.SASLCredentials)
    assert credentials.username == "monitor" and credentials.ssl_context is not None


def test_the_password_is_never_in_the_settings_repr() -> None:
    settings = Settings.from_env(SASL_ENV)
    assert "s3cret-value" not in repr(settings) and "s3cret-value" not in str(settings)


def test_plaintext_needs_no_credentials() -> None:
    settings = Settings()
    assert kafka_python_config(settings) == {"security_protocol": "PLAINTEXT"}
    assert faust_credentials(settings) is None


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"KAFKA_SECURITY_PROTOCOL": "TLS"}, "is not one of"),
        ({**SASL_ENV, "KAFKA_SASL_PASSWORD": ""}, "KAFKA_SASL_PASSWORD"),
        ({"KAFKA_SECURITY_PROTOCOL": "SSL"}, "local broker speaks PLAINTEXT only"),
        ({**SASL_ENV, "KAFKA_SASL_MECHANISM": "GSSAPI"}, "KAFKA_SASL_MECHANISM"),
    ],
)
def test_security_settings_that_cannot_work_are_clear_errors(
    env: dict[str, str], message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        Settings.from_env(env)
