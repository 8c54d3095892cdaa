"""`transcript validate` and `transcript convert`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from transcript.cli import (
    EXIT_PROBLEMS,
    EXIT_USAGE,
    MOMENT_EXAMPLE,
    RoundingChoice,
    _fail,
    app,
    moment,
    not_xml,
    read_input,
)
from transcript.problems import Problem, ValidationResult
from transcript.rules.checks import validate
from transcript.rules.grades import GradeScale, Rounding, load_scale


@app.command("validate")
def validate_command(
    files: Annotated[
        list[Path],
        typer.Argument(help="Transcript XML files to check.", metavar="FILE", show_default=False),
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON report for machines.")] = False,
    scale: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            help="Grade scale: thai-8-level, thai-plus-minus or a TOML file. "
            "Default: the built-in scale that fits the grades.",
            show_default=False,
        ),
    ] = None,
    rounding: Annotated[
        Optional[RoundingChoice],  # noqa: UP045
        typer.Option(
            help="GPA rounding to accept. Default: the scale's, or either when no scale is given.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Check transcript XML against the schema and the business rules.

    Prints each problem as FILE:LINE: CODE severity: message.

    Exit code 0 when no file has errors, 1 when any has, 2 when a file cannot be read.
    """
    grade_scale: GradeScale | None = None
    if scale is not None:
        try:
            grade_scale = load_scale(scale)
        except ValueError as exc:
            raise _fail(str(exc)) from None
    chosen = Rounding(rounding.value) if rounding else None

    reports: list[dict[str, object]] = []
    unreadable = invalid = 0
    errors = warnings = 0
    for path in files:
        name = str(path)
        try:
            data = read_input(path)
        except OSError as exc:
            unreadable += 1
            reason = exc.strerror or str(exc)
            typer.echo(f"{name}: cannot read: {reason}", err=True)
            reports.append({"file": name, "readable": False, "error": reason})
            continue
        if isinstance(data, Problem):
            result = ValidationResult.of([data])
        elif problem := not_xml(path, data, "validate"):
            result = ValidationResult.of([problem])
        else:
            result = validate(data, scale=grade_scale, rounding=chosen)
        invalid += not result.ok
        errors += len(result.errors)
        warnings += len(result.warnings)
        if as_json:
            reports.append({"file": name, "readable": True, **result.to_dict()})
        elif result.problems:
            typer.echo(result.format(name))

    readable = len(files) - unreadable
    if as_json:
        typer.echo(
            json.dumps(
                {"valid": invalid == 0 and unreadable == 0, "files": reports},
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        verdict = (
            f"{len(files)} file{'s' if len(files) != 1 else ''} checked: "
            f"{readable - invalid} valid, {invalid} invalid"
        )
        if unreadable:
            verdict += f", {unreadable} unreadable"
        typer.echo(f"{verdict} ({errors} errors, {warnings} warnings)", err=True)
    if unreadable:
        raise typer.Exit(EXIT_USAGE)
    if invalid:
        raise typer.Exit(EXIT_PROBLEMS)


@app.command("convert")
def convert_command(
    export_dir: Annotated[
        Path,
        typer.Argument(help="Folder of the registrar export.", metavar="EXPORT_DIR", show_default=False),
    ],
    out: Annotated[Path, typer.Option("--out", help="Folder for the transcripts (created if missing).")],
    profile: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(help="Mapping profile: canonical, sql-flat or a TOML file.", show_default=False),
    ] = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="Write nothing at all if any student has any problem.")
    ] = False,
    jobs: Annotated[
        Optional[int],  # noqa: UP045
        typer.Option(min=1, metavar="N", help="Worker processes. Default: all cores.", show_default=False),
    ] = None,
    issued: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--issued",
            metavar="TIME",
            help=f"Issue date and time stamped on every transcript: {MOMENT_EXAMPLE} (Thailand time "
            "without an offset). Default: now.",
            show_default=False,
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON report for machines.")] = False,
) -> None:
    """Convert a registrar export (CSV) into one transcript XML file per student.

    Each problem is printed as FILE:LINE:COLUMN: CODE severity: message. A student with an
    error gets no file; every other student is converted.

    Exit code 0 when every student was written, 1 when any was skipped (or --strict stopped
    the run), 2 when the export (a CSV file that cannot be read), profile or output folder
    cannot be used.
    """
    from converters import ConversionError, convert_export

    try:
        report = convert_export(
            export_dir, out, profile=profile, strict=strict, jobs=jobs, issued=moment("--issued", issued)
        )
    except ConversionError as exc:
        raise _fail(str(exc)) from None
    if as_json:
        typer.echo(report.to_json(indent=2))
    else:
        for problem in report.all_problems:
            typer.echo(problem.format())
        total = len(report.students)
        errors = sum(p.is_error for p in report.all_problems)
        warnings = len(report.all_problems) - errors
        if not report.readable:
            verdict = "nothing converted: the export cannot be read"
        elif report.strict_stopped:
            verdict = f"{total} students: nothing written (--strict: there were problems)"
        else:
            verdict = f"{total} students: {report.written} written to {out}, {report.skipped} skipped"
        typer.echo(f"{verdict}; {errors} errors, {warnings} warnings; {report.seconds:.1f} s", err=True)
    if not report.readable:  # the run could not start, as for an unusable profile
        raise typer.Exit(EXIT_USAGE)
    if not report.ok:
        raise typer.Exit(EXIT_PROBLEMS)
