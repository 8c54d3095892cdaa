"""Signing keys on PKCS#11 tokens and HSMs: an RFC 7512 URI names the key, the token signs.

``pkcs11:token=Registrar;object=signing`` names a private key on a token; the PKCS#11 module
(the vendor's ``.so``) comes from the caller (``--pkcs11-module``), else the URI's
``module-path``, else ``TRANSCRIPT_PKCS11_MODULE``. The PIN is read like a key password (a
file, the environment, a prompt; or the URI's ``pin-source`` file), never from the URI
itself. The key never leaves the token: `TokenRsaKey` and `TokenEcKey` implement
cryptography's private-key interfaces by asking the token to sign (RSA PKCS#1 v1.5 with
SHA-256/384/512, ECDSA over a digest made here), so every signer of the toolkit (XAdES,
PAdES, CMS) uses them as it uses a key loaded from a file. The certificate comes from the
token (the one with the key's id, else its label), or from a chain file.

PKCS#11 is initialised per process (``C_Initialize``): a module initialised in one process
must not be used by a process forked from it. Keys opened in one process refuse to sign in
another, and closing the last key of a module (`TokenKey.close`) finalises it, so that a
process forked afterwards initialises the module afresh. ``python-pkcs11`` is optional
(``thai-transcript[pkcs11]``) and imported only when a token key is opened.
"""

from __future__ import annotations

import contextlib
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import unquote_to_bytes

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils

from transcript.errors import SigningKeyError

SCHEME = "pkcs11:"
MODULE_ENV = "TRANSCRIPT_PKCS11_MODULE"
_PIN_WAYS = "give it with a prompt, TRANSCRIPT_KEY_PASSWORD or --password-file"
_INSTALL = "keys on tokens need python-pkcs11: install thai-transcript[pkcs11]"

# RFC 7512 attributes: those of the path (what is selected) and of the query (how).
_PATH = {
    "token": "token",
    "manufacturer": "manufacturer",
    "serial": "serial",
    "model": "model",
    "library-manufacturer": "library_manufacturer",
    "library-description": "library_description",
    "library-version": "library_version",
    "slot-manufacturer": "slot_manufacturer",
    "slot-description": "slot_description",
    "slot-id": "slot_id",
    "object": "object",
    "id": "id",
    "type": "type",
}
_QUERY = {"module-path": "module_path", "module-name": "module_name", "pin-source": "pin_source"}
_TYPES = ("private", "public", "cert", "secret-key", "data")

# DER of DigestInfo up to the digest (RFC 8017, 9.2 note 1), for a token without the hash-and-sign
# mechanisms: it is then given the digest so prefixed (CKM_RSA_PKCS).
_DIGEST_INFO = {
    "sha256": bytes.fromhex("3031300d060960864801650304020105000420"),
    "sha384": bytes.fromhex("3041300d060960864801650304020205000430"),
    "sha512": bytes.fromhex("3051300d060960864801650304020305000440"),
}
_HASHES: dict[str, type[hashes.HashAlgorithm]] = {
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
}


def is_token_uri(key: object) -> bool:
    """Whether a `--key` value names a key on a token (a ``pkcs11:`` URI) rather than a file."""
    return isinstance(key, str) and key[: len(SCHEME)].lower() == SCHEME


@dataclass(frozen=True)
class TokenUri:
    """An RFC 7512 PKCS#11 URI, parsed; every attribute given must match."""

    text: str
    token: str | None = None
    manufacturer: str | None = None
    serial: str | None = None
    model: str | None = None
    library_manufacturer: str | None = None
    library_description: str | None = None
    library_version: str | None = None
    slot_manufacturer: str | None = None
    slot_description: str | None = None
    slot_id: int | None = None
    object: str | None = None
    id: bytes | None = None
    type: str | None = None
    module_path: str | None = None
    module_name: str | None = None
    pin_source: str | None = None

    @classmethod
    def parse(cls, text: str) -> TokenUri:
        """Parse ``pkcs11:path?query``; raises `SigningKeyError` naming what is wrong."""
        if not is_token_uri(text):
            raise SigningKeyError(f"{text}: not a pkcs11: URI")
        path, _, query = text[len(SCHEME) :].partition("?")
        values: dict[str, Any] = {}
        for part, separator, known in ((path, ";", _PATH), (query, "&", _QUERY)):
            for item in part.split(separator) if part else ():
                name, equals, raw = item.partition("=")
                if name == "pin-value":
                    raise SigningKeyError(
                        f"{SCHEME}...: a PIN never goes in the key URI (pin-value), where command lines "
                        f"and logs show it: {_PIN_WAYS}"
                    )
                if not equals or not name:
                    raise SigningKeyError(f"{text}: {item!r} is not an attribute (name=value)")
                if name not in known:
                    where = "path" if known is _PATH else "query"
                    raise SigningKeyError(
                        f"{text}: unknown or misplaced {where} attribute {name!r} "
                        f"(the {where} takes {', '.join(known)})"
                    )
                field_name = known[name]
                if field_name in values:
                    raise SigningKeyError(f"{text}: {name} is given twice")
                values[field_name] = _value(text, name, raw)
        return cls(text, **values)

    def __str__(self) -> str:
        return self.text


def _value(text: str, name: str, raw: str) -> Any:
    data = unquote_to_bytes(raw)
    if name == "id":
        return data
    try:
        value = data.decode("utf-8")
    except UnicodeDecodeError:
        raise SigningKeyError(f"{text}: {name} is not UTF-8 text once percent-decoded") from None
    if name == "slot-id":
        if not value.isdigit():
            raise SigningKeyError(f"{text}: slot-id must be a decimal number, not {value!r}")
        return int(value)
    if name == "type" and value not in _TYPES:
        raise SigningKeyError(f"{text}: type must be one of {', '.join(_TYPES)}, not {value!r}")
    return value


def module_of(uri: TokenUri, module: str | Path | None, environ: dict[str, str] | None = None) -> str:
    """The PKCS#11 module to load: the caller's, else the URI's, else the environment's."""
    if module:
        return str(module)
    if uri.module_path:
        folder = Path(uri.module_path)
        if uri.module_name and folder.is_dir():
            for name in (uri.module_name, f"{uri.module_name}.so", f"lib{uri.module_name}.so"):
                if (folder / name).is_file():
                    return str(folder / name)
            raise SigningKeyError(f"{uri}: no module {uri.module_name!r} in {folder}")
        return uri.module_path
    environ = dict(os.environ) if environ is None else environ
    if environ.get(MODULE_ENV):
        return environ[MODULE_ENV]
    raise SigningKeyError(
        f"{uri}: which PKCS#11 module drives the token? Give it with --pkcs11-module PATH or "
        f"{MODULE_ENV} (SoftHSM2's is /usr/lib/softhsm/libsofthsm2.so)"
    )


# ------------------------------------------------------------------ sessions


class _Session:
    """One logged-in session on one token, shared by the keys of this process that use it.

    PKCS#11 logs in an application, not a session: a second login fails and a logout ends every
    session's login, so keys on one token share one session, closed with the last of them.
    """

    def __init__(self, module: str, slot_id: int, session: Any) -> None:
        self.module = module
        self.slot_id = slot_id
        self.session = session
        self.pid = os.getpid()
        self.users = 0
        self.lock = threading.Lock()  # one operation at a time on a session


_sessions: dict[tuple[str, int], _Session] = {}
_initialised: dict[str, tuple[int, Any]] = {}  # module -> the process that initialised it, the library
_registry_lock = threading.Lock()


def _pkcs11() -> Any:
    try:
        import pkcs11
    except ImportError:
        raise SigningKeyError(f"{SCHEME} {_INSTALL}") from None
    return pkcs11


def _library(pkcs11: Any, module: str) -> Any:
    owner = _initialised.get(module)
    if owner is not None and owner[0] != os.getpid():
        raise SigningKeyError(
            f"{module}: this PKCS#11 module was initialised by the process this one was forked from, "
            "and cannot be used here; close that process's token keys before starting workers"
        )
    if not Path(module).is_file():
        raise SigningKeyError(f"{module}: PKCS#11 module not found")
    try:
        library = pkcs11.lib(module)
    except pkcs11.PKCS11Error as exc:
        raise SigningKeyError(f"{module}: cannot load the PKCS#11 module ({exc})") from None
    _initialised[module] = (os.getpid(), library)
    return library


def _finalise(module: str) -> None:
    """Finalise a module no key of this process uses any more (C_Finalize)."""
    if any(s.module == module for s in _sessions.values()):
        return
    owner = _initialised.pop(module, None)
    if owner is not None and owner[0] == os.getpid() and owner[1].initialized:
        # finalising is tidying up: a module that refuses has nothing left to do
        with contextlib.suppress(Exception):
            owner[1].finalize()


def _token(library: Any, uri: TokenUri, pkcs11: Any) -> Any:
    """The one token the URI selects."""
    wanted_library = {
        "library_manufacturer": library.manufacturer_id,
        "library_description": library.library_description,
        "library_version": "{}.{}".format(*library.library_version),
    }
    for name, actual in wanted_library.items():
        expected = getattr(uri, name)
        if expected is not None and expected != actual:
            raise SigningKeyError(f"{uri}: the module's {name.replace('_', '-')} is {actual!r}")
    found, labels = [], []
    for slot in library.get_slots(token_present=True):
        try:
            token = slot.get_token()
        except (pkcs11.TokenNotPresent, pkcs11.TokenNotRecognised):
            continue
        if token.flags & pkcs11.TokenFlag.TOKEN_INITIALIZED:
            labels.append(token.label)
        actual_values = {
            "token": token.label,
            "manufacturer": token.manufacturer_id,
            "serial": token.serial.decode("ascii", "replace").strip(),
            "model": token.model,
            "slot_manufacturer": slot.manufacturer_id,
            "slot_description": slot.slot_description,
            "slot_id": slot.slot_id,
        }
        if all(getattr(uri, n) is None or getattr(uri, n) == v for n, v in actual_values.items()):
            found.append(token)
    if not found:
        present = ", ".join(repr(label) for label in sorted(labels)) or "none"
        raise SigningKeyError(f"{uri}: no such token (tokens present: {present})")
    if len(found) > 1:
        raise SigningKeyError(f"{uri}: {len(found)} tokens match; tell them apart with serial= or slot-id=")
    return found[0]


def _logged_in(pkcs11: Any, module: str, token: Any, pin: bytes | None, uri: TokenUri) -> _Session:
    key = (module, token.slot.slot_id)
    shared = _sessions.get(key)
    if shared is not None:
        return shared
    flags = token.flags
    try:
        if not flags & pkcs11.TokenFlag.LOGIN_REQUIRED:
            session = token.open()
        elif pin is None:
            if not flags & pkcs11.TokenFlag.PROTECTED_AUTHENTICATION_PATH:
                raise SigningKeyError(f"{uri}: a PIN is needed ({_PIN_WAYS})")
            session = token.open(user_pin=pkcs11.PROTECTED_AUTH)  # a PIN pad
        else:
            try:
                text = pin.decode("utf-8")
            except UnicodeDecodeError:
                raise SigningKeyError(f"{uri}: the PIN is wrong (not UTF-8 text)") from None
            try:
                session = token.open(user_pin=text)
            except pkcs11.UserAlreadyLoggedIn:
                session = token.open()  # this application logged in elsewhere: the login holds
    except (pkcs11.PinIncorrect, pkcs11.PinInvalid, pkcs11.PinLenRange):
        raise SigningKeyError(f"{uri}: the PIN is wrong (token {token.label!r})") from None
    except pkcs11.PinLocked:
        raise SigningKeyError(
            f"{uri}: the PIN of token {token.label!r} is locked after too many wrong PINs; "
            "its security officer can unlock it"
        ) from None
    except pkcs11.PinExpired:
        raise SigningKeyError(f"{uri}: the PIN of token {token.label!r} has expired") from None
    except pkcs11.PKCS11Error as exc:
        raise SigningKeyError(f"{uri}: cannot log in to token {token.label!r} ({_name(exc)})") from None
    shared = _Session(module, token.slot.slot_id, session)
    _sessions[key] = shared
    return shared


def _release(shared: _Session) -> None:
    with _registry_lock:
        shared.users -= 1
        if shared.users > 0 or shared.pid != os.getpid():
            return
        _sessions.pop((shared.module, shared.slot_id), None)
        with contextlib.suppress(Exception):  # a token already gone has nothing left to close
            shared.session.close()  # logs out
        _finalise(shared.module)


def _name(exc: BaseException) -> str:
    return str(exc) or type(exc).__name__


# ---------------------------------------------------------------------- keys


class TokenKey:
    """What the RSA and EC keys on a token share: the session, the object, signing there."""

    def __init__(
        self, shared: _Session, handle: Any, certificate: x509.Certificate, uri: TokenUri, pin: str | None
    ) -> None:
        self._shared = shared
        self._handle = handle
        self._certificate = certificate
        self._uri = uri
        self._pin = pin  # kept only for a key that asks for its PIN at each signature
        self._mechanisms: set[Any] = set()
        self._closed = False

    @property
    def uri(self) -> TokenUri:
        return self._uri

    def close(self) -> None:
        """Give the session back (the last key of a token logs out; of a module, finalises it)."""
        if not self._closed:
            self._closed = True
            _release(self._shared)

    def _token_sign(self, data: bytes | bytearray | memoryview, mechanism: Any) -> bytes:
        pkcs11 = _pkcs11()
        if self._closed:
            raise SigningKeyError(f"{self._uri}: the key was closed")
        if self._shared.pid != os.getpid():
            raise SigningKeyError(
                f"{self._uri}: a key on a token opened in one process cannot sign in another; "
                "open it in each process"
            )
        with self._shared.lock:
            try:
                return bytes(self._handle.sign(bytes(data), mechanism=mechanism, pin=self._pin))
            except pkcs11.PKCS11Error as exc:
                raise SigningKeyError(f"{self._uri}: the token did not sign ({_name(exc)})") from None

    def _refuse(self, what: str) -> NoReturn:
        raise SigningKeyError(f"{self._uri}: the private key stays on the token ({what} is not possible)")

    def __reduce__(self) -> NoReturn:
        raise SigningKeyError(
            f"{self._uri}: a key on a token cannot be sent to another process; open it there"
        )


def _hash_of(algorithm: object, uri: TokenUri) -> tuple[str, bool]:
    """The hash's name and whether the data is already its digest."""
    prehashed = isinstance(algorithm, utils.Prehashed)
    inner = getattr(algorithm, "_algorithm", None) if prehashed else algorithm
    name = getattr(inner, "name", "")
    if name not in _HASHES:
        raise SigningKeyError(f"{uri}: signing with {name or 'this hash'} is not supported (SHA-256/384/512)")
    return name, prehashed


class TokenRsaKey(TokenKey, rsa.RSAPrivateKey):
    """An RSA private key on a token: PKCS#1 v1.5 signatures made there."""

    def sign(self, data: bytes, padding: padding.AsymmetricPadding, algorithm: Any) -> bytes:
        """`algorithm`: a hash, `Prehashed` or (cryptography 47 on) `NoDigestInfo`."""
        pkcs11 = _pkcs11()
        if not isinstance(padding, _PKCS1v15):
            raise SigningKeyError(f"{self._uri}: a token key signs with PKCS#1 v1.5 padding only")
        if type(algorithm).__name__ == "NoDigestInfo":  # the data is what PKCS#1 v1.5 pads
            return self._token_sign(data, pkcs11.Mechanism.RSA_PKCS)
        name, prehashed = _hash_of(algorithm, self._uri)
        combined = getattr(pkcs11.Mechanism, f"{name.upper()}_RSA_PKCS")
        if not prehashed and combined in self._mechanisms:
            return self._token_sign(data, combined)
        digest = bytes(data) if prehashed else _digest(name, data)
        return self._token_sign(_DIGEST_INFO[name] + digest, pkcs11.Mechanism.RSA_PKCS)

    @property
    def key_size(self) -> int:
        return self.public_key().key_size

    def public_key(self) -> rsa.RSAPublicKey:
        key = self._certificate.public_key()
        assert isinstance(key, rsa.RSAPublicKey)  # checked when the key was opened
        return key

    def decrypt(self, ciphertext: bytes, padding: padding.AsymmetricPadding) -> bytes:
        raise SigningKeyError(f"{self._uri}: a signing key does not decrypt")

    def private_numbers(self) -> rsa.RSAPrivateNumbers:
        self._refuse("reading its numbers")

    def private_bytes(self, encoding: Any, format: Any, encryption_algorithm: Any) -> bytes:
        self._refuse("exporting it")

    def __copy__(self) -> TokenRsaKey:
        return self

    def __deepcopy__(self, memo: dict[int, object]) -> TokenRsaKey:
        return self


class TokenEcKey(TokenKey, ec.EllipticCurvePrivateKey):
    """An EC private key on a token: ECDSA over a digest made here, DER-encoded as cryptography's."""

    def sign(
        self, data: bytes | bytearray | memoryview, signature_algorithm: ec.EllipticCurveSignatureAlgorithm
    ) -> bytes:
        pkcs11 = _pkcs11()
        if not isinstance(signature_algorithm, ec.ECDSA):
            raise SigningKeyError(f"{self._uri}: a token EC key signs with ECDSA only")
        name, prehashed = _hash_of(signature_algorithm.algorithm, self._uri)
        digest = data if prehashed else _digest(name, data)
        raw = self._token_sign(digest, pkcs11.Mechanism.ECDSA)
        half = len(raw) // 2  # r and s, each as wide as the curve's order
        return utils.encode_dss_signature(
            int.from_bytes(raw[:half], "big"), int.from_bytes(raw[half:], "big")
        )

    @property
    def curve(self) -> ec.EllipticCurve:
        return self.public_key().curve

    @property
    def key_size(self) -> int:
        return self.curve.key_size

    def public_key(self) -> ec.EllipticCurvePublicKey:
        key = self._certificate.public_key()
        assert isinstance(key, ec.EllipticCurvePublicKey)  # checked when the key was opened
        return key

    def exchange(self, algorithm: ec.ECDH, peer_public_key: ec.EllipticCurvePublicKey) -> bytes:
        raise SigningKeyError(f"{self._uri}: a signing key does not agree keys")

    def private_numbers(self) -> ec.EllipticCurvePrivateNumbers:
        self._refuse("reading its numbers")

    def private_bytes(self, encoding: Any, format: Any, encryption_algorithm: Any) -> bytes:
        self._refuse("exporting it")

    def __copy__(self) -> TokenEcKey:
        return self

    def __deepcopy__(self, memo: dict[int, object]) -> TokenEcKey:
        return self


_PKCS1v15 = padding.PKCS1v15


def _digest(name: str, data: bytes | bytearray | memoryview) -> bytes:
    context = hashes.Hash(_HASHES[name]())
    context.update(data)
    return context.finalize()


# ------------------------------------------------------------------- opening


def open_key(
    uri: str | TokenUri,
    *,
    pin: bytes | None,
    module: str | Path | None = None,
    certificates: list[x509.Certificate] | None = None,
    environ: dict[str, str] | None = None,
) -> tuple[TokenRsaKey | TokenEcKey, x509.Certificate, list[x509.Certificate]]:
    """Open the key `uri` names: the key, its certificate and the chain.

    The certificate is the token's (same id as the key, else same label), else the first of
    `certificates` (a chain file); the chain is the rest of `certificates` when given, else the
    token's other certificates that lead from it towards a root. A test signature proves that
    the certificate belongs to the key. Raises `SigningKeyError` with one clear message.
    """
    uri = TokenUri.parse(uri) if isinstance(uri, str) else uri
    if uri.type not in (None, "private"):
        raise SigningKeyError(f"{uri}: type={uri.type} names no private key (use type=private or none)")
    path = module_of(uri, module, environ)
    pin = pin or None  # an empty PIN is none: a PIN pad, or the message that one is needed
    if pin is None and uri.pin_source:
        pin = _pin_from(uri)
    pkcs11 = _pkcs11()
    with _registry_lock:
        library = _library(pkcs11, path)
        try:
            token = _token(library, uri, pkcs11)
            shared = _logged_in(pkcs11, path, token, pin, uri)
        except BaseException:
            _finalise(path)
            raise
        shared.users += 1
    try:
        with shared.lock:
            handle, found, others = _objects(pkcs11, shared.session, uri, token.label)
            mechanisms = set(token.slot.get_mechanisms())
            always = _attribute(handle, pkcs11.Attribute.ALWAYS_AUTHENTICATE, False)
            key_type = handle.key_type
        given = list(certificates or [])
        certificate = found or (given[0] if given else None)
        if certificate is None:
            raise SigningKeyError(
                f"{uri}: no certificate on the token for this key (none with its id or label); "
                "give it with --cert CHAIN.pem (signer first)"
            )
        if given:
            chain = given[1:] if given[0] == certificate else given
        else:
            chain = _path_from(certificate, others)
        public = certificate.public_key()
        text_pin = pin.decode("utf-8", "replace") if always and pin is not None else None
        key: TokenRsaKey | TokenEcKey
        if key_type == pkcs11.KeyType.RSA and isinstance(public, rsa.RSAPublicKey):
            key = TokenRsaKey(shared, handle, certificate, uri, text_pin)
        elif key_type == pkcs11.KeyType.EC and isinstance(public, ec.EllipticCurvePublicKey):
            key = TokenEcKey(shared, handle, certificate, uri, text_pin)
        elif key_type not in (pkcs11.KeyType.RSA, pkcs11.KeyType.EC):
            raise SigningKeyError(f"{uri}: only RSA and ECDSA P-256 keys can sign transcripts")
        else:
            raise SigningKeyError(f"{uri}: the certificate does not belong to the private key")
        key._mechanisms = mechanisms
    except BaseException:
        _release(shared)
        raise
    try:
        _prove(key, certificate)
    except BaseException:
        key.close()
        raise
    return key, certificate, chain


def _pin_from(uri: TokenUri) -> bytes:
    source = uri.pin_source or ""
    path = source[len("file:") :] if source.startswith("file:") else source
    if path.startswith("//"):  # file:///path: an empty authority
        path = path[2:]
    try:
        return Path(path).read_text(encoding="utf-8").rstrip("\r\n").encode("utf-8")
    except OSError as exc:
        raise SigningKeyError(f"{uri}: cannot read the pin-source file ({exc.strerror})") from None


def _attribute(handle: Any, attribute: Any, default: Any) -> Any:
    try:
        return handle[attribute]
    except Exception:  # attributes a token does not keep for the object
        return default


def _objects(
    pkcs11: Any, session: Any, uri: TokenUri, token_label: str
) -> tuple[Any, x509.Certificate | None, list[x509.Certificate]]:
    """The private key, the token's certificate for it (or None), and its other certificates."""
    attribute = pkcs11.Attribute
    template: dict[Any, Any] = {attribute.CLASS: pkcs11.ObjectClass.PRIVATE_KEY}
    if uri.object is not None:
        template[attribute.LABEL] = uri.object
    if uri.id is not None:
        template[attribute.ID] = uri.id
    keys = list(session.get_objects(template))
    if not keys:
        every = session.get_objects({attribute.CLASS: pkcs11.ObjectClass.PRIVATE_KEY})
        labels = ", ".join(repr(_attribute(k, attribute.LABEL, "")) for k in every) or "none"
        raise SigningKeyError(
            f"{uri}: no such private key on token {token_label!r} (its private keys: {labels})"
        )
    if len(keys) > 1:
        raise SigningKeyError(
            f"{uri}: {len(keys)} private keys on token {token_label!r} match; name one with object= or id="
        )
    key = keys[0]
    key_id, key_label = _attribute(key, attribute.ID, b""), _attribute(key, attribute.LABEL, "")
    mine: list[x509.Certificate] = []
    others: list[x509.Certificate] = []
    for handle in session.get_objects({attribute.CLASS: pkcs11.ObjectClass.CERTIFICATE}):
        try:
            certificate = x509.load_der_x509_certificate(handle[attribute.VALUE])
        except Exception:  # not an X.509 certificate: not ours to judge
            continue
        same_id = bool(key_id) and _attribute(handle, attribute.ID, b"") == key_id
        same_label = not key_id and bool(key_label) and _attribute(handle, attribute.LABEL, "") == key_label
        (mine if same_id or same_label else others).append(certificate)
    if not mine and key.key_type == pkcs11.KeyType.RSA:  # no id or label in common: the modulus
        modulus = int.from_bytes(_attribute(key, attribute.MODULUS, b""), "big")
        mine = [c for c in others if _modulus(c) == modulus]
    newest = max(mine, key=lambda c: c.not_valid_before_utc, default=None)  # a renewed certificate
    return key, newest, [c for c in others + mine if c != newest]


def _modulus(certificate: x509.Certificate) -> int | None:
    public = certificate.public_key()
    return public.public_numbers().n if isinstance(public, rsa.RSAPublicKey) else None


def _path_from(certificate: x509.Certificate, pool: list[x509.Certificate]) -> list[x509.Certificate]:
    """The certificates of `pool` that lead from `certificate` towards a root, in order."""
    chain: list[x509.Certificate] = []
    current = certificate
    while current.issuer != current.subject:
        issuer = next((c for c in pool if c.subject == current.issuer and c not in chain), None)
        if issuer is None:
            break
        chain.append(issuer)
        current = issuer
    return chain


def _prove(key: TokenRsaKey | TokenEcKey, certificate: x509.Certificate) -> None:
    """A test signature, checked with the certificate: the pair found on the token is a pair."""
    message = b"transcript: does this certificate belong to the key on the token?"
    public = certificate.public_key()
    sha256 = hashes.SHA256()
    try:
        if isinstance(key, TokenRsaKey) and isinstance(public, rsa.RSAPublicKey):
            signature = key.sign(message, padding.PKCS1v15(), sha256)
            public.verify(signature, message, padding.PKCS1v15(), sha256)
        elif isinstance(key, TokenEcKey) and isinstance(public, ec.EllipticCurvePublicKey):
            public.verify(key.sign(message, ec.ECDSA(sha256)), message, ec.ECDSA(sha256))
        else:
            raise InvalidSignature
    except InvalidSignature:
        raise SigningKeyError(f"{key.uri}: the certificate does not belong to the private key") from None
