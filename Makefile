# Two commands do all set-up on a fresh machine (Debian, Python 3.11):
#   make demo   - install, then run the whole pipeline on the embedded stack with sample data
#   make test   - install, then run every test (unit + end-to-end on the real broker and Redis)
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.paxscreen-installed

.PHONY: install demo test test-fast clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/paxscreen demo

test: $(STAMP)
	$(BIN)/python -m pytest

test-fast: $(STAMP)
	$(BIN)/python -m pytest -m 'not e2e'

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis .paxscreen
