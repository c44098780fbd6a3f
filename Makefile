# newsledger: `make run` builds the warehouse from the inbox, `make test` runs the tests.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
# The browser test drives Debian's Chromium; Playwright's own browser download fails offline.
CHROMIUM := /usr/bin/chromium
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
# dbt's parse of the project, which every build of every warehouse starts from.
PREPARE_DBT_MANIFEST := $(PY) -c "from orchestration.project import prepare_dbt_manifest; prepare_dbt_manifest()"
export DAGSTER_HOME := $(CURDIR)/.dagster_home
export PYTHONPATH := $(CURDIR)
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)

.PHONY: run test ui docs sql lint bench clean

$(INSTALLED): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "newsledger needs $(PYTHON) (Python 3.11) on PATH"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	$(PREPARE_DBT_MANIFEST)
	touch $@

run: $(INSTALLED)
	$(PY) -m orchestration run

$(CHROMIUM):
	$(SUDO) apt-get install -y chromium || { $(SUDO) apt-get update && $(SUDO) apt-get install -y chromium; }

test: $(INSTALLED) $(CHROMIUM)
	$(PY) -m pytest

ui: $(INSTALLED)
	$(PREPARE_DBT_MANIFEST)
	$(VENV)/bin/dagster dev -m orchestration.definitions --host 127.0.0.1 --port 3000

docs: $(INSTALLED)
	$(PY) -m orchestration docs

sql: $(INSTALLED)
	$(PY) -m orchestration sql

lint: $(INSTALLED)
	$(VENV)/bin/ruff check extract expectations orchestration tests

bench: $(INSTALLED)
	$(PY) bench/run_bench.py --articles $(or $(ARTICLES),1000)

clean:
	rm -rf data dbt_project/target dbt_project/logs .pytest_cache
