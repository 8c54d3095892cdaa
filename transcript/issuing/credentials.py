"""Wallet credentials from signed transcripts: each file verified first, then its credential.

A credential says what the national file says, so it is made only from a file that verifies
(TOTAL-PASSED against the roots given, as the renderer requires with ``--require-valid``),
from the bytes its XAdES signature covers, and only by a key that may sign for the file's
institution (the same rule as for the file's own signer). One bad file never stops the
others; each result says what happened.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from transcript.model.xmlio import MAX_DOCUMENT_BYTES
from transcript.pki.keys import SigningIdentity
from transcript.pki.trust import TrustSettings
from transcript.status.register import StatusRegister
from transcript.util.files import write_atomically
from transcript.verify import verify
from transcript.verify.report import Status
from transcript.verify.signers import SignerList, check_signer
from transcript.verify.xml import institution_names
from transcript.wallet.credential import (
    DEFAULT_VCT,
    StatusReference,
    credential_claims,
    sign_credential,
)

SUFFIX = ".sd-jwt"


@dataclass(frozen=True)
class CredentialResult:
    source: Path
    written: Path | None  # None: not issued, `problem` says why
    document_id: str | None = None
    problem: str | None = None


@dataclass(frozen=True)
class StatusSource:
    """The issuing folder whose register gives each document its place, and the address
    where its status list is published (`transcript status publish --url`)."""

    register: Path
    uri: str

    def positions(self) -> dict[str, int]:
        return {k.digest: k.index for k in StatusRegister(self.register).documents()}


def issue_credentials(
    files: Iterable[Path],
    identity: SigningIdentity,
    trust: TrustSettings,
    *,
    out_dir: Path,
    issuer: str,
    vct: str = DEFAULT_VCT,
    holder_jwk: Mapping[str, Any] | None = None,
    status: StatusSource | None = None,
    signers: SignerList | None = None,
    now: dt.datetime | None = None,
) -> list[CredentialResult]:
    """One ``.sd-jwt`` in `out_dir` per signed transcript (XML, or the PDF package)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    positions = status.positions() if status is not None else {}
    moment = now or dt.datetime.now(dt.timezone.utc)
    results = []
    for path in files:
        results.append(
            _one(path, identity, trust, out_dir, issuer, vct, holder_jwk, status, positions, signers, moment)
        )
    return results


def _one(
    path: Path,
    identity: SigningIdentity,
    trust: TrustSettings,
    out_dir: Path,
    issuer: str,
    vct: str,
    holder_jwk: Mapping[str, Any] | None,
    status: StatusSource | None,
    positions: Mapping[str, int],
    signers: SignerList | None,
    now: dt.datetime,
) -> CredentialResult:
    try:
        if path.stat().st_size > MAX_DOCUMENT_BYTES:
            return CredentialResult(path, None, problem=f"over {MAX_DOCUMENT_BYTES:,} bytes")
        data = path.read_bytes()
    except OSError as exc:
        return CredentialResult(path, None, problem=f"cannot read: {exc.strerror}")
    report = verify(data, trust, signers=signers)
    if not report.ok or report.transcript is None or report.document_sha256 is None:
        sub = report.sub_indication.value if report.sub_indication else ""
        return CredentialResult(
            path,
            None,
            problem=f"not issued: the file does not verify ({report.verdict.value} {sub}: {report.reason})",
        )
    t = report.transcript
    document_id = t.transcript_context.transcript_id
    allowed = check_signer(
        "vc", identity.certificate, institution_names(t), signers, role="the credential key"
    )
    if allowed.status is not Status.PASSED:
        return CredentialResult(path, None, document_id, problem=f"not issued: {allowed.detail}")
    reference = None
    if status is not None:
        index = positions.get(report.document_sha256)
        if index is None:
            return CredentialResult(
                path, None, document_id,
                problem=f"not issued: {status.register} has no record of this document (issued elsewhere?)",
            )  # fmt: skip
        reference = StatusReference(index, status.uri)
    claims = credential_claims(
        t, content_sha256=report.document_sha256, issuer=issuer, vct=vct, issued_at=now,
        holder_jwk=holder_jwk, status=reference,
    )  # fmt: skip
    target = out_dir / (path.name.split(".")[0] + SUFFIX)
    write_atomically(target, (sign_credential(claims, identity) + "\n").encode("ascii"))
    return CredentialResult(path, target, document_id)
