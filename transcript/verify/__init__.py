"""Verifying a signed transcript: one verdict, every check behind it, and what was signed.

`verify` takes the bytes of a signed transcript XML or of a transcript package (PDF/A-3 with
the signed XML inside, PAdES-signed) and returns a `VerificationReport`; it never raises for
bad input. The verdict follows ETSI EN 319 102-1 (TOTAL-PASSED, TOTAL-FAILED, INDETERMINATE),
with a `SubIndication` saying why. The parts: `report` (the typed report), `xml` (XAdES
checks), `chain` (the certificate path at the moment that can be relied on), `signers` (who
may sign for an institution), `pdf` (the package's checks), `pages` (the pages against the
signed data).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

from transcript.model.xmlio import MAX_DOCUMENT_BYTES
from transcript.pki.trust import RevocationPolicy, TrustSettings
from transcript.verify.credential import looks_like_sd_jwt, verify_credential
from transcript.verify.report import (
    Check,
    ReportDraft,
    Signer,
    Status,
    SubIndication,
    TranscriptSummary,
    Verdict,
    VerificationReport,
)
from transcript.verify.signers import SignerList
from transcript.verify.xml import summarize, verify_xml

__all__ = [
    "Check",
    "Signer",
    "SignerList",
    "Status",
    "SubIndication",
    "TranscriptSummary",
    "Verdict",
    "VerificationReport",
    "summarize",
    "verify",
]


def verify(
    data: bytes,
    trust: TrustSettings | Iterable[str | Path],
    *,
    crls: Iterable[str | Path] = (),
    revocation: RevocationPolicy | str = RevocationPolicy.REQUIRE,
    allow_fetching: bool = False,
    at: dt.datetime | None = None,
    signers: SignerList | str | Path | None = None,
    max_bytes: int = MAX_DOCUMENT_BYTES,
    status: bytes | None = None,
    status_policy: str = "require",
    audience: str | None = None,
    nonce: str | None = None,
    document: bytes | None = None,
) -> VerificationReport:
    """Verify a signed transcript, XML or the PDF package; never raises for bad input.

    `trust` is a `TrustSettings`, or the paths of trusted root certificates (PEM or DER), in
    which case `crls`, `revocation`, `allow_fetching` and `at` complete the settings.
    `signers` is a `SignerList` or the path of a signer list (TOML): exactly who may sign for
    which institution; without one, a signer's certificate must name the institution.
    `status` is the issuer's signed status list (its bytes): the document must be listed as
    valid, or the verdict is not TOTAL-PASSED (`status_policy="soft"`: an unusable list is a
    warning); see `transcript.verify.status`.
    A wallet credential (SD-JWT VC, `transcript.verify.credential`) is verified too: `audience`
    and `nonce` are those its holder's presentation must carry, and `document` the bytes of
    the national XML or PDF it should be bound to.
    Raises `TrustError` only when a trust, CRL or signer-list file cannot be read.
    """
    if not isinstance(trust, TrustSettings):
        trust = TrustSettings.from_files(
            trust, crls, revocation=revocation, allow_fetching=allow_fetching, at=at
        )
    if signers is not None and not isinstance(signers, SignerList):
        signers = SignerList.from_file(signers)
    try:
        data = bytes(data)
    except Exception:
        draft = ReportDraft()
        draft.add(Check.problem("input", SubIndication.FORMAT_FAILURE, "the input is not bytes"))
        return draft.freeze()
    if looks_like_sd_jwt(data):
        bound = None
        if document is not None:
            bound = verify(document, trust, signers=signers, max_bytes=max_bytes)
        return verify_credential(
            data, trust, signers=signers, status=status, status_policy=status_policy,
            audience=audience, nonce=nonce, document=bound,
        )  # fmt: skip
    if data[:5] == b"%PDF-":
        from transcript.verify.pdf import verify_pdf  # PDF support is loaded only when a PDF arrives

        report = verify_pdf(data, trust, signers=signers, max_bytes=max_bytes)
    else:
        report = verify_xml(data, trust, signers=signers, max_bytes=max_bytes)
    if status is None:
        return report
    from transcript.verify.status import with_status

    return with_status(report, status, trust, signers=signers, policy=status_policy)
