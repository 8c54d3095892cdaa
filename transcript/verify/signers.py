"""Who may sign for an institution.

A certificate that chains to a trusted root proves who holds it, not that its holder may
issue transcripts for the institution a document names. By default a signer must hold a
certificate for signing (key usage digitalSignature or nonRepudiation when the extension is
present; an extended key usage, when present, that allows document signing) whose
organisation (O) is the institution named in the transcript, in either language, compared
after normalising case and spaces. A signer list (`SignerList`, the ``--signers`` TOML file)
replaces the organisation rule: it names exactly which certificates (SHA-256 fingerprints)
may sign for which institution, and any other signer is refused::

    [[institution]]
    names = ["Siam Example University", "มหาวิทยาลัยสยามตัวอย่าง"]
    certificates = ["6b7d17032a883e18536ab346eeac5fffcd89d88fb03c5352dc5180fd4ec4413a"]
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import sys
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier

from transcript.pki.trust import TrustError
from transcript.verify.report import Check, SubIndication

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

#: Extended key usages that allow signing documents: any, e-mail protection (S/MIME, which
#: most national personal and organisation certificates carry), document signing (RFC 9336),
#: Adobe's Authentic Documents Trust and Microsoft's document signing.
DOCUMENT_SIGNING_USAGES = frozenset(
    {
        ExtendedKeyUsageOID.ANY_EXTENDED_KEY_USAGE,
        ExtendedKeyUsageOID.EMAIL_PROTECTION,
        ObjectIdentifier("1.3.6.1.5.5.7.3.36"),
        ObjectIdentifier("1.2.840.113583.1.1.5"),
        ObjectIdentifier("1.3.6.1.4.1.311.10.3.12"),
    }
)
_USAGE_NAMES = {
    ExtendedKeyUsageOID.SERVER_AUTH: "TLS server",
    ExtendedKeyUsageOID.CLIENT_AUTH: "TLS client",
    ExtendedKeyUsageOID.CODE_SIGNING: "code signing",
    ExtendedKeyUsageOID.TIME_STAMPING: "time-stamping",
    ExtendedKeyUsageOID.OCSP_SIGNING: "OCSP signing",
}
_FINGERPRINT = re.compile(r"[0-9a-f]{64}")


def normalise_name(name: str) -> str:
    """An institution's name as compared: NFC, case folded, spaces collapsed."""
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


@dataclass(frozen=True)
class AllowedSigners:
    """The certificates that may sign for one institution (known by any of its names)."""

    names: frozenset[str]  # normalised
    certificates: frozenset[str]  # SHA-256 fingerprints, lower-case hex


@dataclass(frozen=True)
class SignerList:
    """Exactly who may sign for which institution (the ``--signers`` file)."""

    institutions: tuple[AllowedSigners, ...]

    @classmethod
    def from_file(cls, path: str | Path) -> SignerList:
        """Read a signer list; `TrustError` names the file and what is wrong with it."""
        path = Path(path)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise TrustError(f"{path}: cannot read the signer list ({exc.strerror})") from None
        except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise TrustError(f"{path}: not a TOML signer list ({exc})") from None
        tables = data.get("institution")
        if not isinstance(tables, list) or not tables:
            raise TrustError(f"{path}: no [[institution]] table; see the signer list format in the docs")
        institutions = []
        for number, table in enumerate(tables, 1):
            where = f"{path}: [[institution]] number {number}"
            names, certificates = table.get("names"), table.get("certificates")
            if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
                raise TrustError(f"{where}: 'names' must be a list of the institution's names")
            if not isinstance(certificates, list) or not all(isinstance(c, str) for c in certificates):
                raise TrustError(f"{where}: 'certificates' must be a list of SHA-256 fingerprints")
            fingerprints = set()
            for value in certificates:
                fingerprint = value.replace(":", "").replace(" ", "").lower()
                if not _FINGERPRINT.fullmatch(fingerprint):
                    raise TrustError(f"{where}: {value!r} is not a SHA-256 fingerprint (64 hex digits)")
                fingerprints.add(fingerprint)
            unknown = set(table) - {"names", "certificates"}
            if unknown:
                raise TrustError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
            institutions.append(
                AllowedSigners(frozenset(normalise_name(n) for n in names), frozenset(fingerprints))
            )
        return cls(tuple(institutions))

    def allowed(self, fingerprint: str, institution_names: Iterable[str]) -> bool:
        wanted = {normalise_name(n) for n in institution_names}
        return any(entry.names & wanted and fingerprint in entry.certificates for entry in self.institutions)


def check_signer(
    name: str,
    certificate: x509.Certificate,
    institution_names: Iterable[str],
    signers: SignerList | None,
    role: str = "the signer",
) -> Check:
    """Whether `certificate` may sign a transcript of the institution called `institution_names`."""
    usage_problem = _usage_problem(certificate)
    if usage_problem:
        return Check.problem(
            name,
            SubIndication.CHAIN_CONSTRAINTS_FAILURE,
            f"{role}'s certificate is not for signing documents: {usage_problem}",
        )
    names = [n for n in institution_names if n.strip()]
    fingerprint = hashlib.sha256(certificate.public_bytes(Encoding.DER)).hexdigest()
    if signers is not None:
        if signers.allowed(fingerprint, names):
            return Check.passed(name, f"{role} is on the signer list for {_quoted(names)}")
        return Check.problem(
            name,
            SubIndication.SIG_CONSTRAINTS_FAILURE,
            f"{role}'s certificate (SHA-256 {fingerprint[:16]}…) is not on the signer list for "
            f"{_quoted(names)}: it is not shown to be allowed to sign for this institution",
        )
    organisations = [
        str(a.value) for a in certificate.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)
    ]
    wanted = {normalise_name(n) for n in names}
    if any(normalise_name(o) in wanted for o in organisations):
        return Check.passed(
            name, f"{role}'s certificate is for signing and names the institution ({organisations[0]})"
        )
    named = _quoted(organisations) if organisations else "no organisation"
    return Check.problem(
        name,
        SubIndication.SIG_CONSTRAINTS_FAILURE,
        f"{role}'s certificate names {named}, not the institution of the transcript ({_quoted(names)}): "
        "it is not shown to be allowed to sign for this institution (a signer list can allow it)",
    )


def _usage_problem(certificate: x509.Certificate) -> str | None:
    usage = None
    with contextlib.suppress(x509.ExtensionNotFound):
        usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    if usage is not None and not (usage.digital_signature or usage.content_commitment):
        return "its key usage has neither digitalSignature nor nonRepudiation"
    extended = None
    with contextlib.suppress(x509.ExtensionNotFound):
        extended = certificate.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    if extended is not None and not DOCUMENT_SIGNING_USAGES & set(extended):
        kinds = ", ".join(_USAGE_NAMES.get(oid, oid.dotted_string) for oid in extended) or "none"
        return f"its extended key usage allows only {kinds}"
    return None


def _quoted(names: Iterable[str]) -> str:
    return " / ".join(f"“{n}”" for n in dict.fromkeys(names)) or "no name"
