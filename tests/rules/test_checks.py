"""Business rules: each is provoked by a realistic mistake and reported with code, line and path."""

from __future__ import annotations

import dataclasses
import re
from decimal import Decimal

import pytest

import transcript
from transcript import THAI_8_LEVEL, THAI_PLUS_MINUS, Rounding
from transcript.rules.checks import nidn_check_digit


def codes(data: bytes, **kwargs) -> list[str]:
    return transcript.validate(data, **kwargs).codes()


def replace_once(data: bytes, old: str, new: str) -> bytes:
    assert old.encode() in data, old
    return data.replace(old.encode(), new.encode(), 1)


def test_public_sample_has_exactly_the_14_digit_nidn_error(sample_bytes: bytes) -> None:
    result = transcript.validate(sample_bytes)
    assert result.codes() == ["ID001"]
    problem = result.problems[0]
    assert problem.line == 22
    assert problem.path == "/Transcript/Student/DataSubjectID[2]"
    assert "17700253661789" in problem.message and "13 digits" in problem.message
    assert not result.ok


def test_examples_are_valid_without_warnings(example_paths) -> None:
    for path in example_paths:
        result = transcript.validate(path.read_bytes())
        assert result.problems == (), f"{path.name}: {result}"


def test_sample_with_a_valid_nidn_is_clean(sample_bytes: bytes) -> None:
    nidn = "110370012345" + str(nidn_check_digit("110370012345"))
    data = replace_once(sample_bytes, "17700253661789", nidn)
    assert transcript.validate(data).problems == ()


@pytest.mark.parametrize(
    ("nidn", "valid"),
    [("1103700123453", None), ("3100600445873", None), ("1234567890121", None)],
)
def test_nidn_check_digit_formula(nidn: str, valid: None) -> None:
    # The formula: (11 - sum(d[i] * (13 - i)) mod 11) mod 10, over the first 12 digits.
    total = sum(int(d) * (13 - i) for i, d in enumerate(nidn[:12]))
    assert nidn_check_digit(nidn[:12]) == (11 - total % 11) % 10


def test_bad_check_digit(sample_bytes: bytes) -> None:
    good = "110370012345" + str(nidn_check_digit("110370012345"))
    bad = good[:12] + str((int(good[12]) + 1) % 10)
    result = transcript.validate(replace_once(sample_bytes, "17700253661789", bad))
    assert result.codes() == ["ID002"]
    assert f"should be {good[12]}" in result.problems[0].message


def test_course_point_must_be_credit_times_grade(sample_bytes: bytes) -> None:
    data = replace_once(sample_bytes, "<tc:CoursePointEarned>10.5<", "<tc:CoursePointEarned>10<")
    result = transcript.validate(data)
    point = [p for p in result.problems if p.code == "POINT001"]
    assert len(point) == 1
    assert point[0].path == "/Transcript/Course[1]/CoursePointEarned"
    assert point[0].line == 90
    assert "3 x 3.5 = 10.5, not 10" in point[0].message
    # The semester and the totals were computed from the real course points, so they disagree too.
    assert {"SEM006", "TOT004"} <= set(result.codes())


def test_grade_point_must_match_the_symbol(sample_bytes: bytes) -> None:
    data = replace_once(sample_bytes, "<tc:CourseAcademicGrade>3.5<", "<tc:CourseAcademicGrade>3<")
    assert "GRADE002" in codes(data)


def test_unknown_grade_symbol(sample_bytes: bytes) -> None:
    data = replace_once(sample_bytes, "<tc:CourseAcademicGradeText>B+<", "<tc:CourseAcademicGradeText>Q<")
    result = transcript.validate(data)
    grade = next(p for p in result.problems if p.code == "GRADE001")
    assert "'Q'" in grade.message and grade.path.endswith("CourseAcademicGradeText")


def test_symbol_outside_gpa_must_not_carry_points(sample_bytes: bytes) -> None:
    data = replace_once(sample_bytes, "<tc:CourseAcademicGradeText>B+<", "<tc:CourseAcademicGradeText>S<")
    assert {"GRADE003", "POINT002"} <= set(codes(data))


def test_failed_course_earns_no_credit(sample_bytes: bytes) -> None:
    data = replace_once(sample_bytes, "<tc:CourseAcademicGrade>3.5<", "<tc:CourseAcademicGrade>0<")
    data = replace_once(data, "<tc:CourseAcademicGradeText>B+<", "<tc:CourseAcademicGradeText>F<")
    data = replace_once(data, "<tc:CoursePointEarned>10.5<", "<tc:CoursePointEarned>0<")
    assert "CREDIT002" in codes(data)


def test_credit_earned_cannot_exceed_credit(sample_bytes: bytes) -> None:
    data = replace_once(sample_bytes, "<tc:CourseCreditEarned>3<", "<tc:CourseCreditEarned>4<")
    assert "CREDIT001" in codes(data)


def test_semester_gpa_and_gpax(sample_bytes: bytes) -> None:
    data = replace_once(sample_bytes, "<tc:SemesterGPA>3.25<", "<tc:SemesterGPA>3.3<")
    result = transcript.validate(data)
    assert result.codes() == ["ID001", "SEM007"]
    assert "19.5 / 6 = 3.25" in result.problems[1].message
    data = replace_once(sample_bytes, "<tc:SemesterGPAX>3.25<", "<tc:SemesterGPAX>3.20<")
    assert set(codes(data)) == {"ID001", "SEM008", "TOT006"}


def test_semester_sums(sample_bytes: bytes) -> None:
    for element, code in [
        ("SemesterCreditValue", "SEM003"),
        ("SemesterCreditEarned", "SEM004"),
        ("SemesterCreditCalculated", "SEM005"),
    ]:
        data = replace_once(sample_bytes, f"<tc:{element}>6<", f"<tc:{element}>7<")
        assert code in codes(data), element
    data = replace_once(sample_bytes, "<tc:SemesterPointEarned>19.5<", "<tc:SemesterPointEarned>19<")
    assert "SEM006" in codes(data)


def test_totals(sample_bytes: bytes) -> None:
    for element, code in [
        ("TotalCreditValue", "TOT001"),
        ("TotalCreditEarned", "TOT002"),
        ("TotalCreditCalculated", "TOT003"),
    ]:
        data = replace_once(sample_bytes, f"<tc:{element}>6<", f"<tc:{element}>9<")
        assert code in codes(data), element
    data = replace_once(sample_bytes, "<tc:TotalPointEarned>19.5<", "<tc:TotalPointEarned>20<")
    assert "TOT004" in codes(data)
    data = replace_once(sample_bytes, "<tc:TotalGPAX>3.25<", "<tc:TotalGPAX>3.5<")
    assert {"TOT005", "TOT006"} <= set(codes(data))


def test_missing_and_orphan_semester_lines(sample_bytes: bytes) -> None:
    # Move the second course to another semester: its semester now has no summary line.
    text = sample_bytes.decode()
    first_year = text.index("<tc:Year>2020</tc:Year>", text.index("2100036"))
    moved = (text[:first_year] + "<tc:Year>2021</tc:Year>" + text[first_year + 23 :]).encode()
    assert "SEM001" in codes(moved)
    # A summary line for a semester without courses.
    orphan = replace_once(
        sample_bytes,
        "<tc:Year>2020</tc:Year>\n            <tc:SemesterCreditValue>",
        "<tc:Year>2019</tc:Year>\n            <tc:SemesterCreditValue>",
    )
    assert {"SEM001", "SEM002"} <= set(codes(orphan))


def test_duplicate_course_in_one_semester_is_an_error(sample_bytes: bytes) -> None:
    data = replace_once(sample_bytes, "<tc:CourseNumber>2100036<", "<tc:CourseNumber>2100035<")
    result = transcript.validate(data)
    duplicate = [p for p in result.problems if p.code == "COURSE001"]
    assert len(duplicate) == 1 and duplicate[0].path == "/Transcript/Course[2]"


def test_retake_in_a_later_semester_is_normal(example_paths) -> None:
    # transfer-su.xml has BA141 failed (F) and retaken the next year.
    data = next(p for p in example_paths if p.name == "transfer-su.xml").read_bytes()
    assert data.count(b"<tc:CourseNumber>BA141<") == 2
    assert transcript.validate(data).problems == ()


def test_mixed_year_eras(sample_bytes: bytes) -> None:
    text = sample_bytes.decode()
    position = text.index("<tc:Year>2020</tc:Year>", text.index("2100036"))
    mixed = (text[:position] + "<tc:Year>2563</tc:Year>" + text[position + 23 :]).encode()
    assert "ERA001" in codes(mixed)


def test_buddhist_year_in_a_date(sample_bytes: bytes) -> None:
    data = replace_once(sample_bytes, "<tc:IssueDateTime>2020-", "<tc:IssueDateTime>2563-")
    result = transcript.validate(data)
    assert "DATE002" in result.codes()
    assert "2020" in next(p for p in result.problems if p.code == "DATE002").message


def test_dates_in_order(sample_bytes: bytes) -> None:
    data = replace_once(sample_bytes, "<tc:BirthDate>2006-", "<tc:BirthDate>2021-")
    result = transcript.validate(data)
    date = [p for p in result.problems if p.code == "DATE001"]
    assert len(date) == 1 and "BirthDate (2021-05-04) must be before DateOfAdmission" in date[0].message
    late = replace_once(
        sample_bytes,
        "</tc:ProgramContext>",
        "</tc:ProgramContext>\n        <tc:DateOfGraduation>2024-01-01T00:00:00</tc:DateOfGraduation>",
    )
    assert "DATE001" in codes(late)  # graduation after the issue date


def test_names_in_both_languages(sample_bytes: bytes) -> None:
    no_english = re.sub(rb'\s*<tc:(Given|Family)Name languageID="en">[^<]*</tc:\w+>', b"", sample_bytes)
    assert sorted(codes(no_english)) == ["ID001", "NAME002"]
    no_thai = re.sub(rb'\s*<tc:(Given|Family)Name languageID="th">[^<]*</tc:\w+>', b"", sample_bytes)
    assert sorted(codes(no_thai)) == ["ID001", "NAME001"]  # a Thai edition without the Thai name


def test_context_rules(sample_bytes: bytes) -> None:
    data = replace_once(sample_bytes, "<tc:OID>2.16.764.1.4.1.1.8.1.1<", "<tc:OID>2.16.764.1.4.1.1.9.1.1<")
    assert "CTX001" in codes(data)
    data = replace_once(sample_bytes, "<tc:Version>2.0<", "<tc:Version>1.0<")
    assert "CTX002" in codes(data)


def test_status_and_graduation_date(sample_bytes: bytes) -> None:
    data = replace_once(sample_bytes, "<tc:Status>Incomplete<", "<tc:Status>Complete<")
    assert "STATUS001" in codes(data)


def test_courses_without_summary_is_a_warning(sample_bytes: bytes) -> None:
    text = sample_bytes.decode()
    start, end = text.index("<tc:AcademicSummary>"), text.index("</tc:AcademicSummary>") + 21
    data = (text[:start] + text[end:]).encode()
    result = transcript.validate(data)
    assert sorted(result.codes()) == ["ID001", "SUM001"]
    assert result.warnings[0].code == "SUM001"


def test_declared_rounding_is_enforced(honours_bytes: bytes) -> None:
    model = transcript.load(honours_bytes)
    lines = model.academic_summary.semester_summary

    def roundings(line):
        exact = line.semester_point_earned / line.semester_credit_calculated
        return Rounding.TRUNCATE.apply(exact), Rounding.HALF_UP.apply(exact)

    # A semester whose GPA differs between truncating and rounding half up (3.777.. -> 3.77/3.78).
    index = next(
        i
        for i, line in enumerate(lines)
        if line.semester_credit_calculated and len(set(roundings(line))) == 2
    )
    truncated, half_up = roundings(lines[index])
    assert half_up - truncated == Decimal("0.01")
    lines[index] = dataclasses.replace(lines[index], semester_gpa=half_up)
    data = transcript.dump(model)
    assert "SEM007" not in codes(data)  # undeclared: either rounding is accepted
    assert "SEM007" not in codes(data, scale=THAI_8_LEVEL.with_rounding(Rounding.HALF_UP))
    assert "SEM007" in codes(data, scale=THAI_8_LEVEL)  # declared truncation
    assert "SEM007" in codes(data, rounding="truncate")


def test_plus_minus_scale_is_detected(example_paths) -> None:
    data = next(p for p in example_paths if p.name == "master-thesis.xml").read_bytes()
    assert transcript.validate(data).problems == ()
    assert "GRADE001" in codes(data, scale="thai-8-level")  # A- is not on the 8-level scale
    assert transcript.validate(data, scale=THAI_PLUS_MINUS).problems == ()


def test_compute_summary_spec_example() -> None:
    """3 credits of B+ and 3 of B: 19.5 points over 6 credits, GPA 3.25."""
    courses = [
        transcript.Course(
            course_number=number,
            course_title=[transcript.Text(value=number)],
            course_credit_value=Decimal(3),
            course_academic_grade_text=symbol,
            semester_name=[transcript.Text(value="1")],
            year=2020,
        )
        for number, symbol in [("X1", "B+"), ("X2", "B")]
    ]
    summary = transcript.compute_summary(courses, THAI_8_LEVEL)
    line = summary.semester_summary[0]
    assert (line.semester_point_earned, line.semester_credit_calculated) == (Decimal("19.5"), 6)
    assert line.semester_gpa == Decimal("3.25") == summary.total_gpax
    graded = transcript.grade_course(courses[0], THAI_8_LEVEL)
    assert (graded.course_academic_grade, graded.course_point_earned) == (
        Decimal("3.5"),
        Decimal("10.5"),
    )


def test_compute_summary_rejects_unknown_symbols() -> None:
    course = transcript.Course(
        course_number="X",
        course_title=[transcript.Text(value="X")],
        course_credit_value=Decimal(3),
        course_academic_grade_text="Z",
        semester_name=[transcript.Text(value="1")],
        year=2020,
    )
    with pytest.raises(transcript.UnknownGrade):
        transcript.compute_summary([course], THAI_8_LEVEL)
