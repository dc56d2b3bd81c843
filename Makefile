# Two commands matter: `make serve` (set up, build the real dataset, serve it) and
# `make test` (set up, run every check). Both install what they need into .venv.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: setup build serve test lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

setup: $(STAMP)

build: setup
	$(BIN)/uasa build

serve: build
	$(BIN)/uasa serve

lint: setup
	$(BIN)/ruff check server tests
	$(BIN)/ruff format --check server tests

test: setup lint
	$(BIN)/pytest

clean:
	rm -rf var .pytest_cache .ruff_cache
