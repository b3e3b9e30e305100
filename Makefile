# The two commands: `make run` sets up and starts the assistant, `make test` sets up and runs the tests.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
ARGS ?=

.PHONY: run test quick lint setup index browser

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "need $(PYTHON) on PATH (or: make PYTHON=python3 ...)"; exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

index: $(STAMP)
	$(BIN)/assistant index $(ARGS)

# Serve the web app on http://127.0.0.1:7860; the index is built when missing and rebuilt when stale.
# Options go through ARGS, e.g. make run ARGS="--port 8000".
run: $(STAMP)
	$(BIN)/assistant serve $(ARGS)

# The browser tests drive Debian's Chromium (a downloaded browser build does not work offline).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing Debian's chromium and fonts-noto-cjk with apt-get (for the browser tests)"; \
	    apt-get update -qq && apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	  else echo "install Chromium for the browser tests: sudo apt-get install chromium fonts-noto-cjk"; fi; }

lint: $(STAMP)
	$(BIN)/ruff check assistant tests benchmarks

test: $(STAMP) browser lint
	$(BIN)/python -m pytest

# The quick loop while editing: no browser, no servers, no benchmark run.
quick: $(STAMP)
	$(BIN)/python -m pytest -m "not browser and not slow"
