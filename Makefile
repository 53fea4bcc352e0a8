# Two commands a newcomer needs: `make run` (serve on SQLite, jobs in-process) and
# `make test` (install everything, run the whole suite on SQLite and PostgreSQL).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?=

.PHONY: run test install lint bench clean

run: $(BIN)/tessera
	$(BIN)/tessera run

test: $(BIN)/tessera
	$(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

install: $(BIN)/tessera

$(BIN)/tessera: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

lint: $(BIN)/tessera
	$(BIN)/ruff check core addons tests benchmarks

bench: $(BIN)/tessera
	$(BIN)/python benchmarks/lifecycle.py

clean:
	rm -rf $(VENV) build *.egg-info
