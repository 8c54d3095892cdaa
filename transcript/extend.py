"""Renewal of long-term packages: fresh validation data and a new document time-stamp.

A PAdES-B-LTA package proves its signature through a chain of time-stamps, each judged at
its own time and needed to hold until the next one (`transcript.verify.timestamps`). The
newest must hold until whoever verifies the file: once its authority's certificate expires,
nothing proves the chain any more. Renewal adds, before that day, the validation data of
the newest time-stamp (its authority's CRLs as they are now) and a new document time-stamp
over everything: the archive time-stamp chain of EN 319 142-1.

A file is renewed only when it verifies (TOTAL-PASSED) now, and the result must verify too;
otherwise it is left as it was. A file whose newest time-stamp's certificate has more than
`within` to live is current and left alone, so that renewing twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from pyhanko.sign.validation.dss import async_add_validation_info

from transcript.pki.trust import TrustSettings, asn1_certificate, validation_context
from transcript.pki.tsa import TimeStampClient, TimeStampError
from transcript.sign.pades import client_time_stamper
from transcript.util import sync
from transcript.verify.pdf import DECODE_LIMITS, validation_data, verify_pdf
from transcript.verify.report import VerificationReport

#: Renew when the newest time-stamp's certificate expires within this (a year's margin).
DEFAULT_MARGIN = dt.timedelta(days=365)


@dataclass(frozen=True)
class Renewal:
    """What happened to one file: `extended` (with the new bytes), `current` (left alone: its
    newest time-stamp has time to live) or `refused` (left alone: it does not verify, or the
    renewed file would not)."""

    status: str
    detail: str
    data: bytes | None = None
    report: VerificationReport | None = None

    @property
    def changed(self) -> bool:
        return self.status == "extended"


def extend_pdf(
    data: bytes,
    timestamps: TimeStampClient,
    trust: TrustSettings,
    *,
    within: dt.timedelta = DEFAULT_MARGIN,
    force: bool = False,
) -> Renewal:
    """Renew one package (see the module's text). `trust` names the roots, the current CRLs
    and the moment (`trust.at`, else now). Raises `TimeStampError` when the authority does
    not answer; never raises for a bad file."""
    before = verify_pdf(data, trust)
    if not before.ok:
        reason = before.sub_indication.value if before.sub_indication else before.verdict.value
        return Renewal(
            "refused", f"it does not verify now ({reason}: {before.reason}); not renewed", None, before
        )
    now = trust.at or dt.datetime.now(dt.timezone.utc)
    reader = PdfFileReader(io.BytesIO(data), strict=True, decode_limits=DECODE_LIMITS)
    stamps = reader.embedded_timestamp_signatures
    newest = stamps[-1] if stamps else None
    if newest is not None and not force:
        expires = _expiry(newest)
        if expires is not None and expires - now > within:
            return Renewal(
                "current",
                f"its newest time-stamp's certificate is valid until {expires.date().isoformat()}; "
                "nothing to renew yet",
                None,
                before,
            )
    try:
        renewed = _renew(data, reader, newest is None, timestamps, trust)
    except TimeStampError:
        raise
    except Exception as exc:  # pyHanko raises many kinds; the file stays as it was
        return Renewal("refused", f"it could not be renewed ({type(exc).__name__}: {exc})", None, before)
    after = verify_pdf(renewed, trust)
    if not after.ok:
        reason = after.sub_indication.value if after.sub_indication else after.verdict.value
        return Renewal(
            "refused", f"the renewed file would not verify ({reason}: {after.reason})", None, after
        )
    return Renewal("extended", "validation data and a new document time-stamp added", renewed, after)


def _expiry(stamp: object) -> dt.datetime | None:
    """When the certificate of a document time-stamp's authority expires."""
    try:
        signer = stamp.signer_cert  # type: ignore[attr-defined]
        return signer["tbs_certificate"]["validity"]["not_after"].native
    except Exception:
        return None


def _renew(
    data: bytes, reader: PdfFileReader, first: bool, timestamps: TimeStampClient, trust: TrustSettings
) -> bytes:
    """The file with the validation data and the new document time-stamp appended."""
    certs, crls, ocsps = _file_validation_data(reader)
    context = validation_context(trust, others=certs, crls=crls, ocsps=ocsps, moment=trust.at)
    stamper = signers.PdfTimeStamper(client_time_stamper(timestamps))
    current = data
    if first:
        # A B-T or B-LT file: first the signature's own validation data, which B-LTA carries.
        signature = next(s for s in reader.embedded_regular_signatures)
        out = io.BytesIO()
        sync.run(
            async_add_validation_info(signature, context, skip_timestamp=False, output=out),
            closing=(context,),
        )
        current = out.getvalue()
        reader = PdfFileReader(io.BytesIO(current), strict=True, decode_limits=DECODE_LIMITS)
        context = validation_context(trust, others=certs, crls=crls, ocsps=ocsps, moment=trust.at)
    out = io.BytesIO()
    if first:
        writer = IncrementalPdfFileWriter(io.BytesIO(current), strict=True)
        sync.run(
            stamper.async_timestamp_pdf(writer, "sha256", validation_context=context, output=out),
            closing=(context,),
        )
    else:
        sync.run(
            stamper.async_update_archival_timestamp_chain(reader, context, in_place=False, output=out),
            closing=(context,),
        )
    return out.getvalue()


def _file_validation_data(reader: PdfFileReader) -> tuple[list, list[bytes], list[bytes]]:
    """What the file already carries (certificates, CRLs, OCSP responses), so that the
    renewal finds paths and keeps the data it has."""
    certs, crls, ocsps = validation_data(reader)
    return [asn1_certificate(c.dump()) for c in certs], crls, ocsps
