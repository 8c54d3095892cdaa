"""`transcript render` and `transcript package`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from transcript.cli import (
    EXIT_PROBLEMS,
    Edition,
    KeyOption,
    Languages,
    NoTimestamp,
    PadesChoice,
    PadesLevel,
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
    edition_of,
    editions,
)
from transcript.errors import InvalidDocument
from transcript.problems import ValidationResult

if TYPE_CHECKING:
    from transcript.pki.trust import TrustSettings
    from transcript.verify import VerificationReport


@app.command("render")
def render_command(
    files: Annotated[
        list[Path],
        typer.Argument(help="Transcript XML files (signed or not).", metavar="FILE", show_default=False),
    ],
    out: Annotated[Path, typer.Option("--out", help="Folder for the PDFs (created if missing).")],
    lang: Languages = ["th"],  # noqa: B006 - typer needs a literal default
    trust: Annotated[
        Optional[list[Path]],  # noqa: UP045
        typer.Option(
            "--trust", metavar="FILE", help="Trusted root certificates; needed to render a signed transcript."
        ),
    ] = None,
    crl: Annotated[
        Optional[list[Path]],  # noqa: UP045
        typer.Option(
            "--crl",
            metavar="FILE",
            help="Certificate revocation lists for the verification.",
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
    require_valid: Annotated[
        bool,
        typer.Option(
            "--require-valid", help="Refuse unsigned transcripts and signatures that do not verify."
        ),
    ] = False,
) -> None:
    """Render transcripts as A4 PDFs (Thai or English edition): OUT/NAME.LANG.pdf.

    A signed transcript is verified against --trust (with --crl or --fetch for revocation) and
    rendered from what the signature covers; one that does not verify is marked NOT VERIFIED,
    and the reason is printed. An unsigned one (a draft) carries a NOT SIGNED watermark.

    Exit code 0 when every file was rendered and every signed one verified, 1 when any was not
    rendered or was rendered marked NOT VERIFIED, 2 for unusable options.
    """
    from transcript.errors import InvalidDocument
    from transcript.pki.trust import TrustError, TrustSettings
    from transcript.render import RenderError
    from transcript.util.files import write_atomically
    from transcript.verify.report import one_line

    languages = editions(lang)
    settings = None
    if trust:
        try:
            settings = TrustSettings.from_files(
                trust, crl or [], revocation=revocation.value, allow_fetching=fetch
            )
        except TrustError as exc:
            raise _fail(str(exc)) from None
    _output_folder(out)
    failed = rendered = unverified = 0
    inputs = _Inputs(files, "render")
    for path, data in inputs:
        try:
            report, pdfs = _render_editions(data, languages, settings, require_valid)
        except InvalidDocument as exc:
            typer.echo(ValidationResult.of(exc.problems).format(str(path)))
            failed += 1
            continue
        except RenderError as exc:
            typer.echo(f"{path}: not rendered: {exc}", err=True)
            failed += 1
            continue
        for edition, pdf in pdfs.items():
            write_atomically(out / f"{path.stem}.{edition}.pdf", pdf)
            rendered += 1
        if report is not None and not report.ok:
            unverified += 1
            sub = report.sub_indication.value if report.sub_indication else ""
            typer.echo(
                one_line(
                    f"{path}: rendered, marked NOT VERIFIED: {report.verdict.value} {sub}: {report.reason}"
                ),
                err=True,
            )
    failed += inputs.failed
    marked = f" ({unverified} file{'s' if unverified != 1 else ''} marked NOT VERIFIED)" if unverified else ""
    typer.echo(f"{rendered} PDF{'s' if rendered != 1 else ''} written to {out}{marked}", err=True)
    if failed or unverified:
        raise typer.Exit(EXIT_PROBLEMS)


def _render_editions(
    data: bytes, languages: tuple[str, ...], settings: TrustSettings | None, require_valid: bool
) -> tuple[VerificationReport | None, dict[str, bytes]]:
    """Every edition of one file, and the verification report of a signed one (verified once,
    whatever the number of editions). Raises InvalidDocument or RenderError."""
    from transcript.render import is_signed, render_pdf, render_verified
    from transcript.verify import verify

    if settings is not None and is_signed(data):
        report = verify(data, settings)
        return report, {
            lang: render_verified(report, lang, require_valid=require_valid) for lang in languages
        }
    return None, {
        lang: render_pdf(data, lang, trust=settings, require_valid=require_valid) for lang in languages
    }


@app.command("package")
def package_command(
    files: Annotated[
        list[Path],
        typer.Argument(help="Signed transcript XML files.", metavar="SIGNED_XML", show_default=False),
    ],
    key: Annotated[str, KeyOption],
    out: Annotated[Path, typer.Option("--out", help="Folder for the PDFs (created if missing).")],
    trust: Annotated[
        list[Path],
        typer.Option(
            "--trust",
            metavar="FILE",
            help="Trusted root certificates (the XML is verified before rendering).",
        ),
    ],
    crl: Annotated[
        Optional[list[Path]],  # noqa: UP045
        typer.Option(
            "--crl",
            metavar="FILE",
            help="Certificate revocation lists (checked, and embedded at B-LT).",
            show_default=False,
        ),
    ] = None,
    lang: Languages = ["th"],  # noqa: B006 - typer needs a literal default
    pades: PadesLevel = PadesChoice.blta,
    tsa: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--tsa", help="RFC 3161 time-stamp authority (needed from B-T up).", show_default=False),
    ] = None,
    no_timestamp: NoTimestamp = False,
    verify_url: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--verify-url",
            help="Your verification site (transcript serve): the QR code on every page opens the "
            "document's page there.",
            show_default=False,
        ),
    ] = None,
    status_url: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--status-url",
            help="Where you publish the signed status list (transcript status publish): recorded in "
            "the signed PDF, so that verifiers can check the document still stands.",
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
    tsa_user: TsaUser = None,
    tsa_password_file: TsaPasswordFile = None,
    tsa_cert: TsaCert = None,
    tsa_key: TsaKey = None,
    edition: Edition = "full",
) -> None:
    """Make the national package: a PDF/A-3 carrying the signed XML, signed with PAdES.

    Each signed XML is verified, rendered (OUT/NAME.LANG.pdf), turned into PDF/A-3U with the
    XML embedded, and signed with the same key; the PDF signature is the last change.

    The national profile by default: PAdES-B-LTA (time-stamps, validation data, a document
    time-stamp), which needs --tsa URL; short-lived B-B files only with --pades B-B --no-timestamp.
    With --edition minimal the XML is verified, copied without the national ID, passport number
    and birth date, and signed again with the same key before it is packaged.

    Exit code 0 when every file was packaged, 1 when any was not, 2 for unusable options.
    """
    from transcript.model.editions import MINIMAL
    from transcript.package import build_packages, minimal_edition
    from transcript.pki.keys import SigningKeyError
    from transcript.pki.trust import TrustError, TrustSettings
    from transcript.pki.tsa import TimeStampError
    from transcript.render import RenderError
    from transcript.sign.pades import PadesError, PdfSigner
    from transcript.sign.profile import profile_problem
    from transcript.util.files import write_atomically

    languages = editions(lang)
    edition = edition_of(edition)
    for option, url in (("--status-url", status_url), ("--verify-url", verify_url)):
        if url is not None and not url.startswith(("https://", "http://")):
            raise _fail(f"{option} must be an http(s) URL, not {url!r}")
    problem = profile_problem(pades.value, time_stamp_authority=tsa is not None, timestamp=not no_timestamp)
    if problem:
        raise _fail(problem)
    try:
        settings = TrustSettings.from_files(trust, crl or [])
    except TrustError as exc:
        raise _fail(str(exc)) from None
    identity = _load_identity(key, cert, password_file, pkcs11_module)
    try:
        stamps = _timestamps(tsa, tsa_user, tsa_password_file, tsa_cert, tsa_key)
        signer = PdfSigner(identity, pades.value, stamps, settings)
    except (PadesError, SigningKeyError) as exc:
        raise _fail(str(exc)) from None
    _output_folder(out)
    failed = written = 0
    package_inputs = _Inputs(files, "package")
    for path, data in package_inputs:
        try:
            if edition == MINIMAL:
                data = minimal_edition(data, settings, identity, stamps)
            pdfs = build_packages(
                data,
                list(languages),
                trust=settings,
                signer=signer,
                file_name=path.name,
                status_url=status_url,
                verify_url=verify_url,
            )
        except (RenderError, InvalidDocument) as exc:
            typer.echo(f"{path}: not packaged: {exc}", err=True)
            failed += 1
            continue
        except (PadesError, TimeStampError, SigningKeyError) as exc:  # a token that stops answering
            raise _fail(f"{path}: not packaged: {exc}") from None
        for edition, pdf in pdfs.items():
            write_atomically(out / f"{path.stem}.{edition}.pdf", pdf)
            written += 1
    failed += package_inputs.failed
    typer.echo(
        f"{written} signed PDF/A-3 file{'s' if written != 1 else ''} (PAdES-{pades.value}) written to {out}",
        err=True,
    )
    if failed:
        raise typer.Exit(EXIT_PROBLEMS)


@app.command("extend")
def extend_command(
    files: Annotated[
        list[Path],
        typer.Argument(help="Signed transcript PDFs (packages) to renew.", metavar="PDF", show_default=False),
    ],
    tsa: Annotated[str, typer.Option("--tsa", help="RFC 3161 time-stamp authority for the new time-stamp.")],
    trust: Annotated[
        list[Path],
        typer.Option(
            "--trust",
            metavar="FILE",
            help="Trusted root certificates (each file must verify first).",
            show_default=False,
        ),
    ],
    crl: Annotated[
        Optional[list[Path]],  # noqa: UP045
        typer.Option(
            "--crl",
            metavar="FILE",
            help="Current CRLs of the authorities (embedded as validation data).",
            show_default=False,
        ),
    ] = None,
    out: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(
            "--out", help="Write the renewed files here instead of replacing them.", show_default=False
        ),
    ] = None,
    within: Annotated[
        int,
        typer.Option(
            "--within",
            min=0,
            metavar="DAYS",
            help="Renew a file when its newest time-stamp's certificate expires within this many days.",
        ),
    ] = 365,
    force: Annotated[
        bool, typer.Option("--force", help="Renew every file, however long it has left.")
    ] = False,
    fetch: Annotated[
        bool, typer.Option("--fetch", help="Allow fetching CRLs and OCSP responses over the network.")
    ] = False,
    tsa_user: TsaUser = None,
    tsa_password_file: TsaPasswordFile = None,
    tsa_cert: TsaCert = None,
    tsa_key: TsaKey = None,
) -> None:
    """Renew long-term packages (PAdES-B-LTA): fresh validation data and a new document time-stamp.

    A package keeps verifying while the certificate of its newest time-stamp is valid; renew it
    before that (every few years) and it goes on verifying. Each file must verify now, and the
    renewed file must verify too before it replaces the old one (atomically; or goes to --out).
    A file with more than --within days left is current and left as it is, so a second run
    changes nothing.

    Exit code 0 when every file was renewed or is current, 1 when any was not renewed, 2 for
    unusable options or a time-stamp authority that does not answer.
    """
    import datetime as dt

    from transcript.extend import extend_pdf
    from transcript.pki.trust import TrustError, TrustSettings
    from transcript.pki.tsa import TimeStampError
    from transcript.util.files import write_atomically

    try:
        settings = TrustSettings.from_files(trust, crl or [], allow_fetching=fetch)
    except TrustError as exc:
        raise _fail(str(exc)) from None
    stamps = _timestamps(tsa, tsa_user, tsa_password_file, tsa_cert, tsa_key)
    assert stamps is not None
    if out is not None:
        _output_folder(out)
    counts = {"extended": 0, "current": 0, "refused": 0}
    inputs = _Inputs(files, "extend", takes="pdf")
    for path, data in inputs:
        try:
            renewal = extend_pdf(data, stamps, settings, within=dt.timedelta(days=within), force=force)
        except TimeStampError as exc:
            raise _fail(f"{path}: not renewed: {exc}") from None
        counts[renewal.status] += 1
        if renewal.status == "refused":
            typer.echo(f"{path}: not renewed: {renewal.detail}")
            continue
        if renewal.data is not None:
            write_atomically((out / path.name) if out is not None else path, renewal.data)
        typer.echo(f"{path}: {renewal.status}: {renewal.detail}")
    refused = counts["refused"] + inputs.failed
    typer.echo(f"{counts['extended']} renewed, {counts['current']} current, {refused} not renewed", err=True)
    if refused:
        raise typer.Exit(EXIT_PROBLEMS)
