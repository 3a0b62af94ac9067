# Gesso: `make run` starts the server (single-user, root ./.gesso); `make test` runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
ROOT ?= ./.gesso

.PHONY: run test lint format bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/pip install --quiet -c constraints.txt -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/pip install --quiet -c constraints.txt -e ".[dev]"
	touch $@ $(VENV)/.installed

run: $(VENV)/.installed
	$(BIN)/gesso serve --root $(ROOT)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check gesso tests bench
	$(BIN)/ruff format --check gesso tests bench
	$(BIN)/mypy gesso

format: $(VENV)/.installed-dev
	$(BIN)/ruff format gesso tests bench
	$(BIN)/ruff check --fix gesso tests bench

test: lint
	$(BIN)/pytest

bench: $(VENV)/.installed-dev
	$(BIN)/python bench/auth_bench.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
