"""Time-stamp tokens as proofs of existence (EN 319 102-1), for the XML and the PDF checks.

A trusted time-stamp proves that what it covers existed at its time (the token's genTime).
Its authority's certificate path is judged at that time, with the revocation data at hand
(the CRLs given, the file's own validation data). The proof then holds as long as that path
stays valid, and not known to be revoked, until something later proves that the token itself
existed: a later time-stamp over it (each of a PDF's document time-stamps covers everything
before it) or, for the newest, the validation time. A token whose certificate expired or was
revoked before then proves nothing, and what it covered is judged without it.

Where this deviates from EN 319 102-1: the standard asks, for the newest time-stamp, for
revocation data fresh at the validation time, which an offline verifier years later cannot
have. Here revocation data that covers the token's own time is enough, with the path's
validity and any revocation known at the validation time checked besides (5.2.5 leaves
freshness to the validation policy). A file therefore keeps verifying offline, with nothing
but the root, until its newest time-stamp's certificate expires; `transcript extend` adds a
newer one before that.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Coroutine, Sequence
from typing import Any

from asn1crypto import cms
from cryptography import x509
from pyhanko_certvalidator import ValidationContext

from transcript.pki.trust import TrustSettings, validation_context
from transcript.util import sync
from transcript.verify.chain import check_path
from transcript.verify.report import Check, Status, SubIndication

#: A token and what proves it later less than this after its own time need no second look.
SAME_MOMENT = dt.timedelta(minutes=10)

#: Validates one token (its imprint, signature and path) in a given validation context and
#: returns pyHanko's status: a mapping (CMS tokens) or a status object (document time-stamps).
Validate = Callable[[ValidationContext], Coroutine[Any, Any, Any]]


def token_time(token: cms.SignedData) -> dt.datetime | None:
    """The time a time-stamp token claims (genTime), or None for a token that is not one."""
    try:
        info = token["encap_content_info"]["content"].parsed
        when = info["gen_time"].native
    except Exception:  # asn1crypto raises many kinds on crafted tokens
        return None
    return when if isinstance(when, dt.datetime) else None


def proof_of_existence(
    name: str,
    token: cms.SignedData,
    validate: Validate,
    trust: TrustSettings,
    *,
    until: dt.datetime,
    certs: Sequence[Any] = (),
    crls: Sequence[bytes] = (),
    ocsps: Sequence[bytes] = (),
    what: str = "the signature",
) -> tuple[Check, dt.datetime | None]:
    """The check of one time-stamp token, and the time it proves (None when it proves nothing).

    `until` is when a later proof (or the validation) takes over: the authority's path must
    hold until then. Problems: a token that is malformed or does not cover `what` fails; one
    from an authority not trusted at its time is indeterminate; one whose authority expired
    or was revoked before `until` is a warning, and proves nothing.
    """
    when = token_time(token)
    if when is None:
        return Check.problem(name, SubIndication.FORMAT_FAILURE, "the time-stamp token is malformed"), None
    if when > until + SAME_MOMENT:
        # Dated after the validation time, or after a time-stamp that covers it: a clock
        # cannot be trusted that says so, and nothing can be proven by it.
        return Check.problem(
            name,
            SubIndication.TIMESTAMP_ORDER_FAILURE,
            f"the time-stamp is dated {when.isoformat()}, after {until.isoformat(timespec='seconds')}, "
            "which it should precede",
        ), None
    status = _run(validate, validation_context(trust, others=certs, crls=crls, ocsps=ocsps, moment=when))
    intact, valid, problem = _flags(status)
    stamp = f"time-stamp at {when.isoformat()}"
    if not intact:
        return Check.problem(name, SubIndication.HASH_FAILURE, f"the {stamp} does not cover {what}"), None
    if not valid:
        return Check.problem(name, SubIndication.SIG_CRYPTO_FAILURE, f"the {stamp} does not verify"), None
    if problem is not None:
        diagnosed = _authority_problem(name, status, token, trust, certs, crls, ocsps, when)
        if diagnosed is not None:
            # The path check's own words name the cause (no revocation data, say), where the
            # token's status has only a category.
            return Check.problem(
                name, diagnosed.sub_indication or SubIndication.CERTIFICATE_CHAIN_GENERAL_FAILURE,
                f"the {stamp} cannot be relied on: its authority's certificate: {diagnosed.detail}",
            ), None  # fmt: skip
        sub = SubIndication.named(getattr(problem, "name", ""), SubIndication.NO_CERTIFICATE_CHAIN_FOUND)
        return Check.problem(
            name, sub, f"the {stamp} comes from an authority that is not trusted at that time"
        ), None
    if until - when > SAME_MOMENT:
        later = validation_context(trust, others=certs, crls=crls, ocsps=ocsps, moment=until, soft=True)
        late = _run(validate, later)
        _, _, problem = _flags(late)
        if problem is None:
            # Soft checking passes over revocation data that is not current at `until`; a
            # revocation that any CRL at hand records before then still counts.
            problem = _revoked_before(_get(late, "signing_cert"), token, trust, certs, crls, until)
        if problem is not None:
            return Check.warning(
                name,
                f"the {stamp} proves nothing: its authority's certificate expired or was revoked "
                f"before {until.isoformat(timespec='seconds')}, and no later time-stamp proves it",
            ), None
    return Check.passed(name, f"a trusted {stamp} proves {what} existed then"), when


def _run(validate: Validate, context: ValidationContext) -> Any:
    try:
        return sync.run(validate(context), closing=(context,))
    except Exception as exc:  # pyHanko raises many kinds on crafted tokens
        return {"intact": False, "valid": False, "error": exc}


def _get(status: Any, key: str) -> Any:
    return status.get(key) if isinstance(status, dict) else getattr(status, key, None)


def _flags(status: Any) -> tuple[bool, bool, Any]:
    """(intact, valid, trust problem) of a status mapping or object; an unknown problem when
    the token verifies but is not trusted for another reason."""
    intact, valid = bool(_get(status, "intact")), bool(_get(status, "valid"))
    problem = _get(status, "trust_problem_indic")
    if intact and valid and problem is None and _get(status, "timestamp") is None:
        problem = SubIndication.FORMAT_FAILURE
    return intact, valid, problem


def _authority_problem(
    name: str,
    status: Any,
    token: cms.SignedData,
    trust: TrustSettings,
    certs: Sequence[Any],
    crls: Sequence[bytes],
    ocsps: Sequence[bytes],
    when: dt.datetime,
) -> Check | None:
    """Why the authority's certificate fails at `when`, from the same path check as a
    signer's; None when that check finds nothing to say."""
    signing_cert = _get(status, "signing_cert")
    if signing_cert is None:
        return None
    try:
        certificate = x509.load_der_x509_certificate(signing_cert.dump())
        carried = [c.chosen for c in token["certificates"] or [] if c.name == "certificate"]
        others = [x509.load_der_x509_certificate(c.dump()) for c in [*certs, *carried]]
    except (ValueError, TypeError, KeyError):
        return None
    check = check_path(name, certificate, others, trust, when, True, crls, ocsps)
    return check if check.status in (Status.FAILED, Status.INDETERMINATE) else None


def _revoked_before(
    signing_cert: Any,
    token: cms.SignedData,
    trust: TrustSettings,
    certs: Sequence[Any],
    crls: Sequence[bytes],
    until: dt.datetime,
) -> SubIndication | None:
    """REVOKED when a CRL at hand, signed by the authority's issuer, lists the authority's
    certificate as revoked before `until`, however old or new that CRL is."""
    if signing_cert is None:
        return SubIndication.NO_CERTIFICATE_CHAIN_FOUND
    certificate = x509.load_der_x509_certificate(signing_cert.dump())
    carried = [c.chosen for c in token["certificates"] or [] if c.name == "certificate"]
    candidates = [
        *trust.roots,
        *trust.extra_certificates,
        *(x509.load_der_x509_certificate(c.dump()) for c in [*certs, *carried]),
    ]
    issuers = [c for c in candidates if c.subject == certificate.issuer]
    for data in (*trust.crls, *crls):
        try:
            crl = x509.load_der_x509_crl(data)
        except ValueError:
            continue
        if crl.issuer != certificate.issuer:
            continue
        entry = crl.get_revoked_certificate_by_serial_number(certificate.serial_number)
        if entry is None or entry.revocation_date_utc >= until:
            continue
        if any(_signed_by(crl, issuer) for issuer in issuers):
            return SubIndication.REVOKED
    return None


def _signed_by(crl: x509.CertificateRevocationList, issuer: x509.Certificate) -> bool:
    try:
        return crl.is_signature_valid(issuer.public_key())  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
