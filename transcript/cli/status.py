"""`transcript status`: the issuer's register of withdrawn, suspended and replaced documents."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Annotated, Optional

import typer

from transcript.cli import KeyOption, Pkcs11Module, _fail, _load_identity, app, new_app

status_app = new_app(
    help="Document status: revoke, suspend, reinstate or supersede issued transcripts, and "
    "publish the signed status list verifiers check.",
    no_args_is_help=True,
)
app.add_typer(status_app, name="status")

Register = Annotated[
    Path,
    typer.Option(
        "--register", help="The folder `transcript issue --out` wrote (its manifest lists the documents)."
    ),
]
Reason = Annotated[str, typer.Option("--reason", help="Why, in one line (recorded with who and when).")]
Operator = Annotated[
    Optional[str],  # noqa: UP045
    typer.Option(
        "--operator", help="Who makes the change (default: the logged-in user).", show_default=False
    ),
]
DocumentId = Annotated[str, typer.Argument(help="The document number.", metavar="ID", show_default=False)]


def _record(
    action: str, register: Path, document_id: str, reason: str, operator: str | None, by: str | None
) -> None:
    from transcript.status.register import RegisterError, StatusRegister

    try:
        event = StatusRegister(register).record(
            action, document_id, reason=reason, operator=operator or getpass.getuser(), by=by
        )
    except RegisterError as exc:
        raise _fail(str(exc)) from None
    successor = f" by {event.by}" if event.by else ""
    typer.echo(
        f"{event.document_id}: {action}{successor} at {event.time} by {event.operator}: {event.reason}"
    )
    typer.echo("Publish the list again (transcript status publish) for verifiers to see it.", err=True)


@status_app.command("revoke")
def revoke_command(
    document_id: DocumentId, register: Register, reason: Reason, operator: Operator = None
) -> None:
    """Withdraw a document for good (issued in error). Exit code 0 when recorded, 2 when not."""
    _record("revoke", register, document_id, reason, operator, None)


@status_app.command("suspend")
def suspend_command(
    document_id: DocumentId, register: Register, reason: Reason, operator: Operator = None
) -> None:
    """Suspend a document until it is reinstated. Exit code 0 when recorded, 2 when not."""
    _record("suspend", register, document_id, reason, operator, None)


@status_app.command("reinstate")
def reinstate_command(
    document_id: DocumentId, register: Register, reason: Reason, operator: Operator = None
) -> None:
    """Make a suspended document valid again. Exit code 0 when recorded, 2 when not."""
    _record("reinstate", register, document_id, reason, operator, None)


@status_app.command("supersede")
def supersede_command(
    document_id: DocumentId,
    register: Register,
    reason: Reason,
    by: Annotated[str, typer.Option("--by", help="The number of the document that replaces it.")],
    operator: Operator = None,
) -> None:
    """Replace a document by another (after a grade correction, say): verifiers of the old one
    are told it is replaced, and by which. Exit code 0 when recorded, 2 when not."""
    _record("supersede", register, document_id, reason, operator, by)


@status_app.command("publish")
def publish_command(
    register: Register,
    key: Annotated[str, KeyOption],
    out: Annotated[Path, typer.Option("--out", help="The status list file to write (a signed JWT).")],
    url: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--url", help="Where the list will be served (named in it).", show_default=False),
    ] = None,
    valid_hours: Annotated[
        int,
        typer.Option(
            "--valid-hours",
            min=1,
            metavar="HOURS",
            help="Hours until the next update (after that it is stale).",
        ),
    ] = 24,
    cert: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("--cert", help="PEM certificate chain for a PEM key.", show_default=False),
    ] = None,
    password_file: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("--password-file", help="File holding the key password.", show_default=False),
    ] = None,
    pkcs11_module: Pkcs11Module = None,
) -> None:
    """Write the signed status list of every document issued in the register's folder: a static
    file any web server can host. Publish again before it goes stale (--valid-hours), and after
    every change. Exit code 0 when written, 2 when not."""
    import datetime as dt

    from transcript.status.register import RegisterError, StatusRegister
    from transcript.util.files import write_atomically

    identity = _load_identity(key, cert, password_file, pkcs11_module)
    try:
        listing = StatusRegister(register).publish(
            identity, url=url, valid_for=dt.timedelta(hours=valid_hours)
        )
    except RegisterError as exc:
        raise _fail(str(exc)) from None
    try:
        write_atomically(out, listing)
    except OSError as exc:
        raise _fail(f"{out}: cannot write there ({exc.strerror or exc})") from None
    documents = len(StatusRegister(register).documents())
    typer.echo(
        f"{out}: status list of {documents} documents, valid {valid_hours} h, "
        f"signed by {identity.common_name}"
    )


@status_app.command("show")
def show_command(register: Register) -> None:
    """List the documents issued in the register's folder with their status and last change."""
    import datetime as dt

    from transcript.model.constants import BANGKOK
    from transcript.status.register import RegisterError, StatusRegister
    from transcript.verify.report import one_line

    try:
        book = StatusRegister(register)
        documents = book.documents()
    except RegisterError as exc:
        raise _fail(str(exc)) from None
    statuses = book.statuses()
    today = dt.datetime.now(BANGKOK).date()
    for known in documents:
        status, successor = statuses.get(known.digest, (None, None))
        event = next((e for e in reversed(book.events()) if known.digest in e.files), None)
        word = status.word if status is not None else "valid"
        if word == "valid" and known.valid_until:
            until = dt.date.fromisoformat(known.valid_until)
            word = f"valid until {until}" if today <= until else f"expired (valid until {until})"
        if event is None:
            typer.echo(f"{known.document_id}  {word}  (file {known.digest[:16]})")
            continue
        by = f" by {successor}" if successor else ""
        typer.echo(
            one_line(
                f"{known.document_id}  {word}{by}  (file {known.digest[:16]}; {event.time}, "
                f"{event.operator}: {event.reason})"
            )
        )
