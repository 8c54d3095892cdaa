"""Many files at once: one row per file, for a spreadsheet (CSV) or a program (JSON).

What a row shows comes from the report, that is from what the signatures cover; a file that
is not genuine shows its verdict and why, and nothing it claims.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable

from transcript.util.spreadsheet import spreadsheet_text
from transcript.verify.report import VerificationReport

COLUMNS = (
    "file", "verdict", "sub_indication", "reason", "document_id", "student_number", "student_name_th",
    "student_name_en", "gpax", "institution", "signer", "signing_time", "status", "valid_until", "form",
)  # fmt: skip


def report_row(source: str, report: VerificationReport) -> dict[str, str]:
    """The row of one verified file."""
    row = dict.fromkeys(COLUMNS, "")
    row["file"] = source
    row["verdict"] = report.verdict.value
    row["sub_indication"] = report.sub_indication.value if report.sub_indication else ""
    row["reason"] = report.reason
    row["form"] = report.level or ""
    row["status"] = report.document_status or ""
    if report.ok and report.summary is not None:
        s = report.summary
        row["document_id"] = s.document_id
        row["student_number"] = s.student_number or ""
        row["student_name_th"] = s.student_name.get("th", "")
        row["student_name_en"] = s.student_name.get("en", "")
        row["gpax"] = s.gpax or ""
        row["institution"] = s.institution.get("en") or next(iter(s.institution.values()), "")
        row["signer"] = report.signer.common_name if report.signer else ""
        row["signing_time"] = report.signing_time.isoformat() if report.signing_time else ""
        row["valid_until"] = s.valid_until or ""
    return row


def problem_row(source: str, verdict: str, reason: str) -> dict[str, str]:
    """The row of a file that could not be verified at all (unreadable, refused by the archive)."""
    row = dict.fromkeys(COLUMNS, "")
    row.update(file=source, verdict=verdict, sub_indication="FORMAT_FAILURE", reason=reason)
    return row


def to_csv(rows: Iterable[dict[str, str]]) -> bytes:
    """UTF-8 with a byte-order mark (so that spreadsheets read Thai), every cell quoted and
    made safe as text (no formulas, no control characters)."""
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL)
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([spreadsheet_text(row[column]) for column in COLUMNS])
    return out.getvalue().encode("utf-8-sig")


def to_json(rows: Iterable[dict[str, str]]) -> bytes:
    listed = list(rows)
    passed = sum(1 for r in listed if r["verdict"] == "TOTAL-PASSED")
    body = {"files": len(listed), "genuine": passed, "rows": listed}
    return json.dumps(body, ensure_ascii=False, indent=1).encode("utf-8")
