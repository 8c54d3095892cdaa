"""Typed values from export text, each failure a located problem.

A `Cell` is one field of one row: the text, the file, the line and the column. The parse
functions return the value, or None after recording a problem that names the cell.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from transcript.problems import Problem, Severity
from transcript.rules.checks import nidn_check_digit

BE_OFFSET = 543
BE_FROM = 2400  # a year at or above this is Buddhist era
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")


@dataclass(frozen=True)
class Cell:
    text: str
    file: str
    line: int
    column: int | None
    name: str  # the export's column header, for messages
    field: str = ""  # the canonical field (given_name_th, title_th, ...), for checks by kind


@dataclass
class Problems:
    """Problems found while reading one student's rows."""

    items: list[Problem] = field(default_factory=list)

    def error(self, cell: Cell, code: str, message: str) -> None:
        self.items.append(Problem(code, Severity.ERROR, message, None, cell.line, cell.column, cell.file))

    def warning(self, cell: Cell, code: str, message: str) -> None:
        self.items.append(Problem(code, Severity.WARNING, message, None, cell.line, cell.column, cell.file))

    @property
    def has_errors(self) -> bool:
        return any(p.is_error for p in self.items)


# What no field may hold. Every field of a transcript is one line of text: a line break or a
# tab (C0 controls), DEL or a C1 control would be signed into the document and split the
# one-line outputs (problem reports, the manifest); NUL and most other C0 controls, and
# U+FFFE/U+FFFF, cannot be written in XML at all. U+2028/U+2029 are line breaks too.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff]")
_CONTROL_NAMES = {
    "\x00": "NUL",
    "\t": "tab",
    "\n": "line feed",
    "\r": "carriage return",
    "\x1b": "escape",
    "\x7f": "DEL",
    "\x85": "next line",
    "\u2028": "line separator",
    "\u2029": "paragraph separator",
}


def shown(text: str, limit: int = 40) -> str:
    """`text` quoted for a message: control characters escaped (a message is one line, and an
    escape sequence must not reach a terminal), a long value cut short."""
    if len(text) <= limit:
        return repr(text)
    return f"{text[:limit]!r}... ({len(text):,} characters)"


def row_is_plain(fields: Sequence[str]) -> bool:
    """True when no field of a raw row can fail `plain_text`: one look at the whole row, so
    that the usual row costs no more than that."""
    return not _CONTROL.search("".join(fields)) and max(map(len, fields), default=0) <= csv.field_size_limit()


def plain_text(cell: Cell, problems: Problems) -> bool:
    """False, after a located problem, for a value no transcript may carry: one longer than a
    CSV field may be (CSV027) or one with a control character or line break (CSV026)."""
    limit = csv.field_size_limit()
    if len(cell.text) > limit:
        problems.error(
            cell,
            "CSV027",
            f"{cell.name} is {len(cell.text):,} characters long, more than the {limit:,} a CSV "
            "field may have",
        )
        return False
    found = _CONTROL.search(cell.text)
    if found is None:
        return True
    char = found.group()
    name = _CONTROL_NAMES.get(char)
    problems.error(
        cell,
        "CSV026",
        f"{cell.name} {shown(cell.text)} holds U+{ord(char):04X}{f' ({name})' if name else ''} at "
        f"character {found.start() + 1}: a value must be one line of text, without control "
        "characters",
    )
    return False


# Text a tool could not keep. A Western-locale program (a spreadsheet or database client set
# to Windows-1252) saves each Thai letter as '?' (or U+FFFD, the replacement character); one
# that reads UTF-8 Thai as Windows-1252 gives mojibake: every Thai letter is three bytes,
# E0 B8 xx or E0 B9 xx in UTF-8, shown as 'à¸' or 'à¹' and one more character.
_THAI_LETTER = re.compile(r"[\u0e01-\u0e4e]")
_LOST = frozenset("?\ufffd")
_MOJIBAKE = re.compile(r"\u00e0[\u00b8\u00b9]")
# Fields of a person's name: one made of question marks cannot be signed into a transcript.
NAME_FIELDS = frozenset(
    f"{part}_name_{language}" for part in ("given", "middle", "family") for language in ("th", "en")
)


def _mostly_lost(text: str) -> bool:
    """More than half of the visible characters are '?' or U+FFFD."""
    visible = [char for char in text if not char.isspace()]
    return 2 * sum(char in _LOST for char in visible) > len(visible)


def _unmangled(text: str) -> str | None:
    """The Thai text that `text` was before UTF-8 was read as Windows-1252 (or Latin-1), when
    it reads as such mojibake; else None."""
    if not _MOJIBAKE.search(text):
        return None
    raw = bytearray()
    for char in text:
        try:
            raw += char.encode("cp1252")
        except UnicodeEncodeError:
            if ord(char) > 0xFF:
                return None
            raw.append(ord(char))  # a byte Windows-1252 leaves undefined, kept as Latin-1 does
    original = raw.decode("utf-8", errors="replace")
    return original if _THAI_LETTER.search(original) else None


def readable_text(cell: Cell, problems: Problems) -> None:
    """A located problem for a value whose text a tool destroyed before the export reached us.

    A Thai field (``*_th``) without any Thai letter gets a warning (CSV029): a course title
    "Python Programming" is plausible, "????????" or "à¸ªà¸¡" is not, and the message says which.
    A name (given, middle or family, Thai or English) that is mostly '?' or U+FFFD, or Thai
    mojibake, is an error (CSV030): nobody can read it, and a transcript would sign it.
    """
    text = cell.text
    if not text:
        return
    is_name = cell.field in NAME_FIELDS
    if is_name and not _LOST.isdisjoint(text) and _mostly_lost(text):
        problems.error(
            cell,
            "CSV030",
            f"{cell.name} {shown(text)} is question marks, not a name: the letters were lost when "
            "the file was saved by a program that cannot write them; export it again as UTF-8",
        )
        return
    original = _unmangled(text) if "\u00e0" in text else None
    if is_name and original is not None:
        problems.error(
            cell,
            "CSV030",
            f"{cell.name} {shown(text)} is Thai read in the wrong encoding (it was "
            f"{shown(original)}), not a name; export it again as UTF-8 and open it as UTF-8",
        )
        return
    if not cell.field.endswith("_th") or _THAI_LETTER.search(text):
        return
    if original is not None:
        reason = (
            f"it is Thai read in the wrong encoding (it was {shown(original)}); export it again "
            "as UTF-8 and open it as UTF-8"
        )
    elif not _LOST.isdisjoint(text):
        reason = (
            "'?' stands where letters were: the Thai text was lost when the file was saved by a "
            "program that cannot write Thai; export it again as UTF-8"
        )
    else:
        reason = "a Thai field should be in Thai (is the value in the right column?)"
    problems.warning(cell, "CSV029", f"{cell.name} {shown(text)} has no Thai letter: {reason}")


def ascii_digits(text: str) -> str:
    """Thai digits (๒๕๖๖) to ASCII (2566); registrars' exports contain both."""
    return text.translate(_THAI_DIGITS)


def required(cell: Cell, problems: Problems) -> str | None:
    if cell.text:
        return cell.text
    problems.error(cell, "CSV011", f"{cell.name} is empty; it is required")
    return None


def decimal(cell: Cell, problems: Problems, what: str = "a number") -> Decimal | None:
    text = ascii_digits(cell.text).replace(",", "") if cell.text else ""
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or value < 0:
        problems.error(cell, "CSV012", f"{cell.name} {cell.text!r} is not {what} (e.g. 3 or 1.5)")
        return None
    return value


def era_of(year: int, declared: str) -> str:
    return ("BE" if year >= BE_FROM else "CE") if declared == "auto" else declared


@dataclass
class EraTracker:
    """Keeps one era per student when the profile says ``auto``."""

    first: str | None = None
    first_cell: Cell | None = None

    def check(self, year: int, cell: Cell, declared: str, problems: Problems, kind: str) -> None:
        actual = "BE" if year >= BE_FROM else "CE"
        if declared != "auto":
            if actual != declared:
                problems.error(
                    cell,
                    "CSV014",
                    f"{cell.name} {cell.text!r} looks like a {_era_word(actual)} year but the "
                    f"profile says {kind} are in the {_era_word(declared)}; BE and CE are mixed",
                )
            return
        if self.first is None:
            self.first, self.first_cell = actual, cell
        elif actual != self.first:
            origin = self.first_cell
            assert origin is not None
            problems.error(
                cell,
                "CSV014",
                f"{cell.name} {cell.text!r} is a {_era_word(actual)} year, but line {origin.line} "
                f"of {origin.file} has a {_era_word(self.first)} year ({origin.text!r}); BE and CE "
                "are mixed",
            )


def _era_word(era: str) -> str:
    return "Buddhist-era (BE)" if era == "BE" else "common-era (CE)"


def academic_year(
    cell: Cell, declared: str, output: str, tracker: EraTracker, problems: Problems
) -> int | None:
    text = ascii_digits(cell.text)
    if not re.fullmatch(r"\d{4}", text):
        problems.error(cell, "CSV012", f"{cell.name} {cell.text!r} is not a four-digit academic year")
        return None
    year = int(text)
    before = len(problems.items)
    tracker.check(year, cell, declared, problems, "academic years")
    if len(problems.items) > before:
        return None
    ce = year - BE_OFFSET if era_of(year, declared) == "BE" else year
    if not 1900 <= ce <= 2257:
        problems.error(cell, "CSV012", f"{cell.name} {cell.text!r} is not a plausible academic year")
        return None
    return ce + BE_OFFSET if output == "BE" else ce


_FORMAT_PARTS = {"%d": r"(?P<d>\d{1,2})", "%m": r"(?P<m>\d{1,2})", "%Y": r"(?P<Y>\d{4})"}


def compile_date_format(fmt: str) -> re.Pattern[str]:
    """A regex for a strftime-like format with %d, %m and %Y (anything else is literal).

    strptime cannot be used: it would reject 29/02/2567, a real date (2024 is a leap year)
    whose Buddhist-era year 2567 is not.
    """
    pattern = ""
    for token in re.split(r"(%[dmY])", fmt):
        pattern += _FORMAT_PARTS.get(token, re.escape(token))
    return re.compile(pattern)


@dataclass(frozen=True)
class DateReader:
    formats: Sequence[str]
    era: str
    patterns: tuple[re.Pattern[str], ...] = ()

    @classmethod
    def of(cls, formats: Sequence[str], era: str) -> DateReader:
        return cls(tuple(formats), era, tuple(compile_date_format(f) for f in formats))

    def read(self, cell: Cell, tracker: EraTracker, problems: Problems) -> dt.date | None:
        text = ascii_digits(cell.text)
        for pattern in self.patterns:
            match = pattern.fullmatch(text)
            if match is None:
                continue
            year, month, day = int(match["Y"]), int(match["m"]), int(match["d"])
            before = len(problems.items)
            tracker.check(year, cell, self.era, problems, "dates")
            if len(problems.items) > before:
                return None
            if era_of(year, self.era) == "BE":
                year -= BE_OFFSET
            try:
                return dt.date(year, month, day)
            except ValueError as exc:
                problems.error(cell, "CSV013", f"{cell.name} {cell.text!r} is not a real date ({exc})")
                return None
        expected = " or ".join(
            f.replace("%d", "dd").replace("%m", "mm").replace("%Y", "yyyy") for f in self.formats
        )
        problems.error(cell, "CSV013", f"{cell.name} {cell.text!r} is not a date in the form {expected}")
        return None


def national_id(cell: Cell, problems: Problems) -> str | None:
    """A 13-digit Thai national ID; hyphens and spaces as people write them are removed."""
    digits = ascii_digits(re.sub(r"[\s-]", "", cell.text))
    if not re.fullmatch(r"\d{13}", digits):
        problems.error(cell, "CSV017", f"national ID {cell.text!r} does not have 13 digits")
        return None
    expected = nidn_check_digit(digits[:12])
    if int(digits[12]) != expected:
        problems.error(
            cell,
            "CSV017",
            f"national ID {cell.text!r} fails its check digit (the last digit should be {expected})",
        )
        return None
    return digits
