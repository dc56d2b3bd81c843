# Two commands matter: `make serve` (set up, build the real dataset, serve it) and
# `make test` (set up, run every check). Both install what they need into .venv.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
NPM_STAMP := node_modules/.installed-stamp
CHROMIUM  := /usr/bin/chromium

.PHONY: setup test-tools build serve test check lint clean docs

$(STAMP): pyproject.toml
	@$(MAKE) --no-print-directory build-deps
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

# Front-end packages (YASGUI, cytoscape.js), served by the app itself: no CDN.
$(NPM_STAMP): package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# PyICU (alphabetical order in Ukrainian: web/support/collation.py) has no wheel on PyPI; pip
# builds it against the system's ICU. Its build needs these Debian packages, installed when
# missing (needs root; without root, setup stops and names them).
BUILD_DEPS := libicu-dev pkg-config g++
.PHONY: build-deps
build-deps:
	@if ! pkg-config --exists icu-uc 2>/dev/null || ! command -v g++ >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(BUILD_DEPS); \
	  else echo "missing Debian packages to build PyICU: $(BUILD_DEPS)" \
	    "(run 'sudo apt-get install -y $(BUILD_DEPS)', then make again)" >&2; exit 1; fi; \
	fi

# What serving needs: the Python environment and the front-end packages.
setup: $(STAMP) $(NPM_STAMP)

# What the tests need besides: real clients and servers from Debian, installed when missing
# (needs root; without root each is named, and its tests are skipped with that reason):
# chromium (browser tests), Virtuoso 7 (remote-store tests), xmllint (GraphML/GEXF schemas),
# Redland's rapper and roqet (linked-data clients), nginx (the documented proxy block).
TEST_TOOLS := chromium:/usr/bin/chromium virtuoso-opensource:/usr/bin/virtuoso-t \
              virtuoso-opensource:/usr/bin/isql-vt libxml2-utils:/usr/bin/xmllint \
              raptor2-utils:/usr/bin/rapper rasqal-utils:/usr/bin/roqet \
              nginx:/usr/sbin/nginx
test-tools:
	@missing=""; for pair in $(TEST_TOOLS); do \
	  [ -x "$${pair#*:}" ] || missing="$$missing $${pair%%:*}"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else echo "missing Debian packages:$$missing (run 'sudo apt-get install -y$$missing')"; fi; \
	fi

build: setup
	$(BIN)/uasa build

serve: build
	$(BIN)/uasa serve

# Side-by-side benchmark against `oxigraph serve-read-only`; writes docs/benchmarks.md.
# `make bench BENCH_ARGS=--quick` for a ~7-minute run, `BENCH_ARGS=--big` adds 10M triples.
.PHONY: bench
bench: setup
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test,bench]'
	@[ -x /usr/bin/wrk ] || { if [ "$$(id -u)" = 0 ]; then apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; \
	  else echo "missing Debian package: wrk (run 'sudo apt-get install -y wrk'); bench runs without it"; fi; }
	$(BIN)/python benchmarks/bench.py $(BENCH_ARGS)

# ruff, the layer contract (pyproject's [tool.importlinter]) and the type checker, all clean.
lint: setup
	$(BIN)/ruff check server tests benchmarks docs
	$(BIN)/ruff format --check server tests benchmarks docs
	cd server && ../$(BIN)/lint-imports --config ../pyproject.toml --no-cache
	$(BIN)/mypy

# Two pytest workers (pytest-xdist), each module kept on one worker so that its fixtures are
# built once: the suite takes about two thirds of its serial time on 2 cores.
# `make test TEST_WORKERS=0` runs it in one process.
TEST_WORKERS ?= 2
test: setup test-tools lint
	$(BIN)/pytest $(if $(filter 0,$(TEST_WORKERS)),,-n $(TEST_WORKERS) --dist loadfile)

# The tables the docs take from the code (settings, saved queries, routes), rewritten between
# their markers by docs/generate.py; tests/test_docs.py fails while one is out of date.
docs: setup
	$(BIN)/python docs/generate.py

# The fast part only (no soak, fuzzing, outside servers, live HTTP servers or browser): for a
# quick loop while editing. `make test` (and CI) runs everything.
check: setup
	$(BIN)/pytest -q -m "not slow and not live and not browser"

clean:
	rm -rf var .pytest_cache .ruff_cache
