"""The whole national package for one signed transcript: render, PDF/A-3, PAdES."""

from __future__ import annotations

from .pades import PdfSigner
from .pdfa import package_pdf
from .render import RenderError, is_signed, render_verified
from .trust import TrustSettings
from .verify import verify


def build_package(
    signed_xml: bytes,
    lang: str,
    *,
    trust: TrustSettings,
    signer: PdfSigner,
    file_name: str,
    demo: bool = False,
) -> bytes:
    """The signed PDF/A-3 of one edition: rendered from the verified XML, which it carries.

    The XML must verify (TOTAL-PASSED) against `trust`; `RenderError` says why when it does not.
    """
    if not is_signed(signed_xml):
        raise RenderError("the transcript is not signed; not rendered (--require-valid)")
    report = verify(signed_xml, trust)
    pdf = render_verified(report, lang, require_valid=True, demo=demo)
    return signer.sign(
        package_pdf(
            signed_xml,
            pdf,
            file_name=file_name,
            transcript=report.transcript,
            signature_room=signer.signature_room,
        )
    )
