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

PKI := out/demo-pki

# The main job on the bundled example: convert the registrar export, sign every transcript
# (with a TEST ONLY demo PKI, made once), then verify the signed files as an employer would.
demo: $(STAMP)
	$(BIN)/transcript convert examples/registrar --out out/transcripts
	@test -f $(PKI)/root.pem || $(BIN)/transcript demo-pki --out $(PKI) >/dev/null
	$(BIN)/transcript sign out/transcripts/*.xml --key $(PKI)/registrar.p12 \
		--password-file $(PKI)/registrar-password.txt --out out/signed
	$(BIN)/transcript verify out/signed/*.xml --brief --trust $(PKI)/root.pem \
		--crl $(PKI)/root.crl --crl $(PKI)/issuing-ca.crl > out/verify.txt
	@head -n 3 out/verify.txt
	@echo "... (all results: out/verify.txt)"
	$(BIN)/transcript verify out/signed/631010001.xml --trust $(PKI)/root.pem \
		--crl $(PKI)/root.crl --crl $(PKI)/issuing-ca.crl
	$(BIN)/transcript package out/signed/631010001.xml out/signed/632010006.xml --lang th --lang en \
		--key $(PKI)/registrar.p12 --password-file $(PKI)/registrar-password.txt --out out/package \
		--trust $(PKI)/root.pem --crl $(PKI)/root.crl --crl $(PKI)/issuing-ca.crl
	$(BIN)/transcript verify out/package/*.pdf --brief --trust $(PKI)/root.pem \
		--crl $(PKI)/root.crl --crl $(PKI)/issuing-ca.crl

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
	$(BIN)/python benchmarks/signing.py
	$(BIN)/python benchmarks/render.py
	$(BIN)/python benchmarks/package.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis out
