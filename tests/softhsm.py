"""SoftHSM2 tokens for the tests of keys on PKCS#11 tokens.

Made in a temporary folder (``SOFTHSM2_CONF`` names a configuration whose token folder is
there), one token per key kind, each holding a demo PKI's registrar key (sensitive, not
extractable), its certificate (same id and label) and the issuing CA's certificate.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12

from tests.helpers import require_tool
from transcript.demo.pki import DemoPki, create_demo_pki

# Where Debian and others install SoftHSM2's PKCS#11 module.
MODULES = (
    "/usr/lib/softhsm/libsofthsm2.so",
    "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/local/lib/softhsm/libsofthsm2.so",
)
PIN = "4711-0815"
KEY_LABEL = "registrar"


@dataclass(frozen=True)
class Token:
    label: str
    kind: str  # rsa or ec
    pki: DemoPki

    @property
    def uri(self) -> str:
        return f"pkcs11:token={quote(self.label)};object={KEY_LABEL}"


@dataclass(frozen=True)
class SoftHsm:
    conf: Path
    module: str
    pin_file: Path
    tokens: dict[str, Token]

    @property
    def env(self) -> dict[str, str]:
        """The environment of a command that uses these tokens."""
        return {**os.environ, "SOFTHSM2_CONF": str(self.conf)}


def module_path() -> str:
    found = next((m for m in MODULES if Path(m).is_file()), None)
    if found is None:
        require_tool("softhsm2-util")  # skips (fails in CI) when SoftHSM2 is not installed at all
        raise AssertionError(f"softhsm2-util is installed but its module is in none of {MODULES}")
    return found


def make_softhsm(folder: Path) -> SoftHsm:
    """Two tokens, "Registrar RSA" and "Registrar EC", with the user PIN `PIN`."""
    util = require_tool("softhsm2-util")
    module = module_path()
    tokens_dir = folder / "tokens"
    tokens_dir.mkdir(parents=True)
    conf = folder / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {tokens_dir}\nobjectstore.backend = file\nlog.level = ERROR\n")
    pin_file = folder / "pin.txt"
    pin_file.write_text(PIN + "\n")
    softhsm = SoftHsm(conf, module, pin_file, {})
    for kind in ("rsa", "ec"):
        label = f"Registrar {kind.upper()}"
        subprocess.run(
            [util, "--init-token", "--free", "--label", label, "--pin", PIN, "--so-pin", "so-" + PIN],
            env=softhsm.env, check=True, capture_output=True, timeout=60,
        )  # fmt: skip
        pki = create_demo_pki(folder / f"pki-{kind}", key_type=kind)
        password = pki.password_file.read_text().strip().encode()
        key, certificate, extra = pkcs12.load_key_and_certificates(pki.registrar_p12.read_bytes(), password)
        assert key is not None and certificate is not None
        _import(softhsm, label, key, certificate, list(extra))
        softhsm.tokens[kind] = Token(label, kind, pki)
    return softhsm


_IMPORT = """
import sys
import pkcs11
from pkcs11 import Attribute, ObjectClass
from pkcs11.util.ec import decode_ec_private_key
from pkcs11.util.rsa import decode_rsa_private_key
from pkcs11.util.x509 import decode_x509_certificate

module, label, pin, kind, key_file, *certificates = sys.argv[1:]
decode = decode_rsa_private_key if kind == "rsa" else decode_ec_private_key
lib = pkcs11.lib(module)
with lib.get_token(token_label=label).open(rw=True, user_pin=pin) as session:
    key = decode(open(key_file, "rb").read())
    key.update({Attribute.TOKEN: True, Attribute.LABEL: "registrar", Attribute.ID: b"\\x01",
                Attribute.SENSITIVE: True, Attribute.EXTRACTABLE: False, Attribute.SIGN: True})
    session.create_object(key)
    for index, path in enumerate(certificates):
        certificate = decode_x509_certificate(open(path, "rb").read())
        own = index == 0
        certificate.update({Attribute.TOKEN: True, Attribute.LABEL: "registrar" if own else f"ca-{index}",
                            Attribute.ID: b"\\x01" if own else bytes([0x10 + index])})
        session.create_object(certificate)
lib.finalize()
"""


def _import(softhsm: SoftHsm, label: str, key, certificate: x509.Certificate, chain: list) -> None:  # type: ignore[no-untyped-def]
    """Write the key and certificates onto the token in a process of their own (python-pkcs11)."""
    import sys

    folder = softhsm.conf.parent / "import"
    folder.mkdir(exist_ok=True)
    der = serialization.Encoding.DER
    key_file = folder / "key.der"
    key_file.write_bytes(
        key.private_bytes(der, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption())
    )
    files = []
    for index, cert in enumerate([certificate, *chain]):
        path = folder / f"cert-{index}.der"
        path.write_bytes(cert.public_bytes(der))
        files.append(str(path))
    kind = "rsa" if isinstance(key, rsa.RSAPrivateKey) else "ec"
    subprocess.run(
        [sys.executable, "-c", _IMPORT, softhsm.module, label, PIN, kind, str(key_file), *files],
        env=softhsm.env, check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    key_file.unlink()
