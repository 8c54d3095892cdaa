"""The signed status list: IETF Token Status List (draft-ietf-oauth-status-list), as a JWT.

A JWT of type ``statuslist+jwt``, signed (ES256 or RS256) by the institution's key with its
certificate chain in ``x5c``. Its ``status_list`` claim is the standard one: two bits per
document (0 valid, 1 revoked, 2 suspended, 3 superseded: the draft leaves 3 to the
application), packed least significant bits first and zlib-compressed, base64url. ``iat`` is
the issue time and ``exp`` the next update: a list past it is stale.

A transcript carries no index into the list (the national XML has no field for one), so the
list carries its own, in a private claim ``transcript_status``:

- ``index``: the document's position, keyed by the SHA-256 (base64url) of the SHA-256 of its
  signed content (`transcript.model.xmlio.signed_content_digest`: the XML without its
  signature, canonical, so that every copy of a document has it, whatever was added outside
  its root). The key reveals nothing (neither the student number nor the document number,
  which contains it, can be guessed back from a hash of the whole signed content), and only
  someone holding the document, or the QR code that quotes its digest, can look it up.
- ``superseded_by``: for a superseded document, the number of the document that replaces it,
  encrypted (AES-GCM) with a key derived from the old document's digest: whoever holds the
  old transcript (or its QR code) learns which one replaced it; a reader of the list does not.
- ``valid_until``: for a document issued for a limited time, its last day (ISO date, Thailand
  time), as its signed content states it. Expiry is not a status bit: it is fixed when the
  document is issued, so the date is published and a verifier compares it with its own
  clock, instead of a bit that would flip only when the list is next published.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import IntEnum

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from transcript.errors import TranscriptError
from transcript.model.validity import read_date

TYP = "statuslist+jwt"
BITS = 2
#: The largest list read: the JWT as it arrives, and the bit list once inflated.
MAX_LIST_BYTES = 16 * 1024 * 1024
MAX_ENTRIES = 4_000_000


class DocumentStatus(IntEnum):
    VALID = 0
    REVOKED = 1  # the draft's INVALID
    SUSPENDED = 2
    SUPERSEDED = 3  # application-specific in the draft

    @property
    def word(self) -> str:
        return self.name.lower()


class StatusListError(TranscriptError):
    """A status list that cannot be read (the reason is in the message)."""


def document_key(sha256_hex: str) -> str:
    """The list's key for a document: the base64url SHA-256 of its signed content's SHA-256. Hashed once
    more so that the list, which anybody may read, does not give away the file's digest that
    opens `superseded_by`."""
    return _b64(hashlib.sha256(bytes.fromhex(sha256_hex)).digest())


def seal_successor(sha256_hex: str, successor: str) -> str:
    """`successor` (a document number) encrypted for whoever knows the old file's digest."""
    key, nonce = _successor_key(sha256_hex)
    return _b64(AESGCM(key).encrypt(nonce, successor.encode("utf-8"), None))


def open_successor(sealed: str, sha256_hex: str) -> str | None:
    """The successor's document number, or None when it cannot be read with this digest."""
    try:
        key, nonce = _successor_key(sha256_hex)
        return AESGCM(key).decrypt(nonce, _unb64(sealed), None).decode("utf-8")
    except Exception:  # a wrong digest, a damaged value: nothing to tell
        return None


def _successor_key(sha256_hex: str) -> tuple[bytes, bytes]:
    secret = hashlib.sha256(b"transcript-status successor\0" + bytes.fromhex(sha256_hex)).digest()
    return secret, hashlib.sha256(b"nonce\0" + secret).digest()[:12]


def pack(statuses: Sequence[int]) -> bytes:
    """Two bits per entry, entry 0 in the least significant bits of byte 0 (the draft's order)."""
    out = bytearray((len(statuses) * BITS + 7) // 8)
    for index, value in enumerate(statuses):
        out[index // 4] |= (value & 0b11) << (2 * (index % 4))
    return bytes(out)


def entry(packed: bytes, index: int) -> DocumentStatus:
    if index < 0 or index // 4 >= len(packed):
        raise StatusListError(f"index {index} is outside the list")
    return DocumentStatus((packed[index // 4] >> (2 * (index % 4))) & 0b11)


def compress(statuses: Sequence[int]) -> str:
    return _b64(zlib.compress(pack(statuses), 9))


def inflate(lst: str, entries: int) -> bytes:
    """The packed list, inflated no further than `entries` need (a zlib bomb stops there)."""
    limit = (min(entries, MAX_ENTRIES) * BITS + 7) // 8
    if limit <= 0:  # zlib reads a limit of 0 as none at all
        raise StatusListError("the list lists no document")
    try:
        inflater = zlib.decompressobj()
        packed = inflater.decompress(_unb64(lst), limit)
    except (zlib.error, ValueError) as exc:
        raise StatusListError(f"the status bits cannot be read ({exc})") from None
    if inflater.unconsumed_tail or len(packed) < limit:
        raise StatusListError("the status bits do not match the list's index")
    return packed


@dataclass(frozen=True)
class ListContent:
    """What a status list says, once its signature has been checked."""

    issued: dt.datetime
    next_update: dt.datetime
    url: str | None
    packed: bytes
    index: Mapping[str, int]
    superseded_by: Mapping[str, str] = field(default_factory=dict)
    valid_until: Mapping[str, dt.date] = field(default_factory=dict)

    def status_of(self, key: str) -> DocumentStatus | None:
        position = self.index.get(key)
        return None if position is None else entry(self.packed, position)

    @classmethod
    def from_claims(cls, claims: Mapping[str, object]) -> ListContent:
        try:
            issued = dt.datetime.fromtimestamp(int(claims["iat"]), dt.timezone.utc)  # type: ignore[call-overload]
            expires = dt.datetime.fromtimestamp(int(claims["exp"]), dt.timezone.utc)  # type: ignore[call-overload]
            status_list = claims["status_list"]
            own = claims["transcript_status"]
            assert isinstance(status_list, dict) and isinstance(own, dict)
            if status_list.get("bits") != BITS:
                raise StatusListError(f"the list has {status_list.get('bits')} bits per entry, not {BITS}")
            index = own["index"]
            superseded = own.get("superseded_by", {})
            last_days = own.get("valid_until", {})
            assert isinstance(index, dict) and isinstance(superseded, dict) and isinstance(last_days, dict)
            valid_until = {str(k): read_date(str(v)) for k, v in last_days.items()}
            if len(valid_until) > MAX_ENTRIES or None in valid_until.values():
                raise StatusListError("the list's validity periods are not a map of document keys to dates")
            if len(index) > MAX_ENTRIES or not all(
                isinstance(k, str) and isinstance(v, int) and 0 <= v < MAX_ENTRIES for k, v in index.items()
            ):
                raise StatusListError("the list's index is not a map of document keys to positions")
            entries = max(index.values(), default=-1) + 1
            packed = inflate(str(status_list["lst"]), entries)
            url = claims.get("sub")
        except StatusListError:
            raise
        except (KeyError, TypeError, ValueError, AssertionError, OverflowError):
            raise StatusListError("the list's claims are not a transcript status list") from None
        return cls(
            issued, expires, url if isinstance(url, str) else None, packed, dict(index),
            {str(k): str(v) for k, v in superseded.items()},
            {k: v for k, v in valid_until.items() if v is not None},
        )  # fmt: skip


def claims(
    statuses: Sequence[int],
    index: Mapping[str, int],
    superseded_by: Mapping[str, str],
    *,
    issued: dt.datetime,
    next_update: dt.datetime,
    url: str | None,
    valid_until: Mapping[str, str] | None = None,
) -> dict[str, object]:
    """The JWT claims of a status list (see the module's text)."""
    payload: dict[str, object] = {
        "iat": int(issued.timestamp()),
        "exp": int(next_update.timestamp()),
        "ttl": max(int((next_update - issued).total_seconds()), 0),
        "status_list": {"bits": BITS, "lst": compress(statuses)},
        "transcript_status": {
            "alg": "sha-256",
            "index": dict(index),
            "superseded_by": dict(superseded_by),
            "valid_until": dict(valid_until or {}),
        },
    }
    if url:
        payload["sub"] = url
    return payload


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def canonical_json(value: object) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


#: The signature algorithms a list may use, by key type (one each: no algorithm confusion).
MAX_CHAIN = 8


def sign_list(payload: Mapping[str, object], key: object, chain: Sequence[x509.Certificate]) -> bytes:
    """The compact JWS of `payload`, signed by `key` (RSA: RS256; ECDSA P-256: ES256), with the
    certificate chain (signer first) in ``x5c``."""
    algorithm = "ES256" if isinstance(key, ec.EllipticCurvePrivateKey) else "RS256"
    headers = {
        "typ": TYP,
        "x5c": [base64.b64encode(c.public_bytes(serialization.Encoding.DER)).decode("ascii") for c in chain],
    }
    token = jwt.encode(dict(payload), key, algorithm=algorithm, headers=headers)  # type: ignore[arg-type]
    return token.encode("ascii")


def read_signed(data: bytes) -> tuple[dict[str, object], list[x509.Certificate]]:
    """The claims of a signed list and its certificate chain (signer first), once the
    signature verifies with the first certificate's key. Nothing is decompressed here, and
    nothing of the payload is read before the signature is checked.

    Raises `StatusListError` for a list that is too large, malformed, of another type, or
    whose signature does not verify."""
    if len(data) > MAX_LIST_BYTES:
        raise StatusListError(f"the list is {len(data):,} bytes, over the limit of {MAX_LIST_BYTES:,}")
    try:
        text = data.decode("ascii").strip()
        header = jwt.get_unverified_header(text)
    except (UnicodeDecodeError, jwt.PyJWTError) as exc:
        raise StatusListError(f"not a signed status list (JWT): {exc}") from None
    if header.get("typ") != TYP:
        raise StatusListError(f"the JWT is of type {header.get('typ')!r}, not {TYP!r}")
    encoded = header.get("x5c")
    if not isinstance(encoded, list) or not 1 <= len(encoded) <= MAX_CHAIN:
        raise StatusListError("the list carries no certificate chain (x5c)")
    try:
        chain = [x509.load_der_x509_certificate(base64.b64decode(str(c), validate=True)) for c in encoded]
    except (ValueError, TypeError):
        raise StatusListError("the list's certificate chain (x5c) cannot be read") from None
    public = chain[0].public_key()
    if isinstance(public, ec.EllipticCurvePublicKey):
        algorithm = "ES256"
    elif isinstance(public, rsa.RSAPublicKey):
        algorithm = "RS256"
    else:
        raise StatusListError("the list is signed with a key that is neither RSA nor ECDSA")
    try:
        claims = jwt.decode(
            text,
            key=public,
            algorithms=[algorithm],
            options={"verify_exp": False, "verify_iat": False, "verify_nbf": False, "verify_aud": False},
        )
    except jwt.InvalidSignatureError:
        raise StatusListError("the list's signature does not verify") from None
    except jwt.PyJWTError as exc:
        raise StatusListError(f"the list cannot be read ({exc})") from None
    return claims, chain
