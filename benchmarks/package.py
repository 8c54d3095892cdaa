"""How long the national package takes: PDF/A-3 packaging, PAdES signing, and verifying it.

    python benchmarks/package.py [--repeat 10]

One core, the 2-page bachelor's example (signed XML rendered once). Milliseconds (median) to
package the rendered PDF as PDF/A-3 with the XML inside, to PAdES-sign it at B-B (filled
in place into a reserved signature; baseline: the same signature through pyHanko's
incremental update) and at B-LT (with a time-stamp from a local test authority and the CRLs
embedded), and to verify each file (PAdES, the embedded XAdES, the binding). The render
time is shown for scale.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import transcript
from transcript import _speedups
from transcript.demo.pki import create_demo_pki
from transcript.demo.tsa import LocalTimeStampAuthority
from transcript.pdfa.container import package_pdf
from transcript.pki.keys import load_identity, password_from
from transcript.pki.trust import TrustSettings
from transcript.pki.tsa import TimeStampClient
from transcript.render import layout, render_pdf
from transcript.sign.pades import PdfSigner
from transcript.sign.xades import XmlSigner

ROOT = Path(__file__).resolve().parent.parent


def timed(operation: Callable[[], object], repeat: int) -> float:
    operation()
    runs = []
    for _ in range(repeat):
        layout.qr_operators.cache_clear()  # a render pays for its QR code, as a new transcript would
        start = time.perf_counter()
        operation()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    enabled = _speedups.enable()  # as the applications run (see transcript._speedups)
    print(f"speed-ups: {', '.join(enabled) or 'none (libraries not at the pinned versions)'}")
    with tempfile.TemporaryDirectory(prefix="package-bench-") as scratch:
        demo = create_demo_pki(Path(scratch) / "pki")
        identity = load_identity(demo.registrar_p12, password=password_from(password_file=demo.password_file))
        trust = TrustSettings.from_files([demo.root], demo.crls)
        signed = XmlSigner(identity).sign(
            (ROOT / "examples" / "transcripts" / "bachelor-honours.xml").read_bytes()
        )
        pdf = render_pdf(signed, "th", trust=trust)
        model = transcript.verify(signed, trust).transcript  # what build_package hands over
        packaged = package_pdf(signed, pdf, file_name="transcript.xml")
        basic = PdfSigner(identity)
        room = basic.signature_room
        reserved = package_pdf(signed, pdf, file_name="transcript.xml", signature_room=room)
        with LocalTimeStampAuthority(demo.tsa_certificate, demo.tsa_key) as authority:
            long_term = PdfSigner(identity, "B-LT", TimeStampClient(authority.url), trust)
            bb, bb_incremental, blt = basic.sign(reserved), basic.sign(packaged), long_term.sign(packaged)
            offline = TrustSettings.from_files([demo.root])
            repeat = args.repeat
            rows = [
                (
                    "render (Thai edition, verified XML)",
                    timed(lambda: render_pdf(signed, "th", trust=trust), repeat),
                ),
                (
                    "package as PDF/A-3 with the XML",
                    timed(lambda: package_pdf(signed, pdf, transcript=model), repeat),
                ),
                (
                    "  the same, signature reserved",
                    timed(lambda: package_pdf(signed, pdf, transcript=model, signature_room=room), repeat),
                ),
                ("PAdES sign B-B, filled in place", timed(lambda: basic.sign(reserved), repeat)),
                (
                    "baseline: B-B by pyHanko's incremental update",
                    timed(lambda: basic.sign(packaged), repeat),
                ),
                ("PAdES sign B-LT (time-stamp, DSS)", timed(lambda: long_term.sign(packaged), repeat)),
                (
                    "verify B-B file (PAdES + XAdES + binding)",
                    timed(lambda: transcript.verify(bb, trust), repeat),
                ),
                (
                    "  the same, signed by pyHanko (8 KB room)",
                    timed(lambda: transcript.verify(bb_incremental, trust), repeat),
                ),
                (
                    "verify B-LT file, offline from its DSS",
                    timed(lambda: transcript.verify(blt, offline), repeat),
                ),
            ]
    print(f"2-page transcript, one core, median of {args.repeat} runs")
    print(f"{'operation':46} {'ms':>8}")
    for label, ms in rows:
        print(f"{label:46} {ms:8.1f}")


if __name__ == "__main__":
    import logging

    logging.getLogger("pyhanko").setLevel(logging.CRITICAL)
    logging.getLogger("pyhanko_certvalidator").setLevel(logging.CRITICAL)
    main()
