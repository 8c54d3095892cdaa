"""XAdES signing and verification: the national profile, interoperability, and attacks."""

from __future__ import annotations

import base64
import datetime as dt
import re
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

import transcript
from transcript.demo.pki import create_demo_pki
from transcript.demo.tsa import LocalTimeStampAuthority
from transcript.pki.keys import SigningKeyError, load_identity, password_from
from transcript.pki.trust import RevocationPolicy
from transcript.pki.tsa import TimeStampClient, TimeStampError
from transcript.sign.xades import C14N_INCLUSIVE, SigningError, XmlSigner
from transcript.verify import Status, Verdict, verify

from ..helpers import EXAMPLES, ROOT, require_tool
from ..pkihelp import NOW, AttackPki

DS = "http://www.w3.org/2000/09/xmldsig#"
SCRIPT = Path(sys.executable).parent / "transcript"


@pytest.fixture(scope="module")
def pki(tmp_path_factory) -> AttackPki:
    return AttackPki.create(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="module")
def registrar(pki: AttackPki):
    return pki.identity()


@pytest.fixture(scope="module")
def document() -> bytes:
    return (EXAMPLES / "bachelor-honours.xml").read_bytes()


@pytest.fixture(scope="module")
def signed(registrar, document: bytes) -> bytes:
    return XmlSigner(registrar).sign(document)


def outcome(data: bytes, pki: AttackPki, **options) -> tuple[Verdict, str | None]:
    report = verify(data, pki.trust(**options))
    return report.verdict, report.sub_indication


# ------------------------------------------------------------ the profile


def test_signature_follows_the_national_profile(signed: bytes) -> None:
    root = etree.fromstring(signed)
    signature = root[-1]
    assert signature.tag == f"{{{DS}}}Signature"
    assert root.findall(f".//{{{DS}}}Signature") == [signature]
    info = signature.find(f"{{{DS}}}SignedInfo")
    assert info.find(f"{{{DS}}}CanonicalizationMethod").get("Algorithm") == C14N_INCLUSIVE
    assert info.find(f"{{{DS}}}SignatureMethod").get("Algorithm").endswith("rsa-sha256")
    references = info.findall(f"{{{DS}}}Reference")
    document_ref = [r for r in references if r.get("URI") == ""]
    assert len(document_ref) == 1
    transforms = [t.get("Algorithm") for t in document_ref[0].iter(f"{{{DS}}}Transform")]
    assert transforms[0].endswith("#enveloped-signature")
    assert all(r.find(f"{{{DS}}}DigestMethod").get("Algorithm").endswith("sha256") for r in references)
    xades = "http://uri.etsi.org/01903/v1.3.2#"
    assert signature.find(f".//{{{xades}}}SigningTime") is not None
    # The signing certificate as ETDA's signer names it (XAdES 1.3.2 v1, SHA-256, IssuerSerial),
    # which xades4j, inside the national tools, requires.
    cert = signature.find(f".//{{{xades}}}SigningCertificate/{{{xades}}}Cert")
    assert cert is not None and signature.find(f".//{{{xades}}}SigningCertificateV2") is None
    assert cert.find(f"{{{xades}}}CertDigest/{{{DS}}}DigestMethod").get("Algorithm").endswith("#sha256")
    assert cert.find(f"{{{xades}}}IssuerSerial/{{{DS}}}X509SerialNumber").text.isdigit()
    assert len(signature.findall(f"{{{DS}}}KeyInfo/{{{DS}}}X509Data/{{{DS}}}X509Certificate")) == 2


def test_sign_and_verify(signed: bytes, pki: AttackPki, document: bytes) -> None:
    report = verify(signed, pki.trust())
    assert report.verdict is Verdict.TOTAL_PASSED, report.format()
    assert [c.name for c in report.checks] == [
        "input", "structure", "signature", "signed-properties", "timestamp", "certificate", "content",
        "signer",
    ]  # fmt: skip
    assert report.signer.common_name == "Registrar (TEST ONLY)"
    assert report.summary.student_number == "6310500123"
    assert report.summary.student_name == {"th": "นางสาวสมหญิง ใจดีมาก", "en": "Miss Somying Jaidimak"}
    assert report.summary.gpax == "3.77"
    # What the verifier shows is what was signed: the canonical form of the input document.
    assert report.signed_xml == etree.tostring(etree.fromstring(document), method="c14n")


def test_ecdsa_p256(pki: AttackPki, document: bytes) -> None:
    identity = pki.identity("ec")
    data = XmlSigner(identity).sign(document)
    assert b"ecdsa-sha256" in data
    assert verify(data, pki.trust()).verdict is Verdict.TOTAL_PASSED


def test_invalid_input_is_not_signed(registrar, sample_bytes: bytes, signed: bytes) -> None:
    with pytest.raises(transcript.InvalidDocument) as caught:
        XmlSigner(registrar).sign(sample_bytes)  # the 14-digit national ID
    assert caught.value.problems[0].code == "ID001"
    with pytest.raises(SigningError, match="already signed"):
        XmlSigner(registrar, check_content=False).sign(signed)


def test_signer_is_reused_for_many_documents(registrar, example_paths, pki: AttackPki) -> None:
    signer = XmlSigner(registrar)
    for path in example_paths:
        data = path.read_bytes()
        signed = signer.sign(data)
        assert signed.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<tc:Transcript')
        report = verify(signed, pki.trust())
        assert report.ok and report.signed_xml == etree.tostring(etree.fromstring(data), method="c14n")


def test_the_signed_document_is_the_input_with_a_signature_added(
    registrar, pki: AttackPki, document: bytes
) -> None:
    """Nothing of the input changes on signing, comments in Thai included (only the
    signature is added, as the last child of Transcript)."""
    commented = document.replace(b"<tc:Transcript ", "<!-- ใบแสดงผลการเรียน -->\n<tc:Transcript ".encode(), 1)
    root = etree.fromstring(commented)
    root[0].addprevious(etree.Comment(" เลขบัตรประจำตัวประชาชน 13 หลัก "))
    unsigned = etree.tostring(root, encoding="UTF-8", xml_declaration=True)
    signed = XmlSigner(registrar).sign(unsigned)
    assert "<!-- เลขบัตรประจำตัวประชาชน 13 หลัก -->".encode() in signed
    signed_root = etree.fromstring(signed)
    signature = signed_root[-1]
    signed_root.remove(signature)
    assert etree.tostring(signed_root, encoding="UTF-8") == etree.tostring(root, encoding="UTF-8")
    assert verify(signed, pki.trust()).verdict is Verdict.TOTAL_PASSED


def test_signxml_copies_made_by_deep_copy_are_the_copies_it_makes(
    example_paths, signed: bytes, sample_bytes: bytes
) -> None:
    """A root element is deep-copied, the same canonical form as signxml's copy by text (its
    text copy also turns Thai in comments into character references; a deep copy keeps
    them); an inner element, whose ancestors declare namespaces, is copied signxml's way."""
    from signxml.xades import XAdESVerifier

    from transcript.sign.xmlsig import RootCopying

    class Copying(RootCopying, XAdESVerifier):
        pass

    ours, library = Copying(), XAdESVerifier()
    for data in [p.read_bytes() for p in example_paths] + [signed]:
        root = etree.fromstring(data)
        inner = root[-1]
        for element in (root, inner):
            mine = ours._fromstring(ours._tostring(element))
            theirs = library._fromstring(library._tostring(element))
            for comments in (False, True):
                c14n = {"method": "c14n", "with_comments": comments}
                assert etree.tostring(mine, **c14n) == etree.tostring(theirs, **c14n)
        assert ours._fromstring(ours._tostring(root)) is not root
        assert type(ours._tostring(inner)) is bytes  # not the root: serialised as signxml does
    sample = etree.fromstring(sample_bytes)  # its comments are in Thai
    mine = ours._fromstring(ours._tostring(sample))
    theirs = library._fromstring(library._tostring(sample))
    c14n = {"method": "c14n", "with_comments": False}
    assert etree.tostring(mine, **c14n) == etree.tostring(theirs, **c14n)
    assert etree.tostring(mine, encoding="unicode") == etree.tostring(sample, encoding="unicode")
    assert "เลขบัตรประจำตัวประชาชน" in etree.tostring(mine, encoding="unicode")


# ----------------------------------------------------------- interoperability


def _xmlsec_verify(path: Path, pki: AttackPki) -> subprocess.CompletedProcess[str]:
    xmlsec1 = require_tool("xmlsec1")
    root, _ = pki.write()
    ca = pki.folder / "ca.pem"
    ca.write_bytes(pki.ca.public_bytes(serialization.Encoding.PEM))
    return subprocess.run(
        [
            xmlsec1, "--verify", "--trusted-pem", str(root), "--untrusted-pem", str(ca),
            "--id-attr:Id", "SignedProperties", "--id-attr:Id", "KeyInfo", str(path),
        ],
        capture_output=True,
        text=True,
    )  # fmt: skip


@pytest.mark.parametrize("kind", ["rsa", "ec"])
def test_xmlsec1_accepts_our_signatures(kind: str, pki: AttackPki, document: bytes, tmp_path: Path) -> None:
    path = tmp_path / "signed.xml"
    path.write_bytes(XmlSigner(pki.identity(kind)).sign(document))
    run = _xmlsec_verify(path, pki)
    assert run.returncode == 0 and "OK" in run.stderr + run.stdout, run.stderr


def test_xmlsec1_rejects_a_tampered_signature(signed: bytes, pki: AttackPki, tmp_path: Path) -> None:
    path = tmp_path / "tampered.xml"
    path.write_bytes(signed.replace(b"<tc:TotalGPAX>3.77<", b"<tc:TotalGPAX>3.99<"))
    assert _xmlsec_verify(path, pki).returncode != 0


def test_we_accept_a_signature_made_by_xmlsec1(pki: AttackPki, document: bytes, tmp_path: Path) -> None:
    """xmlsec1 signs a template with the same XAdES structure; our verifier accepts it."""
    identity = pki.identity()
    ours = XmlSigner(identity).sign(document)
    made = _xmlsec1_sign(etree.fromstring(ours), identity, tmp_path)
    assert made != ours
    report = verify(made, pki.trust())
    assert report.verdict is Verdict.TOTAL_PASSED, report.format()


# ------------------------------------------------------------------- attacks


def _resign_without_checks(registrar, data: bytes) -> bytes:
    return XmlSigner(registrar, check_content=False).sign(data)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (b"<tc:TotalGPAX>3.77<", b"<tc:TotalGPAX>3.78<"),  # a value
        (b'languageID="en">Somying<', b'languageID="EN">Somying<'),  # an attribute
        (b"</tc:AdditionalInformation>", b"<tc:Hons>Summa</tc:Hons></tc:AdditionalInformation>"),  # added
        (b'<tc:SchoolLevel languageID="en">Higher Education</tc:SchoolLevel>', b""),  # removed
        (
            b"\xe0\xb8\xaa\xe0\xb8\xa1\xe0\xb8\xab\xe0\xb8\x8d\xe0\xb8\xb4\xe0\xb8\x87",
            "สมหญ่ง".encode(),
        ),  # Thai
    ],
)
def test_any_change_to_the_content_is_detected(signed: bytes, pki: AttackPki, old: bytes, new: bytes) -> None:
    assert old in signed
    verdict, sub = outcome(signed.replace(old, new, 1), pki)
    assert (verdict, sub) == (Verdict.TOTAL_FAILED, "HASH_FAILURE")


def test_signature_wrapping_is_detected(signed: bytes, pki: AttackPki) -> None:
    root = etree.fromstring(signed)
    signature = root[-1]
    # The signed transcript moved away (into a wrapper element) and a forged one in its place.
    forged = etree.fromstring(signed)
    forged.remove(forged[-1])
    forged.find(".//{*}TotalGPAX").text = "4.00"
    wrapper = etree.SubElement(forged, f"{{{DS}}}Object")
    original = etree.fromstring(signed)
    wrapper.append(original)
    data = etree.tostring(forged)
    assert verify(data, pki.trust()).verdict is Verdict.TOTAL_FAILED
    # The signature moved to the forged document (still the last child).
    forged2 = etree.fromstring(signed)
    forged2.find(".//{*}TotalGPAX").text = "4.00"
    assert outcome(etree.tostring(forged2), pki) == (Verdict.TOTAL_FAILED, "HASH_FAILURE")
    # A second Transcript added after the signature.
    root.append(etree.fromstring(etree.tostring(etree.fromstring(signed))))
    assert signature is not root[-1]
    assert verify(etree.tostring(root), pki.trust()).verdict is Verdict.TOTAL_FAILED


def test_second_signature_is_refused(signed: bytes, pki: AttackPki) -> None:
    root = etree.fromstring(signed)
    copy = etree.fromstring(etree.tostring(root[-1]).replace(b'Id="', b'Id="copy-'))
    root.insert(len(root) - 1, copy)
    report = verify(etree.tostring(root), pki.trust())
    assert report.verdict is Verdict.TOTAL_FAILED
    assert "2 signatures" in report.check("structure").detail


def test_fragment_signature_is_refused(signed: bytes, pki: AttackPki) -> None:
    data = signed.replace(b'URI=""', b'URI="#SomeFragment"', 1)
    report = verify(data, pki.trust())
    assert report.verdict is Verdict.TOTAL_FAILED
    assert "whole" in report.check("structure").detail


def _xmlsec1_sign(template: etree._Element, identity, folder: Path) -> bytes:
    """Have xmlsec1 fill in a signature template (every digest and the signature value)."""
    xmlsec1 = require_tool("xmlsec1")
    for element in template.iter(f"{{{DS}}}DigestValue", f"{{{DS}}}SignatureValue"):
        if element.getparent().tag != "{http://uri.etsi.org/01903/v1.3.2#}CertDigest":
            element.text = ""
    # xmlsec1 rewrites a pre-filled KeyValue after signing and breaks its own signature (1.2.37);
    # the template carries the certificates (X509Data) only, which is all the profile needs.
    key_value = template.find(f".//{{{DS}}}KeyValue")
    if key_value is not None:
        key_value.getparent().remove(key_value)
    source, key, out = folder / "template.xml", folder / "key.pem", folder / "signed-by-xmlsec1.xml"
    source.write_bytes(etree.tostring(template, xml_declaration=True, encoding="UTF-8"))
    key.write_bytes(
        identity.key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    run = subprocess.run(
        [
            xmlsec1, "--sign", "--privkey-pem", str(key), "--id-attr:Id", "SignedProperties",
            "--id-attr:Id", "KeyInfo", "--output", str(out), str(source),
        ],
        capture_output=True,
        text=True,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    return out.read_bytes()


def test_genuine_sha1_signatures_are_refused(pki: AttackPki, document: bytes, tmp_path: Path) -> None:
    """A real SHA-1 signature (made by xmlsec1, so every digest is right) is still refused."""
    identity = pki.identity()
    template = etree.fromstring(XmlSigner(identity).sign(document))
    for method in template.iter(f"{{{DS}}}DigestMethod"):
        if method.getparent().tag == f"{{{DS}}}Reference":
            method.set("Algorithm", "http://www.w3.org/2000/09/xmldsig#sha1")
    template.find(f".//{{{DS}}}SignatureMethod").set(
        "Algorithm", "http://www.w3.org/2000/09/xmldsig#rsa-sha1"
    )
    sha1 = _xmlsec1_sign(template, identity, tmp_path)
    report = verify(sha1, pki.trust())
    # EN 319 102-1: an algorithm the constraints refuse is INDETERMINATE, never TOTAL-PASSED.
    assert (report.verdict, report.sub_indication) == (Verdict.INDETERMINATE, "CRYPTO_CONSTRAINTS_FAILURE")


def test_unknown_algorithm_is_refused(signed: bytes, pki: AttackPki) -> None:
    data = signed.replace(b"xmldsig-more#rsa-sha256", b"urn:example:unknown-algorithm", 1)
    assert outcome(data, pki) == (Verdict.INDETERMINATE, "CRYPTO_CONSTRAINTS_FAILURE")


def test_exclusive_c14n_is_refused(signed: bytes, pki: AttackPki) -> None:
    data = signed.replace(C14N_INCLUSIVE.encode(), b"http://www.w3.org/2001/10/xml-exc-c14n#", 1)
    report = verify(data, pki.trust())
    assert report.verdict is Verdict.TOTAL_FAILED and "inclusive" in report.check("structure").detail


def test_untrusted_and_self_signed_signers(pki: AttackPki, document: bytes, tmp_path: Path) -> None:
    forged = XmlSigner(pki.self_signed()).sign(document)
    assert outcome(forged, pki) == (Verdict.INDETERMINATE, "NO_CERTIFICATE_CHAIN_FOUND")
    other = AttackPki.create(tmp_path / "other", "Another Root (TEST ONLY)")
    from_other = XmlSigner(other.identity()).sign(document)
    assert outcome(from_other, pki) == (Verdict.INDETERMINATE, "NO_CERTIFICATE_CHAIN_FOUND")


def test_expired_and_not_yet_valid_certificates(pki: AttackPki, document: bytes) -> None:
    expired = pki.identity(not_before=NOW - dt.timedelta(days=400), days=30)
    # No time-stamp proves when it was signed: expired at the validation time is undecidable.
    assert outcome(XmlSigner(expired).sign(document), pki) == (Verdict.INDETERMINATE, "OUT_OF_BOUNDS_NO_POE")
    future = pki.identity(not_before=NOW + dt.timedelta(days=10), days=30)
    assert outcome(XmlSigner(future).sign(document), pki) == (Verdict.TOTAL_FAILED, "NOT_YET_VALID")


def test_a_claimed_signing_time_in_the_past_proves_nothing(pki: AttackPki, document: bytes) -> None:
    """A key that expired claims to have signed while it was valid: without a time-stamp the
    claim moves nothing (EN 319 102-1); judged as of that moment (--at), it passes."""
    old = pki.identity(not_before=NOW - dt.timedelta(days=400), days=30)
    then = NOW - dt.timedelta(days=390)
    data = XmlSigner(old, clock=lambda: then).sign(document)
    report = verify(data, pki.trust())
    assert (report.verdict, report.sub_indication) == (Verdict.INDETERMINATE, "OUT_OF_BOUNDS_NO_POE")
    assert report.validation_time is not None and report.validation_time > NOW
    assert outcome(data, pki, at=then)[0] is Verdict.TOTAL_PASSED


def test_revoked_certificate(tmp_path: Path, document: bytes) -> None:
    local = AttackPki.create(tmp_path / "revoking")
    identity = local.identity()
    data = XmlSigner(identity).sign(document)
    local.revoke(identity, NOW - dt.timedelta(hours=2))
    # Revoked by now, and nothing proves it signed before: undecidable, never genuine.
    assert outcome(data, local) == (Verdict.INDETERMINATE, "REVOKED_NO_POE")


def test_wrong_key_usage(pki: AttackPki, document: bytes) -> None:
    identity = pki.identity(key_usage=("key_encipherment",))
    assert outcome(XmlSigner(identity).sign(document), pki) == (
        Verdict.INDETERMINATE,
        "CHAIN_CONSTRAINTS_FAILURE",
    )


def test_removed_or_altered_signed_properties(signed: bytes, pki: AttackPki) -> None:
    removed = re.sub(rb"<xades:SigningTime>[^<]*</xades:SigningTime>", b"", signed)
    assert outcome(removed, pki) == (Verdict.TOTAL_FAILED, "FORMAT_FAILURE")  # XAdES B needs one
    altered = re.sub(rb"(<xades:SigningTime>)2", rb"\g<1>1", signed)
    assert altered != signed
    assert outcome(altered, pki) == (Verdict.TOTAL_FAILED, "HASH_FAILURE")


@pytest.mark.parametrize(
    "data",
    [
        b'<?xml version="1.0"?><!DOCTYPE t [<!ENTITY x SYSTEM "file:///etc/passwd">]><t>&x;</t>',
        b'<!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><l>&b;</l>',
    ],
)
def test_doctype_xxe_and_bombs_are_refused(data: bytes, pki: AttackPki) -> None:
    report = verify(data, pki.trust())
    assert report.verdict is Verdict.TOTAL_FAILED and report.check("input").status is Status.FAILED
    assert "root:" not in report.to_json()


def test_truncated_file(signed: bytes, pki: AttackPki) -> None:
    assert outcome(signed[: len(signed) - 40], pki) == (Verdict.TOTAL_FAILED, "FORMAT_FAILURE")


def test_unsigned_document(document: bytes, pki: AttackPki) -> None:
    report = verify(document, pki.trust())
    assert report.verdict is Verdict.TOTAL_FAILED and "not signed" in report.check("structure").detail


def _content_positions(signed: bytes) -> list[int]:
    """Byte offsets inside text nodes and attribute values of the signed content."""
    end = signed.index(b"<ds:Signature")
    start = signed.index(b"<tc:Transcript")
    positions, inside_tag, quote = [], False, None
    for i in range(start, end):
        c = signed[i : i + 1]
        if inside_tag:
            if quote:
                if c == quote:
                    quote = None
                else:
                    positions.append(i)
            elif c in (b'"', b"'"):
                quote = c
            elif c == b">":
                inside_tag = False
        elif c == b"<":
            inside_tag = True
        elif not c.isspace():
            positions.append(i)
    return positions


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_byte_changes_never_verify(signed: bytes, pki: AttackPki, data) -> None:
    positions = _content_positions(signed)
    position = data.draw(st.sampled_from(positions))
    replacement = data.draw(st.integers(0, 255).filter(lambda b: b != signed[position]))
    changed = signed[:position] + bytes([replacement]) + signed[position + 1 :]
    assert verify(changed, pki.trust()).verdict is not Verdict.TOTAL_PASSED


# ------------------------------------------------------------- revocation, time


def test_revocation_required_by_default(signed: bytes, pki: AttackPki) -> None:
    root, _ = pki.write()
    no_crls = transcript.verify(signed, trust=[root])
    assert (no_crls.verdict, no_crls.sub_indication) == (Verdict.INDETERMINATE, "TRY_LATER")
    soft = transcript.verify(signed, trust=[root], revocation=RevocationPolicy.SOFT)
    assert soft.verdict is Verdict.TOTAL_PASSED
    assert soft.check("certificate").status is Status.WARNING


def test_xades_t_with_a_local_authority(tmp_path: Path, document: bytes) -> None:
    demo = create_demo_pki(tmp_path / "demo")
    identity = load_identity(demo.registrar_p12, password=password_from(password_file=demo.password_file))
    with LocalTimeStampAuthority(demo.tsa_certificate, demo.tsa_key) as authority:
        data = XmlSigner(identity, timestamps=TimeStampClient(authority.url)).sign(document)
    assert b"SignatureTimeStamp" in data and b"EncapsulatedTimeStamp" in data
    report = transcript.verify(data, trust=[demo.root], crls=demo.crls)
    assert report.verdict is Verdict.TOTAL_PASSED, report.format()
    assert report.timestamp_time is not None
    assert abs(report.timestamp_time - report.signing_time) < dt.timedelta(minutes=1)
    # A token taken from another signature does not cover this one.
    root = etree.fromstring(data)
    stamp = root.find(".//{*}EncapsulatedTimeStamp")
    with LocalTimeStampAuthority(demo.tsa_certificate, demo.tsa_key) as authority:
        other = XmlSigner(identity, timestamps=TimeStampClient(authority.url)).sign(document)
    stamp.text = etree.fromstring(other).find(".//{*}EncapsulatedTimeStamp").text
    swapped = transcript.verify(etree.tostring(root), trust=[demo.root], crls=demo.crls)
    assert (swapped.verdict, swapped.check("timestamp").status) == (Verdict.TOTAL_FAILED, Status.FAILED)


def test_unreachable_time_stamp_authority(registrar, document: bytes) -> None:
    with pytest.raises(TimeStampError, match="cannot be reached"):
        XmlSigner(registrar, timestamps=TimeStampClient("http://127.0.0.1:9/", timeout=2)).sign(document)


# ------------------------------------------------------------------------ keys


def test_keys_pkcs12_pem_and_passwords(tmp_path: Path, registrar) -> None:
    demo = create_demo_pki(tmp_path / "demo")
    password = demo.password_file.read_text().strip()
    assert load_identity(demo.registrar_p12, password=password.encode()).algorithm == "rsa-sha256"
    with pytest.raises(SigningKeyError, match="password is wrong"):
        load_identity(demo.registrar_p12, password=b"nope")
    with pytest.raises(SigningKeyError, match="password is needed"):
        load_identity(demo.registrar_p12)
    with pytest.raises(SigningKeyError, match="not found"):
        load_identity(tmp_path / "missing.p12")
    assert password_from(environ={"TRANSCRIPT_KEY_PASSWORD": "s3cret"}) == b"s3cret"
    assert password_from(password_file=demo.password_file, environ={}) == password.encode()
    # A PEM key with its chain in a separate file.
    key = tmp_path / "key.pem"
    key.write_bytes(
        registrar.key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(b"pw"),
        )
    )
    chain = tmp_path / "chain.pem"
    chain.write_bytes(b"".join(c.public_bytes(serialization.Encoding.PEM) for c in registrar.certificates))
    loaded = load_identity(key, password=b"pw", chain_path=chain)
    assert loaded.certificate == registrar.certificate and loaded.chain == registrar.chain
    with pytest.raises(SigningKeyError, match="certificate chain"):
        load_identity(key, password=b"pw")


def test_demo_pki_is_marked_test_only(tmp_path: Path) -> None:
    demo = create_demo_pki(tmp_path / "demo")
    assert demo.exists()
    assert "TEST ONLY" in (demo.folder / "README.txt").read_text()
    assert b"TEST ONLY" in demo.root.read_bytes() or "TEST ONLY" in _subject(demo.root)


def _subject(path: Path) -> str:
    from cryptography import x509

    return x509.load_pem_x509_certificate(path.read_bytes()).subject.rfc4514_string()


# ------------------------------------------------------------------------ CLI


def run(*args: str | Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    import os

    result = subprocess.run(
        [str(SCRIPT), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
        stdin=subprocess.DEVNULL,
    )
    assert "Traceback" not in result.stderr, result.stderr
    return result


def test_cli_sign_and_verify(tmp_path: Path, example_paths, sample_bytes: bytes) -> None:
    demo = tmp_path / "pki"
    assert run("demo-pki", "--out", demo).returncode == 0
    signed = tmp_path / "signed"
    ok = run("sign", *example_paths, "--key", demo / "registrar.p12", "--password-file",
             demo / "registrar-password.txt", "--out", signed)  # fmt: skip
    assert ok.returncode == 0, ok.stderr
    assert sorted(p.name for p in signed.iterdir()) == sorted(p.name for p in example_paths)
    crls = ["--crl", demo / "root.crl", "--crl", demo / "issuing-ca.crl"]
    verified = run("verify", *signed.iterdir(), "--trust", demo / "root.pem", *crls)
    assert verified.returncode == 0, verified.stdout
    assert verified.stdout.count("TOTAL-PASSED") == 3
    as_json = run("verify", signed / "master-thesis.xml", "--trust", demo / "root.pem", *crls, "--json")
    assert '"verdict": "TOTAL-PASSED"' in as_json.stdout
    tampered = tmp_path / "tampered.xml"
    tampered.write_bytes((signed / "master-thesis.xml").read_bytes().replace(b"Thesis", b"Thesys", 1))
    bad = run("verify", tampered, "--trust", demo / "root.pem", *crls)
    assert bad.returncode == 1 and "TOTAL-FAILED" in bad.stdout and "HASH_FAILURE" in bad.stdout
    # The password from the environment; a wrong one is a usage error with a clear message.
    password = (demo / "registrar-password.txt").read_text().strip()
    env_ok = run("sign", example_paths[0], "--key", demo / "registrar.p12", "--out", tmp_path / "s2",
                 env={"TRANSCRIPT_KEY_PASSWORD": password})  # fmt: skip
    assert env_ok.returncode == 0
    wrong = run("sign", example_paths[0], "--key", demo / "registrar.p12", "--out", tmp_path / "s3",
                env={"TRANSCRIPT_KEY_PASSWORD": "wrong"})  # fmt: skip
    assert wrong.returncode == 2 and "password is wrong" in wrong.stderr
    assert not (tmp_path / "s3").exists() or not list((tmp_path / "s3").iterdir())
    # An invalid transcript is not signed; the others are.
    sample = tmp_path / "sample.xml"
    sample.write_bytes(sample_bytes)
    mixed = run("sign", sample, example_paths[0], "--key", demo / "registrar.p12", "--password-file",
                demo / "registrar-password.txt", "--out", tmp_path / "s4")  # fmt: skip
    assert mixed.returncode == 1 and "ID001" in mixed.stdout
    assert [p.name for p in (tmp_path / "s4").iterdir()] == [example_paths[0].name]
    missing_trust = run("verify", signed / "master-thesis.xml", "--trust", tmp_path / "nope.pem")
    assert missing_trust.returncode == 2


def test_no_password_option_exists() -> None:
    assert "--password " not in run("sign", "--help").stdout.replace("--password-file", "")


def test_signature_value_is_base64(signed: bytes) -> None:
    value = etree.fromstring(signed).find(f".//{{{DS}}}SignatureValue").text
    assert len(base64.b64decode(value)) == 256  # RSA-2048


# ------------------------------------------------------------ xades4j, inside ETDA's signer

X4J = ROOT.parent / "shared" / "interop" / "xades4j" / "x4j-verify"


def _x4j(data: bytes, pki: AttackPki, folder: Path) -> subprocess.CompletedProcess:
    require_tool("java")
    if not X4J.is_file():
        pytest.skip("the shared xades4j verifier is not beside the repository")
    root, crls = pki.write()
    ca = folder / "ca.pem"
    ca.write_bytes(pki.ca.public_bytes(serialization.Encoding.PEM))
    path = folder / "signed.xml"
    path.write_bytes(data)
    command = ["bash", str(X4J), str(path), str(root), str(ca), *map(str, crls)]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("kind", ["rsa", "ec"])
def test_xades4j_accepts_the_signatures_we_make(
    kind: str, pki: AttackPki, document: bytes, tmp_path: Path
) -> None:
    """ETDA's reference signer and the national tools verify with xades4j, which knows the
    XAdES 1.3.2 SigningCertificate (v1) only: that is what we write by default."""
    signed = XmlSigner(pki.identity(kind)).sign(document)
    run = _x4j(signed, pki, tmp_path)
    assert run.returncode == 0 and "XADES4J-OK form=XAdES-BES" in run.stdout, run.stdout + run.stderr
    assert "signed-sig-prop SigningCertificate" in run.stdout


def test_the_v2_form_is_ours_to_verify_but_not_xades4js(
    pki: AttackPki, document: bytes, tmp_path: Path
) -> None:
    signed = XmlSigner(pki.identity(), signing_certificate="v2").sign(document)
    assert b"SigningCertificateV2" in signed
    assert verify(signed, pki.trust()).verdict is Verdict.TOTAL_PASSED
    run = _x4j(signed, pki, tmp_path)
    assert run.returncode != 0 and "doesn't follow any of the XAdES forms" in run.stdout


@pytest.mark.parametrize(
    ("pattern", "replacement", "complaint"),
    [
        (rb"(<ds:X509SerialNumber>)\d+", rb"\g<1>12345", "serial number"),
        (rb"(<ds:X509IssuerName>)[^<]+", rb"\g<1>CN=Another CA,O=Test University,C=TH", "issuer"),
    ],
)
def test_a_signing_certificate_naming_another_issuer_or_serial_is_refused(
    pattern: bytes, replacement: bytes, complaint: str, pki: AttackPki, document: bytes, tmp_path: Path
) -> None:
    """The CertDigest matches, but IssuerSerial names another certificate (xades4j refuses it
    too): re-signed by xmlsec1, so that every digest and the signature value are right."""
    identity = pki.identity()
    template = etree.fromstring(re.sub(pattern, replacement, XmlSigner(identity).sign(document), count=1))
    forged = _xmlsec1_sign(template, identity, tmp_path)
    report = verify(forged, pki.trust())
    assert (report.verdict, report.sub_indication) == (Verdict.TOTAL_FAILED, "FORMAT_FAILURE")
    assert complaint in report.check("signed-properties").detail


def test_a_sha1_certificate_digest_is_undecidable_not_forged(
    pki: AttackPki, document: bytes, tmp_path: Path
) -> None:
    """ETDA-era files may bind the signer's certificate with SHA-1 (XAdES 1.3.2 allowed it).
    Decided: INDETERMINATE CRYPTO_CONSTRAINTS_FAILURE, EN 319 102-1's category for an
    algorithm the constraints no longer accept, never TOTAL-PASSED and not TOTAL-FAILED."""
    import hashlib

    identity = pki.identity()
    template = etree.fromstring(XmlSigner(identity).sign(document))
    xades = "http://uri.etsi.org/01903/v1.3.2#"
    digest = template.find(f".//{{{xades}}}CertDigest")
    digest.find(f"{{{DS}}}DigestMethod").set("Algorithm", "http://www.w3.org/2000/09/xmldsig#sha1")
    der = identity.certificate.public_bytes(serialization.Encoding.DER)
    digest.find(f"{{{DS}}}DigestValue").text = base64.b64encode(hashlib.sha1(der).digest()).decode()
    report = verify(_xmlsec1_sign(template, identity, tmp_path), pki.trust())
    assert (report.verdict, report.sub_indication) == (Verdict.INDETERMINATE, "CRYPTO_CONSTRAINTS_FAILURE")
    assert "SHA-1" in report.check("signed-properties").detail


def test_xades4j_accepts_the_national_profiles_time_stamped_signatures(
    pki: AttackPki, document: bytes, tmp_path: Path
) -> None:
    """XAdES-B-T, what `transcript issue` writes by default: xades4j reads the signature
    time-stamp and names the form XAdES-T."""
    from cryptography.x509.oid import ExtendedKeyUsageOID

    from transcript.demo.pki import issue_certificate, name, new_key
    from transcript.demo.tsa import LocalTimeStampAuthority
    from transcript.pki.tsa import TimeStampClient

    key = new_key()
    authority = issue_certificate(
        name("Time-Stamp Authority (TEST ONLY)", "Test University"), key, issuer=(pki.ca, pki.ca_key),
        extended_usage=[ExtendedKeyUsageOID.TIME_STAMPING],
    )  # fmt: skip
    pem = serialization.Encoding.PEM
    chain, key_file = tmp_path / "tsa.pem", tmp_path / "tsa-key.pem"
    chain.write_bytes(authority.public_bytes(pem) + pki.ca.public_bytes(pem))
    key_file.write_bytes(
        key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    with LocalTimeStampAuthority(chain, key_file) as tsa:
        signed = XmlSigner(pki.identity(), timestamps=TimeStampClient(tsa.url)).sign(document)
    assert verify(signed, pki.trust()).level == "XAdES-B-T"
    run = _x4j(signed, pki, tmp_path)
    assert run.returncode == 0 and "XADES4J-OK form=XAdES-T" in run.stdout, run.stdout + run.stderr
