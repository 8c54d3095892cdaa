"""The ``transcript`` command: a thin face over the Python API.

Exit codes, for every sub-command: 0 success; 1 the input has problems (invalid document,
failed check); 2 the command could not do its work (unreadable file, bad usage).
"""

from __future__ import annotations

import json
import logging
import sys
import time
from datetime import datetime, timedelta, timezone
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from . import __version__
from .errors import InvalidDocument, TranscriptError
from .grades import GradeScale, Rounding, load_scale
from .problems import Problem, Severity, ValidationResult
from .rules import validate
from .xmlio import MAX_DOCUMENT_BYTES

if TYPE_CHECKING:
    from .keys import SigningIdentity

BANGKOK = timezone(timedelta(hours=7))

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2

app = typer.Typer(
    name="transcript",
    help="Signed digital academic transcripts (ETDA ขมธอ. 25-2563 v2.0).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",
)


class RoundingChoice(str, Enum):
    truncate = "truncate"
    half_up = "half-up"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"transcript {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit."),
    ] = False,
) -> None:
    """Signed digital academic transcripts (ETDA ขมธอ. 25-2563 v2.0)."""


def _fail(message: str) -> typer.Exit:
    typer.echo(f"transcript: {message}", err=True)
    return typer.Exit(EXIT_USAGE)


def read_input(path: Path, max_bytes: int = MAX_DOCUMENT_BYTES) -> bytes | Problem:
    """The file's bytes, or a located problem for a file too large to read.

    Raises OSError for files that cannot be read at all (missing, a folder, no permission).
    """
    size = path.stat().st_size
    if path.is_dir():
        raise IsADirectoryError(f"{path} is a folder, not a file")
    if size > max_bytes:
        return Problem(
            "XML003",
            Severity.ERROR,
            f"the file is {size:,} bytes, more than the limit of {max_bytes:,} bytes; it was not read",
        )
    return path.read_bytes()


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
        typer.Option(min=1, help="Worker processes. Default: all cores.", show_default=False),
    ] = None,
    issued: Annotated[
        Optional[datetime],  # noqa: UP045
        typer.Option(
            formats=["%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"],
            help="Issue date and time stamped on every transcript. Default: now (Bangkok time).",
            show_default=False,
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON report for machines.")] = False,
) -> None:
    """Convert a registrar export (CSV) into one transcript XML file per student.

    Each problem is printed as FILE:LINE:COLUMN: CODE severity: message. A student with an
    error gets no file; every other student is converted.

    Exit code 0 when every student was written, 1 when any was skipped (or --strict stopped
    the run), 2 when the export, profile or output folder cannot be used.
    """
    from converters import ConversionError, convert_export

    try:
        report = convert_export(export_dir, out, profile=profile, strict=strict, jobs=jobs, issued=issued)
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
        if report.strict_stopped:
            verdict = f"{total} students: nothing written (--strict: there were problems)"
        else:
            verdict = f"{total} students: {report.written} written to {out}, {report.skipped} skipped"
        typer.echo(f"{verdict}; {errors} errors, {warnings} warnings; {report.seconds:.1f} s", err=True)
    if not report.ok:
        raise typer.Exit(EXIT_PROBLEMS)


def _load_identity(key: Path, cert: Path | None, password_file: Path | None) -> SigningIdentity:
    """Load the signing key once, asking for a password only when one is needed and nobody gave it."""
    from .keys import SigningKeyError, load_identity, password_from

    try:
        password = password_from(password_file=password_file)
        try:
            return load_identity(key, password=password, chain_path=cert)
        except SigningKeyError as exc:
            if password is not None or "password is needed" not in str(exc) or not sys.stdin.isatty():
                raise
            typed = typer.prompt(f"Password for {key}", hide_input=True)
            return load_identity(key, password=typed.encode("utf-8"), chain_path=cert)
    except SigningKeyError as exc:
        raise _fail(str(exc)) from None


@app.command("sign")
def sign_command(
    files: Annotated[
        list[Path], typer.Argument(help="Transcript XML files to sign.", metavar="FILE", show_default=False)
    ],
    key: Annotated[Path, typer.Option("--key", help="PKCS#12 file (.p12/.pfx) or PEM private key.")],
    out: Annotated[Path, typer.Option("--out", help="Folder for the signed files (created if missing).")],
    cert: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(
            "--cert", help="PEM certificate chain, signer first (needed with a PEM key).", show_default=False
        ),
    ] = None,
    tsa: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--tsa", help="URL of an RFC 3161 time-stamp authority (XAdES-T).", show_default=False),
    ] = None,
    password_file: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(
            "--password-file",
            help="File holding the key password. Or set TRANSCRIPT_KEY_PASSWORD; else you are asked.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Sign transcript XML with an enveloped XAdES signature (the national profile).

    Each input must pass `transcript validate` with no errors. The signed file is written under
    --out with the input's file name.

    Exit code 0 when every file was signed, 1 when any was not, 2 for an unusable key, time-stamp
    authority or output folder.
    """
    from .errors import InvalidDocument
    from .files import prepare_output, write_atomically
    from .signing import SigningError, XmlSigner
    from .tsa import TimeStampClient, TimeStampError

    identity = _load_identity(key, cert, password_file)
    signer = XmlSigner(identity, timestamps=TimeStampClient(tsa) if tsa else None)
    try:
        prepare_output(out)
    except OSError as exc:
        raise _fail(f"{out}: cannot write there ({exc.strerror or exc})") from None
    failed = 0
    for path in files:
        try:
            data = read_input(path)
        except OSError as exc:
            typer.echo(f"{path}: cannot read: {exc.strerror or exc}", err=True)
            failed += 1
            continue
        if isinstance(data, Problem):
            typer.echo(data.format(str(path)))
            failed += 1
            continue
        try:
            signed = signer.sign(data)
        except InvalidDocument as exc:
            typer.echo(ValidationResult.of(exc.problems).format(str(path)))
            typer.echo(f"{path}: not signed: the transcript has errors", err=True)
            failed += 1
            continue
        except SigningError as exc:
            typer.echo(f"{path}: not signed: {exc}", err=True)
            failed += 1
            continue
        except TimeStampError as exc:
            raise _fail(f"{path}: not signed: {exc}") from None
        write_atomically(out / path.name, signed)
    signed_count = len(files) - failed
    typer.echo(
        f"{signed_count} of {len(files)} file{'s' if len(files) != 1 else ''} signed into {out} "
        f"by {identity.common_name}" + (" with a time-stamp" if tsa else ""),
        err=True,
    )
    if failed:
        raise typer.Exit(EXIT_PROBLEMS)


class RevocationChoice(str, Enum):
    require = "require"
    soft = "soft"


@app.command("verify")
def verify_command(
    files: Annotated[
        list[Path],
        typer.Argument(help="Signed transcript files to verify.", metavar="FILE", show_default=False),
    ],
    trust: Annotated[
        list[Path],
        typer.Option(
            "--trust", help="PEM file of trusted root certificates (repeat for more).", show_default=False
        ),
    ],
    crl: Annotated[
        Optional[list[Path]],  # noqa: UP045
        typer.Option(
            "--crl", help="A certificate revocation list (PEM or DER); repeat for more.", show_default=False
        ),
    ] = None,
    at: Annotated[
        Optional[datetime],  # noqa: UP045
        typer.Option(
            formats=["%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"],
            help="Judge certificate validity at this time, not at the (stamped or claimed) signing time.",
            show_default=False,
        ),
    ] = None,
    revocation: Annotated[
        RevocationChoice,
        typer.Option(help="require: no verdict without revocation data; soft: check what is available."),
    ] = RevocationChoice.require,
    fetch: Annotated[
        bool, typer.Option("--fetch", help="Allow fetching CRLs and OCSP responses over the network.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON report for machines.")] = False,
    brief: Annotated[bool, typer.Option("--brief", help="One line per file.")] = False,
) -> None:
    """Verify signed transcripts: is it genuine, who signed it, what does it say.

    The verdict is TOTAL-PASSED, TOTAL-FAILED or INDETERMINATE (ETSI EN 319 102-1), with every
    check behind it. Only the roots given with --trust are trusted.

    Exit code 0 only when every file is TOTAL-PASSED, 1 otherwise, 2 for unusable options.
    """
    from .trust import TrustError, TrustSettings
    from .verify import verify

    moment = at.replace(tzinfo=at.tzinfo or BANGKOK) if at else None
    try:
        settings = TrustSettings.from_files(
            trust, crl or [], revocation=revocation.value, allow_fetching=fetch, at=moment
        )
    except TrustError as exc:
        raise _fail(str(exc)) from None
    reports = []
    passed = 0
    for path in files:
        try:
            data = read_input(path)
        except OSError as exc:
            raise _fail(f"{path}: cannot read: {exc.strerror or exc}") from None
        if isinstance(data, Problem):
            data = path.read_bytes()[: MAX_DOCUMENT_BYTES + 1]  # let the verifier say it is too large
        report = verify(data, settings)
        passed += report.ok
        if as_json:
            reports.append({"file": str(path), **report.to_dict()})
        elif brief:
            typer.echo(report.brief(str(path)))
        else:
            typer.echo(report.format(str(path)))
    if as_json:
        typer.echo(
            json.dumps({"passed": passed == len(files), "files": reports}, ensure_ascii=False, indent=2)
        )
    else:
        typer.echo(f"{len(files)} file{'s' if len(files) != 1 else ''} verified: {passed} genuine", err=True)
    if passed != len(files):
        raise typer.Exit(EXIT_PROBLEMS)


class LanguageChoice(str, Enum):
    th = "th"
    en = "en"


@app.command("render")
def render_command(
    files: Annotated[
        list[Path],
        typer.Argument(help="Transcript XML files (signed or not).", metavar="FILE", show_default=False),
    ],
    out: Annotated[Path, typer.Option("--out", help="Folder for the PDFs (created if missing).")],
    lang: Annotated[
        list[LanguageChoice],
        typer.Option("--lang", help="Edition: th or en; repeat for both."),
    ] = [LanguageChoice.th],  # noqa: B006 - typer needs a literal default
    trust: Annotated[
        Optional[list[Path]],  # noqa: UP045
        typer.Option("--trust", help="Trusted root certificates; needed to render a signed transcript."),
    ] = None,
    crl: Annotated[
        Optional[list[Path]],  # noqa: UP045
        typer.Option("--crl", help="Certificate revocation lists for the verification.", show_default=False),
    ] = None,
    revocation: Annotated[
        RevocationChoice,
        typer.Option(help="require: no verdict without revocation data; soft: check what is available."),
    ] = RevocationChoice.require,
    require_valid: Annotated[
        bool,
        typer.Option(
            "--require-valid", help="Refuse unsigned transcripts and signatures that do not verify."
        ),
    ] = False,
) -> None:
    """Render transcripts as A4 PDFs (Thai or English edition): OUT/<name>.<lang>.pdf.

    A signed transcript is verified against --trust and rendered from what the signature covers.
    An unsigned one carries a NOT SIGNED watermark, one that does not verify NOT VERIFIED.

    Exit code 0 when every file was rendered, 1 when any was not, 2 for unusable options.
    """
    from .errors import InvalidDocument
    from .files import prepare_output, write_atomically
    from .render import RenderError, render_pdf
    from .trust import TrustError, TrustSettings

    settings = None
    if trust:
        try:
            settings = TrustSettings.from_files(trust, crl or [], revocation=revocation.value)
        except TrustError as exc:
            raise _fail(str(exc)) from None
    try:
        prepare_output(out)
    except OSError as exc:
        raise _fail(f"{out}: cannot write there ({exc.strerror or exc})") from None
    failed = rendered = 0
    for path in files:
        try:
            data = read_input(path)
        except OSError as exc:
            typer.echo(f"{path}: cannot read: {exc.strerror or exc}", err=True)
            failed += 1
            continue
        if isinstance(data, Problem):
            typer.echo(data.format(str(path)))
            failed += 1
            continue
        for edition in dict.fromkeys(lang):
            try:
                pdf = render_pdf(data, edition.value, trust=settings, require_valid=require_valid)
            except InvalidDocument as exc:
                typer.echo(ValidationResult.of(exc.problems).format(str(path)))
                failed += 1
                break
            except RenderError as exc:
                typer.echo(f"{path}: not rendered: {exc}", err=True)
                failed += 1
                break
            write_atomically(out / f"{path.stem}.{edition.value}.pdf", pdf)
            rendered += 1
    typer.echo(f"{rendered} PDF{'s' if rendered != 1 else ''} written to {out}", err=True)
    if failed:
        raise typer.Exit(EXIT_PROBLEMS)


class PadesChoice(str, Enum):
    bb = "B-B"
    bt = "B-T"
    blt = "B-LT"
    blta = "B-LTA"


@app.command("package")
def package_command(
    files: Annotated[
        list[Path],
        typer.Argument(help="Signed transcript XML files.", metavar="SIGNED_XML", show_default=False),
    ],
    key: Annotated[Path, typer.Option("--key", help="PKCS#12 file (.p12/.pfx) or PEM private key.")],
    out: Annotated[Path, typer.Option("--out", help="Folder for the PDFs (created if missing).")],
    trust: Annotated[
        list[Path],
        typer.Option("--trust", help="Trusted root certificates (the XML is verified before rendering)."),
    ],
    crl: Annotated[
        Optional[list[Path]],  # noqa: UP045
        typer.Option(
            "--crl", help="Certificate revocation lists (checked, and embedded at B-LT).", show_default=False
        ),
    ] = None,
    lang: Annotated[
        list[LanguageChoice], typer.Option("--lang", help="Edition: th or en; repeat for both.")
    ] = [  # noqa: B006
        LanguageChoice.th
    ],
    pades: Annotated[PadesChoice, typer.Option("--pades", help="PAdES baseline level.")] = PadesChoice.bb,
    tsa: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--tsa", help="RFC 3161 time-stamp authority (needed from B-T up).", show_default=False),
    ] = None,
    cert: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("--cert", help="PEM certificate chain for a PEM key.", show_default=False),
    ] = None,
    password_file: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("--password-file", help="File holding the key password.", show_default=False),
    ] = None,
) -> None:
    """Make the national package: a PDF/A-3 carrying the signed XML, signed with PAdES.

    Each signed XML is verified, rendered (OUT/<name>.<lang>.pdf), turned into PDF/A-3U with the
    XML embedded, and signed with the same key; the PDF signature is the last change.

    Exit code 0 when every file was packaged, 1 when any was not, 2 for unusable options.
    """
    from .files import prepare_output, write_atomically
    from .package import build_package
    from .pades import PadesError, PdfSigner
    from .render import RenderError
    from .trust import TrustError, TrustSettings
    from .tsa import TimeStampClient, TimeStampError

    try:
        settings = TrustSettings.from_files(trust, crl or [])
    except TrustError as exc:
        raise _fail(str(exc)) from None
    identity = _load_identity(key, cert, password_file)
    try:
        signer = PdfSigner(identity, pades.value, TimeStampClient(tsa) if tsa else None, settings)
        prepare_output(out)
    except PadesError as exc:
        raise _fail(str(exc)) from None
    except OSError as exc:
        raise _fail(f"{out}: cannot write there ({exc.strerror or exc})") from None
    failed = written = 0
    for path in files:
        try:
            data = path.read_bytes()
        except OSError as exc:
            typer.echo(f"{path}: cannot read: {exc.strerror or exc}", err=True)
            failed += 1
            continue
        for edition in dict.fromkeys(lang):
            try:
                pdf = build_package(data, edition.value, trust=settings, signer=signer, file_name=path.name)
            except (RenderError, InvalidDocument) as exc:
                typer.echo(f"{path}: not packaged: {exc}", err=True)
                failed += 1
                break
            except (PadesError, TimeStampError) as exc:
                raise _fail(f"{path}: not packaged: {exc}") from None
            write_atomically(out / f"{path.stem}.{edition.value}.pdf", pdf)
            written += 1
    typer.echo(
        f"{written} signed PDF/A-3 file{'s' if written != 1 else ''} ({pades.value}) written to {out}",
        err=True,
    )
    if failed:
        raise typer.Exit(EXIT_PROBLEMS)


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
        Optional[Path],  # noqa: UP045
        typer.Option(
            "--key",
            help="Signing key (PKCS#12 or PEM). Without it: a TEST ONLY demo PKI.",
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
    trust: Annotated[
        Optional[list[Path]],  # noqa: UP045
        typer.Option(
            "--trust",
            help="Root certificates for the self-check (default: the key chain's root).",
            show_default=False,
        ),
    ] = None,
    crl: Annotated[
        Optional[list[Path]],  # noqa: UP045
        typer.Option("--crl", help="CRLs for the self-check (and embedded at B-LT).", show_default=False),
    ] = None,
    lang: Annotated[str, typer.Option("--lang", help="Editions, comma-separated.")] = "th,en",
    pades: Annotated[PadesChoice, typer.Option("--pades", help="PAdES baseline level.")] = PadesChoice.bb,
    tsa: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--tsa", help="RFC 3161 time-stamp authority (XAdES-T and PAdES B-T up).", show_default=False
        ),
    ] = None,
    jobs: Annotated[
        Optional[int],  # noqa: UP045
        typer.Option(min=1, help="Worker processes. Default: all cores.", show_default=False),
    ] = None,
) -> None:
    """Issue every student: signed XML and signed PDF/A-3 editions, self-checked, with a manifest.

    OUT gets ID.xml, ID.th.pdf and ID.en.pdf per student, manifest.json and manifest.csv. A second
    run issues only students whose data or settings changed; an interrupted run resumes.

    Exit code 0 when every student was issued (or unchanged), 1 when any was skipped or failed,
    2 when the run cannot start or must stop (key, password, time-stamp authority, disk).
    """
    from .issuing import IssueError, issue_export
    from .keys import password_from

    languages = tuple(dict.fromkeys(x.strip() for x in lang.split(",") if x.strip()))
    if not languages or any(x not in ("th", "en") for x in languages):
        raise _fail(f"--lang takes th, en or both (th,en), not {lang!r}")
    password = None
    if key is not None:
        try:
            password = password_from(password_file=password_file)
        except TranscriptError as exc:
            raise _fail(str(exc)) from None
    progress = _IssueProgress()
    try:
        report = issue_export(
            export_dir, out, profile=profile, key=key, password=password, chain=cert,
            trust=tuple(trust or ()), crls=tuple(crl or ()), languages=languages, pades=pades.value,
            tsa=tsa, jobs=jobs,
            on_student=progress.update,
        )  # fmt: skip
    except IssueError as exc:
        progress.stop()
        raise _fail(str(exc)) from None
    progress.stop()
    for record in report.students:
        for problem in record.problems:
            if problem.get("severity") == "error" or record.status != "issued":
                where = ":".join(
                    str(problem[k]) for k in ("file", "line", "column") if problem.get(k) is not None
                )
                who = f"{where}: " if where else f"{record.student_id}: "
                typer.echo(f"{who}{problem.get('code')} {problem.get('severity')}: {problem.get('message')}")
    for problem in report.problems:
        typer.echo(problem.format())
    _issue_summary(report, languages)
    if not report.ok:
        raise typer.Exit(EXIT_PROBLEMS)


class _IssueProgress:
    """A progress bar on a terminal; a plain line every few seconds otherwise."""

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.last = 0.0
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
            typer.echo(f"issuing: {done} students done, {done / elapsed:.1f}/s", err=True)

    def stop(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def _issue_summary(report: object, languages: tuple[str, ...]) -> None:
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
    console.print(
        f"files: ID.xml (signed) and {', '.join(f'ID.{x}.pdf' for x in languages)}; "
        "manifest.json, manifest.csv"
    )
    pki = r.demo_pki  # type: ignore[attr-defined]
    if pki is not None:
        console.print(f"DEMO: signed with the TEST ONLY demo PKI in {pki.folder}; every PDF is marked DEMO.")
        crls = " ".join(f"--crl {c}" for c in pki.crls)
        console.print(f"Verify: transcript verify {r.out_dir}/*.pdf --trust {pki.root} {crls}")  # type: ignore[attr-defined]


@app.command("demo-pki")
def demo_pki_command(
    out: Annotated[Path, typer.Option("--out", help="Folder for the demo PKI (created if missing).")],
    key_type: Annotated[str, typer.Option("--key-type", help="rsa or ec (P-256).")] = "rsa",
) -> None:
    """Create a TEST-ONLY PKI: root CA, issuing CA, registrar key (PKCS#12), time-stamp authority, CRLs."""
    from .pki import create_demo_pki

    if key_type not in ("rsa", "ec"):
        raise _fail("--key-type must be rsa or ec")
    pki = create_demo_pki(out, key_type=key_type)
    typer.echo(f"TEST ONLY demo PKI written to {pki.folder}:")
    for line in (pki.folder / "README.txt").read_text(encoding="utf-8").splitlines()[5:]:
        typer.echo(f"  {line}")
    typer.echo(
        f"\nSign:   transcript sign FILE.xml --key {pki.registrar_p12} "
        f"--password-file {pki.password_file} --out signed/"
        f"\nVerify: transcript verify signed/*.xml --trust {pki.root} "
        + " ".join(f"--crl {c}" for c in pki.crls)
    )


@app.command("demo-tsa")
def demo_tsa_command(
    pki: Annotated[Path, typer.Option("--pki", help="Folder made by `transcript demo-pki`.")],
    port: Annotated[int, typer.Option(help="Port on 127.0.0.1 (0: any free port).")] = 0,
) -> None:
    """Run a TEST-ONLY time-stamp authority on 127.0.0.1 with the demo PKI's TSA key, until Ctrl-C."""
    import time

    from .pki import DemoPki
    from .tsa import LocalTimeStampAuthority

    demo = DemoPki(pki)
    if not demo.exists():
        raise _fail(f"{pki}: not a demo PKI folder (run `transcript demo-pki --out {pki}` first)")
    with LocalTimeStampAuthority(demo.tsa_certificate, demo.tsa_key, port=port) as authority:
        typer.echo(f"TEST ONLY time-stamp authority at {authority.url} (Ctrl-C to stop)")
        while True:
            time.sleep(3600)


def main() -> None:
    """Entry point of the ``transcript`` script."""
    # pyHanko logs every validation failure with a traceback; the report already says it.
    for name in ("pyhanko", "pyhanko_certvalidator"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("transcript: interrupted", err=True)
        sys.exit(130)
