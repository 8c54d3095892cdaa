"""What an issuer publishes beside its status list for wallets and verifiers to read.

- The SD-JWT VC **Type Metadata** of the credential type (``vct``): its name and every claim's
  label in Thai and English, and whether a claim is always disclosed or the holder's choice.
- A **JSON Schema** (2020-12) of the claims as a verifier sees them once processed (every
  selectively disclosable claim optional: a holder may leave it out).
- The **OpenID4VCI 1.0 Credential Issuer Metadata** (``/.well-known/openid-credential-issuer``)
  naming the one credential configuration the offers refer to.
"""

from __future__ import annotations

from typing import Any

from transcript.wallet.credential import DEFAULT_VCT, TYP

CONFIGURATION_ID = "TranscriptCredential"
ALGORITHMS = ["ES256", "EdDSA"]

#: (path, Thai label, English label, always disclosed?)
CLAIMS: list[tuple[tuple[str | None, ...], str, str, bool]] = [
    (("document_number",), "เลขที่เอกสาร", "Document number", True),
    (("issued",), "วันที่ออกเอกสาร", "Issued", True),
    (("institution",), "สถาบัน", "Institution", True),
    (("programme",), "หลักสูตร", "Programme", True),
    (("major",), "สาขาวิชา", "Major", True),
    (("degree",), "ปริญญา", "Degree", True),
    (("graduation_date",), "วันที่สำเร็จการศึกษา", "Graduation date", True),
    (("gpax",), "ค่าเฉลี่ยสะสม", "GPAX", True),
    (("signed_content_sha256",), "ลายนิ้วมือของเอกสาร XML ที่ลงนาม", "Fingerprint of the signed XML", True),
    (("student", "name", "th", "prefix"), "คำนำหน้าชื่อ", "Title (Thai)", False),
    (("student", "name", "th", "given"), "ชื่อ", "Given name (Thai)", False),
    (("student", "name", "th", "middle"), "ชื่อกลาง", "Middle name (Thai)", False),
    (("student", "name", "th", "family"), "นามสกุล", "Family name (Thai)", False),
    (("student", "name", "en", "prefix"), "คำนำหน้าชื่อ (อังกฤษ)", "Title", False),
    (("student", "name", "en", "given"), "ชื่อ (อังกฤษ)", "Given name", False),
    (("student", "name", "en", "middle"), "ชื่อกลาง (อังกฤษ)", "Middle name", False),
    (("student", "name", "en", "family"), "นามสกุล (อังกฤษ)", "Family name", False),
    (("student", "student_number"), "รหัสนักศึกษา", "Student number", False),
    (("student", "national_id"), "เลขประจำตัวประชาชน", "National ID number", False),
    (("student", "passport_number"), "เลขที่หนังสือเดินทาง", "Passport number", False),
    (("student", "birth_date"), "วันเกิด", "Date of birth", False),
    (("semesters", None), "ภาคการศึกษา", "Semester", False),
    (("semesters", None, "courses", None), "รายวิชา", "Course", False),
]


def _display(th: str, en: str, key: str) -> list[dict[str, str]]:
    return [{"locale": "th", key: th}, {"locale": "en", key: en}]


def type_metadata(vct: str = DEFAULT_VCT, *, schema_uri: str | None = None) -> dict[str, Any]:
    """The Type Metadata document of `vct` (SD-JWT VC, section "Type Metadata")."""
    document: dict[str, Any] = {
        "vct": vct,
        "name": "Academic transcript (ETDA ขมธอ. 25-2563)",
        "description": "A university transcript, the same document as the signed national XML it names.",
        "display": [
            {"locale": "th", "name": "ใบแสดงผลการศึกษา", "description": "ใบแสดงผลการศึกษาจากสถาบันอุดมศึกษา"},
            {"locale": "en", "name": "Academic transcript", "description": "A transcript from a university"},
        ],
        "claims": [
            {
                "path": list(path),
                "display": [{"locale": "th", "label": th}, {"locale": "en", "label": en}],
                "sd": "never" if always else "always",
            }
            for path, th, en, always in CLAIMS
        ],
    }
    if schema_uri:
        document["schema_uri"] = schema_uri
    return document


def _texts() -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {"th": {"type": "string"}, "en": {"type": "string"}},
        "additionalProperties": {"type": "string"},
    }


def claims_schema(vct: str = DEFAULT_VCT) -> dict[str, Any]:
    """The JSON Schema (2020-12) of a processed transcript credential."""
    number = {"type": "number"}
    name_parts = {
        "type": "object",
        "properties": {p: {"type": "string"} for p in ("prefix", "given", "middle", "family")},
        "additionalProperties": False,
    }
    course = {
        "type": "object",
        "properties": {
            "code": {"type": "string"},
            "title": _texts(),
            "credits": number,
            "grade": {"type": "string"},
        },
        "required": ["code"],
    }
    semester = {
        "type": "object",
        "properties": {
            "academic_year": {"type": "integer"},
            "name": _texts(),
            "credits_attempted": number,
            "credits_earned": number,
            "gpa": number,
            "gpax": number,
            "courses": {"type": "array", "items": course},
        },
        "required": ["academic_year"],
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Academic transcript credential",
        "type": "object",
        "properties": {
            "iss": {"type": "string"},
            "iat": {"type": "integer"},
            "exp": {"type": "integer"},
            "vct": {"const": vct},
            "cnf": {"type": "object"},
            "status": {
                "type": "object",
                "properties": {
                    "status_list": {
                        "type": "object",
                        "properties": {"idx": {"type": "integer", "minimum": 0}, "uri": {"type": "string"}},
                        "required": ["idx", "uri"],
                    }
                },
            },
            "document_number": {"type": "string"},
            "issued": {"type": "string"},
            "institution": _texts(),
            "programme": _texts(),
            "major": _texts(),
            "degree": _texts(),
            "graduation_date": {"type": "string", "format": "date"},
            "gpax": number,
            "signed_content_sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
            "student": {
                "type": "object",
                "properties": {
                    "name": {"type": "object", "properties": {"th": name_parts, "en": name_parts}},
                    "student_number": {"type": "string"},
                    "national_id": {"type": "string"},
                    "passport_number": {"type": "string"},
                    "birth_date": {"type": "string", "format": "date"},
                },
            },
            "semesters": {"type": "array", "items": semester},
        },
        "required": ["iss", "iat", "vct", "document_number", "institution", "signed_content_sha256"],
    }


def issuer_metadata(issuer: str, institution: dict[str, str], vct: str = DEFAULT_VCT) -> dict[str, Any]:
    """The Credential Issuer Metadata (OpenID4VCI 1.0 section 12.2) of an issuer offering
    transcript credentials; its endpoints are the issuer service's (``/credential``,
    ``/nonce``), which this toolkit does not run."""
    base = issuer.rstrip("/")
    return {
        "credential_issuer": issuer,
        "credential_endpoint": f"{base}/credential",
        "nonce_endpoint": f"{base}/nonce",
        "display": [
            {"locale": lang, "name": name} for lang, name in institution.items() if lang in ("th", "en")
        ],
        "credential_configurations_supported": {
            CONFIGURATION_ID: {
                "format": TYP,
                "vct": vct,
                "scope": CONFIGURATION_ID,
                "cryptographic_binding_methods_supported": ["jwk"],
                "credential_signing_alg_values_supported": ALGORITHMS,
                "proof_types_supported": {"jwt": {"proof_signing_alg_values_supported": ALGORITHMS}},
                "credential_metadata": {
                    "display": _display("ใบแสดงผลการศึกษา", "Academic transcript", "name"),
                    "claims": [
                        {"path": list(path), "display": _display(th, en, "name")}
                        for path, th, en, _ in CLAIMS
                    ],
                },
            }
        },
    }
