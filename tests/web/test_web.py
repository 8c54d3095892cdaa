"""The verification page and its API: statuses, verdicts, languages, limits and headers."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from reportlab.pdfgen import canvas

from transcript.demo.pki import create_demo_pki
from transcript.package import build_package
from transcript.pki.keys import load_identity, password_from
from transcript.pki.trust import TrustSettings
from transcript.sign.pades import PdfSigner
from transcript.sign.xades import XmlSigner
from transcript.web import create_app

from ..helpers import EXAMPLES

WEB = Path(__file__).resolve().parents[2] / "transcript" / "web"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    demo = create_demo_pki(tmp_path_factory.mktemp("web") / "pki")
    identity = load_identity(demo.registrar_p12, password=password_from(password_file=demo.password_file))
    trust = TrustSettings.from_files([demo.root], demo.crls)
    signer = XmlSigner(identity)
    signed = signer.sign((EXAMPLES / "bachelor-honours.xml").read_bytes())
    other = signer.sign((EXAMPLES / "master-thesis.xml").read_bytes())
    pdf = build_package(signed, "th", trust=trust, signer=PdfSigner(identity), file_name="t.xml")
    return {
        "client": TestClient(create_app(trust)),
        "small": TestClient(create_app(trust, max_bytes=10_000)),
        "signed": signed,
        "other": other,
        "pdf": pdf,
    }


def post(client: TestClient, data: bytes, name: str = "file.bin"):  # type: ignore[no-untyped-def]
    return client.post("/api/verify", files={"file": (name, data)})


def test_health_and_openapi(site) -> None:
    client = site["client"]
    assert client.get("/healthz").json()["status"] == "ok"
    schema = client.get("/openapi.json").json()
    assert "/api/verify" in schema["paths"]
    assert client.get("/docs").status_code == 404  # the interactive docs would load a CDN


def test_genuine_files(site) -> None:
    for data, kind in ((site["signed"], "xml"), (site["pdf"], "pdf")):
        response = post(site["client"], data)
        assert response.status_code == 200
        report = response.json()
        assert (report["type"], report["verdict"]) == (kind, "TOTAL-PASSED")
        assert report["transcript"]["student_number"] == "6310500123"


def test_tampered_and_swapped_files(site) -> None:
    client = site["client"]
    tampered = site["signed"].replace(b"<tc:TotalGPAX>3.77<", b"<tc:TotalGPAX>3.99<")
    report = post(client, tampered).json()
    assert report["verdict"] == "TOTAL-FAILED" and report["sub_indication"] == "HASH_FAILURE"

    writer = IncrementalPdfFileWriter(io.BytesIO(site["pdf"]))
    spec = writer.root["/AF"][0].get_object()
    stream = generic.StreamObject(stream_data=site["other"])
    spec["/EF"]["/F"] = writer.add_object(stream)
    writer.update_container(spec)
    out = io.BytesIO()
    writer.write(out)
    swapped = post(client, out.getvalue())
    assert swapped.status_code == 200 and swapped.json()["verdict"] == "TOTAL-FAILED"


def test_a_pdf_that_is_not_a_transcript(site) -> None:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(100, 700, "An invoice")
    page.save()
    response = post(site["client"], buffer.getvalue())
    assert response.status_code == 200 and response.json()["verdict"] == "TOTAL-FAILED"


@pytest.mark.parametrize(
    ("data", "status"),
    [(b"", 400), (b"GIF89a not a transcript", 415), (b"\x00\x01\x02", 415)],
)
def test_bad_uploads_get_clear_statuses(site, data: bytes, status: int) -> None:
    response = post(site["client"], data)
    assert response.status_code == status and response.json()["error"]


def test_oversize_upload(site) -> None:
    response = post(site["small"], site["pdf"])
    assert response.status_code == 413 and "larger than" in response.json()["error"]


def test_the_page_in_both_languages(site) -> None:
    client = site["client"]
    thai = client.get("/", headers={"Accept-Language": "th-TH,th;q=0.9"})
    assert "ตรวจสอบใบประมวลผลการศึกษาดิจิทัล" in thai.text and 'enctype="multipart/form-data"' in thai.text
    english = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.8"})
    assert "Verify a digital academic transcript" in english.text
    assert "Verify a digital" in client.get("/?lang=en", headers={"Accept-Language": "th"}).text


def test_result_pages(site) -> None:
    client = site["client"]
    good = client.post("/verify", files={"file": ("t.pdf", site["pdf"])}, data={"lang": "th"})
    assert good.status_code == 200
    assert 'class="verdict genuine"' in good.text and "นางสาวสมหญิง ใจดีมาก" in good.text
    assert "binding" in good.text and "xml-signature" in good.text  # both signatures and their link
    bad = client.post(
        "/verify", files={"file": ("t.xml", site["signed"].replace(b"3.77<", b"3.99<"))}, data={"lang": "en"}
    )
    assert 'class="verdict forged"' in bad.text and "changed after signing" in bad.text
    wrong = client.post("/verify", files={"file": ("x.txt", b"plain text")}, data={"lang": "en"})
    assert wrong.status_code == 415 and "Only PDF or XML" in wrong.text


def test_security_headers_everywhere(site) -> None:
    client = site["client"]
    for response in (client.get("/"), client.get("/healthz"), post(client, b"")):
        policy = response.headers["content-security-policy"]
        assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "no-referrer"


def test_nothing_is_loaded_from_elsewhere() -> None:
    for path in (*WEB.glob("templates/*.html"), WEB / "static" / "style.css"):
        text = path.read_text(encoding="utf-8")
        assert "http://" not in text and "https://" not in text and "<script" not in text, path.name
