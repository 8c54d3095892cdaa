"""Loading the signing key from Python as the command line does: the demo's password file
(which ends in a line break), a password as text, and clear messages for the rest."""

from __future__ import annotations

from pathlib import Path

import pytest

import transcript
from transcript.demo.pki import create_demo_pki
from transcript.pki.keys import SigningKeyError, password_from, read_password_file

from ..helpers import EXAMPLES


@pytest.fixture(scope="module")
def demo(tmp_path_factory):  # type: ignore[no-untyped-def]
    return create_demo_pki(tmp_path_factory.mktemp("keys") / "pki")


def test_the_demo_password_file_ends_in_a_line_break(demo) -> None:  # type: ignore[no-untyped-def]
    assert demo.password_file.read_bytes().endswith(b"\n")


def test_load_identity_reads_the_demo_password_file(demo) -> None:  # type: ignore[no-untyped-def]
    identity = transcript.load_identity(demo.registrar_p12, password_file=demo.password_file)
    assert identity.common_name.startswith("Registrar")
    signed = transcript.XmlSigner(identity).sign((EXAMPLES / "bachelor-honours.xml").read_bytes())
    assert b"SignatureValue" in signed


def test_a_password_may_be_text(demo) -> None:  # type: ignore[no-untyped-def]
    text = demo.password_file.read_text(encoding="utf-8").strip()
    assert transcript.load_identity(demo.registrar_p12, password=text).common_name.startswith("Registrar")


def test_a_password_read_whole_from_the_file_is_refused_with_the_reason(demo) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(
        SigningKeyError, match=r"the password is wrong .*ends with a line break.*password_file="
    ):
        transcript.load_identity(demo.registrar_p12, password=demo.password_file.read_bytes())


def test_a_password_of_another_type_is_a_clear_error(demo) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SigningKeyError, match="bytes or text, not int"):
        transcript.load_identity(demo.registrar_p12, password=1234)  # type: ignore[arg-type]
    with pytest.raises(SigningKeyError, match="not both"):
        transcript.load_identity(demo.registrar_p12, password=b"x", password_file=demo.password_file)


@pytest.mark.parametrize(
    ("content", "password"),
    [
        (b"secret\n", b"secret"),
        (b"secret\r\n", b"secret"),
        (b"secret", b"secret"),
        (b"secret\n\n", b"secret\n"),  # one line break is the file's; the rest is the password's
        (b" secret \n", b" secret "),
        ("รหัสผ่าน\n".encode(), "รหัสผ่าน".encode()),
    ],
)
def test_password_files_lose_one_line_break(content: bytes, password: bytes, tmp_path: Path) -> None:
    path = tmp_path / "password.txt"
    path.write_bytes(content)
    assert read_password_file(path) == password
    assert password_from(password_file=path, environ={}) == password


def test_an_unreadable_password_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(SigningKeyError, match=r"missing\.txt: cannot read the password file"):
        read_password_file(tmp_path / "missing.txt")
    latin = tmp_path / "latin.txt"
    latin.write_bytes(b"caf\xe9\n")
    with pytest.raises(SigningKeyError, match="not UTF-8"):
        read_password_file(latin)
