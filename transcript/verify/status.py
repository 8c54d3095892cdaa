"""Is the document still standing? Its issuer's signed status list, checked like a signature.

The list (`transcript.status.listformat`) is read only within a size limit; its signature is
checked before anything in it is decompressed; its signer's certificate must chain to a root
the verifier trusts and may sign for the document's institution (the same rule as the
document's signer); it must not be past its next update. A document the list marks revoked
or superseded is TOTAL-FAILED, suspended INDETERMINATE. A list that cannot be used, for any
reason, leaves the status unknown: INDETERMINATE under the default policy (fail closed), a
warning under ``soft``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import Enum

from cryptography import x509

from transcript.model.validity import Validity
from transcript.pki.trust import TrustSettings
from transcript.status.listformat import (
    DocumentStatus,
    ListContent,
    StatusListError,
    document_key,
    open_successor,
    read_signed,
)
from transcript.verify.chain import check_path
from transcript.verify.report import Check, ReportDraft, Status, SubIndication, VerificationReport
from transcript.verify.signers import SignerList, check_signer
from transcript.verify.xml import institution_names

#: A list issued this far in the future is a clock that cannot be trusted.
CLOCK_SKEW = dt.timedelta(minutes=10)


class StatusPolicy(str, Enum):
    """REQUIRE: no TOTAL-PASSED unless the status is known to be valid (fail closed).
    SOFT: an unknown status is a warning."""

    REQUIRE = "require"
    SOFT = "soft"


def with_status(
    report: VerificationReport,
    status_list: bytes | None,
    trust: TrustSettings,
    *,
    signers: SignerList | None = None,
    policy: StatusPolicy | str = StatusPolicy.REQUIRE,
    source: str = "the status list",
) -> VerificationReport:
    """`report` with a ``status`` check from `status_list` (its bytes, or None when it could
    not be obtained); never raises."""
    policy = StatusPolicy(policy)
    draft = ReportDraft()
    for name, value in vars(report).items():
        if name != "checks" and hasattr(draft, name):
            setattr(draft, name, value)
    draft.checks = list(report.checks)
    if report.document_sha256 is None or report.transcript is None:
        draft.add(Check.skipped("status", "not looked up: the signed document could not be read"))
        return draft.freeze()
    try:
        check, status, successor = _status(report, status_list, trust, signers, source)
    except Exception as exc:  # a defect met with a crafted list must not become a crash
        check = Check.problem(
            "status", SubIndication.STATUS_UNKNOWN, f"{source} could not be read ({type(exc).__name__})"
        )
        status, successor = None, None
    if check.sub_indication is SubIndication.STATUS_UNKNOWN and policy is StatusPolicy.SOFT:
        check = Check.warning("status", f"{check.detail} (policy: soft)")
    draft.add(check)
    draft.document_status = status
    draft.superseded_by = successor
    return draft.freeze()


@dataclass(frozen=True)
class TrustedList:
    """A status list whose signature, signer and freshness have been checked."""

    content: ListContent
    signer: x509.Certificate

    @property
    def signer_organization(self) -> str:
        names = self.signer.subject.get_attributes_for_oid(x509.NameOID.ORGANIZATION_NAME)
        return str(names[0].value) if names else self.signer.subject.rfc4514_string()


def read_trusted(
    data: bytes | None,
    trust: TrustSettings,
    *,
    institutions: list[str] | None,
    signers: SignerList | None = None,
    source: str = "the status list",
) -> TrustedList | str:
    """The list, once its signature verifies, its signer chains to a trusted root (and, given
    `institutions`, may sign for them) and it is current; else why not, in words."""
    if data is None:
        return f"{source} could not be obtained"
    try:
        claims, chain = read_signed(data)
    except StatusListError as exc:
        return f"{source}: {exc}"
    now = trust.at or dt.datetime.now(dt.timezone.utc)
    path = check_path("status", chain[0], chain[1:], trust, now, False)
    if path.status not in (Status.PASSED, Status.WARNING):
        return f"{source} is signed by a certificate that cannot be trusted ({path.detail})"
    if institutions is not None:
        allowed = check_signer("status", chain[0], institutions, signers, role="the status list's signer")
        if allowed.status is not Status.PASSED:
            return f"{source} is not signed for the document's institution ({allowed.detail})"
    try:
        content = ListContent.from_claims(claims)
    except StatusListError as exc:
        return f"{source}: {exc}"
    if content.issued > now + CLOCK_SKEW:
        return f"{source} says it was issued at {content.issued.isoformat()}, in the future"
    if now > content.next_update:
        return (
            f"{source} is stale: its next update was due at {content.next_update.isoformat()} "
            "(ask the issuer for the current one)"
        )
    return TrustedList(content, chain[0])


#: What `lookup` calls a document past its last day, besides the list's own statuses.
EXPIRED = "expired"


def lookup(
    listing: TrustedList, sha256_hex: str, now: dt.datetime | None = None
) -> tuple[Check, str | None, str | None]:
    """The status check of the document whose signed content has this SHA-256 (see
    `signed_content_digest`), its status in a word (valid, revoked, suspended, superseded,
    expired; None when unknown) and the number of the document replacing it."""
    content = listing.content
    key = document_key(sha256_hex)
    status = content.status_of(key)
    when = f"list of {content.issued.isoformat()}, next update {content.next_update.isoformat()}"
    if status is None:
        return _unknown(f"the status list does not list this document ({when})")
    if status is DocumentStatus.VALID:
        last_day = content.valid_until.get(key)
        moment = now or dt.datetime.now(dt.timezone.utc)
        if last_day is not None and Validity(last_day, (), True).expired(moment):
            until = last_day.isoformat()
            words = f"the issuer made this document valid until {until}; it has expired ({when})"
            return Check.problem("status", SubIndication.DOCUMENT_EXPIRED, words), EXPIRED, None
        until = f", until {last_day.isoformat()}" if last_day else ""
        words = f"the issuer lists the document as valid{until} ({when})"
        return Check.passed("status", words), status.word, None
    if status is DocumentStatus.REVOKED:
        words = f"the issuer has revoked (withdrawn) this document ({when})"
        return Check.problem("status", SubIndication.DOCUMENT_REVOKED, words), status.word, None
    if status is DocumentStatus.SUSPENDED:
        words = f"the issuer has suspended this document ({when})"
        return Check.problem("status", SubIndication.DOCUMENT_SUSPENDED, words), status.word, None
    sealed = content.superseded_by.get(key)
    successor = open_successor(sealed, sha256_hex) if sealed else None
    named = f"document {successor}" if successor else "a newer document"
    words = f"the issuer has replaced this document by {named} ({when})"
    return Check.problem("status", SubIndication.DOCUMENT_SUPERSEDED, words), status.word, successor


def _unknown(why: str) -> tuple[Check, None, None]:
    return (
        Check.problem("status", SubIndication.STATUS_UNKNOWN, f"status could not be checked: {why}"),
        None,
        None,
    )


def _status(
    report: VerificationReport,
    data: bytes | None,
    trust: TrustSettings,
    signers: SignerList | None,
    source: str,
) -> tuple[Check, str | None, str | None]:
    listing = read_trusted(
        data, trust, institutions=institution_names(report.transcript), signers=signers, source=source
    )
    if isinstance(listing, str):
        return _unknown(listing)
    assert report.document_sha256 is not None
    return lookup(listing, report.document_sha256, trust.at)
