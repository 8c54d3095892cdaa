"""`transcript issue`: the whole run, idempotence, resumption, faults."""

from __future__ import annotations

import gc
import json
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import transcript
from transcript.demo.pki import create_demo_pki
from transcript.demo.tsa import LocalTimeStampAuthority
from transcript.issuing.run import IssueError, issue_export
from transcript.verify import Verdict

from ..helpers import ROOT, require_tool

SCRIPT = Path(sys.executable).parent / "transcript"
REGISTRAR = ROOT / "examples" / "registrar"


def small_export(folder: Path, students: int = 3) -> Path:
    """The example export cut down to its first `students` students (and their courses)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("institution.toml", "logo.png"):
        shutil.copy(REGISTRAR / name, folder / name)
    lines = (REGISTRAR / "students.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    (folder / "students.csv").write_text("".join(lines[: students + 1]), encoding="utf-8")
    keep = {line.split(",", 1)[0] for line in lines[1 : students + 1]}
    rows = (REGISTRAR / "enrollments.csv").read_bytes().decode("tis-620").splitlines(keepends=True)
    chosen = [rows[0]] + [r for r in rows[1:] if r.split(",", 1)[0] in keep]
    (folder / "enrollments.csv").write_bytes("".join(chosen).encode("tis-620"))
    return folder


def run(*args: str | Path, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([str(SCRIPT), *map(str, args)], capture_output=True, text=True, timeout=timeout,
                            stdin=subprocess.DEVNULL)  # fmt: skip
    assert "Traceback" not in result.stderr, result.stderr
    return result


def test_issue_with_the_demo_pki_then_nothing_again(tmp_path: Path) -> None:
    export, out = small_export(tmp_path / "export"), tmp_path / "out"
    first = run("issue", export, "--out", out, "--jobs", "2")
    assert first.returncode == 0, first.stdout + first.stderr
    assert "DEMO" in first.stderr and "transcript verify" in first.stderr
    names = sorted(p.name for p in out.iterdir() if p.is_file())
    assert names == sorted(
        [f"{s}.{ext}" for s in ("631010001", "631010002", "631010003") for ext in ("xml", "th.pdf", "en.pdf")]
        + ["manifest.json", "manifest.csv"]
    )
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["counts"]["issued"] == 3
    pki = out / "demo-pki"
    trust = transcript.TrustSettings.from_files(
        [pki / "root.pem"], [pki / "root.crl", pki / "issuing-ca.crl"]
    )
    for path in out.glob("6*"):
        assert transcript.verify(path.read_bytes(), trust).verdict is Verdict.TOTAL_PASSED, path.name
    pdftotext = shutil.which("pdftotext")
    if pdftotext:
        text = subprocess.run([pdftotext, "-raw", str(out / "631010001.th.pdf"), "-"], capture_output=True,
                              text=True).stdout  # fmt: skip
        assert "DEMO–NOTANOFFICIALDOCUMENT" in "".join(text.split())
    again = run("issue", export, "--out", out)
    assert again.returncode == 0
    assert json.loads((out / "manifest.json").read_text())["counts"] == {
        "issued": 0, "unchanged": 3, "skipped": 0, "failed": 0,
    }  # fmt: skip
    # A corrected course title reissues that student only.
    enrollments = export / "enrollments.csv"
    text = enrollments.read_bytes().decode("tis-620")
    enrollments.write_bytes(
        text.replace(",Thai for Communication,", ",Thai Communication,", 1).encode("tis-620")
    )
    changed = issue_export(export, out, jobs=1)
    assert (changed.count("issued"), changed.count("unchanged")) == (1, 2)


def test_a_bad_student_is_skipped_and_located(tmp_path: Path) -> None:
    export = small_export(tmp_path / "export")
    students = export / "students.csv"
    students.write_text(students.read_text().replace(",2002-05-03,", ",2002-13-03,", 1))
    result = run("issue", export, "--out", tmp_path / "out", "--jobs", "1")
    assert result.returncode == 1
    assert "students.csv:2:13: CSV013 error" in result.stdout
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["counts"]["issued"] == 2 and manifest["counts"]["skipped"] == 1
    assert not list((tmp_path / "out").glob("631010001*"))


def test_a_student_that_cannot_be_laid_out_fails_alone(tmp_path: Path) -> None:
    export = small_export(tmp_path / "export")
    students = export / "students.csv"
    lines = students.read_text(encoding="utf-8").splitlines(keepends=True)
    header = lines[0].rstrip("\n").split(",")
    row = lines[2].rstrip("\n").split(",")
    row[header.index("family_name_th")] = " ".join(["ใจดี"] * 3000)  # a name taller than a page
    lines[2] = ",".join(row) + "\n"
    students.write_text("".join(lines), encoding="utf-8")
    frozen = gc.get_freeze_count()
    report = issue_export(export, tmp_path / "out", jobs=1)
    assert gc.get_freeze_count() == frozen  # in the caller's own process, nothing is frozen
    failed = [s for s in report.students if s.status == "failed"]
    assert report.count("issued") == 2 and len(failed) == 1
    assert "cannot be laid out on A4 pages" in failed[0].problems[-1].message
    assert not list((tmp_path / "out").glob(f"{failed[0].student_id}*"))


def test_an_unexpected_error_fails_one_student_and_the_run_goes_on(tmp_path: Path, monkeypatch) -> None:
    from transcript import package as packaging

    export = small_export(tmp_path / "export")
    original = packaging.package_pdf
    calls = []

    def package_pdf(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(kwargs["file_name"])
        if kwargs["file_name"].startswith("631010002"):
            raise ValueError("a bug met by this student's data")
        return original(*args, **kwargs)

    monkeypatch.setattr(packaging, "package_pdf", package_pdf)
    report = issue_export(export, tmp_path / "out", jobs=1)  # one job: in this process, patched
    failed = [s for s in report.students if s.status == "failed"]
    assert report.count("issued") == 2 and [s.student_id for s in failed] == ["631010002"]
    assert failed[0].problems[-1].code == "ISSUE003"
    assert "ValueError: a bug met by this student's data" in failed[0].problems[-1].message
    assert not list((tmp_path / "out").glob("631010002*"))
    assert len(calls) > 2  # the students after the failed one were issued too


def test_faults_stop_with_one_message(tmp_path: Path) -> None:
    export = small_export(tmp_path / "export", 1)
    demo = create_demo_pki(tmp_path / "pki")
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("not the password")
    short = ("--pades", "B-B", "--no-timestamp")
    bad_password = run(
        "issue",
        export,
        "--out",
        tmp_path / "o1",
        "--key",
        demo.registrar_p12,
        "--password-file",
        wrong,
        *short,
    )
    assert bad_password.returncode == 2 and "password is wrong" in bad_password.stderr
    missing = run("issue", export, "--out", tmp_path / "o2", "--key", tmp_path / "nope.p12", *short)
    assert missing.returncode == 2 and "not found" in missing.stderr
    no_tsa = run("issue", export, "--out", tmp_path / "o3", "--tsa", "http://127.0.0.1:9/", "--pades", "B-T")
    assert no_tsa.returncode == 2 and "cannot be reached" in no_tsa.stderr
    blocked = tmp_path / "a-file"  # an output "folder" that cannot be made: a file is in the way
    blocked.write_text("")
    unwritable = run("issue", export, "--out", blocked / "out")
    assert unwritable.returncode == 2 and "cannot write" in unwritable.stderr
    for folder in ("o1", "o2", "o3"):
        assert not [p for p in (tmp_path / folder).glob("6*")] if (tmp_path / folder).exists() else True


def test_a_real_key_gets_the_national_profile_or_asks_for_short_lived_files(tmp_path: Path) -> None:
    """With a key of its own and no time-stamp authority, the run stops before writing
    anything; short-lived files are made only when asked for, and said to be short-lived."""
    export = small_export(tmp_path / "export", 1)
    demo = create_demo_pki(tmp_path / "pki")
    key = (
        "--key",
        demo.registrar_p12,
        "--password-file",
        demo.password_file,
        "--lang",
        "th",
        "--trust",
        demo.root,
    )
    refused = run("issue", export, "--out", tmp_path / "o1", *key)
    assert refused.returncode == 2, refused.stderr
    assert "national profile" in refused.stderr and "--pades B-B --no-timestamp" in refused.stderr
    assert not (tmp_path / "o1").exists()
    contradictory = run("issue", export, "--out", tmp_path / "o2", *key, "--no-timestamp")
    assert contradictory.returncode == 2 and "PAdES B-LTA is made of time-stamps" in contradictory.stderr
    short = run("issue", export, "--out", tmp_path / "o3", *key, "--pades", "B-B", "--no-timestamp")
    assert short.returncode == 0, short.stdout + short.stderr
    assert "XAdES-B-B" in short.stderr and "SHORT-LIVED" in short.stderr
    assert b"SignatureTimeStamp" not in next((tmp_path / "o3").glob("6*.xml")).read_bytes()


def test_the_demo_issues_the_national_profile_with_its_own_authority(tmp_path: Path) -> None:
    export, out = small_export(tmp_path / "export", 1), tmp_path / "out"
    report = issue_export(export, out, jobs=1, languages=("th",))
    assert report.ok and report.demo_tsa
    pki = out / "demo-pki"
    offline = transcript.TrustSettings.from_files([pki / "root.pem"])  # nothing but the root
    pdf = next(out.glob("6*.th.pdf")).read_bytes()
    verified = transcript.verify(pdf, offline)
    assert verified.verdict is Verdict.TOTAL_PASSED, verified.format()
    assert verified.level == "PAdES-B-LTA"
    xml = next(out.glob("6*.xml")).read_bytes()
    assert (
        transcript.verify(
            xml,
            transcript.TrustSettings.from_files(
                [pki / "root.pem"], [pki / "root.crl", pki / "issuing-ca.crl"]
            ),
        ).level
        == "XAdES-B-T"
    )


def test_the_demo_makes_short_lived_files_when_asked(tmp_path: Path) -> None:
    export, out = small_export(tmp_path / "export", 1), tmp_path / "out"
    report = issue_export(export, out, jobs=1, languages=("th",), pades="B-B", timestamp=False)
    assert report.ok and not report.demo_tsa
    assert b"SignatureTimeStamp" not in next(out.glob("6*.xml")).read_bytes()


def test_an_unreliable_time_stamp_authority_is_retried(tmp_path: Path) -> None:
    export = small_export(tmp_path / "export", 2)
    out = tmp_path / "out"
    issue_export(export, out, jobs=1, languages=("th",))  # makes the demo PKI under out/
    pki = out / "demo-pki"
    shutil.copytree(pki, tmp_path / "stamped" / "demo-pki")  # the same PKI, so its TSA is trusted
    with LocalTimeStampAuthority(pki / "tsa.pem", pki / "tsa-key.pem", fail_every=3) as authority:
        report = issue_export(export, tmp_path / "stamped", jobs=1, languages=("th",), tsa=authority.url,
                              pades="B-B")  # fmt: skip
        assert authority.requests > 3
    assert report.count("issued") == 2 and report.count("failed") == 0


def test_workers_stamp_through_an_authority_that_wants_a_password(tmp_path: Path) -> None:
    """The client, credentials included, travels to the worker processes (two jobs)."""
    from transcript.pki.tsa import TimeStampClient

    export = small_export(tmp_path / "export", 2)
    out = tmp_path / "out"
    issue_export(export, out, jobs=1, languages=("th",))  # makes the demo PKI under out/
    pki = out / "demo-pki"
    shutil.copytree(pki, tmp_path / "stamped" / "demo-pki")
    with LocalTimeStampAuthority(
        pki / "tsa.pem", pki / "tsa-key.pem", user="reg", password=b"pw"
    ) as authority:
        client = TimeStampClient(authority.url, user="reg", password=b"pw")
        report = issue_export(
            export, tmp_path / "stamped", jobs=2, languages=("th",), tsa=client, pades="B-T"
        )
        assert report.count("issued") == 2, [p.message for s in report.students for p in s.problems]
        with pytest.raises(IssueError, match="authentication failed or is required"):
            issue_export(export, tmp_path / "refused", jobs=1, tsa=authority.url, pades="B-T")
    assert b"SignatureTimeStamp" in next((tmp_path / "stamped").glob("6*.xml")).read_bytes()


def test_an_interrupted_run_resumes(tmp_path: Path) -> None:
    export, out = small_export(tmp_path / "export", 8), tmp_path / "out"
    process = subprocess.Popen([str(SCRIPT), "issue", str(export), "--out", str(out), "--jobs", "1"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    deadline = time.monotonic() + 120
    manifest = out / "manifest.json"
    while time.monotonic() < deadline and not (manifest.exists() and '"issued"' in manifest.read_text()):
        time.sleep(0.1)
    time.sleep(0.5)  # kill it in the middle of a later student
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert not list(out.glob("*.partial*")) or all(p.name.startswith(".") for p in out.glob("*.partial*"))
    for pdf in out.glob("6*.pdf"):  # every visible file is whole
        assert pdf.read_bytes().rstrip().endswith(b"%%EOF")
    report = issue_export(export, out, jobs=2)
    assert report.count("issued") + report.count("unchanged") == 8 and report.ok
    assert report.count("unchanged") >= 1
    assert not list(out.glob(".partial-*"))


def test_the_key_password_is_not_in_the_settings_repr(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    from transcript.issuing import IssueSettings

    settings = IssueSettings(
        tmp_path, tmp_path, None, tmp_path / "key.p12", b"hunter2-secret", None, (), (), ("th",), "B-B", None,
        False, dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc),
    )  # fmt: skip
    assert b"hunter2".decode() not in repr(settings)


def test_workers_sign_with_a_key_on_a_token(softhsm, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Two worker processes, each with its own session on the token (SoftHSM2); the run's own
    check of the key leaves no module initialised for them to inherit."""
    require_tool("softhsm2-util")
    token = softhsm.tokens["ec"]
    export, out = small_export(tmp_path / "export", 4), tmp_path / "out"
    crls = [x for crl in token.pki.crls for x in ("--crl", crl)]
    with LocalTimeStampAuthority(token.pki.tsa_certificate, token.pki.tsa_key) as authority:
        result = subprocess.run(
            [str(SCRIPT), "issue", str(export), "--out", str(out), "--key", token.uri,
             "--pkcs11-module", softhsm.module, "--password-file", str(softhsm.pin_file),
             "--trust", str(token.pki.root), *map(str, crls), "--jobs", "2", "--tsa", authority.url],
            capture_output=True, text=True, timeout=300, env=softhsm.env, stdin=subprocess.DEVNULL,
        )  # fmt: skip
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stdout + result.stderr
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["counts"]["issued"] == 4
    files = sorted(out.glob("6*"))
    assert len(files) == 12
    trust = transcript.TrustSettings.from_files([token.pki.root], token.pki.crls)
    for path in files:
        report = transcript.verify(path.read_bytes(), trust)
        assert report.verdict is Verdict.TOTAL_PASSED, path.name
        assert report.level in ("XAdES-B-T", "PAdES-B-LTA"), path.name
