"""`transcript sign`, `verify`, `demo-pki` and `demo-tsa`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Optional

import typer

from transcript.cli import (
    EXIT_PROBLEMS,
    MOMENT_EXAMPLE,
    KeyOption,
    Pkcs11Module,
    RevocationChoice,
    TsaCert,
    TsaKey,
    TsaPasswordFile,
    TsaUser,
    _fail,
    _Inputs,
    _load_identity,
    _output_folder,
    _timestamps,
    app,
    moment,
    read_input,
)
from transcript.errors import InvalidDocument
from transcript.model.constants import BANGKOK
from transcript.model.xmlio import MAX_DOCUMENT_BYTES
from transcript.problems import Problem, ValidationResult
from transcript.util.archive import ArchiveLimits

ARCHIVE_LIMITS = ArchiveLimits()


@app.command("sign")
def sign_command(
    files: Annotated[
        list[Path], typer.Argument(help="Transcript XML files to sign.", metavar="FILE", show_default=False)
    ],
    key: Annotated[str, KeyOption],
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
    pkcs11_module: Pkcs11Module = None,
    tsa_user: TsaUser = None,
    tsa_password_file: TsaPasswordFile = None,
    tsa_cert: TsaCert = None,
    tsa_key: TsaKey = None,
    signing_certificate: Annotated[
        str,
        typer.Option(
            "--signing-certificate",
            help="v1: XAdES 1.3.2 SigningCertificate, as ETDA's signer writes it and xades4j (inside "
            "the national tools) requires; v2: EN 319 132 SigningCertificateV2, which xades4j refuses.",
        ),
    ] = "v1",
) -> None:
    """Sign transcript XML with an enveloped XAdES signature (the national profile).

    Each input must pass `transcript validate` with no errors. The signed file is written under
    --out with the input's file name.

    Exit code 0 when every file was signed, 1 when any was not, 2 for an unusable key, time-stamp
    authority or output folder.
    """
    from transcript.pki.keys import SigningKeyError
    from transcript.pki.tsa import TimeStampError
    from transcript.sign.xades import SigningError, XmlSigner
    from transcript.util.files import write_atomically

    if signing_certificate not in ("v1", "v2"):
        raise _fail(f"--signing-certificate must be v1 or v2, not {signing_certificate!r}")
    identity = _load_identity(key, cert, password_file, pkcs11_module)
    stamps = _timestamps(tsa, tsa_user, tsa_password_file, tsa_cert, tsa_key)
    signer = XmlSigner(identity, timestamps=stamps, signing_certificate=signing_certificate)
    _output_folder(out)
    failed = 0
    inputs = _Inputs(files, "sign")
    for path, data in inputs:
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
        except (TimeStampError, SigningKeyError) as exc:  # no authority, or a token that stops answering
            raise _fail(f"{path}: not signed: {exc}") from None
        write_atomically(out / path.name, signed)
    failed += inputs.failed
    signed_count = len(files) - failed
    typer.echo(
        f"{signed_count} of {len(files)} file{'s' if len(files) != 1 else ''} signed into {out} "
        f"by {identity.common_name}"
        + (
            " with a time-stamp (XAdES-B-T)"
            if tsa
            else " without a time-stamp (XAdES-B-B): they verify only while the certificate is valid; "
            "--tsa URL makes the national profile's XAdES-B-T"
        ),
        err=True,
    )
    if failed:
        raise typer.Exit(EXIT_PROBLEMS)


@app.command("verify")
def verify_command(
    files: Annotated[
        list[Path],
        typer.Argument(
            help="Signed transcript files to verify, folders of them, or ZIP archives of them.",
            metavar="FILE|DIR|ZIP",
            show_default=False,
        ),
    ],
    trust: Annotated[
        list[Path],
        typer.Option(
            "--trust",
            metavar="FILE",
            help="PEM file of trusted root certificates (repeat for more).",
            show_default=False,
        ),
    ],
    crl: Annotated[
        Optional[list[Path]],  # noqa: UP045
        typer.Option(
            "--crl",
            metavar="FILE",
            help="A certificate revocation list (PEM or DER); repeat for more.",
            show_default=False,
        ),
    ] = None,
    at: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--at",
            metavar="TIME",
            help=f"Validate as of this time (default: now): {MOMENT_EXAMPLE} (Thailand time without "
            "an offset). A time-stamp proves an earlier signing time; a claimed one does not.",
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
    intermediate: Annotated[
        Optional[list[Path]],  # noqa: UP045
        typer.Option(
            "--intermediate",
            metavar="FILE",
            help="An issuing CA certificate (PEM or DER) that files do not carry; untrusted, used "
            "only to build chains. Repeat for more.",
            show_default=False,
        ),
    ] = None,
    signers: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(
            "--signers",
            help="A signer list (TOML): exactly which certificates may sign for which institution. "
            "Without it, a signer's certificate must name the institution (O).",
            show_default=False,
        ),
    ] = None,
    status: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--status",
            help="The issuer's signed status list (a file, or an http(s) URL): a revoked, suspended or "
            "replaced document is not genuine, and one whose status cannot be checked is undecided.",
            show_default=False,
        ),
    ] = None,
    status_policy: Annotated[
        str,
        typer.Option(
            "--status-policy", help="require: fail closed when the status cannot be checked; soft: warn."
        ),
    ] = "require",
    report_file: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(
            "--report",
            help="Also write one row per file to this .csv (for a spreadsheet) or .json file.",
            show_default=False,
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON report for machines.")] = False,
    brief: Annotated[bool, typer.Option("--brief", help="One line per file.")] = False,
    audience: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--audience",
            help="For a wallet presentation (SD-JWT): who it must be for (the key-binding JWT's aud).",
            show_default=False,
        ),
    ] = None,
    nonce: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--nonce",
            help="For a wallet presentation: the nonce you asked the holder for.",
            show_default=False,
        ),
    ] = None,
    document: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(
            "--document",
            help="For a wallet credential: the national XML or PDF it should be about (checked).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Verify signed transcripts and wallet credentials: is it genuine, who signed it, what does it say.

    The verdict is TOTAL-PASSED, TOTAL-FAILED or INDETERMINATE (ETSI EN 319 102-1), with every
    check behind it. Only the roots given with --trust are trusted.

    Exit code 0 only when every file is TOTAL-PASSED, 1 otherwise, 2 for unusable options.
    """
    from transcript.pki.trust import TrustError, TrustSettings
    from transcript.verify import SignerList, verify
    from transcript.verify.batch import problem_row, report_row, to_csv, to_json
    from transcript.verify.credential import looks_like_sd_jwt
    from transcript.verify.report import one_line

    when = moment("--at", at)
    when = when.replace(tzinfo=when.tzinfo or BANGKOK) if when else None
    try:
        settings = TrustSettings.from_files(
            trust,
            crl or [],
            revocation=revocation.value,
            allow_fetching=fetch,
            at=when,
            intermediates=intermediate or [],
        )
        allowed = SignerList.from_file(signers) if signers else None
    except TrustError as exc:
        raise _fail(str(exc)) from None
    if status_policy not in ("require", "soft"):
        raise _fail(f"--status-policy must be require or soft, not {status_policy!r}")
    listing = _status_list(status) if status is not None else None
    if report_file is not None and report_file.suffix.lower() not in (".csv", ".json"):
        raise _fail(f"--report writes a .csv or a .json file, not {report_file.name!r}")
    bound: bytes | None = None
    if document is not None:
        try:
            found = read_input(document)
        except OSError as exc:
            raise _fail(f"{document}: cannot read: {exc.strerror or exc}") from None
        if isinstance(found, Problem):
            raise _fail(found.format(str(document)))
        bound = found
    reports = []
    rows = []
    fetched: dict[str, bytes | None] = {}
    passed = total = 0
    for source, data in _sources(files):
        total += 1
        if isinstance(data, str):  # not read: a row that says why, and the batch goes on
            rows.append(problem_row(source, "TOTAL-FAILED", data))
            typer.echo(one_line(f"{source}: TOTAL-FAILED FORMAT_FAILURE: {data}"))
            continue
        credential = looks_like_sd_jwt(data)
        if credential:
            # A credential names its own place in the list; an unusable list is passed as empty
            # bytes so that the status is judged unknown, never skipped.
            report = verify(
                data, settings, signers=allowed, audience=audience, nonce=nonce, document=bound,
                status=(listing or b"") if status is not None else None, status_policy=status_policy,
            )  # fmt: skip
        else:
            report = verify(data, settings, signers=allowed)
        if credential:
            pass  # its status was checked above, at the place the credential names
        elif status is not None:
            from transcript.verify.status import with_status

            report = with_status(
                report, listing, settings, signers=allowed, policy=status_policy, source=status
            )
        elif fetch and report.ok and report.status_url:
            # The address a genuine document names in what its signature covers, fetched once for
            # all the documents that name it; never the address of a document not found genuine.
            from transcript.verify.status import with_status

            if report.status_url not in fetched:
                fetched[report.status_url] = _status_list(report.status_url, urls_only=True)
            report = with_status(
                report, fetched[report.status_url], settings, signers=allowed, policy=status_policy,
                source=report.status_url,
            )  # fmt: skip
        passed += report.ok
        rows.append(report_row(source, report))
        if as_json:
            reports.append({"file": source, **report.to_dict()})
        elif brief:
            typer.echo(report.brief(source))
        else:
            typer.echo(report.format(source))
    if as_json:
        typer.echo(json.dumps({"passed": passed == total, "files": reports}, ensure_ascii=False, indent=2))
    else:
        typer.echo(f"{total} file{'s' if total != 1 else ''} verified: {passed} genuine", err=True)
    if report_file is not None:
        from transcript.util.files import write_atomically

        body = to_csv(rows) if report_file.suffix.lower() == ".csv" else to_json(rows)
        try:
            write_atomically(report_file, body)
        except OSError as exc:
            raise _fail(f"{report_file}: cannot write the report ({exc.strerror or exc})") from None
        typer.echo(f"report: {report_file} ({len(rows)} row{'s' if len(rows) != 1 else ''})", err=True)
    if passed != total:
        raise typer.Exit(EXIT_PROBLEMS)


def _status_list(where: str, urls_only: bool = False) -> bytes | None:
    """The status list's bytes from a file or an http(s) URL, or None when it cannot be had
    (the verification then says the status could not be checked)."""
    from transcript.status.fetch import read_list

    found = read_list(where, urls_only=urls_only)
    if isinstance(found, str):
        typer.echo(f"transcript: {where}: {found}", err=True)
        return None
    return found


def _sources(paths: list[Path]) -> Iterator[tuple[str, bytes | str]]:
    """Each file to verify, named, with its bytes or why they were not read: the files given,
    the .pdf, .xml, .sd-jwt and .zip files in a folder given and its subfolders (sorted, symbolic
    links left alone), every file in a ZIP
    archive given (bounded: `transcript.util.archive`). A path that does not exist stops the
    command (exit 2); anything else is a row of the batch."""
    from transcript.util.archive import ArchiveError, read_zip

    for path in paths:
        if not path.exists():
            raise _fail(f"{path}: no such file or folder")
        found = (
            sorted(
                p
                for p in path.rglob("*")
                if p.suffix.lower() in (".pdf", ".xml", ".zip", ".sd-jwt")
                and p.is_file()
                and not p.is_symlink()
            )
            if path.is_dir()
            else [path]
        )
        for each in found:
            try:
                data = read_input(
                    each, max_bytes=ARCHIVE_LIMITS.archive_bytes if _is_zip(each) else MAX_DOCUMENT_BYTES
                )
            except OSError as exc:
                yield str(each), f"cannot read: {exc.strerror or exc}"
                continue
            if isinstance(data, Problem):
                yield str(each), data.message
                continue
            if not _is_zip(each, data):
                yield str(each), data
                continue
            try:
                for entry in read_zip(data, ARCHIVE_LIMITS):
                    yield f"{each}:{entry.name}", entry.data if entry.data is not None else str(entry.problem)
            except ArchiveError as exc:
                yield str(each), str(exc)


def _is_zip(path: Path, data: bytes | None = None) -> bool:
    if data is not None:
        return data[:4] == b"PK\x03\x04" or (path.suffix.lower() == ".zip" and data[:4] == b"PK\x05\x06")
    return path.suffix.lower() == ".zip"
