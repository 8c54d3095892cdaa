"""A demonstration PKI for trying the toolkit without a real signing certificate.

`create_demo_pki` writes a test root CA, an issuing CA, a registrar signing certificate
(PKCS#12, with its password in a file beside it), a time-stamp authority certificate and
empty CRLs for both CAs. Every certificate says TEST ONLY in its name, and the folder's
README says so too: nothing signed with these keys is an official document.

The building blocks (`new_key`, `issue_certificate`, `issue_crl`) are public so that tests
can make the certificates an attack needs: expired, revoked, without the right key usage.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from transcript.pki.keys import PrivateKey

TEST_ONLY = "TEST ONLY"
DEMO_PASSWORD_FILE = "registrar-password.txt"


def new_key(kind: str = "rsa") -> PrivateKey:
    """A fresh RSA-2048 or ECDSA P-256 private key."""
    if kind == "ec":
        return ec.generate_private_key(ec.SECP256R1())
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def name(common_name: str, organization: str | None = None, country: str = "TH") -> x509.Name:
    parts = [x509.NameAttribute(NameOID.COUNTRY_NAME, country)]
    if organization:
        parts.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization))
    parts.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
    return x509.Name(parts)


def issue_certificate(
    subject: x509.Name,
    key: PrivateKey,
    *,
    issuer: tuple[x509.Certificate, PrivateKey] | None = None,
    ca: bool = False,
    path_length: int | None = None,
    key_usage: Iterable[str] = ("digital_signature", "content_commitment"),
    extended_usage: Sequence[x509.ObjectIdentifier] = (),
    not_before: dt.datetime | None = None,
    days: int = 730,
) -> x509.Certificate:
    """A certificate for `key`, signed by `issuer` (or self-signed when there is none)."""
    start = not_before or dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=1)
    issuer_cert, issuer_key = issuer if issuer else (None, key)
    usage = set(key_usage) | ({"key_cert_sign", "crl_sign"} if ca else set())
    flags = {
        flag: flag in usage
        for flag in (
            "digital_signature",
            "content_commitment",
            "key_encipherment",
            "data_encipherment",
            "key_agreement",
            "key_cert_sign",
            "crl_sign",
        )
    }
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_cert.subject if issuer_cert else subject)
        .public_key(key.public_key())
        .serial_number(int.from_bytes(secrets.token_bytes(16), "big") >> 1)
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=path_length if ca else None), critical=True)
        .add_extension(x509.KeyUsage(**flags, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    if issuer_cert is not None:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
            critical=False,
        )
    if extended_usage:
        builder = builder.add_extension(x509.ExtendedKeyUsage(list(extended_usage)), critical=True)
    return builder.sign(issuer_key, hashes.SHA256())


def issue_crl(
    issuer: tuple[x509.Certificate, PrivateKey],
    revoked: Iterable[tuple[int, dt.datetime]] = (),
    *,
    days: int = 30,
    this_update: dt.datetime | None = None,
) -> x509.CertificateRevocationList:
    """A CRL from `issuer` listing (serial number, revocation time) pairs."""
    certificate, key = issuer
    now = this_update or dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=1)
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(certificate.subject)
        .last_update(now)
        .next_update(now + dt.timedelta(days=days))
        .add_extension(x509.CRLNumber(1), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(key.public_key()), critical=False)
    )
    for serial, when in revoked:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(when).build()
        )
    return builder.sign(key, hashes.SHA256())


@dataclass(frozen=True)
class DemoPki:
    """Where the demo PKI's files are."""

    folder: Path

    @property
    def root(self) -> Path:
        return self.folder / "root.pem"

    @property
    def issuing_ca(self) -> Path:
        return self.folder / "issuing-ca.pem"

    @property
    def registrar_p12(self) -> Path:
        return self.folder / "registrar.p12"

    @property
    def credential_p12(self) -> Path:
        """The registrar's key for wallet credentials (ECDSA P-256: SD-JWT's ES256)."""
        return self.folder / "credential.p12"

    @property
    def password_file(self) -> Path:
        return self.folder / DEMO_PASSWORD_FILE

    @property
    def tsa_certificate(self) -> Path:
        return self.folder / "tsa.pem"

    @property
    def tsa_key(self) -> Path:
        return self.folder / "tsa-key.pem"

    @property
    def crls(self) -> list[Path]:
        return [self.folder / "root.crl", self.folder / "issuing-ca.crl"]

    def exists(self) -> bool:
        files = [
            self.root,
            self.issuing_ca,
            self.registrar_p12,
            self.credential_p12,
            self.password_file,
            self.tsa_certificate,
        ]
        return all(p.is_file() for p in [*files, self.tsa_key, *self.crls])


def create_demo_pki(
    folder: str | Path,
    *,
    organization: str = "Siam Example University",
    key_type: str = "rsa",
) -> DemoPki:
    """Write a complete test PKI to `folder` (created if missing) and return its paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    root_key = new_key(key_type)
    root = issue_certificate(
        name(f"Transcript Demo Root CA ({TEST_ONLY})", "Transcript Toolkit Demo"),
        root_key,
        ca=True,
        path_length=1,
        days=3650,
    )
    ca_key = new_key(key_type)
    ca = issue_certificate(
        name(f"{organization} Issuing CA ({TEST_ONLY})", organization),
        ca_key,
        issuer=(root, root_key),
        ca=True,
        path_length=0,
        days=1825,
    )
    registrar_key = new_key(key_type)
    registrar = issue_certificate(
        name(f"Registrar, {organization} ({TEST_ONLY})", organization),
        registrar_key,
        issuer=(ca, ca_key),
        days=730,
    )
    credential_key = new_key("ec")  # SD-JWT credentials are ES256 or EdDSA, whatever the documents use
    credential = issue_certificate(
        name(f"Registrar (credentials), {organization} ({TEST_ONLY})", organization),
        credential_key,
        issuer=(ca, ca_key),
        days=730,
    )
    tsa_key = new_key(key_type)
    tsa = issue_certificate(
        name(f"{organization} Time-Stamp Authority ({TEST_ONLY})", organization),
        tsa_key,
        issuer=(ca, ca_key),
        extended_usage=[ExtendedKeyUsageOID.TIME_STAMPING],
        days=1825,
    )
    password = secrets.token_urlsafe(12)
    pki = DemoPki(folder)
    pem = serialization.Encoding.PEM
    pki.root.write_bytes(root.public_bytes(pem))
    pki.issuing_ca.write_bytes(ca.public_bytes(pem))
    pki.password_file.write_text(password + "\n", encoding="utf-8")
    pki.password_file.chmod(0o600)
    for path, label, key, certificate in (
        (pki.registrar_p12, b"registrar-test-only", registrar_key, registrar),
        (pki.credential_p12, b"credentials-test-only", credential_key, credential),
    ):
        encryption = serialization.BestAvailableEncryption(password.encode())
        path.write_bytes(pkcs12.serialize_key_and_certificates(label, key, certificate, [ca], encryption))
        path.chmod(0o600)
    pki.tsa_certificate.write_bytes(tsa.public_bytes(pem) + ca.public_bytes(pem))
    pki.tsa_key.write_bytes(
        tsa_key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    pki.tsa_key.chmod(0o600)
    (folder / "root.crl").write_bytes(issue_crl((root, root_key), days=3650).public_bytes(pem))
    (folder / "issuing-ca.crl").write_bytes(issue_crl((ca, ca_key), days=3650).public_bytes(pem))
    (folder / "README.txt").write_text(
        f"""{TEST_ONLY}: a demonstration PKI made by `transcript demo-pki`.

Nothing signed with these keys is an official document. Do not trust root.pem anywhere but
in tests and demonstrations.

root.pem                 the test root CA (give it to `transcript verify --trust`)
issuing-ca.pem           the issuing CA, signed by the root
registrar.p12            the registrar's signing key and certificate (PKCS#12)
credential.p12           the registrar's key for wallet credentials (P-256, `transcript vc issue`)
{DEMO_PASSWORD_FILE:24} the password of both .p12 files (`--password-file`)
tsa.pem, tsa-key.pem     a time-stamp authority's certificate chain and key
root.crl, issuing-ca.crl empty revocation lists of both CAs (`transcript verify --crl`)
""",
        encoding="utf-8",
    )
    return pki
