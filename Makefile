# The two commands: `make run` sets up and starts the assistant, `make test` sets up and runs the tests.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test setup index

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "need $(PYTHON) on PATH (or: make PYTHON=python3 ...)"; exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

index: $(STAMP)
	$(BIN)/assistant index

# Ask questions interactively (one per line); the index is built when missing and rebuilt when stale.
run: $(STAMP)
	@$(BIN)/assistant index --if-needed
	@echo "Ask a question about the articles (Korean or English), one per line; Ctrl-D to quit."
	$(BIN)/assistant ask -

test: $(STAMP)
	$(BIN)/python -m pytest
