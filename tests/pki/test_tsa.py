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


@pytest.fixture(scope="module")
def tls(tmp_path_factory):  # type: ignore[no-untyped-def]
    """A test CA, a server certificate for 127.0.0.1 and a registrar's client certificate."""
    import datetime as dt
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.x509.oid import ExtendedKeyUsageOID

    from transcript.demo.pki import issue_certificate, name, new_key

    folder = tmp_path_factory.mktemp("tls")
    pem = serialization.Encoding.PEM
    ca_key = new_key()
    ca = issue_certificate(name("TLS Test CA (TEST ONLY)"), ca_key, ca=True, path_length=0)
    now = dt.datetime.now(dt.timezone.utc)

    def leaf(common_name: str, usage: x509.ObjectIdentifier, stem: str) -> tuple[Path, Path]:
        key = new_key("ec")
        builder = (
            x509.CertificateBuilder()
            .subject_name(name(common_name))
            .issuer_name(ca.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=30))
            .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
        )
        if usage == ExtendedKeyUsageOID.SERVER_AUTH:  # the name a client checks: the address
            address = x509.IPAddress(ipaddress.ip_address("127.0.0.1"))
            builder = builder.add_extension(x509.SubjectAlternativeName([address]), critical=False)
        chain, key_file = folder / f"{stem}.pem", folder / f"{stem}-key.pem"
        chain.write_bytes(builder.sign(ca_key, hashes.SHA256()).public_bytes(pem))
        key_file.write_bytes(
            key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        )
        return chain, key_file

    bundle = folder / "ca.pem"
    bundle.write_bytes(ca.public_bytes(pem))
    return {
        "server": leaf("127.0.0.1", ExtendedKeyUsageOID.SERVER_AUTH, "server"),
        "client": leaf("Registrar (TEST ONLY)", ExtendedKeyUsageOID.CLIENT_AUTH, "client"),
        "ca": bundle,
    }


def _tls_authority(demo, tls):  # type: ignore[no-untyped-def]
    import ssl

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*tls["server"])
    context.load_verify_locations(tls["ca"])
    context.verify_mode = ssl.CERT_REQUIRED  # the authority knows its users by their certificates
    return LocalTimeStampAuthority(demo.tsa_certificate, demo.tsa_key, tls=context)


def test_an_authority_that_wants_a_client_certificate_gets_it(demo, tls, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("SSL_CERT_FILE", str(tls["ca"]))  # this test CA vouches for the server
    with _tls_authority(demo, tls) as tsa:
        assert tsa.url.startswith("https://127.0.0.1:")
        certificate, key = tls["client"]
        token = TimeStampClient(tsa.url, client_certificate=certificate, client_key=key).stamp(b"data")
        assert token_time(token)
        with pytest.raises(TimeStampError, match="cannot be reached"):
            TimeStampClient(tsa.url).stamp(b"data")  # no certificate: the handshake fails
    with pytest.raises(TimeStampError, match="cannot use the TLS client certificate"):
        TimeStampClient(tsa.url, client_certificate=key, client_key=key).stamp(b"data")


def test_the_command_line_signs_through_a_tls_client_certificate(demo, tls, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    certificate, key = tls["client"]
    env = {**os.environ, "SSL_CERT_FILE": str(tls["ca"])}
    with _tls_authority(demo, tls) as tsa:
        signed = subprocess.run(
            [str(SCRIPT), "sign", str(EXAMPLES / "bachelor-honours.xml"), "--key", str(demo.registrar_p12),
             "--password-file", str(demo.password_file), "--out", str(tmp_path / "out"), "--tsa", tsa.url,
             "--tsa-cert", str(certificate), "--tsa-key", str(key)],
            capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL, timeout=120,
        )  # fmt: skip
    assert signed.returncode == 0, signed.stderr
    assert b"SignatureTimeStamp" in (tmp_path / "out" / "bachelor-honours.xml").read_bytes()
