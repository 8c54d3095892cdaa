"""A verification page for employers and admissions offices, and its JSON API.

    app = create_app(TrustSettings.from_files(["root.pem"], ["ca.crl"]))

Everything is served by the app itself (no CDN, no JavaScript framework; the form works with
JavaScript off). Uploads are read into memory, never stored and never logged; their type is
decided from their content; verification runs in a worker thread so requests do not block
each other. Every response carries a strict Content-Security-Policy.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import fontpkg
from cryptography.x509.oid import NameOID
from fastapi import FastAPI, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool

from transcript import __version__
from transcript.model.constants import BANGKOK
from transcript.model.text import gpa_text, pick
from transcript.pki.trust import TrustSettings
from transcript.render.thai import long_date
from transcript.rules.summary import group_by_semester, semester_key
from transcript.status.listformat import document_key
from transcript.util.archive import ArchiveError, ArchiveLimits, read_zip
from transcript.verify import SignerList, Status, VerificationReport, verify
from transcript.verify.batch import problem_row, report_row, to_csv, to_json
from transcript.verify.credential import looks_like_sd_jwt
from transcript.verify.explain import check_status, check_title, check_words, explain, signature_confirmed
from transcript.verify.status import lookup, read_trusted, with_status
from transcript.web.texts import TEXTS, choose_language

HERE = Path(__file__).resolve().parent
DEFAULT_LIMIT = 20 * 1024 * 1024
#: ZIP archives of `POST /api/verify/batch`: what a web worker can hold and verify in a request.
BATCH_LIMITS = ArchiveLimits(archive_bytes=64 * 1024 * 1024, entries=500, total_bytes=256 * 1024 * 1024)
FONTS = (("regular", 400), ("bold", 700))
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; font-src 'self'; img-src 'self' data:; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


class UploadProblem(Exception):
    def __init__(self, status: int, key: str, **values: Any) -> None:
        super().__init__(key)
        self.status, self.key, self.values = status, key, values


def kind_of(data: bytes) -> str:
    """'pdf', 'xml' or 'credential' (an SD-JWT) from the content itself; UploadProblem (415)
    for anything else."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if looks_like_sd_jwt(data):
        return "credential"
    head = data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<"):
        return "xml"
    raise UploadProblem(415, "wrong_type")


async def read_upload(upload: UploadFile, limit: int) -> bytes:
    data = await upload.read(limit + 1)
    if len(data) > limit:
        raise UploadProblem(413, "too_large", limit=limit // (1024 * 1024))
    if not data:
        raise UploadProblem(400, "empty")
    return data


class _SecurityHeaders:
    """Adds the security headers to every HTTP response, error pages included (an ASGI
    middleware: it sees each response start, whoever made the response)."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.headers = [
            (k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in SECURITY_HEADERS.items()
        ]

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in self.headers if k not in present]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def create_app(
    trust: TrustSettings,
    *,
    signers: SignerList | None = None,
    max_bytes: int = DEFAULT_LIMIT,
    status_list: Callable[[], bytes | None] | None = None,
    batch_limits: ArchiveLimits = BATCH_LIMITS,
) -> FastAPI:
    """The verification web application (ASGI), trusting only `trust` (and, when given, only
    the signers `signers` lists for each institution). `status_list` gives the current signed
    status list (its bytes, None when it cannot be had) for each verification: documents are
    then checked against it, failing closed. `batch_limits` bound the ZIP archives of
    ``POST /api/verify/batch``."""
    app = FastAPI(
        title="Transcript verification",
        version=__version__,
        docs_url=None,  # the interactive docs load assets from a CDN; the schema stays at /openapi.json
        redoc_url=None,
    )

    def _verify(data: bytes, national: bytes | None = None) -> VerificationReport:
        if looks_like_sd_jwt(data):
            # A credential names its place in the list; a list that cannot be had is judged
            # unknown (fail closed), as for documents.
            listing = None if status_list is None else (status_list() or b"")
            return verify(data, trust, signers=signers, status=listing, document=national)
        report = verify(data, trust, signers=signers)
        if status_list is None:
            return report
        return with_status(report, status_list(), trust, signers=signers)

    def _verify_batch(archive: bytes) -> list[dict[str, str]]:
        rows = []
        try:
            for entry in read_zip(archive, batch_limits):
                if entry.data is None:
                    rows.append(problem_row(entry.name, "TOTAL-FAILED", str(entry.problem)))
                else:
                    rows.append(report_row(entry.name, _verify(entry.data)))
        except ArchiveError as exc:
            raise UploadProblem(422, "bad_archive", reason=str(exc)) from None
        return rows

    templates = Jinja2Templates(directory=str(HERE / "templates"))
    # Every page says whose signatures it trusts: a verdict means nothing without that.
    templates.env.globals["trusted"] = trusted_names(trust)
    templates.env.globals["test_only"] = any(TEST_ONLY in name for name in trusted_names(trust))
    style = (HERE / "static" / "style.css").read_bytes()

    app.add_middleware(_SecurityHeaders)

    @app.exception_handler(Exception)
    async def server_error(request: Request, exc: Exception) -> Response:
        # Outside every middleware (Starlette's last resort): the headers are set here too.
        return PlainTextResponse("internal error", status_code=500, headers=SECURITY_HEADERS)

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    fonts = {weight: Path(fontpkg.path("Sarabun", weight=number)).read_bytes() for weight, number in FONTS}

    @app.get("/static/style.css", include_in_schema=False)
    async def stylesheet() -> Response:
        return Response(style, media_type="text/css")

    @app.get("/static/sarabun-{weight}.ttf", include_in_schema=False)
    async def font(weight: str) -> Response:
        # Thai must read right on any reader's machine, so the page brings its own font.
        if weight not in fonts:
            return Response(status_code=404)
        return Response(
            fonts[weight], media_type="font/ttf", headers={"Cache-Control": "public, max-age=86400"}
        )

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def page(request: Request, lang: str | None = None) -> HTMLResponse:
        language = choose_language(lang, request.headers.get("accept-language"))
        return templates.TemplateResponse(
            request,
            "upload.html",
            {"t": TEXTS[language], "lang": language, "limit": max_bytes // (1024 * 1024),
             "batch_limit": batch_limits.archive_bytes // (1024 * 1024)},
        )  # fmt: skip

    @app.post("/verify", response_class=HTMLResponse, include_in_schema=False)
    async def verify_page(
        request: Request,
        file: Annotated[UploadFile, File()],
        lang: Annotated[str | None, Form()] = None,
        expected: Annotated[str | None, Form()] = None,
        document: Annotated[UploadFile | None, File()] = None,
    ) -> HTMLResponse:
        language = choose_language(lang, request.headers.get("accept-language"))
        t = TEXTS[language]
        try:
            data = await read_upload(file, max_bytes)
            kind = kind_of(data)
            # A wallet credential's national file, to show the binding (a browser sends an
            # empty part when the optional field is left empty).
            national = None
            if kind == "credential" and document is not None and document.filename:
                national = await read_upload(document, max_bytes)
                if kind_of(national) == "credential":
                    raise UploadProblem(415, "wrong_type")
        except UploadProblem as exc:
            return templates.TemplateResponse(
                request,
                "upload.html",
                {"t": t, "lang": language, "limit": max_bytes // (1024 * 1024),
                 "batch_limit": batch_limits.archive_bytes // (1024 * 1024),
                 "error": t[exc.key].format(**exc.values)},
                status_code=exc.status,
            )  # fmt: skip
        report = await run_in_threadpool(_verify, data, national)
        # From a QR code's page: does the file in hand match the digest the code quotes?
        match = None if not expected else report.document_sha256 == expected.strip().lower()
        return templates.TemplateResponse(
            request,
            "result.html",
            {
                "t": t,
                "lang": language,
                "kind": kind,
                "r": report,
                "view": _view(report, language),
                "match": match,
            },
        )

    @app.get("/d/{document_id}", response_class=HTMLResponse, include_in_schema=False)
    async def document_page(
        request: Request, document_id: str, sha256: str = "", lang: str | None = None
    ) -> HTMLResponse:
        """What a QR code opens: the document's status from the published list, found by the
        digest the code quotes, and a form to check the file in hand. Never a verdict on the
        document from the address alone."""
        language = choose_language(lang, request.headers.get("accept-language"))
        t = TEXTS[language]
        digest = sha256.strip().lower() if re.fullmatch(r"[0-9a-fA-F]{64}", sha256.strip()) else ""
        tone, words, technical = "unknown", t["doc_not_published"], ""
        if status_list is not None and digest:
            listing = await run_in_threadpool(
                read_trusted, status_list(), trust, institutions=None, signers=signers
            )
            if isinstance(listing, str):
                words, technical = t["doc_unknown"], listing
            else:
                check, status, successor = lookup(listing, digest, trust.at)
                if status is None:
                    words, technical = t["doc_unknown"], check.detail
                else:
                    tone = "genuine" if status == "valid" else "forged"
                    words = t[f"status_{status}"] + (f" ({successor})" if successor else "")
                    last_day = listing.content.valid_until.get(document_key(digest))
                    if last_day is not None:
                        words += f" · {t['valid_until']} {long_date(last_day, language)}"
                    words += f" · {listing.signer_organization}"
        return templates.TemplateResponse(
            request,
            "document.html",
            {"t": t, "lang": language, "document_id": document_id[:120], "digest": digest, "tone": tone,
             "status_words": words, "technical": technical, "limit": max_bytes // (1024 * 1024)},
        )  # fmt: skip

    @app.post("/api/verify")
    async def api_verify(file: Annotated[UploadFile, File()]) -> JSONResponse:
        """Verify an uploaded transcript (PDF package or signed XML) and return the report."""
        try:
            data = await read_upload(file, max_bytes)
            kind = kind_of(data)
        except UploadProblem as exc:
            return JSONResponse({"error": TEXTS["en"][exc.key].format(**exc.values)}, status_code=exc.status)
        report = await run_in_threadpool(_verify, data)
        return JSONResponse({"type": kind, **report.to_dict(), "explanation": _explanations(report)})

    @app.post("/api/verify/batch")
    async def api_verify_batch(file: Annotated[UploadFile, File()], format: str = "json") -> Response:
        """Verify every file of an uploaded ZIP archive: one row per file, as JSON (the default)
        or CSV (`?format=csv`). The archive is read in memory within limits on its size, the
        number of files, each file's size, the total, the compression ratio and the names."""
        try:
            archive = await read_upload(file, batch_limits.archive_bytes)
            if archive[:4] not in (b"PK\x03\x04", b"PK\x05\x06"):
                raise UploadProblem(415, "not_zip")
            rows = await run_in_threadpool(_verify_batch, archive)
        except UploadProblem as exc:
            text = TEXTS["en"].get(exc.key, "{reason}")
            return JSONResponse({"error": text.format(**exc.values)}, status_code=exc.status)
        if format == "csv":
            return Response(
                to_csv(rows),
                media_type="text/csv; charset=utf-8",
                headers={"Content-Disposition": 'attachment; filename="verification-report.csv"'},
            )
        return Response(to_json(rows), media_type="application/json")

    return app


#: How the demo PKI marks its certificates; a site trusting one says so on every page.
TEST_ONLY = "TEST ONLY"


def trusted_names(trust: TrustSettings) -> list[str]:
    """The names of the roots a site trusts, for people."""
    names = []
    for root in trust.roots:
        found = root.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
        names.append(str(found[0].value) if found else root.subject.rfc4514_string())
    return names


def local_time(value: dt.datetime | None, language: str) -> str | None:
    """A moment as Thai readers read it: Thailand's time, the Buddhist era in Thai."""
    if value is None:
        return None
    here = value.astimezone(BANGKOK)
    if language == "th":
        return f"{long_date(here.date(), 'th')} เวลา {here:%H:%M} น."
    return f"{long_date(here.date(), 'en')}, {here:%H:%M} (Thailand time, UTC+7)"


def _date(value: Any, language: str) -> str | None:
    if value is None:
        return None
    return long_date(dt.date(value.year, value.month, value.day), language)


def _iso_date(text: str, language: str) -> str | None:
    try:
        return long_date(dt.date.fromisoformat(text), language)
    except ValueError:
        return None


def _credential_semesters(claims: dict[str, Any], language: str) -> list[dict[str, Any]]:
    """The semesters and courses a wallet credential's holder disclosed, as the page lists them."""

    def text(value: Any) -> str:
        return str(value.get(language) or next(iter(value.values()), "")) if isinstance(value, dict) else ""

    semesters = []
    for semester in claims.get("semesters") or []:
        if not isinstance(semester, dict):
            continue
        courses = [c for c in semester.get("courses") or [] if isinstance(c, dict)]
        gpa, gpax = semester.get("gpa"), semester.get("gpax")
        semesters.append(
            {
                "name": text(semester.get("name")),
                "year": semester.get("academic_year", ""),
                "courses": [
                    {
                        "code": c.get("code", ""),
                        "title": text(c.get("title")),
                        "credits": c.get("credits", ""),
                        "grade": c.get("grade", ""),
                    }
                    for c in courses
                ],
                "line": gpax is not None,
                "gpa": f"{gpa:.2f}" if isinstance(gpa, int | float) else "\u2013",
                "gpax": f"{gpax:.2f}" if isinstance(gpax, int | float) else "-",
            }
        )
    return semesters


def _explanations(report: VerificationReport) -> dict[str, dict[str, str]]:
    """The verdict in plain words for people, in each language (for a caller's own page)."""
    return {language: dataclasses.asdict(explain(report, language)) for language in ("th", "en")}


def _view(report: VerificationReport, language: str) -> dict[str, Any]:
    """What the result page shows: the verdict in plain words, and what the document says
    only when the institution's signature on it is confirmed."""
    confirmed = signature_confirmed(report)
    t = report.transcript if confirmed else None
    semesters = []
    if t is not None:
        lines = {}
        if t.academic_summary:
            lines = {semester_key(s): s for s in t.academic_summary.semester_summary}
        counted = Decimal(0)  # credits counted towards the GPAX so far
        for key, indices in group_by_semester(t.course).items():
            courses = [t.course[i] for i in indices]
            line = lines.get(key)
            counted += line.semester_credit_calculated if line is not None else 0
            semesters.append(
                {
                    "name": pick(courses[0].semester_name, language),
                    "year": key[0],
                    "courses": [
                        {
                            "code": c.course_number,
                            "title": pick(c.course_title, language),
                            "credits": c.course_credit_value,
                            "grade": c.course_academic_grade_text,
                        }
                        for c in courses
                    ],
                    "line": lines.get(key),
                    "gpa": gpa_text(line.semester_gpa, line.semester_credit_calculated) if line else None,
                    "gpax": gpa_text(line.semester_gpax, counted) if line else None,
                }
            )
    tone = {"TOTAL-PASSED": "genuine", "TOTAL-FAILED": "forged", "INDETERMINATE": "unknown"}[
        report.verdict.value
    ]
    if confirmed and report.credential is not None:
        semesters = _credential_semesters(report.credential.disclosed, language)
    summary = report.summary if confirmed else None
    graduated = _date(t.student.date_of_graduation, language) if t is not None else None
    credential = report.credential if confirmed else None
    if credential is not None and isinstance(credential.disclosed.get("graduation_date"), str):
        graduated = _iso_date(credential.disclosed["graduation_date"], language)
    return {
        "credential": credential,
        "tone": tone,
        "explained": explain(report, language),
        "confirmed": confirmed,
        "summary": summary,
        "semesters": semesters,
        "graduated": graduated,
        "valid_until": (
            long_date(dt.date.fromisoformat(summary.valid_until), language)
            if summary and summary.valid_until
            else None
        ),
        "signed_at": local_time(report.signing_time, language),
        "timestamp": local_time(report.timestamp_time, language),
        "checks": [
            {
                "title": check_title(c.name, language),
                "status": check_status(c, language),
                "words": check_words(c, language),
                "css": c.status.value,
                "name": c.name,
                "detail": c.detail,
                "open": c.status in (Status.FAILED, Status.INDETERMINATE),
            }
            for c in report.checks
        ],
    }


#: `transcript serve --workers N`: each worker process builds the application from these
#: settings (JSON: trust, crls, revocation, intermediates, signers, max_bytes, status).
SETTINGS_ENV = "TRANSCRIPT_SERVE_SETTINGS"


def app_from_environment() -> FastAPI:
    """The application a server worker process builds for itself (uvicorn's factory), from
    the settings `transcript serve` put in the environment."""
    import json
    import os

    from transcript.status.fetch import ListSource

    settings = json.loads(os.environ[SETTINGS_ENV])
    trust = TrustSettings.from_files(
        settings["trust"],
        settings["crls"],
        revocation=settings["revocation"],
        intermediates=settings["intermediates"],
    )
    signers = SignerList.from_file(settings["signers"]) if settings.get("signers") else None
    status = settings.get("status")
    return create_app(
        trust,
        signers=signers,
        max_bytes=int(settings["max_bytes"]),
        status_list=ListSource(status) if status else None,
    )
