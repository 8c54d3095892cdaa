"""`transcript validate` as a user and a script see it: output lines and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from transcript.model.xmlio import TC_NS

from ..helpers import SAMPLE

SCRIPT = Path(sys.executable).parent / "transcript"


def run(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [str(SCRIPT), *map(str, args)], capture_output=True, text=True, cwd=cwd, timeout=60
    )
    assert "Traceback" not in result.stderr, result.stderr
    return result


def test_sample_reports_the_nidn_in_compiler_format() -> None:
    result = run("validate", SAMPLE)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"{SAMPLE}:22: ID001 error: national ID (NIDN) '17700253661789' has 14 characters; "
        "a Thai national ID has exactly 13 digits (at /Transcript/Student/DataSubjectID[2])"
    ]
    assert "1 file checked: 0 valid, 1 invalid (1 errors, 0 warnings)" in result.stderr


def test_valid_examples_exit_zero(example_paths) -> None:
    result = run("validate", *example_paths)
    assert result.returncode == 0
    assert result.stdout == ""
    assert "3 files checked: 3 valid, 0 invalid" in result.stderr


def test_json_report(example_paths) -> None:
    result = run("validate", "--json", SAMPLE, example_paths[0])
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["valid"] is False
    first, second = report["files"]
    assert first["problems"][0]["code"] == "ID001" and first["problems"][0]["line"] == 22
    assert second["valid"] is True and second["problems"] == []


def test_unreadable_files_exit_two(tmp_path: Path) -> None:
    result = run("validate", tmp_path / "missing.xml")
    assert result.returncode == 2
    assert "missing.xml: cannot read: No such file or directory" in result.stderr
    assert run("validate", tmp_path).returncode == 2  # a folder


def test_unreadable_wins_over_invalid(tmp_path: Path) -> None:
    assert run("validate", SAMPLE, tmp_path / "missing.xml").returncode == 2


def test_bad_usage_exits_two() -> None:
    assert run("validate").returncode == 2
    assert run("validate", "--no-such-option", SAMPLE).returncode == 2
    result = run("validate", "--scale", "imaginary", SAMPLE)
    assert result.returncode == 2 and "no grade scale 'imaginary'" in result.stderr


def test_huge_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    huge = tmp_path / "huge.xml"
    with huge.open("wb") as handle:  # sparse: 200 MB on paper, nothing on disk
        handle.truncate(200 * 1024 * 1024)
    result = run("validate", huge)
    assert result.returncode == 1
    assert "XML003 error: the file is 209,715,200 bytes" in result.stdout


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"<tc:Transcript xmlns:tc='" + TC_NS.encode() + b"'><unclosed>", "XML001"),
        (b'<!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>', "XML002"),
        (b"<Transcript xmlns='urn:something:else'/>", "XML004"),
        (SAMPLE.read_bytes().replace(b"<tc:Year>2020<", b"<tc:Year>twenty<", 1), "XSD001"),
    ],
)
def test_bad_documents_get_one_located_problem(tmp_path: Path, content: bytes, code: str) -> None:
    path = tmp_path / "bad.xml"
    path.write_bytes(content)
    result = run("validate", path)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"{path}:") and f" {code} error: " in lines[0]


def test_scale_option(example_paths) -> None:
    master = next(p for p in example_paths if p.name == "master-thesis.xml")
    assert run("validate", "--scale", "thai-plus-minus", master).returncode == 0
    result = run("validate", "--scale", "thai-8-level", master)
    assert result.returncode == 1 and "GRADE001" in result.stdout


def test_version() -> None:
    result = run("--version")
    assert result.returncode == 0 and result.stdout.startswith("transcript ")
