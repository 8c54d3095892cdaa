"""One student's rows into one `Transcript`: the converter's core, free of files and processes.

Course results, semester summaries, totals and GPAX come from `transcript.grade_course` and
`transcript.compute_summary` with the institution's grade scale; nothing numeric is taken
from the export except credits and grade symbols. An export's own GPAX column, when there
is one, is only cross-checked.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from xsdata.models.datatype import XmlDateTime

import transcript as tc
from transcript import (
    AdditionalInformation,
    Course,
    Identifier,
    InformationNote,
    ProgramContext,
    Student,
    Text,
    Transcript,
    TranscriptContext,
)
from transcript.model.editions import FULL, of_edition
from transcript.model.validity import is_validity_subject, validity_notes
from transcript.model.xmlio import parse_untrusted, schema_problems
from transcript.rules.checks import check

from .csvfile import Header, Row
from .institution import SEMESTER_ORDER, Institution
from .profile import ENROLLMENT_FIELDS, STUDENT_FIELDS, Profile
from .values import (
    NAME_FIELDS,
    Cell,
    DateReader,
    EraTracker,
    Problems,
    academic_year,
    decimal,
    national_id,
    plain_text,
    readable_text,
    required,
    row_is_plain,
    shown,
)

_SAFE_ID = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.")
# Student numbers have 8 to 13 digits in Thai universities; 64 characters leave room for any
# scheme and keep every file name made from one (the longest, ".partial-ID.th.pdf.tmp", is 20
# characters more) far below the 255 bytes file systems allow.
MAX_STUDENT_ID = 64
# Names Windows reserves for devices, whatever the extension ("CON.xml" cannot be created).
_DEVICE_NAMES = frozenset(
    ["CON", "PRN", "AUX", "NUL"] + [f"{port}{n}" for port in ("COM", "LPT") for n in range(10)]
)


def file_name_problem(student_id: str) -> str | None:
    """Why a student number cannot name the student's files (ID.xml, ID.th.pdf), or None.

    The schema allows any token as an identifier, but every file of a student is named after
    the number, so only numbers that are safe as a file name everywhere are taken.
    """
    if len(student_id) > MAX_STUDENT_ID:
        return f"is too long: it names the student's files, and may have {MAX_STUDENT_ID} characters at most"
    if not set(student_id) <= _SAFE_ID:
        return "has characters that cannot name a file (letters, digits, '-', '_' and '.' only)"
    if not student_id[0].isalnum():
        # '.' hides the file or names a folder ('..'); '-' makes it read as an option on a
        # command line; and '=', '+', '-' or '@' first make a spreadsheet run it as a formula.
        return "does not start with a letter or digit, as a file name must"
    if student_id.split(".", 1)[0].upper() in _DEVICE_NAMES:
        return "is a name Windows reserves for a device and cannot name a file there"
    return None


# The fields `readable_text` looks at: every Thai one, and the names in either language.
_STUDENT_TEXTS = tuple(name for name in STUDENT_FIELDS if name.endswith("_th") or name in NAME_FIELDS)
_COURSE_TEXTS = tuple(name for name in ENROLLMENT_FIELDS if name.endswith("_th"))


@dataclass(frozen=True)
class Settings:
    """What is the same for every student of one conversion run."""

    institution: Institution
    profile: Profile
    issued: dt.datetime
    dates: DateReader
    valid_until: dt.date | None = None  # a document valid for a limited time: its last day
    edition: str = FULL  # minimal: without national ID, passport number and birth date

    @classmethod
    def of(
        cls,
        institution: Institution,
        profile: Profile,
        issued: dt.datetime,
        valid_until: dt.date | None = None,
        edition: str = FULL,
    ) -> Settings:
        dates = DateReader.of(profile.date_formats, profile.date_era)
        return cls(institution, profile, issued, dates, valid_until, edition)


@dataclass(frozen=True)
class StudentRows:
    """A student's row and course-attempt rows, with the headers that say which field is where."""

    student: Row
    student_header: Header
    enrollments: Sequence[Row]
    enrollment_header: Header


class _Reader:
    def __init__(self, header: Header, row: Row, profile: Profile) -> None:
        self.header, self.row, self.profile = header, row, profile

    def cell(self, name: str) -> Cell:
        return Cell(
            self.header.value(self.row, name),
            self.header.display,
            self.row.line,
            self.header.column(name),
            self.profile.column(name),
            name,
        )

    def text(self, name: str) -> str:
        return self.header.value(self.row, name)

    def unusable(self, names: Sequence[str], problems: Problems) -> bool:
        """True, after a located problem for each, when a field among `names` holds a value no
        transcript may carry (a control character, a line break, an over-long field)."""
        if row_is_plain(self.row.fields):
            return False
        present = [name for name in names if self.header.index.get(name) is not None]
        return not all([plain_text(self.cell(name), problems) for name in present])

    def readable(self, names: Sequence[str], problems: Problems) -> None:
        """Located problems for Thai fields without Thai and for names a tool destroyed (text
        saved as '?' or read in the wrong encoding): `values.readable_text`."""
        for name in names:
            if self.header.index.get(name) is not None and self.text(name):
                readable_text(self.cell(name), problems)

    def pair(self, stem: str) -> list[Text]:
        """Thai and English values of a bilingual field (``stem_th``, ``stem_en``)."""
        return [
            Text(value=value, language_id=language)
            for language in ("th", "en")
            if (value := self.text(f"{stem}_{language}"))
        ]


def student_id_of(rows: StudentRows) -> str:
    return rows.student_header.value(rows.student, "student_id")


def build_transcript(rows: StudentRows, settings: Settings) -> tuple[Transcript | None, list[tc.Problem]]:
    """The transcript of one student, or None with the problems that prevent it.

    Warnings may come back with a transcript; any error means no transcript.
    """
    problems = Problems()
    profile, institution = settings.profile, settings.institution
    era = EraTracker()
    s = _Reader(rows.student_header, rows.student, profile)

    if s.unusable(STUDENT_FIELDS, problems):
        # Nothing is read from such a row (every other check of it would only repeat the
        # problem); its course rows are still checked, so that one run lists every problem.
        _courses(rows, settings, era, problems)
        return None, problems.items
    student_id = required(s.cell("student_id"), problems)
    s.readable(_STUDENT_TEXTS, problems)
    reason = file_name_problem(student_id) if student_id else None
    if reason:
        problems.error(s.cell("student_id"), "CSV024", f"student number {shown(student_id or '')} {reason}")
    for name in (
        ("given_name_th", "family_name_th")
        if institution.language == "TH"
        else (
            "given_name_en",
            "family_name_en",
        )
    ):
        required(s.cell(name), problems)

    identifiers = [Identifier(value=student_id or "?", scheme_id="StudenID")]
    if s.text("national_id"):
        nidn = national_id(s.cell("national_id"), problems)
        if nidn:
            identifiers.append(Identifier(value=nidn, scheme_id="NIDN"))
    if s.text("passport"):
        identifiers.append(Identifier(value=s.text("passport").replace(" ", ""), scheme_id="CCPT"))
    if not s.text("national_id") and not s.text("passport"):
        problems.warning(
            s.cell("national_id"),
            "CSV025",
            f"student {shown(student_id or '')} has neither a national ID nor a passport number",
        )

    gender = None
    if s.text("gender"):
        gender = profile.gender_code(s.text("gender"))
        if gender is None:
            problems.error(
                s.cell("gender"),
                "CSV023",
                f"gender {s.text('gender')!r} is not known; use 1 (male), 2 (female), 0 or 9, "
                "or map it under [genders] in the profile",
            )

    def date_of(name: str) -> XmlDateTime | None:
        if not s.text(name):
            return None
        value = settings.dates.read(s.cell(name), era, problems)
        return None if value is None else XmlDateTime(value.year, value.month, value.day, 0, 0, 0)

    birth, admitted, graduated = (
        date_of("birth_date"),
        date_of("admission_date"),
        date_of("graduation_date"),
    )
    transferred = decimal(s.cell("credits_transferred"), problems) if s.text("credits_transferred") else None

    program = ProgramContext(
        program_id=s.text("program_id") or None,
        program_name=s.pair("program"),
        major=s.pair("major"),
        minor=s.pair("minor"),
        degree=s.pair("degree"),
    )
    notes = _notes(s, problems)
    student = Student(
        data_subject_id=identifiers,
        name_prefix=s.pair("prefix"),
        given_name=s.pair("given_name"),
        middle_name=s.pair("middle_name"),
        family_name=s.pair("family_name"),
        gender=gender,
        birth_date=birth,
        nationality=(s.text("nationality").upper() or None),
        resident_country_or_territory_code=(s.text("resident_country").upper() or None),
        date_of_admission=admitted,
        faculty_name=s.pair("faculty"),
        program_context=program if any(vars_of(program)) else None,
        date_of_graduation=graduated,
        credits_tranferred=transferred,
        previous_certificate=s.pair("previous_certificate"),
        previous_hons=s.pair("previous_honours"),
        previous_organization=s.pair("previous_organization"),
    )

    courses = _courses(rows, settings, era, problems)
    if problems.has_errors:
        return None, problems.items

    summary = tc.compute_summary(courses, institution.scale) if courses else None
    if s.text("gpax") and summary is not None:
        stated = decimal(s.cell("gpax"), problems, "a GPAX")
        if stated is not None and stated != summary.total_gpax:
            problems.error(
                s.cell("gpax"),
                "CSV020",
                f"the export's GPAX {s.text('gpax')} differs from the GPAX computed from the "
                f"student's {len(courses)} courses, {summary.total_gpax} "
                f"({institution.scale.name}, {institution.scale.rounding.value}); "
                "a course may be missing from the export",
            )
            return None, problems.items

    if settings.valid_until is not None:
        notes += validity_notes(settings.valid_until)
    additional = AdditionalInformation(
        hons=s.pair("honours"), thesis_title=s.pair("thesis"), infomation_note=notes
    )
    issued = settings.issued
    document = Transcript(
        transcript_context=TranscriptContext(
            oid=tc.TRANSCRIPT_OID,
            version="2.0",
            transcript_id=institution.id_format.format(
                organization_id=institution.organization.organization_id,
                student_id=student_id,
                issued=issued,
            ),
            name=[Text(value=t.value, language_id=t.language_id) for t in institution.transcript_name],
            type_code=institution.type_code,
            issue_date_time=XmlDateTime.from_datetime(issued),
            language=institution.language,
            status="Complete" if graduated else "Incomplete",
        ),
        student=student,
        organization=institution.organization,
        course=courses,
        academic_summary=summary,
        additional_information=additional if any(vars_of(additional)) else None,
    )
    return document, problems.items


def build_checked(
    rows: StudentRows, settings: Settings, *, file: str | None = None
) -> tuple[Transcript | None, bytes | None, list[tc.Problem]]:
    """`build_transcript`, then the XML and the checks of `transcript validate` on it.

    The schema is checked on the bytes that will be written, the rules on the model they were
    written from (dump and load round-trip exactly). Problems found by those checks are
    attributed to `file`. The XML is None when there is any error.
    """
    document, problems = build_transcript(rows, settings)
    if document is None:
        return None, None, problems
    document = of_edition(document, settings.edition)
    data = tc.dump(document)
    checked = schema_problems(parse_untrusted(data)) + check(document, scale=settings.institution.scale)
    problems += [dataclasses.replace(p, file=file) if file else p for p in checked]
    if any(p.is_error for p in problems):
        return document, None, problems
    return document, data, problems


def vars_of(obj: object) -> list[object]:
    """The field values of a generated dataclass (slots, so no __dict__)."""
    return [getattr(obj, name) for name in obj.__dataclass_fields__]  # type: ignore[attr-defined]


def _notes(s: _Reader, problems: Problems) -> list[InformationNote]:
    """``Subject: content | Subject: content`` in notes_th / notes_en."""
    notes = []
    for language in ("th", "en"):
        text = s.text(f"notes_{language}")
        if not text:
            continue
        for entry in text.split("|"):
            subject, colon, content = entry.partition(":")
            if not colon or not subject.strip() or not content.strip():
                problems.error(
                    s.cell(f"notes_{language}"),
                    "CSV022",
                    f"note {entry.strip()!r} is not in the form 'subject: content' "
                    "(separate several notes with |)",
                )
                continue
            if is_validity_subject(subject):
                problems.error(
                    s.cell(f"notes_{language}"),
                    "CSV028",
                    f"the note subject {subject.strip()!r} is kept for the validity period that "
                    "`transcript issue --valid-days N` writes; give the period there",
                )
                continue
            notes.append(
                InformationNote(
                    subject=Text(value=subject.strip(), language_id=language),
                    content=Text(value=content.strip(), language_id=language),
                )
            )
    return notes


def _courses(rows: StudentRows, settings: Settings, era: EraTracker, problems: Problems) -> list[Course]:
    profile, institution = settings.profile, settings.institution
    scale = institution.scale
    attempts: list[tuple[tuple[int, int], int, Course]] = []
    seen: dict[tuple[int, str, str], int] = {}
    for position, row in enumerate(rows.enrollments):
        e = _Reader(rows.enrollment_header, row, profile)
        if e.unusable(ENROLLMENT_FIELDS, problems):
            continue
        before = len(problems.items)
        code = required(e.cell("course_code"), problems)
        title_th = required(e.cell("title_th"), problems)
        year = None
        if required(e.cell("year"), problems):
            year = academic_year(
                e.cell("year"), profile.year_era, institution.academic_year_era, era, problems
            )
        semester = None
        if required(e.cell("semester"), problems):
            semester = profile.semester_code(e.text("semester"))
            if semester is None or semester not in institution.semester_names:
                known = ", ".join(sorted(profile.semesters))
                problems.error(
                    e.cell("semester"),
                    "CSV016",
                    f"semester {e.text('semester')!r} is not known (known spellings: {known}); "
                    "map it under [semesters] in the profile",
                )
                semester = None
        credits = (
            decimal(e.cell("credits"), problems, "a number of credits")
            if required(e.cell("credits"), problems)
            else None
        )
        symbol = None
        if required(e.cell("grade"), problems):
            grade = scale.get(profile.grade_symbol(e.text("grade")))
            if grade is None:
                problems.error(
                    e.cell("grade"),
                    "CSV015",
                    f"grade {e.text('grade')!r} is not on the {scale.name} scale "
                    f"({', '.join(scale.grades)}); map it under [grades] in the profile",
                )
            else:
                symbol = grade.symbol
        if len(problems.items) > before or None in (
            code,
            title_th,
            year,
            semester,
            credits,
            symbol,
        ):
            continue
        assert code and title_th and year and semester and credits is not None and symbol
        key = (year, semester, code)
        if key in seen:
            problems.error(
                e.cell("course_code"),
                "CSV019",
                f"course {code} appears twice in semester {semester} of {year} (first on line "
                f"{seen[key]}); a retake belongs to a later semester",
            )
            continue
        seen[key] = row.line
        e.readable(_COURSE_TEXTS, problems)  # warnings only: the course is kept
        course = Course(
            course_number=code,
            type_code=e.pair("category"),
            course_title=[Text(value=title_th, language_id="th")]
            + ([Text(value=e.text("title_en"), language_id="en")] if e.text("title_en") else []),
            course_credit_value=credits,
            course_academic_grade_text=symbol,
            education_type_system=institution.education_texts(),
            semester_name=institution.semester_texts(semester),
            year=year,
        )
        attempts.append(((year, SEMESTER_ORDER[semester]), position, tc.grade_course(course, scale)))
    attempts.sort(key=lambda item: (item[0], item[1]))  # study order; file order within a term
    return [course for _, _, course in attempts]
