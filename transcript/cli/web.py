"""`transcript serve`: the verification page for employers and admissions offices."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from transcript.cli import RevocationChoice, _fail, app


@app.command("serve")
def serve_command(
    trust: Annotated[
        list[Path],
        typer.Option("--trust", metavar="FILE", help="Trusted root certificates (repeat for more)."),
    ],
    crl: Annotated[
        Optional[list[Path]],  # noqa: UP045
        typer.Option(
            "--crl", metavar="FILE", help="Certificate revocation lists; repeat for more.", show_default=False
        ),
    ] = None,
    revocation: Annotated[
        RevocationChoice,
        typer.Option(help="require: no verdict without revocation data; soft: check what is available."),
    ] = RevocationChoice.require,
    intermediate: Annotated[
        Optional[list[Path]],  # noqa: UP045
        typer.Option(
            "--intermediate",
            metavar="FILE",
            help="Untrusted issuing CA certificates; repeat for more.",
            show_default=False,
        ),
    ] = None,
    signers: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(
            "--signers", help="A signer list (TOML): who may sign for which institution.", show_default=False
        ),
    ] = None,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    max_mb: Annotated[
        int, typer.Option("--max-mb", min=1, metavar="MB", help="Largest upload accepted, in MB.")
    ] = 20,
    status: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--status",
            help="The issuer's signed status list (a file, read again for each check, or an http(s) "
            "URL, fetched at most every five minutes): documents are checked against it, failing closed.",
            show_default=False,
        ),
    ] = None,
    workers: Annotated[
        int,
        typer.Option(
            "--workers",
            min=1,
            metavar="N",
            help="Server processes: verification uses one core each (default 1).",
        ),
    ] = 1,
) -> None:
    """Serve the verification page (its JSON API at /api/verify, and /api/verify/batch for ZIP
    archives of files) until Ctrl-C.

    Give the current CRLs (--crl) of the authorities: without revocation data the page can
    judge only PDFs that carry their own (PAdES-B-LT and B-LTA), and says so at start.
    """
    try:
        import uvicorn

        from transcript.web import create_app
    except ImportError as exc:
        raise _fail(
            f"the verification page needs the web extra ({exc.name} is not installed): "
            "pip install 'thai-transcript[web]'"
        ) from None
    from transcript.pki.trust import TrustError, TrustSettings
    from transcript.verify import SignerList

    try:
        settings = TrustSettings.from_files(
            trust, crl or [], revocation=revocation.value, intermediates=intermediate or []
        )
        allowed = SignerList.from_file(signers) if signers else None
    except TrustError as exc:
        raise _fail(str(exc)) from None
    from transcript.status.fetch import ListSource

    if not crl and revocation is RevocationChoice.require:
        typer.echo(
            "transcript serve: WARNING: no revocation data (--crl): every signed XML file, and every "
            "PDF without its own validation data (below PAdES-B-LT), will be INDETERMINATE for lack "
            "of it; give --crl FILE (the current CRL of each issuing CA and root)",
            err=True,
        )
    typer.echo(f"Verification page at http://{host}:{port}/ (Ctrl-C to stop)", err=True)
    if workers > 1:
        import json
        import os

        from transcript.web import SETTINGS_ENV

        # Each worker process builds its own application from the same settings (checked above).
        os.environ[SETTINGS_ENV] = json.dumps(
            {
                "trust": [str(p) for p in trust],
                "crls": [str(p) for p in crl or []],
                "revocation": revocation.value,
                "intermediates": [str(p) for p in intermediate or []],
                "signers": str(signers) if signers else None,
                "max_bytes": max_mb * 1024 * 1024,
                "status": status,
            }
        )
        uvicorn.run(
            "transcript.web:app_from_environment", factory=True, workers=workers, host=host, port=port,
            access_log=False, log_level="warning",
            # A worker busy verifying answers the supervisor's health ping late (its threads share
            # one interpreter lock); the default of 5 s had busy workers killed mid-request.
            timeout_worker_healthcheck=60,
        )  # fmt: skip
        return
    application = create_app(
        settings,
        signers=allowed,
        max_bytes=max_mb * 1024 * 1024,
        status_list=ListSource(status) if status else None,
    )
    uvicorn.run(application, host=host, port=port, access_log=False, log_level="warning")
