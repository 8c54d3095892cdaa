"""The ``transcript`` command: a thin face over the Python API.

One module per group of sub-commands (documents, signatures, pdf, issue); this one holds the
application, the options they share and the entry point.

Exit codes, for every sub-command: 0 success; 1 the input has problems (invalid document,
failed check); 2 the command could not do its work (unreadable file, bad usage).
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterator
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer
import typer.core

from transcript import __version__
from transcript.model.xmlio import MAX_DOCUMENT_BYTES
from transcript.problems import Problem, Severity

if TYPE_CHECKING:
    from transcript.pki.keys import SigningIdentity
    from transcript.pki.tsa import TimeStampClient


EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2


def _tidy_help(params: list[Any]) -> list[Any]:
    """Help without Python types: none after a flag (`--json`, `--help`), which takes no value
    (`<bool>` said it did), and none after an argument of several files (`<list[Path]>`):
    its name says what (FILE, PDF), the usage line how many."""
    for param in params:
        if getattr(param, "is_flag", False) and param.metavar is None:
            param.metavar = ""
        elif param.param_type_name == "argument" and param.nargs != 1 and hasattr(param, "display_type_rich"):
            setattr(param, "display_type_rich", _no_type)  # noqa: B010 - an instance's, not the class's
    return params


def _no_type(ctx: Any) -> None:
    return None


class _Command(typer.core.TyperCommand):
    """A sub-command with this command's help conventions (`_tidy_help`)."""

    def get_params(self, ctx: Any) -> list[Any]:
        return _tidy_help(super().get_params(ctx))


class _Group(typer.core.TyperGroup):
    """The command and its groups: flags as in `_Command`, and sub-commands listed in the order
    people need them (`COMMAND_ORDER`), not in the order the modules were imported."""

    def get_params(self, ctx: Any) -> list[Any]:
        return _tidy_help(super().get_params(ctx))

    def list_commands(self, ctx: Any) -> list[str]:
        names = list(super().list_commands(ctx))
        rank = {name: position for position, name in enumerate(COMMAND_ORDER)}
        return sorted(names, key=lambda name: (rank.get(name, len(rank)), names.index(name)))


# The registrar's run first, then the employer's commands, document status, the steps `issue`
# runs one by one, renewal, and the TEST ONLY helpers.
COMMAND_ORDER = (
    "issue",
    "verify",
    "serve",
    "status",
    "validate",
    "convert",
    "sign",
    "render",
    "package",
    "extend",
    "vc",
    "demo-pki",
    "demo-tsa",
    # status's own sub-commands, in the order of a document's life
    "show",
    "revoke",
    "suspend",
    "reinstate",
    "supersede",
    "publish",
    # vc's own, in the order of a credential's life
    "metadata",
    "offer",
    "present",
)
HELP_OPTIONS = {"help_option_names": ["-h", "--help"]}


class _App(typer.Typer):
    """`typer.Typer` whose commands are `_Command`s."""

    def command(self, *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("cls", _Command)
        return super().command(*args, **kwargs)


def new_app(**kwargs: Any) -> typer.Typer:
    """A command group with this command's conventions: -h for help, tidy help."""
    return _App(cls=_Group, context_settings=HELP_OPTIONS, **kwargs)


app = new_app(
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


class RevocationChoice(str, Enum):
    require = "require"
    soft = "soft"


LANGUAGES = ("th", "en")
Languages = Annotated[
    list[str],
    typer.Option(
        "--lang",
        metavar="th,en",
        help="Editions, comma-separated: th, en or th,en (given once).",
    ),
]


def editions(values: list[str]) -> tuple[str, ...]:
    """The editions `--lang` names, in order: one value, comma-separated. A repeated --lang is
    refused (exit 2) rather than silently reduced to one of its values."""
    if len(values) > 1:
        given = " ".join(f"--lang {v}" for v in values)
        joined = ",".join(dict.fromkeys(x.strip() for v in values for x in v.split(",") if x.strip()))
        raise _fail(f"--lang is given once, comma-separated: --lang {joined}, not {given}")
    text = values[0] if values else ""
    chosen = tuple(dict.fromkeys(x.strip() for x in text.split(",") if x.strip()))
    if not chosen or any(x not in LANGUAGES for x in chosen):
        raise _fail(f"--lang takes th, en or both, comma-separated (th,en), not {text!r}")
    return chosen


Edition = Annotated[
    str,
    typer.Option(
        "--edition",
        metavar="full|minimal",
        help="minimal: leave the national ID, passport number and birth date out of the signed XML "
        "(copies for employers).",
    ),
]


def edition_of(value: str) -> str:
    from transcript.model.editions import EDITIONS

    if value not in EDITIONS:
        raise _fail(f"--edition is full or minimal, not {value!r}")
    return value


class PadesChoice(str, Enum):
    bb = "B-B"
    bt = "B-T"
    blt = "B-LT"
    blta = "B-LTA"


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


PadesLevel = Annotated[
    PadesChoice,
    typer.Option(
        "--pades",
        help="PAdES baseline level. B-LTA is the national profile: the PDF keeps verifying after "
        "the signing certificate expires.",
    ),
]
NoTimestamp = Annotated[
    bool,
    typer.Option(
        "--no-timestamp",
        help="Make short-lived files, without time-stamps (with --pades B-B): they stop verifying "
        "the day the signing certificate expires or is revoked.",
    ),
]

TSA_PASSWORD_ENV = "TRANSCRIPT_TSA_PASSWORD"
TsaUser = Annotated[
    Optional[str],  # noqa: UP045
    typer.Option(
        "--tsa-user",
        help="User name at the time-stamp authority (HTTP basic authentication).",
        show_default=False,
    ),
]
TsaPasswordFile = Annotated[
    Optional[Path],  # noqa: UP045
    typer.Option(
        "--tsa-password-file",
        help=f"File holding that user's password. Or set {TSA_PASSWORD_ENV}; else you are asked.",
        show_default=False,
    ),
]
TsaCert = Annotated[
    Optional[Path],  # noqa: UP045
    typer.Option(
        "--tsa-cert", help="PEM client certificate for a TLS time-stamp authority.", show_default=False
    ),
]
TsaKey = Annotated[
    Optional[Path],  # noqa: UP045
    typer.Option("--tsa-key", help="PEM private key of --tsa-cert (unencrypted).", show_default=False),
]


KeyOption = typer.Option(
    "--key",
    help="PKCS#12 file (.p12/.pfx), PEM private key, or a key on a token: "
    "'pkcs11:token=LABEL;object=LABEL' (RFC 7512).",
    show_default=False,
)
Pkcs11Module = Annotated[
    Optional[Path],  # noqa: UP045
    typer.Option(
        "--pkcs11-module",
        help="PKCS#11 module (.so) for a pkcs11: key. Or set TRANSCRIPT_PKCS11_MODULE.",
        show_default=False,
    ),
]


def _timestamps(
    url: str | None, user: str | None, password_file: Path | None, cert: Path | None, key: Path | None
) -> TimeStampClient | None:
    """The time-stamp authority the options name (None without --tsa). The password comes
    from a file, the environment or a prompt, never the command line."""
    from transcript.pki.keys import PASSWORD_ENV, SigningKeyError, password_from
    from transcript.pki.tsa import TimeStampClient

    if url is None:
        if user or cert:
            raise _fail("--tsa-user and --tsa-cert need --tsa URL")
        return None
    password = None
    if user is not None:
        # Read as the key password is (file, environment, prompt), from the TSA's own variable.
        environ = {PASSWORD_ENV: os.environ[TSA_PASSWORD_ENV]} if TSA_PASSWORD_ENV in os.environ else {}
        try:
            password = password_from(
                password_file=password_file,
                environ=environ,
                prompt=lambda: typer.prompt(f"Password of {user} at {url}", hide_input=True),
            )
        except SigningKeyError as exc:
            raise _fail(str(exc)) from None
    return TimeStampClient(url, user=user, password=password, client_certificate=cert, client_key=key)


def _fail(message: str) -> typer.Exit:
    typer.echo(f"transcript: {message}", err=True)
    return typer.Exit(EXIT_USAGE)


MOMENT_EXAMPLE = "2026-11-30 or 2026-11-30T14:00+07:00"
_MOMENT_FORMATS = (
    "%Y-%m-%dT%H:%M:%S%z",
    "%Y-%m-%dT%H:%M%z",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d",
)


def moment(option: str, text: str | None) -> datetime | None:
    """A date, or a date and time with or without an offset, as typed after `option`
    (2026-11-30, 2026-11-30T14:00, 2026-11-30T14:00:05+07:00, ...Z); None for None. The
    caller decides the zone of a time without an offset."""
    if text is None:
        return None
    value = text.strip()
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        pass
    for form in _MOMENT_FORMATS:
        try:
            return datetime.strptime(value, form)
        except ValueError:
            continue
    raise _fail(f"{option} takes a date or a date and time, e.g. {MOMENT_EXAMPLE}; not {text!r}")


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


# What a file obviously is, by its first bytes, when it is not XML.
_MAGIC = (
    (b"PK\x03\x04", "a ZIP archive (or an Office document)"),
    (b"PK\x05\x06", "a ZIP archive"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip file"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Office document (.doc, .xls)"),
)
_UTF16_OR_32 = (b"\xff\xfe", b"\xfe\xff", b"<\x00", b"\x00<")


def what_it_is(data: bytes) -> str | None:
    """What a file is when it is obviously not XML ("a PDF", "a ZIP archive", "a PNG image",
    "binary data", "plain text"); None when it may be XML, for the parser to judge."""
    head = data[:1024]
    start = head.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n")
    if not start or start.startswith(b"<") or head.startswith(_UTF16_OR_32):
        return None
    if b"%PDF-" in head:  # a PDF's header may follow a few bytes of anything
        return "a PDF"
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    return "binary data" if b"\x00" in head else "plain text"


def not_xml(path: Path, data: bytes, command: str) -> Problem | None:
    """The problem for a file given to a command that takes transcript XML when it obviously is
    not XML: what it is, and what to do with it (None when it may be XML)."""
    kind = what_it_is(data)
    if kind is None:
        return None
    if kind == "a PDF":
        advice = f"to check a transcript PDF, run transcript verify {path} --trust ROOT.pem"
    elif kind.startswith("a ZIP archive"):
        advice = "unpack it first (transcript verify reads ZIP archives of transcripts as they are)"
    elif kind == "plain text":
        from transcript.verify.report import one_line

        first = data[:200].decode("utf-8", errors="replace").strip().splitlines()[0]
        kind = f"plain text (it starts {one_line(repr(first[:40]))})"
        csv = path.suffix.lower() in (".csv", ".txt") or "," in first or ";" in first
        advice = (
            "a registrar's CSV export is converted by folder: transcript convert or transcript issue"
            if csv
            else "give the transcript's .xml file"
        )
    else:
        advice = "give the transcript's .xml file"
    return Problem(
        "XML001",
        Severity.ERROR,
        f"this is {kind}, not transcript XML: transcript {command} takes transcript XML; {advice}",
    )


def not_pdf(path: Path, data: bytes, command: str) -> Problem | None:
    """The problem for a file given to a command that takes PDF packages when it is not a
    PDF (None when it is one)."""
    kind = what_it_is(data)
    if kind == "a PDF":
        return None
    what = "transcript XML" if kind is None else kind
    return Problem(
        "PDF001",
        Severity.ERROR,
        f"this is {what}, not a PDF: transcript {command} takes signed PDF packages"
        + (
            f" (transcript package makes them from signed XML; transcript verify checks {path})"
            if kind is None
            else ""
        ),
    )


def _output_folder(out: Path) -> None:
    """Create the output folder (and clear an interrupted run's partial files), or stop."""
    from transcript.util.files import prepare_output

    try:
        prepare_output(out)
    except OSError as exc:
        raise _fail(f"{out}: cannot write there ({exc.strerror or exc})") from None


class _Inputs:
    """The readable input files with their bytes; the others reported and counted in `failed`:
    unreadable, too large, or not what `command` takes (`takes`: transcript XML or PDF
    packages; a PDF given for XML is named as one, with what to do)."""

    def __init__(self, files: list[Path], command: str, takes: str = "xml") -> None:
        self.files = files
        self.command = command
        self.takes = takes
        self.failed = 0

    def __iter__(self) -> Iterator[tuple[Path, bytes]]:
        for path in self.files:
            try:
                data = read_input(path)
            except OSError as exc:
                typer.echo(f"{path}: cannot read: {exc.strerror or exc}", err=True)
                self.failed += 1
                continue
            if not isinstance(data, Problem):
                if self.takes == "pdf":
                    data = not_pdf(path, data, self.command) or data
                else:
                    data = not_xml(path, data, self.command) or data
            if isinstance(data, Problem):
                typer.echo(data.format(str(path)))
                self.failed += 1
                continue
            yield path, data


def _load_identity(
    key: str,
    cert: Path | None,
    password_file: Path | None,
    pkcs11_module: Path | None = None,
    purpose: str = "documents",
) -> SigningIdentity:
    """Load the signing key once, asking for a password (or a token's PIN) only when one is
    needed and nobody gave it."""
    from transcript.pki.keys import SigningKeyError, load_identity, password_from
    from transcript.pki.token import is_token_uri

    reference: str | Path = key if is_token_uri(key) else Path(key)
    try:
        password = password_from(password_file=password_file)
        try:
            return load_identity(
                reference, password=password, chain_path=cert, pkcs11_module=pkcs11_module, purpose=purpose
            )
        except SigningKeyError as exc:
            needed = "password is needed" in str(exc) or "PIN is needed" in str(exc)
            if password is not None or not needed or not sys.stdin.isatty():
                raise
            what = "PIN" if is_token_uri(key) else "Password"
            typed = typer.prompt(f"{what} for {key}", hide_input=True)
            return load_identity(
                reference,
                password=typed.encode("utf-8"),
                chain_path=cert,
                pkcs11_module=pkcs11_module,
                purpose=purpose,
            )
    except SigningKeyError as exc:
        raise _fail(str(exc)) from None


def main() -> None:
    """Entry point of the ``transcript`` script."""
    # pyHanko logs every validation failure with a traceback; the report already says it.
    for name in ("pyhanko", "pyhanko_certvalidator"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    # The command is an application: it takes the speed-ups that replace library internals
    # (at the library versions they were written for; see transcript._speedups).
    from transcript import _speedups

    _speedups.enable()
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("transcript: interrupted", err=True)
        sys.exit(130)


# The sub-commands register themselves on `app` when imported.
from transcript.cli import documents, signatures, pdf, issue, status, wallet, web, demo  # noqa: E402, F401, I001 - the order of --help
