# Two commands matter: `make demo` (install, migrate, seed, serve on SQLite) and `make test`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask
export FLASK_APP := wsgi.py
export UV_PYTHON_DOWNLOADS := never
HOST ?= 127.0.0.1
PORT ?= 5000
# The tests run with the clock stopped (tests/conftest.py), Swedish time, on both sides of
# midnight: SQLite at a summer 23:59:59 (CEST, 21:59:59 UTC), PostgreSQL at 00:00:01 on New
# Year's Day (CET: 23:00:01 UTC on 31 December, so UTC's day, month and year are the old ones).
# Both are months from a change of summer time.
TEST_NOW_SQLITE ?= 2026-06-30T23:59:59
TEST_NOW_POSTGRES ?= 2027-01-01T00:00:01

.PHONY: install translations demo test test-sqlite test-postgres system-deps bench lint serve

install: $(VENV)/.installed translations

$(VENV)/.installed: pyproject.toml
	@PYTHON=$$(command -v python3.12 || command -v python3); \
	  $$PYTHON -c 'import sys; assert sys.version_info[:2] == (3, 12), "Python 3.12 is needed, found " + sys.version' && \
	  $$PYTHON -m venv $(VENV)
	$(VENV)/bin/pip install -q --disable-pip-version-check uv
	$(VENV)/bin/uv pip install -q --python $(PY) -e '.[dev]'
	touch $@

translations: $(VENV)/.installed
	@if ls translations/*/LC_MESSAGES/messages.po >/dev/null 2>&1; then \
	  $(VENV)/bin/pybabel compile -d translations 2>&1 | grep -v '^compiling' || true; \
	  test -f translations/sv/LC_MESSAGES/messages.mo; fi

demo: install
	$(FLASK) db upgrade
	$(FLASK) demo
	@echo "Open http://$(HOST):$(PORT) — demo users are listed in README.md"
	$(FLASK) run --host $(HOST) --port $(PORT)

system-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
	  echo "Installing Debian's chromium for the browser tests"; \
	  SUDO=$$([ $$(id -u) -eq 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; \
	fi

test: install system-deps lint
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres

test-sqlite:
	@echo "== tests on SQLite, the clock at $(TEST_NOW_SQLITE) Swedish time =="
	env -u DATABASE_URL SUPPLYAPP_TEST_NOW=$(TEST_NOW_SQLITE) $(VENV)/bin/pytest -q $(PYTEST_ARGS)

test-postgres:
	@echo "== tests on PostgreSQL, the clock at $(TEST_NOW_POSTGRES) Swedish time =="
	SUPPLYAPP_TEST_NOW=$(TEST_NOW_POSTGRES) scripts/with-postgres.sh $(VENV)/bin/pytest -q $(PYTEST_ARGS)

# bench_db_*.py run on SQLite and on PostgreSQL; bench_load.py runs gunicorn on PostgreSQL (it
# starts scripts/with-postgres.sh itself); the other benchmarks need no database.
bench: install
	@for bench in $$(ls benchmarks/bench_*.py | grep -v bench_db_); do echo "== $$bench =="; $(PY) $$bench || exit 1; done
	@for bench in benchmarks/bench_db_*.py; do \
	  echo "== $$bench (SQLite) =="; env -u DATABASE_URL $(PY) $$bench || exit 1; \
	  echo "== $$bench (PostgreSQL) =="; scripts/with-postgres.sh $(PY) $$bench || exit 1; done

# ruff (lint and format), mypy on both packages, the layering contracts in .importlinter, and
# three guards: commit/rollback, the clock, who acts (scripts/check_who_acts.py).
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy allocation forecasting supplyapp
	$(VENV)/bin/lint-imports
	@! grep -rnE '\b(commit|rollback)\(\)' supplyapp --include=*.py | grep -v '^supplyapp/services/transaction.py:' \
	  || { echo "commit()/rollback() belong in supplyapp/services/transaction.py only"; exit 1; }
	@! grep -rnE 'date\.today\(\)|datetime\.(now|utcnow)\(' supplyapp --include=*.py | grep -v '^supplyapp/clock.py:' \
	  || { echo "the date and time come from supplyapp/clock.py only"; exit 1; }
	@$(PY) scripts/check_who_acts.py \
	  || { echo "who acts comes from audit.current_actor_name(), never a parameter of a service"; exit 1; }
