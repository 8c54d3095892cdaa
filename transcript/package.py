"""The whole national package for one signed transcript: render, PDF/A-3, PAdES."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from transcript.model.editions import minimal_copy
from transcript.model.modelxml import dump
from transcript.pdfa.container import package_pdf
from transcript.pki.keys import SigningIdentity
from transcript.pki.trust import TrustSettings
from transcript.render import RenderError, is_signed, render_verified
from transcript.rules.grades import GradeScale
from transcript.sign.pades import PdfSigner
from transcript.sign.xades import XmlSigner
from transcript.verify import VerificationReport, verify


def build_packages(
    signed_xml: bytes,
    langs: Iterable[str],
    *,
    trust: TrustSettings,
    signer: PdfSigner,
    file_name: str,
    demo: bool = False,
    status_url: str | None = None,
    verify_url: str | None = None,
) -> dict[str, bytes]:
    """The signed PDF/A-3 of each edition in `langs`, all from one verification of the XML.

    The XML must verify (TOTAL-PASSED) against `trust`; `RenderError` says why when it does not.
    """
    if not is_signed(signed_xml):
        raise RenderError("the transcript is not signed; not rendered (--require-valid)")
    report = verify(signed_xml, trust)
    packages = {}
    for lang in dict.fromkeys(langs):
        packages[lang] = package_verified(
            signed_xml,
            report,
            lang,
            signer=signer,
            file_name=file_name,
            demo=demo,
            status_url=status_url,
            verify_url=verify_url,
        )
    return packages


def package_verified(
    signed_xml: bytes,
    report: VerificationReport,
    lang: str,
    *,
    signer: PdfSigner,
    file_name: str,
    demo: bool = False,
    lap: Callable[[str], None] | None = None,
    status_url: str | None = None,
    verify_url: str | None = None,
    scale: GradeScale | None = None,
) -> bytes:
    """One edition's signed PDF/A-3 of `signed_xml`, from `report`, its verification
    (TOTAL-PASSED, or `RenderError`): rendered from what the signature covers, packaged with
    the signed file byte for byte, signed. `lap(stage)` is called after each of render,
    package and sign-pdf (for timing). `scale`: the institution's grade scale, for the legend."""
    mark = lap or (lambda stage: None)
    pdf = render_verified(report, lang, require_valid=True, demo=demo, verify_url=verify_url, scale=scale)
    mark("render")
    packaged = package_pdf(
        signed_xml,
        pdf,
        file_name=file_name,
        transcript=report.transcript,
        signature_room=signer.signature_room,
        producer=signer.producer,
        status_url=status_url,
    )
    mark("package")
    signed = signer.sign(packaged)
    mark("sign-pdf")
    return signed


def build_package(
    signed_xml: bytes,
    lang: str,
    *,
    trust: TrustSettings,
    signer: PdfSigner,
    file_name: str,
    demo: bool = False,
) -> bytes:
    """The signed PDF/A-3 of one edition (see `build_packages`)."""
    return build_packages(signed_xml, (lang,), trust=trust, signer=signer, file_name=file_name, demo=demo)[
        lang
    ]


def minimal_edition(
    signed_xml: bytes, trust: TrustSettings, identity: SigningIdentity, timestamps: Any
) -> bytes:
    """The minimal edition of a signed transcript (`transcript.model.editions`): verified,
    copied without the national ID, passport number and birth date, and signed again by
    `identity` (time-stamped by `timestamps` when given). Raises `RenderError` when the
    transcript does not verify: only what a signature covers is copied."""
    report = verify(signed_xml, trust)
    if not report.ok or report.transcript is None:
        sub = report.sub_indication.value if report.sub_indication else ""
        raise RenderError(f"the transcript does not verify ({report.verdict.value} {sub}: {report.reason})")
    return XmlSigner(identity, timestamps=timestamps).sign(dump(minimal_copy(report.transcript)))
