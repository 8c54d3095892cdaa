"""Business rules of the transcript message, and `validate`, which runs them after the XSD.

Every rule yields `Problem`s with a stable code. The codes, by family:

=========  =================================================================================
CTX        document type: OID, version, edition language
ID         identifiers: national ID length and check digit, student number, schemes
NAME       the student's name in Thai and English
DATE       dates in order, Gregorian years
ERA        one year era (Buddhist or common) per document
STATUS     study status agrees with the graduation date; a graduate's GPAX allows a degree
COURSE     the same course twice in one semester
GRADE      grade symbols and grade points against the grade scale
CREDIT     credits earned
POINT      course points = credits x grade point
SUM        presence of the academic summary
SEM        each semester line: sums, GPA, GPAX
TOT        totals and TotalGPAX
=========  =================================================================================

Codes XML001-XML005 and XSD001 come from the reading gate (`transcript.model.xmlio`).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal

from transcript.errors import InvalidDocument
from transcript.generated import Course, Text, Transcript
from transcript.model.constants import BANGKOK, STUDENT_NUMBER_SCHEMES
from transcript.model.xmlio import (
    MAX_DOCUMENT_BYTES,
    TRANSCRIPT_OID,
    TRANSCRIPT_VERSION,
    check_root,
    locate,
    parse_untrusted,
    schema_problems,
    tree_to_model,
)
from transcript.problems import Problem, Severity, ValidationResult
from transcript.rules.grades import GradeScale, Rounding, detect_scale, gpa, load_scale
from transcript.rules.summary import CourseResult, SemesterKey, Tally, group_by_semester, semester_key

ERROR = Severity.ERROR
WARNING = Severity.WARNING


KNOWN_SCHEMES = STUDENT_NUMBER_SCHEMES | {"nidn", "ccpt"}
EDITION_LANGUAGES = {"th", "en"}
BUDDHIST_ERA_OFFSET = 543
BUDDHIST_ERA_FROM = 2400  # a year at or above this is read as Buddhist era


@dataclass(frozen=True)
class RuleContext:
    """What the rules need besides the transcript: the scale and the roundings accepted."""

    transcript: Transcript
    scale: GradeScale
    roundings: tuple[Rounding, ...]
    scale_declared: bool

    @property
    def edition(self) -> str:
        return self.transcript.transcript_context.language.strip().lower()

    def gpa_values(self, points: Decimal, credits: Decimal) -> set[Decimal]:
        return {gpa(points, credits, r, self.scale.decimals) for r in self.roundings}

    def rounding_words(self) -> str:
        return " or ".join(r.value for r in self.roundings)


Rule = Callable[[RuleContext], Iterable[Problem]]


# ---------------------------------------------------------------------- helpers


def _at(base: str, name: str, items: Sequence[object] | None = None, index: int = 0) -> str:
    """Path segment with an index only when the element repeats, as `element_path` writes it."""
    if items is not None and len(items) > 1:
        return f"{base}/{name}[{index + 1}]"
    return f"{base}/{name}"


def _lang(text: Text, edition: str) -> str:
    return (text.language_id or edition).strip().lower()


def _fmt(value: Decimal | None) -> str:
    """A number as people write it: 6 rather than 6.0 or 6E+0."""
    if value is None:
        return "none"
    return format(value.normalize() if value == value.to_integral() else value, "f")


def _when(value: object) -> dt.datetime | None:
    if value is None:
        return None
    moment = value.to_datetime()  # type: ignore[attr-defined]
    return moment if moment.tzinfo else moment.replace(tzinfo=BANGKOK)


# ------------------------------------------------------------------ the rules


def rule_context(ctx: RuleContext) -> Iterator[Problem]:
    context = ctx.transcript.transcript_context
    base = "/Transcript/TranscriptContext"
    if context.oid != TRANSCRIPT_OID:
        yield Problem(
            "CTX001",
            ERROR,
            f"OID is {context.oid!r}; a transcript's document-type OID is {TRANSCRIPT_OID}",
            f"{base}/OID",
        )
    if context.version != TRANSCRIPT_VERSION:
        yield Problem(
            "CTX002",
            WARNING,
            f"Version is {context.version!r}; this toolkit implements version {TRANSCRIPT_VERSION}",
            f"{base}/Version",
        )
    if ctx.edition not in EDITION_LANGUAGES:
        yield Problem(
            "CTX003",
            WARNING,
            f"edition Language is {context.language!r}; expected TH or EN",
            f"{base}/Language",
        )


def nidn_check_digit(first_twelve: str) -> int:
    """Check digit of a Thai national ID from its first 12 digits."""
    total = sum(int(digit) * (13 - i) for i, digit in enumerate(first_twelve))
    return (11 - total % 11) % 10


def rule_identifiers(ctx: RuleContext) -> Iterator[Problem]:
    ids = ctx.transcript.student.data_subject_id
    schemes = set()
    for i, ident in enumerate(ids):
        path = _at("/Transcript/Student", "DataSubjectID", ids, i)
        scheme = ident.scheme_id.strip().lower()
        schemes.add(scheme)
        if scheme not in KNOWN_SCHEMES:
            yield Problem(
                "ID004",
                WARNING,
                f"unknown identifier scheme {ident.scheme_id!r}; known schemes are StudenID "
                "(as the ETDA sample spells it, or StudentID), NIDN and CCPT",
                path,
            )
        if scheme != "nidn":
            continue
        value = ident.value
        if len(value) != 13 or not value.isascii() or not value.isdigit():
            yield Problem(
                "ID001",
                ERROR,
                f"national ID (NIDN) {value!r} has {len(value)} characters; a Thai national ID "
                "has exactly 13 digits",
                path,
            )
        elif nidn_check_digit(value[:12]) != int(value[12]):
            yield Problem(
                "ID002",
                ERROR,
                f"national ID (NIDN) {value} fails its check digit: the last digit should be "
                f"{nidn_check_digit(value[:12])}, not {value[12]}",
                path,
            )
    if not schemes & STUDENT_NUMBER_SCHEMES:
        yield Problem(
            "ID003",
            WARNING,
            "no student number: no DataSubjectID has schemeID StudenID (as the ETDA sample spells it, "
            "or StudentID)",
            "/Transcript/Student",
        )


def rule_names(ctx: RuleContext) -> Iterator[Problem]:
    student = ctx.transcript.student
    edition = ctx.edition
    given = {_lang(t, edition) for t in student.given_name}
    family = {_lang(t, edition) for t in student.family_name}
    full = given & family
    words = {"th": "Thai", "en": "English"}
    for language in ("th", "en"):
        if language in full:
            continue
        if language == edition:
            yield Problem(
                "NAME001",
                ERROR,
                f"the student's given and family name in {words[language]} are missing; a "
                f"{words[language]} edition must show the {words[language]} name",
                "/Transcript/Student",
            )
        else:
            yield Problem(
                "NAME002",
                WARNING,
                f"the student's given and family name in {words[language]} are missing; "
                "transcripts carry the name in both Thai and English",
                "/Transcript/Student",
            )


def rule_dates(ctx: RuleContext) -> Iterator[Problem]:
    t = ctx.transcript
    chain = [
        ("BirthDate", "/Transcript/Student/BirthDate", t.student.birth_date),
        ("DateOfAdmission", "/Transcript/Student/DateOfAdmission", t.student.date_of_admission),
        ("DateOfGraduation", "/Transcript/Student/DateOfGraduation", t.student.date_of_graduation),
        (
            "IssueDateTime",
            "/Transcript/TranscriptContext/IssueDateTime",
            t.transcript_context.issue_date_time,
        ),
    ]
    for name, path, value in chain:
        if value is not None and value.year >= BUDDHIST_ERA_FROM:
            yield Problem(
                "DATE002",
                ERROR,
                f"{name} has the year {value.year}, a Buddhist-era year; dates are written in "
                f"the Gregorian calendar ({value.year - BUDDHIST_ERA_OFFSET})",
                path,
            )
    present = [(name, path, _when(value)) for name, path, value in chain if value is not None]
    for (before, _, first), (after, path, second) in itertools.pairwise(present):
        assert first is not None and second is not None
        strict = before == "BirthDate"
        if first > second or (strict and first == second):
            relation = "before" if strict else "on or before"
            yield Problem(
                "DATE001",
                ERROR,
                f"{before} ({first.date().isoformat()}) must be {relation} {after} "
                f"({second.date().isoformat()})",
                path,
            )


def rule_status(ctx: RuleContext) -> Iterator[Problem]:
    t = ctx.transcript
    status = t.transcript_context.status.strip().lower()
    graduated = t.student.date_of_graduation is not None
    if status == "complete" and not graduated:
        yield Problem(
            "STATUS001",
            WARNING,
            "Status is Complete (graduated) but the student has no DateOfGraduation",
            "/Transcript/TranscriptContext/Status",
        )
    elif status == "incomplete" and graduated:
        yield Problem(
            "STATUS002",
            WARNING,
            "Status is Incomplete (studying) but the student has a DateOfGraduation",
            "/Transcript/TranscriptContext/Status",
        )


# A Thai degree is awarded with a GPAX of at least 2.00 out of 4 (bachelor's; more for higher
# degrees): the Ministry of Higher Education's programme standards.
MIN_GPAX_FOR_A_DEGREE = Decimal("2.00")


def rule_degree_gpax(ctx: RuleContext) -> Iterator[Problem]:
    """A graduate with a degree and a GPAX below 2.00 on a four-point scale: a warning, for a
    student still studying marked as graduated (school-level transcripts name no degree)."""
    t = ctx.transcript
    graduated = t.student.date_of_graduation is not None or (
        t.transcript_context.status.strip().lower() == "complete"
    )
    program = t.student.program_context
    summary = t.academic_summary
    if not graduated or program is None or not program.degree or summary is None:
        return
    if ctx.scale.max_point == Decimal(4) and summary.total_gpax < MIN_GPAX_FOR_A_DEGREE:
        yield Problem(
            "STATUS003",
            WARNING,
            f"the student is graduated with a degree but TotalGPAX is {summary.total_gpax}; a "
            f"degree needs a GPAX of {MIN_GPAX_FOR_A_DEGREE} or more (is the student still studying?)",
            "/Transcript/AcademicSummary/TotalGPAX",
        )


def rule_era(ctx: RuleContext) -> Iterator[Problem]:
    t = ctx.transcript
    years: list[tuple[int, str]] = [
        (c.year, _at("/Transcript", "Course", t.course, i) + "/Year") for i, c in enumerate(t.course)
    ]
    if t.academic_summary:
        lines = t.academic_summary.semester_summary
        years += [
            (s.year, _at("/Transcript/AcademicSummary", "SemesterSummary", lines, i) + "/Year")
            for i, s in enumerate(lines)
        ]
    if not years:
        return
    first_year, _ = years[0]
    first_be = first_year >= BUDDHIST_ERA_FROM
    for year, path in years:
        if (year >= BUDDHIST_ERA_FROM) != first_be:
            era = "Buddhist era" if first_be else "common era"
            yield Problem(
                "ERA001",
                ERROR,
                f"year {year} is in a different era from the document's first year {first_year} "
                f"({era}); use one era throughout",
                path,
            )
            return  # one is enough: the rest would repeat the same finding


def rule_courses(ctx: RuleContext) -> Iterator[Problem]:
    courses = ctx.transcript.course
    scale = ctx.scale
    for i, course in enumerate(courses):
        base = _at("/Transcript", "Course", courses, i)
        symbol = course.course_academic_grade_text
        grade = scale.get(symbol)
        credit = course.course_credit_value
        stated_point = course.course_academic_grade
        if grade is None:
            how = "declared" if ctx.scale_declared else "detected"
            yield Problem(
                "GRADE001",
                ERROR,
                f"grade symbol {symbol!r} of course {course.course_number} is not on the "
                f"{how} grade scale {scale.name!r} ({', '.join(scale.grades)}); declare the "
                "institution's scale if it has other symbols",
                f"{base}/CourseAcademicGradeText",
            )
        elif grade.point is None:
            if stated_point is not None:
                yield Problem(
                    "GRADE003",
                    ERROR,
                    f"course {course.course_number} has grade {symbol}, which is outside the GPA, "
                    f"yet carries a grade point ({_fmt(stated_point)})",
                    f"{base}/CourseAcademicGrade",
                )
            if course.course_point_earned is not None and course.course_point_earned != 0:
                yield Problem(
                    "POINT002",
                    ERROR,
                    f"course {course.course_number} has grade {symbol}, which is outside the GPA, "
                    f"yet earns {_fmt(course.course_point_earned)} points",
                    f"{base}/CoursePointEarned",
                )
        else:
            if stated_point is None:
                yield Problem(
                    "GRADE004",
                    WARNING,
                    f"course {course.course_number} has grade {symbol} but no grade point "
                    f"(CourseAcademicGrade {_fmt(grade.point)} expected)",
                    base,
                )
            elif stated_point != grade.point:
                yield Problem(
                    "GRADE002",
                    ERROR,
                    f"course {course.course_number}: grade {symbol} is worth {_fmt(grade.point)} "
                    f"on the {scale.name} scale, not {_fmt(stated_point)}",
                    f"{base}/CourseAcademicGrade",
                )
        earned = course.course_credit_earned
        if earned is not None and earned > credit:
            yield Problem(
                "CREDIT001",
                ERROR,
                f"course {course.course_number} earns {_fmt(earned)} credits, more than its "
                f"{_fmt(credit)} credits",
                f"{base}/CourseCreditEarned",
            )
        elif earned is not None and grade is not None and earned != grade.credit_earned(credit):
            yield Problem(
                "CREDIT002",
                ERROR,
                f"course {course.course_number} with grade {symbol} should earn "
                f"{_fmt(grade.credit_earned(credit))} credits, not {_fmt(earned)}",
                f"{base}/CourseCreditEarned",
            )
        point = stated_point if stated_point is not None else (grade.point if grade else None)
        points = course.course_point_earned
        if point is not None and grade is not None and grade.point is not None:
            expected = credit * point
            accepted = {expected} | {r.apply(expected, 2) for r in ctx.roundings}
            if points is None:
                yield Problem(
                    "POINT003",
                    WARNING,
                    f"course {course.course_number} has no CoursePointEarned "
                    f"({_fmt(credit)} x {_fmt(point)} = {_fmt(expected)} expected)",
                    base,
                )
            elif points not in accepted:
                yield Problem(
                    "POINT001",
                    ERROR,
                    f"course {course.course_number}: points should be credits x grade point = "
                    f"{_fmt(credit)} x {_fmt(point)} = {_fmt(expected)}, not {_fmt(points)}",
                    f"{base}/CoursePointEarned",
                )


def rule_duplicate_courses(ctx: RuleContext) -> Iterator[Problem]:
    courses = ctx.transcript.course
    for (year, name), indices in group_by_semester(courses).items():
        seen: dict[str, int] = {}
        for i in indices:
            number = courses[i].course_number
            if number in seen:
                yield Problem(
                    "COURSE001",
                    ERROR,
                    f"course {number} appears twice in semester {name} {year} (also course "
                    f"#{seen[number] + 1}); a retake belongs to a later semester",
                    _at("/Transcript", "Course", courses, i),
                )
            else:
                seen[number] = i


def _stated_result(course: Course, scale: GradeScale) -> CourseResult:
    """What a course contributes to the sums according to its own stated values.

    The summary is checked against the course lines as written (which are checked against the
    scale by `rule_courses`); missing values are filled in from the scale.
    """
    grade = scale.get(course.course_academic_grade_text)
    credit = course.course_credit_value
    point = course.course_academic_grade
    if point is None and grade is not None:
        point = grade.point
    earned = course.course_credit_earned
    if earned is None:
        earned = grade.credit_earned(credit) if grade else Decimal(0)
    if point is None:
        return CourseResult(credit, earned, Decimal(0), None, Decimal(0))
    points = course.course_point_earned
    return CourseResult(credit, earned, credit, point, points if points is not None else credit * point)


_SEMESTER_FIELDS = (
    ("SEM003", "SemesterCreditValue", "semester_credit_value", "credit_value", "credits attempted"),
    ("SEM004", "SemesterCreditEarned", "semester_credit_earned", "credit_earned", "credits earned"),
    (
        "SEM005",
        "SemesterCreditCalculated",
        "semester_credit_calculated",
        "credit_calculated",
        "credits counted in the GPA",
    ),
    ("SEM006", "SemesterPointEarned", "semester_point_earned", "points", "points"),
)

_TOTAL_FIELDS = (
    ("TOT001", "TotalCreditValue", "total_credit_value", "credit_value", "credits attempted"),
    ("TOT002", "TotalCreditEarned", "total_credit_earned", "credit_earned", "credits earned"),
    (
        "TOT003",
        "TotalCreditCalculated",
        "total_credit_calculated",
        "credit_calculated",
        "credits counted in the GPA",
    ),
    ("TOT004", "TotalPointEarned", "total_point_earned", "points", "points"),
)


def rule_summary(ctx: RuleContext) -> Iterator[Problem]:
    t = ctx.transcript
    summary = t.academic_summary
    if summary is None:
        if t.course:
            yield Problem(
                "SUM001",
                WARNING,
                f"the transcript lists {len(t.course)} courses but has no AcademicSummary",
                "/Transcript",
            )
        return
    # Truth, from the course lines: per semester, and cumulative in study order.
    per_semester: dict[SemesterKey, Tally] = {}
    cumulative: dict[SemesterKey, Tally] = {}
    running = Tally()
    for key, indices in group_by_semester(t.course).items():
        tally = Tally()
        for i in indices:
            tally.add(_stated_result(t.course[i], ctx.scale))
        per_semester[key] = tally
        running.merge(tally)
        cumulative[key] = Tally(
            running.credit_value, running.credit_earned, running.credit_calculated, running.points
        )

    lines = summary.semester_summary
    seen: set[SemesterKey] = set()
    base = "/Transcript/AcademicSummary"
    for i, line in enumerate(lines):
        path = _at(base, "SemesterSummary", lines, i)
        key = semester_key(line)
        label = f"{key[1]} {key[0]}"
        if key in seen:
            yield Problem("SEM009", ERROR, f"semester {label} has two summary lines", path)
            continue
        seen.add(key)
        truth = per_semester.get(key)
        if truth is None:
            yield Problem(
                "SEM002",
                ERROR,
                f"semester {label} has a summary line but no course in that semester",
                path,
            )
            continue
        yield from _compare_sums(_SEMESTER_FIELDS, line, truth, path, f"semester {label}")
        gpas = ctx.gpa_values(truth.points, truth.credit_calculated)
        if line.semester_gpa not in gpas:
            yield Problem(
                "SEM007",
                ERROR,
                f"semester {label}: GPA should be {_fmt(truth.points)} / "
                f"{_fmt(truth.credit_calculated)} = {_list(gpas)} ({ctx.rounding_words()}), "
                f"not {_fmt(line.semester_gpa)}",
                f"{path}/SemesterGPA",
            )
        so_far = cumulative[key]
        gpaxs = ctx.gpa_values(so_far.points, so_far.credit_calculated)
        if line.semester_gpax not in gpaxs:
            yield Problem(
                "SEM008",
                ERROR,
                f"semester {label}: GPAX (all semesters so far) should be {_fmt(so_far.points)} / "
                f"{_fmt(so_far.credit_calculated)} = {_list(gpaxs)} ({ctx.rounding_words()}), "
                f"not {_fmt(line.semester_gpax)}",
                f"{path}/SemesterGPAX",
            )
    for key in per_semester:
        if key not in seen and lines:
            yield Problem(
                "SEM001",
                ERROR,
                f"semester {key[1]} {key[0]} has courses but no summary line",
                base,
            )

    total = running
    yield from _compare_sums(_TOTAL_FIELDS, summary, total, base, "totals")
    gpaxs = ctx.gpa_values(total.points, total.credit_calculated)
    if summary.total_gpax not in gpaxs:
        yield Problem(
            "TOT005",
            ERROR,
            f"TotalGPAX should be {_fmt(total.points)} / {_fmt(total.credit_calculated)} = "
            f"{_list(gpaxs)} ({ctx.rounding_words()}), not {_fmt(summary.total_gpax)}",
            f"{base}/TotalGPAX",
        )
    if lines and summary.total_gpax != lines[-1].semester_gpax:
        yield Problem(
            "TOT006",
            ERROR,
            f"TotalGPAX {_fmt(summary.total_gpax)} differs from the last semester's GPAX "
            f"{_fmt(lines[-1].semester_gpax)}",
            f"{base}/TotalGPAX",
        )


def _compare_sums(
    fields: Sequence[tuple[str, str, str, str, str]],
    stated: object,
    truth: Tally,
    path: str,
    label: str,
) -> Iterator[Problem]:
    for code, element, attribute, tally_attribute, words in fields:
        value: Decimal = getattr(stated, attribute)
        expected: Decimal = getattr(truth, tally_attribute)
        if value != expected:
            yield Problem(
                code,
                ERROR,
                f"{label}: {element} should be {_fmt(expected)} (the sum of the courses' "
                f"{words}), not {_fmt(value)}",
                f"{path}/{element}",
            )


def _list(values: set[Decimal]) -> str:
    return " or ".join(sorted(_fmt(v) for v in values))


RULES: tuple[Rule, ...] = (
    rule_context,
    rule_identifiers,
    rule_names,
    rule_dates,
    rule_status,
    rule_degree_gpax,
    rule_era,
    rule_courses,
    rule_duplicate_courses,
    rule_summary,
)


# --------------------------------------------------------------------- entry points


def _context(
    transcript: Transcript, scale: GradeScale | str | None, rounding: Rounding | str | None
) -> RuleContext:
    declared = scale is not None
    if isinstance(scale, str):
        scale = load_scale(scale)
    if scale is None:
        scale = detect_scale(
            (c.course_academic_grade_text, c.course_academic_grade) for c in transcript.course
        )
    if rounding is not None:
        roundings: tuple[Rounding, ...] = (Rounding(rounding),)
    elif declared:
        roundings = (scale.rounding,)
    else:
        # Undeclared: accept either of the two conventions in use at Thai universities.
        roundings = (Rounding.TRUNCATE, Rounding.HALF_UP)
    return RuleContext(transcript, scale, roundings, declared)


def check(
    transcript: Transcript,
    *,
    scale: GradeScale | str | None = None,
    rounding: Rounding | str | None = None,
) -> list[Problem]:
    """Run the business rules on a model object. Problems carry paths but no lines.

    `scale` is the institution's grade scale (an object, a built-in name or a TOML file);
    without one, the built-in scale that fits the grades is used and both roundings are
    accepted. `rounding` overrides the scale's rounding.
    """
    ctx = _context(transcript, scale, rounding)
    problems: list[Problem] = []
    for rule in RULES:
        problems.extend(rule(ctx))
    return problems


def validate(
    data: bytes,
    *,
    scale: GradeScale | str | None = None,
    rounding: Rounding | str | None = None,
    max_bytes: int = MAX_DOCUMENT_BYTES,
) -> ValidationResult:
    """Check transcript XML: safe reading, the schema, then every business rule.

    Never raises for bad input: every finding, including unreadable XML, is a `Problem` in
    the result, located by line and element path.
    """
    return read_and_validate(data, scale=scale, rounding=rounding, max_bytes=max_bytes)[0]


def read_and_validate(
    data: bytes,
    *,
    scale: GradeScale | str | None = None,
    rounding: Rounding | str | None = None,
    max_bytes: int = MAX_DOCUMENT_BYTES,
) -> tuple[ValidationResult, Transcript | None]:
    """`validate`, also returning the model when the document passed the schema (else None).

    For callers that need both (the verifier): the document is read into the model once.
    """
    try:
        tree = parse_untrusted(data, max_bytes=max_bytes)
    except InvalidDocument as exc:
        return ValidationResult.of(exc.problems), None
    gate_problems = check_root(tree) or schema_problems(tree)
    if gate_problems:
        return ValidationResult.of(gate_problems), None
    try:
        model = tree_to_model(tree, data)  # `tree` is kept to locate the problems by line
    except InvalidDocument as exc:
        return ValidationResult.of(exc.problems), None
    problems = check(model, scale=scale, rounding=rounding)
    located = (p.located(line=locate(tree, p.path)) if p.path else p for p in problems)
    return ValidationResult.of(located), model
