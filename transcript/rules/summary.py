"""Course results and the academic summary, computed from the grade scale.

The arithmetic of the message specification in one place, used both to build a
transcript (`grade_course`, `compute_summary`) and to check one (`transcript.rules.checks`):

- a course's credits earned and grade point follow from its symbol;
- points = credits x grade point, for symbols in the GPA;
- per semester: sums of credits (attempted, earned, counted in the GPA) and points;
  GPA = points / counted credits; GPAX = the same ratio over all semesters so far;
- totals over all semesters; TotalGPAX equals the last SemesterGPAX.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from transcript.generated import AcademicSummary, Course, SemesterSummary, Text
from transcript.rules.grades import GradeScale

SemesterKey = tuple[int, str]


def semester_key(item: Course | SemesterSummary) -> SemesterKey:
    """(academic year, first semester name): what identifies a semester in a document."""
    name = item.semester_name[0].value.strip() if item.semester_name else ""
    return (item.year, name)


@dataclass(frozen=True)
class CourseResult:
    """What one course attempt contributes to the sums."""

    credit_value: Decimal
    credit_earned: Decimal
    credit_calculated: Decimal
    point: Decimal | None
    points: Decimal

    @classmethod
    def of(cls, course: Course, scale: GradeScale) -> CourseResult:
        """The result of `course` according to its grade symbol (raises `UnknownGrade`)."""
        grade = scale[course.course_academic_grade_text]
        credit = course.course_credit_value
        if grade.point is None:
            return cls(credit, grade.credit_earned(credit), Decimal(0), None, Decimal(0))
        return cls(credit, grade.credit_earned(credit), credit, grade.point, credit * grade.point)


@dataclass(slots=True)
class Tally:
    """Running sums over course results."""

    credit_value: Decimal = Decimal(0)
    credit_earned: Decimal = Decimal(0)
    credit_calculated: Decimal = Decimal(0)
    points: Decimal = Decimal(0)

    def add(self, result: CourseResult) -> None:
        self.credit_value += result.credit_value
        self.credit_earned += result.credit_earned
        self.credit_calculated += result.credit_calculated
        self.points += result.points

    def merge(self, other: Tally) -> None:
        self.credit_value += other.credit_value
        self.credit_earned += other.credit_earned
        self.credit_calculated += other.credit_calculated
        self.points += other.points


def group_by_semester(courses: Sequence[Course]) -> dict[SemesterKey, list[int]]:
    """Indices of the courses of each semester, semesters in order of first appearance."""
    groups: dict[SemesterKey, list[int]] = {}
    for index, course in enumerate(courses):
        groups.setdefault(semester_key(course), []).append(index)
    return groups


def grade_course(course: Course, scale: GradeScale) -> Course:
    """A copy of `course` with credits earned, grade point and points filled in from its symbol.

    Symbols outside the GPA get no grade point and no points, as the specification asks.
    Raises `UnknownGrade` for a symbol the scale does not define.
    """
    result = CourseResult.of(course, scale)
    symbol = scale[course.course_academic_grade_text].symbol
    return dataclasses.replace(
        course,
        course_academic_grade_text=symbol,
        course_credit_earned=result.credit_earned,
        course_academic_grade=result.point,
        course_point_earned=result.points if result.point is not None else None,
    )


def compute_summary(courses: Sequence[Course], scale: GradeScale) -> AcademicSummary:
    """Build the `AcademicSummary` (one line per semester, then totals) from the courses.

    Semesters appear in the order their first course appears (courses are listed in study
    order). Every figure comes from the grade symbols and the scale; values stated on the
    courses are not trusted. Raises `UnknownGrade` for a symbol the scale does not define.
    """
    total = Tally()
    lines = []
    for indices in group_by_semester(courses).values():
        semester = Tally()
        for index in indices:
            semester.add(CourseResult.of(courses[index], scale))
        total.merge(semester)
        first = courses[indices[0]]
        lines.append(
            SemesterSummary(
                education_type_system=_copy_texts(first.education_type_system),
                semester_name=_copy_texts(first.semester_name),
                year=first.year,
                semester_credit_value=semester.credit_value,
                semester_credit_earned=semester.credit_earned,
                semester_credit_calculated=semester.credit_calculated,
                semester_point_earned=semester.points,
                semester_gpa=scale.gpa(semester.points, semester.credit_calculated),
                semester_gpax=scale.gpa(total.points, total.credit_calculated),
            )
        )
    return AcademicSummary(
        semester_summary=lines,
        total_credit_value=total.credit_value,
        total_credit_earned=total.credit_earned,
        total_credit_calculated=total.credit_calculated,
        total_point_earned=total.points,
        total_gpax=scale.gpa(total.points, total.credit_calculated),
    )


def _copy_texts(texts: list[Text]) -> list[Text]:
    return [Text(value=t.value, language_id=t.language_id) for t in texts]
