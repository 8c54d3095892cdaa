"""Verifying from many threads at once, as the verification page does (its thread pool)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from ..helpers import ROOT

SCRIPT = textwrap.dedent(
    """
    import sys
    from concurrent.futures import ThreadPoolExecutor
    from pathlib import Path

    sys.path.insert(0, str(Path(sys.argv[1])))
    import transcript
    from transcript.demo.pki import create_demo_pki
    from transcript.package import build_package
    from transcript.pki.keys import load_identity, password_from
    from transcript.pki.trust import TrustSettings
    from transcript.sign.pades import PdfSigner
    from transcript.sign.xades import XmlSigner

    demo = create_demo_pki(Path(sys.argv[2]))
    identity = load_identity(demo.registrar_p12, password=password_from(password_file=demo.password_file))
    trust = TrustSettings.from_files([demo.root], demo.crls)
    examples = Path(sys.argv[1]) / "examples" / "transcripts"
    pdfs = []
    for name in ("bachelor-honours", "master-thesis", "transfer-su"):
        xml = XmlSigner(identity).sign((examples / f"{name}.xml").read_bytes())
        pdfs.append(build_package(xml, "th", trust=trust, signer=PdfSigner(identity), file_name="t.xml"))
    with ThreadPoolExecutor(8) as pool:
        verdicts = list(pool.map(lambda n: transcript.verify(pdfs[n % 3], trust).verdict.value, range(48)))
    print(sorted(set(verdicts)))
    """
)


def test_packages_verified_from_eight_threads_at_once(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """PDFium may not be used from two threads at once: the pages check takes a lock. Run in a
    process of its own, since without the lock the process crashes rather than fails."""
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(ROOT), str(tmp_path / "pki")],
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "['TOTAL-PASSED']"
