"""Hostile or broken registrar data: one student's data never stops a run, and no output is
dangerous (a formula in manifest.csv, a control character in a signed name, a file name
outside the output folder)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from converters import convert_export
from converters.csvfile import split_record

from ..helpers import ROOT

REGISTRAR = ROOT / "examples" / "registrar"
ISSUED = dt.datetime(2024, 6, 15, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
SCRIPT = Path(sys.executable).parent / "transcript"
SECOND = "631010002"  # the student each test spoils; line 3 of students.csv
FORMULA = '=HYPERLINK("http://x","y")'
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def export_of(folder: Path, students: int = 3) -> Path:
    """A copy of the example export cut down to its first `students` students."""
    shutil.copytree(REGISTRAR, folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    lines = (folder / "students.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    (folder / "students.csv").write_text("".join(lines[: students + 1]), encoding="utf-8")
    keep = {line.split(",", 1)[0] for line in lines[1 : students + 1]}
    rows = (folder / "enrollments.csv").read_bytes().decode("tis-620").splitlines(keepends=True)
    chosen = [rows[0]] + [r for r in rows[1:] if r.split(",", 1)[0] in keep]
    (folder / "enrollments.csv").write_bytes("".join(chosen).encode("tis-620"))
    return folder


def set_value(export: Path, column: str, value: str, *, student: str = SECOND) -> int:
    """Write `value` into `column` of the student's row in students.csv, quoted as a
    spreadsheet would; returns the column's 1-based number."""
    path = export / "students.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    position = rows[0].index(column)
    for row in rows[1:]:
        if row[0] == student:
            row[position] = value
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8", newline="")
    return position + 1


def renumber(export: Path, new: str, old: str = SECOND) -> None:
    """Give a student another number in both files (quoted where CSV needs it)."""
    set_value(export, "student_id", new, student=old)
    path = export / "enrollments.csv"
    rows = list(csv.reader(io.StringIO(path.read_bytes().decode("tis-620"), newline="")))
    for row in rows[1:]:
        if row[0] == old:
            row[0] = new
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    path.write_bytes(out.getvalue().encode("tis-620"))


def convert(export: Path, out: Path, **kwargs):
    kwargs.setdefault("issued", ISSUED)
    kwargs.setdefault("jobs", 1)
    return convert_export(export, out, **kwargs)


def run(*args: str | Path, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([str(SCRIPT), *map(str, args)], capture_output=True, text=True, timeout=timeout,
                            stdin=subprocess.DEVNULL)  # fmt: skip
    assert "Traceback" not in result.stderr, result.stderr
    return result


def only_error(report):
    (problem,) = [p for p in report.all_problems if p.is_error]
    return problem


# ------------------------------------------------ 1. formulas and student numbers


@pytest.mark.parametrize("number", [FORMULA, "+1", "-5", "@SUM(1)", "_x"])
def test_a_student_number_a_spreadsheet_would_run_is_refused(tmp_path: Path, number: str) -> None:
    export = export_of(tmp_path / "export")
    renumber(export, number)
    report = convert(export, tmp_path / "out")
    problem = only_error(report)
    assert (problem.code, problem.file, problem.line, problem.column) == ("CSV024", "students.csv", 3, 1)
    assert report.written == 2 and report.skipped == 1
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["631010001.xml", "631010003.xml"]


def test_manifest_csv_neutralises_every_cell_a_spreadsheet_would_run(tmp_path: Path) -> None:
    from transcript.issuing.run import IssueReport, StudentRecord, _write_manifest
    from transcript.problems import Problem, Severity

    report = IssueReport(tmp_path)
    report.students = [
        StudentRecord(
            "=1+1", "skipped", "", "+cmd", "-x", {"@a.xml": "\tb"},
            [Problem("X", Severity.ERROR, "m", file="\rfile", line=1)],
        ),
        StudentRecord("ok", "issued", "", "99001-ok", "TOTAL-PASSED", {"ok.xml": "ab"}),
        StudentRecord("6\x1b[2J\n7", "skipped"),  # a terminal's escape sequence, a line break
    ]  # fmt: skip
    _write_manifest(report, "fingerprint")
    data = (tmp_path / "manifest.csv").read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(data, newline="")))
    assert rows[0][0] == "student_id"
    cells = [cell for row in rows for cell in row]
    assert not [cell for cell in cells if cell.startswith(FORMULA_START)]
    by_number = {row[0]: row for row in rows[1:]}
    assert by_number["'=1+1"][1:6] == ["skipped", "'+cmd", "'-x", "'@a.xml", "'\\tb"]
    assert by_number["'=1+1"][6].startswith("'\\rfile:1: X m")
    assert by_number["ok"][:4] == ["ok", "issued", "99001-ok", "TOTAL-PASSED"]
    assert by_number["6\\x1b[2J\\n7"][1] == "skipped"
    assert len(data.split("\r\n")) == 5  # one line per student, and none split
    # Every cell is quoted: a separator inside a value cannot start a new cell (OWASP).
    assert all(line.startswith('"') for line in data.split("\r\n") if line)
    # manifest.json keeps the raw values
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert {s["student_id"] for s in manifest["students"]} == {"=1+1", "ok", "6\x1b[2J\n7"}


def test_issue_manifest_has_no_formula_and_the_run_goes_on(tmp_path: Path) -> None:
    export, out = export_of(tmp_path / "export", 2), tmp_path / "out"
    renumber(export, FORMULA)
    result = run("issue", export, "--out", out, "--jobs", "1", "--lang", "th")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "students.csv:3:1: CSV024 error" in result.stdout
    rows = list(csv.reader(io.StringIO((out / "manifest.csv").read_bytes().decode("utf-8-sig"), newline="")))
    assert not [cell for row in rows for cell in row if cell.startswith(FORMULA_START)]
    assert ["'" + FORMULA, "skipped"] in [row[:2] for row in rows]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert {s["student_id"]: s["status"] for s in manifest["students"]} == {
        FORMULA: "skipped",
        "631010001": "issued",
    }


# ---------------------------------------------------------- 2. control characters

CONTROLS = ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\x9b", "\t", "\n", "\r", "\u2028"]


@pytest.mark.parametrize("control", CONTROLS, ids=[f"U+{ord(c):04X}" for c in CONTROLS])
def test_a_control_character_in_a_name_skips_only_that_student(tmp_path: Path, control: str) -> None:
    export = export_of(tmp_path / "export")
    column = set_value(export, "given_name_en", f"Pim{control}chanok")
    report = convert(export, tmp_path / "out")
    problem = only_error(report)
    assert (problem.code, problem.file, problem.line, problem.column) == ("CSV026", "students.csv", 3, column)
    assert "given_name_en" in problem.message and f"U+{ord(control):04X}" in problem.message
    assert control not in problem.message  # the message itself stays one clean line
    assert report.written == 2 and report.skipped == 1
    assert not (tmp_path / "out" / f"{SECOND}.xml").exists()


def test_a_control_character_in_a_course_title_skips_only_that_student(tmp_path: Path) -> None:
    export = export_of(tmp_path / "export")
    path = export / "enrollments.csv"
    text = path.read_bytes().decode("tis-620")
    needle = f"{SECOND},2563,1,CPE101,"
    line = next(n for n, row in enumerate(text.splitlines(), start=1) if row.startswith(needle))
    path.write_bytes(text.replace(",Computer Programming,", ",Computer\x00Programming,", 2).encode("tis-620"))
    report = convert(export, tmp_path / "out")
    problems = [p for p in report.all_problems if p.is_error]
    assert {(p.code, p.file, p.column) for p in problems} == {("CSV026", "enrollments.csv", 6)}
    assert line in {p.line for p in problems} and "title_en" in problems[0].message
    assert report.written == 1 and report.skipped == 2  # the first two students take that course


def test_convert_reports_a_nul_in_a_name_without_a_traceback(tmp_path: Path) -> None:
    export = export_of(tmp_path / "export")
    set_value(export, "given_name_en", "Pim\x00chanok")
    result = run("convert", export, "--out", tmp_path / "out")
    assert result.returncode == 1
    assert result.stdout.startswith("students.csv:3:9: CSV026 error: ")
    assert "2 written" in result.stderr and "1 skipped" in result.stderr


# ----------------------------------------------- 3. student numbers as file names


@pytest.mark.parametrize(
    "number", ["1" * 65, "1" * 300, "../x", "a/b", "a\\b", "..", ".x", "CON", "nul", "Com1.x", "a b"]
)
def test_a_student_number_that_cannot_name_a_file_is_refused(tmp_path: Path, number: str) -> None:
    export = export_of(tmp_path / "export")
    renumber(export, number)
    report = convert(export, tmp_path / "out")
    problem = only_error(report)
    assert (problem.code, problem.file, problem.line, problem.column) == ("CSV024", "students.csv", 3, 1)
    assert len(problem.message) < 300  # a long number is shortened in the message
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["631010001.xml", "631010003.xml"]


def test_a_student_number_of_the_longest_allowed_length_is_converted(tmp_path: Path) -> None:
    export = export_of(tmp_path / "export")
    renumber(export, "1" * 64)
    report = convert(export, tmp_path / "out")
    assert report.ok and (tmp_path / "out" / f"{'1' * 64}.xml").exists()


def test_issue_skips_an_over_long_student_number_and_goes_on(tmp_path: Path) -> None:
    export, out = export_of(tmp_path / "export", 2), tmp_path / "out"
    renumber(export, "1" * 240)
    result = run("issue", export, "--out", out, "--jobs", "1", "--lang", "th")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "students.csv:3:1: CSV024 error" in result.stdout
    counts = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["counts"]
    assert counts == {"issued": 1, "unchanged": 0, "skipped": 1, "failed": 0}


# ------------------------------------------------ 4. fields the CSV reader refuses

BIG = 140_000  # over Python csv's field_size_limit (131072)


@pytest.mark.parametrize("quoted", [False, True])
def test_a_field_over_the_csv_limit_skips_only_that_student(tmp_path: Path, quoted: bool) -> None:
    export = export_of(tmp_path / "export")
    value = "x" * BIG if not quoted else "x, " * (BIG // 3)  # a comma forces quoting
    column = set_value(export, "given_name_en", value)
    report = convert(export, tmp_path / "out")
    problem = only_error(report)
    assert (problem.code, problem.file, problem.line, problem.column) == ("CSV027", "students.csv", 3, column)
    assert "given_name_en" in problem.message and len(problem.message) < 300
    assert report.written == 2 and report.skipped == 1


def test_an_over_long_course_field_skips_only_that_student(tmp_path: Path) -> None:
    export = export_of(tmp_path / "export")
    path = export / "enrollments.csv"
    text = path.read_bytes().decode("tis-620")
    needle = f"{SECOND},2563,1,CPE101,"
    start = text.index(needle)
    row_end = text.index("\r\n", start)
    row = text[start:row_end].replace(",Computer Programming,", "," + "y" * BIG + ",")
    path.write_bytes((text[:start] + row + text[row_end:]).encode("tis-620"))
    report = convert(export, tmp_path / "out")
    problem = only_error(report)
    assert (problem.code, problem.file, problem.column) == ("CSV027", "enrollments.csv", 6)
    assert report.written == 2 and report.skipped == 1
    assert not (tmp_path / "out" / f"{SECOND}.xml").exists()


def unterminated(export: Path) -> None:
    path = export / "students.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(",Pimchanok,", ',"Pimchanok,', 1), encoding="utf-8")


def test_an_unterminated_quote_stops_convert_before_anything_is_written(tmp_path: Path) -> None:
    export = export_of(tmp_path / "export")
    unterminated(export)
    report = convert(export, tmp_path / "out")
    (problem,) = report.problems
    assert (problem.code, problem.file, problem.line) == ("CSV003", "students.csv", 3)
    assert "never closed" in problem.message
    assert report.written == 0 and not (tmp_path / "out").exists()
    result = run("convert", export, "--out", tmp_path / "cli")
    assert result.returncode == 2
    assert result.stdout.startswith("students.csv:3: CSV003 error: ")


def test_a_huge_field_inside_a_quote_that_spans_lines_stops_convert(tmp_path: Path) -> None:
    export = export_of(tmp_path / "export")
    path = export / "students.csv"
    spanning = '"Pim' + "x\r\n" * (BIG // 3) + 'chanok"'  # a closed quote, too long a field
    path.write_text(path.read_text(encoding="utf-8").replace("Pimchanok", spanning, 1), encoding="utf-8")
    report = convert(export, tmp_path / "out")
    (problem,) = report.problems
    assert (problem.code, problem.line) == ("CSV003", 3)
    assert report.written == 0


def test_issue_reports_an_unterminated_quote_in_one_line_and_writes_nothing(tmp_path: Path) -> None:
    export, out = export_of(tmp_path / "export", 2), tmp_path / "out"
    unterminated(export)
    result = run("issue", export, "--out", out, "--jobs", "1", "--lang", "th")
    assert result.returncode == 2, result.stdout + result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("transcript: students.csv:3: CSV003 error: ") and "never closed" in line
    assert not [p for p in out.iterdir() if p.is_file()]  # no student's file, no manifest


def test_issue_reports_a_field_over_the_csv_limit_and_goes_on(tmp_path: Path) -> None:
    export, out = export_of(tmp_path / "export", 2), tmp_path / "out"
    set_value(export, "given_name_en", "x" * BIG)
    result = run("issue", export, "--out", out, "--jobs", "1", "--lang", "th")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "students.csv:3:9: CSV027 error" in result.stdout
    counts = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["counts"]
    assert counts == {"issued": 1, "unchanged": 0, "skipped": 1, "failed": 0}


def test_issue_keeps_the_previous_manifest_when_the_export_cannot_be_read(tmp_path: Path) -> None:
    export, out = export_of(tmp_path / "export", 1), tmp_path / "out"
    assert run("issue", export, "--out", out, "--jobs", "1", "--lang", "th").returncode == 0
    before = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["students"]
    path = export / "students.csv"
    path.write_text(path.read_text(encoding="utf-8") + '"unterminated,\r\n', encoding="utf-8")
    assert run("issue", export, "--out", out, "--jobs", "1", "--lang", "th").returncode == 2
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8"))["students"] == before


SAMPLES = [
    "a,b,c\r\n",
    '"a,b",c\r\n',
    '"a ""q"" b",,\r\n',
    '"multi\r\nline",x\n',
    'ab"c,d\n',
    ",,\n",
    '"",x',
    "x",
]


@pytest.mark.parametrize("text", SAMPLES)
def test_split_record_reads_a_record_as_the_csv_module_does(text: str) -> None:
    (expected,) = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    assert split_record(text, ",") == expected


def test_split_record_refuses_what_does_not_end_a_record() -> None:
    assert split_record('"open,\r\n', ",") is None
    assert split_record('"a"b,c\n', ",") is None  # strict: text after a closing quote
    assert split_record("a;b\n", ";") == ["a", "b"]
