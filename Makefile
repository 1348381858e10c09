# irpatrol — make install | run | test | bench | lint | lock | upgrade
#
# Installs are reproducible: requirements/lock.txt pins every package of .venv with hashes, tools
# included, and `make install` installs exactly it with uv (itself pinned in
# requirements/bootstrap.txt). See requirements/README.md.
SHELL := /bin/bash
VENV  := .venv
PY    := $(VENV)/bin/python
TOOLS := .tools
UV    := $(TOOLS)/bin/uv
STAMP := $(VENV)/.installed
LOCK  := requirements/lock.txt
STEP  := scripts/step.sh
# uv never reads pip's configuration, and downloads Python only where find-python.sh asks it to.
export UV_PYTHON_DOWNLOADS := manual

# `make run PORT=8123 HOST=0.0.0.0`; the demo lives in its own folder and database.
HOST     ?= 127.0.0.1
PORT     ?= 8000
DEMO_DIR ?= demo-data
DEMO_ENV := env -u IRPATROL_DATABASE_URL IRPATROL_DATA_DIR=$(DEMO_DIR)

COMPILE := bash scripts/compile-lock.sh $(UV)

.PHONY: install run test bench lint demo system-deps lock upgrade clean

install: $(STAMP)

$(UV): requirements/bootstrap.txt
	@$(STEP) "installer: uv, pinned in requirements/bootstrap.txt" bash scripts/bootstrap-uv.sh $(TOOLS)
	@touch $@

$(STAMP): $(LOCK) pyproject.toml | $(UV)
	@py=$$(bash scripts/find-python.sh $(UV)) || exit 1; \
	  $(STEP) "virtualenv $(VENV) with $$py" $(UV) venv --allow-existing --python "$$py" $(VENV)
	@$(STEP) "packages: exactly $(LOCK)" \
	  $(UV) pip sync --python $(PY) --require-hashes --compile-bytecode --build-constraints $(LOCK) $(LOCK)
	@$(STEP) "irpatrol itself (editable, no dependencies)" \
	  $(UV) pip install --python $(PY) --no-deps --no-build-isolation -e .
	@$(STEP) "bytecode of src/ (a module changed later is compiled in memory, as without it)" \
	  $(PY) -m compileall -q src
	@touch $@

# Debian packages the app and its tests need (fonts for CJK reports, Chromium for browser tests).
system-deps: $(VENV)/.system-deps
$(VENV)/.system-deps: scripts/system-deps.sh | $(STAMP)
	@$(STEP) "Debian packages (scripts/system-deps.sh)" bash scripts/system-deps.sh
	@touch $@

# The demo is built once into $(DEMO_DIR); later runs serve it with every change made since.
# `irpatrol demo --reset` (with IRPATROL_DATA_DIR=$(DEMO_DIR)) is the one way to rebuild it.
run: install system-deps
	@$(DEMO_ENV) $(VENV)/bin/irpatrol demo --host $(HOST) --port $(PORT)
	@$(DEMO_ENV) $(VENV)/bin/irpatrol serve --host $(HOST) --port $(PORT)

test: install system-deps
	bash scripts/test.sh

bench: install system-deps
	$(PY) bench/run_all.py

lint: install
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

# Recompile the locks after a change to pyproject.toml or a .in file, keeping every version that
# is still allowed; `make upgrade` moves everything to the newest allowed release, then tests.
lock: | $(UV)
	@$(STEP) "lock: requirements/bootstrap.txt" \
	  $(COMPILE) requirements/bootstrap.txt requirements/bootstrap.in
	@$(STEP) "lock: $(LOCK)" \
	  $(COMPILE) $(LOCK) pyproject.toml requirements/tools.in --extra dev

upgrade: | $(UV)
	@$(STEP) "upgrade: requirements/bootstrap.txt" \
	  $(COMPILE) requirements/bootstrap.txt --upgrade requirements/bootstrap.in
	@$(STEP) "upgrade: $(LOCK)" \
	  $(COMPILE) $(LOCK) --upgrade pyproject.toml requirements/tools.in --extra dev
	$(MAKE) install test

clean:
	rm -rf $(VENV) $(TOOLS) .pytest_cache .mypy_cache .ruff_cache
