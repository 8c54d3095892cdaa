# Two commands on a fresh clone:  `make demo` (the main job on the bundled example)
# and `make test` (lint and the whole test suite). Each creates .venv when missing.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: setup demo test lint format generate bench clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

setup: $(STAMP)

# The main job on the bundled example: convert the registrar export, then check every file.
demo: $(STAMP)
	$(BIN)/transcript convert examples/registrar --out out/transcripts
	$(BIN)/transcript validate out/transcripts/*.xml

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Regenerate transcript/generated/ from xsd/transcript.xsd (xsdata runs ruff from PATH).
generate: $(STAMP)
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/xsdata generate xsd/transcript.xsd --config xsd/xsdata.xml

bench: $(STAMP)
	$(BIN)/python benchmarks/xmlio.py
	$(BIN)/python benchmarks/convert.py --students 2000

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis out
