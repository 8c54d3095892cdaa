"""A transcript issued for a limited time (a temporary one, valid for 60 days) says so in its
signed content.

The national message has no field for a validity period, so the limit is written where the
message has room for the issuer's own statements, as two free notes of its
``AdditionalInformation`` (``InfomationNote``), one per language::

    Valid until / 2027-01-29          (languageID en)
    ใช้ได้ถึง / 2027-01-29             (languageID th)

The XAdES signature covers them, so does the PDF that embeds the XML, and any reader of the
national file sees them as plain notes. The content is an ISO 8601 calendar date (Gregorian);
the document is valid up to the end of that day, Thailand time.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from transcript.generated import InformationNote, Text
from transcript.model.constants import BANGKOK, TC_NS

#: The subjects of the validity notes, by language (compared without case or surrounding space).
SUBJECTS = {"en": "Valid until", "th": "ใช้ได้ถึง"}
_SUBJECTS = {s.casefold() for s in SUBJECTS.values()}
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class Validity:
    """What a transcript's validity notes say."""

    until: dt.date | None  # the earliest date stated; None when no note could be read as one
    statements: tuple[str, ...]  # each note's content, as written
    agree: bool  # every note states the same date

    @property
    def ends(self) -> dt.datetime | None:
        """The first moment the document is no longer valid: the next midnight in Thailand."""
        if self.until is None:
            return None
        return dt.datetime.combine(self.until + dt.timedelta(days=1), dt.time(), BANGKOK)

    def expired(self, at: dt.datetime) -> bool:
        ends = self.ends
        return ends is not None and at >= ends


def is_validity_subject(subject: str) -> bool:
    return " ".join(subject.split()).casefold() in _SUBJECTS


def read_date(content: str) -> dt.date | None:
    text = content.strip()
    if not _ISO_DATE.fullmatch(text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def _validity(pairs: Iterable[tuple[str, str]]) -> Validity | None:
    statements = tuple(content for subject, content in pairs if is_validity_subject(subject))
    if not statements:
        return None
    dates = [d for d in map(read_date, statements) if d is not None]
    agree = len(dates) == len(statements) and len(set(dates)) == 1
    return Validity(min(dates) if dates else None, statements, agree)


def stated_validity(transcript: Any) -> Validity | None:
    """The validity a transcript model states (None: it states none, so it does not expire)."""
    extra = transcript.additional_information
    if extra is None:
        return None
    return _validity((n.subject.value or "", n.content.value or "") for n in extra.infomation_note)


def stated_validity_in(root: Any) -> Validity | None:
    """The same, read from a parsed transcript document (an lxml root element)."""
    pairs = []
    for note in root.iterfind(f"{{{TC_NS}}}AdditionalInformation/{{{TC_NS}}}InfomationNote"):
        subject, content = note.find(f"{{{TC_NS}}}Subject"), note.find(f"{{{TC_NS}}}Content")
        if subject is not None and content is not None:
            pairs.append((subject.text or "", content.text or ""))
    return _validity(pairs)


def validity_notes(until: dt.date) -> list[InformationNote]:
    """The notes that state `until`, one per language."""
    return [
        InformationNote(
            subject=Text(value=subject, language_id=language),
            content=Text(value=until.isoformat(), language_id=language),
        )
        for language, subject in SUBJECTS.items()
    ]


def valid_until(issued: dt.datetime, days: int) -> dt.date:
    """The last day of a document issued at `issued` and valid for `days` days (Thailand's date)."""
    if days < 1:
        raise ValueError("a validity period is at least one day")
    return issued.astimezone(BANGKOK).date() + dt.timedelta(days=days)
