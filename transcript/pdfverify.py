"""Verifying the national package: the PAdES signature, the embedded XML, and the two together.

One report for the file. The checks, in order: the PDF opens and is not encrypted; its
PAdES signature is intact, valid and trusted (revocation from the document security store
when present, else from the CRLs given); it covers the whole file, with nothing after it
but validation data and document time-stamps; then the embedded XML through the XAdES
verifier (its checks listed with an ``xml-`` prefix); then the binding: the XML's
TranscriptID is the XMP's DocumentReferenceID, and both signatures come from the same
institution. The transcript summary comes from the XML's signed content.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import pikepdf
from asn1crypto import x509 as asn1_x509
from pyhanko_certvalidator import ValidationContext

from .fastpaths import remember_valid_paths
from .pades import check_pdf_signature, validation_context
from .pdfa import embedded_transcripts, xmp_value
from .trust import TrustSettings
from .verify import Check, Signer, Status, VerificationReport, conclude, verify
from .xmlio import MAX_DOCUMENT_BYTES


def verify_pdf(
    data: bytes,
    trust: TrustSettings,
    *,
    max_bytes: int = MAX_DOCUMENT_BYTES,
    known_xml: tuple[bytes, VerificationReport] | None = None,
) -> VerificationReport:
    """Verify a transcript package.

    `known_xml` is (XML bytes, their report) from a verification the caller made with the
    same trust: when the embedded XML is byte for byte that XML, its report is taken instead
    of verifying it again (the issuing run's self-check does this).
    """
    return verify_pdfs([data], trust, max_bytes=max_bytes, known_xml=known_xml)[0]


def verify_pdfs(
    files: Sequence[bytes],
    trust: TrustSettings,
    *,
    max_bytes: int = MAX_DOCUMENT_BYTES,
    known_xml: tuple[bytes, VerificationReport] | None = None,
) -> list[VerificationReport]:
    """Verify several packages at one moment, one report each (as `verify_pdf`).

    Made for the editions of one transcript: their signatures come from one signer moments
    apart, so the certificate path validation shares its context (the trust roots and CRLs
    loaded once, the CRL issuers' paths remembered, and each signer's path validated once)
    instead of starting afresh per file.
    """
    shared = remember_valid_paths(validation_context(trust)) if len(files) > 1 else None
    reports = []
    for data in files:
        report = VerificationReport()
        _checks(data, trust, report, max_bytes, known_xml, shared)
        conclude(report)
        reports.append(report)
    return reports


def _checks(
    data: bytes,
    trust: TrustSettings,
    report: VerificationReport,
    max_bytes: int,
    known_xml: tuple[bytes, VerificationReport] | None,
    shared: ValidationContext | None,
) -> None:
    add = report.checks.append
    if len(data) > max_bytes:
        add(
            Check(
                "pdf-input",
                Status.FAILED,
                f"the file is {len(data):,} bytes, over the limit",
                "FORMAT_FAILURE",
            )
        )
        return
    try:
        document = pikepdf.open(io.BytesIO(data))
    except pikepdf.PdfError as exc:
        add(Check("pdf-input", Status.FAILED, f"not a readable PDF ({exc})", "FORMAT_FAILURE"))
        return
    with document:  # opened once: the embedded XML and the XMP are read from it too
        _opened_checks(data, document, trust, report, known_xml, shared)


def _opened_checks(
    data: bytes,
    document: pikepdf.Pdf,
    trust: TrustSettings,
    report: VerificationReport,
    known_xml: tuple[bytes, VerificationReport] | None,
    shared: ValidationContext | None,
) -> None:
    add = report.checks.append
    if document.is_encrypted:
        add(
            Check(
                "pdf-input",
                Status.FAILED,
                "the PDF is encrypted; a transcript package is not",
                "FORMAT_FAILURE",
            )
        )
        return
    add(Check("pdf-input", Status.PASSED, "a readable, unencrypted PDF"))

    try:
        pdf = check_pdf_signature(data, trust, shared)
    except Exception as exc:
        add(
            Check(
                "pdf-signature", Status.FAILED, f"the PDF signature cannot be read ({exc})", "FORMAT_FAILURE"
            )
        )
        return
    if pdf is None:
        add(
            Check(
                "pdf-signature", Status.FAILED, "the PDF is not signed (no PAdES signature)", "FORMAT_FAILURE"
            )
        )
        return
    if pdf.signer is not None:
        report.pdf_signer = Signer.of_der(pdf.signer.dump())
    if not pdf.intact:
        add(
            Check(
                "pdf-signature",
                Status.FAILED,
                "the PDF changed after signing (digest mismatch)",
                "HASH_FAILURE",
            )
        )
        return
    if not pdf.valid:
        add(
            Check(
                "pdf-signature",
                Status.FAILED,
                "the PDF signature value does not verify",
                "SIG_CRYPTO_FAILURE",
            )
        )
        return
    if pdf.revoked:
        add(Check("pdf-signature", Status.FAILED, "the PDF signer's certificate was revoked", "REVOKED"))
    elif not pdf.trusted:
        reason = pdf.trust_problem or "NO_CERTIFICATE_CHAIN_FOUND"
        words = {
            "NO_CERTIFICATE_CHAIN_FOUND": "does not chain to a trusted root",
            "REVOCATION_OUT_OF_BOUNDS_NO_POE": "revocation data does not cover the signing time",
            "TRY_LATER": "revocation could not be checked (no CRL given, none in the file)",
        }.get(reason, f"cannot be trusted ({reason})")
        add(Check("pdf-signature", Status.INDETERMINATE, f"the PDF signer's certificate {words}", reason))
    else:
        source = "validation data in the file" if pdf.has_dss else "the CRLs given"
        add(Check("pdf-signature", Status.PASSED, f"intact, valid and trusted (revocation from {source})"))
    if pdf.covers_whole_file or pdf.modified_after in ("none", "lta_updates"):
        after = "" if pdf.covers_whole_file else " (then only validation data and time-stamps were added)"
        add(Check("pdf-coverage", Status.PASSED, f"the signature covers the whole document{after}"))
    else:
        add(
            Check(
                "pdf-coverage",
                Status.FAILED,
                f"the document was changed after it was signed ({pdf.modified_after})",
                "HASH_FAILURE",
            )
        )
    if pdf.timestamp_time:
        add(Check("pdf-timestamp", Status.PASSED, f"time-stamped at {pdf.timestamp_time.isoformat()}"))

    embedded = [(n, b, r) for n, b, r in embedded_transcripts(document) if b.lstrip().startswith(b"<")]
    if len(embedded) != 1:
        add(
            Check(
                "embedded-xml",
                Status.FAILED,
                f"expected exactly one embedded transcript XML, found {len(embedded)}",
                "FORMAT_FAILURE",
            )
        )
        return
    name, xml, relationship = embedded[0]
    # The XML is signed with the same chain: its revocation can come from the file's store too.
    inner_trust = TrustSettings(
        trust.roots, trust.crls + pdf.stored_crls, trust.revocation, trust.allow_fetching, trust.at
    )
    inner = known_xml[1] if known_xml and known_xml[0] == xml else verify(xml, inner_trust)
    for check in inner.checks:
        add(Check(f"xml-{check.name}", check.status, check.detail, check.sub_indication))
    report.signer, report.signing_time, report.timestamp_time = (
        inner.signer,
        inner.signing_time,
        inner.timestamp_time,
    )
    report.validation_time, report.summary = inner.validation_time, inner.summary
    report.content_problems, report.signed_xml, report.transcript = (
        inner.content_problems,
        inner.signed_xml,
        inner.transcript,
    )
    if relationship != "Alternative":
        add(
            Check(
                "binding",
                Status.FAILED,
                f"the XML {name} is attached as {relationship!r}, not as the document's Alternative",
                "FORMAT_FAILURE",
            )
        )
        return
    reference = xmp_value(document, "DocumentReferenceID")
    document_id = inner.summary.document_id if inner.summary else None
    if document_id is None:
        add(Check("binding", Status.SKIPPED, "the embedded XML's content could not be read"))
        return
    if reference != document_id:
        add(
            Check(
                "binding",
                Status.FAILED,
                f"the embedded XML is document {document_id}, but the PDF says {reference!r} "
                "(DocumentReferenceID): the XML was swapped",
                "FORMAT_FAILURE",
            )
        )
        return
    if (
        pdf.signer is not None
        and inner.signer is not None
        and not _same_institution(pdf.signer, inner.signer)
    ):
        add(
            Check(
                "binding",
                Status.FAILED,
                f"the PDF was signed by {report.pdf_signer.subject if report.pdf_signer else '?'} "
                f"but the XML by {inner.signer.subject}: not the same institution",
                "SIG_CONSTRAINTS_FAILURE",
            )
        )
        return
    add(
        Check(
            "binding",
            Status.PASSED,
            f"the PDF and its XML are the same document ({document_id}), one institution",
        )
    )


def _same_institution(pdf_signer: asn1_x509.Certificate, xml_signer: Signer) -> bool:
    """The same certificate, or certificates of the same organisation from the same issuer."""
    pdf = Signer.of_der(pdf_signer.dump())
    if (pdf.subject, pdf.issuer, pdf.serial) == (xml_signer.subject, xml_signer.issuer, xml_signer.serial):
        return True
    return (
        pdf.issuer == xml_signer.issuer
        and pdf.organization is not None
        and (pdf.organization == xml_signer.organization)
    )
