"""The web app under fuzzing: no request makes the server fail, and every answer carries the
security headers.

Schemathesis drives the app from its own OpenAPI document. Hypothesis sends uploads to both
``POST /verify`` and ``POST /api/verify`` (random bytes, genuine files mutated as in
``tests/verify/fuzzing.py``, odd file names and content types, empty files, sizes at the
limit and one over), raw bodies (garbage, mutated multipart) and requests to other paths and
methods. An upload is answered 200, 400, 413, 415 or 422; nothing is answered 500.
"""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path
from urllib.parse import quote

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from transcript.demo.pki import create_demo_pki
from transcript.pki.trust import TrustSettings
from transcript.web import SECURITY_HEADERS, create_app

from ..verify.fuzzing import MUTATORS, Genuine, delete, flip, insert, make_genuine, mutate, truncate

LIMIT = 200_000
UPLOAD_STATUSES = {200, 400, 413, 415, 422}
ENDPOINTS = ["/verify", "/api/verify"]
BOUNDARY = b"fuzz-8c1d2e0b7a4f4e6f9d3c"
FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))

_folder = Path(tempfile.mkdtemp(prefix="web-fuzz-"))
_demo = create_demo_pki(_folder / "pki")
app = create_app(TrustSettings.from_files([_demo.root], _demo.crls), max_bytes=LIMIT)
schema = schemathesis.openapi.from_asgi("/openapi.json", app)


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_error(case) -> None:  # type: ignore[no-untyped-def]
    response = case.call()
    assert response.status_code < 500, response.text
    assert response.headers.get("content-security-policy")


@pytest.fixture(scope="module")
def genuine() -> Genuine:
    return make_genuine(_folder, _demo)


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(app)  # a server exception fails the test with its traceback


def secure(response) -> None:  # type: ignore[no-untyped-def]
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, (name, response.status_code, dict(response.headers))


# ------------------------------------------------------------------ multipart, by hand


def part(name: bytes, body: bytes, filename: bytes | None = None, content_type: bytes | None = None) -> bytes:
    disposition = b'Content-Disposition: form-data; name="' + name + b'"'
    if filename is not None:
        disposition += b'; filename="' + filename + b'"'
    headers = disposition + (b"\r\nContent-Type: " + content_type if content_type is not None else b"")
    return b"--" + BOUNDARY + b"\r\n" + headers + b"\r\n\r\n" + body + b"\r\n"


def multipart(*parts: bytes) -> bytes:
    return b"".join(parts) + b"--" + BOUNDARY + b"--\r\n"


MULTIPART = {"content-type": "multipart/form-data; boundary=" + BOUNDARY.decode()}

_ODD_NAMES = [
    b"transcript.pdf",
    b"",
    b"../../etc/passwd",
    b"C:\\Windows\\win.ini",
    "ใบแสดงผลการเรียน.pdf".encode(),
    b"x" * 2000,
    b"a%22b.xml",
    b"name.pdf\x00.exe",
    b"\xff\xfe\xfd",
    b"<script>alert(1)</script>.xml",
    b"\xe2\x80\xaefdp.xml",
]
_ODD_TYPES = [
    None,
    b"application/pdf",
    b"text/xml; charset=utf-8",
    b"application/octet-stream",
    b"image/gif",
    b"",
    b"multipart/form-data; boundary=x",
    b"text/html",
    b"application/pdf\r\nX-Injected: 1",
    b"\xff\xfe",
]


def draw_upload(draw, genuine: Genuine) -> bytes:  # type: ignore[no-untyped-def]
    kind = draw(st.sampled_from(["random", "pdf", "xml", "mutated", "genuine", "empty", "limit"]))
    if kind == "random":
        return draw(st.binary(max_size=2048))
    if kind == "pdf":
        return b"%PDF-" + draw(st.binary(max_size=2048))
    if kind == "xml":
        return draw(st.sampled_from([b"<?xml", b"\xef\xbb\xbf <", b"\n\t<"])) + draw(st.binary(max_size=2048))
    if kind == "mutated":
        mutator = draw(st.sampled_from(MUTATORS))
        return mutate(mutator, genuine, draw(st.randoms(use_true_random=False)))[1]
    if kind == "genuine":
        return genuine.files[draw(st.sampled_from(sorted(genuine.files)))]
    if kind == "empty":
        return b""
    head = draw(st.sampled_from([genuine.files["pdf"], genuine.files["xml"], b"GIF89a"]))
    size = LIMIT + draw(st.integers(min_value=-1, max_value=1))
    return (head + b"\n" * size)[:size]


def genuine_hashes(genuine: Genuine) -> set[str]:
    return {hashlib.sha256(r.signed_xml).hexdigest() for r in genuine.reports.values() if r.signed_xml}


# ------------------------------------------------------------------ uploads


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@FUZZ
@given(data=st.data())
def test_uploads_get_a_known_status_and_the_security_headers(
    client: TestClient, genuine: Genuine, endpoint: str, data
) -> None:  # type: ignore[no-untyped-def]
    upload = draw_upload(data.draw, genuine)
    filename = data.draw(st.one_of(st.sampled_from(_ODD_NAMES), st.text(max_size=40).map(str.encode)))
    content_type = data.draw(st.sampled_from(_ODD_TYPES))
    fields = [part(b"file", upload, filename, content_type)]
    if data.draw(st.booleans()):
        language = data.draw(st.one_of(st.sampled_from(["th", "en", "", "xx"]), st.text(max_size=20)))
        fields.insert(data.draw(st.integers(0, 1)), part(b"lang", language.encode()))
    response = client.post(endpoint, content=multipart(*fields), headers=MULTIPART)
    event(f"status {response.status_code}")
    assert response.status_code in UPLOAD_STATUSES, (response.status_code, response.text[:500])
    secure(response)
    if endpoint == "/api/verify" and response.status_code == 200:
        report = response.json()
        if report["verdict"] == "TOTAL-PASSED":  # only a genuine signed XML, as mutated files are judged
            assert report["signed_xml_sha256"] in genuine_hashes(genuine)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("head", ["pdf", "xml", "gif"])
@pytest.mark.parametrize("size", [LIMIT, LIMIT + 1])
def test_the_size_limit_is_exact(
    client: TestClient, genuine: Genuine, endpoint: str, head: str, size: int
) -> None:
    """A genuine file padded with line breaks to the limit, and one byte over."""
    start = {"pdf": genuine.files["pdf"], "xml": genuine.files["xml"], "gif": b"GIF89a"}[head]
    upload = (start + b"\n" * size)[:size]
    response = client.post(endpoint, files={"file": ("t.bin", upload, "application/octet-stream")})
    expected = 413 if size > LIMIT else (415 if head == "gif" else 200)
    assert response.status_code == expected
    secure(response)
    if endpoint == "/api/verify" and expected == 200:
        # Line breaks after an XML document's root change nothing; after a PDF's %%EOF they
        # are bytes after the end of the file.
        assert (response.json()["verdict"] == "TOTAL-PASSED") is (head == "xml")


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_an_empty_upload_is_400(client: TestClient, endpoint: str) -> None:
    response = client.post(endpoint, content=multipart(part(b"file", b"", b"t.pdf")), headers=MULTIPART)
    assert response.status_code == 400
    secure(response)


# ------------------------------------------------------------------ raw bodies and other requests

_CONTENT_TYPES = [
    MULTIPART["content-type"],
    "multipart/form-data",
    "multipart/form-data; boundary=",
    "multipart/form-data; boundary=other",
    "multipart/mixed; boundary=" + BOUNDARY.decode(),
    "application/json",
    "application/x-www-form-urlencoded",
    "text/plain",
    None,
]


def draw_body(draw, genuine: Genuine) -> bytes:  # type: ignore[no-untyped-def]
    kind = draw(st.sampled_from(["random", "mutated", "shapes"]))
    if kind == "random":
        return draw(st.binary(max_size=4096))
    valid = multipart(part(b"file", genuine.files["xml"][:2000], b"t.xml", b"text/xml"))
    if kind == "mutated":
        mutator = draw(st.sampled_from([flip, truncate, insert, delete]))
        return mutator(valid, draw(st.randoms(use_true_random=False)), genuine)
    return draw(
        st.sampled_from(
            [
                b"",
                b"--" + BOUNDARY,
                valid[:-4],
                valid.replace(b"\r\n", b"\n"),
                part(b"file", b"<x/>", b"a.xml"),  # no closing boundary
                multipart(part(b"file", b"<x/>")),  # no file name: a field, not a file
                multipart(part(b"other", b"<x/>", b"a.xml")),
                multipart(part(b"file", b"<x/>", b"a.xml"), part(b"file", b"%PDF-", b"b.pdf")),
                multipart(*[part(b"f", b"x") for _ in range(1001)]),
                multipart(part(b"file", b"<x/>", b'a"; name="lang')),
                b"--"
                + BOUNDARY
                + b"\r\nContent-Disposition: form-data\r\n\r\n<x/>\r\n--"
                + BOUNDARY
                + b"--\r\n",
                b"--"
                + BOUNDARY
                + b"\r\n"
                + b"X-Long: "
                + b"a" * 100_000
                + b"\r\n\r\nx\r\n--"
                + BOUNDARY
                + b"--",
            ]
        )
    )


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@FUZZ
@given(data=st.data())
def test_raw_bodies_get_a_known_status_and_the_security_headers(
    client: TestClient, genuine: Genuine, endpoint: str, data
) -> None:  # type: ignore[no-untyped-def]
    body = draw_body(data.draw, genuine)
    content_type = data.draw(st.sampled_from(_CONTENT_TYPES))
    headers = {"content-type": content_type} if content_type is not None else {}
    response = client.post(endpoint, content=body, headers=headers)
    event(f"status {response.status_code}")
    assert response.status_code in UPLOAD_STATUSES, (response.status_code, response.text[:500])
    secure(response)


_PATHS = ["/", "/verify", "/api/verify", "/healthz", "/openapi.json", "/static/style.css",
          "/static/sarabun-regular.ttf", "/static/sarabun-x.ttf", "/static/../pyproject.toml",
          "/nope", "/api", "/api/verify/", "//verify", "/verify?lang=%00", "/?lang=\u202e"]  # fmt: skip


@FUZZ
@given(
    method=st.sampled_from(["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE"]),
    path=st.one_of(
        st.sampled_from(_PATHS), st.text(max_size=60).map(lambda text: "/" + quote(text, safe="/?=&"))
    ),
)
def test_every_other_request_gets_the_security_headers(client: TestClient, method: str, path: str) -> None:
    response = client.request(method, path)
    assert response.status_code < 500, (method, path, response.status_code)
    if response.status_code == 200 and response.headers.get("content-type") == "font/ttf":
        # The font may be cached (its own Cache-Control); every other header is the same.
        assert "Cache-Control" in response.headers
        response.headers["Cache-Control"] = SECURITY_HEADERS["Cache-Control"]
    secure(response)
