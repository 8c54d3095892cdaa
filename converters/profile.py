"""Mapping profiles: how one student information system writes its export.

A profile is a TOML file (see ``converters/profiles/``). It names the files, the CSV
dialect and encoding, the date formats and year era, the semester and grade spellings, and
which export column holds each canonical field. Canonical field names are listed in
`STUDENT_FIELDS` and `ENROLLMENT_FIELDS`; a column not mentioned in ``[columns]`` is looked
up under its canonical name.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

PROFILES_DIR = Path(__file__).resolve().parent / "profiles"

# Canonical fields of a student row; the first group is required in every export.
STUDENT_REQUIRED = (
    "student_id",
    "given_name_th",
    "family_name_th",
    "given_name_en",
    "family_name_en",
)
STUDENT_OPTIONAL = (
    "national_id",
    "passport",
    "prefix_th",
    "prefix_en",
    "middle_name_th",
    "middle_name_en",
    "gender",
    "birth_date",
    "nationality",
    "resident_country",
    "admission_date",
    "graduation_date",
    "faculty_th",
    "faculty_en",
    "program_id",
    "program_th",
    "program_en",
    "major_th",
    "major_en",
    "minor_th",
    "minor_en",
    "degree_th",
    "degree_en",
    "honours_th",
    "honours_en",
    "thesis_th",
    "thesis_en",
    "credits_transferred",
    "previous_certificate_th",
    "previous_certificate_en",
    "previous_honours_th",
    "previous_honours_en",
    "previous_organization_th",
    "previous_organization_en",
    "notes_th",
    "notes_en",
    "gpax",
)
STUDENT_FIELDS = STUDENT_REQUIRED + STUDENT_OPTIONAL

ENROLLMENT_REQUIRED = (
    "student_id",
    "year",
    "semester",
    "course_code",
    "title_th",
    "credits",
    "grade",
)
ENROLLMENT_OPTIONAL = ("title_en", "category_th", "category_en")
ENROLLMENT_FIELDS = ENROLLMENT_REQUIRED + ENROLLMENT_OPTIONAL

ERAS = ("BE", "CE", "auto")
LAYOUTS = ("split", "flat")
ENCODINGS = ("auto", "utf-8", "utf-8-sig", "tis-620", "cp874")
SEMESTER_CODES = ("1", "2", "3", "S")

DEFAULT_GENDERS = {
    "0": "0",
    "1": "1",
    "2": "2",
    "9": "9",
    "M": "1",
    "F": "2",
    "MALE": "1",
    "FEMALE": "2",
    "ชาย": "1",
    "หญิง": "2",
}


class ProfileError(ValueError):
    """A profile file that cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class Profile:
    """A parsed mapping profile. Build one with `load_profile`."""

    name: str
    layout: str = "split"
    institution_file: str = "institution.toml"
    students_file: str = "students.csv"
    enrollments_file: str = "enrollments.csv"
    export_file: str = "export.csv"
    delimiter: str = ","
    encoding: str = "auto"
    date_formats: tuple[str, ...] = ("%Y-%m-%d",)
    date_era: str = "CE"
    year_era: str = "auto"
    semesters: Mapping[str, str] = field(default_factory=lambda: {c: c for c in SEMESTER_CODES})
    grades: Mapping[str, str] = field(default_factory=dict)
    genders: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_GENDERS))
    columns: Mapping[str, str] = field(default_factory=dict)
    source: str = "<built-in>"

    def column(self, canonical: str) -> str:
        """The export's header for a canonical field."""
        return self.columns.get(canonical, canonical)

    def semester_code(self, spelling: str) -> str | None:
        text = spelling.strip()
        return self.semesters.get(text) or self.semesters.get(text.upper())

    def grade_symbol(self, spelling: str) -> str:
        text = spelling.strip()
        return self.grades.get(text) or self.grades.get(text.upper()) or text

    def gender_code(self, spelling: str) -> str | None:
        text = spelling.strip()
        return self.genders.get(text) or self.genders.get(text.upper())


def builtin_profiles() -> dict[str, Path]:
    return {p.stem: p for p in sorted(PROFILES_DIR.glob("*.toml"))}


def load_profile(source: str | Path | None = None) -> Profile:
    """A built-in profile by name (default ``canonical``) or a profile TOML file."""
    if source is None:
        source = "canonical"
    path = builtin_profiles().get(str(source)) if isinstance(source, str) else None
    if path is None:
        path = Path(source)
    if not path.is_file():
        names = ", ".join(builtin_profiles())
        raise ProfileError(f"no profile {str(source)!r}: give a built-in name ({names}) or a TOML file")
    try:
        with path.open("rb") as handle:
            table = tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"{path}: not valid TOML: {exc}") from None
    return profile_from_mapping(table, source=str(path))


def profile_from_mapping(table: Mapping[str, Any], *, source: str = "<mapping>") -> Profile:
    def fail(key: str, message: str) -> ProfileError:
        return ProfileError(f"{source}: {key}: {message}")

    def text(section: Mapping[str, Any], key: str, default: str, allowed: tuple[str, ...] = ()) -> str:
        value = section.get(key, default)
        if not isinstance(value, str):
            raise fail(key, f"must be a string, not {value!r}")
        if allowed and value not in allowed:
            raise fail(key, f"must be one of {', '.join(allowed)}, not {value!r}")
        return value

    def table_of_strings(key: str, base: Mapping[str, str] | None = None) -> dict[str, str]:
        raw = table.get(key, {})
        if not isinstance(raw, Mapping):
            raise fail(key, "must be a table")
        merged = dict(base or {})
        for k, v in raw.items():
            if not isinstance(v, str):
                raise fail(f"{key}.{k}", f"must be a string, not {v!r}")
            merged[str(k)] = v
        return merged

    files = table.get("files", {})
    csv_section = table.get("csv", {})
    dates = table.get("dates", {})
    years = table.get("years", {})
    delimiter = text(csv_section, "delimiter", ",")
    if len(delimiter) != 1:
        raise fail("csv.delimiter", f"must be one character, not {delimiter!r}")
    formats = dates.get("formats", ["%Y-%m-%d"])
    if isinstance(formats, str):
        formats = [formats]
    if not formats or not all(isinstance(f, str) and "%Y" in f for f in formats):
        raise fail("dates.formats", "must be a list of formats, each with %Y (and %m, %d)")
    semesters = table_of_strings("semesters", {c: c for c in SEMESTER_CODES})
    for spelling, code in semesters.items():
        if code not in SEMESTER_CODES:
            raise fail(
                f"semesters.{spelling}",
                f"must map to one of {', '.join(SEMESTER_CODES)}, not {code!r}",
            )
    columns = table_of_strings("columns")
    unknown = set(columns) - set(STUDENT_FIELDS) - set(ENROLLMENT_FIELDS)
    if unknown:
        raise fail("columns", f"unknown canonical fields: {', '.join(sorted(unknown))}")
    return Profile(
        name=text(table, "name", Path(source).stem),
        layout=text(table, "layout", "split", LAYOUTS),
        institution_file=text(files, "institution", "institution.toml"),
        students_file=text(files, "students", "students.csv"),
        enrollments_file=text(files, "enrollments", "enrollments.csv"),
        export_file=text(files, "export", "export.csv"),
        delimiter=delimiter,
        encoding=text(csv_section, "encoding", "auto", ENCODINGS),
        date_formats=tuple(formats),
        date_era=text(dates, "era", "CE", ERAS),
        year_era=text(years, "era", "auto", ERAS),
        semesters=semesters,
        grades=table_of_strings("grades"),
        genders=table_of_strings("genders", DEFAULT_GENDERS),
        columns=columns,
        source=source,
    )
