"""PAdES signatures on the transcript PDF, with pyHanko.

Levels: B-B (default), B-T (a signature time-stamp), B-LT (certificates and revocation data
in the document security store) and B-LTA (plus a document time-stamp). The key is the same
`SigningIdentity` the XML signer uses: one key, one load, both signatures. The PDF signature
is applied last and covers the whole file. A B-B signature into a package saved with a
reserved signature is written in place (`transcript.sign.cades`); everything else goes through
pyHanko's incremental update. Checking lives in `transcript.verify.pdf`.
"""

from __future__ import annotations

import asyncio
import io
from dataclasses import dataclass
from typing import Any

from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from lxml import etree
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.metadata.model import VENDOR
from pyhanko.sign import fields, signers
from pyhanko.sign.timestamps.api import TimeStamper
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pyhanko_certvalidator.util import get_pyca_cryptography_hash

from transcript.errors import TranscriptError
from transcript.model.constants import ED_NS, PRODUCER
from transcript.pki.keys import PrivateKey, SigningIdentity
from transcript.pki.trust import TrustSettings, der, validation_context
from transcript.pki.tsa import TimeStampClient
from transcript.sign.cades import CadesSigner, SlotError, fill, has_reserved_signature
from transcript.util import sync

LEVELS = ("B-B", "B-T", "B-LT", "B-LTA")

# pyHanko rewrites the XMP packet when it signs, through lxml, which names a namespace it has
# not been told about ns0. Registering ours keeps the prefix the PDF/A extension schema declares.
etree.register_namespace("ed", ED_NS)


class PadesError(TranscriptError):
    """The PDF could not be signed (the reason is in the message)."""


class _ClientTimeStamper(TimeStamper):
    """pyHanko's time-stamper interface over the project's RFC 3161 client (urllib)."""

    def __init__(self, client: TimeStampClient) -> None:
        super().__init__(include_nonce=True)
        self.client = client

    async def async_request_tsa_response(self, req: tsp.TimeStampReq) -> tsp.TimeStampResp:
        body = await asyncio.to_thread(self.client.post, req.dump())
        return tsp.TimeStampResp.load(body)


def client_time_stamper(client: TimeStampClient) -> TimeStamper:
    """pyHanko's time-stamper over `client` (for document time-stamps made outside signing)."""
    return _ClientTimeStamper(client)


def _asn1(identity: SigningIdentity) -> tuple[asn1_x509.Certificate, list[asn1_x509.Certificate]]:
    cert, *chain = (asn1_x509.Certificate.load(d) for d in der(identity.certificates))
    return cert, chain


class _KeySigner(signers.Signer):
    """pyHanko's signer interface over the identity's key, which signs (never exported).

    pyHanko's SimpleSigner wants the private key's bytes and re-parses them for every
    signature (OpenSSL checks an RSA key's consistency on each parse: about 50 ms per PDF, a
    third of B-B signing); this signer asks the loaded key, or the token that holds it.
    """

    def __init__(self, key: PrivateKey, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._key = key

    async def async_sign_raw(self, data: bytes, digest_algorithm: str, dry_run: bool = False) -> bytes:
        return self.sign_raw(data, digest_algorithm)

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
        hash_algorithm = get_pyca_cryptography_hash(digest_algorithm)
        if mechanism == "rsassa_pkcs1v15" and isinstance(self._key, rsa.RSAPrivateKey):
            return self._key.sign(data, padding.PKCS1v15(), hash_algorithm)
        if mechanism == "ecdsa" and isinstance(self._key, ec.EllipticCurvePrivateKey):
            return self._key.sign(data, ec.ECDSA(hash_algorithm))
        raise PadesError(f"cannot sign with {mechanism} and a {type(self._key).__name__}")


@dataclass
class PdfSigner:
    """Signs PDFs with one identity at one PAdES level; build once, sign many."""

    identity: SigningIdentity
    level: str = "B-B"
    timestamps: TimeStampClient | None = None
    trust: TrustSettings | None = None  # for B-LT/B-LTA: where the validation data comes from

    def __post_init__(self) -> None:
        if self.level not in LEVELS:
            raise PadesError(f"PAdES level must be one of {', '.join(LEVELS)}, not {self.level!r}")
        if self.level != "B-B" and self.timestamps is None:
            raise PadesError(f"PAdES {self.level} needs a time-stamp authority (--tsa URL)")
        if self.level in ("B-LT", "B-LTA") and self.trust is None:
            raise PadesError(f"PAdES {self.level} needs the trust roots and CRLs to embed (--trust, --crl)")
        cert, chain = _asn1(self.identity)
        self._signer = _KeySigner(
            self.identity.key,
            signing_cert=cert,
            cert_registry=SimpleCertificateStore.from_certs([cert, *chain]),
        )
        self._stamper = _ClientTimeStamper(self.timestamps) if self.timestamps else None
        self._in_place = CadesSigner(self.identity) if self.level == "B-B" else None
        long_term = self.level in ("B-LT", "B-LTA")
        self._meta = signers.PdfSignatureMetadata(
            field_name="TranscriptSignature",
            md_algorithm="sha256",
            subfilter=fields.SigSeedSubFilter.PADES,
            reason="Certified academic transcript",
            embed_validation_info=long_term,
            use_pades_lta=self.level == "B-LTA",
            # Soft-fail while gathering: whatever revocation data the CRLs give is embedded, and
            # the verifier later requires it to be complete.
            validation_context=validation_context(self.trust, others=chain, soft=True)
            if long_term and self.trust
            else None,
        )

    @property
    def producer(self) -> str:
        """The producer the package names (Info and XMP alike): pyHanko's own name at the
        levels it writes, since its incremental updates put it in both."""
        return PRODUCER if self._in_place is not None else VENDOR

    @property
    def signature_room(self) -> int:
        """Bytes to reserve when packaging (`package_pdf(signature_room=...)`) so that `sign`
        fills the signature in place; 0 when this level signs with an incremental update."""
        return self._in_place.room if self._in_place is not None else 0

    def sign(self, pdf: bytes) -> bytes:
        """Sign `pdf` as the last change: in place when it was packaged with a reserved
        signature (B-B), else through pyHanko's incremental update."""
        if self._in_place is not None and has_reserved_signature(pdf):
            try:
                return fill(pdf, self._in_place.sign_digest)
            except SlotError as exc:
                raise PadesError(f"the PDF could not be signed: {exc}") from exc
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
        pdf_signer = signers.PdfSigner(self._meta, signer=self._signer, timestamper=self._stamper)
        out = io.BytesIO()
        try:
            # Reserving the signature's room up front spares pyHanko a dry-run signature (which it
            # makes otherwise to measure the size): half of the signing time.
            reserved = 8192 if self._stamper is None else 24576  # a time-stamp token adds its chain
            sync.run(pdf_signer.async_sign_pdf(writer, bytes_reserved=reserved, output=out))
        except TranscriptError:
            raise
        except Exception as exc:
            raise PadesError(f"the PDF could not be signed: {exc}") from exc
        return out.getvalue()
