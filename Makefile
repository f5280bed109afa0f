# stancewatch: `make run` runs the monitor on the seed articles; `make test` runs the tests.
VENV ?= .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?=
BENCH_ARGS ?=

.PHONY: setup run test lint bench clean

setup:
	@scripts/bootstrap.sh

run: setup
	$(BIN)/stancewatch run seeds

test: setup
	$(BIN)/pytest $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy processors streams

# Throughput and latency through a real local broker, side by side with bare spaCy
# (figures in bench-out/). A long run: make bench BENCH_ARGS="--articles 10000".
bench: setup $(VENV)/.bench-installed
	$(BIN)/stancewatch bench $(BENCH_ARGS)

$(VENV)/.bench-installed: pyproject.toml
	$(BIN)/python -m pip install -q -e '.[dev,bench]'
	touch $@

clean:
	rm -rf $(VENV) .cache .pytest_cache .mypy_cache .ruff_cache
