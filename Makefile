# The two commands: `make run` sets up and starts the assistant, `make test` sets up and runs the tests.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test setup index browser

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "need $(PYTHON) on PATH (or: make PYTHON=python3 ...)"; exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

index: $(STAMP)
	$(BIN)/assistant index

# Serve the web app on http://127.0.0.1:7860; the index is built when missing and rebuilt when stale.
run: $(STAMP)
	$(BIN)/assistant serve

# The browser tests drive Debian's Chromium (a downloaded browser build does not work offline).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	  else echo "install Chromium for the browser tests: sudo apt-get install chromium fonts-noto-cjk"; fi; }

test: $(STAMP) browser
	$(BIN)/python -m pytest
