#!/usr/bin/env bash
# Reference renderings: what a reader sees. Signs the bachelor's example with a fresh TEST ONLY
# demo PKI, renders both editions from the verified content, and keeps page 1 as PNG.
#   bash examples/rendered/build.sh   (from the project root, with .venv set up)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin="${BIN:-.venv/bin}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$bin/transcript" demo-pki --out "$work/pki" >/dev/null
"$bin/transcript" sign examples/transcripts/bachelor-honours.xml --key "$work/pki/registrar.p12" \
  --password-file "$work/pki/registrar-password.txt" --out "$work/signed"
"$bin/transcript" render "$work/signed/bachelor-honours.xml" --out "$here" --lang th,en \
  --trust "$work/pki/root.pem" --crl "$work/pki/root.crl" --crl "$work/pki/issuing-ca.crl" --require-valid
for lang in th en; do
  pdftoppm -png -r 100 "$here/bachelor-honours.$lang.pdf" "$here/bachelor-honours.$lang"
done
ls -1 "$here"
