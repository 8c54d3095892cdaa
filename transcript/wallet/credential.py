"""A transcript as an SD-JWT VC (``dc+sd-jwt``), made from what its XAdES signature covers.

The claims follow ETDA's Thai VC framework's transcript example and docs/wallet.md maps each
to its element of the national message. Always disclosed: who issued it, the document, the
institution, programme, degree, graduation date, GPAX, the SHA-256 of the signed content
(the binding to the national file: the same digest as the status list's, so every copy of
the XML or the PDF it is packed in matches) and the status-list reference. Selectively
disclosable: each part of the student's name in each language, the student number, the
national ID and passport number, the birth date, every semester and every course in it.

No decoy digests are added: a verifier is told how many claims stayed hidden (the number of
semesters and courses is not a secret this credential keeps).
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from cryptography.hazmat.primitives import serialization

from transcript.errors import TranscriptError
from transcript.model.constants import student_number
from transcript.model.text import by_language
from transcript.model.validity import stated_validity
from transcript.pki.keys import SigningIdentity
from transcript.rules.summary import group_by_semester, semester_key
from transcript.wallet.sdjwt import Disclosable, issue

TYP = "dc+sd-jwt"
#: The credential type of ETDA's Thai VC framework's transcript example.
DEFAULT_VCT = "TranscriptCredential"
NATIONAL_ID_SCHEMES = frozenset({"nidn"})
PASSPORT_SCHEMES = frozenset({"ccpt"})


class CredentialError(TranscriptError):
    """A credential that cannot be made (the reason is in the message)."""


@dataclass(frozen=True)
class StatusReference:
    """Where the document stands in the issuer's status list (IETF Token Status List)."""

    index: int
    uri: str

    def claim(self) -> dict[str, Any]:
        return {"status_list": {"idx": self.index, "uri": self.uri}}


def _number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _texts(values: Any) -> dict[str, str]:
    """Texts by language; a text without a language is taken as Thai (the national default)."""
    found = by_language(values)
    if "-" in found:
        found.setdefault("th", found.pop("-"))
    return found


def _date(value: Any) -> str | None:
    if value is None:
        return None
    return str(value)[:10]  # xs:dateTime at midnight in the message: the day is what it means


def transcript_claims(t: Any, *, content_sha256: str) -> dict[str, Any]:
    """The credential's claims about the transcript `t` (a model read from signed bytes),
    `Disclosable` where the holder chooses."""
    program = t.student.program_context
    summary = t.academic_summary
    claims: dict[str, Any] = {
        "document_number": t.transcript_context.transcript_id,
        "issued": str(t.transcript_context.issue_date_time),
        "institution": _texts(t.organization.organization_name),
        "programme": _texts(program.program_name) if program else {},
        "degree": _texts(program.degree) if program else {},
        "graduation_date": _date(t.student.date_of_graduation),
        "gpax": _gpax(summary),
        "signed_content_sha256": content_sha256,
        "student": _student(t.student),
        "semesters": _semesters(t),
    }
    if program is not None and program.major:
        claims["major"] = _texts(program.major)
    return {k: v for k, v in claims.items() if v not in (None, {})}


def _gpax(summary: Any) -> int | float | None:
    # Where no credit counts the message carries 0.00 (the schema wants a value); no GPAX then.
    if summary is None or not summary.total_credit_calculated:
        return None
    return _number(summary.total_gpax)


def _student(student: Any) -> dict[str, Any]:
    name: dict[str, Any] = {}
    parts = {
        "prefix": student.name_prefix,
        "given": student.given_name,
        "middle": student.middle_name,
        "family": student.family_name,
    }
    for language in ("th", "en"):
        found = {part: _texts(values).get(language) for part, values in parts.items()}
        kept = {part: Disclosable(text) for part, text in found.items() if text}
        if kept:
            name[language] = kept
    result: dict[str, Any] = {"name": name}
    identifiers = {i.scheme_id.lower(): i.value for i in student.data_subject_id}
    number = student_number(student)
    if number:
        result["student_number"] = Disclosable(number)
    for schemes, claim in ((NATIONAL_ID_SCHEMES, "national_id"), (PASSPORT_SCHEMES, "passport_number")):
        value = next((v for k, v in identifiers.items() if k in schemes), None)
        if value:
            result[claim] = Disclosable(value)
    if student.birth_date is not None:
        result["birth_date"] = Disclosable(_date(student.birth_date))
    return result


def _semesters(t: Any) -> list[Disclosable]:
    lines = {}
    if t.academic_summary is not None:
        lines = {semester_key(s): s for s in t.academic_summary.semester_summary}
    semesters = []
    for key, indices in group_by_semester(t.course).items():
        courses = [t.course[i] for i in indices]
        semester: dict[str, Any] = {
            "academic_year": key[0],
            "name": _texts(courses[0].semester_name),
            "courses": [Disclosable(_course(c)) for c in courses],
        }
        line = lines.get(key)
        if line is not None:
            semester["credits_attempted"] = _number(line.semester_credit_value)
            semester["credits_earned"] = _number(line.semester_credit_earned)
            if line.semester_credit_calculated:
                semester["gpa"] = _number(line.semester_gpa)
            semester["gpax"] = _number(line.semester_gpax)
        semesters.append(Disclosable(semester))
    return semesters


def _course(course: Any) -> dict[str, Any]:
    result = {
        "code": course.course_number,
        "title": _texts(course.course_title),
        "credits": _number(course.course_credit_value),
        "grade": course.course_academic_grade_text,
    }
    return {k: v for k, v in result.items() if v not in (None, {})}


def credential_claims(
    t: Any,
    *,
    content_sha256: str,
    issuer: str,
    vct: str = DEFAULT_VCT,
    issued_at: dt.datetime,
    holder_jwk: Mapping[str, Any] | None = None,
    status: StatusReference | None = None,
) -> dict[str, Any]:
    """Every claim of the credential: the registered ones (SD-JWT VC) and the transcript's."""
    claims: dict[str, Any] = {
        "iss": issuer,
        "iat": int(issued_at.timestamp()),
        "vct": vct,
    }
    validity = stated_validity(t)
    ends = validity.ends if validity is not None and validity.agree else None
    if ends is not None:
        claims["exp"] = int(ends.timestamp())  # a temporary transcript's last day
    if holder_jwk is not None:
        claims["cnf"] = {"jwk": dict(holder_jwk)}
    if status is not None:
        claims["status"] = status.claim()
    claims.update(transcript_claims(t, content_sha256=content_sha256))
    return claims


def sign_credential(claims: Mapping[str, Any], identity: SigningIdentity) -> str:
    """The SD-JWT VC of `claims`, signed by `identity` with its certificate chain in ``x5c``
    (the same roots decide as for the XML and the PDF)."""
    x5c = [
        base64.b64encode(c.public_bytes(serialization.Encoding.DER)).decode("ascii")
        for c in identity.certificates
    ]
    return issue(claims, identity.key, {"typ": TYP, "x5c": x5c})
