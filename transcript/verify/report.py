"""The verification report: typed verdicts (ETSI EN 319 102-1), checks, signer, what was signed.

A report is an immutable value. The checks are made in order by the XML and PDF checkers,
which collect them in a `ReportDraft`; `ReportDraft.freeze` concludes the verdict (the first
failed check decides, else the first undecided one) and returns the `VerificationReport`.

Sub-indications carry their own category, as the standard assigns them (and as pyHanko's
`AdESFailure` / `AdESIndeterminate` do): a check that fails with `REVOKED_NO_POE` is
INDETERMINATE because the code says so, not because its author chose a status.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from transcript.problems import Problem

#: What each form means for the people who rely on it, in the words the reports use.
FORMS = {
    "XAdES-B-B": "no time-stamp; verifies only while the signer's certificate is valid",
    "XAdES-B-T": "time-stamped; verifies after the signer's certificate expires",
    "PAdES-B-B": "no time-stamp; verifies only while the signer's certificate is valid",
    "PAdES-B-T": "time-stamped; verifies after the signer's certificate expires, given its CRLs",
    "PAdES-B-LT": "time-stamped, with its validation data; verifies offline after the certificate expires",
    "PAdES-B-LTA": "long-term (time-stamped, with its validation data and a document time-stamp); "
    "renewable with transcript extend",
    "SD-JWT VC": "a wallet credential, no time-stamp; verifies only while the issuer's certificate is valid",
    "SD-JWT VC+KB": "a wallet credential presented with its holder's key; verifies only while the "
    "issuer's certificate is valid",
}


class Verdict(str, Enum):
    """The main indication of EN 319 102-1."""

    TOTAL_PASSED = "TOTAL-PASSED"
    TOTAL_FAILED = "TOTAL-FAILED"
    INDETERMINATE = "INDETERMINATE"

    def __str__(self) -> str:
        return self.value

    @property
    def words(self) -> str:
        return {
            "TOTAL-PASSED": "genuine: the signature is valid and trusted",
            "TOTAL-FAILED": "not genuine",
            "INDETERMINATE": "cannot be decided",
        }[self.value]


class SubIndication(str, Enum):
    """Why a verdict is not TOTAL-PASSED (EN 319 102-1, clause 5.1.3), with its category."""

    verdict: Verdict

    def __new__(cls, code: str, verdict: Verdict) -> SubIndication:
        member = str.__new__(cls, code)
        member._value_ = code
        member.verdict = verdict
        return member

    # TOTAL-FAILED
    FORMAT_FAILURE = ("FORMAT_FAILURE", Verdict.TOTAL_FAILED)
    HASH_FAILURE = ("HASH_FAILURE", Verdict.TOTAL_FAILED)
    SIG_CRYPTO_FAILURE = ("SIG_CRYPTO_FAILURE", Verdict.TOTAL_FAILED)
    REVOKED = ("REVOKED", Verdict.TOTAL_FAILED)
    NOT_YET_VALID = ("NOT_YET_VALID", Verdict.TOTAL_FAILED)
    # INDETERMINATE
    SIG_CONSTRAINTS_FAILURE = ("SIG_CONSTRAINTS_FAILURE", Verdict.INDETERMINATE)
    CHAIN_CONSTRAINTS_FAILURE = ("CHAIN_CONSTRAINTS_FAILURE", Verdict.INDETERMINATE)
    CERTIFICATE_CHAIN_GENERAL_FAILURE = ("CERTIFICATE_CHAIN_GENERAL_FAILURE", Verdict.INDETERMINATE)
    CRYPTO_CONSTRAINTS_FAILURE = ("CRYPTO_CONSTRAINTS_FAILURE", Verdict.INDETERMINATE)
    EXPIRED = ("EXPIRED", Verdict.INDETERMINATE)
    TIMESTAMP_ORDER_FAILURE = ("TIMESTAMP_ORDER_FAILURE", Verdict.INDETERMINATE)
    NO_SIGNING_CERTIFICATE_FOUND = ("NO_SIGNING_CERTIFICATE_FOUND", Verdict.INDETERMINATE)
    NO_CERTIFICATE_CHAIN_FOUND = ("NO_CERTIFICATE_CHAIN_FOUND", Verdict.INDETERMINATE)
    REVOKED_NO_POE = ("REVOKED_NO_POE", Verdict.INDETERMINATE)
    REVOKED_CA_NO_POE = ("REVOKED_CA_NO_POE", Verdict.INDETERMINATE)
    OUT_OF_BOUNDS_NO_POE = ("OUT_OF_BOUNDS_NO_POE", Verdict.INDETERMINATE)
    OUT_OF_BOUNDS_NOT_REVOKED = ("OUT_OF_BOUNDS_NOT_REVOKED", Verdict.INDETERMINATE)
    REVOCATION_OUT_OF_BOUNDS_NO_POE = ("REVOCATION_OUT_OF_BOUNDS_NO_POE", Verdict.INDETERMINATE)
    CRYPTO_CONSTRAINTS_FAILURE_NO_POE = ("CRYPTO_CONSTRAINTS_FAILURE_NO_POE", Verdict.INDETERMINATE)
    NO_POE = ("NO_POE", Verdict.INDETERMINATE)
    TRY_LATER = ("TRY_LATER", Verdict.INDETERMINATE)
    SIGNED_DATA_NOT_FOUND = ("SIGNED_DATA_NOT_FOUND", Verdict.INDETERMINATE)
    # The document's status, from its issuer's status list: not EN 319 102-1's, which judges
    # signatures only; a genuine signature on a withdrawn document is not a pass.
    DOCUMENT_REVOKED = ("DOCUMENT_REVOKED", Verdict.TOTAL_FAILED)
    DOCUMENT_SUPERSEDED = ("DOCUMENT_SUPERSEDED", Verdict.TOTAL_FAILED)
    DOCUMENT_SUSPENDED = ("DOCUMENT_SUSPENDED", Verdict.INDETERMINATE)
    STATUS_UNKNOWN = ("STATUS_UNKNOWN", Verdict.INDETERMINATE)
    # A document issued for a limited time, read after its last day (its signed content says so).
    DOCUMENT_EXPIRED = ("DOCUMENT_EXPIRED", Verdict.TOTAL_FAILED)
    # A wallet presentation not shown by the credential's holder, or not for this verifier
    # (SD-JWT key binding: RFC 9901 section 7.3; not EN 319 102-1's).
    HOLDER_BINDING_FAILURE = ("HOLDER_BINDING_FAILURE", Verdict.TOTAL_FAILED)

    def __str__(self) -> str:
        return self.value

    @classmethod
    def named(cls, name: str, default: SubIndication) -> SubIndication:
        """The member called `name` (a pyHanko indication's name, say), else `default`."""
        return cls.__members__.get(name, default)


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
    sub_indication: SubIndication | None = None

    @classmethod
    def passed(cls, name: str, detail: str) -> Check:
        return cls(name, Status.PASSED, detail)

    @classmethod
    def warning(cls, name: str, detail: str) -> Check:
        return cls(name, Status.WARNING, detail)

    @classmethod
    def skipped(cls, name: str, detail: str) -> Check:
        return cls(name, Status.SKIPPED, detail)

    @classmethod
    def problem(cls, name: str, sub_indication: SubIndication, detail: str) -> Check:
        """A check that did not pass; its status follows the sub-indication's category."""
        status = Status.FAILED if sub_indication.verdict is Verdict.TOTAL_FAILED else Status.INDETERMINATE
        return cls(name, status, detail, sub_indication)

    def renamed(self, prefix: str) -> Check:
        return Check(f"{prefix}{self.name}", self.status, self.detail, self.sub_indication)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "status": self.status.value,
            "detail": self.detail,
            "sub_indication": self.sub_indication.value if self.sub_indication else None,
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
    sha256: str
    issuer_common_name: str = ""  # the issuing authority's name, for people (the DN is in `issuer`)

    @classmethod
    def of(cls, certificate: x509.Certificate) -> Signer:
        return _signer_of_der(certificate.public_bytes(Encoding.DER))

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
            "sha256": self.sha256,
        }


@functools.lru_cache(maxsize=64)
def _signer_of_der(data: bytes) -> Signer:
    certificate = x509.load_der_x509_certificate(data)
    organizations = certificate.subject.get_attributes_for_oid(x509.NameOID.ORGANIZATION_NAME)
    names = certificate.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    issuer_names = certificate.issuer.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    return Signer(
        str(names[0].value) if names else certificate.subject.rfc4514_string(),
        certificate.subject.rfc4514_string(),
        certificate.issuer.rfc4514_string(),
        format(certificate.serial_number, "X"),
        str(organizations[0].value) if organizations else None,
        certificate.not_valid_before_utc,
        certificate.not_valid_after_utc,
        hashlib.sha256(data).hexdigest(),
        str(issuer_names[0].value) if issuer_names else certificate.issuer.rfc4514_string(),
    )


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
    valid_until: str | None = None  # a document issued for a limited time: its last day (ISO date)

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class CredentialInfo:
    """What a wallet credential (SD-JWT VC) showed: its type and issuer, the claims its holder
    disclosed, how many stayed hidden, and whether a key-bound presentation was checked."""

    vct: str
    issuer: str | None
    disclosed: dict[str, Any]
    shown: int  # selectively disclosable claims the holder showed
    hidden: int  # ... and those the holder kept back
    holder_bound: bool  # the credential names a holder key (cnf)
    presented_to: str | None = None  # the audience of a verified key-binding JWT
    binding: str | None = None  # the national file given with it: "is the same document", ...

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class VerificationReport:
    """The answer for one file: a verdict, the checks behind it, and the signed content."""

    verdict: Verdict = Verdict.TOTAL_FAILED
    sub_indication: SubIndication | None = None
    checks: tuple[Check, ...] = ()
    signer: Signer | None = None
    signing_time: dt.datetime | None = None
    timestamp_time: dt.datetime | None = None
    validation_time: dt.datetime | None = None
    summary: TranscriptSummary | None = None
    content_problems: tuple[Problem, ...] = ()
    pdf_signer: Signer | None = None
    signed_xml: bytes | None = None
    transcript: Any = field(default=None, compare=False)  # the model read from signed_xml
    level: str | None = None  # the signature's form: XAdES-B-B, XAdES-B-T, PAdES-B-B ... PAdES-B-LTA
    # SHA-256 of the signed content: the XML without its signature, canonical (the same for every
    # copy of the document; `transcript.model.xmlio.signed_content_digest`)
    document_sha256: str | None = None
    document_status: str | None = None  # valid, revoked, suspended, superseded; None: not checked
    superseded_by: str | None = None  # the replacing document's number, when the list tells it
    status_url: str | None = None  # where the issuer publishes its status list (signed XMP)
    credential: CredentialInfo | None = None  # a wallet credential's own findings

    @property
    def ok(self) -> bool:
        return self.verdict is Verdict.TOTAL_PASSED

    @property
    def reason(self) -> str:
        """The detail of the check that decided the verdict ('' when it passed)."""
        if self.ok:
            return ""
        deciding = next((c for c in self.checks if c.sub_indication is self.sub_indication), None)
        return deciding.detail if deciding else ""

    def check(self, name: str) -> Check | None:
        return next((c for c in self.checks if c.name == name), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict.value,
            "sub_indication": self.sub_indication.value if self.sub_indication else None,
            "level": self.level,
            "document_status": self.document_status,
            "superseded_by": self.superseded_by,
            "status_url": self.status_url,
            "document_sha256": self.document_sha256,
            "signer": self.signer.to_dict() if self.signer else None,
            "pdf_signer": self.pdf_signer.to_dict() if self.pdf_signer else None,
            "signing_time": self.signing_time.isoformat() if self.signing_time else None,
            "timestamp_time": self.timestamp_time.isoformat() if self.timestamp_time else None,
            "validation_time": self.validation_time.isoformat() if self.validation_time else None,
            "checks": [c.to_dict() for c in self.checks],
            "transcript": self.summary.to_dict() if self.summary else None,
            "content_problems": [p.to_dict() for p in self.content_problems],
            "signed_xml_sha256": hashlib.sha256(self.signed_xml).hexdigest() if self.signed_xml else None,
            "credential": self.credential.to_dict() if self.credential else None,
        }

    def to_json(self, **kwargs: Any) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, **kwargs)

    def brief(self, source: str = "<document>") -> str:
        """One line: the verdict, and who and what when it passed, or why not. Everything
        printed is escaped, so that no signed text can break the line or forge another."""
        if not self.ok:
            sub = self.sub_indication.value if self.sub_indication else ""
            return one_line(f"{source}: {self.verdict.value} {sub}: {self.reason}")
        s = self.summary
        assert s is not None and self.signer is not None
        name = s.student_name.get("en") or next(iter(s.student_name.values()), "?")
        return (
            f"{one_line(source)}: {self.verdict.value} {one_line(s.document_id)} "
            f"{one_line(s.student_number or '-')} {one_line(name)}, GPAX {one_line(s.gpax or '-')}; "
            f"signed by {one_line(self.signer.common_name)}"
            + (f"; {self.level}" if self.level else "")
            + (f"; status {self.document_status}" if self.document_status else "")
        )

    def format(self, source: str = "<document>") -> str:
        """The report as a person reads it (control characters escaped)."""
        marks = {
            Status.PASSED: "✓",
            Status.FAILED: "✗",
            Status.INDETERMINATE: "?",
            Status.WARNING: "!",
            Status.SKIPPED: "-",
        }
        lines = [f"{source}: {self.verdict.value}: {self.verdict.words}"]
        if self.sub_indication and not self.ok:
            lines.append(f"  Reason       {self.sub_indication.value}: {self.reason}")
        if self.document_status:
            successor = f" by {self.superseded_by}" if self.superseded_by else ""
            lines.append(f"  Status       {self.document_status}{successor} (the issuer's status list)")
        elif self.ok and self.status_url and self.check("status") is None:
            lines.append(
                f"  Status       not checked: the issuer publishes it at {self.status_url} (--fetch)"
            )
        if self.level:
            lines.append(f"  Form         {self.level}: {FORMS.get(self.level, '')}")
        if self.credential:
            vc = self.credential
            lines.append(
                f"  Credential   {vc.vct} from {vc.issuer or '?'}: {vc.shown} optional claims shown, "
                f"{vc.hidden} hidden by the holder"
            )
            if vc.presented_to:
                lines.append(f"  Presented    to {vc.presented_to}, with the holder's key")
            if vc.binding:
                lines.append(f"  National     the XML/PDF given with it {vc.binding}")
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
        if self.validation_time:
            lines.append(f"  Judged at    {self.validation_time.isoformat(timespec='seconds')}")
        if self.summary:
            s = self.summary
            status = f", status {s.status}" if s.status else ""
            lines.append(f"  Document     {s.document_id}, issued {s.issued}{status}")
            lines.append(f"  Institution  {_both(s.institution)}")
            hidden = "(not shown)" if self.credential else "?"
            lines.append(f"  Student      {s.student_number or hidden}  {_both(s.student_name) or hidden}")
            if s.programme:
                lines.append(f"  Programme    {_both(s.programme)}")
            if s.degree:
                lines.append(f"  Degree       {_both(s.degree)}")
            shown = " shown" if self.credential else ""
            lines.append(f"  GPAX         {s.gpax or '-'} ({s.courses} courses{shown})")
            if s.valid_until:
                lines.append(f"  Valid until  {s.valid_until} (the issuer limited the document's validity)")
        lines.append("  Checks")
        for c in self.checks:
            lines.append(f"    {marks[c.status]} {c.name:22} {c.detail}")
        return "\n".join(one_line(line) for line in lines)


def _both(texts: dict[str, str]) -> str:
    values = [texts[k] for k in ("th", "en") if k in texts] or list(texts.values())
    return " / ".join(dict.fromkeys(values))


_CONTROLS = {c: f"\\x{c:02x}" for c in [*range(0x20), 0x7F, *range(0x80, 0xA0)]}
_CONTROLS.update({ord("\n"): "\\n", ord("\r"): "\\r", ord("\t"): "\\t"})
_CONTROLS.update(
    {
        c: f"\\u{c:04x}"
        for c in (
            0x2028,
            0x2029,
            0x200B,
            0x200E,
            0x200F,
            0xFEFF,
            *range(0x202A, 0x202F),
            *range(0x2066, 0x206A),
        )
    }
)


def one_line(text: str) -> str:
    """`text` with every control, line-breaking and direction-changing character escaped."""
    return text.translate(_CONTROLS)


class ReportDraft:
    """The report while the checks are made; `freeze` concludes it."""

    def __init__(self) -> None:
        self.checks: list[Check] = []
        self.signer: Signer | None = None
        self.signing_time: dt.datetime | None = None
        self.timestamp_time: dt.datetime | None = None
        self.validation_time: dt.datetime | None = None
        self.summary: TranscriptSummary | None = None
        self.content_problems: tuple[Problem, ...] = ()
        self.pdf_signer: Signer | None = None
        self.signed_xml: bytes | None = None
        self.transcript: Any = None
        self.level: str | None = None
        self.document_sha256: str | None = None
        self.document_status: str | None = None
        self.superseded_by: str | None = None
        self.status_url: str | None = None
        self.credential: CredentialInfo | None = None

    def add(self, check: Check) -> None:
        self.checks.append(check)

    def failed(self) -> bool:
        return any(c.status in (Status.FAILED, Status.INDETERMINATE) for c in self.checks)

    def take(self, inner: VerificationReport, prefix: str) -> None:
        """The checks and findings of an inner report (the embedded XML's)."""
        self.checks.extend(c.renamed(prefix) for c in inner.checks)
        self.signer, self.signing_time, self.timestamp_time = (
            inner.signer,
            inner.signing_time,
            inner.timestamp_time,
        )
        self.validation_time, self.summary = inner.validation_time, inner.summary
        self.content_problems, self.signed_xml, self.transcript = (
            inner.content_problems,
            inner.signed_xml,
            inner.transcript,
        )
        self.document_sha256 = inner.document_sha256

    def freeze(self) -> VerificationReport:
        failed = next((c for c in self.checks if c.status is Status.FAILED), None)
        undecided = next((c for c in self.checks if c.status is Status.INDETERMINATE), None)
        if failed is not None:
            verdict, sub = Verdict.TOTAL_FAILED, failed.sub_indication
        elif undecided is not None:
            verdict, sub = Verdict.INDETERMINATE, undecided.sub_indication
        elif not self.checks:
            verdict, sub = Verdict.TOTAL_FAILED, SubIndication.FORMAT_FAILURE
        else:
            verdict, sub = Verdict.TOTAL_PASSED, None
        return VerificationReport(
            verdict=verdict,
            sub_indication=sub,
            checks=tuple(self.checks),
            signer=self.signer,
            signing_time=self.signing_time,
            timestamp_time=self.timestamp_time,
            validation_time=self.validation_time,
            summary=self.summary,
            content_problems=self.content_problems,
            pdf_signer=self.pdf_signer,
            signed_xml=self.signed_xml,
            transcript=self.transcript,
            level=self.level,
            document_sha256=self.document_sha256,
            document_status=self.document_status,
            superseded_by=self.superseded_by,
            status_url=self.status_url,
            credential=self.credential,
        )
