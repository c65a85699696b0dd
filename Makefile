# Two commands on a fresh machine with Python 3.11+: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint migrate eval bench bench-ack bench-fanout bench-scoring bench-report clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/python app.py

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check bot handlers storage tests benchmarks app.py
	$(BIN)/mypy

test: lint
	$(BIN)/python -m pytest -q

migrate: $(STAMP)
	$(BIN)/python -m storage.migrate

eval: $(STAMP)
	$(BIN)/python -m bot.analysis.evaluate

bench: bench-ack bench-fanout bench-scoring bench-report

bench-ack: $(STAMP)
	$(BIN)/python benchmarks/ack_latency.py

bench-fanout: $(STAMP)
	$(BIN)/python benchmarks/fanout.py

bench-scoring: $(STAMP)
	$(BIN)/python benchmarks/scoring.py

bench-report: $(STAMP)
	$(BIN)/python benchmarks/report.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
