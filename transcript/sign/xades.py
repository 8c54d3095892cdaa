"""XAdES signing of transcript XML, in the national profile.

An enveloped XAdES baseline-B signature, the last child of ``Transcript``: one reference
``URI=""`` with the enveloped-signature transform, **inclusive** C14N 1.0 (exclusive C14N in
signxml's XAdES signer yields signatures nobody can verify), SHA-256, RSA-SHA256 (or ECDSA
P-256 with SHA-256), the signing time and the signing certificate as signed properties, and
the certificate chain in KeyInfo. With a time-stamp authority, an RFC 3161 token over the
canonical SignatureValue is added as an unsigned SignatureTimeStamp (XAdES-T).

`XmlSigner` is built once (the key loaded once) and signs any number of documents.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Callable
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from lxml import etree
from signxml import DigestAlgorithm, SignatureConstructionMethod, SignatureMethod
from signxml.util import SigningSettings, ds_tag, xades_tag
from signxml.xades import XAdESSigner

from transcript.errors import InvalidDocument, TranscriptError
from transcript.model.constants import C14N_INCLUSIVE, XADES_NS
from transcript.model.xmlio import DS_NS, parse_untrusted
from transcript.pki.keys import SigningIdentity
from transcript.pki.tsa import TimeStampClient
from transcript.rules.checks import validate
from transcript.sign.xmlsig import RootCopying

XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'
ALGORITHMS = {
    "rsa-sha256": SignatureMethod.RSA_SHA256,
    "ecdsa-sha256": SignatureMethod.ECDSA_SHA256,
}


class SigningError(TranscriptError):
    """The document could not be signed (the reason is in the message)."""


#: How the signed properties name the signing certificate. "v1" is XAdES 1.3.2's
#: SigningCertificate with a SHA-256 CertDigest and IssuerSerial, as ETDA's reference signer
#: (xades4j) writes it and as xades4j, inside the national tools, requires; "v2" is EN 319 132's
#: SigningCertificateV2, which xades4j does not know.
SIGNING_CERTIFICATE_FORMS = ("v1", "v2")


class _TranscriptXAdESSigner(RootCopying, XAdESSigner):
    """signxml's XAdES signer with the signing time taken from a clock we control, and the
    signing certificate named in the form chosen."""

    def __init__(self, clock: Callable[[], dt.datetime], form: str = "v1", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._clock = clock
        self._form = form

    def add_signing_certificate(self, properties, sig_root, signing_settings: SigningSettings):
        if self._form == "v2":
            return super().add_signing_certificate(properties, sig_root, signing_settings)
        assert signing_settings.cert_chain is not None
        certificate = signing_settings.cert_chain[0]
        assert isinstance(certificate, x509.Certificate)
        nsmap = self.namespaces
        signing = etree.SubElement(properties, xades_tag("SigningCertificate"), nsmap=nsmap)
        cert = etree.SubElement(signing, xades_tag("Cert"), nsmap=nsmap)
        digest = etree.SubElement(cert, xades_tag("CertDigest"), nsmap=nsmap)
        etree.SubElement(digest, ds_tag("DigestMethod"), nsmap=nsmap, Algorithm=DigestAlgorithm.SHA256.value)
        value = etree.SubElement(digest, ds_tag("DigestValue"), nsmap=nsmap)
        value.text = base64.b64encode(certificate.fingerprint(hashes.SHA256())).decode("ascii")
        issuer_serial = etree.SubElement(cert, xades_tag("IssuerSerial"), nsmap=nsmap)
        etree.SubElement(
            issuer_serial, ds_tag("X509IssuerName"), nsmap=nsmap
        ).text = certificate.issuer.rfc4514_string()
        etree.SubElement(issuer_serial, ds_tag("X509SerialNumber"), nsmap=nsmap).text = str(
            certificate.serial_number
        )

    def add_signing_time(self, signed_signature_properties, sig_root, signing_settings: SigningSettings):
        element = etree.SubElement(
            signed_signature_properties, xades_tag("SigningTime"), nsmap=self.namespaces
        )
        element.text = self._clock().astimezone(dt.timezone.utc).isoformat(timespec="seconds")


class XmlSigner:
    """Signs transcript XML with one identity; create once, call `sign` for every document."""

    def __init__(
        self,
        identity: SigningIdentity,
        *,
        timestamps: TimeStampClient | None = None,
        check_content: bool = True,
        clock: Callable[[], dt.datetime] | None = None,
        signing_certificate: str = "v1",
    ) -> None:
        if signing_certificate not in SIGNING_CERTIFICATE_FORMS:
            raise SigningError(f"signing_certificate must be v1 or v2, not {signing_certificate!r}")
        self.identity = identity
        self.timestamps = timestamps
        self.check_content = check_content
        self._clock = clock or (lambda: dt.datetime.now(dt.timezone.utc))
        self._signer = _TranscriptXAdESSigner(
            self._clock,
            signing_certificate,
            method=SignatureConstructionMethod.enveloped,
            signature_algorithm=ALGORITHMS[identity.algorithm],
            digest_algorithm=DigestAlgorithm.SHA256,
            c14n_algorithm=C14N_INCLUSIVE,
        )
        self._certificates = identity.certificates

    def sign(self, data: bytes) -> bytes:
        """The signed document. The input must be a valid, unsigned transcript.

        Raises `InvalidDocument` when the input fails `transcript.validate` (errors only),
        `SigningError` when it is already signed, and `TimeStampError` when a time-stamp
        authority is configured but does not answer.
        """
        if self.check_content:
            result = validate(data)
            if not result.ok:
                raise InvalidDocument(result.errors)
        root = parse_untrusted(data).getroot()
        if (
            root.find(f"{{{DS_NS}}}Signature") is not None
            or root.find(f".//{{{DS_NS}}}Signature") is not None
        ):
            raise SigningError("the document is already signed; a transcript carries exactly one signature")
        signed = self._signer.sign(root, key=self.identity.key, cert=self._certificates)
        if self.timestamps is not None:
            add_signature_timestamp(signed, self.timestamps)
        # The document, processing instructions outside the root included (the signature covers them).
        return XML_DECLARATION + etree.tostring(signed.getroottree(), encoding="UTF-8", xml_declaration=False)


def add_signature_timestamp(signed_root: etree._Element, client: TimeStampClient) -> None:
    """Add a SignatureTimeStamp over the canonical SignatureValue (XAdES-T)."""
    signature = signed_root.find(f"{{{DS_NS}}}Signature")
    if signature is None:
        raise SigningError("no signature to time-stamp")
    value = signature.find(f"{{{DS_NS}}}SignatureValue")
    properties = signature.find(f"{{{DS_NS}}}Object/{{{XADES_NS}}}QualifyingProperties")
    if value is None or properties is None:
        raise SigningError("the signature has no SignatureValue or QualifyingProperties")
    token = client.stamp(etree.tostring(value, method="c14n"))
    unsigned = etree.SubElement(properties, f"{{{XADES_NS}}}UnsignedProperties")
    signature_properties = etree.SubElement(unsigned, f"{{{XADES_NS}}}UnsignedSignatureProperties")
    stamp = etree.SubElement(
        signature_properties,
        f"{{{XADES_NS}}}SignatureTimeStamp",
        Id=f"{signature.get('Id', 'Signature')}-SignatureTimeStamp",
    )
    etree.SubElement(stamp, f"{{{DS_NS}}}CanonicalizationMethod", Algorithm=C14N_INCLUSIVE)
    encapsulated = etree.SubElement(stamp, f"{{{XADES_NS}}}EncapsulatedTimeStamp")
    encapsulated.text = base64.b64encode(token).decode("ascii")
