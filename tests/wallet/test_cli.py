"""`transcript vc` as a registrar, a student's wallet and an employer use it: issue, offer,
present, verify; and what the offer and the published metadata say, checked against
OpenID4VCI 1.0 and the JSON Schema we publish."""

from __future__ import annotations

import json
import urllib.parse
from pathlib import Path

import jsonschema
import pytest
import zxingcpp
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519
from PIL import Image

from transcript.demo.pki import create_demo_pki
from transcript.pki.trust import TrustSettings
from transcript.verify import verify
from transcript.wallet import sdjwt
from transcript.wallet.metadata import CLAIMS, CONFIGURATION_ID, claims_schema, issuer_metadata, type_metadata
from transcript.wallet.offer import GRANT, make_offer, validate_offer

from ..cli.test_cli import run
from ..helpers import EXAMPLES

ISSUER = "https://registrar.example.ac.th"


@pytest.fixture(scope="module")
def issued(tmp_path_factory):  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("vc-cli")
    demo = create_demo_pki(folder / "pki")
    signed = run(
        "sign",
        EXAMPLES / "bachelor-honours.xml",
        EXAMPLES / "master-thesis.xml",
        "--key",
        demo.registrar_p12,
        "--password-file",
        demo.password_file,
        "--out",
        folder / "signed",
    )
    assert signed.returncode == 0, signed.stderr
    holder = ed25519.Ed25519PrivateKey.generate()  # a wallet with an EdDSA key
    (folder / "holder.pem").write_bytes(
        holder.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    (folder / "holder.jwk").write_text(json.dumps(sdjwt.public_jwk(holder)))
    trust = ["--trust", demo.root, *(x for crl in demo.crls for x in ("--crl", crl))]
    done = run(
        "vc",
        "issue",
        *sorted((folder / "signed").glob("*.xml")),
        "--key",
        demo.credential_p12,
        "--password-file",
        demo.password_file,
        "--issuer",
        ISSUER,
        "--holder-jwk",
        folder / "holder.jwk",
        "--out",
        folder / "vc",
        *trust,
    )
    assert done.returncode == 0, done.stderr
    return folder, demo, trust, done


def test_issue_writes_one_credential_per_transcript(issued) -> None:  # type: ignore[no-untyped-def]
    folder, _, _, done = issued
    assert sorted(p.name for p in (folder / "vc").iterdir()) == [
        "bachelor-honours.sd-jwt",
        "master-thesis.sd-jwt",
    ]
    assert "2 of 2 credential(s) written" in done.stderr and "bound to the holder's key" in done.stderr
    assert "without a status list (cannot be revoked)" in done.stderr


def test_present_and_verify_as_holder_and_employer(issued) -> None:  # type: ignore[no-untyped-def]
    folder, _, trust, _ = issued
    made = run(
        "vc",
        "present",
        folder / "vc" / "bachelor-honours.sd-jwt",
        "--disclose",
        "student.name.en",
        "--holder-key",
        folder / "holder.pem",
        "--audience",
        "https://hr.example",
        "--nonce",
        "abc123",
        "--out",
        folder / "shown.sd-jwt",
    )
    assert made.returncode == 0, made.stderr
    checked = run(
        "verify",
        folder / "shown.sd-jwt",
        *trust,
        "--audience",
        "https://hr.example",
        "--nonce",
        "abc123",
        "--document",
        folder / "signed" / "bachelor-honours.xml",
    )
    assert checked.returncode == 0, checked.stdout
    assert "Miss Somying Jaidimak" in checked.stdout and "นางสาว" not in checked.stdout  # Thai name withheld
    assert "National     the XML/PDF given with it is the same document" in checked.stdout
    replayed = run(
        "verify", folder / "shown.sd-jwt", *trust, "--audience", "https://hr.example", "--nonce", "zzz"
    )
    assert replayed.returncode == 1 and "HOLDER_BINDING_FAILURE" in replayed.stdout
    as_json = json.loads(run("verify", folder / "shown.sd-jwt", *trust, "--json").stdout)
    assert as_json["files"][0]["credential"]["shown"] == 3  # prefix, given, family in English


def test_an_rsa_key_is_refused_for_credentials(issued, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder, demo, trust, _ = issued
    done = run(
        "vc",
        "issue",
        folder / "signed" / "master-thesis.xml",
        "--key",
        demo.registrar_p12,
        "--password-file",
        demo.password_file,
        "--issuer",
        ISSUER,
        "--out",
        tmp_path,
        *trust,
    )
    assert done.returncode == 2 and "ECDSA P-256 (ES256) or Ed25519 (EdDSA)" in done.stderr
    insecure = run(
        "vc",
        "issue",
        folder / "signed" / "master-thesis.xml",
        "--key",
        demo.credential_p12,
        "--password-file",
        demo.password_file,
        "--issuer",
        "http://registrar.example",
        "--out",
        tmp_path,
        *trust,
    )
    assert insecure.returncode == 2 and "https URL" in insecure.stderr


def test_a_forged_transcript_gets_no_credential(issued, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder, demo, trust, _ = issued
    forged = tmp_path / "forged.xml"
    forged.write_bytes((folder / "signed" / "master-thesis.xml").read_bytes().replace(b"GPAX>3.", b"GPAX>4."))
    done = run(
        "vc",
        "issue",
        forged,
        "--key",
        demo.credential_p12,
        "--password-file",
        demo.password_file,
        "--issuer",
        ISSUER,
        "--out",
        tmp_path / "vc",
        *trust,
    )
    assert done.returncode == 1 and "not issued: the file does not verify" in done.stderr
    assert not list((tmp_path / "vc").glob("*.sd-jwt"))


def test_offers_are_valid_openid4vci_and_scan_back(issued, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder, _, _, _ = issued
    done = run(
        "vc", "offer", *sorted((folder / "vc").glob("*.sd-jwt")), "--issuer", ISSUER, "--out", tmp_path
    )
    assert done.returncode == 0, done.stderr
    offer = json.loads((tmp_path / "bachelor-honours.offer.json").read_text())
    assert validate_offer(offer) == []
    grant = offer["grants"][GRANT]
    assert len(grant["pre-authorized_code"]) >= 43 and grant["tx_code"]["length"] == 6
    scanned = zxingcpp.read_barcode(Image.open(tmp_path / "bachelor-honours.offer.png"))
    assert scanned is not None and scanned.text.startswith("openid-credential-offer://?credential_offer=")
    assert (
        json.loads(urllib.parse.parse_qs(urllib.parse.urlsplit(scanned.text).query)["credential_offer"][0])
        == offer
    )
    records = [json.loads(line) for line in (tmp_path / "offers.jsonl").read_text().splitlines()]
    assert {r["credential"] for r in records} == {"bachelor-honours.sd-jwt", "master-thesis.sd-jwt"}
    assert grant["pre-authorized_code"] not in (tmp_path / "offers.jsonl").read_text()  # hashes only
    codes = (tmp_path / "transaction-codes.csv").read_text().splitlines()
    assert (
        codes[0] == "student,code"
        and len(codes) == 3
        and (tmp_path / "transaction-codes.csv").stat().st_mode & 0o077 == 0
    )


def test_an_offer_that_breaks_the_rules_is_named() -> None:
    good = make_offer(ISSUER).offer
    assert validate_offer({**good, "credential_issuer": "http://x.example"})
    assert validate_offer({**good, "credential_configuration_ids": []})
    assert validate_offer({**good, "credential_configuration_ids": ["a", "a"]})
    assert validate_offer({**good, "grants": {GRANT: {}}})
    assert make_offer(ISSUER, transaction_code_digits=None).transaction_code is None


def test_metadata_names_what_the_offers_and_credentials_use(issued, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder, demo, _, _ = issued
    done = run(
        "vc",
        "metadata",
        "--issuer",
        ISSUER,
        "--name",
        "th=มหาวิทยาลัยสยามตัวอย่าง",
        "--name",
        "en=Siam Example University",
        "--out",
        tmp_path,
    )
    assert done.returncode == 0, done.stderr
    issuer = json.loads((tmp_path / ".well-known" / "openid-credential-issuer").read_text())
    assert issuer == issuer_metadata(ISSUER, {"th": "มหาวิทยาลัยสยามตัวอย่าง", "en": "Siam Example University"})
    configuration = issuer["credential_configurations_supported"][CONFIGURATION_ID]
    assert configuration["format"] == "dc+sd-jwt" and configuration["vct"] == "TranscriptCredential"
    assert make_offer(ISSUER).offer["credential_configuration_ids"] == [CONFIGURATION_ID]
    vct = json.loads((tmp_path / "transcript-credential.vct.json").read_text())
    assert vct == type_metadata(schema_uri=f"{ISSUER}/transcript-credential.schema.json")
    assert {d["locale"] for c in vct["claims"] for d in c["display"]} == {"th", "en"}
    # Every credential, fully disclosed, is valid against the schema we publish.
    schema = json.loads((tmp_path / "transcript-credential.schema.json").read_text())
    assert schema == claims_schema()
    trust = TrustSettings.from_files([demo.root], demo.crls)
    for credential in (folder / "vc").glob("*.sd-jwt"):
        report = verify(credential.read_bytes(), trust)
        claims = {**report.credential.disclosed, "cnf": {"jwk": {}}}
        jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(claims)
        # ... and every path it discloses is one the type metadata labels.
        labelled = {tuple(p) for p, *_ in CLAIMS}
        for path in sdjwt.claim_paths(report.credential.disclosed):
            generic = tuple(None if part.isdigit() else part for part in path)
            assert any(generic[: len(p)] == p for p in labelled) or path[0] in {"iss", "iat", "vct", "exp"}, (
                path
            )
