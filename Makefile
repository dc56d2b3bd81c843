# Two commands matter: `make serve` (set up, build the real dataset, serve it) and
# `make test` (set up, run every check). Both install what they need into .venv.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
NPM_STAMP := node_modules/.installed-stamp
CHROMIUM  := /usr/bin/chromium

.PHONY: setup chromium debian-test-tools build serve test lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

# Front-end packages (YASGUI, cytoscape.js), served by the app itself: no CDN.
$(NPM_STAMP): package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# The browser tests drive Debian's chromium; install it when missing (needs root).
chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium; \
	  else echo "chromium is missing: run 'sudo apt-get install -y chromium' (the browser tests are skipped without it)"; fi; \
	fi

# tests/test_virtuoso.py starts Debian's Virtuoso 7 (skipped without it); the network-export
# tests validate GraphML/GEXF with xmllint (libxml2-utils). Installed when missing (needs root).
debian-test-tools:
	@if ! command -v virtuoso-t >/dev/null || ! command -v isql-vt >/dev/null || ! command -v xmllint >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq virtuoso-opensource libxml2-utils; \
	  else echo "virtuoso-t or xmllint is missing: run 'sudo apt-get install -y virtuoso-opensource libxml2-utils' (their tests are skipped without them)"; fi; \
	fi

setup: $(STAMP) $(NPM_STAMP) chromium debian-test-tools

build: setup
	$(BIN)/uasa build

serve: build
	$(BIN)/uasa serve

# Side-by-side benchmark against `oxigraph serve-read-only`; writes docs/benchmarks.md.
# `make bench BENCH_ARGS=--quick` for a ~2-minute run, `BENCH_ARGS=--big` adds 10M triples.
.PHONY: bench
bench: setup
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test,bench]'
	$(BIN)/python benchmarks/bench.py $(BENCH_ARGS)

# ruff, the layer contract (pyproject's [tool.importlinter]) and the type checker, all clean.
lint: setup
	$(BIN)/ruff check server tests benchmarks
	$(BIN)/ruff format --check server tests benchmarks
	cd server && ../$(BIN)/lint-imports --config ../pyproject.toml --no-cache
	$(BIN)/mypy

test: setup lint
	$(BIN)/pytest

# The fast part only (no soak, fuzzing, outside servers, live HTTP servers or browser): for a
# quick loop while editing. `make test` (and CI) runs everything.
check: setup
	$(BIN)/pytest -q -m "not slow and not live and not browser"

clean:
	rm -rf var .pytest_cache .ruff_cache
