"""`transcript vc`: the transcript as a wallet credential (SD-JWT VC), its offers and metadata."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from transcript.cli import (
    EXIT_PROBLEMS,
    KeyOption,
    Pkcs11Module,
    _fail,
    _load_identity,
    _output_folder,
    app,
    new_app,
)

vc_app = new_app(
    help="Wallet credentials: the transcript as an SD-JWT VC (ETDA's Thai VC framework), the "
    "OpenID4VCI offers that hand it to a student's wallet, and the metadata wallets read.",
    no_args_is_help=True,
)
app.add_typer(vc_app, name="vc")

Issuer = Annotated[
    str,
    typer.Option(
        "--issuer",
        metavar="URL",
        help="The credential issuer's identifier: the https URL of the university's issuer service.",
        show_default=False,
    ),
]
Vct = Annotated[
    str,
    typer.Option("--vct", metavar="URI", help="The credential type (vct)."),
]
Out = Annotated[Path, typer.Option("--out", help="Output folder.", show_default=False)]


def _write(path: Path, data: bytes) -> None:
    from transcript.util.files import write_atomically

    try:
        write_atomically(path, data)
    except OSError as exc:
        raise _fail(f"{path}: cannot write ({exc.strerror or exc})") from None


def _json(value: Any) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _read_jwk(path: Path) -> dict[str, Any]:
    from transcript.wallet.sdjwt import SdJwtError, holder_key

    try:
        jwk = json.loads(path.read_text(encoding="utf-8"))
        holder_key({"cnf": {"jwk": jwk}})
    except OSError as exc:
        raise _fail(f"{path}: cannot read ({exc.strerror or exc})") from None
    except (ValueError, UnicodeDecodeError):
        raise _fail(f"{path}: not a JSON Web Key (JSON)") from None
    except SdJwtError as exc:
        raise _fail(f"{path}: {exc}") from None
    return {k: v for k, v in jwk.items() if k in ("kty", "crv", "x", "y")}


@vc_app.command("issue")
def issue_command(
    files: Annotated[
        list[Path],
        typer.Argument(
            help="Signed transcripts (XML, or the PDF packages).", metavar="SIGNED_XML", show_default=False
        ),
    ],
    key: Annotated[str, KeyOption],
    out: Out,
    issuer: Issuer,
    trust: Annotated[
        list[Path],
        typer.Option(
            "--trust",
            metavar="FILE",
            help="Trusted root certificates: each transcript must verify before its credential is made.",
            show_default=False,
        ),
    ],
    crl: Annotated[
        Optional[list[Path]],  # noqa: UP045
        typer.Option("--crl", metavar="FILE", help="Revocation lists of the roots' CAs.", show_default=False),
    ] = None,
    fetch: Annotated[bool, typer.Option("--fetch", help="Allow fetching CRLs over the network.")] = False,
    password_file: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("--password-file", help="File holding the key's password.", show_default=False),
    ] = None,
    cert: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("--cert", help="PEM certificate chain of a PEM key (signer first).", show_default=False),
    ] = None,
    pkcs11_module: Pkcs11Module = None,
    vct: Vct = "TranscriptCredential",
    holder_jwk: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(
            "--holder-jwk",
            help="The holder's public key (JWK, P-256 or Ed25519): the credential is bound to it (cnf).",
            show_default=False,
        ),
    ] = None,
    register: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(
            "--register",
            help="The issuing folder whose status register gives each document its place in the list.",
            show_default=False,
        ),
    ] = None,
    status_url: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--status-url",
            metavar="URL",
            help="Where the status list is published (transcript status publish --url).",
            show_default=False,
        ),
    ] = None,
    signers: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("--signers", help="A signer list (TOML), as for verify.", show_default=False),
    ] = None,
) -> None:
    """Make one .sd-jwt credential per signed transcript, from what its signature covers.

    Each transcript is verified first (only a genuine one gets a credential). The key signs
    ES256 (ECDSA P-256) or EdDSA (Ed25519), with its certificate chain in x5c.

    Exit code 0 when every file got its credential, 1 when one did not, 2 for unusable options.
    """
    from transcript.issuing.credentials import StatusSource, issue_credentials
    from transcript.pki.trust import TrustError, TrustSettings
    from transcript.verify import SignerList
    from transcript.wallet.offer import OfferError, check_issuer

    try:
        check_issuer(issuer)
    except OfferError as exc:
        raise _fail(f"--issuer: {exc}") from None
    if (register is None) != (status_url is None):
        raise _fail(
            "--register and --status-url go together: the list's address and each document's place in it"
        )
    try:
        settings = TrustSettings.from_files(trust, crl or [], allow_fetching=fetch)
        allowed = SignerList.from_file(signers) if signers else None
    except TrustError as exc:
        raise _fail(str(exc)) from None
    jwk = _read_jwk(holder_jwk) if holder_jwk else None
    identity = _load_identity(key, cert, password_file, pkcs11_module, purpose="credentials")
    _output_folder(out)
    status = StatusSource(register, status_url) if register and status_url else None
    try:
        results = issue_credentials(
            files, identity, settings, out_dir=out, issuer=issuer, vct=vct, holder_jwk=jwk,
            status=status, signers=allowed,
        )  # fmt: skip
    finally:
        identity.close()
    made = 0
    for result in results:
        if result.written is None:
            typer.echo(f"{result.source}: {result.problem}", err=True)
        else:
            made += 1
            typer.echo(f"{result.source}: {result.document_id} -> {result.written}")
    bound = "bound to the holder's key" if jwk else "not bound to a holder key"
    listed = "with its place in the status list" if status else "without a status list (cannot be revoked)"
    typer.echo(f"{made} of {len(results)} credential(s) written to {out}, {bound}, {listed}", err=True)
    if made != len(results):
        raise typer.Exit(EXIT_PROBLEMS)


@vc_app.command("metadata")
def metadata_command(
    out: Out,
    issuer: Issuer,
    vct: Vct = "TranscriptCredential",
    institution: Annotated[
        list[str],
        typer.Option(
            "--name",
            metavar="LANG=NAME",
            help="The institution's name for wallets, per language (th=..., en=...).",
            show_default=False,
        ),
    ] = [],  # noqa: B006 - typer reads the default, never mutates it
) -> None:
    """Write what wallets and verifiers read, to publish beside the status list: the type
    metadata (Thai and English labels), the JSON Schema of the claims, and the OpenID4VCI
    issuer metadata (.well-known/openid-credential-issuer)."""
    from transcript.wallet.metadata import claims_schema, issuer_metadata, type_metadata
    from transcript.wallet.offer import OfferError, check_issuer

    try:
        check_issuer(issuer)
    except OfferError as exc:
        raise _fail(f"--issuer: {exc}") from None
    names = {}
    for item in institution:
        language, _, name = item.partition("=")
        if language not in ("th", "en") or not name.strip():
            raise _fail(f"--name takes th=NAME or en=NAME, not {item!r}")
        names[language] = name.strip()
    _output_folder(out)
    schema_uri = f"{issuer.rstrip('/')}/transcript-credential.schema.json"
    files = {
        out / "transcript-credential.vct.json": type_metadata(vct, schema_uri=schema_uri),
        out / "transcript-credential.schema.json": claims_schema(vct),
        out / ".well-known" / "openid-credential-issuer": issuer_metadata(issuer, names, vct),
    }
    for path, content in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        _write(path, _json(content))
        typer.echo(str(path))


@vc_app.command("offer")
def offer_command(
    credentials: Annotated[
        list[Path],
        typer.Argument(
            help="Credentials (.sd-jwt) to offer, one offer each.", metavar="CREDENTIAL", show_default=False
        ),
    ],
    out: Out,
    issuer: Issuer,
    digits: Annotated[
        int,
        typer.Option(
            "--tx-code-digits",
            metavar="N",
            help="Digits of the transaction code a wallet asks for (sent to the student by email); 0: none.",
        ),
    ] = 6,
    valid_days: Annotated[
        int,
        typer.Option(
            "--valid-days", metavar="DAYS", min=1, max=90, help="How long an offer can be redeemed."
        ),
    ] = 14,
) -> None:
    """OpenID4VCI credential offers (pre-authorized code): for each credential, the offer as
    JSON and as a QR code to scan with a wallet, its transaction code, and offers.jsonl: the
    hashes of the codes that the issuer service redeems."""
    from transcript.wallet.offer import OfferError, make_offer, qr_png, record_of

    _output_folder(out)
    now = dt.datetime.now(dt.timezone.utc)
    records = []
    codes = []
    for credential in credentials:
        if not credential.is_file():
            raise _fail(f"{credential}: no such credential file")
        try:
            offer = make_offer(issuer, transaction_code_digits=digits or None)
        except OfferError as exc:
            raise _fail(str(exc)) from None
        stem = credential.name.split(".")[0]
        _write(out / f"{stem}.offer.json", _json(offer.offer))
        _write(out / f"{stem}.offer.png", qr_png(offer.uri))
        records.append(record_of(offer, credential.name, valid_for=dt.timedelta(days=valid_days), now=now))
        codes.append(f"{stem},{offer.transaction_code or ''}")
        typer.echo(f"{credential}: {out / (stem + '.offer.png')}")
    index = out / "offers.jsonl"
    lines = [json.dumps(r.to_dict(), ensure_ascii=False) for r in records]
    previous = index.read_text(encoding="utf-8") if index.exists() else ""
    _write(index, (previous + "".join(line + "\n" for line in lines)).encode("utf-8"))
    if digits:
        secret = out / "transaction-codes.csv"
        _write(secret, ("student,code\n" + "\n".join(codes) + "\n").encode("utf-8"))
        secret.chmod(0o600)  # the codes that unlock the offers: for the registrar's eyes only
        typer.echo(
            f"transaction codes: {out / 'transaction-codes.csv'} (send each to its student by email, "
            "never with the QR code; then delete the file)",
            err=True,
        )


@vc_app.command("present")
def present_command(
    credential: Annotated[Path, typer.Argument(help="The credential (.sd-jwt).", show_default=False)],
    out: Annotated[Path, typer.Option("--out", help="The presentation file to write.", show_default=False)],
    disclose: Annotated[
        str,
        typer.Option(
            "--disclose",
            metavar="CLAIMS",
            help="Comma-separated claims to show, e.g. student.name.en,semesters (what is always "
            "shown needs no mention); empty: nothing optional.",
        ),
    ] = "",
    holder_key: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(
            "--holder-key", help="The holder's private key (PEM) for the key-binding JWT.", show_default=False
        ),
    ] = None,
    audience: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--audience", help="Who the presentation is for (with --holder-key).", show_default=False
        ),
    ] = None,
    nonce: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--nonce", help="The verifier's nonce (with --holder-key).", show_default=False),
    ] = None,
) -> None:
    """What a wallet does: a presentation of a credential that shows only the claims chosen,
    signed with the holder's key for one verifier (for tests and demonstrations)."""
    from cryptography.hazmat.primitives import serialization

    from transcript.verify.credential import issuer_key_of
    from transcript.wallet import sdjwt

    try:
        token = sdjwt.parse(credential.read_bytes())
        chosen = [tuple(c.strip().split(".")) for c in disclose.split(",") if c.strip()]

        def keep(path: tuple[str, ...]) -> bool:
            return any(path[: len(c)] == c for c in chosen)

        shown = sdjwt.present(token, keep, issuer_key_of(token))
        kb = None
        if holder_key is not None:
            if audience is None or nonce is None:
                raise _fail(
                    "--holder-key needs --audience and --nonce: a presentation is for one verifier, once"
                )
            key = serialization.load_pem_private_key(holder_key.read_bytes(), None)
            kb = sdjwt.key_binding_jwt(shown, key, audience=audience, nonce=nonce)
    except OSError as exc:
        raise _fail(f"cannot read: {exc.strerror or exc}") from None
    except (sdjwt.SdJwtError, ValueError, TypeError) as exc:
        raise _fail(f"{credential}: {exc}") from None
    text = sdjwt.serialise(sdjwt.SdJwt(shown.jwt, shown.disclosures, kb))
    _write(out, (text + "\n").encode("ascii"))
    typer.echo(
        f"{out}: {len(shown.disclosures)} of {len(token.disclosures)} disclosures"
        + (", key-bound" if kb else "")
    )
