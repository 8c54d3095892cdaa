"""The issuer's status register, kept beside the issuing output, and the list published from it.

``OUT/status/documents.json`` knows every document the issuing runs in OUT have issued
(read from ``manifest.json``, kept when a later run replaces a student's files), each with
its file's SHA-256 and its fixed position in the list. ``OUT/status/events.jsonl`` records
every change, one JSON line each, appended and never rewritten: when, who, what, why. A
document's status is what its events say, in order: revoke is final, suspend can be undone
by reinstate, supersede names the document that replaces it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from transcript.errors import InvalidDocument, TranscriptError
from transcript.model.validity import stated_validity_in
from transcript.model.xmlio import content_digest_of, parse_untrusted
from transcript.pki.keys import SigningIdentity
from transcript.status.listformat import (
    DocumentStatus,
    claims,
    document_key,
    seal_successor,
    sign_list,
)
from transcript.util.files import write_atomically
from transcript.util.text import INVISIBLE

FOLDER = "status"
EVENTS = "events.jsonl"
DOCUMENTS = "documents.json"
MANIFEST = "manifest.json"
ACTIONS = {
    "revoke": DocumentStatus.REVOKED,
    "suspend": DocumentStatus.SUSPENDED,
    "reinstate": DocumentStatus.VALID,
    "supersede": DocumentStatus.SUPERSEDED,
}
# One line of text without control characters, zero-width or bidirectional controls.
_REASON = re.compile(f"[^{INVISIBLE}]{{1,500}}")


class RegisterError(TranscriptError):
    """A status change that cannot be made, or a register that cannot be read."""


@dataclass(frozen=True)
class Event:
    """One change of status, as recorded."""

    time: str
    action: str
    document_id: str
    reason: str
    operator: str
    by: str | None = None  # supersede: the replacing document's number
    files: tuple[str, ...] = ()  # the signed-content digest of each file the change applies to


@dataclass(frozen=True)
class Known:
    """An issued document the register knows: its number, its signed content's digest, its
    position in the list."""

    document_id: str
    digest: str  # SHA-256 of the signed content (`signed_content_digest`)
    index: int
    file_sha256: str = ""  # of the file as the manifest records it: a file known is not read again
    valid_until: str = ""  # the last day of a document issued for a limited time (ISO date), else ""


class StatusRegister:
    """The register of one issuing output folder (the folder `transcript issue --out` wrote)."""

    def __init__(self, out_dir: str | Path) -> None:
        self.out_dir = Path(out_dir)
        self.folder = self.out_dir / FOLDER

    # ------------------------------------------------------------------ documents

    def documents(self) -> list[Known]:
        """Every document issued in this folder, the register's own record updated from the
        manifest first (positions never change once given)."""
        known = self._read_documents()
        recorded = len(known)
        by_digest = {k.digest: k for k in known}
        for document_id, digest, file_sha256, until in self._issued({k.file_sha256 for k in known}):
            if digest not in by_digest:
                item = Known(document_id, digest, len(known), file_sha256, until)
                known.append(item)
                by_digest[digest] = item
        if len(known) > recorded:
            self.folder.mkdir(parents=True, exist_ok=True)
            write_atomically(
                self.folder / DOCUMENTS,
                json.dumps([asdict(k) for k in known], ensure_ascii=False, indent=1).encode("utf-8"),
            )
        return known

    def _read_documents(self) -> list[Known]:
        path = self.folder / DOCUMENTS
        if not path.exists():
            return []
        try:
            return [Known(**item) for item in json.loads(path.read_text(encoding="utf-8"))]
        except (OSError, ValueError, TypeError) as exc:
            raise RegisterError(f"{path}: the register's document record cannot be read ({exc})") from None

    def _issued(self, known_files: set[str]) -> Iterator[tuple[str, str, str, str]]:
        """(document number, signed-content digest, file SHA-256, last day or "") of each issued XML file the
        register does not know yet (by the file's SHA-256), still in the folder as the
        manifest records it (a file changed since is not taken). Only new files are read."""
        path = self.out_dir / MANIFEST
        try:
            manifest = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise RegisterError(f"{path}: no manifest; give the folder `transcript issue` wrote") from None
        except (OSError, ValueError) as exc:
            raise RegisterError(f"{path}: the manifest cannot be read ({exc})") from None
        for student in manifest.get("students", []):
            document_id = student.get("document_id")
            if student.get("status") not in ("issued", "unchanged") or not document_id:
                continue
            for name, digest in student.get("files", {}).items():
                if not name.endswith(".xml") or "/" in name or "\\" in name or digest in known_files:
                    continue
                try:
                    data = (self.out_dir / name).read_bytes()
                except OSError:
                    continue
                if hashlib.sha256(data).hexdigest() != digest:
                    continue
                try:
                    root = parse_untrusted(data).getroot()
                except InvalidDocument:
                    continue
                validity = stated_validity_in(root)
                until = validity.until.isoformat() if validity and validity.until else ""
                yield str(document_id), content_digest_of(root), digest, until

    # --------------------------------------------------------------------- events

    def events(self) -> list[Event]:
        path = self.folder / EVENTS
        if not path.exists():
            return []
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise RegisterError(f"{path}: the register cannot be read ({exc.strerror})") from None
        found = []
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                fields = json.loads(line)
                fields["files"] = tuple(fields.get("files", ()))
                event = Event(**fields)
            except (ValueError, TypeError) as exc:
                raise RegisterError(f"{path}:{number}: the event cannot be read ({exc})") from None
            if event.action not in ACTIONS:
                raise RegisterError(f"{path}:{number}: unknown action {event.action!r}")
            found.append(event)
        return found

    def statuses(self) -> dict[str, tuple[DocumentStatus, str | None]]:
        """Each file's status (by its signed-content digest), and the number of the document
        replacing it.
        A change applies to the files that bore the number when it was made: a document
        issued again later under the same number is not touched by it."""
        current: dict[str, tuple[DocumentStatus, str | None]] = {}
        for event in self.events():
            for digest in event.files:
                current[digest] = (ACTIONS[event.action], event.by)
        return current

    def status_of_number(self, document_id: str) -> DocumentStatus:
        """The status of the newest file bearing `document_id`."""
        return self._newest_status(self.documents(), self.statuses(), document_id)

    def _newest_status(
        self, known: list[Known], current: dict[str, tuple[DocumentStatus, str | None]], document_id: str
    ) -> DocumentStatus:
        files = [k for k in known if k.document_id == document_id]
        if not files:
            raise RegisterError(f"document {document_id!r} was not issued in {self.out_dir}")
        return current.get(files[-1].digest, (DocumentStatus.VALID, None))[0]

    def record(
        self,
        action: str,
        document_id: str,
        *,
        reason: str,
        operator: str,
        by: str | None = None,
        now: dt.datetime | None = None,
    ) -> Event:
        """Record one change; raises `RegisterError` for one that cannot be made."""
        if action not in ACTIONS:
            raise RegisterError(f"the action is one of {', '.join(ACTIONS)}, not {action!r}")
        if not _REASON.fullmatch(reason.strip() or "\0"):
            raise RegisterError("a reason is needed: one line of up to 500 characters, no control characters")
        if not _REASON.fullmatch(operator.strip() or "\0") or len(operator) > 100:
            raise RegisterError("the operator's name must be one line without control characters")
        known = self.documents()
        files = [k.digest for k in known if k.document_id == document_id]
        if not files:
            raise RegisterError(f"document {document_id!r} was not issued in {self.out_dir}")
        current = self.statuses()
        if action == "supersede":
            if not by or not any(k.document_id == by for k in known):
                raise RegisterError(f"supersede needs --by NEW_ID, a document issued in {self.out_dir}")
            if by == document_id:
                # Issued again under the same number (the same day): the newest file replaces
                # the older ones.
                files = files[:-1]
                if not files:
                    raise RegisterError("a document cannot supersede itself")
        elif by is not None:
            raise RegisterError("--by goes with supersede only")
        # Each file by its own state: a change applies to the files it can apply to (a file
        # revoked before the document was issued again under its number stays revoked).
        problems = {
            d: _transition_problem(current.get(d, (DocumentStatus.VALID, None))[0], action) for d in files
        }
        files = [d for d in files if problems[d] is None]
        if not files:
            raise RegisterError(f"document {document_id}: {next(iter(problems.values()))}")
        if (
            action == "supersede"
            and by != document_id
            and self._newest_status(known, current, str(by)) is not DocumentStatus.VALID
        ):
            raise RegisterError(f"document {by} is not valid itself; it cannot replace another")
        event = Event(
            (now or dt.datetime.now(dt.timezone.utc)).isoformat(timespec="seconds"),
            action, document_id, reason.strip(), operator.strip(), by, tuple(files),
        )  # fmt: skip
        self.folder.mkdir(parents=True, exist_ok=True)
        with open(self.folder / EVENTS, "a", encoding="utf-8") as log:
            log.write(json.dumps(asdict(event), ensure_ascii=False) + "\n")
            log.flush()
            os.fsync(log.fileno())
        return event

    # -------------------------------------------------------------------- publish

    def publish(
        self,
        identity: SigningIdentity,
        *,
        url: str | None = None,
        valid_for: dt.timedelta = dt.timedelta(days=1),
        now: dt.datetime | None = None,
    ) -> bytes:
        """The signed status list of every document issued here (see `listformat`)."""
        known = self.documents()
        if not known:
            raise RegisterError(f"no document has been issued in {self.out_dir}; nothing to publish")
        statuses = self.statuses()
        bits = [int(DocumentStatus.VALID)] * len(known)
        index: dict[str, int] = {}
        successors: dict[str, str] = {}
        last_days: dict[str, str] = {}
        for item in known:
            status, by = statuses.get(item.digest, (DocumentStatus.VALID, None))
            bits[item.index] = int(status)
            key = document_key(item.digest)
            index[key] = item.index
            if status is DocumentStatus.SUPERSEDED and by:
                successors[key] = seal_successor(item.digest, by)
            if item.valid_until:
                last_days[key] = item.valid_until
        issued = (now or dt.datetime.now(dt.timezone.utc)).replace(microsecond=0)
        payload = claims(
            bits, index, successors, issued=issued, next_update=issued + valid_for, url=url,
            valid_until=last_days,
        )  # fmt: skip
        return sign_list(payload, identity.key, identity.certificates)


def _transition_problem(status: DocumentStatus, action: str) -> str | None:
    if status is DocumentStatus.REVOKED:
        return "it is revoked, which is final (issue a new document instead)"
    if status is DocumentStatus.SUPERSEDED:
        return "it is superseded, which is final"
    if action == "reinstate" and status is not DocumentStatus.SUSPENDED:
        return "only a suspended document can be reinstated"
    if action == "suspend" and status is DocumentStatus.SUSPENDED:
        return "it is already suspended"
    return None
