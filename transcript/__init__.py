"""Signed digital academic transcripts (ETDA ขมธอ. 25-2563, version 2.0).

The public API. The model classes are generated from ``xsd/transcript.xsd``::

    import transcript

    t = transcript.load(xml_bytes)              # safe parse + XSD gate -> Transcript
    result = transcript.validate(xml_bytes)     # schema + business rules -> ValidationResult
    xml_bytes = transcript.dump(t)              # Transcript -> UTF-8 XML
"""

from .errors import InvalidDocument, TranscriptError, UnknownGrade
from .generated import (
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
from .grades import (
    BUILTIN_SCALES,
    THAI_8_LEVEL,
    THAI_PLUS_MINUS,
    Grade,
    GradeScale,
    Rounding,
    load_scale,
)
from .problems import Problem, Severity, ValidationResult
from .rules import check, nidn_check_digit, validate
from .summary import compute_summary, grade_course
from .xmlio import MAX_DOCUMENT_BYTES, TC_NS, TRANSCRIPT_OID, dump, load

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
    "Rounding",
    "SemesterSummary",
    "Severity",
    "Student",
    "Text",
    "Transcript",
    "TranscriptContext",
    "TranscriptError",
    "UnknownGrade",
    "ValidationResult",
    "check",
    "compute_summary",
    "dump",
    "grade_course",
    "load",
    "load_scale",
    "nidn_check_digit",
    "validate",
]
