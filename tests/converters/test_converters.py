"""Registrar exports into transcripts: the example, both layouts, and every kind of bad data."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

import transcript
from converters import ConversionError, convert_export, iter_transcripts, load_profile
from converters.values import Cell, DateReader, EraTracker, Problems

from ..helpers import ROOT, load_script

REGISTRAR = ROOT / "examples" / "registrar"
FLAT = ROOT / "examples" / "registrar-flat"
ISSUED = dt.datetime(2024, 6, 15, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
SCRIPT = Path(sys.executable).parent / "transcript"


@pytest.fixture
def export(tmp_path: Path) -> Path:
    target = tmp_path / "export"
    shutil.copytree(REGISTRAR, target, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return target


def edit(path: Path, old: str, new: str, encoding: str = "utf-8", count: int = 1) -> None:
    text = path.read_bytes().decode(encoding)
    assert old in text, old
    path.write_bytes(text.replace(old, new, count).encode(encoding))


def line_of(path: Path, needle: str, encoding: str = "utf-8") -> int:
    for number, line in enumerate(path.read_bytes().decode(encoding).splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(needle)


def convert(export: Path, out: Path, **kwargs):
    kwargs.setdefault("issued", ISSUED)
    kwargs.setdefault("jobs", 1)
    return convert_export(export, out, **kwargs)


def codes(report) -> list[str]:
    return sorted(p.code for p in report.all_problems)


# ---------------------------------------------------------------- the example


def test_example_export_converts_completely(tmp_path: Path) -> None:
    report = convert(REGISTRAR, tmp_path / "out", jobs=2)
    assert report.ok, [p.format() for p in report.all_problems]
    assert report.written == 45 and report.skipped == 0
    files = sorted((tmp_path / "out").glob("*.xml"))
    assert len(files) == 45
    assert not list((tmp_path / "out").glob(".*"))  # no temporary or staging leftovers
    for path in files:
        assert transcript.validate(path.read_bytes()).problems == (), path.name


def test_example_is_what_the_issue_promises() -> None:
    assert b"," in (REGISTRAR / "enrollments.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        (REGISTRAR / "enrollments.csv").read_bytes().decode("utf-8")  # TIS-620 on purpose
    models = [t for _, t, _ in iter_transcripts(REGISTRAR, issued=ISSUED)]
    assert len(models) >= 40
    programmes = {t.student.program_context.program_id for t in models}
    years = {c.year for t in models for c in t.course}
    symbols = {c.course_academic_grade_text for t in models for c in t.course}
    assert len(programmes) >= 2 and len(years) >= 4
    assert {"S", "U", "W", "I", "T"} <= symbols
    assert any(c.semester_name[0].value == "ภาคฤดูร้อน" for t in models for c in t.course)
    assert any(t.additional_information.hons for t in models)
    assert any(t.student.credits_tranferred for t in models)
    assert any(t.transcript_context.status == "Incomplete" for t in models)
    assert all({x.language_id for x in t.student.given_name} == {"th", "en"} for t in models)


def test_example_graduates_have_the_gpax_a_degree_needs() -> None:
    """A Thai bachelor's degree needs a GPAX of 2.00: every graduate of the example has it, and
    the weak students are still studying (no graduation date, status Incomplete)."""
    models = [t for _, t, _ in iter_transcripts(REGISTRAR, issued=ISSUED)]
    graduates = [t for t in models if t.student.date_of_graduation is not None]
    assert len(graduates) >= 25
    assert all(t.academic_summary.total_gpax >= Decimal("2.00") for t in graduates)
    assert all(t.transcript_context.status == "Complete" for t in graduates)
    weak = [t for t in models if t.academic_summary.total_gpax < Decimal("2.00")]
    assert len(weak) >= 3
    assert all(t.transcript_context.status == "Incomplete" for t in weak)
    assert all(t.student.date_of_graduation is None for t in weak)


def test_a_graduate_below_the_degree_gpax_is_warned_about(export: Path, tmp_path: Path) -> None:
    """STATUS003: the business rule behind the example's fix, on a real conversion."""
    path = export / "students.csv"
    rows = list(csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8"), newline="")))
    weak = next(row for row in rows if row["gpax"] == "1.56")
    assert weak["graduation_date"] == ""  # still studying in the example
    weak["graduation_date"] = "2024-05-31"
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_bytes(out.getvalue().encode("utf-8"))
    report = convert(export, tmp_path / "out")
    (problem,) = report.all_problems
    assert (problem.code, problem.severity.value) == ("STATUS003", "warning")
    assert "TotalGPAX is 1.56" in problem.message and "2.00" in problem.message
    assert report.written == 45  # a warning: the registrar decides


def test_flat_layout_gives_identical_transcripts(tmp_path: Path) -> None:
    split = convert(REGISTRAR, tmp_path / "split")
    flat = convert(FLAT, tmp_path / "flat", profile="sql-flat")
    assert split.ok and flat.ok
    names = sorted(p.name for p in (tmp_path / "split").glob("*.xml"))
    assert names == sorted(p.name for p in (tmp_path / "flat").glob("*.xml"))
    for name in names:
        assert (tmp_path / "split" / name).read_bytes() == (tmp_path / "flat" / name).read_bytes(), name


def test_parallel_and_single_process_agree(tmp_path: Path) -> None:
    convert(REGISTRAR, tmp_path / "one", jobs=1)
    convert(REGISTRAR, tmp_path / "two", jobs=2)
    for path in (tmp_path / "one").glob("*.xml"):
        assert path.read_bytes() == (tmp_path / "two" / path.name).read_bytes()


def test_unsorted_enrollments_give_the_same_result(export: Path, tmp_path: Path) -> None:
    path = export / "enrollments.csv"
    header, *rows = path.read_bytes().decode("tis-620").splitlines(keepends=True)
    # Interleave the students' rows at random, each student's own rows keeping their order
    # (which is the order of courses within a semester).
    queues: dict[str, list[str]] = {}
    for row in rows:
        queues.setdefault(row.split(",", 1)[0], []).append(row)
    rng, mixed = random.Random(7), []
    while queues:
        student = rng.choice(sorted(queues))
        mixed.append(queues[student].pop(0))
        if not queues[student]:
            del queues[student]
    assert mixed != rows
    path.write_bytes((header + "".join(mixed)).encode("tis-620"))
    convert(REGISTRAR, tmp_path / "sorted")
    shuffled = convert(export, tmp_path / "shuffled", jobs=2)
    assert shuffled.ok
    for original in (tmp_path / "sorted").glob("*.xml"):
        assert original.read_bytes() == (tmp_path / "shuffled" / original.name).read_bytes()


def test_the_build_script_reproduces_the_example() -> None:
    module = load_script(REGISTRAR / "build.py", "registrar_build")
    for path, data in module.build().items():
        assert path.read_bytes() == data, f"{path} is stale: run examples/registrar/build.py"


# ------------------------------------------------------------ located problems


def test_unknown_grade_skips_only_that_student(export: Path, tmp_path: Path) -> None:
    enrollments = export / "enrollments.csv"
    text = enrollments.read_bytes().decode("tis-620")
    line = line_of(enrollments, "631010002,2563,1,CPE101", "tis-620")
    rows = text.splitlines(keepends=True)
    rows[line - 1] = rows[line - 1].rsplit(",", 1)[0] + ",Q\r\n"
    enrollments.write_bytes("".join(rows).encode("tis-620"))
    report = convert(export, tmp_path / "out")
    assert report.written == 44 and report.skipped == 1
    (problem,) = report.all_problems
    assert (problem.code, problem.file, problem.line, problem.column) == (
        "CSV015",
        "enrollments.csv",
        line,
        10,
    )
    assert "grade 'Q' is not on the thai-8-level scale" in problem.message
    assert not (tmp_path / "out" / "631010002.xml").exists()
    assert problem.format().startswith(f"enrollments.csv:{line}:10: CSV015 error: ")


def test_credit_written_as_a_word(export: Path, tmp_path: Path) -> None:
    edit(export / "enrollments.csv", ",3,A\r\n", ",three,A\r\n", "tis-620")
    report = convert(export, tmp_path / "out")
    (problem,) = report.all_problems
    assert problem.code == "CSV012" and problem.column == 9
    assert "credits 'three' is not a number of credits" in problem.message


def test_malformed_and_impossible_dates(export: Path, tmp_path: Path) -> None:
    edit(export / "students.csv", ",2002-05-03,", ",03/05/2002,")
    edit(export / "students.csv", ",2002-01-15,", ",2002-02-30,")
    report = convert(export, tmp_path / "out")
    found = {p.code: p for p in report.all_problems}
    assert set(found) == {"CSV013"} and len(report.all_problems) == 2
    messages = sorted(p.message for p in report.all_problems)
    assert "birth_date '03/05/2002' is not a date in the form yyyy-mm-dd" in messages[0]
    assert "birth_date '2002-02-30' is not a real date" in messages[1]
    assert report.skipped == 2


def test_be_ce_mix_in_academic_years(export: Path, tmp_path: Path) -> None:
    edit(export / "enrollments.csv", "631010001,2563,2,", "631010001,2020,2,", "tis-620")
    report = convert(export, tmp_path / "out")
    (problem,) = report.all_problems
    assert problem.code == "CSV014"
    assert "'2020' is a common-era (CE) year" in problem.message and "BE and CE are mixed" in problem.message


def test_declared_be_dates_are_converted_and_checked() -> None:
    reader = DateReader.of(["%d/%m/%Y"], "BE")

    def read(text: str):
        problems = Problems()
        value = reader.read(Cell(text, "f.csv", 2, 3, "birth_date"), EraTracker(), problems)
        return value, [p.code for p in problems.items]

    assert read("15/06/2566") == (dt.date(2023, 6, 15), [])
    assert read("29/02/2567") == (dt.date(2024, 2, 29), [])  # 2024 is leap, 2567 is not
    assert read("๑๕/๐๖/๒๕๖๖") == (dt.date(2023, 6, 15), [])  # Thai digits
    assert read("15/06/2023") == (None, ["CSV014"])
    assert read("31/04/2566") == (None, ["CSV013"])


def test_bad_national_id_check_digit(export: Path, tmp_path: Path) -> None:
    students = export / "students.csv"
    edit(students, "631010002,1932651318744,", "631010002,1932651318745,")
    report = convert(export, tmp_path / "out")
    (problem,) = report.all_problems
    assert (problem.code, problem.line, problem.column) == ("CSV017", 3, 2)
    assert "check digit (the last digit should be 4)" in problem.message


def test_enrollment_for_an_unknown_student(export: Path, tmp_path: Path) -> None:
    with (export / "enrollments.csv").open("ab") as handle:
        handle.write("999999999,2563,1,GE101,ภาษาไทย,Thai,หมวด,General,3,A\r\n".encode("tis-620"))
    report = convert(export, tmp_path / "out")
    assert report.written == 45 and not report.ok
    (problem,) = report.problems
    assert problem.code == "CSV018" and "'999999999'" in problem.message


def test_duplicate_student_row(export: Path, tmp_path: Path) -> None:
    students = export / "students.csv"
    lines = students.read_text(encoding="utf-8").splitlines(keepends=True)
    students.write_text("".join([*lines, lines[5]]), encoding="utf-8")
    report = convert(export, tmp_path / "out")
    assert report.skipped == 1 and report.written == 44
    (problem,) = report.all_problems
    assert problem.code == "CSV010" and f"lines 6, {len(lines) + 1}" in problem.message


def test_missing_required_column_stops_everything(export: Path, tmp_path: Path) -> None:
    edit(export / "students.csv", "given_name_en", "firstname_en")
    report = convert(export, tmp_path / "out")
    assert report.written == 0 and not report.ok
    (problem,) = report.problems
    assert (problem.code, problem.file, problem.line) == ("CSV001", "students.csv", 1)
    assert "'given_name_en'" in problem.message


def test_undetectable_encoding(export: Path, tmp_path: Path) -> None:
    path = export / "enrollments.csv"
    data = path.read_bytes().replace(b",Calculus I,", b",Calcul\xe9 \xc3I,", 1)
    path.write_bytes(data)
    report = convert(export, tmp_path / "out")
    (problem,) = report.problems
    assert problem.code == "CSV002" and problem.file == "enrollments.csv"
    assert problem.line == line_of(path, "Calcul", "latin-1")
    assert report.written == 0


def test_unknown_semester_spelling(export: Path, tmp_path: Path) -> None:
    edit(export / "enrollments.csv", "631010001,2563,1,GE101", "631010001,2563,X,GE101", "tis-620")
    (problem,) = convert(export, tmp_path / "out").all_problems
    assert problem.code == "CSV016" and "'X'" in problem.message


def test_gpax_column_is_cross_checked(export: Path, tmp_path: Path) -> None:
    edit(export / "students.csv", ",3.75\r\n", ",3.95\r\n")
    (problem,) = convert(export, tmp_path / "out").all_problems
    assert problem.code == "CSV020" and "3.95" in problem.message and "3.75" in problem.message


def test_same_course_twice_in_a_semester(export: Path, tmp_path: Path) -> None:
    path = export / "enrollments.csv"
    lines = path.read_bytes().decode("tis-620").splitlines(keepends=True)
    lines.insert(2, lines[1])
    path.write_bytes("".join(lines).encode("tis-620"))
    (problem,) = convert(export, tmp_path / "out").all_problems
    assert problem.code == "CSV019" and problem.line == 3


def test_flat_student_columns_must_agree(tmp_path: Path) -> None:
    export = tmp_path / "flat"
    shutil.copytree(FLAT, export)
    path = export / "export.csv"
    text = path.read_bytes().decode("utf-8-sig").splitlines(keepends=True)
    text[3] = text[3].replace(";Peerapat;", ";Peerapot;")
    path.write_bytes(("\ufeff" + "".join(text)).encode("utf-8"))
    report = convert(export, tmp_path / "out", profile="sql-flat")
    (problem,) = report.all_problems
    assert problem.code == "CSV021" and problem.line == 4 and "FNAME_EN" in problem.message


def test_strict_writes_nothing_when_anything_is_wrong(export: Path, tmp_path: Path) -> None:
    edit(export / "enrollments.csv", ",3,A\r\n", ",three,A\r\n", "tis-620")
    out = tmp_path / "out"
    report = convert(export, out, strict=True, jobs=2)
    assert report.strict_stopped and not report.ok
    assert list(out.iterdir()) == []
    clean = convert(REGISTRAR, tmp_path / "clean", strict=True)
    assert clean.ok and len(list((tmp_path / "clean").glob("*.xml"))) == 45


def test_stale_partial_files_are_removed(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / ".partial-abc.tmp").write_bytes(b"<half")
    convert(REGISTRAR, out)
    assert not list(out.glob(".partial-*"))


def test_unusable_setup_raises(export: Path, tmp_path: Path) -> None:
    with pytest.raises(ConversionError, match="not a folder"):
        convert(tmp_path / "nope", tmp_path / "out")
    with pytest.raises(ConversionError, match="no profile"):
        convert(export, tmp_path / "out", profile="imaginary")
    (export / "institution.toml").write_text("[organization]\nid = 5\n")
    with pytest.raises(ConversionError, match=r"organization\.id"):
        convert(export, tmp_path / "out")


def test_profiles_load_and_validate() -> None:
    assert load_profile().name == "canonical"
    assert load_profile("sql-flat").layout == "flat"
    assert load_profile("sql-flat").semester_code("3") == "S"


# --------------------------------------------------------------------- the CLI


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([str(SCRIPT), *map(str, args)], capture_output=True, text=True, timeout=120)
    assert "Traceback" not in result.stderr, result.stderr
    return result


def test_cli_convert_reports_and_exit_codes(export: Path, tmp_path: Path) -> None:
    ok = run("convert", REGISTRAR, "--out", tmp_path / "a", "--issued", "2024-06-15T10:00:00+0700")
    assert ok.returncode == 0 and ok.stdout == ""
    assert "45 students: 45 written to" in ok.stderr
    edit(export / "enrollments.csv", ",3,A\r\n", ",three,A\r\n", "tis-620")
    bad = run("convert", export, "--out", tmp_path / "b")
    assert bad.returncode == 1
    assert bad.stdout.startswith("enrollments.csv:") and " CSV012 error: " in bad.stdout
    assert "44 written" in bad.stderr and "1 skipped" in bad.stderr
    unusable = run("convert", tmp_path / "missing", "--out", tmp_path / "c")
    assert unusable.returncode == 2 and "not a folder" in unusable.stderr
    as_json = run("convert", export, "--out", tmp_path / "d", "--json")
    assert '"skipped": 1' in as_json.stdout
