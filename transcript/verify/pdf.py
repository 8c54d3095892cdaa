"""The checks of a transcript package: the file, every signature in it, the embedded XML, the pages.

One report for the file. In order:

=================  =========================================================================
pdf-input          a readable, unencrypted PDF within the size limit
pdf-revisions      the file ends at its last ``%%EOF``; pyHanko and qpdf read the same
                   revisions and the same document (a revision one reader sees and another
                   does not is refused); no hybrid cross-reference sections
pdf-signature      the institution's PAdES signature (the first approval signature) is
                   intact, valid and trusted (revocation from the file's validation data,
                   or the CRLs given)
pdf-coverage       it covers the whole file, or everything after it is validation data
                   (DSS) or document time-stamps, classified by a strict policy: no page,
                   form, annotation, metadata or document-information change, and no later
                   approval signature
pdf-timestamp      each document time-stamp added afterwards is intact (and trusted)
embedded-xml       exactly one embedded transcript XML in the signed revision, inflated
                   with a cap, and only once the PDF signature is found intact
xml-*              the embedded XML's own checks (`transcript.verify.xml`)
binding            the XML is the document the signed XMP names (DocumentReferenceID), as
                   the PDF's alternative form
pdf-signer         the PDF signer may sign for the institution the XML names (the same rule
                   as the XML signer)
pages              the pages' text shows the signed transcript's key facts
=================  =========================================================================

Everything used (the embedded XML, the XMP, the language) is read from the revision the
institution's signature covers, through the reader that checked the signature.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import itertools
import re
from collections.abc import Iterator, Sequence
from typing import Any

import pikepdf
from cryptography import x509
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.decode_limits import (
    DEFAULT_PURPOSE_LIMITS,
    DecodeLimits,
    DecodePurpose,
    DocumentDecodeBudget,
    StreamDecodeLimits,
)
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import async_validate_pdf_signature, async_validate_pdf_timestamp
from pyhanko.sign.validation.generic_cms import (
    extract_tst_data_iter,
    message_imprint_checker,
    validate_tst_signed_data,
)
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from transcript._speedups.pyhanko import remember_valid_paths
from transcript.model.xmlio import MAX_DOCUMENT_BYTES
from transcript.pdfa.container import xmp_property
from transcript.pki.trust import TrustSettings, asn1_certificate, validation_context
from transcript.util import sync
from transcript.verify.chain import check_path, out_of_bounds
from transcript.verify.pages import check_pages
from transcript.verify.pdfpolicy import STRICT_POLICY, revision_purpose
from transcript.verify.report import Check, ReportDraft, Signer, Status, SubIndication, VerificationReport
from transcript.verify.signers import SignerList, check_signer
from transcript.verify.streams import (
    DEFLATE_MOST,
    MEASURED,
    MIB,
    SELF_BOUNDED,
    TEXT_FILTERS,
    TooLarge,
    bounded_data,
    inflated_size,
    unarmoured,
)
from transcript.verify.timestamps import proof_of_existence
from transcript.verify.xml import institution_names, verify_xml

MAX_XMP_BYTES = 1 << 20
MAX_VALIDATION_ITEM_BYTES = 1 << 20
MAX_PAGE_INFLATION = 64 * MIB
MAX_IMAGE_PIXELS = 40_000_000
#: What pyHanko may inflate while it reads a file (object and cross-reference streams, the
#: validation data): tighter than its defaults, which allow 256 MiB per stream and a hundred
#: times the file in all, so that a verification stays within a web worker's memory.
DECODE_LIMITS = DecodeLimits(
    per_stream=StreamDecodeLimits(max_output_size=32 * MIB),
    per_purpose={
        **DEFAULT_PURPOSE_LIMITS,
        # The reader walks every entry in Python: a cross-reference stream of a few kilobytes
        # inflating to megabytes of entries would hold a worker for seconds. 512 KiB is some
        # 70,000 objects; a transcript package has a few dozen.
        DecodePurpose.XREF_STREAM: StreamDecodeLimits(max_ratio=None, max_output_size=512 * 1024),
        DecodePurpose.OBJECT_STREAM: StreamDecodeLimits(max_ratio=None, max_output_size=8 * MIB),
    },
    document_budget=DocumentDecodeBudget(base_allowance=96 * MIB, max_ratio=4),
)
MAX_VALIDATION_ITEMS = 256
#: Revisions after the institution's signature: each renewal adds two (validation data, a
#: document time-stamp), so this is decades of renewals; more only cost time (the diff review
#: of every revision grows with their number).
MAX_REVISIONS_AFTER_SIGNATURE = 64
MAX_ATTACHMENTS = 8
# The end of a PDF: "startxref", the offset, "%%EOF", and at most one end-of-line after it.
_TAIL = re.compile(rb"(?:\r\n|\r|\n)startxref(?:\r\n|\r|\n| )+(\d+)(?:\r\n|\r|\n| )+%%EOF(?:\r\n|\r|\n)?\Z")
_EOF_MARKER = re.compile(rb"(?:\r|\n)%%EOF")
# "0000000017 00000 n", loosely as readers accept it; bounded runs, so that the long digit runs
# of a signature's hexadecimal /Contents cost linear time.
_XREF_ENTRY = re.compile(rb"(?<!\d)\d{1,10} {1,3}\d{1,5} {1,3}[fn](?=\s)")
MAX_XREF_ENTRIES = 100_000


class _Stop(Exception):
    """A check failed in a way that makes the following checks meaningless."""


def verify_pdf(
    data: bytes,
    trust: TrustSettings,
    *,
    signers: SignerList | None = None,
    max_bytes: int = MAX_DOCUMENT_BYTES,
    known_xml: tuple[bytes, VerificationReport] | None = None,
) -> VerificationReport:
    """Verify a transcript package; never raises for bad input.

    `known_xml` is (XML bytes, their report) from a verification the caller made with the
    same trust and signer rules: when the embedded XML is byte for byte that XML, its report
    is taken instead of verifying it again (the issuing run's self-check does this).
    """
    return verify_pdfs([data], trust, signers=signers, max_bytes=max_bytes, known_xml=known_xml)[0]


def verify_pdfs(
    files: Sequence[bytes],
    trust: TrustSettings,
    *,
    signers: SignerList | None = None,
    max_bytes: int = MAX_DOCUMENT_BYTES,
    known_xml: tuple[bytes, VerificationReport] | None = None,
) -> list[VerificationReport]:
    """Verify several packages at one moment, one report each (as `verify_pdf`).

    Made for the editions of one transcript: their signatures come from one signer moments
    apart, so the certificate path validation shares its context (the trust roots and CRLs
    loaded once, each signer's path validated once) instead of starting afresh per file.
    """
    shared = remember_valid_paths(validation_context(trust, moment=trust.at)) if len(files) > 1 else None
    reports = []
    for data in files:
        draft = ReportDraft()
        try:
            _checks(bytes(data), trust, signers, draft, max_bytes, known_xml, shared)
        except _Stop:
            pass
        except Exception as exc:  # a defect met with crafted input must not become a crash
            draft.add(
                Check.problem(
                    "pdf-input",
                    SubIndication.FORMAT_FAILURE,
                    f"the file could not be processed ({type(exc).__name__}); it is not accepted",
                )
            )
        reports.append(draft.freeze())
    return reports


def _checks(
    data: bytes,
    trust: TrustSettings,
    signers: SignerList | None,
    draft: ReportDraft,
    max_bytes: int,
    known_xml: tuple[bytes, VerificationReport] | None,
    shared: ValidationContext | None,
) -> None:
    add = draft.add

    def stop(name: str, sub: SubIndication, detail: str) -> _Stop:
        add(Check.problem(name, sub, detail))
        return _Stop()

    if len(data) > max_bytes:
        raise stop(
            "pdf-input", SubIndication.FORMAT_FAILURE, f"the file is {len(data):,} bytes, over the limit"
        )
    if _TAIL.search(data[-4096:]) is None:
        raise stop(
            "pdf-revisions",
            SubIndication.FORMAT_FAILURE,
            "the file does not end with its last revision's startxref and %%EOF: bytes were added "
            "after the end of the document, or an update hides its end",
        )
    if _too_many_entries(data):
        raise stop(
            "pdf-revisions",
            SubIndication.FORMAT_FAILURE,
            f"the file declares more than {MAX_XREF_ENTRIES:,} objects; a transcript package has a few dozen",
        )
    reader = _read(data, stop)
    add(Check.passed("pdf-input", "a readable, unencrypted PDF"))
    _revisions(data, reader, stop)
    add(
        Check.passed(
            "pdf-revisions", f"{reader.xrefs.total_revisions} revision(s), read alike by two PDF readers"
        )
    )

    # Every signature, in signing order: the institution's first, then only time-stamps.
    try:
        signatures = sorted(reader.embedded_signatures, key=lambda s: s.signed_revision)
    except Exception as exc:
        raise stop(
            "pdf-signature", SubIndication.FORMAT_FAILURE, f"the signature fields cannot be read ({exc})"
        ) from None
    approvals = [s for s in signatures if s.sig_object_type == "/Sig"]
    if not approvals:
        raise stop(
            "pdf-signature", SubIndication.FORMAT_FAILURE, "the PDF is not signed (no PAdES signature)"
        )
    signature = approvals[0]
    later_revisions = reader.xrefs.total_revisions - 1 - signature.signed_revision
    if later_revisions > MAX_REVISIONS_AFTER_SIGNATURE:
        raise stop(
            "pdf-coverage",
            SubIndication.FORMAT_FAILURE,
            f"{later_revisions} revisions follow the signature; a transcript package has a few "
            f"(validation data and document time-stamps), at most {MAX_REVISIONS_AFTER_SIGNATURE}",
        )
    for each in signatures:
        # Before anything is hashed: a signature or time-stamp covers what it claims only with
        # the standard byte range, the whole of its revision (or file) but its own /Contents. A
        # byte range of many pairs would also make the digest read the file again and again.
        if each.evaluate_signature_coverage() < SignatureCoverageLevel.ENTIRE_REVISION:
            what = (
                "the signature"
                if each is signature
                else f"a {'document time-stamp' if each.sig_object_type == '/DocTimeStamp' else 'signature'}"
            )
            raise stop(
                "pdf-coverage",
                SubIndication.FORMAT_FAILURE,
                f"{what} in revision {each.signed_revision + 1} does not cover its whole revision "
                "(its /ByteRange is not the standard one): it proves nothing about the document",
            )
    certs, crls, ocsps = validation_data(reader)
    in_store = bool(certs or crls or ocsps)
    carried_crls, carried_ocsps = _carried_revocation(signature)
    crls += carried_crls
    ocsps += carried_ocsps
    own = certs or crls or ocsps
    context = (
        shared
        if shared is not None and not own
        else validation_context(trust, others=certs, crls=crls, ocsps=ocsps, moment=trust.at)
    )
    status = sync.run(
        async_validate_pdf_signature(signature, signer_validation_context=context, diff_policy=STRICT_POLICY),
        closing=(context,),  # a shared context keeps its remembered paths; only its session closes
    )
    pdf_cert = status.signing_cert
    if pdf_cert is not None:
        draft.pdf_signer = Signer.of_der(pdf_cert.dump())
    if not status.intact:
        raise stop(
            "pdf-signature", SubIndication.HASH_FAILURE, "the PDF changed after signing (digest mismatch)"
        )
    if not status.valid:
        raise stop(
            "pdf-signature", SubIndication.SIG_CRYPTO_FAILURE, "the PDF signature value does not verify"
        )
    # Proofs of existence, newest first: each document time-stamp after the signature, then
    # the signature's own time-stamp (`transcript.verify.timestamps`).
    now = trust.at or dt.datetime.now(dt.timezone.utc)
    stamp_checks, proven_at = _proofs(signature, signatures, trust, certs, crls, ocsps, now)
    trusted = False
    if proven_at is not None and pdf_cert is not None:
        # Judged at the time the time-stamps prove, with the validation data in the file.
        check = check_path(
            "pdf-signature",
            x509.load_der_x509_certificate(pdf_cert.dump()),
            [*_cms_certificates(signature), *(x509.load_der_x509_certificate(c.dump()) for c in certs)],
            trust,
            proven_at,
            True,
            crls,
            ocsps,
        )
        trusted = check.status is Status.PASSED or check.status is Status.WARNING
        source = "validation data in the file" if own else "the CRLs given"
        add(
            dataclasses.replace(check, detail=f"{check.detail}; revocation from {source}")
            if trusted
            else check
        )
    elif (
        expired := out_of_bounds(
            "pdf-signature",
            [x509.load_der_x509_certificate(pdf_cert.dump()), *_cms_certificates(signature)],
            now,
        )
        if pdf_cert is not None
        else None
    ) is not None:
        add(expired)
    elif status.revoked:
        add(
            Check.problem(
                "pdf-signature",
                SubIndication.REVOKED_NO_POE,
                "the PDF signer's certificate is revoked, and nothing proves the signature was made before",
            )
        )
    elif (
        not status.trusted
        and pdf_cert is not None
        and (
            diagnosed := check_path(
                "pdf-signature",
                x509.load_der_x509_certificate(pdf_cert.dump()),
                [*_cms_certificates(signature), *(x509.load_der_x509_certificate(c.dump()) for c in certs)],
                trust,
                now,
                False,
                crls,
                ocsps,
            )
        ).status
        in (Status.FAILED, Status.INDETERMINATE)
    ):
        # The path check names the cause (no revocation data, say) where the signature's
        # status has only a category.
        add(diagnosed)
    elif not status.trusted:
        indication = status.trust_problem_indic
        sub = SubIndication.named(
            getattr(indication, "name", ""), SubIndication.CERTIFICATE_CHAIN_GENERAL_FAILURE
        )
        words = {
            SubIndication.NO_CERTIFICATE_CHAIN_FOUND: "does not chain to a trusted root",
            SubIndication.REVOCATION_OUT_OF_BOUNDS_NO_POE: "has revocation data that does not cover the time",
            SubIndication.TRY_LATER: "cannot be checked for revocation (no CRL given, none in the file)",
            SubIndication.OUT_OF_BOUNDS_NO_POE: "has expired, and nothing proves an earlier signature",
        }.get(sub, "cannot be trusted")
        add(Check.problem("pdf-signature", sub, f"the PDF signer's certificate {words}"))
    else:
        trusted = True
        source = "validation data in the file" if own else "the CRLs given"
        add(Check.passed("pdf-signature", f"intact, valid and trusted (revocation from {source})"))

    later = [s for s in approvals[1:]]
    if later:
        raise stop(
            "pdf-coverage",
            SubIndication.HASH_FAILURE,
            f"{len(later)} more signature(s) were added after the institution signed: the file was "
            "changed after it was signed",
        )
    covered = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    level = status.modification_level
    if not covered and not (
        status.coverage == SignatureCoverageLevel.ENTIRE_REVISION
        and level is not None
        and level <= ModificationLevel.LTA_UPDATES
    ):
        what = "not to the end of the file" if level is None else level.name.lower().replace("_", " ")
        raise stop(
            "pdf-coverage",
            SubIndication.HASH_FAILURE,
            f"the document was changed after it was signed ({what}); only validation data and "
            "document time-stamps may follow the signature",
        )
    for revision in range(signature.signed_revision + 1, reader.xrefs.total_revisions):
        if revision_purpose(reader, revision) is None:
            raise stop(
                "pdf-coverage",
                SubIndication.HASH_FAILURE,
                f"revision {revision + 1} of the file, after the signature, adds neither validation data "
                "nor a document time-stamp: the file was changed after it was signed",
            )
    for stamp_check in stamp_checks:
        add(stamp_check)
    draft.level = _level(signature, signatures, in_store)
    after = "" if covered else " (then only validation data and document time-stamps were added)"
    add(Check.passed("pdf-coverage", f"the signature covers the whole document{after}"))

    # What the institution signed: read from the signed revision, inflated with a cap.
    signed = reader.get_historical_resolver(signature.signed_revision)
    name, xml, relationship = _embedded_xml(signed, max_bytes, stop)
    inner = (
        known_xml[1]
        if known_xml and known_xml[0] == xml
        else verify_xml(
            xml,
            trust,
            signers=signers,
            max_bytes=max_bytes,
            extra_crls=crls,
            extra_ocsps=ocsps,
            proven_at=proven_at,
        )
    )
    draft.take(inner, "xml-")
    if relationship != "/Alternative":
        raise stop(
            "binding",
            SubIndication.FORMAT_FAILURE,
            f"the XML {name} is attached as {relationship!r}, not as the document's Alternative",
        )
    if inner.summary is None or inner.transcript is None:
        add(Check.skipped("binding", "the embedded XML's content could not be read"))
        return
    reference = _xmp_value(signed, "DocumentReferenceID")
    draft.status_url = _xmp_value(signed, "DocumentStatusList")
    if reference != inner.summary.document_id:
        raise stop(
            "binding",
            SubIndication.FORMAT_FAILURE,
            f"the embedded XML is document {inner.summary.document_id}, but the PDF says {reference!r} "
            "(DocumentReferenceID): the XML was swapped",
        )
    add(Check.passed("binding", f"the PDF and its XML are the same document ({inner.summary.document_id})"))
    if pdf_cert is not None:
        certificate = x509.load_der_x509_certificate(pdf_cert.dump())
        add(
            check_signer(
                "pdf-signer", certificate, institution_names(inner.transcript), signers, role="the PDF signer"
            )
        )
    if trusted and not draft.failed():
        # pdfium inflates what it draws without a limit of its own: everything in the file is
        # measured first, under a budget, and a file over it is not handed to pdfium.
        problem = _inflation_problem(data, reader)
        if problem:
            add(Check.problem("pages", SubIndication.FORMAT_FAILURE, f"the pages were not read: {problem}"))
        else:
            add(check_pages(data, inner.transcript))
    else:
        add(Check.skipped("pages", "not compared: the file did not pass the checks above"))


def _too_many_entries(data: bytes) -> bool:
    """Cross-reference table entries counted before any reader builds them: readers keep each
    as an object, and a 20 MB file of free entries would take a worker's memory and seconds."""
    entries = _XREF_ENTRY.finditer(data)
    return next(itertools.islice(entries, MAX_XREF_ENTRIES, None), None) is not None


def _read(data: bytes, stop: Any) -> PdfFileReader:
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=True, decode_limits=DECODE_LIMITS)
        encrypted = reader.encrypted
        _ = reader.root
    except Exception as exc:
        raise stop("pdf-input", SubIndication.FORMAT_FAILURE, f"not a readable PDF ({_short(exc)})") from None
    if encrypted:
        raise stop(
            "pdf-input", SubIndication.FORMAT_FAILURE, "the PDF is encrypted; a transcript package is not"
        )
    return reader


def _revisions(data: bytes, reader: PdfFileReader, stop: Any) -> None:
    """The file's revisions as pyHanko reads them are the file, and qpdf reads the same."""

    def refuse(detail: str) -> _Stop:
        return stop("pdf-revisions", SubIndication.FORMAT_FAILURE, detail)

    tail = _TAIL.search(data[-4096:])
    assert tail is not None  # checked before the file was read
    xrefs = reader.xrefs
    revisions = xrefs.total_revisions
    if int(tail.group(1)) != xrefs.get_startxref_for_revision(revisions - 1):
        raise refuse("the last startxref is not the one the reader followed")
    if xrefs.hybrid_xrefs_present:
        raise refuse("the file has hybrid cross-reference sections, which readers resolve differently")
    markers = len(_EOF_MARKER.findall(data))
    if markers != revisions:
        raise refuse(
            f"the file has {markers} end-of-file markers but {revisions} revision(s) that a reader "
            "follows: a revision is hidden from one reader"
        )
    try:
        with pikepdf.open(io.BytesIO(data), attempt_recovery=False) as other:
            root, size = other.trailer.get("/Root"), other.trailer.get("/Size")
            other_root = root.objgen if root is not None else None
            pages = len(other.pages)
    except Exception as exc:
        raise refuse(
            f"a second PDF reader (qpdf) cannot read the file as it stands ({_short(exc)})"
        ) from None
    trailer = reader.trailer
    ours = trailer.raw_get("/Root")
    our_root = (ours.idnum, ours.generation) if isinstance(ours, generic.IndirectObject) else None
    our_pages = int(reader.root["/Pages"]["/Count"])
    if other_root != our_root or size is None or int(size) != int(trailer["/Size"]) or pages != our_pages:
        raise refuse("two PDF readers see different documents in the file")


def validation_data(reader: PdfFileReader) -> tuple[list[Any], list[bytes], list[bytes]]:
    """Certificates, CRLs and OCSP responses from the document security store (PAdES B-LT),
    if any, each inflated with a cap."""
    dss = reader.root.get("/DSS")
    if dss is None:
        return [], [], []
    dss = dss.get_object()
    certs: list[bytes] = []
    crls: list[bytes] = []
    ocsps: list[bytes] = []
    for key, into in (("/Certs", certs), ("/CRLs", crls), ("/OCSPs", ocsps)):
        items = dss.get(key)
        items = items.get_object() if items is not None else []
        for item in list(items)[:MAX_VALIDATION_ITEMS]:
            stream = item.get_object()
            if isinstance(stream, generic.StreamObject):
                into.append(bounded_data(stream, MAX_VALIDATION_ITEM_BYTES))
    return [asn1_certificate(c) for c in certs], crls, ocsps


def _carried_revocation(signature: EmbeddedPdfSignature) -> tuple[list[bytes], list[bytes]]:
    """CRLs and OCSP responses (DER) that the signature carries in its signed attribute
    adbe-revocationInfoArchival, as Adobe's and ETDA's PAdES signers write them; they are
    inside the signature, so what they say is what the signer saw."""
    crls: list[bytes] = []
    ocsps: list[bytes] = []
    try:
        for attribute in signature.signer_info["signed_attrs"]:
            if attribute["type"].native != "adobe_revocation_info_archival":
                continue
            archive = attribute["values"][0]
            crls += [c.dump() for c in archive["crl"]] if archive["crl"].native else []
            ocsps += [o.dump() for o in archive["ocsp"]] if archive["ocsp"].native else []
    except (ValueError, TypeError, KeyError):
        return [], []
    return crls[:MAX_VALIDATION_ITEMS], ocsps[:MAX_VALIDATION_ITEMS]


def _proofs(
    signature: EmbeddedPdfSignature,
    signatures: list[EmbeddedPdfSignature],
    trust: TrustSettings,
    certs: list[Any],
    crls: list[bytes],
    ocsps: list[bytes],
    now: dt.datetime,
) -> tuple[list[Check], dt.datetime | None]:
    """The checks of the time-stamps that follow the institution's signature, in file order,
    and the earliest time they prove the signature existed (None: no proof).

    Each document time-stamp covers everything before it, so a proven one is the proof the
    time-stamps before it must hold until; the newest must hold until `now`."""
    checks: list[Check] = []
    until = now
    proven: dt.datetime | None = None
    later = sorted(
        (
            s
            for s in signatures
            if s.sig_object_type == "/DocTimeStamp" and s.signed_revision > signature.signed_revision
        ),
        key=lambda s: s.signed_revision,
    )
    for stamp in reversed(later):
        check, when = proof_of_existence(
            "pdf-timestamp",
            stamp.signed_data,
            _document_stamp_validator(stamp),
            trust,
            until=until,
            certs=certs,
            crls=crls,
            ocsps=ocsps,
            what="the document before it",
        )
        if (
            check.status is Status.INDETERMINATE
            and check.sub_indication is not SubIndication.TIMESTAMP_ORDER_FAILURE
        ):
            # An authority not trusted: the time-stamp is ignored. One that is trusted but dates
            # its stamp after what should follow it is a trusted clock that lies: undecided.
            check = Check.warning("pdf-timestamp", f"{check.detail}; it proves nothing")
        checks.insert(0, check)
        if when is not None:
            until = proven = when
    token = next(extract_tst_data_iter(signature.signer_info, signed=False), None)
    if token is not None:
        check, when = proof_of_existence(
            "pdf-timestamp",
            token,
            _signature_stamp_validator(signature, token),
            trust,
            until=until,
            certs=certs,
            crls=crls,
            ocsps=ocsps,
            what="the PDF signature",
        )
        checks.insert(0, check)
        if when is not None:
            proven = when
    return checks, proven


def _level(signature: EmbeddedPdfSignature, signatures: list[EmbeddedPdfSignature], in_store: bool) -> str:
    """The PAdES baseline form of the institution's signature (EN 319 142-1): B-T with a
    signature time-stamp, B-LT with validation data in the document security store too, B-LTA
    with a document time-stamp over them."""
    stamped = next(extract_tst_data_iter(signature.signer_info, signed=False), None) is not None
    archived = any(
        s.sig_object_type == "/DocTimeStamp" and s.signed_revision > signature.signed_revision
        for s in signatures
    )
    if not stamped:
        return "PAdES-B-B"
    if not in_store:
        return "PAdES-B-T"
    return "PAdES-B-LTA" if archived else "PAdES-B-LT"


def _document_stamp_validator(stamp: EmbeddedPdfSignature) -> Any:
    """A document time-stamp's check: its digest, signature and path. What the revisions
    around it change is judged once, by the institution's signature's review with the strict
    policy and `revision_purpose`, which cover every revision after the signature."""

    def validate(context: ValidationContext) -> Any:
        return async_validate_pdf_timestamp(stamp, context, skip_diff=True)

    return validate


def _signature_stamp_validator(signature: EmbeddedPdfSignature, token: Any) -> Any:
    def validate(context: ValidationContext) -> Any:
        return validate_tst_signed_data(token, context, message_imprint_checker(signature.signer_info))

    return validate


def _cms_certificates(signature: EmbeddedPdfSignature) -> list[x509.Certificate]:
    """The certificates the signature's CMS carries (its chain, as the signer put it)."""
    found = []
    for choice in signature.signed_data["certificates"] or []:
        if choice.name == "certificate":
            found.append(x509.load_der_x509_certificate(choice.chosen.dump()))
    return found


def _inflation_problem(data: bytes, reader: PdfFileReader) -> str | None:
    """Why the file's streams could not be drawn within the budget, or None.

    Deflate expands at most 1,032 times, so a file whose compressed streams could not exceed
    the budget even at that ratio is not inflated at all; otherwise every stream is inflated
    and counted (nothing kept). Images count by their stated size.
    """
    streams = []
    for stream in _streams(data, reader):
        if stream.get("/Subtype") == "/Image":
            try:
                pixels = int(stream.get("/Width", 0)) * int(stream.get("/Height", 0))
            except (TypeError, ValueError):
                return "an image has no usable size"
            if pixels > MAX_IMAGE_PIXELS:
                return f"an image of {pixels:,} pixels, more than {MAX_IMAGE_PIXELS:,}"
        filters = stream.get("/Filter")
        names = [str(f) for f in (filters if isinstance(filters, generic.ArrayObject) else [filters]) if f]
        if not names or set(names) <= SELF_BOUNDED:
            continue
        text = [n for n in names if n in TEXT_FILTERS]
        if names.count("/FlateDecode") != 1 or names[: len(text)] != text or not set(names) <= MEASURED:
            return f"a stream is compressed with {' '.join(names)}, which is not measured"
        streams.append((stream, text))
    if sum(DEFLATE_MOST * len(s.encoded_data) for s, _ in streams) <= MAX_PAGE_INFLATION:
        return None
    budget = MAX_PAGE_INFLATION
    for stream, text in streams:
        try:
            raw = stream.encoded_data
            for name in text:  # ASCII armour first (reportlab writes ASCII85 around Flate): no larger
                raw = unarmoured(name, raw)
            budget -= inflated_size(raw, budget)
        except TooLarge:
            return f"its streams inflate to more than {MAX_PAGE_INFLATION // MIB} MiB"
        except Exception as exc:  # the armour's decoders raise their own kinds on damaged data
            return f"a stream is damaged ({type(exc).__name__})"
    return None


def _streams(data: bytes, reader: PdfFileReader) -> Iterator[generic.StreamObject]:
    """Every stream object of the file as it stands. Streams are never inside object streams,
    and an object without the keyword "stream" is not one, so only those are parsed."""
    xrefs = reader.xrefs
    last = xrefs.total_revisions - 1
    refs = set()
    for revision in range(xrefs.total_revisions):
        refs |= xrefs.explicit_refs_in_revision(revision)
    for ref in refs:
        offset = xrefs.get_historical_ref(ref, last)
        if not isinstance(offset, int):
            continue
        end = data.find(b"endobj", offset)
        if data.find(b"stream", offset, end if end >= 0 else len(data)) < 0:
            continue
        try:
            stream = reader.get_object(ref)
        except Exception:
            continue
        if isinstance(stream, generic.StreamObject):
            yield stream


def _embedded_xml(signed: Any, max_bytes: int, stop: Any) -> tuple[str, bytes, str | None]:
    def refuse(detail: str) -> _Stop:
        return stop("embedded-xml", SubIndication.FORMAT_FAILURE, detail)

    try:
        files = _entry(signed, signed.root, "/AF")
    except Exception:
        files = None
    if not isinstance(files, generic.ArrayObject):
        raise refuse("the PDF lists no associated files (/AF): it carries no transcript XML")
    if len(files) > MAX_ATTACHMENTS:
        raise refuse(f"the PDF lists {len(files)} associated files; a transcript package carries one")
    found = []
    for entry in files:
        try:
            spec = _resolved(signed, entry)
            stream = _entry(signed, _entry(signed, spec, "/EF"), "/F")
            name = str(_entry(signed, spec, "/UF") or _entry(signed, spec, "/F") or "")
            relationship = _entry(signed, spec, "/AFRelationship")
        except Exception:
            continue
        if not isinstance(stream, generic.StreamObject):
            continue
        try:
            data = bounded_data(stream, max_bytes)
        except TooLarge as exc:
            raise refuse(f"the embedded file {name!r} is too large: {exc}") from None
        except ValueError as exc:
            raise refuse(f"the embedded file {name!r} cannot be read: {exc}") from None
        if data.lstrip()[:1] == b"<":
            found.append((name, data, str(relationship) if relationship is not None else None))
    if len(found) != 1:
        raise refuse(f"expected exactly one embedded transcript XML, found {len(found)}")
    return found[0]


def _resolved(signed: Any, value: Any) -> Any:
    """`value`, an indirect reference resolved in the signed revision (through the resolver:
    an object reached through a dictionary of an older revision may not know its container)."""
    return signed.get_object(value.reference) if isinstance(value, generic.IndirectObject) else value


def _entry(signed: Any, dictionary: Any, key: str) -> Any:
    """`dictionary[key]` in the signed revision, or None."""
    if not isinstance(dictionary, generic.DictionaryObject) or key not in dictionary:
        return None
    return _resolved(signed, dictionary.raw_get(key))


def _xmp_value(signed: Any, name: str) -> str | None:
    """An ETDA electronic-document property of the signed revision's XMP (as an element or an
    attribute of rdf:Description: both are RDF)."""
    try:
        stream = _entry(signed, signed.root, "/Metadata")
        if not isinstance(stream, generic.StreamObject):
            return None
        packet = bounded_data(stream, MAX_XMP_BYTES)
    except Exception:
        return None
    return xmp_property(packet, name)


def _short(exc: Exception) -> str:
    return (str(exc) or type(exc).__name__).splitlines()[0][:160]
