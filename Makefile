# irpatrol — make install | run | test | bench | lint
SHELL := /bin/bash
VENV  := .venv
PY    := $(VENV)/bin/python
STAMP := $(VENV)/.installed

# A Python >= 3.12: the first of these that exists (pyenv shims included).
PYTHON ?= $(shell for p in python3.13 python3.12 $$HOME/.pyenv/versions/3.13*/bin/python3 $$HOME/.pyenv/versions/3.12*/bin/python3 python3; do \
	  command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { command -v $$p; break; }; done)

.PHONY: install run test bench lint demo system-deps clean

install: $(STAMP)

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "make: no Python >= 3.12 found"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Debian packages the app and its tests need (fonts for CJK reports, Chromium for browser tests).
system-deps: $(VENV)/.system-deps
$(VENV)/.system-deps: scripts/system-deps.sh | $(STAMP)
	bash scripts/system-deps.sh
	touch $@

run: install system-deps
	$(VENV)/bin/irpatrol demo
	$(VENV)/bin/irpatrol serve --host 127.0.0.1 --port 8000

test: install system-deps
	bash scripts/test.sh

bench: install system-deps
	$(PY) bench/run_all.py

lint: install
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
