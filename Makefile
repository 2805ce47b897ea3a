# xinfang — the two commands of the README are the contract: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: run worker test lint typecheck pytest install migrate demo bench lock messages screenshots vendor clean

$(PY):
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "需要 Python 3.11 (python3.11 not found; set PYTHON=...)"; exit 1; }
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the lock changes.
$(STAMP): $(PY) requirements/dev.lock pyproject.toml
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements/dev.lock
	@touch $(STAMP)

install: $(STAMP)

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_demo

# The embedded default: the web server plus, without XINFANG_REDIS_URL, the in-process job scheduler
# (`manage.py jobs loop`) in the background, stopped when the server stops. With Redis, run `make worker` too.
run: demo
	@echo "xinfang: http://127.0.0.1:$(PORT)/  (API docs: http://127.0.0.1:$(PORT)/api/docs/)"
	@if [ -n "$$XINFANG_REDIS_URL" ]; then \
		echo "XINFANG_REDIS_URL is set: periodic jobs run on Celery (make worker)"; \
		exec $(PY) manage.py runserver 127.0.0.1:$(PORT); \
	fi; \
	$(PY) manage.py jobs loop & jobs_pid=$$!; \
	trap 'kill $$jobs_pid 2>/dev/null; wait $$jobs_pid 2>/dev/null' EXIT; \
	trap 'exit 130' INT TERM; \
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# Celery worker with the beat scheduler embedded (one process is enough for a single machine; production runs
# `celery -A xinfang beat` once and workers separately, see docs/deployment.md).
worker: migrate
	@test -n "$$XINFANG_REDIS_URL" || { echo "set XINFANG_REDIS_URL (e.g. redis://127.0.0.1:6379/0); without it make run runs the jobs"; exit 1; }
	$(VENV)/bin/celery -A xinfang worker --beat --loglevel=info

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: install
	$(VENV)/bin/mypy xinfang

# The suite runs on every core (pytest-xdist; PYTEST_WORKERS=0 runs it in one process). `--dist loadfile` keeps
# each test file on one worker: the real Celery worker tests share one Redis queue and must not run side by side.
# (Not `loadgroup`: with pytest 9.2 it silently ignores xdist_group marks, pytest-dev/pytest-xdist#1386.)
PYTEST_WORKERS ?= auto
pytest: install
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest -n $(PYTEST_WORKERS) --dist loadfile

test: lint typecheck pytest

screenshots: install
	XINFANG_SCREENSHOTS=1 $(VENV)/bin/pytest e2e/test_screenshots.py -q

bench: install
	bash bench/run.sh

lock: $(PY)
	$(PY) -m pip install --quiet pip-tools
	$(VENV)/bin/pip-compile -q --strip-extras --no-emit-index-url --no-emit-find-links -o requirements/base.lock pyproject.toml
	$(VENV)/bin/pip-compile -q --strip-extras --no-emit-index-url --no-emit-find-links --extra dev -o requirements/dev.lock pyproject.toml

messages: install
	$(PY) manage.py makemessages -l zh_Hans --no-obsolete -i "bench/*" -i "docs/*"
	$(PY) manage.py compilemessages -l zh_Hans -i .venv

# Front-end assets pinned in package.json (exact versions), copied into the app's static files (no CDN at run time).
# The copies are committed; run this after changing a version in package.json.
ECHARTS_VERSION = $(shell node -p "require('./package.json').devDependencies.echarts")
vendor:
	npm ci --no-audit --no-fund
	cp node_modules/htmx.org/dist/htmx.min.js xinfang/core/static/vendor/htmx.min.js
	mkdir -p xinfang/core/static/vendor/echarts/$(ECHARTS_VERSION)
	cp node_modules/echarts/dist/echarts.min.js node_modules/echarts/LICENSE node_modules/echarts/NOTICE \
		xinfang/core/static/vendor/echarts/$(ECHARTS_VERSION)/

clean:
	rm -rf $(VENV) db.sqlite3 var
