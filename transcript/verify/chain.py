"""A signer's certificate path, judged at the moment the validation may rely on (EN 319 102-1).

The claimed signing time is not a proof of existence. Without a trusted time-stamp a
certificate is judged at the validation time (now, or the moment the caller names): one
revoked or expired by then cannot be told apart from a key that signs today and claims an
earlier date, so the answer is INDETERMINATE (`REVOKED_NO_POE`, `OUT_OF_BOUNDS_NO_POE`). With
a trusted time-stamp it is judged at the time-stamp's time, and revoked or expired then is a
plain `REVOKED` or `EXPIRED`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from pyhanko_certvalidator import CertificateValidator
from pyhanko_certvalidator import errors as cv_errors

from transcript.pki.trust import TrustSettings, asn1_certificate, der, validation_context
from transcript.util import sync
from transcript.verify.report import Check, SubIndication


def check_path(
    name: str,
    signer: x509.Certificate,
    others: Sequence[x509.Certificate],
    trust: TrustSettings,
    moment: dt.datetime,
    proven: bool,
    extra_crls: Sequence[bytes] = (),
    extra_ocsps: Sequence[bytes] = (),
) -> Check:
    """The certificate check of `signer` at `moment`; `proven` says a time-stamp proves that
    the signature existed then (else `moment` is the validation time). `extra_crls` and
    `extra_ocsps` are revocation data (DER) the file carries."""
    if not proven:
        expired = out_of_bounds(name, [signer, *others], moment)
        if expired is not None:
            return expired
    context = validation_context(
        trust,
        others=[asn1_certificate(d) for d in der(others)],
        crls=extra_crls,
        ocsps=extra_ocsps,
        moment=moment,
    )
    validator = CertificateValidator(
        asn1_certificate(_der(signer)),
        intermediate_certs=[asn1_certificate(d) for d in der(others)],
        validation_context=context,
    )
    reason = (
        "proven by the time-stamp" if proven else "the validation time: no time-stamp proves an earlier one"
    )
    when = f"{moment.isoformat(timespec='seconds')} ({reason})"
    try:
        path = sync.run(validator.async_validate_path(), closing=(context,))
    except cv_errors.PathBuildingError:
        return Check.problem(
            name,
            SubIndication.NO_CERTIFICATE_CHAIN_FOUND,
            "the signer's certificate does not chain to any trusted root (self-signed or from an "
            "unknown authority): do not treat it as genuine unless you trust its issuer",
        )
    except cv_errors.ValidationError as exc:
        return _failure(name, exc, when, proven)
    except AssertionError:  # pyHanko asserts on a certificate signed with a key of another type
        return Check.problem(
            name,
            SubIndication.CERTIFICATE_CHAIN_GENERAL_FAILURE,
            "a certificate of the chain is not signed by its issuer's key",
        )
    root = _common_name(path.trust_anchor.authority.name)
    checked = bool(trust.crls or extra_crls or extra_ocsps) or trust.allow_fetching
    if not checked:
        return Check.warning(
            name,
            f"chains to {root}; valid at {when}; revocation not checked (no CRL given; policy: soft)",
        )
    return Check.passed(name, f"chains to {root}; valid and not revoked at {when}")


def out_of_bounds(name: str, certificates: Sequence[x509.Certificate], moment: dt.datetime) -> Check | None:
    """OUT_OF_BOUNDS_NO_POE when the signer's certificate (the first) or one of its issuers
    has expired by `moment`, a validation time that no time-stamp moves back: decided before
    revocation, since no revocation data, fresh or not, could make such a signature pass."""
    signer = certificates[0]
    chain = [signer, *_issuers_of(signer, certificates[1:])]
    for certificate in chain:
        if certificate.not_valid_after_utc < moment:
            who = (
                "the signer's certificate" if certificate is signer else f"the issuing CA {_cn(certificate)}"
            )
            return Check.problem(
                name,
                SubIndication.OUT_OF_BOUNDS_NO_POE,
                f"{who} expired on {certificate.not_valid_after_utc.date().isoformat()}, before the "
                f"validation time {moment.isoformat(timespec='seconds')}, and no trusted time-stamp "
                "proves the signature was made while it was valid",
            )
    return None


def _issuers_of(certificate: x509.Certificate, others: Sequence[x509.Certificate]) -> list[x509.Certificate]:
    """The certificates above `certificate` among `others`, by name (at most a few)."""
    found = []
    current = certificate
    for _ in range(len(others)):
        parent = next((c for c in others if c.subject == current.issuer and c not in found), None)
        if parent is None or parent.subject == current.subject:
            break
        found.append(parent)
        current = parent
    return found


def _cn(certificate: x509.Certificate) -> str:
    names = certificate.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    return str(names[0].value) if names else certificate.subject.rfc4514_string()


def _failure(name: str, exc: cv_errors.ValidationError, when: str, proven: bool) -> Check:
    ee = getattr(exc, "is_ee_cert", True)
    if "self-signed" in str(exc):
        return Check.problem(
            name,
            SubIndication.NO_CERTIFICATE_CHAIN_FOUND,
            "the signer's certificate is self-signed and not trusted",
        )
    if isinstance(exc, cv_errors.RevokedError):
        if proven:
            return Check.problem(name, SubIndication.REVOKED, f"the certificate was revoked at {when}: {exc}")
        return Check.problem(
            name,
            SubIndication.REVOKED_NO_POE if ee else SubIndication.REVOKED_CA_NO_POE,
            f"the {'signer' if ee else 'issuing CA'}'s certificate is revoked at {when}, and nothing "
            f"proves the signature was made before the revocation: {exc}",
        )
    if isinstance(exc, cv_errors.ExpiredError):
        if proven:
            return Check.problem(name, SubIndication.EXPIRED, f"a certificate had expired at {when}: {exc}")
        return Check.problem(
            name,
            SubIndication.OUT_OF_BOUNDS_NO_POE,
            f"a certificate has expired by {when}, and no time-stamp proves the signature was made "
            f"while it was valid: {exc}",
        )
    if isinstance(exc, cv_errors.NotYetValidError):
        return Check.problem(
            name, SubIndication.NOT_YET_VALID, f"a certificate is not yet valid at {when}: {exc}"
        )
    if isinstance(exc, cv_errors.InsufficientRevinfoError):
        return Check.problem(
            name,
            SubIndication.TRY_LATER,
            "no revocation data: no current CRL for the certificate chain was given, and fetching is "
            f"off; give the issuers' CRLs (--crl) or allow fetching (--fetch). ({exc})",
        )
    if isinstance(exc, cv_errors.DisallowedAlgorithmError):
        return Check.problem(
            name, SubIndication.CRYPTO_CONSTRAINTS_FAILURE, f"a certificate uses a weak algorithm: {exc}"
        )
    if isinstance(exc, cv_errors.PathValidationError) and "self-signed" in str(exc):
        return Check.problem(
            name,
            SubIndication.NO_CERTIFICATE_CHAIN_FOUND,
            "the signer's certificate is self-signed and not trusted",
        )
    return Check.problem(
        name, SubIndication.CHAIN_CONSTRAINTS_FAILURE, f"the certificate chain is not valid: {exc}"
    )


def _der(certificate: x509.Certificate) -> bytes:
    return der([certificate])[0]


def _common_name(name: asn1_x509.Name) -> str:
    native = name.native
    return str(native.get("common_name") or name.human_friendly)
