"""Verifying a signed transcript: one verdict, every check behind it, and what was signed.

The verdict follows ETSI EN 319 102-1: TOTAL-PASSED, TOTAL-FAILED or INDETERMINATE, with a
sub-indication saying why. The checks, in order:

=================  =========================================================================
input              well-formed and safe (size cap, no DOCTYPE, no entities), a Transcript
structure          exactly one XAdES signature, the last child of Transcript, whose only
                   data reference is ``URI=""`` with the enveloped transform and inclusive
                   C14N: it covers the whole document and nothing else
signature          every digest and the signature value (SHA-256 or stronger; SHA-1 and
                   unknown algorithms refused)
signed-properties  the signing certificate's digest and the signing time, both signed
timestamp          an RFC 3161 SignatureTimeStamp, when present: its imprint and its TSA
certificate        the signer's certificate chains to a trusted root; key usage allows
                   signing; valid at the signing time; not revoked
content            the signed content against the schema and the business rules
=================  =========================================================================

Everything reported about the transcript (and everything a renderer shows) comes from the
bytes the signature covers, never from the tree that was handed in.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import functools
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

from asn1crypto import cms
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.serialization import Encoding
from lxml import etree
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator import errors as cv_errors
from signxml import DigestAlgorithm, SignatureMethod
from signxml.exceptions import InvalidCertificate, InvalidDigest, InvalidInput, InvalidSignature
from signxml.xades import XAdESSignatureConfiguration, XAdESVerifier

from . import sync
from .errors import InvalidDocument
from .problems import Problem
from .rules import read_and_validate
from .signing import C14N_INCLUSIVE, XADES_NS
from .trust import RevocationPolicy, TrustSettings, asn1_certificate, asn1_crl, der
from .xmlio import DS_NS, MAX_DOCUMENT_BYTES, check_root, parse_untrusted
from .xmlsig import RootCopying

ENVELOPED = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"
ACCEPTED_C14N = {
    C14N_INCLUSIVE,
    "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments",
    "http://www.w3.org/2006/12/xml-c14n11",
}
SIGNED_PROPERTIES_TYPE = "http://uri.etsi.org/01903#SignedProperties"
ACCEPTED_SIGNATURES = frozenset(
    {
        SignatureMethod.RSA_SHA256,
        SignatureMethod.RSA_SHA384,
        SignatureMethod.RSA_SHA512,
        SignatureMethod.ECDSA_SHA256,
        SignatureMethod.ECDSA_SHA384,
        SignatureMethod.ECDSA_SHA512,
    }
)
ACCEPTED_DIGESTS = frozenset({DigestAlgorithm.SHA256, DigestAlgorithm.SHA384, DigestAlgorithm.SHA512})


class Verdict(str, Enum):
    TOTAL_PASSED = "TOTAL-PASSED"
    TOTAL_FAILED = "TOTAL-FAILED"
    INDETERMINATE = "INDETERMINATE"

    @property
    def words(self) -> str:
        return {
            "TOTAL-PASSED": "genuine: the signature is valid and trusted",
            "TOTAL-FAILED": "not genuine",
            "INDETERMINATE": "cannot be decided",
        }[self.value]


class Status(str, Enum):
    PASSED = "passed"
    FAILED = "failed"
    INDETERMINATE = "indeterminate"
    WARNING = "warning"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class Check:
    """One check of the report, in plain words."""

    name: str
    status: Status
    detail: str
    sub_indication: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "status": self.status.value,
            "detail": self.detail,
            "sub_indication": self.sub_indication,
        }


@dataclass(frozen=True)
class Signer:
    common_name: str
    subject: str
    issuer: str
    serial: str
    organization: str | None
    not_before: dt.datetime
    not_after: dt.datetime

    @classmethod
    def of(cls, certificate: x509.Certificate) -> Signer:
        organizations = certificate.subject.get_attributes_for_oid(x509.NameOID.ORGANIZATION_NAME)
        names = certificate.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
        return cls(
            str(names[0].value) if names else certificate.subject.rfc4514_string(),
            certificate.subject.rfc4514_string(),
            certificate.issuer.rfc4514_string(),
            format(certificate.serial_number, "X"),
            str(organizations[0].value) if organizations else None,
            certificate.not_valid_before_utc,
            certificate.not_valid_after_utc,
        )

    @classmethod
    def of_der(cls, data: bytes) -> Signer:
        """`of` the certificate encoded in `data` (DER); remembered, as the same few signers
        recur (a run's editions, a batch of one institution's files)."""
        return _signer_of_der(data)

    def to_dict(self) -> dict[str, Any]:
        return {
            "common_name": self.common_name,
            "subject": self.subject,
            "issuer": self.issuer,
            "serial": self.serial,
            "organization": self.organization,
            "not_before": self.not_before.isoformat(),
            "not_after": self.not_after.isoformat(),
        }


@dataclass(frozen=True)
class TranscriptSummary:
    """What the signed transcript says, in brief, read from the signed bytes only."""

    document_id: str
    issued: str
    institution: dict[str, str]
    student_number: str | None
    student_name: dict[str, str]
    programme: dict[str, str]
    degree: dict[str, str]
    gpax: str | None
    status: str
    courses: int

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@functools.lru_cache(maxsize=64)
def _signer_of_der(data: bytes) -> Signer:
    return Signer.of(x509.load_der_x509_certificate(data))


@dataclass
class VerificationReport:
    """The answer for one file: a verdict, the checks behind it, and the signed content."""

    verdict: Verdict = Verdict.TOTAL_FAILED
    sub_indication: str | None = None
    checks: list[Check] = field(default_factory=list)
    signer: Signer | None = None
    signing_time: dt.datetime | None = None
    timestamp_time: dt.datetime | None = None
    validation_time: dt.datetime | None = None
    summary: TranscriptSummary | None = None
    content_problems: tuple[Problem, ...] = ()
    pdf_signer: Signer | None = None
    signed_xml: bytes | None = None
    transcript: Any = None  # the model read from signed_xml (for renderers); not in to_dict

    @property
    def ok(self) -> bool:
        return self.verdict is Verdict.TOTAL_PASSED

    def check(self, name: str) -> Check | None:
        return next((c for c in self.checks if c.name == name), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict.value,
            "sub_indication": self.sub_indication,
            "signer": self.signer.to_dict() if self.signer else None,
            "pdf_signer": self.pdf_signer.to_dict() if self.pdf_signer else None,
            "signing_time": self.signing_time.isoformat() if self.signing_time else None,
            "timestamp_time": self.timestamp_time.isoformat() if self.timestamp_time else None,
            "validation_time": self.validation_time.isoformat() if self.validation_time else None,
            "checks": [c.to_dict() for c in self.checks],
            "transcript": self.summary.to_dict() if self.summary else None,
            "content_problems": [p.to_dict() for p in self.content_problems],
            "signed_xml_sha256": hashlib.sha256(self.signed_xml).hexdigest() if self.signed_xml else None,
        }

    def to_json(self, **kwargs: Any) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, **kwargs)

    def brief(self, source: str = "<document>") -> str:
        """One line: the verdict, and who and what when it passed, or why not."""
        if not self.ok:
            reason = next((c.detail for c in self.checks if c.sub_indication == self.sub_indication), "")
            return f"{source}: {self.verdict.value} {self.sub_indication}: {reason}"
        s = self.summary
        assert s is not None and self.signer is not None
        name = s.student_name.get("en") or next(iter(s.student_name.values()), "?")
        return (
            f"{source}: {self.verdict.value} {s.document_id} {s.student_number} {name}, "
            f"GPAX {s.gpax or '-'}; signed by {self.signer.common_name}"
        )

    def format(self, source: str = "<document>") -> str:
        """The report as a person reads it."""
        marks = {
            Status.PASSED: "✓",
            Status.FAILED: "✗",
            Status.INDETERMINATE: "?",
            Status.WARNING: "!",
            Status.SKIPPED: "-",
        }
        lines = [f"{source}: {self.verdict.value}: {self.verdict.words}"]
        if self.sub_indication and not self.ok:
            reason = next((c.detail for c in self.checks if c.sub_indication == self.sub_indication), "")
            lines.append(f"  Reason       {self.sub_indication}: {reason}")
        if self.pdf_signer:
            lines.append(f"  PDF signed   {self.pdf_signer.common_name} (PAdES)")
        if self.signer:
            lines.append(f"  Signed by    {self.signer.common_name}")
            lines.append(f"  Certificate  {self.signer.subject}")
            lines.append(f"               issued by {self.signer.issuer}, serial {self.signer.serial}")
        if self.signing_time:
            lines.append(f"  Signed at    {self.signing_time.isoformat()} (claimed by the signer)")
        if self.timestamp_time:
            lines.append(
                f"  Time-stamp   {self.timestamp_time.isoformat()} (proven by a time-stamp authority)"
            )
        if self.summary:
            s = self.summary
            lines.append(f"  Document     {s.document_id}, issued {s.issued}, status {s.status}")
            lines.append(f"  Institution  {_both(s.institution)}")
            lines.append(f"  Student      {s.student_number or '?'}  {_both(s.student_name)}")
            if s.programme:
                lines.append(f"  Programme    {_both(s.programme)}")
            if s.degree:
                lines.append(f"  Degree       {_both(s.degree)}")
            lines.append(f"  GPAX         {s.gpax or '-'} ({s.courses} courses)")
        lines.append("  Checks")
        for c in self.checks:
            lines.append(f"    {marks[c.status]} {c.name:22} {c.detail}")
        return "\n".join(lines)


def _both(texts: dict[str, str]) -> str:
    values = [texts[k] for k in ("th", "en") if k in texts] or list(texts.values())
    return " / ".join(dict.fromkeys(values))


# --------------------------------------------------------------------- verify


class _Stop(Exception):
    """A check failed in a way that makes the following checks meaningless."""


def verify(
    data: bytes,
    trust: TrustSettings | Iterable[str | Path],
    *,
    crls: Iterable[str | Path] = (),
    revocation: RevocationPolicy | str = RevocationPolicy.REQUIRE,
    allow_fetching: bool = False,
    at: dt.datetime | None = None,
    max_bytes: int = MAX_DOCUMENT_BYTES,
) -> VerificationReport:
    """Verify a signed transcript, XML or the PDF package; never raises for bad input.

    `trust` is a `TrustSettings`, or the paths of trusted root certificates (PEM or DER),
    in which case `crls`, `revocation`, `allow_fetching` and `at` complete the settings.
    Raises `TrustError` only when a trust or CRL file cannot be read.
    """
    if not isinstance(trust, TrustSettings):
        trust = TrustSettings.from_files(
            trust, crls, revocation=revocation, allow_fetching=allow_fetching, at=at
        )
    if bytes(data[:5]) == b"%PDF-":
        from .pdfverify import verify_pdf  # PDF support is loaded only when a PDF arrives

        return verify_pdf(bytes(data), trust, max_bytes=max_bytes)
    report = VerificationReport()
    with contextlib.suppress(_Stop):
        _verify(data, trust, report, max_bytes)
    conclude(report)
    return report


def conclude(report: VerificationReport) -> None:
    failed = [c for c in report.checks if c.status is Status.FAILED]
    undecided = [c for c in report.checks if c.status is Status.INDETERMINATE]
    if failed:
        report.verdict, report.sub_indication = Verdict.TOTAL_FAILED, failed[0].sub_indication
    elif undecided:
        report.verdict, report.sub_indication = Verdict.INDETERMINATE, undecided[0].sub_indication
    else:
        report.verdict, report.sub_indication = Verdict.TOTAL_PASSED, None


def _verify(data: bytes, trust: TrustSettings, report: VerificationReport, max_bytes: int) -> None:
    add = report.checks.append

    # 1. input
    try:
        tree = parse_untrusted(data, max_bytes=max_bytes)
    except InvalidDocument as exc:
        add(Check("input", Status.FAILED, exc.problems[0].message, "FORMAT_FAILURE"))
        raise _Stop from None
    root_problems = check_root(tree)
    if root_problems:
        add(Check("input", Status.FAILED, root_problems[0].message, "FORMAT_FAILURE"))
        raise _Stop
    add(Check("input", Status.PASSED, "well-formed XML, no DOCTYPE or entities, a Transcript"))
    root = tree.getroot()

    # 2. structure
    signature = _structure(root, add)

    # 3. the signer's certificate, named by the signed SigningCertificateV2
    certificates = _keyinfo_certificates(signature)
    signing_cert = _signing_certificate(signature, certificates, add)
    report.signer = Signer.of(signing_cert)
    report.signing_time = _signing_time(signature)

    # 4. digests and signature value, by signxml, with the certificate named above, on the
    # tree checked above (one parser for both: no room for them to read the bytes differently)
    signed_bytes = _cryptography(root, signing_cert, add)

    # 5. signed properties
    if report.signing_time is None:
        add(Check("signed-properties", Status.FAILED, "no valid signed SigningTime", "FORMAT_FAILURE"))
        raise _Stop
    add(
        Check(
            "signed-properties",
            Status.PASSED,
            f"signing certificate digest matches; signing time {report.signing_time.isoformat()}",
        )
    )

    # 6. time-stamp (XAdES-T), which proves when the signature existed
    report.timestamp_time = _timestamp(signature, trust, add)

    # 7. certificate: chain, key usage, validity at the signing time, revocation
    moment = trust.at or report.timestamp_time or report.signing_time
    report.validation_time = moment
    _certificate(signing_cert, certificates, trust, moment, add)

    # 8. the signed content
    report.signed_xml = signed_bytes
    _content(signed_bytes, report, add)


def _structure(root: etree._Element, add: Any) -> etree._Element:
    def fail(detail: str, sub: str = "FORMAT_FAILURE") -> _Stop:
        add(Check("structure", Status.FAILED, detail, sub))
        return _Stop()

    signatures = list(root.iter(f"{{{DS_NS}}}Signature"))
    if not signatures:
        raise fail("the document is not signed")
    if len(signatures) > 1:
        raise fail(f"the document carries {len(signatures)} signatures; a transcript carries exactly one")
    signature = signatures[0]
    children = [c for c in root if isinstance(c.tag, str)]
    if signature.getparent() is not root or children[-1] is not signature:
        raise fail(
            "the signature is not the last child of Transcript (the signed content may have been moved)"
        )
    signed_info = signature.find(f"{{{DS_NS}}}SignedInfo")
    if signed_info is None:
        raise fail("the signature has no SignedInfo")
    c14n = signed_info.find(f"{{{DS_NS}}}CanonicalizationMethod")
    if c14n is None or c14n.get("Algorithm") not in ACCEPTED_C14N:
        algorithm = None if c14n is None else c14n.get("Algorithm")
        raise fail(f"canonicalisation {algorithm!r} is not inclusive C14N, as the national profile requires")
    ids = {e.get("Id"): e for e in signature.iter() if isinstance(e.tag, str) and e.get("Id")}
    document_refs = []
    for reference in signed_info.findall(f"{{{DS_NS}}}Reference"):
        uri = reference.get("URI")
        transforms = [
            t.get("Algorithm") for t in reference.findall(f"{{{DS_NS}}}Transforms/{{{DS_NS}}}Transform")
        ]
        if uri == "":
            if transforms[:1] != [ENVELOPED] or any(t not in ACCEPTED_C14N for t in transforms[1:]):
                raise fail(
                    f"the document reference uses transforms {transforms}; "
                    "only enveloped-signature and C14N are allowed"
                )
            document_refs.append(reference)
        elif uri and uri.startswith("#") and uri[1:] in ids:
            target = ids[uri[1:]]
            is_properties = target.tag == f"{{{XADES_NS}}}SignedProperties"
            is_key_info = target.tag == f"{{{DS_NS}}}KeyInfo"
            if not (is_properties or is_key_info) or any(t not in ACCEPTED_C14N for t in transforms):
                raise fail(
                    f"a reference points at {etree.QName(target).localname}, "
                    "which a transcript signature does not sign"
                )
        else:
            raise fail(
                f"a reference points at {uri!r}, a part of the document rather than the whole; "
                'a transcript signature must cover the whole document (URI="")'
            )
    if len(document_refs) != 1:
        raise fail(f"{len(document_refs)} references cover the whole document; exactly one must")
    if not any(r.get("Type") == SIGNED_PROPERTIES_TYPE for r in signed_info.findall(f"{{{DS_NS}}}Reference")):
        add(
            Check(
                "structure",
                Status.FAILED,
                "the XAdES signed properties are not signed (no SignedProperties reference)",
                "FORMAT_FAILURE",
            )
        )
        raise _Stop
    add(
        Check(
            "structure",
            Status.PASSED,
            "one enveloped XAdES signature, last in the document, covering all of it",
        )
    )
    return signature


def _keyinfo_certificates(signature: etree._Element) -> list[x509.Certificate]:
    found = []
    for element in signature.iterfind(f"{{{DS_NS}}}KeyInfo/{{{DS_NS}}}X509Data/{{{DS_NS}}}X509Certificate"):
        try:
            found.append(
                x509.load_der_x509_certificate(base64.b64decode("".join((element.text or "").split())))
            )
        except ValueError:
            continue
    return found


def _signing_certificate(
    signature: etree._Element, certificates: list[x509.Certificate], add: Any
) -> x509.Certificate:
    path = (
        f"{{{DS_NS}}}Object/{{{XADES_NS}}}QualifyingProperties/{{{XADES_NS}}}SignedProperties/"
        f"{{{XADES_NS}}}SignedSignatureProperties/{{{XADES_NS}}}SigningCertificateV2/{{{XADES_NS}}}Cert"
    )
    first = signature.find(path)
    if first is None:
        first = signature.find(path.replace("SigningCertificateV2", "SigningCertificate"))
    if first is None:
        add(
            Check(
                "signed-properties",
                Status.FAILED,
                "no signed SigningCertificate property",
                "FORMAT_FAILURE",
            )
        )
        raise _Stop
    method = first.find(f"{{{XADES_NS}}}CertDigest/{{{DS_NS}}}DigestMethod")
    value = first.find(f"{{{XADES_NS}}}CertDigest/{{{DS_NS}}}DigestValue")
    digests = {
        DigestAlgorithm.SHA256.value: hashes.SHA256(),
        DigestAlgorithm.SHA384.value: hashes.SHA384(),
        DigestAlgorithm.SHA512.value: hashes.SHA512(),
    }
    algorithm = None if method is None else digests.get(method.get("Algorithm") or "")
    if algorithm is None or value is None:
        add(
            Check(
                "signed-properties",
                Status.FAILED,
                "the signing certificate digest uses SHA-1 or an unknown algorithm",
                "CRYPTO_CONSTRAINTS_FAILURE",
            )
        )
        raise _Stop
    wanted = base64.b64decode((value.text or "").strip() or "AA==")
    for certificate in certificates:
        if certificate.fingerprint(algorithm) == wanted:
            return certificate
    add(
        Check(
            "signed-properties",
            Status.FAILED,
            "no certificate in KeyInfo matches the signed signing-certificate digest",
            "SIG_CONSTRAINTS_FAILURE",
        )
    )
    raise _Stop


def _signing_time(signature: etree._Element) -> dt.datetime | None:
    element = signature.find(f".//{{{XADES_NS}}}SignedSignatureProperties/{{{XADES_NS}}}SigningTime")
    if element is None or not element.text:
        return None
    try:
        moment = dt.datetime.fromisoformat(element.text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


class _Verifier(RootCopying, XAdESVerifier):
    """signxml's XAdES verifier, copying the document by deep copy (see `xmlsig`)."""


def _cryptography(root: etree._Element, signing_cert: x509.Certificate, add: Any) -> bytes:
    config = XAdESSignatureConfiguration(
        location="./",
        expect_references=True,
        signature_methods=ACCEPTED_SIGNATURES,
        digest_algorithms=ACCEPTED_DIGESTS,
        # Validity in time is judged by the certificate check, at the signing time.
        verification_time=signing_cert.not_valid_before_utc + dt.timedelta(seconds=1),
    )
    try:
        results = _Verifier().verify(root, x509_cert=signing_cert, expect_config=config)
    except InvalidDigest as exc:
        what = "the signed properties" if "reference 0" not in str(exc) else "the transcript's content"
        add(
            Check(
                "signature",
                Status.FAILED,
                f"{what} changed after signing (a digest does not match)",
                "HASH_FAILURE",
            )
        )
        raise _Stop from None
    except InvalidSignature as exc:
        add(
            Check(
                "signature",
                Status.FAILED,
                f"the signature value does not verify ({exc})",
                "SIG_CRYPTO_FAILURE",
            )
        )
        raise _Stop from None
    except (InvalidInput, InvalidCertificate, ValueError) as exc:
        text = str(exc)
        sub = (
            "CRYPTO_CONSTRAINTS_FAILURE"
            if "algorithm" in text.lower() or "sha1" in text.lower()
            else "FORMAT_FAILURE"
        )
        add(Check("signature", Status.FAILED, f"the signature cannot be verified: {text}", sub))
        raise _Stop from None
    document = next(
        (r for r in results if r.signed_xml is not None and r.signed_xml.tag == f"{{{_TC}}}Transcript"),
        None,
    )
    if document is None:
        add(
            Check(
                "signature",
                Status.FAILED,
                "the signature does not cover a Transcript",
                "FORMAT_FAILURE",
            )
        )
        raise _Stop
    add(
        Check(
            "signature",
            Status.PASSED,
            "every digest and the signature value verify (SHA-256 or stronger)",
        )
    )
    signed = document.signed_data
    return signed if isinstance(signed, bytes) else signed.encode("utf-8")


_TC = "urn:etda:teda:documentation:Transcript:1"


def _timestamp(signature: etree._Element, trust: TrustSettings, add: Any) -> dt.datetime | None:
    stamps = signature.findall(
        f".//{{{XADES_NS}}}UnsignedSignatureProperties/{{{XADES_NS}}}SignatureTimeStamp/{{{XADES_NS}}}EncapsulatedTimeStamp"
    )
    if not stamps:
        add(
            Check(
                "timestamp",
                Status.SKIPPED,
                "no signature time-stamp (XAdES-B): the signing time is as claimed",
            )
        )
        return None
    value = signature.find(f"{{{DS_NS}}}SignatureValue")
    assert value is not None
    imprint_input = etree.tostring(value, method="c14n")
    proven: dt.datetime | None = None
    for stamp in stamps:
        try:
            token = cms.ContentInfo.load(base64.b64decode("".join((stamp.text or "").split())))
            signed_data = token["content"]
            status = sync.run(_validate_token(signed_data, imprint_input, trust))
        except (ValueError, TypeError, KeyError) as exc:
            add(
                Check(
                    "timestamp",
                    Status.FAILED,
                    f"the time-stamp token is malformed ({exc})",
                    "FORMAT_FAILURE",
                )
            )
            return None
        when = status.get("timestamp")
        if not status.get("intact"):
            add(
                Check(
                    "timestamp",
                    Status.FAILED,
                    "the time-stamp does not cover this signature value",
                    "HASH_FAILURE",
                )
            )
            return None
        if not status.get("valid") or status.get("trust_problem_indic") is not None:
            add(
                Check(
                    "timestamp",
                    Status.INDETERMINATE,
                    "the time-stamp authority is not trusted or its token does not verify",
                    "NO_CERTIFICATE_CHAIN_FOUND",
                )
            )
            return None
        proven = when if proven is None or when < proven else proven
    assert proven is not None
    add(
        Check(
            "timestamp",
            Status.PASSED,
            f"a trusted time-stamp proves the signature existed at {proven.isoformat()}",
        )
    )
    return proven


async def _validate_token(
    signed_data: cms.SignedData, imprint_input: bytes, trust: TrustSettings
) -> dict[str, Any]:
    from pyhanko.sign.validation.generic_cms import validate_tst_signed_data

    context = _context(trust, None, [])
    return await validate_tst_signed_data(
        signed_data,
        context,
        expected_tst_imprint=lambda algorithm: hashlib.new(algorithm, imprint_input).digest(),
    )


def _context(
    trust: TrustSettings, moment: dt.datetime | None, others: list[x509.Certificate]
) -> ValidationContext:
    return ValidationContext(
        trust_roots=[asn1_certificate(d) for d in der(trust.roots)],
        other_certs=[asn1_certificate(d) for d in der(others)],
        crls=[asn1_crl(d) for d in trust.crls],
        moment=moment,
        allow_fetching=trust.allow_fetching,
        revocation_mode="require" if trust.revocation is RevocationPolicy.REQUIRE else "soft-fail",
        retroactive_revinfo=True,
    )


def _certificate(
    signer: x509.Certificate,
    certificates: list[x509.Certificate],
    trust: TrustSettings,
    moment: dt.datetime,
    add: Any,
) -> None:
    usage = None
    with contextlib.suppress(x509.ExtensionNotFound):
        usage = signer.extensions.get_extension_for_class(x509.KeyUsage).value
    if usage is not None and not (usage.digital_signature or usage.content_commitment):
        add(
            Check(
                "certificate",
                Status.FAILED,
                "the signer's certificate is not for signing (key usage has neither digitalSignature "
                "nor nonRepudiation)",
                "CHAIN_CONSTRAINTS_FAILURE",
            )
        )
        return
    others = [c for c in certificates if c != signer]
    context = _context(trust, moment, others)
    validator = CertificateValidator(
        asn1_certificate(signer.public_bytes(Encoding.DER)),
        intermediate_certs=[asn1_certificate(d) for d in der(others)],
        validation_context=context,
    )
    try:
        path = sync.run(validator.async_validate_path())
    except (cv_errors.PathBuildingError, cv_errors.PathValidationError, cv_errors.ValidationError) as exc:
        add(_path_failure(exc, moment.isoformat()))
        return
    root_name = _common_name(path.trust_anchor.authority.name)
    checked = bool(trust.crls) or trust.allow_fetching
    revocation = (
        "not revoked (CRLs checked)" if checked else "revocation not checked (no CRL given; policy: soft)"
    )
    add(
        Check(
            "certificate",
            Status.PASSED if checked else Status.WARNING,
            f"chains to {root_name}; valid for signing at {moment.isoformat()}; {revocation}",
        )
    )


def _path_failure(exc: Exception, when: str) -> Check:
    """The certificate check for a chain that did not validate, in plain words."""
    untrusted = isinstance(exc, cv_errors.PathBuildingError) or "self-signed" in str(exc)
    if untrusted:
        return Check(
            "certificate",
            Status.INDETERMINATE,
            "the signer's certificate does not chain to any trusted root (self-signed or from an "
            "unknown authority): do not treat it as genuine unless you trust its issuer",
            "NO_CERTIFICATE_CHAIN_FOUND",
        )
    if isinstance(exc, cv_errors.InsufficientRevinfoError):
        return Check(
            "certificate",
            Status.INDETERMINATE,
            "revocation could not be checked (no CRL for the chain was given and fetching is off): "
            "give the issuers' CRLs with --crl, or allow fetching",
            "REVOCATION_UNAVAILABLE",
        )
    failures: list[tuple[type[Exception], str, str]] = [
        (cv_errors.RevokedError, "REVOKED", "a certificate in the chain was revoked"),
        (cv_errors.ExpiredError, "EXPIRED", f"a certificate had expired at the signing time ({when})"),
        (
            cv_errors.NotYetValidError,
            "NOT_YET_VALID",
            f"a certificate was not yet valid at the signing time ({when})",
        ),
        (
            cv_errors.DisallowedAlgorithmError,
            "CRYPTO_CONSTRAINTS_FAILURE",
            "a certificate uses a weak algorithm",
        ),
    ]
    for kind, sub, words in failures:
        if isinstance(exc, kind):
            return Check("certificate", Status.FAILED, f"{words}: {exc}", sub)
    return Check(
        "certificate",
        Status.FAILED,
        f"the certificate chain is not valid: {exc}",
        "CHAIN_CONSTRAINTS_FAILURE",
    )


def _common_name(name: asn1_x509.Name) -> str:
    native = name.native
    return str(native.get("common_name") or name.human_friendly)


def _content(signed_bytes: bytes, report: VerificationReport, add: Any) -> None:
    result, model = read_and_validate(signed_bytes)
    report.content_problems = result.problems
    schema = [p for p in result.errors if p.code.startswith(("XML", "XSD"))]
    if schema:
        add(
            Check(
                "content",
                Status.FAILED,
                f"the signed content is not a valid transcript: {schema[0].message}",
                "FORMAT_FAILURE",
            )
        )
        return
    assert model is not None
    report.transcript = model
    report.summary = summarize(model)
    if result.errors:
        add(
            Check(
                "content",
                Status.WARNING,
                f"signed content is schema-valid but breaks {len(result.errors)} business rule(s), "
                f"first: {result.errors[0].code} {result.errors[0].message}",
            )
        )
    else:
        add(
            Check(
                "content",
                Status.PASSED,
                "the signed content is a valid transcript (schema and business rules)",
            )
        )


def summarize(t: Any) -> TranscriptSummary:
    """The brief of a transcript model (callers pass one read from signed bytes)."""

    def texts(items: Any) -> dict[str, str]:
        result: dict[str, str] = {}
        for item in items:
            result.setdefault((item.language_id or "").lower() or "-", item.value)
        return result

    def names(student: Any) -> dict[str, str]:
        result = {}
        for language in ("th", "en"):
            parts = []
            for group in (
                student.name_prefix,
                student.given_name,
                student.middle_name,
                student.family_name,
            ):
                value = texts(group).get(language) or (texts(group).get("-") if language == "th" else None)
                if value:
                    parts.append(value)
            if parts:
                result[language] = " ".join(parts)
        return result

    number = next(
        (i.value for i in t.student.data_subject_id if i.scheme_id.lower() in ("studentid", "studenid")),
        None,
    )
    program = t.student.program_context
    return TranscriptSummary(
        document_id=t.transcript_context.transcript_id,
        issued=str(t.transcript_context.issue_date_time),
        institution=texts(t.organization.organization_name),
        student_number=number,
        student_name=names(t.student),
        programme=texts(program.program_name) if program else {},
        degree=texts(program.degree) if program else {},
        gpax=str(t.academic_summary.total_gpax) if t.academic_summary else None,
        status=t.transcript_context.status,
        courses=len(t.course),
    )
