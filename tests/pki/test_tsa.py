"""Time-stamp authorities that authenticate their users: HTTP basic authentication."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from transcript.demo.pki import create_demo_pki
from transcript.demo.tsa import LocalTimeStampAuthority
from transcript.pki.tsa import TimeStampClient, TimeStampError, token_time

from ..helpers import EXAMPLES

SCRIPT = Path(sys.executable).parent / "transcript"


def _authority(demo) -> LocalTimeStampAuthority:  # type: ignore[no-untyped-def]
    """The demo's test authority, requiring the user "registrar" with the password "s3cret"."""
    return LocalTimeStampAuthority(demo.tsa_certificate, demo.tsa_key, user="registrar", password=b"s3cret")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):  # type: ignore[no-untyped-def]
    return create_demo_pki(tmp_path_factory.mktemp("tsa") / "pki")


def test_an_authority_that_requires_a_password_gets_it_and_only_it(demo) -> None:  # type: ignore[no-untyped-def]
    with LocalTimeStampAuthority(
        demo.tsa_certificate, demo.tsa_key, user="registrar", password=b"s3cret"
    ) as tsa:
        token = TimeStampClient(tsa.url, user="registrar", password=b"s3cret").stamp(b"data")
        assert token_time(token)
        for client in (
            TimeStampClient(tsa.url),
            TimeStampClient(tsa.url, user="registrar", password=b"wrong"),
            TimeStampClient(tsa.url, user="someone", password=b"s3cret"),
        ):
            with pytest.raises(TimeStampError, match=r"authentication failed or is required \(HTTP 401\)"):
                client.stamp(b"data")
    assert "s3cret" not in repr(TimeStampClient("http://x", user="registrar", password=b"s3cret"))


def test_the_command_line_signs_with_an_authenticated_authority(demo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    secret = tmp_path / "tsa-password.txt"
    secret.write_text("s3cret\n", encoding="utf-8")
    environment = {k: v for k, v in os.environ.items() if k != "TRANSCRIPT_TSA_PASSWORD"}
    with LocalTimeStampAuthority(
        demo.tsa_certificate, demo.tsa_key, user="registrar", password=b"s3cret"
    ) as tsa:
        base = [
            str(SCRIPT), "sign", str(EXAMPLES / "master-thesis.xml"), "--key", str(demo.registrar_p12),
            "--password-file", str(demo.password_file), "--tsa", tsa.url, "--tsa-user", "registrar",
        ]  # fmt: skip
        good = subprocess.run(
            [*base, "--tsa-password-file", str(secret), "--out", str(tmp_path / "good")],
            capture_output=True, text=True, env=environment,
        )  # fmt: skip
        assert good.returncode == 0, good.stderr
        assert b"SignatureTimeStamp" in (tmp_path / "good" / "master-thesis.xml").read_bytes()
        bad = subprocess.run(
            [*base, "--out", str(tmp_path / "bad")],
            capture_output=True, text=True, env={**environment, "TRANSCRIPT_TSA_PASSWORD": "wrong"},
        )  # fmt: skip
        assert bad.returncode != 0
        assert "authentication failed or is required" in bad.stderr
        assert "Traceback" not in bad.stderr


@pytest.mark.parametrize("key_type", ["rsa", "ec"])
def test_the_test_authority_tokens_verify_with_an_independent_reader(key_type: str, tmp_path: Path) -> None:
    """The TEST ONLY authority's tokens (RSA or ECDSA) are what pyHanko's validator accepts:
    the imprint asked for, the authority's chain, an ESS signing-certificate-v2 attribute."""
    import hashlib

    from asn1crypto import cms
    from pyhanko.sign.validation.generic_cms import validate_tst_signed_data
    from pyhanko_certvalidator import ValidationContext

    from transcript.pki.trust import read_certificates
    from transcript.util import sync

    pki = create_demo_pki(tmp_path / key_type, key_type=key_type)
    with LocalTimeStampAuthority(pki.tsa_certificate, pki.tsa_key) as tsa:
        token = cms.ContentInfo.load(TimeStampClient(tsa.url).stamp(b"the data"))["content"]
    assert token["signer_infos"][0]["signed_attrs"][3]["type"].native == "signing_certificate_v2"
    root = read_certificates(pki.root)[0]
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives.serialization import Encoding

    context = ValidationContext(trust_roots=[asn1_x509.Certificate.load(root.public_bytes(Encoding.DER))])
    status = sync.run(
        validate_tst_signed_data(
            token, context, lambda algorithm: hashlib.new(algorithm, b"the data").digest()
        )
    )
    assert status["intact"] and status["valid"] and status["trust_problem_indic"] is None
