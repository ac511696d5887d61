# The README's two commands: `make dashboard` and `make test`. Both create .venv on demand.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
## The dashboards serve a git-ignored working copy of the committed sample engagements (made on
## the first run, kept after), so what a newcomer types never changes a committed file.
SAMPLE ?= engagements
ENGAGEMENTS ?= .work/engagements
## `make dashboard PORT=8870`: the port to ask for (default 8866); a taken one gives a free one.
PORT ?=
SERVE_ARGS = --engagements $(ENGAGEMENTS) $(if $(filter $(SAMPLE),$(ENGAGEMENTS)),,--sample $(SAMPLE)) \
  $(if $(PORT),--port $(PORT))

.PHONY: dashboard viewer test quick lint typecheck unit notebooks benchmark system-deps hub-deps lock clean

## The development environment: every extra, as requirements/dev.txt pins it, then the package.
$(STAMP): pyproject.toml requirements/dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -r requirements/dev.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

## The consultant's live dashboard on (a working copy of) the bundled sample engagement.
dashboard: $(STAMP)
	$(BIN)/tenfold dashboard $(SERVE_ARGS)

## The stakeholders' read-only view.
viewer: $(STAMP)
	$(BIN)/tenfold dashboard $(SERVE_ARGS) --viewer

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

## Tests without a browser on every core; then, one at a time, the team hub's test and the
## browser tests (each starts servers and kernels, or Chromium and Voila, which would fight for
## the cores). All run; any failing fails.
unit: $(STAMP)
	status=0; \
	$(BIN)/pytest -m "not browser" -n auto --ignore=tests/test_deploy_hub.py || status=1; \
	$(BIN)/pytest tests/test_deploy_hub.py || status=1; \
	$(BIN)/pytest -m browser || status=1; \
	exit $$status

notebooks: $(STAMP)
	$(BIN)/pytest -p no:cacheprovider --nbval-lax --nbval-current-env \
	  --nbval-sanitize-with tests/nbval-sanitize.cfg notebooks dashboards

benchmark: $(STAMP)
	$(BIN)/python -m benchmarks

## System packages the browser tests, PDF export, the PostgreSQL store tests and the team
## deployment need (Debian, as root). CI runs this. The tests start their own throwaway
## PostgreSQL cluster from the package.
system-deps:
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	  chromium fonts-dejavu-core fonts-liberation fonts-noto-color-emoji libpango-1.0-0 libpangoft2-1.0-0 poppler-utils \
	  postgresql >/dev/null
	# Node.js for JupyterHub's proxy (make hub-deps): Debian's nodejs and npm, unless a Node.js
	# with its own npm is there already (Debian's npm package conflicts with such a nodejs).
	command -v npm >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	  --no-install-recommends nodejs npm >/dev/null

## JupyterHub's proxy for the team deployment (deploy/): configurable-http-proxy from npm, the
## version deploy/package-lock.json pins, into deploy/node_modules.
hub-deps: deploy/node_modules/.bin/configurable-http-proxy
deploy/node_modules/.bin/configurable-http-proxy: deploy/package.json deploy/package-lock.json
	npm ci --prefix deploy --no-audit --no-fund --loglevel=error
	touch $@

## The lock files, all from pyproject.toml: what a firm's server runs (runtime: the dashboards,
## the reports and the shared store), what Binder builds (binder: the same and JupyterLab, no
## test or lint tool; the single-user image of the Kubernetes deployment), and
## what `make` installs (dev: every extra). One resolution for every platform. Versions already
## locked are kept unless pyproject.toml needs others; `make lock UPGRADE=--upgrade` takes the newest.
LOCK = $(BIN)/uv pip compile pyproject.toml --quiet --universal --python-version 3.11.5 \
  --custom-compile-command "make lock" $(UPGRADE)
lock: $(STAMP)
	$(LOCK) --extra dashboard --extra report --extra sql -o requirements/runtime.txt
	$(LOCK) --extra dashboard --extra report --extra lab --extra sql -o requirements/binder.txt
	$(LOCK) --all-extras -o requirements/dev.txt

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
