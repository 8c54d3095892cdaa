"""Verifying a transcript credential (SD-JWT VC) or a holder's presentation of one.

The same verdicts as for the XML and the PDF (EN 319 102-1's indications), from the same
roots: the issuer's certificate chain travels in ``x5c`` and is judged like an XML signer's,
at the validation time (a credential carries no time-stamp). Then the SD-JWT is processed
(RFC 9901 section 7.1), the credential's own validity (``iat``, ``nbf``, ``exp``) and type
checked, the holder's key binding verified when there is one (and required when an audience
or nonce is expected), the status looked up in the issuer's status list when one is given,
and the binding to a national XML or PDF shown when that file is given too.

Nothing shown is taken from outside the issuer's signature: the claims are those of the
signed JWT and of Disclosures whose digests it (or another such Disclosure) carries.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from collections.abc import Mapping
from typing import Any

from cryptography import x509

from transcript.model.constants import BANGKOK
from transcript.model.text import full_name
from transcript.pki.trust import TrustSettings
from transcript.status.listformat import document_key
from transcript.verify.chain import check_path
from transcript.verify.report import (
    Check,
    CredentialInfo,
    ReportDraft,
    Signer,
    Status,
    SubIndication,
    TranscriptSummary,
    VerificationReport,
)
from transcript.verify.signers import SignerList, check_signer
from transcript.wallet import sdjwt
from transcript.wallet.credential import TYP
from transcript.wallet.sdjwt import SdJwtError

MAX_CHAIN = 8
#: How old a key-binding JWT may be when no nonce proves it fresh.
DEFAULT_MAX_AGE = dt.timedelta(days=1)


def looks_like_sd_jwt(data: bytes) -> bool:
    """Whether `data` is, by its first bytes, a compact SD-JWT (a JWS header, then ``~``)."""
    head = data.lstrip()  # all of it: a long run of white space must not send it to the XML parser
    return head.startswith(b"eyJ") and b"~" in head[: sdjwt.MAX_BYTES]


def verify_credential(
    data: bytes,
    trust: TrustSettings,
    *,
    signers: SignerList | None = None,
    status: bytes | None = None,
    status_policy: str = "require",
    audience: str | None = None,
    nonce: str | None = None,
    document: VerificationReport | None = None,
    max_age: dt.timedelta | None = DEFAULT_MAX_AGE,
) -> VerificationReport:
    """The report on a credential or presentation; never raises for bad input.

    `audience` and `nonce`, when given, must be those of the holder's key-binding JWT (and one
    is then required). `status` is the issuer's signed status list (`status_policy` "soft":
    an unusable one is a warning). `document` is the report
    of the national XML or PDF given with the credential: its signed content must be the one
    the credential names."""
    draft = ReportDraft()
    now = trust.at or dt.datetime.now(dt.timezone.utc)
    draft.validation_time = now
    try:
        _verify(data, trust, draft, now, signers, status, audience, nonce, document, max_age)
        if status_policy == "soft":  # an unusable list is a warning (the caller's choice)
            draft.checks = [
                Check.warning(c.name, f"{c.detail} (policy: soft)")
                if c.sub_indication is SubIndication.STATUS_UNKNOWN
                else c
                for c in draft.checks
            ]
    except _Stop:
        pass
    except Exception as exc:  # a defect met with crafted input must not become a crash
        draft.add(
            Check.problem(
                "vc-input",
                SubIndication.FORMAT_FAILURE,
                f"the credential cannot be read ({type(exc).__name__})",
            )
        )
    return draft.freeze()


class _Stop(Exception):
    pass


def _verify(
    data: bytes,
    trust: TrustSettings,
    draft: ReportDraft,
    now: dt.datetime,
    signers: SignerList | None,
    status: bytes | None,
    audience: str | None,
    nonce: str | None,
    document: VerificationReport | None,
    max_age: dt.timedelta | None,
) -> None:
    def stop(name: str, sub: SubIndication, detail: str) -> _Stop:
        draft.add(Check.problem(name, sub, detail))
        return _Stop()

    try:
        token = sdjwt.parse(data)
        header = _header(token.jwt)
        chain = _chain(header)
    except SdJwtError as exc:
        raise stop("vc-input", SubIndication.FORMAT_FAILURE, str(exc)) from None
    draft.add(
        Check.passed(
            "vc-input",
            f"an SD-JWT with {len(token.disclosures)} disclosure(s)"
            + (" and a key-binding JWT" if token.kb_jwt else ""),
        )
    )
    try:
        processed = sdjwt.process(token, chain[0].public_key(), typ=TYP)
    except SdJwtError as exc:
        words = str(exc)
        if "signature" in words:
            sub = SubIndication.SIG_CRYPTO_FAILURE
        elif "not referenced" in words:  # a disclosure changed after issuing: its digest is not signed
            sub = SubIndication.HASH_FAILURE
        else:
            sub = SubIndication.FORMAT_FAILURE
        raise stop("vc-signature", sub, f"{exc}") from None
    claims = processed.claims
    draft.signer = Signer.of(chain[0])
    draft.level = "SD-JWT VC+KB" if token.kb_jwt else "SD-JWT VC"
    draft.add(
        Check.passed(
            "vc-signature",
            f"the issuer's signature verifies ({processed.header.get('alg')}) and every disclosure "
            f"is one the issuer made; {len(processed.paths)} shown, {processed.hidden} hidden",
        )
    )
    draft.add(check_path("vc-certificate", chain[0], chain[1:], trust, now, False))
    institution = claims.get("institution")
    names = [str(v) for v in institution.values()] if isinstance(institution, dict) else []
    draft.add(check_signer("vc-signer", chain[0], names, signers, role="the credential's issuer"))
    draft.add(_validity(claims, now))
    holder = _holder(token, claims, audience, nonce, now, max_age)
    draft.add(holder)
    digest = claims.get("signed_content_sha256")
    digest = digest if isinstance(digest, str) and len(digest) == 64 else None
    draft.document_sha256 = digest
    draft.summary = _summary(claims, processed.hidden)
    binding = None
    if document is not None:
        binding = _binding(document, digest)
        draft.add(binding)
    if status is not None:
        draft.add(_status(claims, digest, status, trust, names, signers, now))
    draft.credential = CredentialInfo(
        vct=str(claims.get("vct")),
        issuer=claims.get("iss") if isinstance(claims.get("iss"), str) else None,
        disclosed={k: v for k, v in claims.items() if k not in ("cnf",)},
        shown=len(processed.paths),
        hidden=processed.hidden,
        holder_bound="cnf" in claims,
        presented_to=audience if holder.status is Status.PASSED and token.kb_jwt else None,
        binding=None if binding is None else _binding_word(binding),
    )


def issuer_key_of(token: sdjwt.SdJwt) -> object:
    """The public key of the certificate a credential names as its signer (``x5c``), to check
    the signature before anything is trusted; whether to trust it is `check_path`'s question."""
    return _chain(_header(token.jwt))[0].public_key()


def _header(token: str) -> dict[str, Any]:
    encoded = token.split(".", 1)[0]
    header = sdjwt.read_json(sdjwt.unb64url(encoded, "the JWT header"), "the JWT header")
    if not isinstance(header, dict):
        raise SdJwtError("the JWT header is not a JSON object")
    if header.get("typ") != TYP:
        raise SdJwtError(f"the JWT is of type {header.get('typ')!r}, not a credential ({TYP!r})")
    return header


def _chain(header: Mapping[str, Any]) -> list[x509.Certificate]:
    encoded = header.get("x5c")
    if not isinstance(encoded, list) or not 1 <= len(encoded) <= MAX_CHAIN:
        raise SdJwtError("the credential carries no issuer certificate chain (x5c)")
    try:
        return [x509.load_der_x509_certificate(base64.b64decode(str(c), validate=True)) for c in encoded]
    except (ValueError, TypeError, binascii.Error):
        raise SdJwtError("the credential's certificate chain (x5c) cannot be read") from None


def _time(claims: Mapping[str, Any], name: str) -> dt.datetime | None:
    value = claims.get(name)
    if value is None:
        return None
    if not isinstance(value, int | float) or isinstance(value, bool) or not 0 <= value <= sdjwt.LAST_SECOND:
        raise SdJwtError(f"{name} is not a time")
    return dt.datetime.fromtimestamp(value, dt.timezone.utc)


def _validity(claims: Mapping[str, Any], now: dt.datetime) -> Check:
    try:
        issued, not_before, expires = (_time(claims, n) for n in ("iat", "nbf", "exp"))
    except SdJwtError as exc:
        return Check.problem("vc-validity", SubIndication.FORMAT_FAILURE, str(exc))
    if not isinstance(claims.get("vct"), str) or not claims.get("vct"):
        return Check.problem(
            "vc-validity", SubIndication.FORMAT_FAILURE, "the credential names no type (vct)"
        )
    for name in ("document_number", "institution", "signed_content_sha256"):
        if name not in claims:
            return Check.problem(
                "vc-validity", SubIndication.FORMAT_FAILURE, f"the credential lacks {name}: not a transcript"
            )
    skew = sdjwt.CLOCK_SKEW
    if issued is not None and issued > now + skew:
        return Check.problem(
            "vc-validity", SubIndication.NOT_YET_VALID, f"issued in the future ({issued.isoformat()})"
        )
    if not_before is not None and not_before > now + skew:
        return Check.problem(
            "vc-validity", SubIndication.NOT_YET_VALID, f"not valid before {not_before.isoformat()}"
        )
    if expires is not None and now >= expires:
        return Check.problem(
            "vc-validity",
            SubIndication.DOCUMENT_EXPIRED,
            f"the issuer made this credential valid until {expires.isoformat()}; it has expired",
        )
    until = f"; valid until {expires.isoformat()}" if expires else ""
    return Check.passed("vc-validity", f"a {claims['vct']} credential, issued {_iso(issued)}{until}")


def _iso(moment: dt.datetime | None) -> str:
    return moment.isoformat() if moment else "at an unstated time"


def _holder(
    token: sdjwt.SdJwt,
    claims: Mapping[str, Any],
    audience: str | None,
    nonce: str | None,
    now: dt.datetime,
    max_age: dt.timedelta | None,
) -> Check:
    wanted = audience is not None or nonce is not None
    if token.kb_jwt is None:
        if wanted:
            return Check.problem(
                "vc-holder",
                SubIndication.HOLDER_BINDING_FAILURE,
                "a presentation for this verifier was asked for, and this one carries no key-binding JWT",
            )
        words = (
            "not checked: the credential is bound to its holder's key, and no presentation was given"
            if "cnf" in claims
            else "not checked: the credential names no holder key; anybody holding it can show it"
        )
        return Check.skipped("vc-holder", words)
    try:
        key = sdjwt.holder_key(claims)
        if key is None:
            raise SdJwtError("a key-binding JWT without a holder key (cnf) in the credential")
        # A verifier's nonce proves freshness; without one the presentation's own time is all.
        sdjwt.verify_key_binding(
            token, key, audience=audience, nonce=nonce, now=now, max_age=None if nonce else max_age
        )
    except SdJwtError as exc:
        return Check.problem("vc-holder", SubIndication.HOLDER_BINDING_FAILURE, str(exc))
    if audience is None:
        # Proven to be the holder's, but not shown to be meant for this verifier (RFC 9901 7.3)
        return Check.warning(
            "vc-holder", "presented with the holder's key, for a verifier not checked (give the audience)"
        )
    asked = " and nonce" if nonce else ""
    return Check.passed("vc-holder", f"presented with the holder's key for {audience}{asked}")


def _binding(document: VerificationReport, digest: str | None) -> Check:
    if document.credential is not None:
        return Check.problem(
            "vc-binding",
            SubIndication.SIG_CONSTRAINTS_FAILURE,
            "the file given as the national document is a credential",
        )
    if not document.ok or document.document_sha256 is None:
        return Check.problem(
            "vc-binding",
            SubIndication.SIG_CONSTRAINTS_FAILURE,
            "the XML or PDF given with the credential is not genuine itself "
            f"({document.verdict.value}: {document.reason})",
        )
    if digest != document.document_sha256:
        return Check.problem(
            "vc-binding",
            SubIndication.SIG_CONSTRAINTS_FAILURE,
            "the credential is about another document than the XML or PDF given with it",
        )
    return Check.passed("vc-binding", "the credential and the XML or PDF given with it are the same document")


def _binding_word(check: Check) -> str:
    if check.status is Status.PASSED:
        return "is the same document"
    return "is not genuine itself" if "not genuine" in check.detail else "is another document"


def _status(
    claims: Mapping[str, Any],
    digest: str | None,
    data: bytes,
    trust: TrustSettings,
    institutions: list[str],
    signers: SignerList | None,
    now: dt.datetime,
) -> Check:
    from transcript.verify.status import lookup, read_trusted

    reference = claims.get("status")
    entry = reference.get("status_list") if isinstance(reference, dict) else None
    if not isinstance(entry, dict) or digest is None:
        return Check.problem(
            "status", SubIndication.STATUS_UNKNOWN, "the credential names no place in a status list"
        )
    index, uri = entry.get("idx"), entry.get("uri")
    if not isinstance(index, int) or isinstance(index, bool) or not isinstance(uri, str):
        return Check.problem(
            "status", SubIndication.STATUS_UNKNOWN, "the credential's status reference is malformed"
        )
    listing = read_trusted(data, trust, institutions=institutions, signers=signers)
    if isinstance(listing, str):
        return Check.problem(
            "status", SubIndication.STATUS_UNKNOWN, f"status could not be checked: {listing}"
        )
    if listing.content.url != uri:
        return Check.problem(
            "status",
            SubIndication.STATUS_UNKNOWN,
            f"the status list given is {listing.content.url!r}, not the one the credential names ({uri!r})",
        )
    if listing.content.index.get(document_key(digest)) != index:
        return Check.problem(
            "status",
            SubIndication.STATUS_UNKNOWN,
            f"the status list does not have this document at position {index}",
        )
    check, _, _ = lookup(listing, digest, now)
    return check


def _summary(claims: Mapping[str, Any], hidden: int) -> TranscriptSummary:
    """The brief of what the credential shows; what the holder hid stays empty."""

    def texts(value: Any) -> dict[str, str]:
        return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}

    def mapping(value: Any) -> dict[str, Any]:
        return value if isinstance(value, dict) else {}

    student = mapping(claims.get("student"))
    names: dict[str, str] = {}
    for language, parts in mapping(student.get("name")).items():
        if isinstance(parts, dict):
            words = [str(parts.get(p) or "") for p in ("given", "middle", "family")]
            if any(words) or parts.get("prefix"):
                names[str(language)] = full_name(str(parts.get("prefix") or ""), words, str(language))
    semesters = claims.get("semesters")
    courses = 0
    for semester in semesters if isinstance(semesters, list) else []:
        listed = mapping(semester).get("courses")
        courses += len(listed) if isinstance(listed, list) else 0
    gpax = claims.get("gpax")
    expires = claims.get("exp")
    last_day = None
    if isinstance(expires, int) and not isinstance(expires, bool) and 0 < expires <= sdjwt.LAST_SECOND:
        # `exp` is the first moment no longer valid (midnight, Thailand): the day before it
        last_day = (dt.datetime.fromtimestamp(expires - 1, BANGKOK)).date().isoformat()
    return TranscriptSummary(
        document_id=str(claims.get("document_number", "")),
        issued=str(claims.get("issued", "")),
        institution=texts(claims.get("institution")),
        student_number=str(student["student_number"]) if "student_number" in student else None,
        student_name=names,
        programme=texts(claims.get("programme")),
        degree=texts(claims.get("degree")),
        gpax=f"{gpax:.2f}" if isinstance(gpax, int | float) and not isinstance(gpax, bool) else None,
        status="",
        courses=courses,
        valid_until=last_day,
    )


__all__ = ["issuer_key_of", "looks_like_sd_jwt", "verify_credential"]
