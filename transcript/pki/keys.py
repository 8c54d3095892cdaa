"""Signing keys: a private key with its certificate and chain, loaded once per process.

Three forms are read: PKCS#12 (``.p12``/``.pfx``: key, certificate and chain in one file),
PEM (a private key file plus a certificate chain file, signer first), and a key on a PKCS#11
token or HSM named by a ``pkcs11:`` URI (`transcript.pki.token`; the key stays there).
Passwords and PINs come from the caller (a prompt, the ``TRANSCRIPT_KEY_PASSWORD``
environment variable or a password file, see `password_from`); never from a command-line
argument, and never logged.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.hazmat.primitives.serialization import pkcs12

from transcript.errors import SigningKeyError
from transcript.pki import token

__all__ = [
    "CREDENTIALS",
    "DOCUMENTS",
    "PASSWORD_ENV",
    "PrivateKey",
    "SigningIdentity",
    "SigningKeyError",
    "load_identity",
    "password_from",
    "read_password_file",
]

PASSWORD_ENV = "TRANSCRIPT_KEY_PASSWORD"
#: What a key signs: transcripts (XAdES, PAdES: RSA or P-256) or wallet credentials (P-256, Ed25519).
DOCUMENTS = "documents"
CREDENTIALS = "credentials"
PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey


@dataclass(frozen=True)
class SigningIdentity:
    """A private key, its certificate, and the certificates that lead to a root."""

    key: PrivateKey
    certificate: x509.Certificate
    chain: tuple[x509.Certificate, ...] = ()

    @property
    def algorithm(self) -> str:
        """The XML signature algorithm this key signs with: rsa-sha256 or ecdsa-sha256."""
        return "ecdsa-sha256" if isinstance(self.key, ec.EllipticCurvePrivateKey) else "rsa-sha256"

    @property
    def common_name(self) -> str:
        names = self.certificate.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
        return str(names[0].value) if names else self.certificate.subject.rfc4514_string()

    @property
    def certificates(self) -> list[x509.Certificate]:
        """Signer first, then the chain, as KeyInfo carries them."""
        return [self.certificate, *self.chain]

    def close(self) -> None:
        """Give back what the key holds open: a token key's session (a key from a file holds
        nothing). The certificates stay usable; the key no longer signs."""
        if isinstance(self.key, token.TokenKey):
            self.key.close()


def load_identity(
    key_path: str | Path,
    *,
    password: bytes | str | None = None,
    chain_path: str | Path | None = None,
    pkcs11_module: str | Path | None = None,
    password_file: str | Path | None = None,
    purpose: str = DOCUMENTS,
) -> SigningIdentity:
    """Load a PKCS#12 file, a PEM private key with its certificate chain (`chain_path`), or
    the key on a token that a ``pkcs11:`` URI names (`password` is then the PIN; the module
    is `pkcs11_module`, else the URI's, else ``TRANSCRIPT_PKCS11_MODULE``; `chain_path`
    replaces the token's certificates). `purpose` is DOCUMENTS (RSA or ECDSA P-256, for XML
    and PDF signatures) or CREDENTIALS (ECDSA P-256 or Ed25519, for SD-JWT credentials).

    The password is bytes, or text (encoded as UTF-8); or give `password_file`, read as the
    command line reads ``--password-file`` (one line break at its end is not part of it).

    Raises `SigningKeyError` with a message that says what is wrong and what to do.
    """
    if password_file is not None:
        if password is not None:
            raise SigningKeyError("give the password or a password file, not both")
        password = read_password_file(password_file)
    secret = _password_bytes(password)
    if token.is_token_uri(key_path):
        return _from_token(str(key_path), secret, chain_path, pkcs11_module, purpose)
    key_path = Path(key_path)
    try:
        data = key_path.read_bytes()
    except FileNotFoundError:
        raise SigningKeyError(f"{key_path}: key file not found") from None
    except OSError as exc:
        raise SigningKeyError(f"{key_path}: cannot read the key file ({exc.strerror})") from None
    if b"-----BEGIN" in data:
        return _from_pem(key_path, data, secret, chain_path, purpose)
    return _from_pkcs12(key_path, data, secret, chain_path, purpose)


def _password_bytes(password: object) -> bytes | None:
    if password is None or isinstance(password, bytes):
        return password
    if isinstance(password, str):
        return password.encode("utf-8")
    raise SigningKeyError(f"the password is bytes or text, not {type(password).__name__}")


def _line_break_hint(password: bytes | None) -> str:
    """A word for a wrong password that ends with a line break: read from a file as it is."""
    if password is None or not password.endswith((b"\n", b"\r")):
        return ""
    return "; it ends with a line break, as a file read whole does: give password_file= instead"


def _from_pkcs12(
    path: Path, data: bytes, password: bytes | None, chain_path: str | Path | None, purpose: str
) -> SigningIdentity:
    try:
        key, certificate, extra = pkcs12.load_key_and_certificates(data, password)
    except ValueError as exc:
        text = str(exc).lower()
        if "password" in text or "mac" in text or "decrypt" in text:
            hint = "a password is needed" if password is None else "the password is wrong"
            raise SigningKeyError(
                f"{path}: cannot open the PKCS#12 file: {hint} "
                f"(give it with a prompt, {PASSWORD_ENV} or --password-file){_line_break_hint(password)}"
            ) from None
        raise SigningKeyError(f"{path}: not a PKCS#12 (.p12/.pfx) file or PEM key") from None
    if key is None or certificate is None:
        raise SigningKeyError(f"{path}: the PKCS#12 file holds no private key and certificate")
    chain = list(extra)
    if chain_path is not None:
        chain = _read_certificates(Path(chain_path))
        if chain and chain[0] == certificate:
            chain = chain[1:]
    return _checked(path, key, certificate, chain, purpose)


def _from_pem(
    path: Path, data: bytes, password: bytes | None, chain_path: str | Path | None, purpose: str
) -> SigningIdentity:
    try:
        key = serialization.load_pem_private_key(data, password)
    except TypeError:
        hint = "a password is needed" if password is None else "the key is not encrypted"
        raise SigningKeyError(f"{path}: cannot load the private key: {hint}") from None
    except ValueError:
        raise SigningKeyError(
            f"{path}: cannot load the private key (wrong password, or not a PEM private key)"
            + _line_break_hint(password)
        ) from None
    certificates = _read_certificates(Path(chain_path)) if chain_path else _certificates_in(data)
    if not certificates:
        raise SigningKeyError(
            f"{path}: a PEM key needs its certificate chain (--cert CHAIN.pem, signer first)"
        )
    return _checked(path, key, certificates[0], certificates[1:], purpose)


def _from_token(
    uri: str, pin: bytes | None, chain_path: str | Path | None, module: str | Path | None, purpose: str
) -> SigningIdentity:
    given = _read_certificates(Path(chain_path)) if chain_path else None
    key, certificate, chain = token.open_key(uri, pin=pin, module=module, certificates=given)
    try:
        return _checked(uri, key, certificate, chain, purpose)
    except SigningKeyError:
        key.close()
        raise


def _read_certificates(path: Path) -> list[x509.Certificate]:
    try:
        return _certificates_in(path.read_bytes())
    except OSError as exc:
        raise SigningKeyError(f"{path}: cannot read the certificate chain ({exc.strerror})") from None
    except ValueError:
        raise SigningKeyError(f"{path}: not a PEM certificate chain") from None


def _certificates_in(data: bytes) -> list[x509.Certificate]:
    if b"-----BEGIN CERTIFICATE-----" not in data:
        return []
    return x509.load_pem_x509_certificates(data)


def _checked(
    path: Path | str,
    key: object,
    certificate: x509.Certificate,
    chain: list[x509.Certificate],
    purpose: str = DOCUMENTS,
) -> SigningIdentity:
    if purpose == CREDENTIALS:
        # SD-JWT credentials (ETDA's Thai VC framework, HAIP): ES256 or EdDSA, never RSA.
        good_ec = isinstance(key, ec.EllipticCurvePrivateKey) and isinstance(key.curve, ec.SECP256R1)
        if not (good_ec or isinstance(key, ed25519.Ed25519PrivateKey)):
            raise SigningKeyError(
                f"{path}: credentials are signed with an ECDSA P-256 (ES256) or Ed25519 (EdDSA) key, "
                f"not {_kind(key)}: the document key cannot be used as it is; ask the CA for a "
                "certificate on such a key (the demo PKI's is credential.p12)"
            )
    elif isinstance(key, ec.EllipticCurvePrivateKey):
        if not isinstance(key.curve, ec.SECP256R1):
            raise SigningKeyError(f"{path}: ECDSA keys must use P-256, not {key.curve.name}")
    elif not isinstance(key, rsa.RSAPrivateKey):
        raise SigningKeyError(f"{path}: only RSA and ECDSA P-256 keys can sign transcripts")
    elif key.key_size < 2048:
        raise SigningKeyError(f"{path}: an RSA key needs at least 2048 bits, this one has {key.key_size}")
    if not _same_key(certificate.public_key(), key.public_key()):  # type: ignore[attr-defined]
        raise SigningKeyError(f"{path}: the certificate does not belong to the private key")
    return SigningIdentity(key, certificate, tuple(chain))  # type: ignore[arg-type]


def _same_key(a: object, b: object) -> bool:
    raw = serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    try:
        return a.public_bytes(*raw) == b.public_bytes(*raw)  # type: ignore[attr-defined]
    except (AttributeError, TypeError, ValueError):
        return False


def _kind(key: object) -> str:
    if isinstance(key, rsa.RSAPrivateKey):
        return f"RSA ({key.key_size} bits)"
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return f"ECDSA {key.curve.name}"
    return type(key).__name__


def password_from(
    *,
    password_file: str | Path | None = None,
    environ: Mapping[str, str] | None = None,
    prompt: Callable[[], str] | None = None,
) -> bytes | None:
    """The key password from a file (`read_password_file`), else the environment, else a
    prompt; None if none."""
    if password_file is not None:
        return read_password_file(password_file)
    environ = os.environ if environ is None else environ
    if PASSWORD_ENV in environ:
        return environ[PASSWORD_ENV].encode("utf-8")
    if prompt is not None:
        return prompt().encode("utf-8")
    return None


def read_password_file(path: str | Path) -> bytes:
    """The password a file holds: its text (UTF-8) without the one line break at its end that
    editors and ``echo`` write (``\\n`` or ``\\r\\n``); any other character is the password's."""
    try:
        text = Path(path).read_bytes().decode("utf-8")  # bytes: no line endings translated
    except OSError as exc:
        raise SigningKeyError(f"{path}: cannot read the password file ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise SigningKeyError(f"{path}: the password file is not UTF-8 text") from None
    if text.endswith("\r\n"):
        text = text[:-2]
    elif text.endswith("\n"):
        text = text[:-1]
    return text.encode("utf-8")
