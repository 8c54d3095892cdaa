"""Selective Disclosure for JWTs (RFC 9901): issuing, presenting and processing, strictly.

Nothing here knows about transcripts. The JWS layer is PyJWT's; this module adds what RFC
9901 defines on top of it: Disclosures (`[salt, name, value]` for an object property,
`[salt, value]` for an array element, base64url of their UTF-8 JSON), their SHA-256 digests
in ``_sd`` arrays and ``{"...": digest}`` array elements, the compact serialisation
``JWT~D1~...~Dn~[KB-JWT]`` and the Key Binding JWT.

`process` is the verifier's algorithm (RFC 9901 section 7.1 and 7.3), with every "MUST
reject" of the RFC: a digest that occurs twice, a Disclosure that no digest references (or
that is referenced twice), a Disclosure of the wrong form for its place, a claim name
``_sd`` or ``...`` or one that the object already has, an unsupported ``_sd_alg``. Input is
bounded in size, in the number of Disclosures and in nesting depth, and JSON with a
duplicate member name is refused (two parsers could read it two ways). Every failure is an
`SdJwtError` whose message says what was wrong; nothing else is raised for bad input.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json
import re
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, ed25519

from transcript.errors import TranscriptError

__all__ = [
    "Disclosable",
    "Disclosure",
    "Processed",
    "SdJwt",
    "SdJwtError",
    "algorithm_for",
    "digest_of",
    "issue",
    "key_binding_jwt",
    "parse",
    "present",
    "process",
    "public_jwk",
    "verify_key_binding",
]

SEPARATOR = "~"
SD = "_sd"
SD_ALG = "_sd_alg"
ARRAY_ELEMENT = "..."
KB_TYP = "kb+jwt"
#: The largest SD-JWT read, and how many Disclosures and how deep a structure it may carry.
MAX_BYTES = 2 * 1024 * 1024
MAX_DISCLOSURES = 10_000
MAX_DEPTH = 24
CLOCK_SKEW = dt.timedelta(minutes=5)
#: The last second a datetime can hold (9999-12-31T23:59:59Z): times beyond it are refused.
LAST_SECOND = 253_402_300_799
_B64URL = re.compile(r"[A-Za-z0-9_-]*")
_ALGORITHMS = jwt.algorithms.get_default_algorithms()


class SdJwtError(TranscriptError):
    """An SD-JWT that cannot be accepted (the reason is in the message)."""


# ------------------------------------------------------------------------- encoding


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64url(text: str, what: str) -> bytes:
    """Strict base64url without padding (RFC 9901 section 4: no padding, URL alphabet)."""
    if not _B64URL.fullmatch(text) or len(text) % 4 == 1:
        raise SdJwtError(f"{what} is not base64url")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise SdJwtError(f"{what} is not base64url") from None


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        name = next(n for n, _ in pairs if n in seen or seen.add(n))  # type: ignore[func-returns-value]
        raise SdJwtError(f"duplicate JSON member {name!r}")
    return result


def _no_constant(name: str) -> Any:
    raise SdJwtError(f"{name} is not a JSON number")


def read_json(data: bytes, what: str) -> Any:
    """JSON as the RFC requires it: UTF-8, and (our rule) no member name twice."""
    try:
        value = json.loads(
            data.decode("utf-8"), object_pairs_hook=_no_duplicates, parse_constant=_no_constant
        )
        # \ud800 escapes decode to lone surrogates, which no UTF-8 output can carry
        json.dumps(value, ensure_ascii=False).encode("utf-8")
        return value
    except UnicodeEncodeError:
        raise SdJwtError(f"{what} holds a lone surrogate, which is not text") from None
    except SdJwtError as exc:
        raise SdJwtError(f"{what}: {exc}") from None
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise SdJwtError(f"{what} is not JSON") from None


def digest_of(disclosure: str) -> str:
    """The digest of a Disclosure as its encoded (ASCII) form: base64url(SHA-256(...))."""
    return b64url(hashlib.sha256(disclosure.encode("ascii")).digest())


# ------------------------------------------------------------------------ issuing


@dataclass(frozen=True)
class Disclosable:
    """A value the holder may disclose or withhold: as an object member, its name stays
    hidden too; as an array element, its position."""

    value: Any


@dataclass(frozen=True)
class Disclosure:
    encoded: str
    salt: str
    name: str | None  # None: an array element
    value: Any

    @property
    def digest(self) -> str:
        return digest_of(self.encoded)

    @classmethod
    def make(cls, name: str | None, value: Any) -> Disclosure:
        salt = b64url(secrets.token_bytes(16))  # 128 bits (RFC 9901 section 9.3)
        content = [salt, value] if name is None else [salt, name, value]
        encoded = b64url(json.dumps(content, ensure_ascii=False).encode("utf-8"))
        return cls(encoded, salt, name, value)


def conceal(claims: Any, disclosures: list[Disclosure]) -> Any:
    """`claims` with every `Disclosable` replaced by a digest, its Disclosure appended to
    `disclosures` (inner ones first: a Disclosure may carry digests of others)."""
    if isinstance(claims, Mapping):
        result: dict[str, Any] = {}
        digests: list[str] = []
        for name, value in claims.items():
            if name in (SD, SD_ALG, ARRAY_ELEMENT):
                raise SdJwtError(f"the claim name {name!r} is reserved by SD-JWT")
            if isinstance(value, Disclosable):
                disclosure = Disclosure.make(name, conceal(value.value, disclosures))
                disclosures.append(disclosure)
                digests.append(disclosure.digest)
            else:
                result[name] = conceal(value, disclosures)
        if digests:
            result[SD] = sorted(digests)  # sorted: the order must not tell which claim is which
        return result
    if isinstance(claims, list | tuple):
        items: list[Any] = []
        for value in claims:
            if isinstance(value, Disclosable):
                disclosure = Disclosure.make(None, conceal(value.value, disclosures))
                disclosures.append(disclosure)
                items.append({ARRAY_ELEMENT: disclosure.digest})
            else:
                items.append(conceal(value, disclosures))
        return items
    if isinstance(claims, Disclosable):
        raise SdJwtError("only object members and array elements can be disclosable")
    return claims


def algorithm_for(key: object) -> str:
    """The JWS algorithm a key signs with: ES256 for P-256, EdDSA for Ed25519; no other."""
    if isinstance(key, ec.EllipticCurvePrivateKey | ec.EllipticCurvePublicKey):
        if isinstance(key.curve, ec.SECP256R1):
            return "ES256"
        raise SdJwtError(f"an ECDSA key must use P-256 for ES256, not {key.curve.name}")
    if isinstance(key, ed25519.Ed25519PrivateKey | ed25519.Ed25519PublicKey):
        return "EdDSA"
    raise SdJwtError(
        f"credentials are signed ES256 (P-256) or EdDSA (Ed25519), not with a {type(key).__name__}"
    )


def issue(claims: Mapping[str, Any], key: object, headers: Mapping[str, Any]) -> str:
    """An SD-JWT (compact, every Disclosure attached, no Key Binding JWT) of `claims`, in
    which `Disclosable` values are selectively disclosable; signed by `key`."""
    disclosures: list[Disclosure] = []
    payload = conceal(claims, disclosures)
    payload[SD_ALG] = "sha-256"
    token = jwt.encode(payload, key, algorithm=algorithm_for(key), headers=dict(headers))  # type: ignore[arg-type]
    return SEPARATOR.join([token, *(d.encoded for d in disclosures), ""])


def public_jwk(key: object) -> dict[str, str]:
    """The public JWK of a P-256 or Ed25519 key (for ``cnf``), without private members."""
    public = key.public_key() if hasattr(key, "public_key") else key
    algorithm_for(public)
    jwk = json.loads(jwt.algorithms.get_default_algorithms()[algorithm_for(public)].to_jwk(public))
    return {k: v for k, v in jwk.items() if k in ("kty", "crv", "x", "y")}


# ------------------------------------------------------------------------ parsing


@dataclass(frozen=True)
class SdJwt:
    """An SD-JWT split into its parts; nothing is verified yet."""

    jwt: str
    disclosures: tuple[str, ...]
    kb_jwt: str | None

    @property
    def presented(self) -> str:
        """What the Key Binding JWT's ``sd_hash`` covers: the SD-JWT up to its last ``~``."""
        return SEPARATOR.join([self.jwt, *self.disclosures, ""])


def parse(text: str | bytes) -> SdJwt:
    """Split a compact SD-JWT or SD-JWT+KB (surrounding white space ignored)."""
    if isinstance(text, bytes):
        if len(text) > MAX_BYTES:
            raise SdJwtError(f"the SD-JWT is {len(text):,} bytes, over the limit of {MAX_BYTES:,}")
        try:
            text = text.decode("ascii")
        except UnicodeDecodeError:
            raise SdJwtError("an SD-JWT is ASCII text; this file is not") from None
    text = text.strip()
    if len(text) > MAX_BYTES:
        raise SdJwtError(f"the SD-JWT is {len(text):,} bytes, over the limit of {MAX_BYTES:,}")
    parts = text.split(SEPARATOR)
    if len(parts) < 2:
        raise SdJwtError("not an SD-JWT: no '~' after the issuer-signed JWT")
    if len(parts) - 2 > MAX_DISCLOSURES:
        raise SdJwtError(f"more than {MAX_DISCLOSURES:,} disclosures")
    issuer_jwt, *disclosures, last = parts
    for i, part in enumerate([issuer_jwt, *([last] if last else [])]):
        if part.count(".") != 2 or not all(_B64URL.fullmatch(p) for p in part.split(".")):
            raise SdJwtError(
                "the issuer-signed JWT is not a compact JWS"
                if i == 0
                else "the Key Binding JWT is not a compact JWS"
            )
    for n, disclosure in enumerate(disclosures, 1):
        if not disclosure or not _B64URL.fullmatch(disclosure):
            raise SdJwtError(f"disclosure {n} is empty or not base64url")
    return SdJwt(issuer_jwt, tuple(disclosures), last or None)


# ---------------------------------------------------------------------- processing


@dataclass(frozen=True)
class Processed:
    """The verified SD-JWT: its header, the claims with every presented Disclosure in
    place, and how many digests stayed hidden."""

    header: dict[str, Any]
    claims: dict[str, Any]
    hidden: int
    paths: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # digest -> claim path


def verify_signature(
    token: str, key: object, *, typ: str | None = None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The header and payload of a compact JWS whose signature verifies with `key`, the one
    algorithm for that key allowed (no ``none``, no confusion between key types). The compact
    form is read here, strictly (the parts were checked by `parse`), and the signature checked
    by PyJWT's algorithm for that key: one pass over the bytes."""
    try:
        encoded_header, encoded_payload, encoded_signature = token.split(".")
    except ValueError:
        raise SdJwtError("the JWT is not a compact JWS") from None
    header = read_json(unb64url(encoded_header, "the JWT header"), "the JWT header")
    if not isinstance(header, dict):
        raise SdJwtError("the JWT header is not a JSON object")
    expected = algorithm_for(key)
    if header.get("alg") != expected:
        raise SdJwtError(f"the JWT says alg {header.get('alg')!r}; this key signs {expected}")
    if typ is not None and header.get("typ") != typ:
        raise SdJwtError(f"the JWT is of type {header.get('typ')!r}, not {typ!r}")
    if "crit" in header or header.get("b64") is False:
        raise SdJwtError("the JWT has critical header parameters this verifier does not know")
    signing_input = f"{encoded_header}.{encoded_payload}".encode("ascii")
    signature = unb64url(encoded_signature, "the JWT signature")
    try:
        valid = _ALGORITHMS[expected].verify(signing_input, key, signature)
    except (ValueError, TypeError):
        valid = False
    if not valid:
        raise SdJwtError("the JWT's signature does not verify")
    payload = read_json(unb64url(encoded_payload, "the JWT payload"), "the JWT's payload")
    if not isinstance(payload, dict):
        raise SdJwtError("the JWT's payload is not a JSON object")
    return header, payload


def process(sd_jwt: SdJwt, issuer_key: object, *, typ: str | None = None) -> Processed:
    """Verify the issuer's signature with `issuer_key` and put every presented Disclosure in
    its place (RFC 9901 section 7.1). The Key Binding JWT is not looked at here."""
    header, payload = verify_signature(sd_jwt.jwt, issuer_key, typ=typ)
    algorithm = payload.pop(SD_ALG, "sha-256")
    if algorithm != "sha-256":
        raise SdJwtError(f"the digest algorithm {algorithm!r} is not supported (only sha-256)")
    by_digest: dict[str, tuple[int, list[Any]]] = {}
    for n, encoded in enumerate(sd_jwt.disclosures, 1):
        content = read_json(unb64url(encoded, f"disclosure {n}"), f"disclosure {n}")
        if not isinstance(content, list) or len(content) not in (2, 3) or not isinstance(content[0], str):
            raise SdJwtError(f"disclosure {n} is not [salt, name, value] or [salt, value]")
        if len(content) == 3:
            if not isinstance(content[1], str):
                raise SdJwtError(f"disclosure {n}: its claim name is not a string")
            if content[1] in (SD, ARRAY_ELEMENT, SD_ALG):
                raise SdJwtError(f"disclosure {n} names the reserved claim {content[1]!r}")
        digest = digest_of(encoded)
        if digest in by_digest:
            raise SdJwtError(f"disclosure {n} is given twice")
        by_digest[digest] = (n, content)
    walk = _Walk(by_digest)
    claims = walk.object(payload, (), 0)
    unused = sorted(n for digest, (n, _) in by_digest.items() if digest not in walk.used)
    if unused:
        raise SdJwtError(
            f"disclosure {unused[0]} is not referenced by the issuer-signed JWT or another disclosure"
        )
    return Processed(header, claims, walk.hidden, walk.paths)


class _Walk:
    def __init__(self, by_digest: Mapping[str, tuple[int, list[Any]]]) -> None:
        self.by_digest = by_digest
        self.seen: set[str] = set()
        self.used: set[str] = set()
        self.hidden = 0
        self.paths: dict[str, tuple[str, ...]] = {}

    def _digest(self, digest: object) -> tuple[int, list[Any]] | None:
        if not isinstance(digest, str):
            raise SdJwtError("a digest is not a string")
        if digest in self.seen:
            raise SdJwtError(f"the digest {digest[:12]}… occurs twice")
        self.seen.add(digest)
        found = self.by_digest.get(digest)
        if found is None:
            self.hidden += 1
            return None
        self.used.add(digest)
        return found

    def value(self, value: Any, path: tuple[str, ...], depth: int) -> Any:
        if depth > MAX_DEPTH:
            raise SdJwtError(f"the claims are nested deeper than {MAX_DEPTH} levels")
        if isinstance(value, dict):
            return self.object(value, path, depth + 1)
        if isinstance(value, list):
            return self.array(value, path, depth + 1)
        return value

    def object(self, value: dict[str, Any], path: tuple[str, ...], depth: int) -> dict[str, Any]:
        if SD_ALG in value and path:
            raise SdJwtError("_sd_alg may appear only at the top level")
        result = {name: self.value(item, (*path, name), depth) for name, item in value.items() if name != SD}
        digests = value.get(SD, [])
        if not isinstance(digests, list):
            raise SdJwtError("an _sd member is not an array")
        for digest in digests:
            found = self._digest(digest)
            if found is None:
                continue
            n, content = found
            if len(content) != 3:
                raise SdJwtError(f"disclosure {n} is an array element, referenced from an object's _sd")
            _, name, disclosed = content
            if name in result:
                raise SdJwtError(f"disclosure {n} discloses {name!r}, which the object already has")
            result[name] = self.value(disclosed, (*path, name), depth)
            self.paths[digest] = (*path, name)
        return result

    def array(self, value: list[Any], path: tuple[str, ...], depth: int) -> list[Any]:
        result = []
        for position, item in enumerate(value):
            if isinstance(item, dict) and ARRAY_ELEMENT in item:
                if len(item) != 1:
                    raise SdJwtError("an array element digest {'...': digest} has other members")
                found = self._digest(item[ARRAY_ELEMENT])
                if found is None:
                    continue
                n, content = found
                if len(content) != 2:
                    raise SdJwtError(f"disclosure {n} is an object member, referenced as an array element")
                result.append(self.value(content[1], (*path, str(position)), depth))
                self.paths[item[ARRAY_ELEMENT]] = (*path, str(position))
            else:
                result.append(self.value(item, (*path, str(position)), depth))
        return result


# --------------------------------------------------------------------- key binding


def holder_key(claims: Mapping[str, Any]) -> object | None:
    """The holder's public key from ``cnf.jwk`` (P-256 or Ed25519), or None without one."""
    confirmation = claims.get("cnf")
    if confirmation is None:
        return None
    jwk = confirmation.get("jwk") if isinstance(confirmation, dict) else None
    if not isinstance(jwk, dict):
        raise SdJwtError("cnf carries no jwk (the only confirmation method supported)")
    if "d" in jwk:
        raise SdJwtError("cnf.jwk holds a private key")
    allowed = {("EC", "P-256"), ("OKP", "Ed25519")}
    if (jwk.get("kty"), jwk.get("crv")) not in allowed:
        raise SdJwtError(f"cnf.jwk is {jwk.get('kty')}/{jwk.get('crv')}, not P-256 or Ed25519")
    try:
        return jwt.PyJWK(jwk).key
    except (jwt.PyJWTError, ValueError, TypeError):
        raise SdJwtError("cnf.jwk is not a usable public key") from None


def key_binding_jwt(
    sd_jwt: SdJwt, key: object, *, audience: str, nonce: str, now: dt.datetime | None = None
) -> str:
    """The Key Binding JWT over `sd_jwt` (its presented Disclosures), signed by the holder."""
    moment = now or dt.datetime.now(dt.timezone.utc)
    payload = {
        "iat": int(moment.timestamp()),
        "aud": audience,
        "nonce": nonce,
        "sd_hash": b64url(hashlib.sha256(sd_jwt.presented.encode("ascii")).digest()),
    }
    return jwt.encode(payload, key, algorithm=algorithm_for(key), headers={"typ": KB_TYP})  # type: ignore[arg-type]


def verify_key_binding(
    sd_jwt: SdJwt,
    key: object,
    *,
    audience: str | None,
    nonce: str | None,
    now: dt.datetime,
    max_age: dt.timedelta | None,
) -> dict[str, Any]:
    """The Key Binding JWT's claims, once it verifies with the holder's `key` and binds this
    presentation (RFC 9901 section 7.3); `audience` and `nonce` are compared when given."""
    if sd_jwt.kb_jwt is None:
        raise SdJwtError("no Key Binding JWT: the presentation does not prove the holder's key")
    _, claims = verify_signature(sd_jwt.kb_jwt, key, typ=KB_TYP)
    expected_hash = b64url(hashlib.sha256(sd_jwt.presented.encode("ascii")).digest())
    if claims.get("sd_hash") != expected_hash:
        raise SdJwtError("the Key Binding JWT was made for other disclosures (sd_hash differs)")
    iat = claims.get("iat")
    if not isinstance(iat, int) or isinstance(iat, bool):
        raise SdJwtError("the Key Binding JWT has no iat")
    made = dt.datetime.fromtimestamp(iat, dt.timezone.utc) if 0 <= iat <= LAST_SECOND else None
    if made is None or made > now + CLOCK_SKEW:
        raise SdJwtError("the Key Binding JWT says it was made in the future")
    if max_age is not None and now - made > max_age:
        raise SdJwtError(f"the Key Binding JWT was made at {made.isoformat()}, too long ago")
    if audience is not None and claims.get("aud") != audience:
        raise SdJwtError(f"the presentation is for {claims.get('aud')!r}, not {audience!r}")
    if nonce is not None and claims.get("nonce") != nonce:
        raise SdJwtError("the presentation's nonce is not the one asked for")
    if not isinstance(claims.get("aud"), str) or not isinstance(claims.get("nonce"), str):
        raise SdJwtError("the Key Binding JWT lacks aud or nonce")
    return claims


# ---------------------------------------------------------------------- presenting


def present(sd_jwt: SdJwt, keep: Callable[[tuple[str, ...]], bool], issuer_key: object) -> SdJwt:
    """The SD-JWT with only the Disclosures whose claim path `keep` accepts, and those that
    contain them (a nested Disclosure is reachable only through its container). Paths are
    claim names and array positions (as strings, positions in the issuer's array), as
    `Processed.paths` gives them. The issuer's signature is checked first: a holder never
    passes on a credential that does not verify."""
    processed = process(sd_jwt, issuer_key)
    wanted = {path for path in processed.paths.values() if keep(path)}
    needed = {path[:i] for path in wanted for i in range(1, len(path) + 1)}
    chosen = tuple(e for e in sd_jwt.disclosures if processed.paths[digest_of(e)] in needed)
    return SdJwt(sd_jwt.jwt, chosen, None)


def serialise(sd_jwt: SdJwt) -> str:
    return sd_jwt.presented + (sd_jwt.kb_jwt or "")


def claim_paths(claims: Any, prefix: tuple[str, ...] = ()) -> Sequence[tuple[str, ...]]:
    """Every leaf path of processed claims (for listing what a credential holds)."""
    if isinstance(claims, dict):
        return [p for name, v in claims.items() for p in claim_paths(v, (*prefix, name))]
    if isinstance(claims, list):
        return [p for i, v in enumerate(claims) for p in claim_paths(v, (*prefix, str(i)))]
    return [prefix]
