from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from xsdata.models.datatype import XmlDateTime

__NAMESPACE__ = "urn:etda:teda:documentation:Transcript:1"


@dataclass(slots=True, kw_only=True)
class Address:
    """
    A postal address; every part optional, in this order.
    """

    street_name: None | str = field(
        default=None,
        metadata={
            "name": "StreetName",
            "type": "Element",
            "namespace": "urn:etda:teda:documentation:Transcript:1",
            "min_length": 1,
        },
    )
    city_sub_division_name: None | str = field(
        default=None,
        metadata={
            "name": "CitySubDivisionName",
            "type": "Element",
            "namespace": "urn:etda:teda:documentation:Transcript:1",
            "min_length": 1,
        },
    )
    city_name: None | str = field(
        default=None,
        metadata={
            "name": "CityName",
            "type": "Element",
            "namespace": "urn:etda:teda:documentation:Transcript:1",
            "min_length": 1,
        },
    )
    country_sub_division_name: None | str = field(
        default=None,
        metadata={
            "name": "CountrySubDivisionName",
            "type": "Element",
            "namespace": "urn:etda:teda:documentation:Transcript:1",
            "min_length": 1,
        },
    )
    country_code: None | str = field(
        default=None,
        metadata={
            "name": "CountryCode",
            "type": "Element",
            "namespace": "urn:etda:teda:documentation:Transcript:1",
            "pattern": r"[A-Z]{2}",
        },
    )
    postcode_code: None | str = field(
        default=None,
        metadata={
            "name": "PostcodeCode",
            "type": "Element",
            "namespace": "urn:etda:teda:documentation:Transcript:1",
            "min_length": 1,
        },
    )


@dataclass(slots=True, kw_only=True)
class Identifier:
    """
    An identifier with the scheme it belongs to, e.g. schemeID="StudenID" (sic, as
    in the sample) or "StudentID" for the student number, "NIDN" for the 13-digit
    Thai national ID, "CCPT" for a passport number.

    The scheme is required: an identifier without one cannot be interpreted.
    """

    value: str = field(
        default="",
        metadata={
            "min_length": 1,
        },
    )
    scheme_id: str = field(
        metadata={
            "name": "schemeID",
            "type": "Attribute",
            "min_length": 1,
        }
    )


@dataclass(slots=True, kw_only=True)
class Text:
    """
    Free text with an optional language.

    Elements of this type may repeat, one per language (th, en). The sample writes
    both "th" and "TH", so the attribute is an xs:language (case-insensitive by
    definition, RFC 4646) and consumers compare it case-insensitively. Text without
    languageID is in the edition's language (TranscriptContext/Language).
    """

    value: str = field(
        default="",
        metadata={
            "min_length": 1,
        },
    )
    language_id: None | str = field(
        default=None,
        metadata={
            "name": "languageID",
            "type": "Attribute",
        },
    )


@dataclass(slots=True, kw_only=True)
class CampusContext:
    """
    The campus where the student studies, for multi-campus institutions.
    """

    campus_id: None | str = field(
        default=None,
        metadata={
            "name": "CampusID",
            "type": "Element",
            "namespace": "urn:etda:teda:documentation:Transcript:1",
            "min_length": 1,
        },
    )
    campus_name: list[Text] = field(
        default_factory=list,
        metadata={
            "name": "CampusName",
            "type": "Element",
            "namespace": "urn:etda:teda:documentation:Transcript:1",
        },
    )
    address: None | Address = field(
        default=None,
        metadata={
            "name": "Address",
            "type": "Element",
            "namespace": "urn:etda:teda:documentation:Transcript:1",
        },
    )


@dataclass(slots=True, kw_only=True)
class Course:
    """
    One attempt at one course in one semester.

    Grade symbols outside the GPA (S, U, W, I, P, AU, T, X) have no
    CourseAcademicGrade and no CoursePointEarned.

    :ivar course_number:
    :ivar type_code: Course category as free text (วิชาหลัก, หมวดคอมพิวเตอร์);
        the sample repeats it for several categories, so it is repeatable.
    :ivar course_title:
    :ivar course_credit_value: Credits of the course (attempted).
    :ivar course_credit_earned: Credits earned: the course credits when passed, 0
        for F, W, U and the like.
    :ivar course_academic_grade: Grade point of the symbol; absent for symbols
        outside the GPA.
    :ivar course_academic_grade_text: The grade symbol (A, B+, ..., S, U, W, I,
        P, AU, T, X). A token rather than an enumeration: scales differ between
        institutions, the rules check the symbol against the declared scale.
    :ivar course_point_earned: Course credits multiplied by grade point.
    :ivar education_type_system: Term system, e.g. ทวิภาค (two semesters), ไตรภาค
        (three); one per language.
    :ivar semester_name: Semester as the transcript shows it (ภาคต้น, 1,
        ภาคฤดูร้อน); one per language. With Year it identifies the semester: the
        first SemesterName is the key.
    :ivar year:
    """

    course_number: str = field(
        metadata={
            "name": "CourseNumber",
            "type": "Element",
            "namespace": "urn:etda:teda:documentation:Transcript:1",
            "min_length": 1,
        }
    )
    type_code: list[Text] = field(
        default_factory=list,
        metadata={
            "name": "TypeCode",
            "type": "Element",
            "namespace": "urn:etda:teda:documentation:Transcript:1",
        },
    )
    course_title: list[Text] = field(
        default_factory=list,
        metadata={
            "name": "CourseTitle",
            "type": "Element",
            "namespace": "urn:etda:teda:documentation:Transcript:1",
            "min_occurs": 1,
        },
    )
    course_credit_value: Decimal = field(
        metadata={
            "name": "CourseCreditValue",
            "type": "Element",
            "namespace": "urn:etda:teda:documentation:Transcript:1",
            "min_inclusive": Decimal("0"),
        }
    )
    course_credit_earned: None | Decimal = field(
        default=None,
        metadata={
            "name": "CourseCreditEarned",
            "type": "Element",
            "namespace": "urn:etda:teda:documentation:Transcript:1",
            "min_inclusive": Decimal("0"),
        },
    )
    course_academic_grade: None | Decimal = field(
        default=None,
        metadata={
            "name": "CourseAcademicGrade",
            "type": "Element",
            "namespace": "urn:etda:teda:documentation:Transcript:1",
            "min_inclusive": Decimal("0"),
        },
    )
    course_academic_grade_text: str = field(
        metadata={
            "name": "CourseAcademicGradeText",
            "type": "Element",
            "namespace": "urn:etda:teda:documentation:Transcript:1",
            "min_length": 1,
        }
    )
    course_point_earned: None | Decimal = field(
        default=None,
        metadata={
            "name": "CoursePointEarned",
            "type": "Element",
            "namespace": "urn:etda:teda:documentation:Transcript:1",
            "min_inclusive": Decimal("0"),
        },
    )
    education_type_system: list[Text] = field(
        default_factory=list,
        metadata={
            "name": "EducationTypeSystem",
            "type": "Element",
            "namespace": "urn:etda:teda:documentation:Transcript:1",
        },
    )
    semester_name: list[Text] = field(
        default_factory=list,
        metadata={
            "name": "SemesterName",
            "type": "Element",
            "namespace": "urn:etda:teda:documentation:Transcript:1",
            "min_occurs": 1,
        },
    )
    year: int = field(
        metadata={
            "name": "Year",
            "type": "Element",
            "namespace": "urn:etda:teda:documentation:Transcript:1",
            "min_inclusive": 1900,
            "max_inclusive": 2800,
        }
    )


@dataclass(slots=True, kw_only=True)
class InformationNote:
    """
    A subject and its content, e.g.

    Advisor Name / รศ.ดร. อาจารย์ ที่ปรึกษา. A note in two languages is two notes,
    each with languageID on its parts.
    """

    subject: Text = field(
        metadata={
            "name": "Subject",
            "type": "Element",
            "namespace": "urn:etda:teda:documentation:Transcript:1",
        }
    )
    content: Text = field(
        metadata={
            "name": "Content",
            "type": "Element",
            "namespace": "urn:etda:teda:documentation:Transcript:1",
        }
    )


@dataclass(slots=True, kw_only=True)
class ProgramContext:
    """
    The curriculum.

    Every child is optional because short courses and exchange students may have no
    degree programme.

    :ivar program_id: Thai curriculum code (14 digits in the sample); kept as a
        token.
    :ivar program_name:
    :ivar major:
    :ivar minor:
    :ivar degree:
    """

    program_id: None | str = field(
        default=None,
        metadata={
            "name": "ProgramID",
            "type": "Element",
            "namespace": "urn:etda:teda:documentation:Transcript:1",
            "min_length": 1,
        },
    )
    program_name: list[Text] = field(
        default_factory=list,
        metadata={
            "name": "ProgramName",
            "type": "Element",
            "namespace": "urn:etda:teda:documentation:Transcript:1",
        },
    )
    major: list[Text] = field(
        default_factory=list,
        metadata={
            "name": "Major",
            "type": "Element",
            "namespace": "urn:etda:teda:documentation:Transcript:1",
        },
    )
    minor: list[Text] = field(
        default_factory=list,
        metadata={
            "name": "Minor",
            "type": "Element",
            "namespace": "urn:etda:teda:documentation:Transcript:1",
        },
    )
    degree: list[Text] = field(
        default_factory=list,
        metadata={
            "name": "Degree",
            "type": "Element",
            "namespace": "urn:etda:teda:documentation:Transcript:1",
        },
    )


@dataclass(slots=True, kw_only=True)
class Registrar:
    """
    An officer who certifies the transcript.

    :ivar id:
    :ivar title: Position, e.g. นายทะเบียน / Registrar.
    :ivar name_prefix:
    :ivar name:
    :ivar registrar_email_address:
    """

    id: None | str = field(
        default=None,
        metadata={
            "name": "ID",
            "type": "Element",
            "namespace": "urn:etda:teda:documentation:Transcript:1",
            "min_length": 1,
        },
    )
    title: list[Text] = field(
        default_factory=list,
        metadata={
            "name": "Title",
            "type": "Element",
            "namespace": "urn:etda:teda:documentation:Transcript:1",
        },
    )
    name_prefix: list[Text] = field(
        default_factory=list,
        metadata={
            "name": "NamePrefix",
            "type": "Element",
            "namespace": "urn:etda:teda:documentation:Transcript:1",
        },
    )
    name: list[Text] = field(
        default_factory=list,
        metadata={
            "name": "Name",
            "type": "Element",
            "namespace": "urn:etda:teda:documentation:Transcript:1",
            "min_occurs": 1,
        },
    )
    registrar_email_address: None | str = field(
        default=None,
        metadata={
            "name": "RegistrarEmailAddress",
            "type": "Element",
            "namespace": "urn:etda:teda:documentation:Transcript:1",
            "pattern": r"[^@\s]+@[^@\s]+\.[^@\s]+",
        },
    )


@dataclass(slots=True, kw_only=True)
class SemesterSummary:
    """
    Sums over the courses of one semester.

    SemesterGPA is points over calculated credits of this semester, SemesterGPAX the
    same ratio over all semesters up to this one. SemesterStatus and Remark are
    extensions seen in university mappings.

    :ivar education_type_system:
    :ivar semester_name:
    :ivar year:
    :ivar semester_credit_value:
    :ivar semester_credit_earned:
    :ivar semester_credit_calculated:
    :ivar semester_point_earned:
    :ivar semester_gpa:
    :ivar semester_gpax:
    :ivar semester_status: Academic standing after the semester, e.g. ปกติ
        (normal), probation.
    :ivar remark:
    """

    education_type_system: list[Text] = field(
        default_factory=list,
        metadata={
            "name": "EducationTypeSystem",
            "type": "Element",
            "namespace": "urn:etda:teda:documentation:Transcript:1",
        },
    )
    semester_name: list[Text] = field(
        default_factory=list,
        metadata={
            "name": "SemesterName",
            "type": "Element",
            "namespace": "urn:etda:teda:documentation:Transcript:1",
            "min_occurs": 1,
        },
    )
    year: int = field(
        metadata={
            "name": "Year",
            "type": "Element",
            "namespace": "urn:etda:teda:documentation:Transcript:1",
            "min_inclusive": 1900,
            "max_inclusive": 2800,
        }
    )
    semester_credit_value: Decimal = field(
        metadata={
            "name": "SemesterCreditValue",
            "type": "Element",
            "namespace": "urn:etda:teda:documentation:Transcript:1",
            "min_inclusive": Decimal("0"),
        }
    )
    semester_credit_earned: Decimal = field(
        metadata={
            "name": "SemesterCreditEarned",
            "type": "Element",
            "namespace": "urn:etda:teda:documentation:Transcript:1",
            "min_inclusive": Decimal("0"),
        }
    )
    semester_credit_calculated: Decimal = field(
        metadata={
            "name": "SemesterCreditCalculated",
            "type": "Element",
            "namespace": "urn:etda:teda:documentation:Transcript:1",
            "min_inclusive": Decimal("0"),
        }
    )
    semester_point_earned: Decimal = field(
        metadata={
            "name": "SemesterPointEarned",
            "type": "Element",
            "namespace": "urn:etda:teda:documentation:Transcript:1",
            "min_inclusive": Decimal("0"),
        }
    )
    semester_gpa: Decimal = field(
        metadata={
            "name": "SemesterGPA",
            "type": "Element",
            "namespace": "urn:etda:teda:documentation:Transcript:1",
            "min_inclusive": Decimal("0"),
        }
    )
    semester_gpax: Decimal = field(
        metadata={
            "name": "SemesterGPAX",
            "type": "Element",
            "namespace": "urn:etda:teda:documentation:Transcript:1",
            "min_inclusive": Decimal("0"),
        }
    )
    semester_status: list[Text] = field(
        default_factory=list,
        metadata={
            "name": "SemesterStatus",
            "type": "Element",
            "namespace": "urn:etda:teda:documentation:Transcript:1",
        },
    )
    remark: list[Text] = field(
        default_factory=list,
        metadata={
            "name": "Remark",
            "type": "Element",
            "namespace": "urn:etda:teda:documentation:Transcript:1",
        },
    )


@dataclass(slots=True, kw_only=True)
class TranscriptContext:
    """
    What this document is: type, version, number, issue date, edition.

    :ivar oid:
    :ivar version: Version of the message standard; "2.0" for this schema.
    :ivar transcript_id: The issuer's document number, unique per issued
        document.
    :ivar name: Document title, one per language (ใบประมวลผลการศึกษา / Academic
        Transcript).
    :ivar type_code: Document type code; the sample uses 01. The code list is not
        public.
    :ivar issue_date_time: When the document was issued, Gregorian calendar.
        xs:dateTime, as in the sample; a time zone is optional (Thai documents
        are in +07:00 when none is given).
    :ivar language: Language of this edition: TH or EN (compared case-
        insensitively). A token, not an enumeration, to accept other languages an
        institution may issue.
    :ivar status: Study status: Incomplete (still studying) or Complete
        (graduated) in the sample. The code list is not public, so any token is
        accepted.
    """

    oid: str = field(
        metadata={
            "name": "OID",
            "type": "Element",
            "namespace": "urn:etda:teda:documentation:Transcript:1",
            "pattern": r"[0-2](\.(0|[1-9][0-9]*))+",
        }
    )
    version: str = field(
        metadata={
            "name": "Version",
            "type": "Element",
            "namespace": "urn:etda:teda:documentation:Transcript:1",
            "min_length": 1,
        }
    )
    transcript_id: str = field(
        metadata={
            "name": "TranscriptID",
            "type": "Element",
            "namespace": "urn:etda:teda:documentation:Transcript:1",
            "min_length": 1,
        }
    )
    name: list[Text] = field(
        default_factory=list,
        metadata={
            "name": "Name",
            "type": "Element",
            "namespace": "urn:etda:teda:documentation:Transcript:1",
            "min_occurs": 1,
        },
    )
    type_code: str = field(
        metadata={
            "name": "TypeCode",
            "type": "Element",
            "namespace": "urn:etda:teda:documentation:Transcript:1",
            "min_length": 1,
        }
    )
    issue_date_time: XmlDateTime = field(
        metadata={
            "name": "IssueDateTime",
            "type": "Element",
            "namespace": "urn:etda:teda:documentation:Transcript:1",
        }
    )
    language: str = field(
        metadata={
            "name": "Language",
            "type": "Element",
            "namespace": "urn:etda:teda:documentation:Transcript:1",
            "min_length": 1,
        }
    )
    status: str = field(
        metadata={
            "name": "Status",
            "type": "Element",
            "namespace": "urn:etda:teda:documentation:Transcript:1",
            "min_length": 1,
        }
    )


@dataclass(slots=True, kw_only=True)
class AcademicSummary:
    """
    One line per semester in study order, then the totals over all semesters.

    Optional: a newly admitted student has no results yet.
    """

    semester_summary: list[SemesterSummary] = field(
        default_factory=list,
        metadata={
            "name": "SemesterSummary",
            "type": "Element",
            "namespace": "urn:etda:teda:documentation:Transcript:1",
        },
    )
    total_credit_value: Decimal = field(
        metadata={
            "name": "TotalCreditValue",
            "type": "Element",
            "namespace": "urn:etda:teda:documentation:Transcript:1",
            "min_inclusive": Decimal("0"),
        }
    )
    total_credit_earned: Decimal = field(
        metadata={
            "name": "TotalCreditEarned",
            "type": "Element",
            "namespace": "urn:etda:teda:documentation:Transcript:1",
            "min_inclusive": Decimal("0"),
        }
    )
    total_credit_calculated: Decimal = field(
        metadata={
            "name": "TotalCreditCalculated",
            "type": "Element",
            "namespace": "urn:etda:teda:documentation:Transcript:1",
            "min_inclusive": Decimal("0"),
        }
    )
    total_point_earned: Decimal = field(
        metadata={
            "name": "TotalPointEarned",
            "type": "Element",
            "namespace": "urn:etda:teda:documentation:Transcript:1",
            "min_inclusive": Decimal("0"),
        }
    )
    total_gpax: Decimal = field(
        metadata={
            "name": "TotalGPAX",
            "type": "Element",
            "namespace": "urn:etda:teda:documentation:Transcript:1",
            "min_inclusive": Decimal("0"),
        }
    )


@dataclass(slots=True, kw_only=True)
class AdditionalInformation:
    """
    Honours, thesis and free notes.

    :ivar hons: Honours, e.g. เกียรตินิยมอันดับ 1 / First Class Honours.
    :ivar thesis_title:
    :ivar infomation_note: A free note (the misspelled element name is the wire
        format).
    """

    hons: list[Text] = field(
        default_factory=list,
        metadata={
            "name": "Hons",
            "type": "Element",
            "namespace": "urn:etda:teda:documentation:Transcript:1",
        },
    )
    thesis_title: list[Text] = field(
        default_factory=list,
        metadata={
            "name": "ThesisTitle",
            "type": "Element",
            "namespace": "urn:etda:teda:documentation:Transcript:1",
        },
    )
    infomation_note: list[InformationNote] = field(
        default_factory=list,
        metadata={
            "name": "InfomationNote",
            "type": "Element",
            "namespace": "urn:etda:teda:documentation:Transcript:1",
        },
    )


@dataclass(slots=True, kw_only=True)
class Organization:
    """
    The issuing institution.

    :ivar organization_id: Institution code (5 digits in the sample, leading zero
        kept).
    :ivar organization_name:
    :ivar school_level: Level of education, e.g. อุดมศึกษา (higher education).
    :ivar logo: The institution's logo, a PNG image, base64-encoded.
    :ivar address:
    :ivar campus_context:
    :ivar registrar: The officers who certify the document. Optional and
        repeatable: some documents are certified by the registrar and a dean.
    """

    organization_id: str = field(
        metadata={
            "name": "OrganizationID",
            "type": "Element",
            "namespace": "urn:etda:teda:documentation:Transcript:1",
            "min_length": 1,
        }
    )
    organization_name: list[Text] = field(
        default_factory=list,
        metadata={
            "name": "OrganizationName",
            "type": "Element",
            "namespace": "urn:etda:teda:documentation:Transcript:1",
            "min_occurs": 1,
        },
    )
    school_level: list[Text] = field(
        default_factory=list,
        metadata={
            "name": "SchoolLevel",
            "type": "Element",
            "namespace": "urn:etda:teda:documentation:Transcript:1",
        },
    )
    logo: None | bytes = field(
        default=None,
        metadata={
            "name": "Logo",
            "type": "Element",
            "namespace": "urn:etda:teda:documentation:Transcript:1",
            "format": "base64",
        },
    )
    address: None | Address = field(
        default=None,
        metadata={
            "name": "Address",
            "type": "Element",
            "namespace": "urn:etda:teda:documentation:Transcript:1",
        },
    )
    campus_context: None | CampusContext = field(
        default=None,
        metadata={
            "name": "CampusContext",
            "type": "Element",
            "namespace": "urn:etda:teda:documentation:Transcript:1",
        },
    )
    registrar: list[Registrar] = field(
        default_factory=list,
        metadata={
            "name": "Registrar",
            "type": "Element",
            "namespace": "urn:etda:teda:documentation:Transcript:1",
        },
    )


@dataclass(slots=True, kw_only=True)
class Student:
    """
    The person the transcript is about, and the programme they study.

    :ivar data_subject_id: Student number, national ID and/or passport number,
        each with its schemeID. At least one; the sample carries the student
        number and the national ID.
    :ivar name_prefix:
    :ivar given_name:
    :ivar middle_name: Extension seen in university data mappings.
    :ivar family_name:
    :ivar gender:
    :ivar birth_date: A date written as xs:dateTime (midnight), as in the sample.
        Optional: some institutions withhold it.
    :ivar nationality:
    :ivar resident_country_or_territory_code:
    :ivar date_of_admission:
    :ivar faculty_name:
    :ivar program_context:
    :ivar date_of_graduation: Extension seen in university data mappings; absent
        while the student is studying.
    :ivar credits_tranferred: Credits transferred in from elsewhere. The
        misspelling is the wire format.
    :ivar previous_certificate:
    :ivar previous_hons:
    :ivar previous_organization:
    """

    data_subject_id: list[Identifier] = field(
        default_factory=list,
        metadata={
            "name": "DataSubjectID",
            "type": "Element",
            "namespace": "urn:etda:teda:documentation:Transcript:1",
            "min_occurs": 1,
        },
    )
    name_prefix: list[Text] = field(
        default_factory=list,
        metadata={
            "name": "NamePrefix",
            "type": "Element",
            "namespace": "urn:etda:teda:documentation:Transcript:1",
        },
    )
    given_name: list[Text] = field(
        default_factory=list,
        metadata={
            "name": "GivenName",
            "type": "Element",
            "namespace": "urn:etda:teda:documentation:Transcript:1",
            "min_occurs": 1,
        },
    )
    middle_name: list[Text] = field(
        default_factory=list,
        metadata={
            "name": "MiddleName",
            "type": "Element",
            "namespace": "urn:etda:teda:documentation:Transcript:1",
        },
    )
    family_name: list[Text] = field(
        default_factory=list,
        metadata={
            "name": "FamilyName",
            "type": "Element",
            "namespace": "urn:etda:teda:documentation:Transcript:1",
            "min_occurs": 1,
        },
    )
    gender: None | str = field(
        default=None,
        metadata={
            "name": "Gender",
            "type": "Element",
            "namespace": "urn:etda:teda:documentation:Transcript:1",
            "pattern": r"[0129]",
        },
    )
    birth_date: None | XmlDateTime = field(
        default=None,
        metadata={
            "name": "BirthDate",
            "type": "Element",
            "namespace": "urn:etda:teda:documentation:Transcript:1",
        },
    )
    nationality: None | str = field(
        default=None,
        metadata={
            "name": "Nationality",
            "type": "Element",
            "namespace": "urn:etda:teda:documentation:Transcript:1",
            "pattern": r"[A-Z]{2}",
        },
    )
    resident_country_or_territory_code: None | str = field(
        default=None,
        metadata={
            "name": "ResidentCountryOrTerritoryCode",
            "type": "Element",
            "namespace": "urn:etda:teda:documentation:Transcript:1",
            "pattern": r"[A-Z]{2}",
        },
    )
    date_of_admission: None | XmlDateTime = field(
        default=None,
        metadata={
            "name": "DateOfAdmission",
            "type": "Element",
            "namespace": "urn:etda:teda:documentation:Transcript:1",
        },
    )
    faculty_name: list[Text] = field(
        default_factory=list,
        metadata={
            "name": "FacultyName",
            "type": "Element",
            "namespace": "urn:etda:teda:documentation:Transcript:1",
        },
    )
    program_context: None | ProgramContext = field(
        default=None,
        metadata={
            "name": "ProgramContext",
            "type": "Element",
            "namespace": "urn:etda:teda:documentation:Transcript:1",
        },
    )
    date_of_graduation: None | XmlDateTime = field(
        default=None,
        metadata={
            "name": "DateOfGraduation",
            "type": "Element",
            "namespace": "urn:etda:teda:documentation:Transcript:1",
        },
    )
    credits_tranferred: None | Decimal = field(
        default=None,
        metadata={
            "name": "CreditsTranferred",
            "type": "Element",
            "namespace": "urn:etda:teda:documentation:Transcript:1",
            "min_inclusive": Decimal("0"),
        },
    )
    previous_certificate: list[Text] = field(
        default_factory=list,
        metadata={
            "name": "PreviousCertificate",
            "type": "Element",
            "namespace": "urn:etda:teda:documentation:Transcript:1",
        },
    )
    previous_hons: list[Text] = field(
        default_factory=list,
        metadata={
            "name": "PreviousHons",
            "type": "Element",
            "namespace": "urn:etda:teda:documentation:Transcript:1",
        },
    )
    previous_organization: list[Text] = field(
        default_factory=list,
        metadata={
            "name": "PreviousOrganization",
            "type": "Element",
            "namespace": "urn:etda:teda:documentation:Transcript:1",
        },
    )


@dataclass(slots=True, kw_only=True)
class Transcript:
    """
    One academic transcript.

    The enveloped XML signature(s) come last: the wildcard accepts only elements of
    the XML-DSig namespace and validates them laxly (the signature is checked by the
    signature verifier, not by this schema). Attributes of the XMLSchema-instance
    namespace (the sample carries xsi:schemaLocation) are kept so that documents
    round-trip unchanged.

    :ivar transcript_context:
    :ivar student:
    :ivar organization:
    :ivar course: A flat list, one element per course attempt, in study order. A
        course retaken in a later semester appears again as its own attempt. Zero
        courses are allowed for a newly admitted student.
    :ivar academic_summary:
    :ivar additional_information:
    :ivar signature:
    :ivar xsi_attributes:
    """

    class Meta:
        namespace = "urn:etda:teda:documentation:Transcript:1"

    transcript_context: TranscriptContext = field(
        metadata={
            "name": "TranscriptContext",
            "type": "Element",
        }
    )
    student: Student = field(
        metadata={
            "name": "Student",
            "type": "Element",
        }
    )
    organization: Organization = field(
        metadata={
            "name": "Organization",
            "type": "Element",
        }
    )
    course: list[Course] = field(
        default_factory=list,
        metadata={
            "name": "Course",
            "type": "Element",
        },
    )
    academic_summary: None | AcademicSummary = field(
        default=None,
        metadata={
            "name": "AcademicSummary",
            "type": "Element",
        },
    )
    additional_information: None | AdditionalInformation = field(
        default=None,
        metadata={
            "name": "AdditionalInformation",
            "type": "Element",
        },
    )
    signature: list[object] = field(
        default_factory=list,
        metadata={
            "type": "Wildcard",
            "namespace": "http://www.w3.org/2000/09/xmldsig#",
        },
    )
    xsi_attributes: dict[str, str] = field(
        default_factory=dict,
        metadata={
            "type": "Attributes",
            "namespace": "http://www.w3.org/2001/XMLSchema-instance",
        },
    )
