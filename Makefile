# Two commands for a fresh machine: `make run` (install, ingest the samples, answer a query)
# and `make test` (install, lint, type-check, test). Both install from the pinned lock file.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DB ?= fengong.duckdb

.PHONY: install run test lint typecheck pytest lock bench clean

$(VENV)/.installed: pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || { \
	  echo "fengong needs Python 3.11 or newer; $(PYTHON) is $$($(PYTHON) -V 2>&1)." >&2; \
	  echo "Install python3.11 (or newer) and run: make PYTHON=python3.11 $(MAKECMDGOALS)" >&2; \
	  exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

install: $(VENV)/.installed

run: install
	rm -f $(DB)
	$(BIN)/fengong ingest samples --db $(DB)
	@echo
	@echo "What each unit leads, per region and year:"
	$(BIN)/fengong query --db $(DB) "select n.region, n.year, a.org, count(distinct a.task_id) as tasks_led from v_assignments a join v_notices n using (notice_id) where a.role = 'lead' group by all order by n.region, n.year, tasks_led desc, a.org"

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy

# -rs: the reason of every skipped test (a tool that could not be had) is listed at the end.
# -n 2 --dist loadfile: two pytest-xdist workers (the machines have 2 CPUs; many tests wait on
# processes, timeouts and locks, which the other worker's tests fill), each taking a whole test
# file at a time so that a module's shared warehouse is built once. PYTEST_WORKERS=0 runs the
# suite in one process.
PYTEST_WORKERS ?= 2
pytest: install
	$(BIN)/pytest -rs -n $(PYTEST_WORKERS) --dist loadfile

test: lint typecheck pytest

# Speed and memory against the targets (figures in README.md, "Speed and memory"): bench.run
# (~5 min), then bench.scale with the 100,000-notice corpus (issue 16's figures; an hour or
# more on 2 cores: `python -m bench.scale` alone leaves the 100,000 out).
bench: install
	$(BIN)/python -m bench.run
	$(BIN)/python -m bench.scale --national

# Re-pin every dependency after changing pyproject.toml.
lock:
	rm -rf .lockenv && $(PYTHON) -m venv .lockenv
	.lockenv/bin/pip install --quiet -e '.[dev]'
	.lockenv/bin/pip freeze --exclude-editable | grep -v '^-e' > requirements.lock
	rm -rf .lockenv

clean:
	rm -rf $(VENV) $(DB) .pytest_cache .mypy_cache .ruff_cache
