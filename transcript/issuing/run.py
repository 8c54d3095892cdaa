"""The registrar's run: every student of an export to a signed XML and signed PDF/A-3 editions.

For each student: convert, check, sign the XML (XAdES), render each language, package as
PDF/A-3 with the signed XML, PAdES-sign, then verify the finished files with the project's
own verifier; only then are the files written (under temporary names, renamed together)
and the student recorded in ``manifest.json`` / ``manifest.csv``. Students run in parallel,
the key loaded once per worker. A second run skips the students whose inputs and settings
have not changed; an interrupted one resumes where it stopped.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import gc
import hashlib
import io
import json
import multiprocessing
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from transcript import __version__
from transcript.demo.pki import DemoPki, create_demo_pki
from transcript.demo.tsa import LocalTimeStampAuthority
from transcript.errors import TranscriptError
from transcript.model.constants import BANGKOK
from transcript.model.editions import EDITIONS, FULL
from transcript.model.validity import valid_until
from transcript.package import package_verified
from transcript.pki.keys import SigningIdentity, load_identity, password_from
from transcript.pki.token import is_token_uri
from transcript.pki.trust import RevocationPolicy, TrustSettings
from transcript.pki.tsa import TimeStampClient, TimeStampError
from transcript.problems import Problem, Severity
from transcript.render import RenderError
from transcript.sign.pades import PdfSigner
from transcript.sign.profile import NATIONAL_PADES, profile_problem
from transcript.sign.xades import XmlSigner
from transcript.util.files import prepare_output, write_atomically
from transcript.util.parallel import run_streamed
from transcript.util.spreadsheet import spreadsheet_text
from transcript.verify import VerificationReport, verify
from transcript.verify.pdf import verify_pdfs

MANIFEST = "manifest.json"
MANIFEST_CSV = "manifest.csv"
TSA_ATTEMPTS = 3
#: The longest validity period --valid-days gives (ten years; a transcript without one never expires).
MAX_VALID_DAYS = 3660


class IssueError(TranscriptError):
    """The run cannot start or must stop (key, time-stamp authority, output folder)."""


@dataclass(frozen=True)
class IssueSettings:
    """Everything a worker needs; loaded once per worker process."""

    export_dir: Path
    out_dir: Path
    profile: str | None
    key: Path | str  # a file, or a pkcs11: URI naming a key on a token
    password: bytes | None = field(repr=False)  # never printed, logged or in a traceback's locals repr
    chain: Path | None
    trust_roots: tuple[Path, ...]
    crls: tuple[Path, ...]
    languages: tuple[str, ...]
    pades: str
    tsa: TimeStampClient | None
    demo: bool
    issued: dt.datetime
    pkcs11_module: Path | None = None
    valid_days: int | None = None  # documents valid for a limited time: so many days from the issue date
    edition: str = FULL  # minimal: the signed XML without national ID, passport number, birth date

    def fingerprint(self, certificate_sha256: str) -> str:
        """What makes two runs produce the same documents (the issue time aside)."""
        parts = {
            "toolkit": __version__,
            "profile": _file_hash(Path(self.profile))
            if self.profile and Path(self.profile).is_file()
            else self.profile,
            "institution": _folder_hash(self.export_dir, ("institution.toml", "logo.png")),
            "languages": list(self.languages),
            "pades": self.pades,
            "tsa": bool(self.tsa),
            "demo": self.demo,
            "certificate": certificate_sha256,
            "valid_days": self.valid_days,
            "edition": self.edition,
        }
        return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


@dataclass
class StudentRecord:
    """One line of the manifest."""

    student_id: str
    status: str  # issued, unchanged, skipped, failed
    input_hash: str = ""
    document_id: str | None = None
    verdict: str | None = None
    files: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)


@dataclass
class IssueReport:
    out_dir: Path
    students: list[StudentRecord] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    seconds: float = 0.0
    demo_pki: DemoPki | None = None
    demo_tsa: bool = False  # time-stamped by the demo PKI's TEST ONLY authority on this machine
    valid_until: dt.date | None = None  # the last day of the documents this run issued (--valid-days)

    def count(self, status: str) -> int:
        return sum(1 for s in self.students if s.status == status)

    @property
    def ok(self) -> bool:
        return self.count("skipped") == 0 and self.count("failed") == 0 and not self.problems


# --------------------------------------------------------------------- workers

_worker: dict[str, Any] = {}


def _start(settings: IssueSettings) -> None:
    from converters.assemble import Settings
    from converters.institution import load_institution
    from converters.profile import load_profile

    if multiprocessing.parent_process() is not None:
        # A worker process of the run is the run's own: it takes the speed-ups that replace
        # library internals (a caller's own process, with one worker, is left as it is).
        from transcript import _speedups

        _speedups.enable()
    profile = load_profile(settings.profile)
    institution = load_institution(settings.export_dir / profile.institution_file)
    # Each worker opens the key itself: a key on a token gets this process's own session.
    identity = load_identity(
        settings.key,
        password=settings.password,
        chain_path=settings.chain,
        pkcs11_module=settings.pkcs11_module,
    )
    trust = _trust(settings)
    stamps = settings.tsa
    _worker.update(
        settings=settings,
        convert=Settings.of(
            institution,
            profile,
            settings.issued,
            valid_until(settings.issued, settings.valid_days) if settings.valid_days else None,
            settings.edition,
        ),
        scale=institution.scale,
        trust=trust,
        xml_signer=XmlSigner(identity, timestamps=stamps, check_content=False),
        status_url=institution.status_url,
        verify_url=institution.verify_url,
        pdf_signer=PdfSigner(identity, settings.pades, stamps, trust),
    )


def _trust(settings: IssueSettings) -> TrustSettings:
    policy = RevocationPolicy.REQUIRE if settings.crls else RevocationPolicy.SOFT
    return TrustSettings.from_files(settings.trust_roots, settings.crls, revocation=policy)


def _issue(rows: Any, input_hash: str) -> StudentRecord:
    from converters.assemble import build_checked, student_id_of

    w = _worker
    if not w.get("frozen") and w.get("started") and multiprocessing.parent_process() is not None:
        # In a worker process, after a first student everything long-lived is loaded (fonts,
        # schemas, trust, the libraries): the collector need not scan it again for every later
        # student. (Not in a caller's own process: freezing is process-wide.)
        gc.collect()  # the first student's own garbage is not kept for ever
        gc.freeze()
        w["frozen"] = True
    w["started"] = True
    settings: IssueSettings = w["settings"]
    student_id = student_id_of(rows)
    record = StudentRecord(student_id, "skipped", input_hash)
    clock = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        record.seconds[stage] = record.seconds.get(stage, 0.0) + now - clock
        clock = now

    document, xml, problems = build_checked(rows, w["convert"])
    record.problems = list(problems)
    lap("convert")
    if document is None or xml is None:
        return record
    record.document_id = document.transcript_context.transcript_id
    for attempt in range(1, TSA_ATTEMPTS + 1):
        try:
            files, verified = _produce(xml, student_id, settings, lap)
            break
        except RenderError as exc:  # the signed XML does not verify, or cannot be laid out: not issued
            record.status = "failed"
            record.problems.append(_failure("ISSUE001", str(exc)))
            return record
        except TimeStampError as exc:
            if attempt == TSA_ATTEMPTS:
                record.status = "failed"
                record.problems.append(_failure("ISSUE002", f"{exc} ({attempt} attempts)"))
                return record
            time.sleep(0.2 * attempt)
    verdicts = []
    signed_xml = files[f"{student_id}.xml"]
    # The XML was verified before rendering; each PDF must carry exactly those bytes.
    pdfs = {name: data for name, data in files.items() if not name.endswith(".xml")}
    reports = verify_pdfs(list(pdfs.values()), w["trust"], known_xml=(signed_xml, verified))
    for name, report in zip(pdfs, reports, strict=True):
        verdicts.append(report.verdict.value)
        if not report.ok:
            record.status = "failed"
            reason = report.sub_indication or report.verdict.value
            record.problems.append(_failure("ISSUE001", f"{name} does not verify: {reason}"))
    lap("verify")
    record.verdict = "TOTAL-PASSED" if all(v == "TOTAL-PASSED" for v in verdicts) else "TOTAL-FAILED"
    if record.status == "failed":
        return record
    _write_together(settings.out_dir, files)
    lap("write")
    record.files = {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}
    record.status = "issued"
    return record


def _produce(
    xml: bytes, student_id: str, settings: IssueSettings, lap: Callable[[str], None]
) -> tuple[dict[str, bytes], VerificationReport]:
    """The student's files (signed XML, then each edition's signed PDF/A-3) and the XML's report."""
    w = _worker
    signed = w["xml_signer"].sign(xml)
    lap("sign-xml")
    verified = verify(signed, w["trust"])  # once: every edition is rendered from its signed content
    lap("verify")
    files = {f"{student_id}.xml": signed}
    for lang in settings.languages:
        files[f"{student_id}.{lang}.pdf"] = package_verified(
            signed,
            verified,
            lang,
            signer=w["pdf_signer"],
            file_name=f"{student_id}.xml",
            demo=settings.demo,
            lap=lap,
            status_url=w["status_url"],
            verify_url=w["verify_url"],
            scale=w["scale"],  # the legend lists the institution's own scale
        )
    return files, verified


def _write_together(folder: Path, files: dict[str, bytes]) -> None:
    """Write every file of a student under a temporary name, then rename them all."""
    staged = []
    try:
        for name, data in files.items():
            temporary = folder / f".partial-{name}.tmp"
            write_atomically(temporary, data)
            staged.append((temporary, folder / name))
        for temporary, final in staged:
            os.replace(temporary, final)
    except BaseException:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
        raise


# ------------------------------------------------------------------------ run


def issue_export(
    export_dir: str | Path,
    out_dir: str | Path,
    *,
    profile: str | None = None,
    key: str | Path | None = None,
    password: bytes | None = None,
    chain: str | Path | None = None,
    pkcs11_module: str | Path | None = None,
    trust: tuple[Path, ...] = (),
    crls: tuple[Path, ...] = (),
    languages: tuple[str, ...] = ("th", "en"),
    pades: str = NATIONAL_PADES,
    tsa: str | TimeStampClient | None = None,
    timestamp: bool = True,
    valid_days: int | None = None,
    jobs: int | None = None,
    on_student: Callable[[StudentRecord, int], None] | None = None,
    edition: str = FULL,
) -> IssueReport:
    """Issue every student of an export. Raises `IssueError` when the run cannot start.

    The national profile by default: XAdES-B-T XML and PAdES-B-LTA PDFs, time-stamped by
    `tsa`, the authority's URL or a `TimeStampClient` (one that authenticates). Without a key
    (the TEST ONLY demo PKI) and without `tsa`, the run starts the demo PKI's own TEST ONLY
    authority on this machine for its duration. `timestamp=False` with `pades="B-B"` makes
    short-lived files (see `transcript.sign.profile`).

    `key` is a key file or a ``pkcs11:`` URI (with `pkcs11_module`, else the URI's or
    ``TRANSCRIPT_PKCS11_MODULE``; `password` is then the PIN).

    `valid_days` issues documents valid for that many days from the issue date (temporary
    transcripts): each states its last day in its signed content (`transcript.model.validity`)
    and fails verification after it. `edition` "minimal" leaves the national ID, passport number
    and birth date out of the signed XML (copies for employers: `transcript.model.editions`)."""
    if isinstance(tsa, str):
        tsa = TimeStampClient(tsa)
    from converters.institution import load_institution
    from converters.profile import load_profile

    started = time.perf_counter()
    export_dir, out_dir = Path(export_dir), Path(out_dir)
    demo = key is None
    # The demo's own authority stands in for --tsa, unless no time-stamp was asked for.
    problem = profile_problem(
        pades, time_stamp_authority=tsa is not None or (demo and timestamp), timestamp=timestamp
    )
    if problem:
        raise IssueError(problem)
    if valid_days is not None and not 1 <= valid_days <= MAX_VALID_DAYS:
        raise IssueError(f"--valid-days is a number of days from 1 to {MAX_VALID_DAYS}, not {valid_days}")
    if edition not in EDITIONS:
        raise IssueError(f"--edition is {' or '.join(EDITIONS)}, not {edition!r}")
    if not export_dir.is_dir():
        raise IssueError(f"{export_dir}: not a folder")
    try:
        prepare_output(out_dir)
    except OSError as exc:
        raise IssueError(f"{out_dir}: cannot write there ({exc.strerror or exc})") from None
    try:
        loaded_profile = load_profile(profile)
        load_institution(export_dir / loaded_profile.institution_file)
    except (ValueError, OSError) as exc:
        raise IssueError(str(exc)) from None

    report = IssueReport(out_dir)
    if demo:
        pki = DemoPki(out_dir / "demo-pki")
        if not pki.exists():
            create_demo_pki(pki.folder)
        report.demo_pki = pki
        key, chain = pki.registrar_p12, None
        password = password_from(password_file=pki.password_file)
        trust, crls = (pki.root,), tuple(pki.crls)
    if key is None:
        raise IssueError("no signing key given (--key), and no demo PKI")
    with contextlib.ExitStack() as running:
        if demo and timestamp and tsa is None:
            assert report.demo_pki is not None
            authority = running.enter_context(
                LocalTimeStampAuthority(report.demo_pki.tsa_certificate, report.demo_pki.tsa_key)
            )
            tsa = TimeStampClient(authority.url)
            report.demo_tsa = True
        return _issue_all(
            report, export_dir, out_dir, loaded_profile, profile, key if is_token_uri(key) else Path(key),
            password, Path(chain) if chain else None, Path(pkcs11_module) if pkcs11_module else None, trust,
            crls, languages, pades, tsa, demo, valid_days, jobs, on_student, started, edition,
        )  # fmt: skip


def _issue_all(
    report: IssueReport,
    export_dir: Path,
    out_dir: Path,
    loaded_profile: Any,
    profile: str | None,
    key: Path | str,
    password: bytes | None,
    chain: Path | None,
    module: Path | None,
    trust: tuple[Path, ...],
    crls: tuple[Path, ...],
    languages: tuple[str, ...],
    pades: str,
    tsa: TimeStampClient | None,
    demo: bool,
    valid_days: int | None,
    jobs: int | None,
    on_student: Callable[[StudentRecord, int], None] | None,
    started: float,
    edition: str,
) -> IssueReport:
    """The run itself, once its key, trust and time-stamp authority are settled."""
    from converters.csvfile import CsvError
    from converters.export import ExportReader, Students

    identity = _checked_identity(key, password, chain, module)
    if not trust:
        trust = _root_of(identity, out_dir)
    if tsa:
        try:
            tsa.stamp(b"transcript issue: is the time-stamp authority there?")
        except TimeStampError as exc:
            raise IssueError(str(exc)) from None
    settings = IssueSettings(
        export_dir, out_dir, profile, key, password, chain, tuple(trust), tuple(crls), tuple(languages),
        pades, tsa, demo, dt.datetime.now(BANGKOK).replace(microsecond=0), module, valid_days, edition,
    )  # fmt: skip
    fingerprint = settings.fingerprint(identity.certificate.fingerprint(_sha256()).hex())
    if valid_days:
        report.valid_until = valid_until(settings.issued, valid_days)
    previous = _read_manifest(out_dir, fingerprint)
    try:
        students = Students(ExportReader(export_dir, loaded_profile))
    except CsvError as exc:
        # A CSV file that cannot be read at all: the run cannot start. Nothing is issued or
        # written, and the manifest of an earlier run stays as it was.
        raise IssueError(exc.problem.format()) from None

    records: dict[str, StudentRecord] = {}
    entries: dict[int, _Entry] = {}
    done = 0

    last_saved = time.monotonic()

    def record(item: StudentRecord) -> None:
        nonlocal done, last_saved
        done += 1
        records[item.student_id or f"line-{len(records)}"] = item
        if on_student:
            on_student(item, done)
        if done == 1 or time.monotonic() - last_saved > 5:  # a killed run resumes from the last manifest
            report.students = list(records.values())
            _write_manifest(report, fingerprint, entries)
            last_saved = time.monotonic()

    try:
        for item in _run(students, settings, previous, jobs):
            record(item)
        report.problems.extend(students.reader.problems)
    except CsvError as exc:  # a file changed while it was read: what was issued is recorded
        raise IssueError(f"{exc.problem.format()}; the run stopped") from None
    except OSError as exc:
        words = "the disk is full" if getattr(exc, "errno", None) == 28 else (exc.strerror or str(exc))
        raise IssueError(
            f"{out_dir}: writing failed: {words}; the run stopped, nothing half-written"
        ) from None
    finally:
        report.students = list(records.values())
        report.seconds = time.perf_counter() - started
        _write_manifest(report, fingerprint, entries)
        _remember_documents(report)
    return report


def _remember_documents(report: IssueReport) -> None:
    """The status register keeps every document issued here, also once a later run replaces
    a student's files (see `transcript.status.register`)."""
    from transcript.status.register import RegisterError, StatusRegister

    try:
        StatusRegister(report.out_dir).documents()
    except RegisterError as exc:
        report.problems.append(
            Problem("ISSUE004", Severity.WARNING, f"the status register was not updated: {exc}")
        )


def _sha256() -> Any:
    from cryptography.hazmat.primitives import hashes

    return hashes.SHA256()


def _checked_identity(
    key: Path | str, password: bytes | None, chain: Path | None, module: Path | None
) -> SigningIdentity:
    """The identity, checked here before any worker starts; its key is closed again (only the
    certificates are used here): the workers sign, each opening the key itself.

    For a key on a token this matters: PKCS#11 is initialised per process, and a worker forked
    from a process that holds the module initialised cannot initialise it again (C_Initialize
    there is undefined behaviour). Closing the last key finalises the module, so every worker,
    forked or spawned, opens the token afresh with its own session."""
    from transcript.pki.keys import SigningKeyError

    try:
        identity = load_identity(key, password=password, chain_path=chain, pkcs11_module=module)
    except SigningKeyError as exc:
        raise IssueError(str(exc)) from None
    identity.close()
    return identity


def _root_of(identity: SigningIdentity, out_dir: Path) -> tuple[Path, ...]:
    """Without --trust, the self-check trusts the root the key's own chain ends in."""
    top = identity.certificates[-1]
    if top.issuer != top.subject:
        raise IssueError("the key's chain does not end in a root certificate: give the root with --trust")
    from cryptography.hazmat.primitives.serialization import Encoding

    path = out_dir / ".issuer-root.pem"
    path.write_bytes(top.public_bytes(Encoding.PEM))
    return (path,)


def _input_hash(rows: Any) -> str:
    payload = [list(rows.student.fields)] + [list(r.fields) for r in rows.enrollments]
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False).encode()).hexdigest()


def _unchanged(
    previous: dict[str, Any], student_id: str, input_hash: str, out_dir: Path
) -> StudentRecord | None:
    entry = previous.get(student_id)
    if (
        not entry
        or entry.get("status") not in ("issued", "unchanged")
        or entry.get("input_hash") != input_hash
    ):
        return None
    files = entry.get("files", {})
    for name, digest in files.items():
        path = out_dir / name
        if not path.is_file() or hashlib.sha256(path.read_bytes()).hexdigest() != digest:
            return None
    return StudentRecord(
        student_id, "unchanged", input_hash, entry.get("document_id"), entry.get("verdict"), dict(files)
    )


def _run(
    students: Any, settings: IssueSettings, previous: dict[str, Any], jobs: int | None
) -> Iterator[StudentRecord]:
    from converters.assemble import StudentRows, student_id_of
    from converters.export import Rejected

    def items() -> Iterator[tuple[Any, str] | StudentRecord]:
        for item in students:
            if isinstance(item, Rejected):
                yield StudentRecord(item.student_id, "skipped", problems=list(item.problems))
                continue
            assert isinstance(item, StudentRows)
            digest = _input_hash(item)
            same = _unchanged(previous, student_id_of(item), digest, settings.out_dir)
            yield same if same is not None else (item, digest)

    yield from run_streamed(
        items(), _issue_entry, done=StudentRecord, jobs=jobs, start=_start, start_args=(settings,)
    )


def _issue_entry(entry: tuple[Any, str]) -> StudentRecord:
    """One student; an unexpected error fails that student only (nothing of theirs is written).

    Faults of the run itself (the disk, the output folder, memory) still stop it: they are
    OSError and MemoryError, raised on to the main process.
    """
    from converters.assemble import student_id_of

    rows, input_hash = entry
    try:
        return _issue(rows, input_hash)
    except (OSError, MemoryError):
        raise
    except Exception as exc:
        record = StudentRecord(student_id_of(rows), "failed", input_hash)
        message = f"unexpected error ({type(exc).__name__}: {exc}); nothing was written for this student"
        record.problems.append(_failure("ISSUE003", message))
        return record


# ------------------------------------------------------------------- manifest


def _read_manifest(out_dir: Path, fingerprint: str) -> dict[str, Any]:
    path = out_dir / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if manifest.get("settings") != fingerprint:
        return {}  # other settings: every student is issued again
    return {s["student_id"]: s for s in manifest.get("students", [])}


# A student's manifest entry, made once: the manifest is rewritten every few seconds of a
# run, and remaking every entry each time grew with the square of the run's length.
_Entry = tuple["StudentRecord", str, list[str]]


def _write_manifest(report: IssueReport, fingerprint: str, entries: dict[int, _Entry] | None = None) -> None:
    """manifest.json (one line per student) and manifest.csv; `entries` keeps the students'
    lines made for earlier writes of the same run."""
    made = {} if entries is None else entries
    students = [_entry(s, made) for s in sorted(report.students, key=lambda s: s.student_id)]
    head = json.dumps(
        {
            "toolkit": __version__,
            "settings": fingerprint,
            "written": dt.datetime.now(BANGKOK).isoformat(timespec="seconds"),
            "counts": {s: report.count(s) for s in ("issued", "unchanged", "skipped", "failed")},
            "problems": [p.to_dict() for p in report.problems],
        },
        ensure_ascii=False,
        indent=2,
    )
    lines = ",\n".join(f"    {line}" for _, line, _ in students)
    listed = f"[\n{lines}\n  ]" if students else "[]"
    text = f'{head[:-2]},\n  "students": {listed}\n}}\n'  # head ends with "\n}"
    write_atomically(report.out_dir / MANIFEST, text.encode())
    out = io.StringIO()
    # Every cell quoted, so that a separator in a value (',' or, in some locales, ';') cannot
    # start a new cell, as OWASP's CSV-injection rule asks; see `_as_text` for the rest.
    writer = csv.writer(out, quoting=csv.QUOTE_ALL)
    writer.writerow(["student_id", "status", "document_id", "verdict", "files", "sha256", "problems"])
    writer.writerows(row for _, _, row in students)
    write_atomically(report.out_dir / MANIFEST_CSV, out.getvalue().encode("utf-8-sig"))


def _entry(student: StudentRecord, made: dict[int, _Entry]) -> _Entry:
    found = made.get(id(student))
    if found is None or found[0] is not student:
        problems = "; ".join(_located(p) for p in student.problems)
        row = [
            spreadsheet_text(cell) for cell in (
                student.student_id, student.status, student.document_id or "", student.verdict or "",
                " ".join(student.files), " ".join(student.files.values()), problems,
            )
        ]  # fmt: skip
        entry = {**asdict(student), "problems": [p.to_dict() for p in student.problems]}
        found = made[id(student)] = (student, json.dumps(entry, ensure_ascii=False), row)
    return found


def _located(problem: Problem) -> str:
    where = ":".join(str(v) for v in (problem.file, problem.line, problem.column) if v is not None)
    return f"{where + ': ' if where else ''}{problem.code} {problem.message}"


def _failure(code: str, message: str) -> Problem:
    """A problem of the run with one student's files (not located in the export)."""
    return Problem(code, Severity.ERROR, message)


def _file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _folder_hash(folder: Path, names: tuple[str, ...]) -> str:
    digest = hashlib.sha256()
    for name in names:
        path = folder / name
        if path.is_file():
            digest.update(name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()
