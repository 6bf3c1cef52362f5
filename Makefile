# make run  - start the whole system (embedded PostgreSQL and Redis unless DATABASE_URL / REDIS_URL are set)
# make test - run the whole test suite the same way
# make bench - load benchmarks (bench/README.md); make bench-smoke - a short run of them that fails on errors
# make fuzz - a long schemathesis run over every endpoint (FUZZ_EXAMPLES per operation, default 200; FUZZ_SEED)
# make e2e  - browser tests of the back office and the stock dashboard (e2e/README.md), Chromium installed if missing
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.requirements-installed
BENCH_STAMP := $(VENV)/.bench-requirements-installed
E2E_STAMP := $(VENV)/.e2e-requirements-installed

.PHONY: run test lint migrations-check clean bench bench-smoke e2e fuzz

$(STAMP): requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $(STAMP)

run: $(STAMP)
	$(PY) -m kugelpos.embedded $(PY) -m kugelpos.run

# The suite runs in TEST_WORKERS processes (pytest-xdist), each with its own test database, tenant schemas and Redis
# database (kugelpos/settings_test.py); tests marked xdist_group("<name>") run one after another in one of them.
# TEST_WORKERS=0: one process, as before. docs/operations.md ("Tests") says how the number was chosen.
TEST_WORKERS ?= 3
test: $(STAMP)
	$(VENV)/bin/lint-imports
	$(PY) -m kugelpos.embedded sh -c '$(PY) manage.py makemigrations --check --dry-run \
		--settings=kugelpos.settings_test && $(PY) -m pytest -n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)'

FUZZ_EXAMPLES ?= 200
fuzz: $(STAMP)
	$(PY) -m kugelpos.embedded sh -c 'FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(PY) -m pytest tests/test_fuzz.py $(PYTEST_ARGS)'

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

$(BENCH_STAMP): $(STAMP) bench/requirements.txt
	$(PY) -m pip install --quiet -r bench/requirements.txt
	touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)
	$(PY) -m kugelpos.embedded $(PY) -m bench $(BENCH_ARGS)

bench-smoke: $(BENCH_STAMP)
	$(PY) -m kugelpos.embedded $(PY) -m bench --smoke $(BENCH_ARGS)

$(E2E_STAMP): $(STAMP) e2e/requirements.txt
	$(PY) -m pip install --quiet -r e2e/requirements.txt
	touch $(E2E_STAMP)

e2e: $(E2E_STAMP)
	bash e2e/install-chromium.sh
	$(PY) -m pytest -c e2e/pytest.ini e2e $(E2E_ARGS)

clean:
	rm -rf var .pytest_cache
