"""PAdES B-B signatures written in place: room reserved when the package is saved, then filled.

pyHanko signs by reading the whole PDF back and appending an incremental update, and builds
its CMS from scratch for each document: about 50 ms per PDF. For the baseline level the
toolkit does it the way a printer fills a form: `reserve` adds the signature field and its
signature dictionary (``/ByteRange`` and ``/Contents`` with fixed-width placeholders) while
the package is being saved, and `fill` writes the byte range and the CMS signature into those
placeholders, without parsing the PDF. The CMS (CAdES detached, as ETSI EN 319 142-1 B-B
asks: content-type, message-digest and signing-certificate-v2 signed, no signing-time) is
assembled from parts prepared once per identity. The result is a one-revision PDF whose
signature covers every byte but its own value; time-stamped levels still go through pyHanko.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable

import pikepdf
from asn1crypto import algos, cms, tsp
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from pikepdf import Array, Dictionary, Name

from transcript.pki.keys import SigningIdentity
from transcript.pki.trust import der

FIELD_NAME = "TranscriptSignature"
REASON = "Certified academic transcript"
_MOST = 65536  # the largest room `fill` looks for
_WIDE = 9_999_999_999  # ten digits: room for the real offsets of any file under 10 GB
_BYTE_RANGE = re.compile(rb"/ByteRange \[ 0 9999999999 9999999999 9999999999 \]")


class SlotError(ValueError):
    """The PDF does not carry exactly one reserved, unfilled signature."""


def reserve(doc: pikepdf.Pdf, signing_date: str, room: int) -> None:
    """Add an invisible signature field whose value is a placeholder signature dictionary.

    `signing_date` is a PDF date string (the dictionary's /M: PAdES B-B carries the claimed
    signing time here, not in the CMS). `room` is the most bytes of CMS it will hold: a
    signer's `CadesSigner.room` keeps it tight, which matters because readers parse every
    padding digit of the hexadecimal /Contents.
    """
    if not 0 < room <= _MOST:
        raise ValueError(f"signature room must be 1-{_MOST} bytes, not {room}")
    signature = doc.make_indirect(
        Dictionary(
            Type=Name.Sig,
            Filter=Name("/Adobe.PPKLite"),
            SubFilter=Name("/ETSI.CAdES.detached"),
            ByteRange=Array([0, _WIDE, _WIDE, _WIDE]),
            Contents=pikepdf.String(bytes(room)),
            M=pikepdf.String(signing_date),
            Reason=pikepdf.String(REASON),
        )
    )
    page = doc.pages[0].obj
    widget = doc.make_indirect(
        Dictionary(
            Type=Name.Annot,
            Subtype=Name.Widget,
            FT=Name.Sig,
            T=pikepdf.String(FIELD_NAME),
            V=signature,
            F=132,  # Print and Locked: PDF/A wants every annotation printable
            Rect=Array([0, 0, 0, 0]),
            P=page,
        )
    )
    annotations = page.get("/Annots")
    if annotations is None:
        page.Annots = Array([widget])
    else:
        annotations.append(widget)
    doc.Root.AcroForm = Dictionary(Fields=Array([widget]), SigFlags=3)


def has_reserved_signature(pdf: bytes) -> bool:
    """Whether `pdf` carries a placeholder made by `reserve`."""
    return _BYTE_RANGE.search(pdf) is not None


def fill(pdf: bytes, sign_digest: Callable[[bytes], bytes]) -> bytes:
    """Write the byte range and the CMS made by `sign_digest(sha256 of the signed bytes)`."""
    ranges = list(_BYTE_RANGE.finditer(pdf))
    if len(ranges) != 1:
        raise SlotError(f"expected one reserved signature, found {len(ranges)}")
    placeholder = ranges[0]
    # /Contents is a key of the same dictionary, just before or just after /ByteRange
    window = 2 * _MOST + 256
    before = pdf.rfind(b"/Contents <", max(0, placeholder.start() - window), placeholder.start())
    after = pdf.find(b"/Contents <", placeholder.end(), placeholder.end() + 256)
    key = after if after >= 0 else before
    start = pdf.find(b"<", key) if key >= 0 else -1
    end = pdf.find(b">", start) + 1 if start >= 0 else 0
    if start < 0 or end <= start or pdf[start + 1 : end - 1].strip(b"0"):
        raise SlotError("the reserved signature has no empty /Contents")
    byte_range = f"/ByteRange [ 0 {start} {end} {len(pdf) - end} ]".encode()
    byte_range = byte_range.ljust(placeholder.end() - placeholder.start())
    out = bytearray(pdf)
    out[placeholder.start() : placeholder.end()] = byte_range
    digest = hashlib.sha256(out[:start])
    digest.update(out[end:])
    signature = sign_digest(digest.digest())
    encoded = signature.hex().encode()
    if len(encoded) > end - start - 2:
        raise SlotError(f"the signature ({len(signature)} bytes) is larger than its room")
    out[start + 1 : start + 1 + len(encoded)] = encoded
    return bytes(out)


def _tlv(tag: int, content: bytes) -> bytes:
    """One DER element: tag, definite length, content."""
    size = len(content)
    if size < 0x80:
        return bytes((tag, size)) + content
    length = size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes((tag, 0x80 | len(length))) + length + content


_SEQUENCE, _SET, _OCTETS, _CONTEXT_0 = 0x30, 0x31, 0x04, 0xA0


class CadesSigner:
    """Detached CMS signatures over a SHA-256 digest, parts prepared once per identity.

    The constant parts (certificates, signer identifier, algorithms, the content-type and
    signing-certificate-v2 attributes) are encoded once with asn1crypto; each signature only
    encodes its message digest, signs, and joins the parts. asn1crypto re-encodes a whole
    certificate set whenever it dumps a structure that holds one (~25 ms a signature).
    """

    def __init__(self, identity: SigningIdentity) -> None:
        self._key = identity.key
        certificate_der, *chain_der = der([identity.certificate, *identity.chain])
        certificate = asn1_x509.Certificate.load(certificate_der)
        self._certificates = _tlv(_CONTEXT_0, certificate_der + b"".join(chain_der))  # [0] IMPLICIT SET
        self._sid = cms.SignerIdentifier(
            {
                "issuer_and_serial_number": cms.IssuerAndSerialNumber(
                    {"issuer": certificate.issuer, "serial_number": certificate.serial_number}
                )
            }
        ).dump()
        essential = tsp.ESSCertIDv2(
            {
                # hash_algorithm left out: its DEFAULT is SHA-256
                "cert_hash": hashlib.sha256(certificate_der).digest(),
                "issuer_serial": {
                    "issuer": [asn1_x509.GeneralName({"directory_name": certificate.issuer})],
                    "serial_number": certificate.serial_number,
                },
            }
        )
        self._signing_certificate = cms.CMSAttribute(
            {"type": "signing_certificate_v2", "values": [tsp.SigningCertificateV2({"certs": [essential]})]}
        ).dump()
        self._content_type = cms.CMSAttribute({"type": "content_type", "values": ["data"]}).dump()
        self._sha256 = algos.DigestAlgorithm({"algorithm": "sha256"}).dump()
        if isinstance(self._key, rsa.RSAPrivateKey):
            name = "sha256_rsa"
        elif isinstance(self._key, ec.EllipticCurvePrivateKey):
            name = "sha256_ecdsa"
        else:  # keys.PrivateKey admits no other kind
            raise TypeError(f"unsupported key type {type(self._key).__name__}")
        self._algorithm = algos.SignedDigestAlgorithm({"algorithm": name}).dump()
        self._version = cms.CMSVersion("v1").dump()
        self._encapsulated = cms.EncapsulatedContentInfo({"content_type": "data"}).dump()
        self._signed_data_type = cms.ContentType("signed_data").dump()
        # The CMS has the same size every time but for the signature value (an ECDSA value's DER
        # varies by a few bytes): a margin on one measured signature bounds them all.
        self.room = len(self.sign_digest(bytes(32))) + 16

    def sign_digest(self, digest: bytes) -> bytes:
        """DER of a ContentInfo(SignedData) signing `digest` (SHA-256 of the detached content)."""
        message_digest = cms.CMSAttribute({"type": "message_digest", "values": [digest]}).dump()
        # a DER SET OF lists its members in the order of their encodings
        attributes = b"".join(sorted((self._content_type, message_digest, self._signing_certificate)))
        to_sign = _tlv(_SET, attributes)
        if isinstance(self._key, rsa.RSAPrivateKey):
            value = self._key.sign(to_sign, padding.PKCS1v15(), hashes.SHA256())
        else:
            value = self._key.sign(to_sign, ec.ECDSA(hashes.SHA256()))
        signer_info = _tlv(
            _SEQUENCE,
            self._version
            + self._sid
            + self._sha256
            + _tlv(_CONTEXT_0, attributes)  # signedAttrs [0] IMPLICIT
            + self._algorithm
            + _tlv(_OCTETS, value),
        )
        signed_data = _tlv(
            _SEQUENCE,
            self._version
            + _tlv(_SET, self._sha256)
            + self._encapsulated
            + self._certificates
            + _tlv(_SET, signer_info),
        )
        return _tlv(_SEQUENCE, self._signed_data_type + _tlv(_CONTEXT_0, signed_data))
