# stancewatch: `make run` runs the monitor on the seed articles; `make test` runs the tests.
VENV ?= .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?=

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

clean:
	rm -rf $(VENV) .cache .pytest_cache .mypy_cache .ruff_cache
