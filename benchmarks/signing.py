"""How fast transcripts are signed and verified, next to the xmlsec1 C library in the same run.

    python benchmarks/signing.py [--courses 60] [--repeat 40]

One core. For a synthetic transcript with N courses (a typical bachelor's record has 40-60):

- ours: `XmlSigner.sign` (which first validates the input), the same without that validation,
  and `transcript.verify` (structure, digests, signature, certificate chain with CRLs, content);
- baseline: the `xmlsec1` command signing a template of the same XAdES structure and verifying
  the result, per document; its process start-up (`xmlsec1 --version`) is measured too and
  subtracted, which is what amortising over a batch would save.

Goal: within 2x of the C baseline per document.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from lxml import etree
from xmlio import synthetic

import transcript
from transcript import _speedups
from transcript.demo.pki import create_demo_pki
from transcript.pki.keys import load_identity, password_from
from transcript.pki.trust import TrustSettings
from transcript.sign.xades import XmlSigner

DS = "http://www.w3.org/2000/09/xmldsig#"


def timed(operation: Callable[[], object], repeat: int) -> float:
    operation()
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        operation()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs) * 1000


def template_of(signed: bytes) -> bytes:
    root = etree.fromstring(signed)
    for element in root.iter(f"{{{DS}}}DigestValue", f"{{{DS}}}SignatureValue"):
        if element.getparent().tag != "{http://uri.etsi.org/01903/v1.3.2#}CertDigest":
            element.text = ""
    key_value = root.find(f".//{{{DS}}}KeyValue")
    key_value.getparent().remove(key_value)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--courses", type=int, default=60)
    parser.add_argument("--repeat", type=int, default=40)
    args = parser.parse_args()
    enabled = _speedups.enable()  # as the applications run (see transcript._speedups)
    print(f"speed-ups: {', '.join(enabled) or 'none (libraries not at the pinned versions)'}")

    with tempfile.TemporaryDirectory(prefix="signing-bench-") as scratch:
        folder = Path(scratch)
        pki = create_demo_pki(folder / "pki")
        identity = load_identity(pki.registrar_p12, password=password_from(password_file=pki.password_file))
        trust = TrustSettings.from_files([pki.root], pki.crls)
        data = synthetic(args.courses)
        signer = XmlSigner(identity)
        raw_signer = XmlSigner(identity, check_content=False)
        signed = signer.sign(data)
        assert transcript.verify(signed, trust).ok

        rows = [
            ("ours: sign (validate input + XAdES)", timed(lambda: signer.sign(data), args.repeat)),
            ("ours: sign (XAdES only)", timed(lambda: raw_signer.sign(data), args.repeat)),
            ("ours: verify (full report)", timed(lambda: transcript.verify(signed, trust), args.repeat)),
        ]
        xmlsec1 = shutil.which("xmlsec1")
        if xmlsec1:
            key = folder / "key.pem"
            key.write_bytes(
                identity.key.private_bytes(
                    serialization.Encoding.PEM,
                    serialization.PrivateFormat.PKCS8,
                    serialization.NoEncryption(),
                )
            )
            template = folder / "template.xml"
            template.write_bytes(template_of(signed))
            out = folder / "by-xmlsec1.xml"
            ids = ["--id-attr:Id", "SignedProperties", "--id-attr:Id", "KeyInfo"]
            sign_cmd = [
                xmlsec1,
                "--sign",
                "--privkey-pem",
                str(key),
                *ids,
                "--output",
                str(out),
                str(template),
            ]
            untrusted = folder / "ca.pem"
            untrusted.write_bytes(pki.issuing_ca.read_bytes())
            verify_cmd = [
                xmlsec1, "--verify", "--trusted-pem", str(pki.root), "--untrusted-pem", str(untrusted),
                *ids, str(out),
            ]  # fmt: skip
            subprocess.run(sign_cmd, check=True, capture_output=True)
            subprocess.run(verify_cmd, check=True, capture_output=True)
            startup = timed(lambda: subprocess.run([xmlsec1, "--version"], capture_output=True), args.repeat)
            c_sign = timed(lambda: subprocess.run(sign_cmd, check=True, capture_output=True), args.repeat)
            c_verify = timed(lambda: subprocess.run(verify_cmd, check=True, capture_output=True), args.repeat)
            rows += [
                ("xmlsec1: process start-up", startup),
                ("xmlsec1: sign, per process", c_sign),
                ("xmlsec1: sign, start-up subtracted", c_sign - startup),
                ("xmlsec1: verify, per process", c_verify),
                ("xmlsec1: verify, start-up subtracted", c_verify - startup),
            ]
        print(
            f"transcript with {args.courses} courses ({len(data):,} bytes), "
            f"median of {args.repeat} runs, one core"
        )
        print(f"{'operation':42} {'ms/doc':>8} {'docs/s':>8}")
        results = dict(rows)
        for label, ms in rows:
            print(f"{label:42} {ms:8.2f} {1000 / ms if ms > 0 else float('inf'):8.1f}")
        if xmlsec1:
            for ours, theirs in [
                ("ours: sign (XAdES only)", "xmlsec1: sign, start-up subtracted"),
                ("ours: verify (full report)", "xmlsec1: verify, start-up subtracted"),
            ]:
                print(f"{ours} / {theirs}: {results[ours] / results[theirs]:.1f}x (goal <= 2x)")
        else:
            print("xmlsec1 not installed: no C baseline in this run")


if __name__ == "__main__":
    main()
