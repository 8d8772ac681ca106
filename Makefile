# Two set-up commands for a fresh machine: `make run` and `make test` (see README.md).
VENV ?= .venv
PY := $(VENV)/bin/python
PYTHON ?= python3

.PHONY: run serve test lint system-deps bench translations

CATALOGS := $(wildcard widget/translations/*/LC_MESSAGES/messages.po)

$(VENV)/.installed: setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[redis]'
	$(VENV)/bin/pybabel compile -d widget/translations
	touch $@

# Compiled catalogs are not committed: rebuild one whenever its .po changes.
widget/translations/%/LC_MESSAGES/messages.mo: widget/translations/%/LC_MESSAGES/messages.po | $(VENV)/.installed
	$(VENV)/bin/pybabel compile -i $< -o $@ -l $*

translations: $(CATALOGS:.po=.mo)

$(VENV)/.test-installed: $(VENV)/.installed
	$(PY) -m pip install -q -e '.[test,redis,bench]'
	touch $@

## Install and run the development server and the outbox sender (Ctrl-C stops both).
run: $(VENV)/.installed translations
	$(VENV)/bin/flask --app widget outbox run & sender=$$!; \
	trap 'kill $$sender 2>/dev/null; wait $$sender' EXIT INT TERM; \
	$(VENV)/bin/flask --app widget run

## Install and run the production server (gunicorn.conf.py).
serve: $(VENV)/.installed translations
	$(VENV)/bin/gunicorn --config gunicorn.conf.py 'widget:create_app()'

## Install Chromium, Redis and the test tools, then lint and run every test.
test: system-deps $(VENV)/.test-installed translations lint
	$(PY) -m pytest

lint: $(VENV)/.test-installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

system-deps:
	bash scripts/install-system-deps.sh

## Run the benchmark (bench/run.py) and print its table; e.g. BENCH_ARGS=--compare.
bench: system-deps $(VENV)/.test-installed
	$(PY) bench/run.py $(BENCH_ARGS)
