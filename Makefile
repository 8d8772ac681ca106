# Two set-up commands for a fresh machine: `make run` and `make test` (see README.md).
VENV ?= .venv
PY := $(VENV)/bin/python
PYTHON ?= python3

.PHONY: run serve test lint system-deps bench translations wordpress-plugin bytecode

$(VENV)/.installed: setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[redis]'
	touch $@

# The app compiles a missing or stale .mo when it starts (widget/web/catalogs.py); this
# does it by hand, e.g. to check a catalog after translating.
translations: $(VENV)/.installed
	$(VENV)/bin/pybabel compile -d widget/translations

# Python writes no bytecode where PYTHONDONTWRITEBYTECODE is set (these machines set it), so
# every flask command compiled all of widget/ again (~0.15 s of its start); this keeps it.
bytecode: $(VENV)/.installed
	$(PY) -m compileall -q widget

$(VENV)/.test-installed: $(VENV)/.installed
	$(PY) -m pip install -q -e '.[test,redis,bench]'
	touch $@

## Install and run the development server and the outbox sender (Ctrl-C stops both).
# The demo shows the whole flow: signing asks for confirmation by email (written to
# instance/mail/ as .eml, its link printed). FLASK_SIGNER_EMAIL=none make run: no mail.
run: export FLASK_SIGNER_EMAIL ?= confirm
run: $(VENV)/.installed bytecode
	$(VENV)/bin/flask --app widget outbox run & sender=$$!; \
	trap 'kill $$sender 2>/dev/null; wait $$sender' EXIT INT TERM; \
	$(VENV)/bin/flask --app widget run

## Install and run the production server (gunicorn.conf.py).
serve: $(VENV)/.installed bytecode
	$(VENV)/bin/gunicorn --config gunicorn.conf.py 'widget:create_app()'

# puppeteer-core, which drives Debian's firefox-esr for tests/test_browser_firefox.py.
node_modules/.installed: package.json package-lock.json | system-deps
	npm ci --no-audit --no-fund
	touch $@

## Install Chromium, Firefox, Redis and the test tools, then lint and run every test.
test: system-deps $(VENV)/.test-installed node_modules/.installed lint bytecode
	$(PY) -m pytest

lint: $(VENV)/.test-installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

system-deps:
	bash scripts/install-system-deps.sh

## Run the benchmark (bench/run.py) and print its table; e.g. BENCH_ARGS=--compare.
bench: system-deps $(VENV)/.test-installed bytecode
	$(PY) bench/run.py $(BENCH_ARGS)

## Build the installable WordPress plugin: dist/petition-widget.zip.
wordpress-plugin:
	$(PYTHON) scripts/build_wordpress_plugin.py dist/petition-widget.zip
