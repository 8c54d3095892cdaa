"""--edition minimal: copies for employers without the national ID, passport number and birth
date, left out of the signed XML itself (not just off the page), from `issue` and `package`."""

from __future__ import annotations

from pathlib import Path

import pikepdf

from transcript.demo.pki import create_demo_pki
from transcript.issuing.run import issue_export
from transcript.pki.trust import TrustSettings
from transcript.verify import Verdict, verify

from ..helpers import EXAMPLES
from ..issuing.test_issue import run, small_export

PERSONAL = (b'schemeID="NIDN"', b'schemeID="CCPT"', b"BirthDate")


def test_issue_minimal_leaves_the_personal_data_out_of_the_signed_xml(tmp_path: Path) -> None:
    export = small_export(tmp_path / "export", 1)
    full = issue_export(export, tmp_path / "full", jobs=1, languages=("en",), pades="B-B", timestamp=False)
    minimal = issue_export(
        export,
        tmp_path / "minimal",
        jobs=1,
        languages=("en",),
        pades="B-B",
        timestamp=False,
        edition="minimal",
    )
    assert full.ok and minimal.ok
    (full_xml,) = (tmp_path / "full").glob("6*.xml")
    (minimal_xml,) = (tmp_path / "minimal").glob("6*.xml")
    assert b"BirthDate" in full_xml.read_bytes() and b'schemeID="NIDN"' in full_xml.read_bytes()
    assert not any(p in minimal_xml.read_bytes() for p in PERSONAL)
    trust = TrustSettings.from_files(
        [tmp_path / "minimal" / "demo-pki" / "root.pem"], (tmp_path / "minimal" / "demo-pki").glob("*.crl")
    )
    report = verify(minimal_xml.read_bytes(), trust)
    assert report.verdict is Verdict.TOTAL_PASSED, report.format()
    (pdf,) = (tmp_path / "minimal").glob("6*.en.pdf")
    with pikepdf.open(pdf) as document:  # the XML inside the package is the minimal one too
        embedded = next(iter(document.attachments.values())).get_file().read_bytes()
    assert embedded == minimal_xml.read_bytes()


def test_package_minimal_signs_a_minimal_copy_again(tmp_path: Path) -> None:
    demo = create_demo_pki(tmp_path / "pki")
    signed = run(
        "sign",
        EXAMPLES / "bachelor-honours.xml",
        "--key",
        demo.registrar_p12,
        "--password-file",
        demo.password_file,
        "--out",
        tmp_path / "signed",
    )
    assert signed.returncode == 0, signed.stderr
    crls = [x for crl in demo.crls for x in ("--crl", crl)]
    done = run(
        "package",
        tmp_path / "signed" / "bachelor-honours.xml",
        "--key",
        demo.registrar_p12,
        "--password-file",
        demo.password_file,
        "--trust",
        demo.root,
        *crls,
        "--out",
        tmp_path / "pdf",
        "--lang",
        "en",
        "--pades",
        "B-B",
        "--no-timestamp",
        "--edition",
        "minimal",
    )
    assert done.returncode == 0, done.stderr
    pdf = (tmp_path / "pdf" / "bachelor-honours.en.pdf").read_bytes()
    report = verify(pdf, TrustSettings.from_files([demo.root], demo.crls))
    assert report.verdict is Verdict.TOTAL_PASSED, report.format()
    assert report.signed_xml is not None and not any(p in report.signed_xml for p in PERSONAL)
    assert report.summary.student_number == "6310500123"
    refused = run(
        "package",
        tmp_path / "signed" / "bachelor-honours.xml",
        "--key",
        demo.registrar_p12,
        "--password-file",
        demo.password_file,
        "--trust",
        demo.root,
        "--out",
        tmp_path / "x",
        "--pades",
        "B-B",
        "--no-timestamp",
        "--edition",
        "short",
    )
    assert refused.returncode == 2 and "--edition is full or minimal" in refused.stderr
