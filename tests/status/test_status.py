"""Document status: the register, the signed list, and the verifier's verdicts from it."""

from __future__ import annotations

import base64
import datetime as dt
import json
import subprocess
import sys
import zlib
from pathlib import Path

import jwt
import pytest

import transcript
from transcript.issuing.run import issue_export
from transcript.pki.keys import load_identity, password_from
from transcript.status.listformat import (
    DocumentStatus,
    StatusListError,
    compress,
    document_key,
    entry,
    inflate,
    open_successor,
    pack,
    read_signed,
    seal_successor,
)
from transcript.status.register import RegisterError, StatusRegister
from transcript.verify import SubIndication, Verdict

from ..issuing.test_issue import small_export
from ..pkihelp import AttackPki

SCRIPT = Path(sys.executable).parent / "transcript"


@pytest.fixture(scope="module")
def issued(tmp_path_factory) -> dict:
    """Three students issued with the demo PKI (short-lived files, English only: fast)."""
    folder = tmp_path_factory.mktemp("status")
    export, out = small_export(folder / "export", 3), folder / "out"
    report = issue_export(export, out, jobs=1, languages=("en",), pades="B-B", timestamp=False)
    assert report.ok
    pki = out / "demo-pki"
    identity = load_identity(
        pki / "registrar.p12", password=password_from(password_file=pki / "registrar-password.txt")
    )
    trust = transcript.TrustSettings.from_files(
        [pki / "root.pem"], [pki / "root.crl", pki / "issuing-ca.crl"]
    )
    numbers = {s.student_id: s.document_id for s in report.students}
    return {"out": out, "identity": identity, "trust": trust, "numbers": numbers, "pki": pki}


def files_of(issued: dict, student: str) -> list[bytes]:
    out = issued["out"]
    return [(out / f"{student}.xml").read_bytes(), (out / f"{student}.en.pdf").read_bytes()]


def published(issued: dict, **options) -> bytes:
    return StatusRegister(issued["out"]).publish(
        issued["identity"], url="https://example.ac.th/status.jwt", **options
    )


# ----------------------------------------------------------------- the format


def test_two_bits_each_least_significant_first_as_the_draft_packs_them() -> None:
    """draft-ietf-oauth-status-list, bits 2: entries 0..3 in byte 0, entry 0 lowest."""
    assert pack([1, 2, 0, 3, 1]) == bytes([0b11_00_10_01, 0b01])
    packed = inflate(compress([0, 1, 2, 3] * 10), 40)
    assert [entry(packed, i).value for i in range(4)] == [0, 1, 2, 3]


def test_a_zlib_bomb_is_inflated_no_further_than_the_index_needs() -> None:
    bomb = base64.urlsafe_b64encode(zlib.compress(bytes(50_000_000))).rstrip(b"=").decode()
    with pytest.raises(StatusListError, match="do not match"):
        inflate(bomb, 8)


def test_the_successor_is_readable_with_the_old_files_digest_only() -> None:
    digest = "ab" * 32
    sealed = seal_successor(digest, "99001-631010001-20261201")
    assert open_successor(sealed, digest) == "99001-631010001-20261201"
    assert open_successor(sealed, "cd" * 32) is None
    assert document_key(digest) != base64.urlsafe_b64encode(bytes.fromhex(digest)).rstrip(b"=").decode()


# ---------------------------------------------------------------- the register


def test_every_document_is_valid_until_the_register_says_otherwise(issued) -> None:
    listing = published(issued)
    claims, chain = read_signed(listing)
    assert jwt.get_unverified_header(listing.decode())["typ"] == "statuslist+jwt"
    assert claims["status_list"]["bits"] == 2 and claims["sub"] == "https://example.ac.th/status.jwt"
    assert chain[0] == issued["identity"].certificate
    assert not any(n in listing.decode() for n in issued["numbers"])  # no student number in sight
    for student in issued["numbers"]:
        for data in files_of(issued, student):
            report = transcript.verify(data, issued["trust"], status=listing)
            assert report.verdict is Verdict.TOTAL_PASSED, report.format()
            assert report.document_status == "valid"


def test_revoke_suspend_reinstate_and_supersede(issued, tmp_path: Path) -> None:
    out, numbers = issued["out"], issued["numbers"]
    first, second, third = sorted(numbers)
    register = StatusRegister(out)
    register.record(
        "supersede", numbers[third], reason="grade corrected", operator="registrar", by=numbers[first]
    )
    register.record("suspend", numbers[first], reason="a complaint under review", operator="registrar")
    register.record("revoke", numbers[second], reason="issued in error", operator="registrar")
    with pytest.raises(RegisterError, match="final"):
        register.record("supersede", numbers[third], reason="again", operator="registrar", by=numbers[first])
    with pytest.raises(RegisterError, match="not valid itself"):
        register.record("supersede", numbers[first], reason="x", operator="registrar", by=numbers[second])
    with pytest.raises(RegisterError, match="final"):
        register.record("reinstate", numbers[second], reason="oops", operator="registrar")
    with pytest.raises(RegisterError, match="was not issued"):
        register.record("revoke", "99001-000000000-20260101", reason="unknown", operator="registrar")
    listing = published(issued)
    expected = {
        first: (Verdict.INDETERMINATE, SubIndication.DOCUMENT_SUSPENDED),
        second: (Verdict.TOTAL_FAILED, SubIndication.DOCUMENT_REVOKED),
        third: (Verdict.TOTAL_FAILED, SubIndication.DOCUMENT_SUPERSEDED),
    }
    for student, verdict in expected.items():
        for data in files_of(issued, student):
            report = transcript.verify(data, issued["trust"], status=listing)
            assert (report.verdict, report.sub_indication) == verdict, report.format()
    replaced = transcript.verify(files_of(issued, third)[1], issued["trust"], status=listing)
    assert replaced.superseded_by == numbers[first] and numbers[first] in replaced.reason
    register.record("reinstate", numbers[first], reason="complaint dismissed", operator="registrar")
    again = transcript.verify(files_of(issued, first)[0], issued["trust"], status=published(issued))
    assert again.verdict is Verdict.TOTAL_PASSED and again.document_status == "valid"
    events = [json.loads(line) for line in (out / "status" / "events.jsonl").read_text().splitlines()]
    assert [e["action"] for e in events] == ["supersede", "suspend", "revoke", "reinstate"]
    assert all(e["operator"] == "registrar" and e["time"] and e["files"] for e in events)


# -------------------------------------------------------- lists that fail closed


def test_lists_that_cannot_be_used_fail_closed(issued, tmp_path: Path) -> None:
    xml = files_of(issued, sorted(issued["numbers"])[0])[0]
    good = published(issued)
    header, payload, signature = good.split(b".")
    other = AttackPki.create(tmp_path / "other").identity()  # a key the verifier does not trust
    stale = published(issued, now=dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=3))
    cases = {
        "tampered": header
        + b"."
        + payload[:-4]
        + (b"AAAA" if payload[-4:] != b"AAAA" else b"BBBB")
        + b"."
        + signature,
        "unsigned": header + b"." + payload + b".",
        "stale": stale,
        "foreign": StatusRegister(issued["out"]).publish(other),
        "oversized": good + b" " * (16 * 1024 * 1024),
        "garbage": b"not a list at all",
        "missing": None,
    }
    for name, listing in cases.items():
        report = transcript.verify(xml, issued["trust"]) if listing is None else None
        if listing is None:
            from transcript.verify.status import with_status

            report = with_status(report, None, issued["trust"])
        else:
            report = transcript.verify(xml, issued["trust"], status=listing)
        assert (report.verdict, report.sub_indication) == (
            Verdict.INDETERMINATE, SubIndication.STATUS_UNKNOWN,
        ), (name, report.format())  # fmt: skip
        assert "status could not be checked" in report.reason, name
        soft = transcript.verify(xml, issued["trust"], status=listing or b"", status_policy="soft")
        assert soft.verdict is Verdict.TOTAL_PASSED, (name, soft.format())


def test_the_command_line_records_publishes_and_verifies(issued, tmp_path: Path) -> None:
    out, pki = issued["out"], issued["pki"]
    student = sorted(issued["numbers"])[1]
    listing = tmp_path / "status.jwt"
    run = [str(SCRIPT), "status", "publish", "--register", str(out), "--key", str(pki / "registrar.p12"),
           "--password-file", str(pki / "registrar-password.txt"), "--out", str(listing)]  # fmt: skip
    done = subprocess.run(run, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    verify = [str(SCRIPT), "verify", str(out / f"{student}.en.pdf"), "--trust", str(pki / "root.pem"),
              "--crl", str(pki / "root.crl"), "--crl", str(pki / "issuing-ca.crl"),
              "--status", str(listing)]  # fmt: skip
    checked = subprocess.run([*verify, "--brief"], capture_output=True, text=True, check=False)
    assert checked.returncode in (0, 1), checked.stderr
    shown = subprocess.run(
        [str(SCRIPT), "status", "show", "--register", str(out)], capture_output=True, text=True
    )
    assert shown.returncode == 0 and issued["numbers"][student] in shown.stdout
    refused = subprocess.run(
        [str(SCRIPT), "status", "revoke", "99001-000000000-20260101", "--register", str(out),
         "--reason", "x"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert (
        refused.returncode == 2 and "was not issued" in refused.stderr and "Traceback" not in refused.stderr
    )
    missing = subprocess.run(
        [*verify, "--status", str(tmp_path / "nope.jwt")], capture_output=True, text=True
    )
    assert missing.returncode == 1 and "STATUS_UNKNOWN" in missing.stdout


def test_the_status_address_travels_signed_and_is_fetched_under_fetch(tmp_path: Path) -> None:
    """institution.toml names where the list is served; every PDF records it in its signed
    XMP; `verify --fetch` fetches it from there and finds the document revoked."""
    import functools
    import http.server
    import threading

    from ..issuing.test_issue import small_export as export_of

    served = tmp_path / "site"
    served.mkdir()
    asked: list[str] = []

    class Counting(http.server.SimpleHTTPRequestHandler):
        def do_GET(self) -> None:
            asked.append(self.path)
            super().do_GET()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Counting, directory=str(served))
    )
    url = f"http://127.0.0.1:{server.server_address[1]}/status.jwt"
    export = export_of(tmp_path / "export", 1)
    institution = export / "institution.toml"
    text = institution.read_text(encoding="utf-8").replace(
        "[transcript]\n", f'[transcript]\nstatus_url = "{url}"\n', 1
    )
    institution.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    report = issue_export(export, out, jobs=1, languages=("en",), pades="B-B", timestamp=False)
    assert report.ok, [p.message for p in report.problems]
    pdf = next(out.glob("6*.en.pdf"))
    pki = out / "demo-pki"
    trust = transcript.TrustSettings.from_files(
        [pki / "root.pem"], [pki / "root.crl", pki / "issuing-ca.crl"]
    )
    assert transcript.verify(pdf.read_bytes(), trust).status_url == url
    identity = load_identity(
        pki / "registrar.p12", password=password_from(password_file=pki / "registrar-password.txt")
    )
    register = StatusRegister(out)
    register.record("revoke", report.students[0].document_id or "", reason="issued in error", operator="t")
    (served / "status.jwt").write_bytes(register.publish(identity, url=url))
    command = [str(SCRIPT), "verify", str(pdf), "--trust", str(pki / "root.pem"),
               "--crl", str(pki / "root.crl"), "--crl", str(pki / "issuing-ca.crl")]  # fmt: skip
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        fetched = subprocess.run([*command, "--fetch"], capture_output=True, text=True, check=False)
        unfetched = subprocess.run(command, capture_output=True, text=True, check=False)
        # A document that is not genuine names an address nobody should be sent to.
        damaged = tmp_path / "damaged.pdf"
        data = bytearray(pdf.read_bytes())
        data[len(data) // 3] ^= 0x01
        damaged.write_bytes(bytes(data))
        before = len(asked)
        subprocess.run(
            [*command[:2], str(damaged), *command[3:], "--fetch"], capture_output=True, check=False
        )
        assert len(asked) == before
    finally:
        server.shutdown()
        server.server_close()
    assert fetched.returncode == 1 and "DOCUMENT_REVOKED" in fetched.stdout, fetched.stdout + fetched.stderr
    assert unfetched.returncode == 0 and f"the issuer publishes it at {url}" in unfetched.stdout


# ------------------------------------------------------- from the attack review


def test_a_copy_with_bytes_added_outside_the_signature_keeps_its_status(issued) -> None:
    """Whitespace, a comment or CRLF outside the root leave the signature valid and the file's
    hash changed: the list is keyed by the signed content, so the copy is still found."""
    out, numbers = issued["out"], issued["numbers"]
    student = sorted(numbers)[1]  # revoked by the test above, or revoked here
    register = StatusRegister(out)
    if register.status_of_number(numbers[student]) is DocumentStatus.VALID:
        register.record("revoke", numbers[student], reason="issued in error", operator="t")
    listing = published(issued)
    xml = (out / f"{student}.xml").read_bytes()
    for copy in (
        xml + b"\n\n  ",
        xml + b"<!-- kept -->",
        xml.replace(b"\n", b"\r\n"),
        xml.split(b"?>", 1)[1],
    ):
        report = transcript.verify(copy, issued["trust"], status=listing)
        assert report.sub_indication is SubIndication.DOCUMENT_REVOKED, report.format()


def test_a_revoked_file_stays_revoked_when_its_number_is_issued_again(tmp_path: Path) -> None:
    """Revoke, issue again under the same number (the same day, after a correction), then
    suspend and reinstate the number: the changes reach the new file only."""
    export, out = small_export(tmp_path / "export", 1), tmp_path / "out"
    first = issue_export(export, out, jobs=1, languages=("en",), pades="B-B", timestamp=False)
    number = first.students[0].document_id or ""
    old = next(out.glob("6*.xml")).read_bytes()
    register = StatusRegister(out)
    register.record("revoke", number, reason="issued in error", operator="t")
    enrollments = export / "enrollments.csv"
    text = enrollments.read_bytes().decode("tis-620")
    enrollments.write_bytes(
        text.replace(",Thai for Communication,", ",Thai Communication,", 1).encode("tis-620")
    )
    again = issue_export(export, out, jobs=1, languages=("en",), pades="B-B", timestamp=False)
    assert again.count("issued") == 1 and again.students[0].document_id == number
    new = next(out.glob("6*.xml")).read_bytes()
    register.record("suspend", number, reason="checking the correction", operator="t")
    register.record("reinstate", number, reason="correction confirmed", operator="t")
    pki = out / "demo-pki"
    identity = load_identity(
        pki / "registrar.p12", password=password_from(password_file=pki / "registrar-password.txt")
    )
    trust = transcript.TrustSettings.from_files(
        [pki / "root.pem"], [pki / "root.crl", pki / "issuing-ca.crl"]
    )
    listing = register.publish(identity)
    assert transcript.verify(old, trust, status=listing).sub_indication is SubIndication.DOCUMENT_REVOKED
    assert transcript.verify(new, trust, status=listing).verdict is Verdict.TOTAL_PASSED


def test_reasons_and_names_with_invisible_controls_are_refused(issued) -> None:
    register = StatusRegister(issued["out"])
    number = issued["numbers"][sorted(issued["numbers"])[2]]
    for reason in ("looks fine \u202eniw", "a\u2066b", "zero\u200bwidth"):
        with pytest.raises(RegisterError, match="reason"):
            register.record("suspend", number, reason=reason, operator="t")


def test_a_list_that_lists_nothing_is_not_inflated() -> None:
    bomb = base64.urlsafe_b64encode(zlib.compress(bytes(10_000_000))).rstrip(b"=").decode()
    with pytest.raises(StatusListError, match="no document"):
        inflate(bomb, 0)
