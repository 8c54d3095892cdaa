"""`transcript demo-pki` and `transcript demo-tsa`: TEST ONLY material for trying the toolkit."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated, Optional

import typer

from transcript.cli import _fail, app


@app.command("demo-pki")
def demo_pki_command(
    out: Annotated[Path, typer.Option("--out", help="Folder for the demo PKI (created if missing).")],
    key_type: Annotated[str, typer.Option("--key-type", help="rsa or ec (P-256).")] = "rsa",
) -> None:
    """Create a TEST-ONLY PKI: root CA, issuing CA, registrar key (PKCS#12), credential key (P-256),
    time-stamp authority, CRLs."""
    from transcript.demo.pki import create_demo_pki

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
    user: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--user", help="Require HTTP basic authentication as this user.", show_default=False),
    ] = None,
    password_file: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("--password-file", help="File holding that user's password.", show_default=False),
    ] = None,
) -> None:
    """Run a TEST-ONLY time-stamp authority on 127.0.0.1 with the demo PKI's TSA key, until Ctrl-C.

    With --user (and --password-file) it requires HTTP basic authentication, as authorities
    that bill their users do: clients give --tsa-user and --tsa-password-file.
    """

    from transcript.demo.pki import DemoPki
    from transcript.demo.tsa import LocalTimeStampAuthority
    from transcript.pki.keys import SigningKeyError, password_from

    demo = DemoPki(pki)
    if not demo.exists():
        raise _fail(f"{pki}: not a demo PKI folder (run `transcript demo-pki --out {pki}` first)")
    password = None
    if user is not None:
        if password_file is None:
            raise _fail("--user needs --password-file")
        try:
            password = password_from(password_file=password_file, environ={})
        except SigningKeyError as exc:
            raise _fail(str(exc)) from None
    with LocalTimeStampAuthority(
        demo.tsa_certificate, demo.tsa_key, port=port, user=user, password=password
    ) as authority:
        typer.echo(f"TEST ONLY time-stamp authority at {authority.url} (Ctrl-C to stop)")
        while True:
            time.sleep(3600)
