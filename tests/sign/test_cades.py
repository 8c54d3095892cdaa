"""PAdES B-B written in place: the reserved signature, its CMS, and what a verifier makes of it."""

from __future__ import annotations

import hashlib
import re

import pytest
from asn1crypto import cms, tsp
from cryptography.hazmat.primitives.serialization import Encoding

import transcript
from transcript.pdfa.container import package_pdf
from transcript.render import render_pdf
from transcript.sign.cades import SlotError, fill, has_reserved_signature
from transcript.sign.pades import PdfSigner
from transcript.sign.xades import XmlSigner
from transcript.verify import Status, Verdict

from ..helpers import EXAMPLES
from ..pkihelp import AttackPki


@pytest.fixture(scope="module")
def material(tmp_path_factory):
    pki = AttackPki.create(tmp_path_factory.mktemp("cades") / "pki")
    identity = pki.identity("rsa")
    trust = pki.trust()
    signed = XmlSigner(identity).sign((EXAMPLES / "bachelor-honours.xml").read_bytes())
    room = PdfSigner(identity).signature_room
    reserved = package_pdf(
        signed, render_pdf(signed, "en", trust=trust), file_name="t.xml", signature_room=room
    )
    return {"identity": identity, "trust": trust, "signed_xml": signed, "reserved": reserved, "room": room}


def _contents(pdf: bytes) -> tuple[list[int], bytes]:
    found = re.search(rb"/ByteRange \[ ?(\d+) (\d+) (\d+) (\d+) ?\]", pdf)
    assert found is not None
    byte_range = [int(x) for x in found.groups()]
    return byte_range, bytes.fromhex(pdf[byte_range[1] + 1 : byte_range[2] - 1].decode())


def _der(padded: bytes) -> bytes:
    """The DER value at the start of `padded` (the reserved room is zero-padded; a DER value
    may itself end in zero bytes, so its own length says where it ends)."""
    first = padded[1]
    if first < 0x80:
        return padded[: 2 + first]
    size = first & 0x7F
    return padded[: 2 + size + int.from_bytes(padded[2 : 2 + size], "big")]


def test_the_signature_covers_every_byte_but_its_own_value(material) -> None:
    signed = PdfSigner(material["identity"]).sign(material["reserved"])
    assert len(signed) == len(material["reserved"])  # filled in place, no update appended
    (start, first, second, rest), _ = _contents(signed)
    assert start == 0 and second + rest == len(signed)
    assert signed[first : first + 1] == b"<" and signed[second - 1 : second] == b">"
    assert second - first == 2 * material["room"] + 2
    assert material["room"] < 4096  # sized to the signer, not a generous constant
    assert not has_reserved_signature(signed)


def test_the_cms_is_cades_baseline(material) -> None:
    identity = material["identity"]
    signed = PdfSigner(identity).sign(material["reserved"])
    (_, first, second, _), contents = _contents(signed)
    info = cms.ContentInfo.load(_der(contents))
    data = info["content"]
    assert info["content_type"].native == "signed_data"
    assert data["encap_content_info"]["content"].native is None  # detached
    signer = data["signer_infos"][0]
    attributes = {a["type"].native: a["values"][0] for a in signer["signed_attrs"]}
    assert set(attributes) == {"content_type", "message_digest", "signing_certificate_v2"}  # no signing-time
    digest = hashlib.sha256(signed[:first] + signed[second:]).digest()
    assert attributes["message_digest"].native == digest
    certificate = identity.certificate.public_bytes(Encoding.DER)
    essential = tsp.SigningCertificateV2.load(attributes["signing_certificate_v2"].dump())["certs"][0]
    assert essential["cert_hash"].native == hashlib.sha256(certificate).digest()
    assert data["certificates"][0].chosen.dump() == certificate  # the certificate as issued, unre-encoded


def test_the_filled_package_verifies_and_an_empty_one_does_not(material) -> None:
    trust = material["trust"]
    signed = PdfSigner(material["identity"]).sign(material["reserved"])
    assert transcript.verify(signed, trust).verdict is Verdict.TOTAL_PASSED
    report = transcript.verify(material["reserved"], trust)  # the placeholder, never filled
    assert report.verdict is not Verdict.TOTAL_PASSED
    assert report.check("pdf-signature").status is not Status.PASSED


def test_a_changed_byte_of_the_filled_package_is_detected(material) -> None:
    signed = bytearray(PdfSigner(material["identity"]).sign(material["reserved"]))
    at = signed.find(b"/Title")
    signed[at + 1] ^= 0x20
    assert transcript.verify(bytes(signed), material["trust"]).verdict is not Verdict.TOTAL_PASSED


def test_fill_refuses_anything_but_one_empty_reservation(material) -> None:
    reserved = material["reserved"]
    with pytest.raises(SlotError, match="found 0"):
        fill(b"%PDF-1.7 no signature here", lambda digest: b"")
    with pytest.raises(SlotError, match="found 2"):
        fill(reserved + reserved, lambda digest: b"")
    with pytest.raises(SlotError, match="larger than its room"):
        fill(reserved, lambda digest: bytes(material["room"] + 1))


def test_without_a_reservation_the_signer_appends_an_update(material) -> None:
    xml, trust = material["signed_xml"], material["trust"]
    plain = package_pdf(xml, render_pdf(xml, "th", trust=trust), file_name="t.xml")
    signed = PdfSigner(material["identity"]).sign(plain)
    assert signed.startswith(plain)  # pyHanko's incremental update after the original bytes
    assert transcript.verify(signed, trust).verdict is Verdict.TOTAL_PASSED
