"""A test PKI that keeps its CA keys, so tests can issue the certificates an attack needs."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from transcript.demo.pki import issue_certificate, issue_crl, name, new_key
from transcript.pki.keys import PrivateKey, SigningIdentity
from transcript.pki.trust import TrustSettings

NOW = dt.datetime.now(dt.timezone.utc)


@dataclass
class AttackPki:
    folder: Path
    root: x509.Certificate
    root_key: PrivateKey
    ca: x509.Certificate
    ca_key: PrivateKey
    revoked: list[tuple[int, dt.datetime]] = field(default_factory=list)

    @classmethod
    def create(cls, folder: Path, root_name: str = "Test Root (TEST ONLY)") -> AttackPki:
        """CAs valid from three years ago, so that signatures made in the past can be tested."""
        folder.mkdir(parents=True, exist_ok=True)
        start = NOW - dt.timedelta(days=3 * 365)
        root_key = new_key()
        root = issue_certificate(
            name(root_name), root_key, ca=True, path_length=1, not_before=start, days=3650
        )
        ca_key = new_key()
        ca = issue_certificate(
            name("Test Issuing CA (TEST ONLY)", "Test University"), ca_key, issuer=(root, root_key), ca=True,
            path_length=0, not_before=start, days=1825,
        )  # fmt: skip
        return cls(folder, root, root_key, ca, ca_key)

    def identity(
        self, kind: str = "rsa", organization: str = "Siam Example University", **options
    ) -> SigningIdentity:
        key = new_key(kind)
        certificate = issue_certificate(
            name(options.pop("common_name", "Registrar (TEST ONLY)"), organization),
            key,
            issuer=(self.ca, self.ca_key),
            **options,
        )
        return SigningIdentity(key, certificate, (self.ca,))

    def self_signed(self) -> SigningIdentity:
        key = new_key()
        certificate = issue_certificate(name("Forger (TEST ONLY)", "Siam Example University"), key)
        return SigningIdentity(key, certificate, ())

    def revoke(self, identity: SigningIdentity, when: dt.datetime) -> None:
        self.revoked.append((identity.certificate.serial_number, when))

    def write(self) -> tuple[Path, list[Path]]:
        """root.pem and the CRLs of both CAs (the issuing CA's lists revoked serials)."""
        pem = serialization.Encoding.PEM
        root_path = self.folder / "root.pem"
        root_path.write_bytes(self.root.public_bytes(pem))
        crls = [self.folder / "root.crl", self.folder / "ca.crl"]
        crls[0].write_bytes(issue_crl((self.root, self.root_key)).public_bytes(pem))
        crls[1].write_bytes(issue_crl((self.ca, self.ca_key), self.revoked).public_bytes(pem))
        return root_path, crls

    def trust(self, **options) -> TrustSettings:
        root_path, crls = self.write()
        return TrustSettings.from_files([root_path], crls, **options)
