"""Reading a whole registrar export, one student at a time.

Students are read into memory (one small row each); course attempts are streamed, one
student's rows at a time, so memory does not grow with the number of enrollments. Exports
are usually ordered by student; when one is not, its rows are sorted on disk (a temporary
SQLite file) rather than in memory.
"""

from __future__ import annotations

import itertools
import json
import sqlite3
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from transcript.problems import Problem, Severity

from .assemble import StudentRows
from .csvfile import CsvFile, Header, Row, map_header, open_csv
from .profile import (
    ENROLLMENT_OPTIONAL,
    ENROLLMENT_REQUIRED,
    STUDENT_FIELDS,
    STUDENT_OPTIONAL,
    STUDENT_REQUIRED,
    Profile,
)
from .values import shown


@dataclass(frozen=True)
class Rejected:
    """A student the reader already knows cannot be converted, with the reasons."""

    student_id: str
    line: int
    problems: tuple[Problem, ...]


def _problem(file: str, line: int, column: int | None, code: str, message: str) -> Problem:
    return Problem(code, Severity.ERROR, message, None, line, column, file)


class ExportReader:
    """Yields each student of an export as `StudentRows` (or `Rejected`).

    Problems that belong to no convertible student (course rows of an unknown student) are
    collected in `problems`. Opening raises `CsvError` for a file that cannot be read at all:
    missing, in an unrecognisable encoding, or without a required column. Every file is read
    through before the first student is given, so broken CSV (CSV003) is raised by the first
    step of the iteration, before a run has done anything with any student.
    """

    def __init__(self, export_dir: Path, profile: Profile) -> None:
        self.export_dir = export_dir
        self.profile = profile
        self.problems: list[Problem] = []
        if profile.layout == "flat":
            self.flat = self._open(profile.export_file)
            header = map_header(
                self.flat.header(),
                self.flat.display,
                (*STUDENT_REQUIRED, *ENROLLMENT_REQUIRED[1:]),
                (*STUDENT_OPTIONAL, *ENROLLMENT_OPTIONAL),
                dict(profile.columns),
            )
            self.student_header = self.enrollment_header = header
        else:
            self.students_csv = self._open(profile.students_file)
            self.enrollments_csv = self._open(profile.enrollments_file)
            self.student_header = map_header(
                self.students_csv.header(),
                self.students_csv.display,
                STUDENT_REQUIRED,
                STUDENT_OPTIONAL,
                dict(profile.columns),
            )
            self.enrollment_header = map_header(
                self.enrollments_csv.header(),
                self.enrollments_csv.display,
                ENROLLMENT_REQUIRED,
                ENROLLMENT_OPTIONAL,
                dict(profile.columns),
            )

    def _open(self, name: str) -> CsvFile:
        return open_csv(self.export_dir / name, name, self.profile.encoding, self.profile.delimiter)

    def __iter__(self) -> Iterator[StudentRows | Rejected]:
        if self.profile.layout == "flat":
            yield from self._flat()
        else:
            yield from self._split()

    # ------------------------------------------------------------------ split

    def _split(self) -> Iterator[StudentRows | Rejected]:
        with tempfile.TemporaryDirectory(prefix="transcript-students-") as scratch:
            students = _StudentTable(Path(scratch) / "students.sqlite")
            try:
                yield from self._split_with(students)
            finally:
                students.close()

    def _split_with(self, students: _StudentTable) -> Iterator[StudentRows | Rejected]:
        header = self.student_header
        duplicates: dict[str, list[int]] = {}
        rejected: list[Rejected] = []  # given once every file has been read through
        for row in self.students_csv.data_rows():
            student_id = header.value(row, "student_id")
            if not student_id:
                rejected.append(
                    Rejected(
                        "",
                        row.line,
                        (
                            _problem(
                                header.display,
                                row.line,
                                header.column("student_id"),
                                "CSV011",
                                "the student number is empty; this row cannot be converted",
                            ),
                        ),
                    )
                )
                continue
            first_line = students.add(student_id, row)
            if first_line is not None:
                duplicates.setdefault(student_id, [first_line]).append(row.line)
        for student_id, lines in duplicates.items():
            rejected.append(
                Rejected(
                    student_id,
                    lines[0],
                    (
                        _problem(
                            header.display,
                            lines[1],
                            header.column("student_id"),
                            "CSV010",
                            f"student {shown(student_id)} has {len(lines)} rows (lines "
                            f"{', '.join(map(str, lines))}); which one is right cannot be told, so "
                            "none is converted",
                        ),
                    ),
                )
            )

        eh = self.enrollment_header
        groups = _groups(self.enrollments_csv, eh)
        first = next(groups, None)  # reads enrollments.csv through
        yield from rejected
        for student_id, rows in itertools.chain([first] if first else [], groups):
            if student_id in duplicates:
                continue
            taken = students.take(student_id)
            if taken is None:
                where = ", ".join(str(r.line) for r in rows[:5]) + (" ..." if len(rows) > 5 else "")
                self.problems.append(
                    _problem(
                        eh.display,
                        rows[0].line,
                        eh.column("student_id"),
                        "CSV018",
                        f"{len(rows)} course row(s) for student {shown(student_id)} (lines {where}), "
                        f"who is not in {header.display}",
                    )
                )
                continue
            yield StudentRows(taken, header, rows, eh)
        for row in students.untaken():  # students with no course yet (newly admitted)
            if header.value(row, "student_id") not in duplicates:
                yield StudentRows(row, header, (), eh)

    # ------------------------------------------------------------------- flat

    def _flat(self) -> Iterator[StudentRows | Rejected]:
        header = self.student_header
        compared = [f for f in STUDENT_FIELDS if header.index.get(f) is not None]
        for student_id, rows in _groups(self.flat, header):
            first = rows[0]
            mismatches = []
            for row in rows[1:]:
                for name in compared:
                    if header.value(row, name) != header.value(first, name):
                        mismatches.append(
                            _problem(
                                header.display,
                                row.line,
                                header.column(name),
                                "CSV021",
                                f"student {shown(student_id)}: {self.profile.column(name)} is "
                                f"{shown(header.value(row, name))} here but "
                                f"{shown(header.value(first, name))} on line {first.line}; "
                                "a student's columns must be the same on every row",
                            )
                        )
                        break
            if mismatches:
                yield Rejected(student_id, first.line, tuple(mismatches))
            else:
                yield StudentRows(first, header, rows, header)


class Students:
    """An export's students, every file already read through: making one raises `CsvError`
    (CSV003) for a file that cannot be read, before a run converts, writes or records
    anything. Iterate it once."""

    def __init__(self, reader: ExportReader) -> None:
        self.reader = reader
        self._items = iter(reader)
        self._first = next(self._items, None)

    def __iter__(self) -> Iterator[StudentRows | Rejected]:
        if self._first is not None:
            first, self._first = self._first, None
            yield first
        yield from self._items


class _StudentTable:
    """Student rows kept on disk, by student number, so memory does not grow with them."""

    def __init__(self, path: Path) -> None:
        self.db = sqlite3.connect(path)
        self.db.execute(
            "CREATE TABLE s (id TEXT PRIMARY KEY, line INTEGER, fields TEXT, taken INTEGER DEFAULT 0)"
        )

    def add(self, student_id: str, row: Row) -> int | None:
        """Store a row; for a number already stored, return that row's line instead."""
        try:
            self.db.execute(
                "INSERT INTO s (id, line, fields) VALUES (?, ?, ?)",
                (student_id, row.line, json.dumps(row.fields, ensure_ascii=False)),
            )
            return None
        except sqlite3.IntegrityError:
            (line,) = self.db.execute("SELECT line FROM s WHERE id = ?", (student_id,)).fetchone()
            return int(line)

    def take(self, student_id: str) -> Row | None:
        found = self.db.execute(
            "SELECT line, fields FROM s WHERE id = ? AND taken = 0", (student_id,)
        ).fetchone()
        if found is None:
            return None
        self.db.execute("UPDATE s SET taken = 1 WHERE id = ?", (student_id,))
        return Row(found[0], tuple(json.loads(found[1])))

    def untaken(self) -> Iterator[Row]:
        query = "SELECT line, fields FROM s WHERE taken = 0 ORDER BY line"
        for line, fields in self.db.execute(query).fetchall():
            yield Row(line, tuple(json.loads(fields)))

    def close(self) -> None:
        self.db.close()


def _groups(source: CsvFile, header: Header) -> Iterator[tuple[str, list[Row]]]:
    """Rows grouped by student number, each student once, rows in file order."""
    if _is_grouped(source, header):
        current: str | None = None
        group: list[Row] = []
        for row in source.data_rows():
            student_id = header.value(row, "student_id")
            if student_id != current and group:
                yield current or "", group
                group = []
            current = student_id
            group.append(row)
        if group:
            yield current or "", group
    else:
        yield from _sorted_on_disk(source, header)


def _is_grouped(source: CsvFile, header: Header) -> bool:
    finished: set[str] = set()
    current = None
    for row in source.data_rows():
        student_id = header.value(row, "student_id")
        if student_id != current:
            if student_id in finished:
                return False
            if current is not None:
                finished.add(current)
            current = student_id
    return True


def _sorted_on_disk(source: CsvFile, header: Header) -> Iterator[tuple[str, list[Row]]]:
    with tempfile.TemporaryDirectory(prefix="transcript-sort-") as scratch:
        db = sqlite3.connect(Path(scratch) / "rows.sqlite")
        try:
            db.execute("CREATE TABLE r (student TEXT, seq INTEGER, line INTEGER, fields TEXT)")
            db.executemany(
                "INSERT INTO r VALUES (?, ?, ?, ?)",
                (
                    (
                        header.value(row, "student_id"),
                        seq,
                        row.line,
                        json.dumps(row.fields, ensure_ascii=False),
                    )
                    for seq, row in enumerate(source.data_rows())
                ),
            )
            db.commit()
            current: str | None = None
            group: list[Row] = []
            for student_id, line, fields in db.execute(
                "SELECT student, line, fields FROM r ORDER BY student, seq"
            ):
                if student_id != current and group:
                    yield current or "", group
                    group = []
                current = student_id
                group.append(Row(line, tuple(json.loads(fields))))
            if group:
                yield current or "", group
        finally:
            db.close()
