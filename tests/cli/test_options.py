"""Options as a user types them: one convention for --lang, help that reads as help."""

from __future__ import annotations

from pathlib import Path

import pytest

from ..helpers import EXAMPLES, ROOT
from .test_cli import run

EXPORT = ROOT / "examples" / "registrar"
XML = EXAMPLES / "transfer-su.xml"


def lang_command(name: str, out: Path) -> list[str | Path]:
    """The command with every option it needs before --lang is looked at."""
    if name == "issue":
        return ["issue", EXPORT, "--out", out]
    if name == "render":
        return ["render", XML, "--out", out]
    return ["package", XML, "--key", out / "key.p12", "--trust", out / "root.pem", "--out", out]


@pytest.mark.parametrize("name", ["render", "package", "issue"])
def test_a_repeated_lang_is_refused_naming_the_convention(name: str, tmp_path: Path) -> None:
    """`--lang th --lang en` kept only the last value for issue; now every command takes
    the editions once, comma-separated, and says so."""
    out = tmp_path / "out"
    result = run(*lang_command(name, out), "--lang", "th", "--lang", "en")
    assert result.returncode == 2
    assert "--lang is given once, comma-separated: --lang th,en, not --lang th --lang en" in result.stderr
    assert not out.exists()


@pytest.mark.parametrize("name", ["render", "package", "issue"])
def test_an_unknown_edition_is_refused(name: str, tmp_path: Path) -> None:
    result = run(*lang_command(name, tmp_path / "out"), "--lang", "th,fr")
    assert result.returncode == 2 and "--lang takes th, en or both, comma-separated" in result.stderr


def test_render_takes_the_editions_comma_separated(tmp_path: Path) -> None:
    result = run("render", XML, "--out", tmp_path, "--lang", "en,th")
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in tmp_path.glob("*.pdf")) == ["transfer-su.en.pdf", "transfer-su.th.pdf"]
