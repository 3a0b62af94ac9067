# Gesso: `make run` starts the server (single-user, root ./.gesso); `make test` runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
ROOT ?= ./.gesso
NPM ?= npm
FRONTEND := frontend
STUDIO_INDEX := gesso/web/index.html
NODE_STAMP := $(FRONTEND)/node_modules/.installed
FRONTEND_SOURCES := $(shell find $(FRONTEND)/src $(FRONTEND)/index.html $(FRONTEND)/vite.config.ts \
	$(FRONTEND)/tsconfig.json $(FRONTEND)/package.json -type f 2>/dev/null)
CHROMIUM := /usr/bin/chromium
PG_CTL := /usr/lib/postgresql/15/bin/pg_ctl
REDIS_SERVER := /usr/bin/redis-server
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

.PHONY: run test lint format bench clean studio studio-check openapi

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# spandrel pulls in torchvision, whose PyPI wheels are built for PyPI's CUDA torch: beside the CPU
# torch build it cannot even be imported (and it breaks transformers' image processors), so it is
# removed again there. Gesso's upscaler loader does without it (gesso/models/upscalers.py).
DROP_BROKEN_TORCHVISION := $(BIN)/python -c "import torchvision" 2>/dev/null || $(BIN)/pip uninstall --quiet -y torchvision

$(VENV)/.installed: pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/pip install --quiet -c constraints.txt -e ".[gen]"
	$(DROP_BROKEN_TORCHVISION)
	$(BIN)/python -m compileall -q gesso > /dev/null
	touch $@

$(VENV)/.installed-dev: pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/pip install --quiet -c constraints.txt -e ".[dev,gen]"
	$(DROP_BROKEN_TORCHVISION)
	$(BIN)/python -m compileall -q gesso > /dev/null
	touch $@ $(VENV)/.installed

# Byte-compiled up front (only what changed): where PYTHONDONTWRITEBYTECODE is set, an editable
# install would otherwise compile every module from source at each start (about half a second).
run: $(VENV)/.installed $(STUDIO_INDEX)
	$(BIN)/python -m compileall -q gesso > /dev/null
	$(BIN)/gesso serve --root $(ROOT)

# Web studio (frontend/ → gesso/web/): npm ci only when node_modules is missing or the lock
# file changed; rebuilt when any frontend source is newer than the built index.html.
$(NODE_STAMP): $(FRONTEND)/package-lock.json
	cd $(FRONTEND) && $(NPM) ci --no-audit --no-fund
	touch $@

$(STUDIO_INDEX): $(NODE_STAMP) $(FRONTEND_SOURCES)
	cd $(FRONTEND) && $(NPM) run build

studio: $(STUDIO_INDEX)

# Frontend lint gate (tsc, eslint with import boundaries, knip for unused files and exports) and Vitest.
studio-check: $(NODE_STAMP)
	cd $(FRONTEND) && $(NPM) run --silent lint
	cd $(FRONTEND) && $(NPM) run --silent test

# Regenerate frontend/openapi.json and src/api/schema.gen.ts from the app's schema.
openapi: $(VENV)/.installed $(NODE_STAMP)
	$(BIN)/python -c "import json, tempfile; from gesso.app import create_app; from gesso.config import Settings; \
	print(json.dumps(create_app(Settings(root=tempfile.mkdtemp())).openapi(), indent=1))" > $(FRONTEND)/openapi.json
	cd $(FRONTEND) && $(NPM) run --silent gen:api

# Debian's Chromium for the Playwright tests (never `playwright install`).
$(CHROMIUM):
	$(SUDO) apt-get update
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y chromium

# Debian's PostgreSQL and Redis servers for the tests and benchmarks. They are never run as system
# services: the test session starts a throw-away cluster and redis-server under temp dirs.
$(PG_CTL):
	$(SUDO) apt-get update
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y postgresql

$(REDIS_SERVER):
	$(SUDO) apt-get update
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y redis-server

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check gesso tests bench
	$(BIN)/ruff format --check gesso tests bench
	$(BIN)/mypy gesso

format: $(VENV)/.installed-dev
	$(BIN)/ruff format gesso tests bench
	$(BIN)/ruff check --fix gesso tests bench

# The whole suite on SQLite, then on PostgreSQL (a throw-away cluster started by pytest) the tests
# that depend on the database backend (`--database-tests-only`, tests/conftest.py): every test
# using the `database_url` fixture, directly or through `root`, `make_client`, `su_client`,
# `mu_client` (API, store, CLI, backup, worker and multi-process tests, the e2e servers on a test's
# root), plus those marked `postgresql_only`. Left out of the second pass because it would repeat
# the first: browser tests (they drive the API that tests/api checks on PostgreSQL), the fuzzer
# and the other e2e servers (they run on SQLite roots of their own), and unit tests that open no
# database (engine, nodes, models, events, config). A new test that uses a database through
# these fixtures joins the PostgreSQL pass by itself.
test: lint studio-check $(STUDIO_INDEX) $(CHROMIUM) $(PG_CTL) $(REDIS_SERVER)
	GESSO_E2E_BROWSER=required $(BIN)/pytest --db sqlite
	$(BIN)/pytest --db postgresql --database-tests-only

bench: $(VENV)/.installed-dev
	$(BIN)/python bench/auth_bench.py
	$(BIN)/python bench/gallery_bench.py
	$(BIN)/python bench/queue_bench.py
	$(BIN)/python bench/gen_bench.py
	$(BIN)/python bench/queue_ops_bench.py
	$(BIN)/python bench/load_bench.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache $(FRONTEND)/node_modules gesso/web
