"""`transcript render` and `transcript package`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from transcript.cli import (
    EXIT_PROBLEMS,
    KeyOption,
    LanguageChoice,
    PadesChoice,
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
)
from transcript.errors import InvalidDocument
from transcript.problems import ValidationResult


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
    """Render transcripts as A4 PDFs (Thai or English edition): OUT/NAME.LANG.pdf.

    A signed transcript is verified against --trust and rendered from what the signature covers.
    An unsigned one carries a NOT SIGNED watermark, one that does not verify NOT VERIFIED.

    Exit code 0 when every file was rendered, 1 when any was not, 2 for unusable options.
    """
    from transcript.errors import InvalidDocument
    from transcript.pki.trust import TrustError, TrustSettings
    from transcript.render import RenderError, render_pdf
    from transcript.util.files import write_atomically

    settings = None
    if trust:
        try:
            settings = TrustSettings.from_files(trust, crl or [], revocation=revocation.value)
        except TrustError as exc:
            raise _fail(str(exc)) from None
    _output_folder(out)
    failed = rendered = 0
    inputs = _Inputs(files)
    for path, data in inputs:
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
    failed += inputs.failed
    typer.echo(f"{rendered} PDF{'s' if rendered != 1 else ''} written to {out}", err=True)
    if failed:
        raise typer.Exit(EXIT_PROBLEMS)


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
    pkcs11_module: Pkcs11Module = None,
    tsa_user: TsaUser = None,
    tsa_password_file: TsaPasswordFile = None,
    tsa_cert: TsaCert = None,
    tsa_key: TsaKey = None,
) -> None:
    """Make the national package: a PDF/A-3 carrying the signed XML, signed with PAdES.

    Each signed XML is verified, rendered (OUT/NAME.LANG.pdf), turned into PDF/A-3U with the
    XML embedded, and signed with the same key; the PDF signature is the last change.

    Exit code 0 when every file was packaged, 1 when any was not, 2 for unusable options.
    """
    from transcript.package import build_packages
    from transcript.pki.keys import SigningKeyError
    from transcript.pki.trust import TrustError, TrustSettings
    from transcript.pki.tsa import TimeStampError
    from transcript.render import RenderError
    from transcript.sign.pades import PadesError, PdfSigner
    from transcript.util.files import write_atomically

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
    package_inputs = _Inputs(files)
    for path, data in package_inputs:
        editions = [edition.value for edition in dict.fromkeys(lang)]
        try:
            pdfs = build_packages(data, editions, trust=settings, signer=signer, file_name=path.name)
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
        f"{written} signed PDF/A-3 file{'s' if written != 1 else ''} ({pades.value}) written to {out}",
        err=True,
    )
    if failed:
        raise typer.Exit(EXIT_PROBLEMS)
