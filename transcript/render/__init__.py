"""The human-readable transcript: a bilingual A4 PDF rendered from verified content.

    pdf = render_pdf(xml_bytes, "th", trust=TrustSettings.from_files(["root.pem"], ["ca.crl"]))

A signed input is verified first and rendered from the verifier's signed output, never from
the tree that was handed in; an unsigned one carries a "NOT SIGNED" watermark, a signed one
that does not verify "NOT VERIFIED". ``require_valid`` refuses both.
"""

from __future__ import annotations

import hashlib

from transcript.errors import TranscriptError
from transcript.generated import Transcript
from transcript.model.xmlio import DS_NS, load, parse_untrusted
from transcript.pki.trust import TrustSettings
from transcript.render.layout import LayoutFailure, Stamp, build_pdf
from transcript.rules.grades import GradeScale
from transcript.verify import VerificationReport, verify

LANGUAGES = ("th", "en")


class RenderError(TranscriptError):
    """The document cannot be rendered (the message says why and what to do)."""


def is_signed(data: bytes) -> bool:
    root = parse_untrusted(data).getroot()
    return root.find(f".//{{{DS_NS}}}Signature") is not None


def render_pdf(
    data: bytes,
    lang: str = "th",
    *,
    trust: TrustSettings | None = None,
    require_valid: bool = False,
    demo: bool = False,
    scale: GradeScale | None = None,
) -> bytes:
    """Render transcript XML (signed or not) as a PDF in the Thai or English edition.

    `scale`, the institution's grade scale, is what the grading legend lists (without it, the
    built-in scale that fits the document's grades).

    Raises `InvalidDocument` for XML that is not a schema-valid transcript and `RenderError`
    when the document may not be rendered (a signed one without trust roots, or one that is
    not valid when `require_valid` is set).
    """
    _check_language(lang)
    if is_signed(data):
        if trust is None:
            raise RenderError(
                "the transcript is signed: it is rendered only after verification, so give the "
                "trusted root certificates (--trust)"
            )
        report = verify(data, trust)
        return render_verified(report, lang, require_valid=require_valid, demo=demo, scale=scale)
    if require_valid:
        raise RenderError("the transcript is not signed; not rendered (--require-valid)")
    model = load(data)  # raises InvalidDocument for anything that is not a schema-valid transcript
    stamp = Stamp(state="not-signed", digest=hashlib.sha256(bytes(data)).hexdigest(), demo=demo)
    return _build(model, lang, stamp, scale)


def render_verified(
    report: VerificationReport,
    lang: str = "th",
    *,
    require_valid: bool = False,
    demo: bool = False,
    verify_url: str | None = None,
    scale: GradeScale | None = None,
) -> bytes:
    """Render from a verification report: what its signature covers, marked by its verdict.

    Lets a caller that verified once render several editions without verifying again.
    """
    _check_language(lang)
    reason = f"{report.verdict.value} {report.sub_indication or ''}".strip()
    if require_valid and not report.ok:
        raise RenderError(f"the signature does not verify ({reason}); not rendered (--require-valid)")
    if report.transcript is None or report.signed_xml is None:
        raise RenderError(
            f"the signature does not verify ({reason}) and what it signed cannot be recovered; "
            "nothing trustworthy to render"
        )
    stamp = Stamp(
        state="verified" if report.ok else "not-verified",
        signer=report.signer.common_name if report.signer else None,
        signing_time=report.signing_time,
        timestamp_time=report.timestamp_time,
        reason=reason,
        digest=report.document_sha256 or "",
        demo=demo,
        verify_url=verify_url,
    )
    return _build(report.transcript, lang, stamp, scale)


def _build(model: Transcript, lang: str, stamp: Stamp, scale: GradeScale | None) -> bytes:
    try:
        return build_pdf(model, lang, stamp, scale)
    except LayoutFailure as exc:
        raise RenderError(str(exc)) from None


def _check_language(lang: str) -> None:
    if lang not in LANGUAGES:
        raise RenderError(f"language must be one of {', '.join(LANGUAGES)}, not {lang!r}")


__all__ = ["LANGUAGES", "RenderError", "render_pdf", "render_verified"]
