# Two commands on a fresh clone:  `make demo` (the main job on the bundled example)
# and `make test` (lint and the whole test suite). Each creates .venv when missing.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
RUN_STAMP := $(VENV)/.installed-run

.PHONY: setup demo test lint format generate bench fuzz clean

# What the demo needs (the library and its command), and what the tests need on top (the
# web page, the test and lint tools): make demo installs the first only.
$(RUN_STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e .
	@touch $(RUN_STAMP)

$(STAMP): $(RUN_STAMP)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	@touch $(STAMP)

setup: $(STAMP)

ISSUED := out/issued
PKI    := $(ISSUED)/demo-pki

# The main job on the bundled example: issue every student (signed XML and signed PDF/A-3 in
# Thai and English, with a TEST ONLY demo PKI made on first use), then verify the files as an
# employer would, against the demo root only.
demo: $(RUN_STAMP)
	$(BIN)/transcript issue examples/registrar --out $(ISSUED)
	$(BIN)/transcript verify $(ISSUED)/*.pdf $(ISSUED)/*.xml --brief --trust $(PKI)/root.pem \
		--crl $(PKI)/root.crl --crl $(PKI)/issuing-ca.crl > out/verify.txt
	@head -n 3 out/verify.txt
	@echo "... (all $$(wc -l < out/verify.txt) results: out/verify.txt)"
	$(BIN)/transcript verify $(ISSUED)/631010001.th.pdf --trust $(PKI)/root.pem \
		--crl $(PKI)/root.crl --crl $(PKI)/issuing-ca.crl

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Regenerate transcript/generated/ from xsd/transcript.xsd (xsdata runs ruff from PATH).
generate: $(STAMP)
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/xsdata generate xsd/transcript.xsd --config xsd/xsdata.xml

bench: $(STAMP)
	$(BIN)/python benchmarks/xmlio.py
	$(BIN)/python benchmarks/convert.py --students 2000
	$(BIN)/python benchmarks/signing.py
	$(BIN)/python benchmarks/render.py
	$(BIN)/python benchmarks/package.py
	$(BIN)/python benchmarks/issue.py --students 200
	$(BIN)/python benchmarks/wallet.py

# Five minutes of the verifier against mutated genuine files and random input (the fuzz
# tests' mutators, for longer); fails when a verification raises, hangs or passes a forgery.
fuzz: $(STAMP)
	$(BIN)/python benchmarks/fuzz.py --seconds 300

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis out
