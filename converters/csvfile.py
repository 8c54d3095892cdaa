"""Reading registrar CSV files: encoding, header and rows, each row with its line number.

Thai exports come in UTF-8 (with or without a byte-order mark) or in the older TIS-620 /
Windows-874 encodings. With ``encoding = "auto"`` the file is scanned once, line by line:
UTF-8 when every line decodes as UTF-8, else Windows-874 (a superset of TIS-620) when every
line decodes as that *and* reads as plausible Thai; anything else is refused with the line
and byte where it went wrong. Rows are then streamed, never held all at once.
"""

from __future__ import annotations

import codecs
import csv
import itertools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from transcript.problems import Problem, Severity

# A Thai combining mark (upper/lower vowel, tone mark, ...) must follow a Thai letter.
# Latin-1 or UTF-8 text misread as Windows-874 breaks this almost at once.
_STRAY_THAI_MARK = re.compile(r"(?:^|[^\u0e01-\u0e4e])[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]")
_CP874_ONLY = "cp874"


class CsvError(Exception):
    """A CSV file that cannot be read at all; `problem` says where and why."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        super().__init__(problem.format())


def error(file: str, line: int | None, column: int | None, code: str, message: str) -> Problem:
    return Problem(code, Severity.ERROR, message, None, line, column, file)


def detect_encoding(path: Path, declared: str, display: str) -> str:
    """The Python codec to read `path` with, or `CsvError` (CSV002) locating the bad byte."""
    with path.open("rb") as handle:
        head = handle.read(3)
    has_bom = head == codecs.BOM_UTF8
    if declared in ("utf-8", "utf-8-sig"):
        _check_decodes(path, "utf-8-sig", display, declared)
        return "utf-8-sig"
    if declared in ("tis-620", "cp874"):
        _check_decodes(path, _CP874_ONLY, display, declared)
        return _CP874_ONLY
    # auto
    if has_bom:
        _check_decodes(path, "utf-8-sig", display, "UTF-8 (it starts with a UTF-8 byte-order mark)")
        return "utf-8-sig"
    utf8_failure = _first_failure(path, "utf-8")
    if utf8_failure is None:
        return "utf-8-sig"
    cp874_failure = _first_failure(path, _CP874_ONLY, plausible_thai=True)
    if cp874_failure is None:
        return _CP874_ONLY
    # Locate the problem where the likelier encoding (the one that read further) breaks.
    label, (line, column) = max(
        [("UTF-8", utf8_failure), ("TIS-620/Windows-874", cp874_failure)], key=lambda c: c[1]
    )
    raise CsvError(
        error(
            display,
            line,
            column,
            "CSV002",
            f"the file's encoding cannot be recognised: it reads as {label} up to line {line}, "
            f"where byte {column} is not valid {label} (and the file is not valid in the other "
            "encoding either); save it as UTF-8 or set csv.encoding in the profile",
        )
    )


def _check_decodes(path: Path, codec: str, display: str, label: str) -> None:
    failure = _first_failure(path, codec)
    if failure is not None:
        line, column = failure
        raise CsvError(
            error(
                display,
                line,
                column,
                "CSV002",
                f"byte {column} of line {line} is not valid {label}; fix the file or the "
                "profile's csv.encoding",
            )
        )


def _first_failure(path: Path, codec: str, *, plausible_thai: bool = False) -> tuple[int, int] | None:
    """(line, 1-based byte column) of the first line that does not decode, or None."""
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if number == 1 and codec == "utf-8":
                raw = raw.removeprefix(codecs.BOM_UTF8)
            try:
                text = raw.decode(codec)
            except UnicodeDecodeError as exc:
                return number, exc.start + 1
            if plausible_thai and _STRAY_THAI_MARK.search(text):
                return number, _STRAY_THAI_MARK.search(text).end()  # type: ignore[union-attr]
    return None


@dataclass(frozen=True)
class Row:
    """One CSV record: the line it starts on and its fields."""

    line: int
    fields: tuple[str, ...]


@dataclass(frozen=True)
class Header:
    """Where each canonical field is in a file (a 0-based index, or None when absent)."""

    display: str
    names: tuple[str, ...]
    index: dict[str, int | None]

    def value(self, row: Row, canonical: str) -> str:
        position = self.index.get(canonical)
        if position is None or position >= len(row.fields):
            return ""
        return row.fields[position].strip()

    def column(self, canonical: str) -> int | None:
        """1-based column number of a field, for problem locations."""
        position = self.index.get(canonical)
        return None if position is None else position + 1

    def where(self, row: Row, canonical: str) -> tuple[str, int, int | None]:
        return self.display, row.line, self.column(canonical)


def map_header(
    names: Sequence[str],
    display: str,
    required: Sequence[str],
    optional: Sequence[str],
    column_of: dict[str, str],
) -> Header:
    """Find each canonical field's column; CsvError (CSV001) lists every required one missing."""
    exact = {name.strip(): i for i, name in enumerate(names)}
    folded = {name.strip().casefold(): i for i, name in enumerate(names)}
    index: dict[str, int | None] = {}
    missing = []
    for canonical in (*required, *optional):
        header = column_of.get(canonical, canonical)
        position = exact.get(header, folded.get(header.casefold()))
        index[canonical] = position
        if position is None and canonical in required:
            shown = header if header == canonical else f"{header}' (for {canonical}"
            missing.append(f"'{shown}'" + (")" if header != canonical else ""))
    if missing:
        raise CsvError(
            error(
                display,
                1,
                None,
                "CSV001",
                f"required column{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
                f"missing from the header (it has: {', '.join(n.strip() for n in names)})",
            )
        )
    return Header(display, tuple(names), index)


class CsvFile:
    """A CSV file opened for streaming with a known encoding and delimiter."""

    def __init__(self, path: Path, display: str, encoding: str, delimiter: str) -> None:
        self.path = path
        self.display = display
        self.encoding = encoding
        self.delimiter = delimiter

    def records(self) -> Iterator[Row]:
        """Every record, with the line it starts on. Blank lines are skipped.

        A record with a field longer than the csv module allows is still given (its fields
        read here), for the converter to refuse that one student (CSV027), when the record
        ends on the line where the module gave up: the module then goes on with the next
        line. Anything else it cannot read is a `CsvError` (CSV003) for the whole file.
        """
        with self.path.open("r", encoding=self.encoding, newline="") as handle:
            reader = csv.reader(handle, delimiter=self.delimiter, strict=True)
            start = 1
            while True:
                try:
                    fields = next(reader, None)
                except csv.Error as exc:
                    fields = self._refused(start, reader.line_num, str(exc))
                if fields is None:
                    return
                if fields and any(f.strip() for f in fields):
                    yield Row(start, tuple(fields))
                start = reader.line_num + 1

    def _refused(self, start: int, end: int, reason: str) -> list[str]:
        """The fields of lines `start` to `end`, a record the csv module refused for `reason`,
        when that is a field over its size limit and the lines are one whole record; else
        `CsvError`."""
        over_limit = reason.startswith("field larger than field limit")
        if over_limit:
            with self.path.open("r", encoding=self.encoding, newline="") as handle:
                fields = split_record("".join(itertools.islice(handle, start - 1, end)), self.delimiter)
            if fields is not None:
                return fields
        if over_limit or reason == "unexpected end of data":
            # The usual cause: a quote that is never closed swallows the rest of the file.
            why = (
                f"or a field longer than the {csv.field_size_limit():,} characters a CSV field "
                f"may have (read as far as line {end})"
                if over_limit
                else "(the file ends inside it)"
            )
            message = f"broken CSV: the record on line {start} has a quote that is never closed {why}"
            raise CsvError(error(self.display, start, None, "CSV003", message))
        raise CsvError(error(self.display, end, None, "CSV003", f"broken CSV: {reason}"))

    def header(self) -> tuple[str, ...]:
        for row in self.records():
            return row.fields
        raise CsvError(error(self.display, 1, None, "CSV001", "the file is empty: no header row"))

    def data_rows(self) -> Iterator[Row]:
        rows = self.records()
        next(rows, None)
        yield from rows


def split_record(text: str, delimiter: str) -> list[str] | None:
    """The fields of one CSV record's text, read as the csv module reads it (strict, quotes
    doubled inside quoted fields, a quote literal inside an unquoted field), without the
    module's limit on a field's size; None when the text is not one whole record (a quote left
    open, text after a closing quote or after the line end)."""
    fields: list[str] = []
    field: list[str] = []
    state = "start"  # of a field; or "plain", "quoted", "closed" (a quote in a quoted field)
    for position, char in enumerate(text):
        if state == "quoted":
            if char == '"':
                state = "closed"
            else:
                field.append(char)
        elif state == "closed" and char == '"':
            field.append(char)  # a doubled quote
            state = "quoted"
        elif char in "\r\n":
            if text[position:] not in ("\r\n", "\n", "\r"):
                return None
            break
        elif char == delimiter:
            fields.append("".join(field))
            field, state = [], "start"
        elif state == "closed":
            return None
        elif char == '"' and state == "start":
            state = "quoted"
        else:
            field.append(char)
            state = "plain"
    if state == "quoted":
        return None
    fields.append("".join(field))
    return fields


def open_csv(path: Path, display: str, declared_encoding: str, delimiter: str) -> CsvFile:
    if not path.is_file():
        raise CsvError(error(display, None, None, "CSV000", "file not found"))
    encoding = detect_encoding(path, declared_encoding, display)
    return CsvFile(path, display, encoding, delimiter)
