# The README's two commands: `make dashboard` and `make test`. Both create .venv on demand.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
ENGAGEMENTS ?= engagements

.PHONY: dashboard viewer test quick lint typecheck unit notebooks benchmark system-deps constraints clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[lab,test,sql]'
	touch $(STAMP)

## The consultant's live dashboard on the bundled sample engagement.
dashboard: $(STAMP)
	$(BIN)/tenfold dashboard --engagements $(ENGAGEMENTS)

## The stakeholders' read-only view.
viewer: $(STAMP)
	$(BIN)/tenfold dashboard --engagements $(ENGAGEMENTS) --viewer

## Every check: lint, type check, unit and browser tests, notebooks under nbval.
test: lint typecheck unit notebooks

## The inner loop, under a minute: lint, types, and the tests that need no browser, no server and
## no whole-document render (those marked browser or slow run in `make test`), on every core.
## Compiled modules are kept between runs (PYTHONDONTWRITEBYTECODE cleared): each worker then
## imports the stack in half the time. Property tests try a fifth of their examples (tests/examples.py).
quick: lint typecheck
	PYTHONDONTWRITEBYTECODE= TENFOLD_QUICK=1 $(BIN)/pytest -q -p no:cacheprovider -m "not browser and not slow" -n auto

lint: $(STAMP)
	$(BIN)/ruff check toolkit tests benchmarks scripts
	$(BIN)/ruff format --check toolkit tests benchmarks scripts

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest

notebooks: $(STAMP)
	$(BIN)/pytest -p no:cacheprovider --nbval-lax --nbval-current-env \
	  --nbval-sanitize-with tests/nbval-sanitize.cfg notebooks dashboards

benchmark: $(STAMP)
	$(BIN)/python -m benchmarks

## System packages the browser tests, PDF export and the PostgreSQL store tests need (Debian, as
## root). CI runs this. The tests start their own throwaway PostgreSQL cluster from the package.
system-deps:
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	  chromium fonts-dejavu-core fonts-liberation fonts-noto-color-emoji libpango-1.0-0 libpangoft2-1.0-0 poppler-utils \
	  postgresql >/dev/null

## Re-pin the whole stack after changing dependencies in pyproject.toml.
constraints:
	rm -rf /tmp/tenfold-pin && $(PYTHON) -m venv /tmp/tenfold-pin
	/tmp/tenfold-pin/bin/pip install --quiet '.[lab,test,sql]'
	{ sed -n '1,3p' constraints.txt; /tmp/tenfold-pin/bin/pip freeze --exclude tenfold \
	  | grep -v -E '^(pip|setuptools|wheel)=='; } > constraints.txt.new && mv constraints.txt.new constraints.txt

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
