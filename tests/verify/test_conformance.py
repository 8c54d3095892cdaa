"""Files made by the national reference signers (ETDA's XAdES signer, built on xades4j), judged right.

The files, their certificates, CRLs and expected verdicts come with the project's shared
conformance material (beside the repository); the CRLs are current from 2026-11-30 for 30
days, so the files are judged at a fixed moment inside that window.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from transcript.pki.trust import TrustSettings
from transcript.verify import Status, Verdict, verify

from ..helpers import ROOT

FILES = ROOT.parent / "shared" / "conformance" / "etda-signer"
MOMENT = dt.datetime(2026, 12, 1, tzinfo=dt.timezone.utc)

pytestmark = pytest.mark.skipif(
    not FILES.is_dir(), reason="the shared conformance files are not beside the repository"
)


def _trust(pki: str, roots: str, intermediate: str) -> TrustSettings:
    folder = FILES / pki
    return TrustSettings.from_files(
        [folder / roots], sorted(folder.glob("*.crl")), at=MOMENT, intermediates=[folder / intermediate]
    )


def test_an_etda_signed_file_passes_with_its_signer_list() -> None:
    data = (FILES / "bachelor.etda-bes.xml").read_bytes()
    report = verify(data, _trust("pki-a", "root.pem", "ica.pem"), signers=FILES / "pki-a" / "signers.toml")
    assert report.verdict is Verdict.TOTAL_PASSED, report.format()
    assert report.summary is not None and report.summary.student_number == "6310500123"


def test_without_the_signer_list_another_organisations_signer_is_not_enough() -> None:
    """The certificate names National Test University; the transcript, Siam Example University."""
    data = (FILES / "bachelor.etda-bes.xml").read_bytes()
    report = verify(data, _trust("pki-a", "root.pem", "ica.pem"))
    assert (report.verdict, report.sub_indication) == (Verdict.INDETERMINATE, "SIG_CONSTRAINTS_FAILURE")
    assert report.check("signature").status is Status.PASSED  # the signature itself is intact


def test_the_issuing_ca_is_needed_as_an_intermediate() -> None:
    data = (FILES / "bachelor.etda-bes.xml").read_bytes()
    folder = FILES / "pki-a"
    trust = TrustSettings.from_files([folder / "root.pem"], sorted(folder.glob("*.crl")), at=MOMENT)
    report = verify(data, trust, signers=folder / "signers.toml")
    assert (report.verdict, report.sub_indication) == (Verdict.INDETERMINATE, "NO_CERTIFICATE_CHAIN_FOUND")


def test_an_etda_xades_t_file_is_judged_at_its_time_stamp() -> None:
    data = (FILES / "bachelor.etda-t.xml").read_bytes()
    report = verify(data, _trust("pki-b", "root.pem", "issuing-ca.pem"))
    assert report.verdict is Verdict.TOTAL_PASSED, report.format()
    assert report.timestamp_time is not None
    assert report.validation_time == report.timestamp_time
    assert report.check("timestamp").status is Status.PASSED


def test_the_etda_t_file_judged_long_after_still_uses_its_time_stamp() -> None:
    """As of 2027 the CRLs are stale: judged at the time-stamp's time, retroactive revocation
    data is accepted; nothing else moves the moment."""
    data = (FILES / "bachelor.etda-t.xml").read_bytes()
    folder = FILES / "pki-b"
    trust = TrustSettings.from_files(
        [folder / "root.pem"],
        sorted(folder.glob("*.crl")),
        at=dt.datetime(2027, 3, 1, tzinfo=dt.timezone.utc),
        intermediates=[folder / "issuing-ca.pem"],
    )
    report = verify(data, trust)
    assert report.validation_time == report.timestamp_time
    assert report.verdict is not Verdict.TOTAL_FAILED


@pytest.mark.parametrize("name", sorted(p.name for p in FILES.glob("*.*")) if FILES.is_dir() else [])
def test_every_conformance_file_gets_a_report(name: str) -> None:
    data = (FILES / name).read_bytes()
    report = verify(data, _trust("pki-a", "root.pem", "ica.pem"))
    report.to_json()
    report.format()


def test_revocation_data_inside_a_pdf_signature_is_used() -> None:
    """ETDA's PAdES signer writes adbe.pkcs7.detached with the CRLs in the signed attribute
    adbe-revocationInfoArchival and no DSS: the file verifies offline, from its own data."""
    data = (FILES / "etda-style-adbe.pdf").read_bytes()
    offline = TrustSettings.from_files([FILES / "pki-b" / "root.pem"], at=MOMENT)  # no CRL given
    report = verify(data, offline)
    assert report.verdict is Verdict.TOTAL_PASSED, report.format()
    assert report.check("pdf-signature").status is Status.PASSED


@pytest.mark.parametrize("name", ["etda-sample.etda-bes.xml", "sample-nopi.etda-bes.xml"])
def test_the_public_etda_sample_signed_by_etdas_signer_is_intact(name: str, tmp_path: Path) -> None:
    """The sample starts with an <?xml-model?> instruction that URI="" covers (xmlsec1,
    python-xmlsec and xades4j agree); its 14-digit NIDN is a business-rule error, not a broken
    signature. Its signer is allowed for the sample's institution by a signer list."""
    data = (FILES / name).read_bytes()
    trust = _trust("pki-a", "root.pem", "ica.pem")
    report = verify(data, trust)
    assert report.check("signature").status is Status.PASSED, report.format()
    assert report.check("content").status is Status.WARNING
    assert (report.verdict, report.sub_indication) == (Verdict.INDETERMINATE, "SIG_CONSTRAINTS_FAILURE")
    allowed = tmp_path / "signers.toml"
    fingerprint = (FILES / "pki-a" / "signers.toml").read_text().split('certificates = ["')[1].split('"')[0]
    allowed.write_text(
        f'[[institution]]\nnames = ["มหาวิทยาลัยตัวอย่าง"]\ncertificates = ["{fingerprint}"]\n', encoding="utf-8"
    )
    assert verify(data, trust, signers=allowed).verdict is Verdict.TOTAL_PASSED
