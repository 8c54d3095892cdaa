"""Attacks on the proofs of existence: time-stamps that prove something else, or cost hours.

The forger holds a registrar key revoked a week ago, signs a package today (XAdES-B-B,
PAdES-B-B) and tries to make it look proven earlier with genuine tokens of the trusted
authority, obtained honestly over other bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import time
from pathlib import Path

import pytest
from asn1crypto import cms
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import ExtendedKeyUsageOID
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers, timestamps

import transcript
from transcript.demo.pki import issue_certificate, new_key
from transcript.demo.pki import name as distinguished_name
from transcript.demo.tsa import LocalTimeStampAuthority
from transcript.extend import extend_pdf
from transcript.package import build_package
from transcript.pki.tsa import TimeStampClient
from transcript.sign.pades import PdfSigner, client_time_stamper
from transcript.sign.xades import XmlSigner
from transcript.verify import SubIndication, Verdict
from transcript.verify.pdf import MAX_REVISIONS_AFTER_SIGNATURE

from ..helpers import EXAMPLES
from ..pkihelp import NOW, AttackPki

DAY = dt.timedelta(days=1)
PEM = serialization.Encoding.PEM


class _OneToken(timestamps.TimeStamper):
    """Hands out one token it was given, whatever it is asked to stamp (the forger's)."""

    def __init__(self, token: bytes) -> None:
        super().__init__()
        self.token = cms.ContentInfo.load(token)

    async def async_timestamp(self, message_digest: bytes, md_algorithm: str) -> cms.ContentInfo:
        return self.token

    async def async_dummy_response(self, md_algorithm: str) -> cms.ContentInfo:
        return self.token


@pytest.fixture(scope="module")
def forger(tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("forger")
    pki = AttackPki.create(folder)
    key = new_key()
    authority = issue_certificate(
        distinguished_name("Time-Stamp Authority (TEST ONLY)", "Test University"), key,
        issuer=(pki.ca, pki.ca_key), extended_usage=[ExtendedKeyUsageOID.TIME_STAMPING],
        not_before=NOW - 400 * DAY, days=3650,
    )  # fmt: skip
    chain, key_file = folder / "tsa.pem", folder / "tsa-key.pem"
    chain.write_bytes(authority.public_bytes(PEM) + pki.ca.public_bytes(PEM))
    key_file.write_bytes(
        key.private_bytes(PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    identity = pki.identity(not_before=NOW - 60 * DAY)
    clean = pki.trust()
    xml = XmlSigner(identity).sign((EXAMPLES / "bachelor-honours.xml").read_bytes())
    pdf = build_package(xml, "en", trust=clean, signer=PdfSigner(identity), file_name="t.xml")
    pki.revoke(identity, NOW - 7 * DAY)
    memo = b"An unrelated memo, time-stamped a month ago by the trusted authority."
    with LocalTimeStampAuthority(chain, key_file, at=NOW - 30 * DAY) as old:
        token = TimeStampClient(old.url).stamp(memo)
    return {
        "pki": pki,
        "pdf": pdf,
        "trust": pki.trust(),
        "memo": memo,
        "token": token,
        "tsa": (chain, key_file),
    }


def _with_document_stamp(pdf: bytes, stamper: timestamps.TimeStamper, blob: bytes | None = None) -> bytes:
    """`pdf` with a document time-stamp revision; with `blob`, that revision also carries the
    bytes, and the time-stamp's /ByteRange is pointed at them."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    if blob is not None:
        writer.add_object(generic.StreamObject(stream_data=blob))
    out = io.BytesIO()
    signers.PdfTimeStamper(stamper, field_name="Stamp").timestamp_pdf(writer, "sha256", output=out)
    data = bytearray(out.getvalue())
    if blob is not None:
        at = bytes(data).rfind(blob)
        found = list(re.finditer(rb"/ByteRange\s*\[([^\]]*)\]", bytes(data)))[-1]
        width = found.end(1) - found.start(1)
        data[found.start(1) : found.end(1)] = f"{at} {len(blob)} {at + len(blob)} 0".encode().ljust(width)
    return bytes(data)


def test_the_forgery_without_a_stamp_is_revoked_no_poe(forger) -> None:
    report = transcript.verify(forger["pdf"], forger["trust"])
    assert (report.verdict, report.sub_indication) == (Verdict.INDETERMINATE, SubIndication.REVOKED_NO_POE)


def test_a_genuine_old_token_over_other_bytes_proves_nothing(forger) -> None:
    """The token's imprint matches the bytes its /ByteRange names, but those are the memo,
    not the document: a time-stamp proves only a whole revision."""
    forged = _with_document_stamp(forger["pdf"], _OneToken(forger["token"]), blob=forger["memo"])
    report = transcript.verify(forged, forger["trust"])
    assert report.verdict is Verdict.TOTAL_FAILED, report.format()
    assert "does not cover its whole revision" in report.check("pdf-coverage").detail
    # and renewal does not launder it
    chain, key = forger["tsa"]
    with LocalTimeStampAuthority(chain, key) as authority:
        renewal = extend_pdf(forged, TimeStampClient(authority.url), forger["trust"], force=True)
    assert renewal.status == "refused" and renewal.data is None


def test_a_byte_range_of_many_pairs_is_refused_before_any_hashing(forger) -> None:
    """A /ByteRange repeating [0 huge] makes a digest read the file once per pair: tens of
    thousands of times over. It is refused by its shape, at once."""
    stamped = _with_document_stamp(forger["pdf"], _OneToken(forger["token"]))
    found = list(re.finditer(rb"/ByteRange\s*\[([^\]]*)\]", stamped))[-1]
    pairs = b" ".join([b"0 999999999"] * 20000)
    crafted = stamped[: found.start(1)] + pairs + stamped[found.end(1) :]
    started = time.perf_counter()
    report = transcript.verify(crafted, forger["trust"])
    assert time.perf_counter() - started < 30  # a generous bound: the point is not hours
    assert report.verdict is not Verdict.TOTAL_PASSED


def test_too_many_revisions_after_the_signature_are_refused(forger) -> None:
    chain, key = forger["tsa"]
    data = forger["pdf"]
    with LocalTimeStampAuthority(chain, key) as authority:
        stamper = client_time_stamper(TimeStampClient(authority.url))
        for number in range(MAX_REVISIONS_AFTER_SIGNATURE + 1):
            writer = IncrementalPdfFileWriter(io.BytesIO(data))
            out = io.BytesIO()
            signers.PdfTimeStamper(stamper, field_name=f"Stamp{number}").timestamp_pdf(
                writer, "sha256", output=out
            )
            data = out.getvalue()
    report = transcript.verify(data, forger["trust"])
    assert (report.verdict, report.sub_indication) == (Verdict.TOTAL_FAILED, SubIndication.FORMAT_FAILURE)
    assert "revisions follow the signature" in report.check("pdf-coverage").detail


def test_a_trusted_stamp_dated_in_the_future_leaves_the_file_undecided(forger, tmp_path: Path) -> None:
    """A trusted authority whose clock runs a month ahead: its stamp precedes nothing it
    should; the file is INDETERMINATE, not passed with a warning."""
    chain, key = forger["tsa"]
    with LocalTimeStampAuthority(chain, key, at=NOW + 30 * DAY) as ahead:
        stamped = _with_document_stamp(forger["pdf"], client_time_stamper(TimeStampClient(ahead.url)))
    report = transcript.verify(stamped, forger["trust"])
    assert report.verdict is Verdict.INDETERMINATE, report.format()
    assert report.sub_indication in (SubIndication.TIMESTAMP_ORDER_FAILURE, SubIndication.REVOKED_NO_POE)
    assert any(c.sub_indication is SubIndication.TIMESTAMP_ORDER_FAILURE for c in report.checks)
