"""The institution profile (``institution.toml``): who issues, how grades count, how it looks.

Everything a transcript needs that is the same for every student of the institution::

    [organization]
    id = "99001"
    name = { th = "มหาวิทยาลัยสยามตัวอย่าง", en = "Siam Example University" }
    school_level = { th = "อุดมศึกษา", en = "Higher Education" }
    logo = "logo.png"                  # PNG, relative to this file

    [organization.address]             # keys as in the transcript's Address
    street_name = "99 ถนนพหลโยธิน"
    city_name = "คลองหลวง"
    country_code = "TH"

    [campus]                           # optional
    id = "01"
    name = { th = "วิทยาเขตรังสิต", en = "Rangsit Campus" }

    [[registrar]]                      # the officers who certify; one or more
    title = { th = "นายทะเบียน", en = "Registrar" }
    prefix = { th = "ผู้ช่วยศาสตราจารย์ ดร.", en = "Asst. Prof. Dr." }
    name = { th = "วิไลวรรณ ศรีสุข", en = "Wilaiwan Srisuk" }
    email = "registrar@example.ac.th"

    [grading]
    scale = "thai-8-level"             # a built-in scale, or a [grading.grades] table
    rounding = "truncate"              # or "half-up"

    [transcript]
    name = { th = "ใบประมวลผลการศึกษา", en = "Academic Transcript" }
    type_code = "01"
    language = "TH"                    # the edition: TH or EN
    education_system = "two-semester"  # or "trimester"
    academic_year_era = "BE"           # how academic years are written: BE or CE
    id_format = "{organization_id}-{student_id}-{issued:%Y%m%d}"
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from transcript import (
    Address,
    CampusContext,
    GradeScale,
    Organization,
    Registrar,
    Rounding,
    Text,
    load_scale,
)

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

ADDRESS_KEYS = (
    "street_name",
    "city_sub_division_name",
    "city_name",
    "country_sub_division_name",
    "country_code",
    "postcode_code",
)

EDUCATION_SYSTEMS: dict[str, dict[str, Any]] = {
    "two-semester": {
        "label": {"th": "ทวิภาค", "en": "Two-semester system"},
        "semesters": {
            "1": {"th": "ภาคต้น", "en": "First Semester"},
            "2": {"th": "ภาคปลาย", "en": "Second Semester"},
            "S": {"th": "ภาคฤดูร้อน", "en": "Summer Session"},
        },
    },
    "trimester": {
        "label": {"th": "ไตรภาค", "en": "Trimester system"},
        "semesters": {
            "1": {"th": "ภาคการศึกษาที่ 1", "en": "First Trimester"},
            "2": {"th": "ภาคการศึกษาที่ 2", "en": "Second Trimester"},
            "3": {"th": "ภาคการศึกษาที่ 3", "en": "Third Trimester"},
            "S": {"th": "ภาคฤดูร้อน", "en": "Summer Session"},
        },
    },
}

SEMESTER_ORDER = {"1": 1, "2": 2, "3": 3, "S": 4}


class InstitutionError(ValueError):
    """An institution file that cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class Institution:
    """The parsed institution profile, ready to stamp onto every transcript."""

    organization: Organization
    scale: GradeScale
    transcript_name: tuple[Text, ...]
    type_code: str
    language: str
    education_system: tuple[Text, ...]
    semester_names: Mapping[str, tuple[Text, ...]]
    academic_year_era: str
    id_format: str
    source: str = field(default="<mapping>")
    status_url: str | None = None  # where the signed status list is published ([transcript] status_url)
    verify_url: str | None = None  # the institution's verification site: the QR code opens it

    def semester_texts(self, code: str) -> list[Text]:
        return [Text(value=t.value, language_id=t.language_id) for t in self.semester_names[code]]

    def education_texts(self) -> list[Text]:
        return [Text(value=t.value, language_id=t.language_id) for t in self.education_system]


def load_institution(path: Path) -> Institution:
    if not path.is_file():
        raise InstitutionError(f"{path}: file not found (every export needs an institution file)")
    try:
        with path.open("rb") as handle:
            table = tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise InstitutionError(f"{path}: not valid TOML: {exc}") from None
    return institution_from_mapping(table, base=path.parent, source=str(path))


def institution_from_mapping(table: Mapping[str, Any], *, base: Path, source: str) -> Institution:
    def fail(key: str, message: str) -> InstitutionError:
        return InstitutionError(f"{source}: {key}: {message}")

    def section(key: str, required: bool = True) -> Mapping[str, Any]:
        value = table.get(key)
        if value is None and not required:
            return {}
        if not isinstance(value, Mapping):
            raise fail(f"[{key}]", "missing or not a table")
        return value

    def string(mapping: Mapping[str, Any], key: str, where: str, default: str | None = None) -> str:
        value = mapping.get(key, default)
        if not isinstance(value, str) or not value.strip():
            raise fail(f"{where}.{key}", "needs a non-empty string")
        return value.strip()

    def texts(mapping: Mapping[str, Any], key: str, where: str, required: bool = True) -> list[Text]:
        value = mapping.get(key)
        if value is None and not required:
            return []
        if isinstance(value, str) and value.strip():
            return [Text(value=value.strip())]
        if not isinstance(value, Mapping) or not value:
            raise fail(f"{where}.{key}", 'needs a table like { th = "...", en = "..." }')
        result = []
        for language, text in value.items():
            if not isinstance(text, str) or not text.strip():
                raise fail(f"{where}.{key}.{language}", "needs a non-empty string")
            result.append(Text(value=text.strip(), language_id=language))
        return result

    def address(mapping: Mapping[str, Any] | None, where: str) -> Address | None:
        if mapping is None:
            return None
        if not isinstance(mapping, Mapping):
            raise fail(where, "must be a table")
        unknown = set(mapping) - set(ADDRESS_KEYS)
        if unknown:
            raise fail(
                where,
                f"unknown keys {', '.join(sorted(unknown))} (known: {', '.join(ADDRESS_KEYS)})",
            )
        return Address(**{k: string(mapping, k, where) for k in mapping})

    org = section("organization")
    logo = None
    if "logo" in org:
        logo_path = base / string(org, "logo", "organization")
        if not logo_path.is_file():
            raise fail("organization.logo", f"{logo_path} not found")
        logo = logo_path.read_bytes()
        if not logo.startswith(b"\x89PNG\r\n\x1a\n"):
            raise fail("organization.logo", f"{logo_path} is not a PNG image")
    campus_table = section("campus", required=False)
    campus = None
    if campus_table:
        campus = CampusContext(
            campus_id=campus_table.get("id"),
            campus_name=texts(campus_table, "name", "campus", required=False),
            address=address(campus_table.get("address"), "campus.address"),
        )
    registrars = []
    raw_registrars = table.get("registrar", [])
    if not isinstance(raw_registrars, list):
        raise fail("[[registrar]]", "must be an array of tables")
    for i, entry in enumerate(raw_registrars):
        where = f"registrar[{i + 1}]"
        if not isinstance(entry, Mapping):
            raise fail(where, "must be a table")
        registrars.append(
            Registrar(
                id=entry.get("id"),
                title=texts(entry, "title", where, required=False),
                name_prefix=texts(entry, "prefix", where, required=False),
                name=texts(entry, "name", where),
                registrar_email_address=entry.get("email"),
            )
        )
    organization = Organization(
        organization_id=string(org, "id", "organization"),
        organization_name=texts(org, "name", "organization"),
        school_level=texts(org, "school_level", "organization", required=False),
        logo=logo,
        address=address(org.get("address"), "organization.address"),
        campus_context=campus,
        registrar=registrars,
    )

    grading = section("grading")
    try:
        if "grades" in grading:
            scale = GradeScale.from_mapping(grading, default_name=f"{organization.organization_id}-scale")
        else:
            scale = load_scale(string(grading, "scale", "grading"))
            if "rounding" in grading:
                scale = scale.with_rounding(Rounding(grading["rounding"]))
    except ValueError as exc:
        raise fail("grading", str(exc)) from None

    doc = section("transcript")
    system_name = doc.get("education_system", "two-semester")
    if system_name not in EDUCATION_SYSTEMS:
        raise fail("transcript.education_system", f"must be one of {', '.join(EDUCATION_SYSTEMS)}")
    system = EDUCATION_SYSTEMS[system_name]
    overrides = table.get("semester_names", {})
    semester_names = {}
    for code, names in system["semesters"].items():
        if code in overrides:
            semester_names[code] = tuple(texts(overrides, code, "semester_names"))
        else:
            semester_names[code] = tuple(Text(value=v, language_id=k) for k, v in names.items())
    era = doc.get("academic_year_era", "BE")
    if era not in ("BE", "CE"):
        raise fail("transcript.academic_year_era", f"must be BE or CE, not {era!r}")
    language = string(doc, "language", "transcript", "TH").upper()
    if language not in ("TH", "EN"):
        raise fail("transcript.language", f"must be TH or EN, not {language!r}")
    id_format = string(doc, "id_format", "transcript", "{organization_id}-{student_id}-{issued:%Y%m%d}")
    try:
        id_format.format(organization_id="X", student_id="Y", issued=dt.datetime(2000, 1, 1))
    except (KeyError, ValueError, IndexError) as exc:
        raise fail(
            "transcript.id_format",
            f"{exc!r}; it may use {{organization_id}}, {{student_id}} and {{issued:%Y%m%d}}",
        ) from None
    status_url, verify_url = doc.get("status_url"), doc.get("verify_url")
    for key, value in (("status_url", status_url), ("verify_url", verify_url)):
        if value is not None and (
            not isinstance(value, str)
            or not re.fullmatch(r"https?://[^\s\x00-\x1f\x7f]{1,200}", value.strip())
        ):
            raise fail(f"transcript.{key}", "must be an http(s) URL of up to 200 characters")
    return Institution(
        organization=organization,
        scale=scale,
        transcript_name=tuple(texts(doc, "name", "transcript")),
        type_code=string(doc, "type_code", "transcript", "01"),
        language=language,
        education_system=tuple(Text(value=v, language_id=k) for k, v in system["label"].items()),
        semester_names=semester_names,
        academic_year_era=era,
        id_format=id_format,
        source=source,
        status_url=status_url.strip() if status_url else None,
        verify_url=verify_url.strip() if verify_url else None,
    )
