"""Signed digital academic transcripts (ETDA ขมธอ. 25-2563, version 2.0).

The public API. The model classes are generated from ``xsd/transcript.xsd``::

    import transcript

    t = transcript.load(xml_bytes)              # safe parse + XSD gate -> Transcript
    result = transcript.validate(xml_bytes)     # schema + business rules -> ValidationResult
    xml_bytes = transcript.dump(t)              # Transcript -> UTF-8 XML

    key = transcript.load_identity("key.p12", password_file="password.txt")
    signer = transcript.XmlSigner(key)
    signed = signer.sign(xml_bytes)             # enveloped XAdES, the national profile
    report = transcript.verify(signed, trust=["root.pem"], crls=["ca.crl"])
    print(report.verdict, report.summary)       # TOTAL-PASSED, what the signed content says
"""

from transcript.errors import InvalidDocument, TranscriptError, UnknownGrade
from transcript.generated import (
    AcademicSummary,
    AdditionalInformation,
    Address,
    CampusContext,
    Course,
    Identifier,
    InformationNote,
    Organization,
    ProgramContext,
    Registrar,
    SemesterSummary,
    Student,
    Text,
    Transcript,
    TranscriptContext,
)
from transcript.model.xmlio import MAX_DOCUMENT_BYTES, TC_NS, TRANSCRIPT_OID, dump, load
from transcript.pki.keys import SigningIdentity, SigningKeyError, load_identity
from transcript.pki.trust import RevocationPolicy, TrustError, TrustSettings
from transcript.pki.tsa import TimeStampClient, TimeStampError
from transcript.problems import Problem, Severity, ValidationResult
from transcript.rules.checks import check, nidn_check_digit, validate
from transcript.rules.grades import (
    BUILTIN_SCALES,
    THAI_8_LEVEL,
    THAI_PLUS_MINUS,
    Grade,
    GradeScale,
    Rounding,
    load_scale,
)
from transcript.rules.summary import compute_summary, grade_course
from transcript.sign.xades import SigningError, XmlSigner
from transcript.verify import Check, SignerList, Status, SubIndication, Verdict, VerificationReport, verify

__version__ = "0.1.0"

__all__ = [
    "BUILTIN_SCALES",
    "MAX_DOCUMENT_BYTES",
    "TC_NS",
    "THAI_8_LEVEL",
    "THAI_PLUS_MINUS",
    "TRANSCRIPT_OID",
    "AcademicSummary",
    "AdditionalInformation",
    "Address",
    "CampusContext",
    "Check",
    "Course",
    "Grade",
    "GradeScale",
    "Identifier",
    "InformationNote",
    "InvalidDocument",
    "Organization",
    "Problem",
    "ProgramContext",
    "Registrar",
    "RevocationPolicy",
    "Rounding",
    "SemesterSummary",
    "Severity",
    "SignerList",
    "SigningError",
    "SigningIdentity",
    "SigningKeyError",
    "Status",
    "Student",
    "SubIndication",
    "Text",
    "TimeStampClient",
    "TimeStampError",
    "Transcript",
    "TranscriptContext",
    "TranscriptError",
    "TrustError",
    "TrustSettings",
    "UnknownGrade",
    "ValidationResult",
    "Verdict",
    "VerificationReport",
    "XmlSigner",
    "check",
    "compute_summary",
    "dump",
    "grade_course",
    "load",
    "load_identity",
    "load_scale",
    "nidn_check_digit",
    "validate",
    "verify",
]
