"""Time travel: what the national profile's time-stamps keep verifying years later, and what
they do not.

A test PKI made for it: a root of thirty years, an issuing CA of twenty, a registrar
certificate of two years (as registrars get them), a time-stamp authority of ten, and CRLs
of thirty days. Files are signed today and judged `at` later moments, offline, with nothing
but the root unless a test says otherwise.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import ExtendedKeyUsageOID

import transcript
from transcript.demo.pki import issue_certificate, issue_crl, new_key
from transcript.demo.pki import name as distinguished_name
from transcript.demo.tsa import LocalTimeStampAuthority
from transcript.extend import Renewal, extend_pdf
from transcript.package import build_package
from transcript.pki.keys import PrivateKey, SigningIdentity
from transcript.pki.trust import TrustSettings
from transcript.pki.tsa import TimeStampClient
from transcript.sign.pades import PdfSigner
from transcript.sign.xades import XmlSigner
from transcript.verify import Status, SubIndication, Verdict

from ..helpers import EXAMPLES

NOW = dt.datetime.now(dt.timezone.utc)
YEAR = dt.timedelta(days=365)
PEM = serialization.Encoding.PEM
SCRIPT = Path(sys.executable).parent / "transcript"


@dataclass
class LongLivedPki:
    folder: Path
    root: tuple[x509.Certificate, PrivateKey]
    ca: tuple[x509.Certificate, PrivateKey]
    registrar: SigningIdentity
    tsa_chain: Path
    tsa_key: Path

    @property
    def root_pem(self) -> Path:
        return self.folder / "root.pem"

    def crls(
        self, tag: str, *, this_update: dt.datetime, revoked: Sequence[tuple[int, dt.datetime]] = ()
    ) -> list[Path]:
        """Both CAs' CRLs as issued at `this_update`, valid thirty days."""
        paths = [self.folder / f"root-{tag}.crl", self.folder / f"ca-{tag}.crl"]
        paths[0].write_bytes(issue_crl(self.root, this_update=this_update).public_bytes(PEM))
        paths[1].write_bytes(issue_crl(self.ca, list(revoked), this_update=this_update).public_bytes(PEM))
        return paths

    def tsa(self, tag: str, *, not_before: dt.datetime, years: int) -> tuple[Path, Path]:
        """Another time-stamp authority certificate of the issuing CA (chain file, key file)."""
        key = new_key()
        certificate = issue_certificate(
            distinguished_name(f"Time-Stamp Authority {tag} (TEST ONLY)", "Siam Example University"),
            key,
            issuer=self.ca,
            extended_usage=[ExtendedKeyUsageOID.TIME_STAMPING],
            not_before=not_before,
            days=years * 365,
        )
        chain, key_file = self.folder / f"tsa-{tag}.pem", self.folder / f"tsa-{tag}-key.pem"
        chain.write_bytes(certificate.public_bytes(PEM) + self.ca[0].public_bytes(PEM))
        key_file.write_bytes(
            key.private_bytes(PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        )
        return chain, key_file

    def trust(self, at: dt.datetime | None, crls: Sequence[Path] = ()) -> TrustSettings:
        return TrustSettings.from_files([self.root_pem], crls, at=at)


@pytest.fixture(scope="module")
def pki(tmp_path_factory) -> LongLivedPki:
    folder = tmp_path_factory.mktemp("long-lived")
    start = NOW - dt.timedelta(days=1)
    root_key = new_key()
    root = issue_certificate(
        distinguished_name("Long-Lived Root (TEST ONLY)"),
        root_key,
        ca=True,
        path_length=1,
        not_before=start,
        days=30 * 365,
    )
    ca_key = new_key()
    ca = issue_certificate(
        distinguished_name("Long-Lived Issuing CA (TEST ONLY)", "Siam Example University"),
        ca_key,
        issuer=(root, root_key),
        ca=True,
        path_length=0,
        not_before=start,
        days=20 * 365,
    )
    registrar_key = new_key()
    registrar = issue_certificate(
        distinguished_name("Registrar (TEST ONLY)", "Siam Example University"),
        registrar_key,
        issuer=(ca, ca_key),
        not_before=start,
        days=2 * 365,
    )
    (folder / "root.pem").write_bytes(root.public_bytes(PEM))
    identity = SigningIdentity(registrar_key, registrar, (ca,))
    made = LongLivedPki(folder, (root, root_key), (ca, ca_key), identity, Path(), Path())
    made.tsa_chain, made.tsa_key = made.tsa("2026", not_before=start, years=10)
    made.crls("today", this_update=NOW - dt.timedelta(hours=1))
    return made


@pytest.fixture(scope="module")
def issued(pki: LongLivedPki) -> dict[str, bytes]:
    """Signed today: the national profile (XAdES-T XML, PAdES B-LTA PDF), and the short-lived
    form (XAdES-B, PAdES B-B), all from one transcript."""
    source = (EXAMPLES / "bachelor-honours.xml").read_bytes()
    trust = pki.trust(None, [pki.folder / "root-today.crl", pki.folder / "ca-today.crl"])
    identity = pki.registrar
    with LocalTimeStampAuthority(pki.tsa_chain, pki.tsa_key) as authority:
        stamps = TimeStampClient(authority.url)
        xml = XmlSigner(identity, timestamps=stamps).sign(source)
        pdf = build_package(
            xml, "en", trust=trust, signer=PdfSigner(identity, "B-LTA", stamps, trust), file_name="t.xml"
        )
    short_xml = XmlSigner(identity).sign(source)
    short_pdf = build_package(short_xml, "en", trust=trust, signer=PdfSigner(identity), file_name="t.xml")
    return {"xml": xml, "pdf": pdf, "short-xml": short_xml, "short-pdf": short_pdf}


def years_ahead(years: float) -> dt.datetime:
    return NOW + years * YEAR


def test_the_registrar_certificate_and_the_crls_are_long_gone_in_2030(pki: LongLivedPki) -> None:
    """What makes the following tests mean something."""
    assert pki.registrar.certificate.not_valid_after_utc < years_ahead(4)
    crl = x509.load_pem_x509_crl((pki.folder / "ca-today.crl").read_bytes())
    assert crl.next_update_utc is not None and crl.next_update_utc < years_ahead(4)


def test_a_national_profile_package_verifies_in_2030_offline_with_only_the_root(pki, issued) -> None:
    report = transcript.verify(issued["pdf"], pki.trust(years_ahead(4)))
    assert report.verdict is Verdict.TOTAL_PASSED, report.format()
    assert "proven by the time-stamp" in report.check("pdf-signature").detail
    assert "validation data in the file" in report.check("pdf-signature").detail
    # Its XML too, judged at the time the time-stamps prove.
    assert report.check("xml-certificate").status is Status.PASSED
    assert report.timestamp_time is not None and report.timestamp_time < NOW + dt.timedelta(minutes=5)


def test_its_xml_verifies_in_2030_with_the_crls_of_its_day(pki, issued) -> None:
    stale = [pki.folder / "root-today.crl", pki.folder / "ca-today.crl"]
    report = transcript.verify(issued["xml"], pki.trust(years_ahead(4), stale))
    assert report.verdict is Verdict.TOTAL_PASSED, report.format()
    assert report.validation_time == report.timestamp_time


def test_the_short_lived_form_is_out_of_bounds_in_2030(pki, issued) -> None:
    stale = [pki.folder / "root-today.crl", pki.folder / "ca-today.crl"]
    for name in ("short-pdf", "short-xml"):
        report = transcript.verify(issued[name], pki.trust(years_ahead(4), stale))
        assert report.verdict is Verdict.INDETERMINATE, (name, report.format())
        assert report.sub_indication is SubIndication.OUT_OF_BOUNDS_NO_POE, (name, report.format())


def test_a_registrar_certificate_revoked_after_signing_keeps_the_time_stamped_files(pki, issued) -> None:
    revoked = [(pki.registrar.certificate.serial_number, NOW + dt.timedelta(days=30))]
    later = pki.crls("revoked", this_update=NOW + dt.timedelta(days=60), revoked=revoked)
    when = NOW + dt.timedelta(days=70)
    for name in ("pdf", "xml"):
        report = transcript.verify(issued[name], pki.trust(when, later))
        assert report.verdict is Verdict.TOTAL_PASSED, (name, report.format())
    for name in ("short-pdf", "short-xml"):
        report = transcript.verify(issued[name], pki.trust(when, later))
        assert report.verdict is Verdict.INDETERMINATE, (name, report.format())
        assert report.sub_indication is SubIndication.REVOKED_NO_POE, (name, report.format())


def test_a_time_stamp_authority_revoked_before_the_validation_proves_nothing(pki, issued) -> None:
    """A time-stamp's proof lasts only while its authority stands: revoked afterwards (its key
    may have been stolen, and a thief can stamp any time), the file is judged without it."""
    tsa = x509.load_pem_x509_certificates(pki.tsa_chain.read_bytes())[0]
    revoked = [(tsa.serial_number, NOW + dt.timedelta(days=30))]
    later = pki.crls("tsa-revoked", this_update=NOW + dt.timedelta(days=60), revoked=revoked)
    report = transcript.verify(issued["pdf"], pki.trust(years_ahead(4), later))
    assert report.verdict is Verdict.INDETERMINATE, report.format()
    assert report.sub_indication is SubIndication.OUT_OF_BOUNDS_NO_POE
    assert any("proves nothing" in c.detail for c in report.checks if c.name == "pdf-timestamp")


def test_verify_at_on_the_command_line(pki, issued, tmp_path) -> None:
    pdf = tmp_path / "t.en.pdf"
    pdf.write_bytes(issued["pdf"])
    when = years_ahead(4).strftime("%Y-%m-%d")
    done = subprocess.run(
        [str(SCRIPT), "verify", str(pdf), "--trust", str(pki.root_pem), "--at", when, "--brief"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "TOTAL-PASSED" in done.stdout


# ------------------------------------------------------------------------ renewal


@pytest.fixture(scope="module")
def renewed_2035(pki: LongLivedPki, issued) -> Iterator[tuple[Renewal, TrustSettings, TimeStampClient, Any]]:
    """The national-profile package renewed in 2035: the first authority's certificate (ten
    years) has a year left; a new authority, certified for fifteen years, stamps."""
    at = years_ahead(9)
    crls = pki.crls("2035", this_update=at - dt.timedelta(days=1))
    chain, key = pki.tsa("2035", not_before=at - dt.timedelta(days=30), years=15)
    authority = LocalTimeStampAuthority(chain, key, at=at).__enter__()
    trust = pki.trust(at, crls)
    client = TimeStampClient(authority.url)
    yield extend_pdf(issued["pdf"], client, trust), trust, client, authority
    authority.__exit__(None, None, None)


def test_a_package_renewed_in_2035_verifies_in_2045(pki, issued, renewed_2035) -> None:
    renewal = renewed_2035[0]
    assert renewal.status == "extended", renewal.detail
    assert renewal.data is not None and renewal.data.startswith(issued["pdf"])  # appended only
    report = transcript.verify(renewal.data, pki.trust(years_ahead(19)))
    assert report.verdict is Verdict.TOTAL_PASSED, report.format()
    assert report.level == "PAdES-B-LTA"
    stamps = [c for c in report.checks if c.name == "pdf-timestamp"]
    assert len(stamps) == 3 and all(c.status is Status.PASSED for c in stamps)


def test_without_renewal_the_package_proves_nothing_in_2045(pki, issued) -> None:
    """The first authority's certificate expired in 2036: nothing proves the signature."""
    report = transcript.verify(issued["pdf"], pki.trust(years_ahead(19)))
    assert report.verdict is Verdict.INDETERMINATE, report.format()
    assert report.sub_indication is SubIndication.OUT_OF_BOUNDS_NO_POE
    assert any("proves nothing" in c.detail for c in report.checks if c.name == "pdf-timestamp")


def test_renewing_again_changes_nothing(renewed_2035) -> None:
    renewal, trust, client, authority = renewed_2035
    asked = authority.requests
    again = extend_pdf(renewal.data, client, trust)
    assert again.status == "current" and again.data is None, again.detail
    assert authority.requests == asked  # no time-stamp was even asked for


def test_what_does_not_verify_is_not_renewed(pki, issued, renewed_2035) -> None:
    _, trust, client, authority = renewed_2035
    asked = authority.requests
    short = extend_pdf(issued["short-pdf"], client, trust)  # B-B, its certificate long expired
    assert short.status == "refused" and short.data is None and "OUT_OF_BOUNDS_NO_POE" in short.detail
    damaged = bytearray(issued["pdf"])
    damaged[len(damaged) // 3] ^= 0x01
    assert extend_pdf(bytes(damaged), client, trust).status == "refused"
    assert authority.requests == asked


def test_extend_on_the_command_line_replaces_the_file_atomically(pki, issued, tmp_path) -> None:
    """Today: a freshly issued package is current; --force renews it in place; the renewed
    file verifies; a file that does not verify is named and left as it was (exit 1)."""
    pdf, broken = tmp_path / "t.en.pdf", tmp_path / "broken.pdf"
    pdf.write_bytes(issued["pdf"])
    broken.write_bytes(issued["pdf"][:-200])
    common = ["--trust", str(pki.root_pem)]
    common += [arg for crl in ("root-today.crl", "ca-today.crl") for arg in ("--crl", str(pki.folder / crl))]
    with LocalTimeStampAuthority(pki.tsa_chain, pki.tsa_key) as authority:
        extend = [str(SCRIPT), "extend", str(pdf), "--tsa", authority.url, *common]
        current = subprocess.run(extend, capture_output=True, text=True, check=False)
        assert current.returncode == 0 and "current" in current.stdout, current.stdout + current.stderr
        assert pdf.read_bytes() == issued["pdf"]
        forced = subprocess.run([*extend, "--force"], capture_output=True, text=True, check=False)
        assert forced.returncode == 0 and "extended" in forced.stdout, forced.stdout + forced.stderr
        refused = subprocess.run(
            [str(SCRIPT), "extend", str(broken), "--tsa", authority.url, *common],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
    assert refused.returncode == 1 and "not renewed" in refused.stdout and "Traceback" not in refused.stderr
    assert broken.read_bytes() == issued["pdf"][:-200]
    renewed = pdf.read_bytes()
    assert len(renewed) > len(issued["pdf"]) and not list(tmp_path.glob("*.tmp"))
    assert transcript.verify(
        renewed, pki.trust(None, [pki.folder / "root-today.crl", pki.folder / "ca-today.crl"])
    ).ok


def test_judged_before_it_was_signed_nothing_is_proven(pki, issued) -> None:
    """`--at` before the time-stamps: they are dated after the validation time, and prove nothing."""
    today = [pki.folder / "root-today.crl", pki.folder / "ca-today.crl"]
    report = transcript.verify(issued["xml"], pki.trust(NOW - dt.timedelta(hours=2), today))
    assert report.verdict is Verdict.INDETERMINATE, report.format()
    assert report.sub_indication is SubIndication.TIMESTAMP_ORDER_FAILURE


def test_a_document_time_stamp_dated_before_the_signature_proves_nothing(pki, issued) -> None:
    """An authority whose clock says yesterday stamps the package: the chain of proofs runs
    backwards, so the renewal is refused and the file is left as it was."""
    today = pki.trust(None, [pki.folder / "root-today.crl", pki.folder / "ca-today.crl"])
    with LocalTimeStampAuthority(pki.tsa_chain, pki.tsa_key, at=NOW - dt.timedelta(hours=12)) as authority:
        renewal = extend_pdf(issued["pdf"], TimeStampClient(authority.url), today, force=True)
    assert renewal.status == "refused" and renewal.data is None
    assert "TIMESTAMP_ORDER_FAILURE" in renewal.detail, renewal.detail


# ------------------------------------------------------------ an independent implementation


def _pyhanko_lta(pdf: bytes, pki: LongLivedPki, when: dt.datetime, crls: Sequence[Path] = ()) -> Any:
    """pyHanko's own long-term validation (EN 319 102-1 clause 5.6.3, `ades_lta_validation`),
    offline, revocation required, with the root and `crls`: its sub-indication."""
    import io

    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation.ades import ades_lta_validation
    from pyhanko.sign.validation.policy_decl import (
        LocalKnowledge,
        PdfSignatureValidationSpec,
        RevinfoOnlineFetchingRule,
        RevocationInfoGatheringSpec,
        SignatureValidationSpec,
    )
    from pyhanko_certvalidator.context import CertValidationPolicySpec
    from pyhanko_certvalidator.ltv.types import ValidationTimingInfo
    from pyhanko_certvalidator.policy_decl import (
        CertRevTrustPolicy,
        RevocationCheckingPolicy,
        RevocationCheckingRule,
    )
    from pyhanko_certvalidator.registry import SimpleTrustManager
    from pyhanko_certvalidator.revinfo.archival import CRLContainer

    from transcript.pki.trust import asn1_crl, read_crl
    from transcript.util import sync

    required = RevocationCheckingRule.CRL_OR_OCSP_REQUIRED
    policy = CertValidationPolicySpec(
        trust_manager=SimpleTrustManager.build(
            trust_roots=[asn1_x509.Certificate.load(pki.root[0].public_bytes(serialization.Encoding.DER))]
        ),
        revinfo_policy=CertRevTrustPolicy(RevocationCheckingPolicy(required, required)),
    )
    offline = RevocationInfoGatheringSpec(online_fetching_rule=RevinfoOnlineFetchingRule.LOCAL_ONLY)
    given = LocalKnowledge(known_crls=[CRLContainer(asn1_crl(read_crl(path))) for path in crls])
    spec = PdfSignatureValidationSpec(
        SignatureValidationSpec(policy, revinfo_gathering_policy=offline, local_knowledge=given)
    )
    signature = PdfFileReader(io.BytesIO(pdf)).embedded_regular_signatures[0]
    timing = ValidationTimingInfo(
        validation_time=when, best_signature_time=when, point_in_time_validation=False
    )
    return sync.run(ades_lta_validation(signature, spec, timing_info=timing)).ades_subindic


def test_pyhankos_own_long_term_validation_agrees_in_2030(pki, issued) -> None:
    """An independent EN 319 102-1 implementation reaches our verdicts in 2030: the national
    profile passes, the short-lived form does not. It follows the standard where we deviate
    (docs/verification.md): it wants revocation data current in 2030 for the newest
    time-stamp's authority, so without the CRLs of 2030 it finds no proof of existence."""
    from pyhanko.sign.ades.report import AdESIndeterminate, AdESPassed

    when = years_ahead(4)
    current = pki.crls("2030", this_update=when - dt.timedelta(days=1))
    assert _pyhanko_lta(issued["pdf"], pki, when, current) is AdESPassed.OK
    assert _pyhanko_lta(issued["short-pdf"], pki, when, current) is not AdESPassed.OK
    assert _pyhanko_lta(issued["pdf"], pki, when) is AdESIndeterminate.NO_POE
    assert transcript.verify(issued["pdf"], pki.trust(when)).ok  # where we deviate, knowingly
