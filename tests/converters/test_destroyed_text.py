"""Exports whose Thai text a tool destroyed before they reached us: saved by a Western-locale
program (every Thai letter a '?', Windows-1252 punctuation), or UTF-8 read as Windows-1252
and saved again (mojibake). Such names must never be signed; such Thai fields are flagged."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from converters import convert_export

from .test_pipeline_attacks import ISSUED, SECOND, export_of, run, set_value


def western_locale_copy(export: Path) -> None:
    """Save the export as a spreadsheet set to Windows-1252 does: Thai letters become '?',
    the en dash of an English note a Windows-1252 byte."""
    students = export / "students.csv"
    text = students.read_text(encoding="utf-8").replace("Academic Advisor:", "Academic Advisor \u2013 Dr:")
    students.write_bytes(text.encode("cp1252", errors="replace"))
    enrollments = export / "enrollments.csv"
    enrollments.write_bytes(enrollments.read_bytes().decode("tis-620").encode("cp1252", errors="replace"))


def column_of(export: Path, name: str, file: str = "students.csv") -> int:
    header = (export / file).read_bytes().decode("ascii", errors="replace").splitlines()[0].split(",")
    return header.index(name) + 1


def set_course_value(export: Path, column: str, value: str, student: str) -> int:
    """Write `value` into `column` of the student's first course row; the column's number."""
    path = export / "enrollments.csv"
    rows = list(csv.reader(io.StringIO(path.read_bytes().decode("tis-620"), newline="")))
    position = rows[0].index(column)
    next(row for row in rows[1:] if row[0] == student)[position] = value
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    path.write_bytes(out.getvalue().encode("tis-620"))
    return position + 1


def convert(export: Path, out: Path):
    return convert_export(export, out, issued=ISSUED, jobs=1)


def test_a_western_locale_export_signs_no_name_made_of_question_marks(tmp_path: Path) -> None:
    export = export_of(tmp_path / "export", students=3)
    western_locale_copy(export)
    assert b"????" in (export / "students.csv").read_bytes()  # the damage is real

    report = convert(export, tmp_path / "out")

    assert report.written == 0 and report.skipped == 3
    assert not list((tmp_path / "out").glob("*.xml"))
    given, family = column_of(export, "given_name_th"), column_of(export, "family_name_th")
    errors = {(p.code, p.file, p.line, p.column) for p in report.all_problems if p.is_error}
    assert errors == {
        ("CSV030", "students.csv", line, column) for line in (2, 3, 4) for column in (given, family)
    }
    first = next(p for p in report.all_problems if p.is_error)
    assert first.format().startswith(f"students.csv:2:{given}: CSV030 error: given_name_th '")
    assert "question marks, not a name" in first.message and "UTF-8" in first.message
    # Every other Thai field is flagged where it is: the course titles and categories too.
    warned = {(p.file, p.column) for p in report.all_problems if p.code == "CSV029"}
    assert ("enrollments.csv", column_of(export, "title_th", "enrollments.csv")) in warned
    assert ("students.csv", column_of(export, "program_th")) in warned
    assert all(not p.is_error for p in report.all_problems if p.code == "CSV029")


def test_convert_and_issue_refuse_the_destroyed_export_with_located_lines(tmp_path: Path) -> None:
    export = export_of(tmp_path / "export", students=2)
    western_locale_copy(export)
    given = column_of(export, "given_name_th")

    converted = run("convert", export, "--out", tmp_path / "out")
    assert converted.returncode == 1
    assert f"students.csv:3:{given}: CSV030 error: given_name_th '" in converted.stdout
    assert " CSV029 warning: title_th '" in converted.stdout
    assert "0 written" in converted.stderr and "2 skipped" in converted.stderr

    issued = run("issue", export, "--out", tmp_path / "issued", "--jobs", "1")
    assert issued.returncode == 1
    assert f"students.csv:2:{given}: CSV030 error: " in issued.stdout
    assert not list((tmp_path / "issued").glob("*.pdf"))


def test_issue_prints_the_warnings_of_the_students_it_signs(tmp_path: Path) -> None:
    """Only the course titles lost their Thai: the student is issued, and the run says which
    titles were signed as question marks."""
    export = export_of(tmp_path / "export", students=1)
    title = set_course_value(export, "title_th", "??????????", student="631010001")

    issued = run("issue", export, "--out", tmp_path / "issued", "--jobs", "1", "--lang", "th")
    assert issued.returncode == 0, issued.stdout + issued.stderr
    assert issued.stdout.startswith(f"enrollments.csv:2:{title}: CSV029 warning: title_th '??????????' ")


def test_mojibake_is_recognised_and_the_original_shown(tmp_path: Path) -> None:
    """UTF-8 Thai opened as Windows-1252 and saved again: 'พิมพ์ชนก' becomes 'à¸žà¸´...'."""
    export = export_of(tmp_path / "export", students=3)

    def mangled(text: str) -> str:  # the bytes Windows-1252 leaves undefined (ก's 0x81) are dropped
        return text.encode("utf-8").decode("cp1252", errors="ignore")

    column = set_value(export, "family_name_th", mangled("รัตนพันธ์"))
    set_value(export, "faculty_th", mangled("คณะวิศวกรรมศาสตร์"), student="631010001")

    report = convert(export, tmp_path / "out")

    error = next(p for p in report.all_problems if p.is_error)
    assert (error.code, error.line, error.column) == ("CSV030", 3, column)
    assert "wrong encoding" in error.message and "รัตนพ" in error.message
    (warning,) = [p for p in report.all_problems if p.code == "CSV029"]
    assert warning.line == 2 and "wrong encoding" in warning.message and "คณะวิศว" in warning.message
    assert report.written == 2  # the first student, warned, and the third


def test_thai_fields_may_hold_digits_latin_and_english(tmp_path: Path) -> None:
    """Real Thai data has digits and Latin abbreviations ("ภาษาอังกฤษ 1", "ดร."): no problem.
    A Thai field in English is plausible: a warning, and the student is converted."""
    export = export_of(tmp_path / "export", students=3)
    title = set_course_value(export, "title_th", "Python Programming", student=SECOND)
    set_course_value(export, "title_th", "ภาษาอังกฤษ 1", student="631010001")
    set_value(export, "major_th", "วิศวกรรมคอมพิวเตอร์ (AI) 2")
    set_value(export, "prefix_th", "ผศ.ดร.", student="631010003")

    report = convert(export, tmp_path / "out")

    assert report.written == 3
    (warning,) = report.all_problems
    assert (warning.code, warning.file, warning.column) == ("CSV029", "enrollments.csv", title)
    assert "'Python Programming' has no Thai letter" in warning.message and "right column" in warning.message


def test_an_english_name_of_question_marks_is_an_error(tmp_path: Path) -> None:
    export = export_of(tmp_path / "export", students=3)
    column = set_value(export, "given_name_en", "??? \ufffd\ufffd")
    set_value(export, "middle_name_en", "D?", student="631010001")  # one lost letter: not "mostly"

    report = convert(export, tmp_path / "out")

    problem = next(p for p in report.all_problems if p.is_error)
    assert (problem.code, problem.line, problem.column) == ("CSV030", 3, column)
    assert report.written == 2
