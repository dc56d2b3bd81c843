# Two commands matter: `make serve` (set up, build the real dataset, serve it) and
# `make test` (set up, run every check). Both install what they need into .venv.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
NPM_STAMP := node_modules/.installed-stamp
CHROMIUM  := /usr/bin/chromium

.PHONY: setup chromium rdf-tools build serve test lint clean

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

# The linked-data client tests run Redland's `rapper` and `roqet` (Debian packages).
rdf-tools:
	@if [ ! -x /usr/bin/rapper ] || [ ! -x /usr/bin/roqet ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq raptor2-utils rasqal-utils; \
	  else echo "rapper/roqet are missing: run 'sudo apt-get install -y raptor2-utils rasqal-utils' (their tests are skipped without them)"; fi; \
	fi

setup: $(STAMP) $(NPM_STAMP) chromium rdf-tools

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

lint: setup
	$(BIN)/ruff check server tests
	$(BIN)/ruff format --check server tests

test: setup lint
	$(BIN)/pytest

clean:
	rm -rf var .pytest_cache .ruff_cache
