"""What a verifier trusts, stated explicitly: roots, revocation data, policy and time.

Nothing is trusted by default: no operating-system store and no public web bundle. A
verifier trusts the root certificates (or pinned certificates) it is given, and checks
revocation against the CRLs it is given, fetching more only when allowed.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from asn1crypto import crl as asn1_crl_module
from asn1crypto import ocsp as asn1_ocsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from pyhanko_certvalidator import ValidationContext

from transcript.errors import TranscriptError


class TrustError(TranscriptError):
    """A trust or CRL file that cannot be read."""


class RevocationPolicy(str, Enum):
    """How much revocation checking a verdict of TOTAL-PASSED needs.

    REQUIRE: every certificate below the root must be shown not revoked (by a CRL given,
    or fetched when fetching is allowed); otherwise the verdict is INDETERMINATE.
    SOFT: check with whatever revocation data is available; none is not an error.
    """

    REQUIRE = "require"
    SOFT = "soft"


@dataclass(frozen=True)
class TrustSettings:
    """Roots, revocation data and policy for one verifier. Build with `from_files`."""

    roots: tuple[x509.Certificate, ...]
    crls: tuple[bytes, ...] = ()
    revocation: RevocationPolicy = RevocationPolicy.REQUIRE
    allow_fetching: bool = False
    at: dt.datetime | None = None
    extra_certificates: tuple[x509.Certificate, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        if not self.roots:
            raise TrustError("no trusted root certificate given: a verifier trusts only what it is told to")

    @classmethod
    def from_files(
        cls,
        roots: Iterable[str | Path],
        crls: Iterable[str | Path] = (),
        *,
        revocation: RevocationPolicy | str = RevocationPolicy.REQUIRE,
        allow_fetching: bool = False,
        at: dt.datetime | None = None,
        intermediates: Iterable[str | Path] = (),
    ) -> TrustSettings:
        """Settings from files: trusted roots, CRLs, and untrusted intermediate certificates
        (issuing CAs that signed files do not carry; they are never trusted as roots)."""
        certificates = [c for path in roots for c in read_certificates(Path(path))]
        return cls(
            tuple(certificates),
            tuple(read_crl(Path(path)) for path in crls),
            RevocationPolicy(revocation),
            allow_fetching,
            at,
            tuple(c for path in intermediates for c in read_certificates(Path(path))),
        )

    def with_moment(self, at: dt.datetime | None) -> TrustSettings:
        return TrustSettings(
            self.roots, self.crls, self.revocation, self.allow_fetching, at, self.extra_certificates
        )


def read_certificates(path: Path) -> list[x509.Certificate]:
    """Every certificate in a PEM bundle, or the one in a DER file."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise TrustError(f"{path}: cannot read the trust file ({exc.strerror})") from None
    try:
        if b"-----BEGIN CERTIFICATE-----" in data:
            return x509.load_pem_x509_certificates(data)
        return [x509.load_der_x509_certificate(data)]
    except ValueError:
        raise TrustError(f"{path}: not a certificate (PEM or DER)") from None


def read_crl(path: Path) -> bytes:
    """A CRL from a PEM or DER file, as DER."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise TrustError(f"{path}: cannot read the CRL ({exc.strerror})") from None
    try:
        if b"-----BEGIN X509 CRL-----" in data:
            return x509.load_pem_x509_crl(data).public_bytes(Encoding.DER)
        return x509.load_der_x509_crl(data).public_bytes(Encoding.DER)
    except ValueError:
        raise TrustError(f"{path}: not a certificate revocation list (PEM or DER)") from None


def validation_context(
    trust: TrustSettings,
    *,
    others: Sequence[asn1_x509.Certificate] = (),
    crls: Sequence[bytes] = (),
    ocsps: Sequence[bytes] = (),
    moment: dt.datetime | None = None,
    soft: bool = False,
) -> ValidationContext:
    """pyHanko's validation context for `trust`, with more untrusted certificates, CRLs and
    OCSP responses (DER) from the file being checked, judging at `moment` (None: now). `soft` checks
    revocation with what is there whatever the policy (for gathering validation data)."""
    require = trust.revocation is RevocationPolicy.REQUIRE and not soft
    return ValidationContext(
        trust_roots=[asn1_certificate(d) for d in der(trust.roots)],
        other_certs=[*others, *(asn1_certificate(d) for d in der(trust.extra_certificates))],
        crls=[asn1_crl(d) for d in (*trust.crls, *crls)],
        ocsps=[asn1_ocsp.OCSPResponse.load(d) for d in ocsps],
        allow_fetching=trust.allow_fetching,
        revocation_mode="require" if require else "soft-fail",
        moment=moment,
        retroactive_revinfo=True,
    )


def der(certificates: Sequence[x509.Certificate]) -> list[bytes]:
    return [c.public_bytes(Encoding.DER) for c in certificates]


@functools.lru_cache(maxsize=512)
def asn1_certificate(data: bytes) -> asn1_x509.Certificate:
    """A certificate (DER) in asn1crypto's form, parsed once per process.

    Path validation compares names, and asn1crypto keeps each name's prepared (RFC 4518)
    form on the object it parsed; re-parsing the same roots for every document cost more
    than the signature checks. asn1crypto parses lazily, filling an object in place on first
    access; the object is parsed through before it is shared, so threads (the verification
    page verifies in a thread pool) only ever read it.
    """
    certificate = asn1_x509.Certificate.load(data)
    _ = certificate.native  # parse every part now
    return certificate


@functools.lru_cache(maxsize=64)
def asn1_crl(data: bytes) -> asn1_crl_module.CertificateList:
    """A CRL (DER) in asn1crypto's form, parsed once per process (see `asn1_certificate`)."""
    crl = asn1_crl_module.CertificateList.load(data)
    _ = crl.native  # parse every part before the object is shared
    return crl
