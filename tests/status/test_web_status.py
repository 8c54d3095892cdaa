"""The verification page with a status list, and its batch API for ZIP archives."""

from __future__ import annotations

import csv
import io
import json

import pytest
from fastapi.testclient import TestClient

from transcript.status.register import StatusRegister
from transcript.util.archive import ArchiveLimits
from transcript.web import create_app

from .test_batch import _zip
from .test_status import issued  # noqa: F401 - the fixture


@pytest.fixture(scope="module")
def site(issued) -> dict:  # noqa: F811
    out = issued["out"]
    students = sorted(issued["numbers"])
    register = StatusRegister(out)
    register.record("revoke", issued["numbers"][students[0]], reason="issued in error", operator="t")
    listing = register.publish(issued["identity"])
    files = {f"{s}.{ext}": (out / f"{s}.{ext}").read_bytes() for s in students for ext in ("xml", "en.pdf")}
    app = create_app(issued["trust"], status_list=lambda: listing)
    small = create_app(
        issued["trust"], batch_limits=ArchiveLimits(archive_bytes=2_000_000, entries=5, ratio=50)
    )
    return {"client": TestClient(app), "small": TestClient(small), "files": files, "revoked": students[0]}


def test_the_page_and_the_api_say_revoked(site) -> None:
    revoked = site["files"][f"{site['revoked']}.en.pdf"]
    body = site["client"].post("/api/verify", files={"file": ("t.pdf", revoked)}).json()
    assert (body["verdict"], body["sub_indication"], body["document_status"]) == (
        "TOTAL-FAILED", "DOCUMENT_REVOKED", "revoked",
    )  # fmt: skip
    page = site["client"].post("/verify", files={"file": ("t.pdf", revoked)}, data={"lang": "en"})
    assert page.status_code == 200 and "revoked" in page.text
    genuine = next(v for k, v in site["files"].items() if not k.startswith(site["revoked"]))
    assert (
        site["client"].post("/api/verify", files={"file": ("g", genuine)}).json()["verdict"] == "TOTAL-PASSED"
    )


def test_a_zip_of_files_gives_one_row_each_as_json_or_csv(site) -> None:
    entries = {**site["files"], "readme.txt": b"not a transcript"}
    archive = _zip(entries)
    response = site["client"].post("/api/verify/batch", files={"file": ("batch.zip", archive)})
    assert response.status_code == 200
    body = response.json()
    assert body["files"] == len(entries) and body["genuine"] == 4
    verdicts = {row["file"]: (row["verdict"], row["status"]) for row in body["rows"]}
    assert verdicts[f"{site['revoked']}.xml"] == ("TOTAL-FAILED", "revoked")
    assert verdicts["readme.txt"][0] == "TOTAL-FAILED"
    as_csv = site["client"].post("/api/verify/batch?format=csv", files={"file": ("batch.zip", archive)})
    assert as_csv.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    assert len(rows) == len(entries)


def test_archives_that_abuse_the_batch_are_refused(site) -> None:
    small = site["small"]
    not_zip = small.post("/api/verify/batch", files={"file": ("x.zip", b"%PDF-1.7 not a zip")})
    assert not_zip.status_code == 415
    too_many = small.post(
        "/api/verify/batch", files={"file": ("x.zip", _zip({f"{n}.xml": b"<x/>" for n in range(6)}))}
    )
    assert too_many.status_code == 422 and "more than" in too_many.json()["error"]
    too_large = small.post("/api/verify/batch", files={"file": ("x.zip", b"PK\x03\x04" + bytes(2_100_000))})
    assert too_large.status_code == 413
    bomb = small.post(
        "/api/verify/batch",
        files={"file": ("x.zip", _zip({"bomb.xml": bytes(1_000_000), "../up.xml": b"<x/>"}))},
    )
    rows = {row["file"]: row for row in json.loads(bomb.content)["rows"]}
    assert "ZIP bomb" in rows["bomb.xml"]["reason"] and "plain relative path" in rows["../up.xml"]["reason"]


def test_a_qr_code_from_the_page_opens_the_documents_page(tmp_path) -> None:
    """institution.toml names the verification site; the QR code on a rendered page opens
    that document's page, which shows the published status (found by the file's digest) and
    confirms that the file in hand matches, without ever calling it genuine from the link."""
    import subprocess
    import urllib.parse

    from tests.helpers import require_tool
    from transcript.issuing.run import issue_export
    from transcript.pki.keys import load_identity, password_from
    from transcript.pki.trust import TrustSettings

    from ..issuing.test_issue import small_export

    zbarimg, pdftoppm = require_tool("zbarimg"), require_tool("pdftoppm")
    export = small_export(tmp_path / "export", 2)
    institution = export / "institution.toml"
    site_url = "https://verify.example.ac.th/"
    text = institution.read_text(encoding="utf-8").replace(
        "[transcript]\n", f'[transcript]\nverify_url = "{site_url}"\n', 1
    )
    institution.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    report = issue_export(export, out, jobs=1, languages=("en",), pades="B-B", timestamp=False)
    assert report.ok
    first, second = sorted(s.student_id for s in report.students)
    pdf = out / f"{first}.en.pdf"
    subprocess.run(
        [pdftoppm, "-png", "-r", "200", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "p")], check=True
    )
    decoded = subprocess.run(
        [zbarimg, "-q", "--raw", str(next(tmp_path.glob("p*.png")))], capture_output=True, text=True
    ).stdout.strip()
    address = urllib.parse.urlsplit(decoded)
    assert decoded.startswith(f"{site_url}d/") and address.query.startswith("sha256=")
    digest = urllib.parse.parse_qs(address.query)["sha256"][0]
    from transcript.model.xmlio import signed_content_digest

    assert digest == signed_content_digest((out / f"{first}.xml").read_bytes())
    pki = out / "demo-pki"
    identity = load_identity(
        pki / "registrar.p12", password=password_from(password_file=pki / "registrar-password.txt")
    )
    trust = TrustSettings.from_files([pki / "root.pem"], [pki / "root.crl", pki / "issuing-ca.crl"])
    register = StatusRegister(out)
    document = next(s.document_id for s in report.students if s.student_id == first)
    register.record("revoke", document or "", reason="issued in error", operator="t")
    listing = register.publish(identity)
    client = TestClient(create_app(trust, status_list=lambda: listing))
    page = client.get(f"{address.path}?{address.query}&lang=en")
    assert page.status_code == 200
    assert document in page.text and "revoked" in page.text and "does not prove" in page.text
    same = client.post(
        "/verify", files={"file": ("t.pdf", pdf.read_bytes())}, data={"lang": "en", "expected": digest}
    )
    assert "This file matches the QR code" in same.text
    other = (out / f"{second}.en.pdf").read_bytes()
    differs = client.post(
        "/verify", files={"file": ("o.pdf", other)}, data={"lang": "en", "expected": digest}
    )
    assert "does NOT match" in differs.text
    bare = TestClient(create_app(trust)).get(f"{address.path}?{address.query}&lang=en")
    assert "does not check the institution" in bare.text


def test_serve_with_two_workers_answers_from_each(issued) -> None:  # noqa: F811
    """`transcript serve --workers 2`: worker processes build the application from the
    command's settings (the status list included) and verify."""
    import socket
    import subprocess
    import sys
    import time
    from pathlib import Path

    out, pki = issued["out"], issued["pki"]
    listing = out.parent / "served-status.jwt"
    listing.write_bytes(StatusRegister(out).publish(issued["identity"]))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "transcript"), "serve", "--trust", str(pki / "root.pem"),
         "--crl", str(pki / "root.crl"), "--crl", str(pki / "issuing-ca.crl"), "--status", str(listing),
         "--port", str(port), "--workers", "2"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        import httpx

        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        xml = next(out.glob("6*.xml")).read_bytes()
        verdicts = {
            httpx.post(
                f"http://127.0.0.1:{port}/api/verify", files={"file": ("t.xml", xml)}, timeout=60
            ).json()["document_status"]
            for _ in range(6)
        }
        assert verdicts <= {"valid", "revoked", "suspended", "superseded"} and len(verdicts) == 1
    finally:
        server.terminate()
        server.wait(timeout=20)
