# xinfang — the two commands of the README are the contract: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck pytest install migrate demo bench lock messages screenshots clean

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

run: demo
	@echo "xinfang: http://127.0.0.1:$(PORT)/  (API docs: http://127.0.0.1:$(PORT)/api/docs/)"
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: install
	$(VENV)/bin/mypy xinfang

pytest: install
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest

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

clean:
	rm -rf $(VENV) db.sqlite3 var
