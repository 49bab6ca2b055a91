# Claimline: `make run` starts the whole system; `make test` passes the tests.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install run test test-unit lint schemas compose-check bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: install  ## the embedded system: local broker + five services (SQLite unless *_DATABASE_URL)
	$(BIN)/claimline dev

test: install  ## every test: unit, service, integration (real broker + PostgreSQL), e2e
	$(BIN)/claimline schemas --check
	$(BIN)/python -m pytest

test-unit: install
	$(BIN)/python -m pytest tests/unit

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy shared claimline services bench --ignore-missing-imports

schemas: install  ## regenerate the committed JSON Schemas of the events
	$(BIN)/claimline schemas

compose-check:
	.ci/compose-check

bench: install  ## intake throughput/latency and injury-to-claim latency; results in bench/results/
	$(BIN)/python -m bench.intake --seconds 10
	$(BIN)/python -m bench.injury_to_claim --seconds 20

clean:
	rm -rf $(VENV) .claimline .pytest_cache .ruff_cache
