# make run  - start the whole system (embedded PostgreSQL and Redis unless DATABASE_URL / REDIS_URL are set)
# make test - run the whole test suite the same way
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.requirements-installed

.PHONY: run test lint migrations-check clean

$(STAMP): requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $(STAMP)

run: $(STAMP)
	$(PY) -m kugelpos.embedded $(PY) -m kugelpos.run

test: $(STAMP)
	$(VENV)/bin/lint-imports
	$(PY) -m kugelpos.embedded sh -c '$(PY) manage.py makemigrations --check --dry-run \
		--settings=kugelpos.settings_test && $(PY) -m pytest $(PYTEST_ARGS)'

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

clean:
	rm -rf var .pytest_cache
