"""The wrong kind of file given to a command: a PDF where transcript XML is taken (and the
reverse) is named for what it is, with what to do, not reported as broken XML."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from transcript.demo.pki import create_demo_pki

from ..helpers import EXAMPLES, ROOT
from .test_cli import run

PDF = ROOT / "examples" / "rendered" / "bachelor-honours.th.pdf"
XML = EXAMPLES / "bachelor-honours.xml"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):  # type: ignore[no-untyped-def]
    return create_demo_pki(tmp_path_factory.mktemp("inputs") / "pki")


def command(name: str, demo, out: Path) -> list[str | Path]:  # type: ignore[no-untyped-def]
    key = ["--key", demo.registrar_p12, "--password-file", demo.password_file]
    return {
        "validate": ["validate"],
        "render": ["render", "--out", out],
        "sign": ["sign", *key, "--out", out],
        "package": ["package", *key, "--trust", demo.root, "--out", out, "--pades", "B-B", "--no-timestamp"],
    }[name]


@pytest.mark.parametrize("name", ["validate", "render", "sign", "package"])
def test_a_pdf_given_for_xml_is_named_as_one(name: str, demo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert PDF.read_bytes().startswith(b"%PDF-")
    result = run(*command(name, demo, tmp_path / "out"), PDF)
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines()[0] == (
        f"{PDF}: XML001 error: this is a PDF, not transcript XML: transcript {name} takes transcript "
        f"XML; to check a transcript PDF, run transcript verify {PDF} --trust ROOT.pem"
    )
    assert "not well-formed" not in result.stdout + result.stderr
    assert not list((tmp_path / "out").glob("*"))  # nothing written (a missing folder globs to nothing)


def test_other_files_that_are_not_xml_are_named_and_the_xml_still_checked(tmp_path: Path) -> None:
    archive = tmp_path / "transcripts.zip"
    with zipfile.ZipFile(archive, "w") as made:
        made.writestr("bachelor-honours.xml", XML.read_bytes())
    export = ROOT / "examples" / "registrar" / "students.csv"
    image = ROOT / "examples" / "rendered" / "issued-demo.th-1.png"
    result = run("validate", archive, export, image, XML)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"{archive}: XML001 error: this is a ZIP archive (or an Office document)")
    assert "unpack it first" in lines[0]
    assert lines[1].startswith(
        f"{export}: XML001 error: this is plain text (it starts 'student_id,national_id"
    )
    assert "transcript convert or transcript issue" in lines[1]
    assert lines[2].startswith(f"{image}: XML001 error: this is a PNG image, not transcript XML")
    assert len(lines) == 3  # the XML is valid
    assert "4 files checked: 1 valid, 3 invalid" in result.stderr


def test_xml_that_merely_starts_oddly_is_still_judged_by_the_parser(tmp_path: Path) -> None:
    """A byte-order mark, blank lines before the root (without a declaration), or UTF-16:
    XML, read as such."""
    bom = tmp_path / "bom.xml"
    bom.write_bytes(b"\xef\xbb\xbf" + XML.read_bytes())
    blank = tmp_path / "blank.xml"
    blank.write_bytes(b"\n\n  " + XML.read_bytes().split(b"?>", 1)[1].lstrip())
    utf16 = tmp_path / "utf16.xml"
    utf16.write_bytes(
        XML.read_text(encoding="utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")
    )
    result = run("validate", bom, blank, utf16)
    assert result.returncode == 0 and result.stdout == "", result.stdout


def test_extend_names_xml_given_instead_of_a_package(demo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = run("extend", XML, "--tsa", "http://127.0.0.1:9/", "--trust", demo.root)
    assert result.returncode == 1
    assert result.stdout.startswith(
        f"{XML}: PDF001 error: this is transcript XML, not a PDF: transcript extend takes signed PDF packages"
    )
