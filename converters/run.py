"""A whole conversion run: every student of an export to one transcript XML file each.

Each student is converted, checked (the schema and every business rule) and written on its
own, in parallel across cores; a student with an error gets no file and the others go on.
Files are written under a temporary name and renamed, so a reader never sees half a file.
With ``strict``, files are first written to a staging folder and published only if no
student had any problem; otherwise nothing is written.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import transcript as tc
from transcript.model.constants import BANGKOK
from transcript.problems import Problem
from transcript.util.files import prepare_output, write_atomically
from transcript.util.parallel import run_streamed

from .assemble import Settings, StudentRows, build_checked, build_transcript, student_id_of
from .csvfile import CsvError
from .export import ExportReader, Rejected, Students
from .institution import InstitutionError, load_institution
from .profile import Profile, load_profile


@dataclass(frozen=True)
class StudentOutcome:
    """What became of one student: the file written, or the problems that prevented it."""

    student_id: str
    line: int
    file: str | None
    problems: tuple[Problem, ...] = ()

    @property
    def written(self) -> bool:
        return self.file is not None

    def to_dict(self) -> dict[str, Any]:
        return {
            "student_id": self.student_id,
            "line": self.line,
            "file": self.file,
            "written": self.written,
            "problems": [p.to_dict() for p in self.problems],
        }


@dataclass
class ConversionReport:
    """The result of a run: per student, plus problems that belong to no student."""

    out_dir: Path
    students: list[StudentOutcome] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    strict_stopped: bool = False
    seconds: float = 0.0
    #: False when a CSV file of the export cannot be read at all (CSV000 to CSV003, in
    #: `problems`): nothing was converted, nothing written; the run could not start.
    readable: bool = True

    @property
    def written(self) -> int:
        return sum(1 for s in self.students if s.written)

    @property
    def skipped(self) -> int:
        return sum(1 for s in self.students if not s.written)

    @property
    def all_problems(self) -> list[Problem]:
        """Every problem, ordered by file and line as an editor would walk them."""
        found = self.problems + [p for s in self.students for p in s.problems]
        return sorted(found, key=lambda p: (p.file or "", p.line or 0, p.column or 0))

    @property
    def ok(self) -> bool:
        """Every student written and nothing wrong outside them."""
        return not self.strict_stopped and self.skipped == 0 and not any(p.is_error for p in self.problems)

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "readable": self.readable,
            "out_dir": str(self.out_dir),
            "written": self.written,
            "skipped": self.skipped,
            "strict_stopped": self.strict_stopped,
            "seconds": round(self.seconds, 3),
            "problems": [p.to_dict() for p in self.problems],
            "students": [s.to_dict() for s in self.students],
        }

    def to_json(self, **kwargs: Any) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, **kwargs)


class ConversionError(Exception):
    """The run could not start: a bad profile, institution file or output folder."""


# ------------------------------------------------------------------ one student


@dataclass(frozen=True)
class _Job:
    """What a worker process needs to convert students, loaded once per process."""

    export_dir: Path
    profile_source: str
    issued: dt.datetime
    target_dir: Path
    out_dir: Path


_worker: dict[str, Any] = {}


def _start_worker(job: _Job) -> None:
    profile = load_profile(job.profile_source)
    institution = load_institution(job.export_dir / profile.institution_file)
    _worker["settings"] = Settings.of(institution, profile, job.issued)
    _worker["job"] = job


def _convert_one(rows: StudentRows) -> StudentOutcome:
    settings: Settings = _worker["settings"]
    job: _Job = _worker["job"]
    student_id = student_id_of(rows)
    name = f"{student_id}.xml"
    shown = str(job.out_dir / name)
    _, data, problems = build_checked(rows, settings, file=shown)
    if data is None:
        return StudentOutcome(student_id, rows.student.line, None, tuple(problems))
    write_atomically(job.target_dir / name, data)
    return StudentOutcome(student_id, rows.student.line, shown, tuple(problems))


# ---------------------------------------------------------------------- the run


def convert_export(
    export_dir: str | Path,
    out_dir: str | Path,
    *,
    profile: str | Path | None = None,
    strict: bool = False,
    jobs: int | None = None,
    issued: dt.datetime | None = None,
    on_student: Callable[[StudentOutcome], None] | None = None,
) -> ConversionReport:
    """Convert a registrar export into one transcript XML file per student under `out_dir`.

    `profile` is a built-in profile name or a TOML file (default: ``canonical``); `jobs` the
    number of worker processes (default: all cores; 1 runs in this process); `issued` the
    issue date and time stamped on every transcript (default: now, Bangkok time).
    Raises `ConversionError` when the run cannot start; problems with the data are in the
    report.
    """
    started = time.perf_counter()
    export_dir, out_dir = Path(export_dir), Path(out_dir)
    if not export_dir.is_dir():
        raise ConversionError(f"{export_dir}: not a folder")
    try:
        loaded: Profile = load_profile(profile)
        load_institution(export_dir / loaded.institution_file)  # fail fast, before any worker
    except (ValueError, OSError) as exc:
        raise ConversionError(str(exc)) from None
    issued = (issued or dt.datetime.now(BANGKOK)).replace(microsecond=0)
    if issued.tzinfo is None:
        issued = issued.replace(tzinfo=BANGKOK)
    report = ConversionReport(out_dir)
    try:
        students = Students(ExportReader(export_dir, loaded))
    except CsvError as exc:
        report.problems.append(exc.problem)
        report.readable = False
        report.seconds = time.perf_counter() - started
        return report

    _prepare_output(out_dir)
    target = Path(tempfile.mkdtemp(prefix=".staging-", dir=out_dir)) if strict else out_dir
    job = _Job(export_dir, loaded.source, issued, target, out_dir)

    def record(outcome: StudentOutcome) -> None:
        report.students.append(outcome)
        if on_student is not None:
            on_student(outcome)

    try:
        try:
            for outcome in _run(students, job, jobs):
                record(outcome)
        except CsvError as exc:  # a file changed while it was read
            report.problems.append(exc.problem)
        report.problems.extend(students.reader.problems)
        report.students.sort(key=lambda s: (s.line, s.student_id))
        if strict:
            if report.all_problems or report.skipped:
                report.strict_stopped = True
                report.students = [dataclasses.replace(s, file=None) for s in report.students]
            else:
                for staged in sorted(target.iterdir()):
                    os.replace(staged, out_dir / staged.name)
    finally:
        if strict:
            shutil.rmtree(target, ignore_errors=True)
    report.seconds = time.perf_counter() - started
    return report


def _prepare_output(out_dir: Path) -> None:
    try:
        prepare_output(out_dir)
    except OSError as exc:
        raise ConversionError(f"{out_dir}: cannot write there ({exc.strerror or exc})") from None


def _run(students: Iterable[StudentRows | Rejected], job: _Job, jobs: int | None) -> Iterator[StudentOutcome]:
    entries = (_rejected(item) if isinstance(item, Rejected) else item for item in students)
    # a window of 8 tasks per worker: the export is streamed, never queued whole
    yield from run_streamed(
        entries,
        _convert_one,
        done=StudentOutcome,
        jobs=jobs,
        start=_start_worker,
        start_args=(job,),
        window_per_worker=8,
    )


def _rejected(item: Rejected) -> StudentOutcome:
    return StudentOutcome(item.student_id, item.line, None, item.problems)


def iter_transcripts(
    export_dir: str | Path,
    *,
    profile: str | Path | None = None,
    issued: dt.datetime | None = None,
) -> Iterator[tuple[str, tc.Transcript | None, list[Problem]]]:
    """Each student of an export as (student number, transcript or None, problems), in memory.

    For embedding: nothing is written and nothing runs in other processes. Raises
    `ConversionError` for an unusable profile or institution file and `CsvError` for an
    unreadable CSV file.
    """
    export_dir = Path(export_dir)
    try:
        loaded = load_profile(profile)
        institution = load_institution(export_dir / loaded.institution_file)
    except (ValueError, OSError, InstitutionError) as exc:
        raise ConversionError(str(exc)) from None
    settings = Settings.of(institution, loaded, (issued or dt.datetime.now(BANGKOK)).replace(microsecond=0))
    reader = ExportReader(export_dir, loaded)
    for item in reader:
        if isinstance(item, Rejected):
            yield item.student_id, None, list(item.problems)
        else:
            document, problems = build_transcript(item, settings)
            yield student_id_of(item), document, problems
    for problem in reader.problems:
        yield "", None, [problem]


__all__ = [
    "ConversionError",
    "ConversionReport",
    "StudentOutcome",
    "convert_export",
    "iter_transcripts",
]
