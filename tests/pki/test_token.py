"""Keys on PKCS#11 tokens (SoftHSM2): the URI, signing there, and the faults a registrar meets."""

from __future__ import annotations

import multiprocessing
import pickle
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from transcript.demo.tsa import LocalTimeStampAuthority
from transcript.package import build_packages
from transcript.pki.keys import SigningKeyError, load_identity
from transcript.pki.token import MODULE_ENV, TokenEcKey, TokenRsaKey, TokenUri, module_of
from transcript.pki.trust import TrustSettings
from transcript.pki.tsa import TimeStampClient
from transcript.sign.pades import PdfSigner
from transcript.sign.xades import XmlSigner
from transcript.verify import verify

from ..helpers import EXAMPLES, require_tool
from ..softhsm import PIN, SoftHsm

SCRIPT = Path(sys.executable).parent / "transcript"
DOCUMENT = EXAMPLES / "bachelor-honours.xml"


def run(softhsm: SoftHsm, *args: str | Path) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([str(SCRIPT), *map(str, args)], capture_output=True, text=True, timeout=120,
                            env=softhsm.env, stdin=subprocess.DEVNULL)  # fmt: skip
    assert "Traceback" not in result.stderr, result.stderr
    return result


def trust_of(softhsm: SoftHsm, kind: str) -> tuple[TrustSettings, list[str]]:
    pki = softhsm.tokens[kind].pki
    options = ["--trust", str(pki.root), *(x for crl in pki.crls for x in ("--crl", str(crl)))]
    return TrustSettings.from_files([pki.root], pki.crls), options


# ------------------------------------------------------------------- the URI


def test_the_uri_is_read_as_rfc_7512_writes_it() -> None:
    uri = TokenUri.parse(
        "pkcs11:token=Registrar%20Office;object=sign%3Bkey;id=%01%ff;slot-id=3;type=private"
        "?module-path=/usr/lib/softhsm/libsofthsm2.so&pin-source=file:/run/pin"
    )
    assert (uri.token, uri.object, uri.id, uri.slot_id, uri.type) == (
        "Registrar Office",
        "sign;key",
        b"\x01\xff",
        3,
        "private",
    )
    assert (uri.module_path, uri.pin_source) == ("/usr/lib/softhsm/libsofthsm2.so", "file:/run/pin")
    assert TokenUri.parse("PKCS11:").token is None  # the scheme is case-insensitive; no attribute selects all
    for bad, reason in [
        ("pkcs11:token=a;colour=red", "unknown or misplaced path attribute 'colour'"),
        ("pkcs11:token=a?token=b", "misplaced query attribute 'token'"),
        ("pkcs11:token=a;token=b", "token is given twice"),
        ("pkcs11:slot-id=first", "slot-id must be a decimal number"),
        ("pkcs11:type=secret", "type must be one of"),
        ("pkcs11:token", "is not an attribute"),
        ("pkcs11:token=%ff", "not UTF-8"),
    ]:
        with pytest.raises(SigningKeyError, match=reason):
            TokenUri.parse(bad)


@pytest.mark.parametrize("uri", ["pkcs11:token=a;object=b;pin-value=1234", "pkcs11:token=a?pin-value=1234"])
def test_a_pin_in_the_uri_is_refused_and_never_repeated(uri: str) -> None:
    with pytest.raises(SigningKeyError, match="a PIN never goes in the key URI") as caught:
        TokenUri.parse(uri)
    assert "1234" not in str(caught.value)


def test_the_module_comes_from_the_option_then_the_uri_then_the_environment() -> None:
    uri = TokenUri.parse("pkcs11:token=a?module-path=/from/uri.so")
    assert module_of(uri, "/from/option.so", {MODULE_ENV: "/from/env.so"}) == "/from/option.so"
    assert module_of(uri, None, {MODULE_ENV: "/from/env.so"}) == "/from/uri.so"
    assert module_of(TokenUri.parse("pkcs11:token=a"), None, {MODULE_ENV: "/from/env.so"}) == "/from/env.so"
    with pytest.raises(SigningKeyError, match=f"--pkcs11-module PATH or {MODULE_ENV}"):
        module_of(TokenUri.parse("pkcs11:token=a"), None, {})


def test_without_python_pkcs11_one_message_says_what_to_install(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setitem(sys.modules, "pkcs11", None)  # what an installation without the extra sees
    with pytest.raises(SigningKeyError, match=r"install thai-transcript\[pkcs11\]"):
        load_identity("pkcs11:token=a;object=b", password=b"1", pkcs11_module=sys.executable)


# ------------------------------------------------------- signing on the token


@pytest.mark.parametrize("kind", ["rsa", "ec"])
def test_a_key_that_never_leaves_the_token_signs_both_editions(softhsm: SoftHsm, kind: str) -> None:
    require_tool("softhsm2-util")
    token = softhsm.tokens[kind]
    identity = load_identity(token.uri, password=PIN.encode(), pkcs11_module=softhsm.module)
    try:
        assert isinstance(identity.key, TokenRsaKey if kind == "rsa" else TokenEcKey)
        ca = x509.load_pem_x509_certificate(token.pki.issuing_ca.read_bytes())
        assert identity.chain == (ca,)  # from the token: what leads from the certificate to the root
        assert identity.algorithm == ("rsa-sha256" if kind == "rsa" else "ecdsa-sha256")
        with pytest.raises(SigningKeyError, match="stays on the token"):
            identity.key.private_bytes(
                serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        with pytest.raises(SigningKeyError, match="cannot be sent to another process"):
            pickle.dumps(identity.key)
        trust, _ = trust_of(softhsm, kind)
        signed = XmlSigner(identity).sign(DOCUMENT.read_bytes())
        assert verify(signed, trust).ok
        signer = PdfSigner(identity, "B-B", None, trust)
        pdfs = build_packages(signed, ["en"], trust=trust, signer=signer, file_name=DOCUMENT.name)
        report = verify(pdfs["en"], trust)
        assert report.ok, report.format("en.pdf")
    finally:
        identity.close()


def test_a_token_key_signs_pyhankos_time_stamped_levels(softhsm: SoftHsm) -> None:
    """B-T goes through pyHanko's incremental update, with a signer that asks the token."""
    require_tool("softhsm2-util")
    pki = softhsm.tokens["rsa"].pki  # the test authority signs with RSA only
    trust, _ = trust_of(softhsm, "rsa")
    identity = load_identity(softhsm.tokens["rsa"].uri, password=PIN.encode(), pkcs11_module=softhsm.module)
    try:
        with LocalTimeStampAuthority(pki.tsa_certificate, pki.tsa_key) as authority:
            stamps = TimeStampClient(authority.url)
            signed = XmlSigner(identity, timestamps=stamps).sign(DOCUMENT.read_bytes())
            signer = PdfSigner(identity, "B-T", stamps, trust)
            pdfs = build_packages(signed, ["th"], trust=trust, signer=signer, file_name=DOCUMENT.name)
        report = verify(pdfs["th"], trust)
        assert report.ok, report.format("th.pdf")
    finally:
        identity.close()


def _sign_in_child(uri: str, module: str, queue) -> None:  # type: ignore[no-untyped-def]
    try:
        identity = load_identity(uri, password=PIN.encode(), pkcs11_module=module)
        identity.key.sign(b"in the child", ec.ECDSA(hashes.SHA256()))
        queue.put("signed")
    except SigningKeyError as exc:
        queue.put(str(exc))


def test_a_forked_process_opens_the_token_itself_once_the_parent_closed_it(softhsm: SoftHsm) -> None:
    """PKCS#11 is initialised per process: a child forked while the parent holds the module
    refuses with a message (never undefined behaviour); after `close` it opens its own."""
    require_tool("softhsm2-util")
    uri = softhsm.tokens["ec"].uri
    context = multiprocessing.get_context("fork")

    def child() -> str:
        queue = context.Queue()
        process = context.Process(target=_sign_in_child, args=(uri, softhsm.module, queue))
        process.start()
        answer = queue.get(timeout=60)
        process.join()
        return answer

    identity = load_identity(uri, password=PIN.encode(), pkcs11_module=softhsm.module)
    try:
        assert "initialised by the process this one was forked from" in child()
    finally:
        identity.close()
    assert child() == "signed"


# -------------------------------------------------------------- the commands


@pytest.mark.parametrize("kind", ["rsa", "ec"])
def test_sign_with_a_token_key_makes_xml_that_xmlsec1_accepts(
    softhsm: SoftHsm, kind: str, tmp_path: Path
) -> None:
    require_tool("softhsm2-util")
    xmlsec1 = require_tool("xmlsec1")
    token = softhsm.tokens[kind]
    signed = run(softhsm, "sign", DOCUMENT, "--key", token.uri, "--pkcs11-module", softhsm.module,
                 "--password-file", softhsm.pin_file, "--out", tmp_path)  # fmt: skip
    assert signed.returncode == 0, signed.stderr
    path = tmp_path / DOCUMENT.name
    trust, _ = trust_of(softhsm, kind)
    assert verify(path.read_bytes(), trust).ok
    checked = subprocess.run(
        [
            xmlsec1, "--verify", "--trusted-pem", str(token.pki.root),
            "--untrusted-pem", str(token.pki.issuing_ca),
            "--id-attr:Id", "SignedProperties", "--id-attr:Id", "KeyInfo", str(path),
        ],
        capture_output=True, text=True,
    )  # fmt: skip
    assert checked.returncode == 0 and "OK" in checked.stdout + checked.stderr, checked.stderr


def test_package_with_a_token_key_from_the_environment(softhsm: SoftHsm, tmp_path: Path) -> None:
    """The module from TRANSCRIPT_PKCS11_MODULE and the PIN from TRANSCRIPT_KEY_PASSWORD."""
    require_tool("softhsm2-util")
    token = softhsm.tokens["rsa"]
    trust, options = trust_of(softhsm, "rsa")
    signed = tmp_path / "signed.xml"
    identity = load_identity(token.uri, password=PIN.encode(), pkcs11_module=softhsm.module)
    try:
        signed.write_bytes(XmlSigner(identity).sign(DOCUMENT.read_bytes()))
    finally:
        identity.close()
    env = {**softhsm.env, MODULE_ENV: softhsm.module, "TRANSCRIPT_KEY_PASSWORD": PIN}
    pki = token.pki
    with LocalTimeStampAuthority(pki.tsa_certificate, pki.tsa_key) as authority:  # the national profile
        result = subprocess.run(
            [str(SCRIPT), "package", str(signed), "--key", token.uri, "--out", str(tmp_path / "out"),
             *options, "--tsa", authority.url],
            capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL, timeout=120,
        )  # fmt: skip
    assert result.returncode == 0, result.stderr
    report = verify((tmp_path / "out" / "signed.th.pdf").read_bytes(), trust)
    assert report.ok and report.level == "PAdES-B-LTA", report.format()


def test_faults_stop_with_one_clear_message(softhsm: SoftHsm, tmp_path: Path) -> None:
    require_tool("softhsm2-util")
    token = softhsm.tokens["rsa"]
    wrong = tmp_path / "wrong-pin.txt"
    wrong.write_text("0000-0000\n")
    module = ("--pkcs11-module", softhsm.module)

    def sign(key: str, *options: str | Path) -> subprocess.CompletedProcess[str]:
        return run(softhsm, "sign", DOCUMENT, "--key", key, "--out", tmp_path / "out", *options)

    cases = [
        (sign(token.uri, *module, "--password-file", wrong), f"{token.uri}: the PIN is wrong"),
        (sign(token.uri + ";pin-value=0000-0000", *module), "a PIN never goes in the key URI"),
        (sign("pkcs11:token=Bursar;object=registrar", *module, "--password-file", softhsm.pin_file),
         "no such token (tokens present: 'Registrar EC', 'Registrar RSA')"),
        (sign("pkcs11:token=Registrar%20RSA;object=dean", *module, "--password-file", softhsm.pin_file),
         "no such private key on token 'Registrar RSA' (its private keys: 'registrar')"),
        (sign(token.uri, "--pkcs11-module", tmp_path / "nope.so", "--password-file", softhsm.pin_file),
         "nope.so: PKCS#11 module not found"),
        (sign(token.uri, *module), "a PIN is needed"),
    ]  # fmt: skip
    for result, message in cases:
        assert result.returncode == 2, result.stderr
        assert result.stderr.count("\n") == 1 and message in result.stderr, result.stderr
        assert "0000-0000" not in result.stderr
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())
    # a wrong PIN stops a run before anything is written, with the same message
    issue = run(softhsm, "issue", EXAMPLES.parent / "registrar", "--out", tmp_path / "issued",
                "--key", token.uri, *module, "--password-file", wrong, "--jobs", "2", "--pades", "B-B",
                "--no-timestamp")  # fmt: skip
    assert issue.returncode == 2 and f"{token.uri}: the PIN is wrong" in issue.stderr
    assert not list((tmp_path / "issued").glob("6*"))
