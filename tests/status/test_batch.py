"""Bulk verification for employers: folders and ZIP archives in, one row per file out."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from transcript.status.register import StatusRegister
from transcript.util.archive import ArchiveError, ArchiveLimits, read_zip

from .test_status import issued  # noqa: F401 - the fixture

SCRIPT = Path(sys.executable).parent / "transcript"


def _zip(entries: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


def test_a_zip_of_a_hundred_files_gives_a_hundred_right_rows(issued, tmp_path: Path) -> None:  # noqa: F811
    out, pki = issued["out"], issued["pki"]
    students = sorted(issued["numbers"])
    revoked = students[0]
    StatusRegister(out).record("revoke", issued["numbers"][revoked], reason="issued in error", operator="t")
    listing = tmp_path / "status.jwt"
    listing.write_bytes(StatusRegister(out).publish(issued["identity"]))
    genuine = {
        f"{s}.{ext}": (out / f"{s}.{ext}").read_bytes() for s in students[1:] for ext in ("xml", "en.pdf")
    }
    entries: dict[str, bytes] = {}
    expected: dict[str, str] = {}
    for number in range(100):
        kind = number % 4
        if kind == 0:
            name, data = list(genuine.items())[number % len(genuine)]
            verdict = "TOTAL-PASSED"
        elif kind == 1:
            name, data = list(genuine.items())[number % len(genuine)]
            damaged = bytearray(data)
            damaged[len(damaged) // 2] ^= 0x20
            data, verdict = bytes(damaged), "TOTAL-FAILED"
        elif kind == 2:
            name, data = f"{revoked}.xml", (out / f"{revoked}.xml").read_bytes()
            verdict = "TOTAL-FAILED"
        else:
            name, data, verdict = "notes.txt", f"not a transcript {number}".encode(), "TOTAL-FAILED"
        entries[f"batch/{number:03d}-{name}"] = data
        expected[f"batch/{number:03d}-{name}"] = verdict
    archive = tmp_path / "candidates.zip"
    archive.write_bytes(_zip(entries))
    report = tmp_path / "report.csv"
    done = subprocess.run(
        [str(SCRIPT), "verify", str(archive), "--trust", str(pki / "root.pem"), "--crl",
         str(pki / "root.crl"), "--crl", str(pki / "issuing-ca.crl"), "--status", str(listing), "--brief",
         "--report", str(report)],
        capture_output=True, text=True, check=False, timeout=600,
    )  # fmt: skip
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    rows = list(csv.DictReader(io.StringIO(report.read_text(encoding="utf-8-sig"))))
    assert len(rows) == 100
    for row in rows:
        entry = row["file"].split(":", 1)[1]
        assert row["verdict"] == expected[entry], row
        if "-" + revoked in entry:
            assert row["sub_indication"] == "DOCUMENT_REVOKED" and row["status"] == "revoked"
        if row["verdict"] == "TOTAL-PASSED":
            assert row["document_id"] and row["student_number"] and row["gpax"] and row["status"] == "valid"
        else:
            assert not row["student_number"]  # nothing an ungenuine file claims is shown
    as_json = tmp_path / "report.json"
    folder = tmp_path / "folder"
    folder.mkdir()
    for name, data in list(genuine.items())[:2]:
        (folder / name).write_bytes(data)
    again = subprocess.run(
        [str(SCRIPT), "verify", str(folder), "--trust", str(pki / "root.pem"), "--crl", str(pki / "root.crl"),
         "--crl", str(pki / "issuing-ca.crl"), "--brief", "--report", str(as_json)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert again.returncode == 0, again.stdout + again.stderr
    body = json.loads(as_json.read_text())
    assert body["files"] == 2 and body["genuine"] == 2 and body["rows"][0]["verdict"] == "TOTAL-PASSED"


def test_zip_bombs_and_path_tricks_are_refused_entry_by_entry() -> None:
    limits = ArchiveLimits(entry_bytes=1_000_000, total_bytes=3_000_000, entries=50)
    archive = _zip(
        {
            "ok.txt": b"fine",
            "../escape.xml": b"<x/>",
            "/absolute.xml": b"<x/>",
            "bad\x1bname.xml": b"<x/>",
            "bomb.xml": bytes(900_000),
            "big.xml": b"x" * 1_500_000,
        }
    )
    found = {e.name: e for e in read_zip(archive, limits)}
    assert found["ok.txt"].data == b"fine"
    for name in ("../escape.xml", "/absolute.xml"):
        assert found[name].data is None and "plain relative path" in str(found[name].problem)
    assert any("not a plain relative path" in str(e.problem) for n, e in found.items() if "\\x1b" in n)
    assert found["bomb.xml"].data is None and "ZIP bomb" in str(found["bomb.xml"].problem)
    assert found["big.xml"].data is None
    with pytest.raises(ArchiveError, match="more than"):
        list(read_zip(_zip({f"{n}.txt": b"x" for n in range(51)}), limits))
    with pytest.raises(ArchiveError, match="not a readable ZIP"):
        list(read_zip(b"PK\x03\x04 broken"))


def test_an_entry_that_lies_about_its_size_is_stopped_at_the_limit() -> None:
    """The declared size says small; the data inflates far beyond: reading stops at the limit."""
    archive = bytearray(_zip({"liar.xml": bytes(4_000_000)}))
    # The central directory and the local header both declare 4,000,000: make them say 100.
    archive = archive.replace((4_000_000).to_bytes(4, "little"), (100).to_bytes(4, "little"))
    found = list(read_zip(bytes(archive), ArchiveLimits(entry_bytes=1_000_000, ratio=10**9)))
    assert found[0].data is None and found[0].problem


def test_entries_that_fail_their_checksum_still_count_towards_the_total() -> None:
    """Every entry inflates to its limit and then fails its CRC: what inflating cost counts,
    so the archive is refused once the total is spent, not after gigabytes."""
    archive = bytearray(_zip({f"{n}.xml": bytes(1_000_000) for n in range(10)}))
    for info in zipfile.ZipFile(io.BytesIO(bytes(archive))).infolist():
        archive = archive.replace(info.CRC.to_bytes(4, "little"), (info.CRC ^ 1).to_bytes(4, "little"))
    limits = ArchiveLimits(entry_bytes=1_000_000, total_bytes=3_000_000, ratio=10**6)
    with pytest.raises(ArchiveError, match="once inflated"):
        list(read_zip(bytes(archive), limits))
