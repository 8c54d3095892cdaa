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


def command_paths() -> list[list[str]]:
    """Every command and sub-command of `transcript`, as typed (["status", "publish"])."""
    import typer.main

    from transcript.cli import app

    found: list[list[str]] = []

    def walk(command: object, path: list[str]) -> None:
        for name, sub in getattr(command, "commands", {}).items():
            found.append([*path, name])
            walk(sub, [*path, name])

    walk(typer.main.get_command(app), [])
    return found


def command_names(help_text: str) -> list[str]:
    """The command names listed in a help screen's Commands panel, in order."""
    panel = help_text.split("Commands", 1)[1]
    return [line.split()[1] for line in panel.splitlines() if line.startswith("│ ") and line[2] != " "]


def test_h_is_help_and_the_main_command_comes_first() -> None:
    short, long = run("-h"), run("--help")
    assert short.returncode == 0 and short.stdout == long.stdout
    names = command_names(short.stdout)
    assert names[:4] == ["issue", "verify", "serve", "status"]
    assert sorted(names) == sorted(path[0] for path in command_paths() if len(path) == 1)
    issue = run("issue", "-h")
    assert issue.returncode == 0 and "Usage: transcript issue [OPTIONS]" in issue.stdout


def test_no_help_screen_shows_python_types_or_strptime_formats() -> None:
    """`--help <bool>`, `--trust <list[Path]>`, `--jobs <int range>` and
    `--at <%Y-%m-%dT%H:%M:%S%z|...>` were what the help said; every command and sub-command
    is looked at, with -h."""
    paths = command_paths()
    assert ["status", "publish"] in paths and len(paths) >= 18
    for path in [[], *paths]:
        result = run(*path, "-h")
        assert result.returncode == 0, (path, result.stderr)
        assert f"Usage: transcript {' '.join(path)}".rstrip() in result.stdout, path
        for python in ("<bool>", "list[", "%Y", "%H", "<datetime>", "<int range>"):
            assert python not in result.stdout, (path, python)
    verify = run("verify", "-h").stdout
    assert "2026-11-30T14:00+07:00" in verify and "--trust" in verify and "FILE" in verify


@pytest.mark.parametrize(
    ("typed", "taken"),
    [
        ("2026-11-30", True),
        ("2026-11-30T14:00+07:00", True),
        ("2026-11-30T14:00:00Z", True),
        ("30/11/2026", False),
    ],
)
def test_at_takes_the_times_its_help_shows(typed: str, taken: bool, tmp_path: Path) -> None:
    """The examples in the help are accepted; what is not a time is refused first, with them."""
    result = run("verify", tmp_path / "missing.pdf", "--trust", tmp_path / "missing.pem", "--at", typed)
    assert result.returncode == 2  # the files do not exist
    assert ("--at takes a date or a date and time, e.g. 2026-11-30 or" in result.stderr) is not taken


def test_a_time_that_is_not_one_is_refused_with_an_example(tmp_path: Path) -> None:
    result = run("convert", EXPORT, "--out", tmp_path / "out", "--issued", "30/11/2026")
    assert result.returncode == 2
    assert (
        "--issued takes a date or a date and time, e.g. 2026-11-30 or 2026-11-30T14:00+07:00" in result.stderr
    )
    assert not (tmp_path / "out").exists()
