"""`transcript issue`: the registrar's run, with its progress and summary."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Annotated, Optional

import typer

from transcript.cli import (
    EXIT_PROBLEMS,
    Edition,
    Languages,
    NoTimestamp,
    PadesChoice,
    PadesLevel,
    Pkcs11Module,
    TsaCert,
    TsaKey,
    TsaPasswordFile,
    TsaUser,
    _fail,
    _timestamps,
    app,
    editions,
)
from transcript.errors import TranscriptError


@app.command("issue")
def issue_command(
    export_dir: Annotated[
        Path, typer.Argument(help="Folder of the registrar export.", metavar="EXPORT_DIR", show_default=False)
    ],
    out: Annotated[Path, typer.Option("--out", help="Folder for the issued files (created if missing).")],
    profile: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(help="Mapping profile: canonical, sql-flat or a TOML file.", show_default=False),
    ] = None,
    key: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--key",
            help="Signing key: PKCS#12, PEM, or 'pkcs11:token=LABEL;object=LABEL' on a token. "
            "Without it: a TEST ONLY demo PKI.",
            show_default=False,
        ),
    ] = None,
    cert: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("--cert", help="PEM certificate chain for a PEM key.", show_default=False),
    ] = None,
    password_file: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("--password-file", help="File holding the key password.", show_default=False),
    ] = None,
    pkcs11_module: Pkcs11Module = None,
    trust: Annotated[
        Optional[list[Path]],  # noqa: UP045
        typer.Option(
            "--trust",
            metavar="FILE",
            help="Root certificates for the self-check (default: the key chain's root).",
            show_default=False,
        ),
    ] = None,
    crl: Annotated[
        Optional[list[Path]],  # noqa: UP045
        typer.Option(
            "--crl",
            metavar="FILE",
            help="CRLs for the self-check (and embedded at B-LT).",
            show_default=False,
        ),
    ] = None,
    lang: Languages = ["th,en"],  # noqa: B006 - typer needs a literal default
    pades: PadesLevel = PadesChoice.blta,
    tsa: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--tsa",
            help="RFC 3161 time-stamp authority (needed with --key; the demo starts its own).",
            show_default=False,
        ),
    ] = None,
    no_timestamp: NoTimestamp = False,
    tsa_user: TsaUser = None,
    tsa_password_file: TsaPasswordFile = None,
    tsa_cert: TsaCert = None,
    tsa_key: TsaKey = None,
    valid_days: Annotated[
        Optional[int],  # noqa: UP045
        typer.Option(
            "--valid-days",
            min=1,
            max=3660,
            metavar="N",
            help="Temporary transcripts: valid for N days from the issue date (stated in the signed "
            "XML and on the page; verification fails after it). Default: no end.",
            show_default=False,
        ),
    ] = None,
    jobs: Annotated[
        Optional[int],  # noqa: UP045
        typer.Option(min=1, metavar="N", help="Worker processes. Default: all cores.", show_default=False),
    ] = None,
    edition: Edition = "full",
) -> None:
    """Issue every student: signed XML and signed PDF/A-3 editions, self-checked, with a manifest.

    OUT gets ID.xml, ID.th.pdf and ID.en.pdf per student, manifest.json and manifest.csv. A second
    run issues only students whose data or settings changed; an interrupted run resumes.

    The national profile by default: time-stamped XML (XAdES-B-T) and long-term PDFs (PAdES-B-LTA),
    so that transcripts keep verifying after the signing certificate expires. With --key, give the
    time-stamp authority (--tsa URL); without --key (the TEST ONLY demo) the run starts its own.

    Exit code 0 when every student was issued (or unchanged), 1 when any was skipped or failed,
    2 when the run cannot start or must stop (key, password, time-stamp authority, disk, an
    export file that cannot be read).
    """
    from transcript.issuing.run import IssueError, issue_export
    from transcript.pki.keys import password_from
    from transcript.pki.token import is_token_uri

    languages = editions(lang)
    password = None
    if key is not None:
        # A token's PIN not given in a file or the environment is asked for on a terminal.
        ask = is_token_uri(key) and "pin-source=" not in key and sys.stdin.isatty()
        try:
            password = password_from(
                password_file=password_file,
                prompt=(lambda: typer.prompt(f"PIN for {key}", hide_input=True)) if ask else None,
            )
        except TranscriptError as exc:
            raise _fail(str(exc)) from None
    progress = _IssueProgress()
    try:
        report = issue_export(
            export_dir, out, profile=profile, key=key, password=password, chain=cert,
            pkcs11_module=pkcs11_module, trust=tuple(trust or ()), crls=tuple(crl or ()), languages=languages,
            pades=pades.value,
            tsa=_timestamps(tsa, tsa_user, tsa_password_file, tsa_cert, tsa_key), timestamp=not no_timestamp,
            valid_days=valid_days, jobs=jobs, on_student=progress.update, edition=edition,
        )  # fmt: skip
    except IssueError as exc:
        progress.stop()
        raise _fail(str(exc)) from None
    progress.stop()
    for record in report.students:
        # Every problem, warnings of issued students included: those were signed as they are
        # (a Thai title an export tool turned into '?', say), and the registrar should know.
        for problem in record.problems:
            where = ":".join(str(v) for v in (problem.file, problem.line, problem.column) if v is not None)
            who = f"{where}: " if where else f"{record.student_id}: "
            typer.echo(f"{who}{problem.code} {problem.severity.value}: {problem.message}")
    for stop in report.problems:
        typer.echo(stop.format())
    _issue_summary(report, languages, pades.value, timestamped=not no_timestamp)
    if report.valid_until and report.count("issued"):
        typer.echo(
            f"TEMPORARY: the documents issued now are valid until {report.valid_until.isoformat()} "
            f"(--valid-days {valid_days}); verification fails after that day.",
            err=True,
        )
    if not report.ok:
        raise typer.Exit(EXIT_PROBLEMS)


class _IssueProgress:
    """A progress bar on a terminal; a plain line every few seconds otherwise."""

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.last = self.started  # the first line after a few seconds, with a rate that means something
        self.bar = None
        if sys.stderr.isatty():
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self.bar = Progress(
                TextColumn("issuing"), BarColumn(), MofNCompleteColumn(),
                TextColumn("{task.fields[rate]:.1f}/s"), TimeRemainingColumn(), transient=True,
            )  # fmt: skip
            self.bar.start()
            self.task = self.bar.add_task("issue", total=None, rate=0.0)

    def update(self, record: object, done: int) -> None:
        elapsed = max(time.monotonic() - self.started, 1e-6)
        if self.bar is not None:
            self.bar.update(self.task, completed=done, rate=done / elapsed)
        elif time.monotonic() - self.last >= 5:
            self.last = time.monotonic()
            noun = "student" if done == 1 else "students"
            typer.echo(f"issuing: {done:,} {noun} done, {done / elapsed:.1f}/s", err=True)

    def stop(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def _issue_summary(report: object, languages: tuple[str, ...], pades: str, *, timestamped: bool) -> None:
    from rich.console import Console
    from rich.table import Table

    r = report  # an IssueReport
    console = Console(stderr=True, highlight=False, soft_wrap=True)
    table = Table(title=f"transcript issue: {r.out_dir}", show_header=True)  # type: ignore[attr-defined]
    for column in ("issued", "unchanged", "skipped", "failed", "seconds", "issued/s"):
        table.add_column(column, justify="right")
    issued = r.count("issued")  # type: ignore[attr-defined]
    table.add_row(
        str(issued), str(r.count("unchanged")), str(r.count("skipped")), str(r.count("failed")),  # type: ignore[attr-defined]
        f"{r.seconds:.1f}", f"{issued / r.seconds if r.seconds else 0:.2f}",  # type: ignore[attr-defined]
    )  # fmt: skip
    console.print(table)
    xml_form = "XAdES-B-T" if timestamped else "XAdES-B-B"
    pdfs = ", ".join(f"ID.{x}.pdf" for x in languages)
    console.print(f"files: ID.xml ({xml_form}) and {pdfs} (PAdES-{pades}); manifest.json, manifest.csv")
    if not timestamped:
        console.print("SHORT-LIVED: no time-stamps; these files stop verifying when the certificate expires.")
    pki = r.demo_pki  # type: ignore[attr-defined]
    if pki is not None:
        console.print(f"DEMO: signed with the TEST ONLY demo PKI in {pki.folder}; every PDF is marked DEMO.")
        if r.demo_tsa:  # type: ignore[attr-defined]
            console.print("DEMO: time-stamped by the demo PKI's TEST ONLY authority, run on this machine.")
        crls = " ".join(f"--crl {c}" for c in pki.crls)
        console.print(f"Verify: transcript verify {r.out_dir}/*.pdf --trust {pki.root} {crls}")  # type: ignore[attr-defined]
