"""The transcript credential end to end: made from a signed XML, presented, verified by us and
by a second SD-JWT implementation (the reference implementation, which our code does not use),
and refused when tampered with, shown by the wrong holder, revoked or expired."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

import jwt as pyjwt
import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from jwcrypto.jwk import JWK
from sd_jwt.common import SDObj
from sd_jwt.holder import SDJWTHolder
from sd_jwt.issuer import SDJWTIssuer
from sd_jwt.verifier import SDJWTVerifier

from transcript.demo.pki import create_demo_pki
from transcript.issuing.credentials import issue_credentials
from transcript.model.xmlio import signed_content_digest
from transcript.pki.keys import CREDENTIALS, SigningKeyError, load_identity, password_from
from transcript.pki.trust import TrustSettings
from transcript.sign.xades import XmlSigner
from transcript.status.listformat import claims as list_claims
from transcript.status.listformat import document_key, sign_list
from transcript.verify import SubIndication, Verdict, verify
from transcript.wallet import sdjwt
from transcript.wallet.credential import StatusReference, credential_claims, sign_credential

from ..helpers import EXAMPLES

ISSUER = "https://registrar.example.ac.th"
AUDIENCE = "https://hr.example.co.th"
LIST_URL = "https://registrar.example.ac.th/status.jwt"


@pytest.fixture(scope="module")
def world(tmp_path_factory):  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("wallet")
    demo = create_demo_pki(folder / "pki")
    password = password_from(password_file=demo.password_file)
    registrar = load_identity(demo.registrar_p12, password=password)
    vc_key = load_identity(demo.credential_p12, password=password, purpose=CREDENTIALS)
    xml = XmlSigner(registrar).sign((EXAMPLES / "bachelor-honours.xml").read_bytes())
    (folder / "signed.xml").write_bytes(xml)
    trust = TrustSettings.from_files([demo.root], demo.crls)
    holder = ec.generate_private_key(ec.SECP256R1())
    (result,) = issue_credentials(
        [folder / "signed.xml"],
        vc_key,
        trust,
        out_dir=folder / "vc",
        issuer=ISSUER,
        holder_jwk=sdjwt.public_jwk(holder),
    )
    assert result.written is not None, result.problem
    return {
        "demo": demo,
        "registrar": registrar,
        "vc_key": vc_key,
        "xml": xml,
        "trust": trust,
        "holder": holder,
        "credential": result.written.read_text().strip(),
        "folder": folder,
    }


def present(
    world: dict[str, Any], keep: Any, *, key: Any = None, aud: str = AUDIENCE, nonce: str = "n-42"
) -> str:
    token = sdjwt.parse(world["credential"])
    issuer_key = world["vc_key"].certificate.public_key()
    chosen = sdjwt.present(token, keep, issuer_key)
    kb = sdjwt.key_binding_jwt(chosen, key or world["holder"], audience=aud, nonce=nonce)
    return sdjwt.serialise(sdjwt.SdJwt(chosen.jwt, chosen.disclosures, kb))


def check(world: dict[str, Any], text: str | bytes, **kwargs: Any):  # type: ignore[no-untyped-def]
    data = text.encode() if isinstance(text, str) else text
    return verify(data, world["trust"], **kwargs)


# ------------------------------------------------------------------------ our verifier


def test_the_credential_says_what_the_signed_xml_says(world) -> None:  # type: ignore[no-untyped-def]
    report = check(world, world["credential"])
    assert report.verdict is Verdict.TOTAL_PASSED, report.format()
    s = report.summary
    assert s.document_id == "SEU-2567-000123" and s.gpax == "3.77"
    assert s.student_name == {"th": "นางสาวสมหญิง ใจดีมาก", "en": "Miss Somying Jaidimak"}
    assert s.student_number == "6310500123" and s.courses == 37
    claims = report.credential.disclosed
    assert claims["vct"] == "TranscriptCredential" and claims["iss"] == ISSUER
    assert claims["student"]["national_id"] == "1103700123458"
    assert claims["student"]["birth_date"] == "2002-03-14"
    assert claims["graduation_date"] == "2024-05-31" and claims["gpax"] == 3.77
    assert claims["signed_content_sha256"] == signed_content_digest(world["xml"])
    summer = [sem for sem in claims["semesters"] if all(c["grade"] == "S" for c in sem["courses"])]
    assert summer and "gpa" not in summer[0]  # no credit counts: no GPA, as on paper
    assert report.credential.hidden == 0 and report.level == "SD-JWT VC"
    header = json.loads(base64.urlsafe_b64decode(world["credential"].split(".")[0] + "=="))
    assert header["typ"] == "dc+sd-jwt" and header["alg"] == "ES256" and len(header["x5c"]) == 2


def test_a_presentation_of_only_gpax_and_degree_verifies(world) -> None:  # type: ignore[no-untyped-def]
    """The round trip of the issue: XML -> credential -> a presentation that shows nothing
    optional (GPAX and degree are always shown) -> verified for this verifier and nonce."""
    text = present(world, lambda path: False)
    report = check(world, text, audience=AUDIENCE, nonce="n-42")
    assert report.verdict is Verdict.TOTAL_PASSED, report.format()
    claims = report.credential.disclosed
    assert (
        claims["gpax"] == 3.77 and claims["degree"]["en"] == "Bachelor of Engineering (Computer Engineering)"
    )
    assert claims["student"] == {"name": {"th": {}, "en": {}}}  # every part of the name withheld
    assert "semesters" in claims and claims["semesters"] == []
    assert report.summary.student_name == {} and report.summary.student_number is None
    # Hidden at the top: 6 name parts, student number, national ID, birth date and each semester
    # (the courses inside a hidden semester are not even counted: their digests are in it).
    semesters = len(check(world, world["credential"]).credential.disclosed["semesters"])
    assert report.credential.hidden == 9 + semesters and report.credential.presented_to == AUDIENCE
    assert report.level == "SD-JWT VC+KB"


def test_a_presentation_of_the_english_name_and_one_semester(world) -> None:  # type: ignore[no-untyped-def]
    text = present(
        world, lambda path: path[:3] == ("student", "name", "en") or path[:2] == ("semesters", "0")
    )
    report = check(world, text, audience=AUDIENCE, nonce="n-42")
    assert report.ok, report.format()
    assert report.summary.student_name == {"en": "Miss Somying Jaidimak"}
    (semester,) = report.credential.disclosed["semesters"]
    assert semester["academic_year"] == 2563 and len(semester["courses"]) == 6


@pytest.mark.parametrize(
    ("change", "sub"),
    [
        ("disclosure", SubIndication.HASH_FAILURE),
        ("payload", SubIndication.SIG_CRYPTO_FAILURE),
        ("typ", SubIndication.FORMAT_FAILURE),
        ("x5c", SubIndication.SIG_CRYPTO_FAILURE),
    ],
)
def test_a_tampered_credential_is_refused(world, change: str, sub: SubIndication) -> None:  # type: ignore[no-untyped-def]
    jwt_part, *disclosures, _ = world["credential"].split("~")
    header, payload, signature = jwt_part.split(".")
    if change == "disclosure":  # a grade raised inside a course's disclosure
        for i, d in enumerate(disclosures):
            content = json.loads(sdjwt.unb64url(d, "d"))
            if isinstance(content[-1], dict) and content[-1].get("grade") == "B+":
                content[-1]["grade"] = "A"
                disclosures[i] = sdjwt.b64url(json.dumps(content).encode())
                break
    elif change == "payload":
        claims = json.loads(sdjwt.unb64url(payload, "p"))
        claims["gpax"] = 4.0
        payload = sdjwt.b64url(json.dumps(claims).encode())
    else:
        fields = json.loads(sdjwt.unb64url(header, "h"))
        if change == "typ":
            fields["typ"] = "statuslist+jwt"
        else:  # another issuer's certificate put in front of the chain
            other = create_demo_pki(world["folder"] / "x5c-other")
            identity = load_identity(
                other.credential_p12, password_file=other.password_file, purpose=CREDENTIALS
            )
            fields["x5c"][0] = base64.b64encode(identity.certificate.public_bytes(_der())).decode()
        header = sdjwt.b64url(json.dumps(fields).encode())
    forged = "~".join([f"{header}.{payload}.{signature}", *disclosures, ""])
    report = check(world, forged)
    assert report.verdict is sub.verdict and report.sub_indication is sub, report.format()
    assert report.summary is None  # nothing of a forged credential is shown


def _der():  # type: ignore[no-untyped-def]
    from cryptography.hazmat.primitives.serialization import Encoding

    return Encoding.DER


def test_the_wrong_holder_audience_or_nonce_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    stranger = ec.generate_private_key(ec.SECP256R1())
    cases = [
        (present(world, lambda p: False, key=stranger), {"audience": AUDIENCE, "nonce": "n-42"}),
        (present(world, lambda p: False), {"audience": "https://other.example", "nonce": "n-42"}),
        (present(world, lambda p: False), {"audience": AUDIENCE, "nonce": "replayed"}),
        (world["credential"], {"audience": AUDIENCE, "nonce": "n-42"}),  # no key binding at all
    ]
    for text, expected in cases:
        report = check(world, text, **expected)
        assert report.sub_indication is SubIndication.HOLDER_BINDING_FAILURE, report.format()
        assert report.verdict is Verdict.TOTAL_FAILED


def test_an_added_disclosure_breaks_the_key_binding(world) -> None:  # type: ignore[no-untyped-def]
    text = present(world, lambda p: False)
    first, *rest = text.split("~")
    extra = world["credential"].split("~")[1]  # a disclosure the holder did not present
    report = check(world, "~".join([first, extra, *rest]), audience=AUDIENCE, nonce="n-42")
    assert report.sub_indication is SubIndication.HOLDER_BINDING_FAILURE and "sd_hash" in report.reason


def _credential_with(world: dict[str, Any], **changes: Any) -> str:
    t = verify(world["xml"], world["trust"]).transcript
    claims = credential_claims(
        t,
        content_sha256=signed_content_digest(world["xml"]),
        issuer=ISSUER,
        issued_at=dt.datetime.now(dt.timezone.utc),
        status=StatusReference(0, LIST_URL),
    )
    claims.update(changes)
    return sign_credential(claims, world["vc_key"])


def _status_list(world: dict[str, Any], status: int, url: str = LIST_URL) -> bytes:
    digest = signed_content_digest(world["xml"])
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    payload = list_claims(
        [status], {document_key(digest): 0}, {}, issued=now, next_update=now + dt.timedelta(days=1), url=url
    )
    return sign_list(payload, world["registrar"].key, world["registrar"].certificates)


def test_the_status_list_decides(world) -> None:  # type: ignore[no-untyped-def]
    text = _credential_with(world)
    assert check(world, text, status=_status_list(world, 0)).ok
    revoked = check(world, text, status=_status_list(world, 1))
    assert (
        revoked.sub_indication is SubIndication.DOCUMENT_REVOKED and revoked.verdict is Verdict.TOTAL_FAILED
    )
    suspended = check(world, text, status=_status_list(world, 2))
    assert suspended.sub_indication is SubIndication.DOCUMENT_SUSPENDED
    elsewhere = check(world, text, status=_status_list(world, 0, url="https://evil.example/list.jwt"))
    assert (
        elsewhere.sub_indication is SubIndication.STATUS_UNKNOWN
        and "not the one the credential names" in elsewhere.reason
    )
    unusable = check(world, text, status=b"garbage")
    assert unusable.sub_indication is SubIndication.STATUS_UNKNOWN
    assert check(world, text, status=b"garbage", status_policy="soft").ok


def test_an_expired_or_future_credential_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    now = int(dt.datetime.now(dt.timezone.utc).timestamp())
    expired = check(world, _credential_with(world, exp=now - 60))
    assert (
        expired.sub_indication is SubIndication.DOCUMENT_EXPIRED and expired.verdict is Verdict.TOTAL_FAILED
    )
    early = check(world, _credential_with(world, nbf=now + 3600))
    assert early.sub_indication is SubIndication.NOT_YET_VALID


def test_an_issuer_nobody_trusts_is_undecided(world) -> None:  # type: ignore[no-untyped-def]
    other = create_demo_pki(world["folder"] / "stranger")
    report = verify(world["credential"].encode(), TrustSettings.from_files([other.root], other.crls))
    assert report.sub_indication is SubIndication.NO_CERTIFICATE_CHAIN_FOUND


def test_the_binding_to_the_national_file(world) -> None:  # type: ignore[no-untyped-def]
    same = check(world, world["credential"], document=world["xml"])
    assert same.ok and same.credential.binding == "is the same document"
    other_xml = XmlSigner(world["registrar"]).sign((EXAMPLES / "master-thesis.xml").read_bytes())
    other = check(world, world["credential"], document=other_xml)
    assert not other.ok and other.credential.binding == "is another document"


def test_credentials_are_made_only_from_genuine_files_and_with_the_right_keys(world, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    forged = tmp_path / "forged.xml"
    forged.write_bytes(world["xml"].replace(b"<tc:TotalGPAX>3.77<", b"<tc:TotalGPAX>3.99<"))
    (result,) = issue_credentials(
        [forged], world["vc_key"], world["trust"], out_dir=tmp_path / "vc", issuer=ISSUER
    )
    assert result.written is None and "does not verify" in (result.problem or "")
    assert not list((tmp_path / "vc").glob("*"))
    demo = world["demo"]
    with pytest.raises(SigningKeyError, match=r"ECDSA P-256 .* or Ed25519"):
        load_identity(demo.registrar_p12, password_file=demo.password_file, purpose=CREDENTIALS)


# ------------------------------------------------------- a second implementation


def _issuer_jwk(world: dict[str, Any]) -> JWK:
    return JWK.from_pyca(world["vc_key"].certificate.public_key())


def test_the_reference_implementation_verifies_our_credential(world) -> None:  # type: ignore[no-untyped-def]
    theirs = SDJWTVerifier(
        world["credential"], lambda issuer, header: _issuer_jwk(world)
    ).get_verified_payload()
    ours = check(world, world["credential"]).credential.disclosed
    theirs.pop("cnf")
    assert theirs == ours


def test_the_reference_implementation_verifies_our_presentation(world) -> None:  # type: ignore[no-untyped-def]
    text = present(world, lambda path: path[:2] == ("student", "student_number"))
    verifier = SDJWTVerifier(
        text, lambda issuer, header: _issuer_jwk(world), expected_aud=AUDIENCE, expected_nonce="n-42"
    )
    payload = verifier.get_verified_payload()
    assert payload["student"]["student_number"] == "6310500123" and "national_id" not in payload["student"]
    with pytest.raises(Exception):  # noqa: B017 - theirs raises its own kinds
        SDJWTVerifier(
            text, lambda issuer, header: _issuer_jwk(world), expected_aud=AUDIENCE, expected_nonce="x"
        )


def test_we_verify_a_presentation_the_reference_holder_made(world) -> None:  # type: ignore[no-untyped-def]
    holder_jwk = JWK.from_pyca(world["holder"])
    holder = SDJWTHolder(world["credential"])
    holder.create_presentation(
        {"student": {"birth_date": True}, "gpax": True},
        nonce="n-7",
        aud=AUDIENCE,
        holder_key=holder_jwk,
        sign_alg="ES256",
    )
    report = check(world, holder.sd_jwt_presentation, audience=AUDIENCE, nonce="n-7")
    assert report.ok, report.format()
    assert report.credential.disclosed["student"]["birth_date"] == "2002-03-14"
    assert "student_number" not in report.credential.disclosed["student"]


def test_we_process_an_sd_jwt_the_reference_issuer_made() -> None:
    key = JWK.generate(kty="EC", crv="P-256")
    claims = {"iss": ISSUER, SDObj("given_name"): "Somying", "courses": [SDObj("CPE101"), "CPE102"]}
    issued = SDJWTIssuer(claims, key, add_decoy_claims=True).sd_jwt_issuance
    public = x509_free_public_key(key)
    processed = sdjwt.process(sdjwt.parse(issued), public)
    assert processed.claims == {"iss": ISSUER, "given_name": "Somying", "courses": ["CPE101", "CPE102"]}
    assert processed.hidden > 0  # its decoys, counted as hidden


def x509_free_public_key(key: JWK) -> Any:
    from cryptography.hazmat.primitives import serialization

    return serialization.load_pem_public_key(key.export_to_pem())


def test_x509_module_is_the_one_the_chain_uses() -> None:
    assert x509.load_der_x509_certificate  # the verifier reads x5c with cryptography's x509


# ---------------------------------------------------------------- the verification page


def test_the_page_shows_a_presentation_in_thai_and_english(world) -> None:  # type: ignore[no-untyped-def]
    import lxml.html
    from fastapi.testclient import TestClient

    from transcript.web import create_app

    from ..web.test_words import visible_english

    client = TestClient(create_app(world["trust"]))
    text = present(
        world, lambda path: path[:3] == ("student", "name", "th") or path[:2] == ("semesters", "1")
    )
    for language in ("th", "en"):
        response = client.post(
            "/verify", files={"file": ("p.sd-jwt", text.encode())}, data={"lang": language}
        )
        assert response.status_code == 200
        root = lxml.html.fromstring(response.text)
        assert root.xpath('//p[@id="verdict"]/@class') == ["verdict genuine"]
        assert root.xpath('//dd[@id="student"]')[0].text_content() == "นางสาวสมหญิง ใจดีมาก"
        numbers = root.xpath('//dl[@id="summary"]/dd[2]')[0].text_content()
        assert numbers == ("(ผู้ถือไม่ได้แสดง)" if language == "th" else "(not shown by the holder)")
        assert len(root.xpath('//table[@class="courses"]')) == 1  # the one semester shown
        assert len(root.xpath('//tr[@class="check"]')) == 6
        if language == "th":
            assert visible_english(response.text) == []
    # With the national file too: the page shows that both are the same document.
    files = {"file": ("p.sd-jwt", text.encode()), "document": ("t.xml", world["xml"])}
    bound = client.post("/verify", files=files, data={"lang": "th"})
    assert "เอกสารในกระเป๋าดิจิทัลกับแฟ้มที่ลงนามเป็นเอกสารฉบับเดียวกัน" in bound.text
    assert len(lxml.html.fromstring(bound.text).xpath('//tr[@class="check"]')) == 7
    tampered = text.replace(text.split("~")[1], sdjwt.b64url(b'["x", "given", "Mallory"]'))
    forged = client.post("/verify", files={"file": ("p.sd-jwt", tampered.encode())}, data={"lang": "en"})
    root = lxml.html.fromstring(forged.text)
    assert root.xpath('//p[@id="verdict"]/@class') == ["verdict forged"] and not root.xpath(
        '//dl[@id="summary"]'
    )


def test_an_ed25519_issuer_signs_eddsa_and_is_trusted_through_its_chain(world, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from cryptography.hazmat.primitives import serialization

    from transcript.demo.pki import issue_certificate, issue_crl, name

    root_key = ec.generate_private_key(ec.SECP256R1())
    root = issue_certificate(name("Ed25519 Test Root (TEST ONLY)"), root_key, ca=True, path_length=0)
    leaf_key = ed25519.Ed25519PrivateKey.generate()
    leaf = issue_certificate(
        name("Registrar (credentials), Siam Example University", "Siam Example University"),
        leaf_key,  # type: ignore[arg-type]
        issuer=(root, root_key),
    )
    pem = serialization.Encoding.PEM
    (tmp_path / "root.pem").write_bytes(root.public_bytes(pem))
    (tmp_path / "root.crl").write_bytes(issue_crl((root, root_key)).public_bytes(pem))
    (tmp_path / "key.pem").write_bytes(
        leaf_key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        + leaf.public_bytes(pem)
        + root.public_bytes(pem)
    )
    identity = load_identity(tmp_path / "key.pem", purpose=CREDENTIALS)
    with pytest.raises(SigningKeyError, match="only RSA and ECDSA P-256 keys can sign transcripts"):
        load_identity(tmp_path / "key.pem")  # an Ed25519 key signs credentials, not XAdES documents
    trust = TrustSettings.from_files([tmp_path / "root.pem"], [tmp_path / "root.crl"])
    t = verify(world["xml"], world["trust"]).transcript
    claims = credential_claims(
        t, content_sha256=signed_content_digest(world["xml"]), issuer=ISSUER,
        issued_at=dt.datetime.now(dt.timezone.utc),
    )  # fmt: skip
    text = sign_credential(claims, identity)
    header = json.loads(sdjwt.unb64url(text.split(".")[0], "header"))
    assert header["alg"] == "EdDSA"
    report = verify(text.encode(), trust)
    assert report.verdict is Verdict.TOTAL_PASSED, report.format()
    theirs = SDJWTVerifier(
        text, lambda issuer, h: JWK.from_pyca(leaf_key.public_key())
    ).get_verified_payload()
    assert theirs["document_number"] == "SEU-2567-000123"


def test_what_the_attack_review_found_is_refused_cleanly(world) -> None:  # type: ignore[no-untyped-def]
    """White space before XML (catastrophic backtracking once), NaN and lone surrogates in JSON,
    a credential given as its own national file, times past the year 9999, and a presentation
    that says nothing of whom it was for."""
    assert verify(b"\t" * 64 + b"<a/>", world["trust"]).verdict is not Verdict.TOTAL_PASSED
    padded = verify(b" " * 5000 + world["credential"].encode(), world["trust"])
    assert padded.ok and padded.level == "SD-JWT VC"  # read as the credential it is, not as XML
    for text in (b'{"gpax": NaN}', b'{"gpax": Infinity}', b'{"vct": "\\ud800"}'):
        with pytest.raises(sdjwt.SdJwtError):
            sdjwt.read_json(text, "claims")
    itself = check(world, world["credential"], document=world["credential"].encode())
    assert not itself.ok and "is a credential" in itself.reason
    token = sdjwt.parse(present(world, lambda path: False))
    chosen = sdjwt.SdJwt(token.jwt, token.disclosures, None)
    claims = {"iat": 10**13, "aud": AUDIENCE, "nonce": "n", "sd_hash": sdjwt.b64url(
        hashlib.sha256(chosen.presented.encode()).digest())}  # fmt: skip
    far = pyjwt.encode(claims, world["holder"], algorithm="ES256", headers={"typ": "kb+jwt"})
    with pytest.raises(sdjwt.SdJwtError, match="future"):
        sdjwt.verify_key_binding(
            sdjwt.SdJwt(token.jwt, token.disclosures, far), world["holder"].public_key(), audience=None,
            nonce=None, now=dt.datetime.now(dt.timezone.utc), max_age=None,
        )  # fmt: skip
    unaddressed = check(world, present(world, lambda path: False))
    assert unaddressed.ok and unaddressed.check("vc-holder").status.value == "warning"
    assert unaddressed.credential.presented_to is None
