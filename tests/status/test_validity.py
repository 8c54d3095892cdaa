"""Documents issued for a limited time (`transcript issue --valid-days N`): the last day is in
the signed content, on the page, in the status list; after it, verification fails."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import subprocess
import sys
from pathlib import Path

import pypdfium2
import pytest
from fastapi.testclient import TestClient
from lxml import etree

import transcript
from converters.assemble import Settings, build_transcript
from converters.export import ExportReader, Students
from converters.institution import load_institution
from converters.profile import load_profile
from transcript.issuing.run import IssueError, issue_export
from transcript.model.constants import BANGKOK, DS_NS, TC_NS
from transcript.model.validity import SUBJECTS, stated_validity, valid_until
from transcript.pki.keys import load_identity, password_from
from transcript.sign.xades import XmlSigner
from transcript.status.listformat import read_signed
from transcript.status.register import StatusRegister
from transcript.verify import Status, SubIndication, Verdict
from transcript.verify.batch import report_row
from transcript.web import create_app

from ..issuing.test_issue import small_export

SCRIPT = Path(sys.executable).parent / "transcript"
DAYS = 60


@pytest.fixture(scope="module")
def temporary(tmp_path_factory) -> dict:
    """Two students issued valid for 60 days, with the demo PKI (short-lived files: fast)."""
    folder = tmp_path_factory.mktemp("validity")
    export, out = small_export(folder / "export", 2), folder / "out"
    report = issue_export(
        export, out, jobs=1, languages=("th", "en"), pades="B-B", timestamp=False, valid_days=DAYS
    )
    assert report.ok and report.valid_until is not None
    pki = out / "demo-pki"
    identity = load_identity(
        pki / "registrar.p12", password=password_from(password_file=pki / "registrar-password.txt")
    )
    trust = transcript.TrustSettings.from_files(
        [pki / "root.pem"], [pki / "root.crl", pki / "issuing-ca.crl"]
    )
    student = report.students[0].student_id
    files = [out / f"{student}.{ext}" for ext in ("xml", "th.pdf", "en.pdf")]
    return {"out": out, "identity": identity, "trust": trust, "last_day": report.valid_until, "files": files}


def at(trust: transcript.TrustSettings, moment: dt.datetime) -> transcript.TrustSettings:
    return dataclasses.replace(trust, at=moment)


def end_of(day: dt.date) -> dt.datetime:
    """The first moment after `day`, Thailand time."""
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), BANGKOK)


def test_the_last_day_is_stated_in_the_signed_content(temporary) -> None:
    last_day = temporary["last_day"]
    assert last_day == dt.datetime.now(BANGKOK).date() + dt.timedelta(days=DAYS)
    root = etree.fromstring(temporary["files"][0].read_bytes())
    notes = {
        (n.findtext(f"{{{TC_NS}}}Subject"), n.findtext(f"{{{TC_NS}}}Content"))
        for n in root.iter(f"{{{TC_NS}}}InfomationNote")
    }
    assert {(SUBJECTS["en"], last_day.isoformat()), (SUBJECTS["th"], last_day.isoformat())} <= notes


def test_each_file_passes_until_its_last_day_and_fails_after_it(temporary) -> None:
    last_day, trust = temporary["last_day"], temporary["trust"]
    for path in temporary["files"]:
        data = path.read_bytes()
        now = transcript.verify(data, trust)
        assert now.verdict is Verdict.TOTAL_PASSED, now.format()
        assert now.summary is not None and now.summary.valid_until == last_day.isoformat()
        validity = next(c for c in now.checks if c.name.endswith("validity"))
        assert validity.status is Status.PASSED and last_day.isoformat() in validity.detail
        assert report_row(path.name, now)["valid_until"] == last_day.isoformat()
        on_the_last_evening = transcript.verify(data, at(trust, end_of(last_day) - dt.timedelta(minutes=1)))
        assert on_the_last_evening.sub_indication is not SubIndication.DOCUMENT_EXPIRED
        after = transcript.verify(data, at(trust, end_of(last_day)))
        assert (after.verdict, after.sub_indication) == (Verdict.TOTAL_FAILED, SubIndication.DOCUMENT_EXPIRED)
        assert last_day.isoformat() in after.reason


def test_both_editions_print_the_last_day(temporary) -> None:
    last_day = temporary["last_day"]
    expected = {
        "th": f"ใช้ได้ถึง: {last_day.day}",
        "en": f"Valid until: {last_day.day} {last_day.strftime('%B')} {last_day.year}",
    }
    for path, language in zip(temporary["files"][1:], ("th", "en"), strict=True):
        pdf = pypdfium2.PdfDocument(path.read_bytes())
        try:
            text = pdf[0].get_textpage().get_text_range()
        finally:
            pdf.close()
        assert expected[language] in text, text[:400]
        if language == "th":
            assert str(last_day.year + 543) in text  # the Buddhist era, in the Thai edition
        assert last_day.isoformat() not in text  # not repeated as a raw note


def test_the_status_list_publishes_the_last_day_and_the_page_shows_it(temporary) -> None:
    register = StatusRegister(temporary["out"])
    listing = register.publish(temporary["identity"], valid_for=dt.timedelta(days=400))
    claims, _ = read_signed(listing)
    days = claims["transcript_status"]["valid_until"]
    assert len(days) == 2 and set(days.values()) == {temporary["last_day"].isoformat()}
    xml = temporary["files"][0].read_bytes()
    current = transcript.verify(xml, temporary["trust"], status=listing)
    assert current.document_status == "valid", current.format()
    late = at(temporary["trust"], end_of(temporary["last_day"]) + dt.timedelta(days=1))
    expired = transcript.verify(xml, late, status=listing)
    assert expired.document_status == "expired" and expired.check("status").sub_indication is (
        SubIndication.DOCUMENT_EXPIRED
    )
    digest = current.document_sha256
    client = TestClient(create_app(temporary["trust"], status_list=lambda: listing))
    page = client.get(f"/d/{current.summary.document_id}?sha256={digest}&lang=en")
    assert page.status_code == 200 and "Valid until" in page.text
    assert temporary["last_day"].strftime("%B") in page.text
    later = TestClient(create_app(late, status_list=lambda: listing))
    assert "expired" in later.get(f"/d/x?sha256={digest}&lang=en").text
    shown = subprocess.run(
        [str(SCRIPT), "status", "show", "--register", str(temporary["out"])], capture_output=True, text=True
    )
    assert shown.returncode == 0 and f"valid until {temporary['last_day'].isoformat()}" in shown.stdout


def test_a_changed_last_day_breaks_the_signature(temporary) -> None:
    data = temporary["files"][0].read_bytes()
    last_day = temporary["last_day"].isoformat().encode()
    forged = data.replace(last_day, b"2099-12-31")
    assert forged != data
    report = transcript.verify(forged, temporary["trust"])
    assert report.verdict is Verdict.TOTAL_FAILED and report.sub_indication is SubIndication.HASH_FAILURE


def _resigned(temporary: dict, contents: list[str]) -> bytes:
    """The student's XML with its validity notes' contents replaced, signed again by the issuer."""
    root = etree.fromstring(temporary["files"][0].read_bytes())
    for signature in root.findall(f"{{{DS_NS}}}Signature"):
        root.remove(signature)
    notes = [
        n
        for n in root.iter(f"{{{TC_NS}}}InfomationNote")
        if n.findtext(f"{{{TC_NS}}}Subject") in SUBJECTS.values()
    ]
    for note, content in zip(notes, contents, strict=True):
        note.find(f"{{{TC_NS}}}Content").text = content
    signer = XmlSigner(temporary["identity"], check_content=False)
    return signer.sign(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def test_notes_that_disagree_count_from_the_earliest_and_unreadable_ones_are_a_warning(temporary) -> None:
    trust = temporary["trust"]
    soon = dt.datetime.now(BANGKOK).date() - dt.timedelta(days=1)
    disagreeing = transcript.verify(_resigned(temporary, ["2099-01-01", soon.isoformat()]), trust)
    assert disagreeing.sub_indication is SubIndication.DOCUMENT_EXPIRED
    assert "earliest" in disagreeing.reason
    unreadable = transcript.verify(_resigned(temporary, ["next spring", "ปีหน้า"]), trust)
    assert unreadable.verdict is Verdict.TOTAL_PASSED
    warning = unreadable.check("validity")
    assert warning is not None and warning.status is Status.WARNING and "next spring" in warning.detail


def test_a_validity_period_is_a_positive_number_of_days(tmp_path: Path) -> None:
    with pytest.raises(IssueError, match="valid-days"):
        issue_export(small_export(tmp_path / "export", 1), tmp_path / "out", valid_days=0)
    assert not (tmp_path / "out" / "manifest.json").exists()
    with pytest.raises(ValueError):
        valid_until(dt.datetime.now(BANGKOK), 0)
    refused = subprocess.run(
        [str(SCRIPT), "issue", str(tmp_path / "export"), "--out", str(tmp_path / "o"), "--valid-days", "-5"],
        capture_output=True, text=True,
    )  # fmt: skip
    assert refused.returncode == 2 and "--valid-days" in refused.stderr and "Traceback" not in refused.stderr


def _with_note(export: Path, note: str) -> None:
    """The export's first student with `note` in notes_en."""
    lines = (export / "students.csv").read_text(encoding="utf-8").splitlines()
    header, row = lines[0].split(","), next(csv.reader([lines[1]]))
    row[header.index("notes_en")] = note
    line = io.StringIO()
    csv.writer(line, lineterminator="").writerow(row)
    (export / "students.csv").write_text(f"{lines[0]}\n{line.getvalue()}\n", encoding="utf-8")


def test_an_export_may_not_write_the_validity_note_itself(tmp_path: Path) -> None:
    """Only --valid-days writes the validity notes: a registrar's note with that subject is a
    located error, not a second, conflicting period."""
    export = small_export(tmp_path / "export", 1)
    profile = load_profile(None)
    settings = Settings.of(load_institution(export / "institution.toml"), profile, dt.datetime.now(BANGKOK))
    _with_note(export, "Scholarship: none | valid UNTIL : 2099-01-01")
    rows = next(iter(Students(ExportReader(export, profile))))
    document, problems = build_transcript(rows, settings)
    assert document is None and any(p.code == "CSV028" and p.line == 2 for p in problems), problems
    _with_note(export, "Scholarship: none")
    rows = next(iter(Students(ExportReader(export, profile))))
    document, problems = build_transcript(
        rows, dataclasses.replace(settings, valid_until=dt.date(2027, 1, 30))
    )
    assert document is not None and stated_validity(document).until == dt.date(2027, 1, 30)


def test_a_credential_of_a_temporary_transcript_ends_with_it(temporary, tmp_path: Path) -> None:
    """The wallet credential carries the same end (exp, the next midnight in Thailand)."""
    from transcript.issuing.credentials import issue_credentials
    from transcript.pki.keys import CREDENTIALS

    pki = temporary["out"] / "demo-pki"
    key = load_identity(
        pki / "credential.p12", password_file=pki / "registrar-password.txt", purpose=CREDENTIALS
    )
    (result,) = issue_credentials(
        [temporary["files"][0]], key, temporary["trust"], out_dir=tmp_path, issuer="https://u.example"
    )
    assert result.written is not None, result.problem
    data, last_day = result.written.read_bytes(), temporary["last_day"]
    report = transcript.verify(data, temporary["trust"])
    assert report.ok and report.summary.valid_until == last_day.isoformat()
    assert report.credential.disclosed["exp"] == int(end_of(last_day).timestamp())
    after = transcript.verify(data, at(temporary["trust"], end_of(last_day) + dt.timedelta(seconds=1)))
    assert after.sub_indication is transcript.SubIndication.DOCUMENT_EXPIRED
