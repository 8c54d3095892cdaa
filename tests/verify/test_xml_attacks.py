"""Attacks on the XAdES verifier: unsigned places, the validation moment, who may sign, crafted structures."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from asn1crypto import keys as asn1_keys
from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import ExtendedKeyUsageOID
from lxml import etree
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

from transcript.pki.keys import SigningIdentity
from transcript.pki.trust import TrustError
from transcript.sign.xades import XmlSigner, add_signature_timestamp
from transcript.util import sync
from transcript.verify import SignerList, Status, SubIndication, Verdict, verify

from ..helpers import EXAMPLES
from ..pkihelp import NOW, AttackPki

DS = "http://www.w3.org/2000/09/xmldsig#"
XADES = "http://uri.etsi.org/01903/v1.3.2#"


@pytest.fixture(scope="module")
def pki(tmp_path_factory) -> AttackPki:
    return AttackPki.create(tmp_path_factory.mktemp("xml-attacks"))


@pytest.fixture(scope="module")
def document() -> bytes:
    return (EXAMPLES / "bachelor-honours.xml").read_bytes()


@pytest.fixture(scope="module")
def registrar(pki: AttackPki) -> SigningIdentity:
    return pki.identity()


@pytest.fixture(scope="module")
def signed(registrar: SigningIdentity, document: bytes) -> bytes:
    return XmlSigner(registrar).sign(document)


def outcome(data: bytes, pki: AttackPki, **options) -> tuple[Verdict, SubIndication | None]:
    report = verify(data, pki.trust(**options))
    return report.verdict, report.sub_indication


def _signature(root: etree._Element) -> etree._Element:
    return root.find(f"{{{DS}}}Signature")


# ------------------------------------------------- properties from unsigned places


def test_a_forged_signing_time_in_an_unsigned_object_decides_nothing(signed: bytes, pki: AttackPki) -> None:
    """An extra, unsigned ds:Object with its own SignedSignatureProperties placed first."""
    root = etree.fromstring(signed)
    signature = _signature(root)
    forged = etree.fromstring(
        f'<ds:Object xmlns:ds="{DS}" xmlns:xades="{XADES}"><xades:QualifyingProperties Target="#x">'
        "<xades:SignedProperties><xades:SignedSignatureProperties>"
        "<xades:SigningTime>2019-01-01T00:00:00Z</xades:SigningTime>"
        "</xades:SignedSignatureProperties></xades:SignedProperties></xades:QualifyingProperties></ds:Object>"
    )
    first_object = signature.find(f"{{{DS}}}Object")
    first_object.addprevious(forged)
    report = verify(etree.tostring(root), pki.trust())
    assert report.verdict is Verdict.TOTAL_FAILED
    assert report.signing_time is None or report.signing_time.year != 2019
    assert "2019" not in report.format()


def test_a_forged_signing_time_in_unsigned_properties_is_refused(signed: bytes, pki: AttackPki) -> None:
    root = etree.fromstring(signed)
    properties = root.find(f".//{{{XADES}}}QualifyingProperties")
    unsigned = etree.SubElement(properties, f"{{{XADES}}}UnsignedProperties")
    extra = etree.SubElement(unsigned, f"{{{XADES}}}SignedSignatureProperties")
    etree.SubElement(extra, f"{{{XADES}}}SigningTime").text = "2019-01-01T00:00:00Z"
    report = verify(etree.tostring(root), pki.trust())
    assert report.verdict is Verdict.TOTAL_FAILED
    assert "2019" not in report.format()


def test_the_signing_time_reported_is_the_signed_one(signed: bytes, pki: AttackPki) -> None:
    report = verify(signed, pki.trust())
    assert report.ok
    claimed = re.search(rb"<xades:SigningTime>([^<]+)</xades:SigningTime>", signed).group(1).decode()
    assert report.signing_time == dt.datetime.fromisoformat(claimed.replace("Z", "+00:00"))


# ------------------------------------------------------ crafted XAdES structures


def _crafted(signed: bytes) -> dict[str, bytes]:
    properties_id = re.search(rb'<xades:SignedProperties[^>]* Id="([^"]+)"', signed).group(1)
    time = re.search(rb"<xades:SigningTime>[^<]+</xades:SigningTime>", signed).group(0)
    return {
        "text after the signature": signed.replace(b"</ds:Signature>", b"</ds:Signature>forged text"),
        "text inside SignedInfo": signed.replace(b"<ds:SignedInfo>", b"<ds:SignedInfo>forged", 1),
        "text after a comment inside SignedInfo": signed.replace(
            b"<ds:SignedInfo>", b"<ds:SignedInfo><!-- c -->forged", 1
        ),
        "xml:id equal to the SignedProperties Id": signed.replace(
            b"<tc:TranscriptContext>", b'<tc:TranscriptContext xml:id="' + properties_id + b'">', 1
        ),
        "an Id equal to the SignedProperties Id in the content": signed.replace(
            b"<tc:TranscriptContext>", b'<tc:TranscriptContext Id="' + properties_id + b'">', 1
        ),
        "a second SigningTime": signed.replace(time, time + time, 1),
        "an extra element in QualifyingProperties": signed.replace(
            b"</xades:QualifyingProperties>", b"<xades:Extra/></xades:QualifyingProperties>", 1
        ),
        "a foreign element in SignedSignatureProperties": signed.replace(
            b"</xades:SignedSignatureProperties>",
            b'<x:Note xmlns:x="urn:x">hi</x:Note></xades:SignedSignatureProperties>',
            1,
        ),
        "a second QualifyingProperties": signed.replace(
            b"</ds:Signature>",
            b'<ds:Object><xades:QualifyingProperties Target="#y"/></ds:Object></ds:Signature>',
            1,
        ),
        "no Target": re.sub(rb' Target="[^"]*"', b"", signed, count=1),
        "SignedProperties moved out of its Object": signed.replace(
            b"<ds:Object>", b"<ds:Object><ds:Object>", 1
        ).replace(b"</ds:Object>", b"</ds:Object></ds:Object>", 1),
        "a comment between the signature's parts": signed.replace(
            b"<ds:SignatureValue", b"<!-- note --><ds:SignatureValue", 1
        ),
        "a garbled certificate": re.sub(
            rb"<ds:X509Certificate>[^<]{10}", b"<ds:X509Certificate>!!!!!!!!!!", signed, count=1
        ),
        "a garbled signing-certificate digest": re.sub(
            rb"(<xades:CertDigest>.*?<ds:DigestValue>)[^<]+",
            rb"\g<1>not base64!",
            signed,
            count=1,
            flags=re.S,
        ),
        "an empty signature": re.sub(rb"<ds:Signature[\s\S]*</ds:Signature>", b"<ds:Signature/>", signed),
        "a truncated document": signed[: len(signed) // 2],
        "the signature value removed": re.sub(
            rb"<ds:SignatureValue[^>]*>[^<]*</ds:SignatureValue>", b"", signed
        ),
    }


@pytest.mark.parametrize(
    "case",
    [
        "text after the signature",
        "text inside SignedInfo",
        "text after a comment inside SignedInfo",
        "xml:id equal to the SignedProperties Id",
        "an Id equal to the SignedProperties Id in the content",
        "a second SigningTime",
        "an extra element in QualifyingProperties",
        "a foreign element in SignedSignatureProperties",
        "a second QualifyingProperties",
        "no Target",
        "SignedProperties moved out of its Object",
        "a garbled certificate",
        "a garbled signing-certificate digest",
        "an empty signature",
        "a truncated document",
        "the signature value removed",
    ],
)
def test_crafted_structures_fail_with_a_report_not_an_exception(
    case: str, signed: bytes, pki: AttackPki
) -> None:
    data = _crafted(signed)[case]
    assert data != signed
    report = verify(data, pki.trust())
    assert report.verdict is not Verdict.TOTAL_PASSED
    assert report.sub_indication is not None
    assert report.reason
    report.to_json()
    report.format()
    report.brief()


def test_a_comment_between_the_signatures_parts_is_harmless(signed: bytes, pki: AttackPki) -> None:
    """Comments are not text: a signature with one still verifies (the signature excludes them)."""
    data = _crafted(signed)["a comment between the signature's parts"]
    assert verify(data, pki.trust()).verdict is Verdict.TOTAL_PASSED
    at_the_end_of_a_value = signed.replace(b"</ds:SignatureValue>", b"<!-- c --></ds:SignatureValue>", 1)
    assert verify(at_the_end_of_a_value, pki.trust()).verdict is Verdict.TOTAL_PASSED


def test_a_signature_of_other_bytes_with_the_right_shape(
    signed: bytes, document: bytes, pki: AttackPki
) -> None:
    other = XmlSigner(pki.identity()).sign(document.replace(b"Somying", b"Somchai"))
    spliced = signed[: signed.index(b"<ds:Signature")] + other[other.index(b"<ds:Signature") :]
    assert outcome(spliced, pki) == (Verdict.TOTAL_FAILED, "HASH_FAILURE")


# ----------------------------------------------------------- the validation moment


def test_a_key_revoked_today_signing_now_with_an_earlier_claim_does_not_pass(
    document: bytes, tmp_path: Path
) -> None:
    local = AttackPki.create(tmp_path / "revoked")
    identity = local.identity()
    local.revoke(identity, NOW - dt.timedelta(days=1))
    backdated = XmlSigner(identity, clock=lambda: NOW - dt.timedelta(days=30)).sign(document)
    report = verify(backdated, local.trust())
    assert (report.verdict, report.sub_indication) == (Verdict.INDETERMINATE, "REVOKED_NO_POE")
    assert report.check("certificate").status is Status.INDETERMINATE
    assert report.validation_time is not None and report.validation_time > NOW - dt.timedelta(minutes=5)


def test_an_expired_key_claiming_an_earlier_time_does_not_pass(pki: AttackPki, document: bytes) -> None:
    old = pki.identity(not_before=NOW - dt.timedelta(days=100), days=30)
    claimed = NOW - dt.timedelta(days=90)
    data = XmlSigner(old, clock=lambda: claimed).sign(document)
    assert outcome(data, pki) == (Verdict.INDETERMINATE, "OUT_OF_BOUNDS_NO_POE")
    assert outcome(data, pki, at=claimed)[0] is Verdict.TOTAL_PASSED  # judged as of then (--at)


class _FixedTimeStamps:
    """A time-stamp authority of the test PKI that stamps a chosen time."""

    def __init__(self, pki: AttackPki, when: dt.datetime) -> None:
        identity = pki.identity(
            common_name="Test TSA (TEST ONLY)",
            key_usage=("digital_signature",),
            extended_usage=[ExtendedKeyUsageOID.TIME_STAMPING],
            not_before=NOW - dt.timedelta(days=700),
        )
        key = asn1_keys.PrivateKeyInfo.load(
            identity.key.private_bytes(
                serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
        certificate = asn1_x509.Certificate.load(
            identity.certificate.public_bytes(serialization.Encoding.DER)
        )
        chain = [asn1_x509.Certificate.load(pki.ca.public_bytes(serialization.Encoding.DER))]
        self.stamper = DummyTimeStamper(certificate, key, certs_to_embed=chain, fixed_dt=when)

    def stamp(self, data: bytes) -> bytes:
        import hashlib

        request = tsp.TimeStampReq(
            {
                "version": "v1",
                "message_imprint": {
                    "hash_algorithm": {"algorithm": "sha256"},
                    "hashed_message": hashlib.sha256(data).digest(),
                },
                "cert_req": True,
            }
        )
        return sync.run(self.stamper.async_request_tsa_response(request))["time_stamp_token"].dump()


def _stamped(
    identity: SigningIdentity, document: bytes, authority: _FixedTimeStamps, claimed: dt.datetime
) -> bytes:
    signed = XmlSigner(identity, clock=lambda: claimed).sign(document)
    root = etree.fromstring(signed)
    add_signature_timestamp(root, authority)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def test_a_time_stamp_before_the_revocation_keeps_the_signature_valid(
    document: bytes, tmp_path: Path
) -> None:
    local = AttackPki.create(tmp_path / "stamped")
    identity = local.identity(not_before=NOW - dt.timedelta(days=60))
    then = NOW - dt.timedelta(days=10)
    data = _stamped(identity, document, _FixedTimeStamps(local, then), then)
    local.revoke(identity, NOW - dt.timedelta(days=1))
    report = verify(data, local.trust())
    assert report.verdict is Verdict.TOTAL_PASSED, report.format()
    assert report.timestamp_time == then.replace(microsecond=0) or abs(
        report.timestamp_time - then
    ) < dt.timedelta(seconds=1)
    assert report.validation_time == report.timestamp_time


def test_a_time_stamp_after_the_revocation_fails(document: bytes, tmp_path: Path) -> None:
    local = AttackPki.create(tmp_path / "late")
    identity = local.identity(not_before=NOW - dt.timedelta(days=60))
    local.revoke(identity, NOW - dt.timedelta(days=20))
    then = NOW - dt.timedelta(days=10)
    data = _stamped(identity, document, _FixedTimeStamps(local, then), NOW - dt.timedelta(days=30))
    assert outcome(data, local) == (Verdict.TOTAL_FAILED, "REVOKED")


def test_a_time_stamp_earlier_than_the_claimed_signing_time_is_reported(
    document: bytes, pki: AttackPki, registrar: SigningIdentity
) -> None:
    then = NOW - dt.timedelta(days=2)
    data = _stamped(registrar, document, _FixedTimeStamps(pki, then), NOW - dt.timedelta(days=1))
    report = verify(data, pki.trust())
    check = report.check("signed-properties")
    assert check.status is Status.WARNING and "claim is wrong" in check.detail
    assert report.check("timestamp").status is Status.PASSED


# ----------------------------------------------------------------- who may sign


@pytest.mark.parametrize(
    ("usage", "allowed"),
    [
        ([ExtendedKeyUsageOID.SERVER_AUTH], False),
        ([ExtendedKeyUsageOID.CLIENT_AUTH], False),
        ([ExtendedKeyUsageOID.CODE_SIGNING], False),
        ([ExtendedKeyUsageOID.TIME_STAMPING], False),
        ([ExtendedKeyUsageOID.OCSP_SIGNING], False),
        ([ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH], False),
        ([ExtendedKeyUsageOID.CLIENT_AUTH, ExtendedKeyUsageOID.EMAIL_PROTECTION], True),
        ([ExtendedKeyUsageOID.ANY_EXTENDED_KEY_USAGE], True),
    ],
)
def test_extended_key_usage_must_allow_document_signing(
    usage, allowed: bool, pki: AttackPki, document: bytes
) -> None:
    identity = pki.identity(common_name="Registrar (TEST ONLY)", extended_usage=usage)
    report = verify(XmlSigner(identity).sign(document), pki.trust())
    if allowed:
        assert report.verdict is Verdict.TOTAL_PASSED, report.format()
    else:
        assert (report.verdict, report.sub_indication) == (Verdict.INDETERMINATE, "CHAIN_CONSTRAINTS_FAILURE")
        assert "not for signing documents" in report.check("signer").detail


def test_another_organisation_under_the_same_ca_may_not_sign(pki: AttackPki, document: bytes) -> None:
    identity = pki.identity(common_name="Registrar (TEST ONLY)", organization="Other University")
    report = verify(XmlSigner(identity).sign(document), pki.trust())
    assert (report.verdict, report.sub_indication) == (Verdict.INDETERMINATE, "SIG_CONSTRAINTS_FAILURE")
    assert "Other University" in report.check("signer").detail


def test_a_certificate_without_an_organisation_may_not_sign(pki: AttackPki, document: bytes) -> None:
    from transcript.demo.pki import issue_certificate, name, new_key

    key = new_key()
    certificate = issue_certificate(name("Somebody (TEST ONLY)"), key, issuer=(pki.ca, pki.ca_key))
    identity = SigningIdentity(key, certificate, (pki.ca,))
    assert outcome(XmlSigner(identity).sign(document), pki) == (
        Verdict.INDETERMINATE,
        "SIG_CONSTRAINTS_FAILURE",
    )


def test_the_organisation_is_compared_without_case_and_spacing(pki: AttackPki, document: bytes) -> None:
    identity = pki.identity(organization="  SIAM   example university ")
    assert outcome(XmlSigner(identity).sign(document), pki)[0] is Verdict.TOTAL_PASSED
    thai = pki.identity(organization="มหาวิทยาลัยสยามตัวอย่าง")
    assert outcome(XmlSigner(thai).sign(document), pki)[0] is Verdict.TOTAL_PASSED


def _signer_list(folder: Path, *identities: SigningIdentity, names=("Siam Example University",)) -> Path:
    import hashlib

    prints = [
        hashlib.sha256(i.certificate.public_bytes(serialization.Encoding.DER)).hexdigest() for i in identities
    ]
    path = folder / "signers.toml"
    quoted = ", ".join(f'"{n}"' for n in names)
    path.write_text(
        f"[[institution]]\nnames = [{quoted}]\ncertificates = [{', '.join(repr(p) for p in prints)}]\n",
        encoding="utf-8",
    )
    return path


def test_a_signer_list_names_exactly_who_may_sign(
    pki: AttackPki, registrar: SigningIdentity, signed: bytes, document: bytes, tmp_path: Path
) -> None:
    allowed = _signer_list(tmp_path, registrar)
    assert verify(signed, pki.trust(), signers=allowed).verdict is Verdict.TOTAL_PASSED
    colleague = XmlSigner(pki.identity(common_name="Someone Else (TEST ONLY)")).sign(document)
    assert (
        verify(colleague, pki.trust()).verdict is Verdict.TOTAL_PASSED
    )  # same organisation: the default allows
    report = verify(colleague, pki.trust(), signers=SignerList.from_file(allowed))
    assert (report.verdict, report.sub_indication) == (Verdict.INDETERMINATE, "SIG_CONSTRAINTS_FAILURE")
    assert "signer list" in report.check("signer").detail
    other = XmlSigner(pki.identity(organization="Other University")).sign(document)
    listed = _signer_list(tmp_path, pki.identity(organization="Other University"))
    assert verify(other, pki.trust(), signers=listed).verdict is Verdict.INDETERMINATE  # another certificate


def test_a_signer_list_can_allow_another_organisation(
    pki: AttackPki, document: bytes, tmp_path: Path
) -> None:
    identity = pki.identity(organization="National Test University")
    data = XmlSigner(identity).sign(document)
    assert verify(data, pki.trust()).verdict is Verdict.INDETERMINATE
    listed = _signer_list(tmp_path, identity, names=("มหาวิทยาลัยสยามตัวอย่าง",))
    assert verify(data, pki.trust(), signers=listed).verdict is Verdict.TOTAL_PASSED
    elsewhere = _signer_list(tmp_path, identity, names=("Another University",))
    assert verify(data, pki.trust(), signers=elsewhere).verdict is Verdict.INDETERMINATE


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("not toml = = =", "not a TOML"),
        ("[other]\nx = 1\n", r"no \[\[institution\]\]"),
        ("[[institution]]\nnames = []\ncertificates = []\n", "'names'"),
        ('[[institution]]\nnames = ["A"]\ncertificates = ["abc"]\n', "not a SHA-256"),
        ('[[institution]]\nnames = ["A"]\ncertificates = []\ncolour = "red"\n', "unknown key"),
    ],
)
def test_a_bad_signer_list_is_a_clear_error(text: str, complaint: str, tmp_path: Path) -> None:
    path = tmp_path / "signers.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(TrustError, match=complaint) as caught:
        SignerList.from_file(path)
    assert str(path) in str(caught.value)


def test_several_appended_signatures_get_a_diagnosis_each(
    registrar: SigningIdentity, signed: bytes, pki: AttackPki
) -> None:
    """The Thailand digital transcript pipeline appends a dean's and a seal's signature after
    the registrar's; each enveloped transform removes only its own signature, so each but the
    last is broken by those after it. One report says so, signature by signature."""
    from signxml import DigestAlgorithm, SignatureConstructionMethod, SignatureMethod

    from transcript.model.constants import C14N_INCLUSIVE
    from transcript.sign.xades import _TranscriptXAdESSigner

    appender = _TranscriptXAdESSigner(
        lambda: NOW,
        "v1",
        method=SignatureConstructionMethod.enveloped,
        signature_algorithm=SignatureMethod.RSA_SHA256,
        digest_algorithm=DigestAlgorithm.SHA256,
        c14n_algorithm=C14N_INCLUSIVE,
    )
    twice = appender.sign(etree.fromstring(signed), key=registrar.key, cert=registrar.certificates)
    thrice = appender.sign(twice, key=registrar.key, cert=registrar.certificates)
    report = verify(etree.tostring(thrice), pki.trust())
    assert (report.verdict, report.sub_indication) == (Verdict.TOTAL_FAILED, "FORMAT_FAILURE")
    assert "3 signatures" in report.check("structure").detail
    assert "before signature 2 was appended" in report.check("signature-1").detail
    assert "before signature 3 was appended" in report.check("signature-2").detail
    assert "the last one made" in report.check("signature-3").detail
    tampered = etree.tostring(thrice).replace(b"Somying", b"Somchai", 1)
    again = verify(tampered, pki.trust())
    assert all("matches no state" in again.check(f"signature-{n}").detail for n in (1, 2, 3))


def test_many_signatures_are_counted_not_each_diagnosed(signed: bytes, pki: AttackPki) -> None:
    """A document of hundreds of signatures would cost a copy of itself per diagnosis."""
    root = etree.fromstring(signed)
    signature = etree.tostring(root[-1])
    for number in range(200):
        root.append(etree.fromstring(signature.replace(b'Id="', f'Id="n{number}-'.encode())))
    report = verify(etree.tostring(root), pki.trust())
    assert report.verdict is Verdict.TOTAL_FAILED and "201 signatures" in report.check("structure").detail
    assert report.check("signature-1") is None
