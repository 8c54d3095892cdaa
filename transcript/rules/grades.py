"""Grade scales: what each grade symbol is worth, and how a GPA is rounded.

Two scales used by Thai universities are built in (see the message specification); an
institution with another scale declares it in TOML::

    name = "my-university"
    rounding = "half-up"          # or "truncate" (the default, as Thai regulations state)
    [grades]
    A = 4
    "B+" = 3.5
    F = 0
    S = { credit = true }          # earns credit, outside the GPA
    W = { credit = false }         # earns nothing, outside the GPA

A symbol with a number counts in the GPA and earns its credits unless its grade point is 0
(an F). A symbol given as a table sits outside the GPA; ``credit`` says whether it earns
the course credits.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation
from enum import Enum
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

from transcript.errors import UnknownGrade


class Rounding(str, Enum):
    """How a GPA is brought to its stated number of decimals."""

    TRUNCATE = "truncate"
    HALF_UP = "half-up"

    def apply(self, value: Decimal, decimals: int = 2) -> Decimal:
        quantum = Decimal(1).scaleb(-decimals)
        mode = ROUND_DOWN if self is Rounding.TRUNCATE else ROUND_HALF_UP
        return value.quantize(quantum, rounding=mode)


@dataclass(frozen=True)
class Grade:
    """One grade symbol. `point` is None for symbols outside the GPA (S, U, W, ...)."""

    symbol: str
    point: Decimal | None
    earns_credit: bool

    @property
    def in_gpa(self) -> bool:
        return self.point is not None

    def credit_earned(self, credit: Decimal) -> Decimal:
        return credit if self.earns_credit else Decimal(0)


@dataclass(frozen=True)
class GradeScale:
    """A named set of grade symbols with the rounding its GPA uses."""

    name: str
    grades: Mapping[str, Grade]
    rounding: Rounding = Rounding.TRUNCATE
    decimals: int = 2

    def get(self, symbol: str) -> Grade | None:
        """The grade for a symbol, or None. Symbols compare without case (a+ is A+)."""
        return self.grades.get(symbol) or self.grades.get(symbol.strip().upper())

    def __getitem__(self, symbol: str) -> Grade:
        grade = self.get(symbol)
        if grade is None:
            raise UnknownGrade(symbol, self.name)
        return grade

    def __contains__(self, symbol: object) -> bool:
        return isinstance(symbol, str) and self.get(symbol) is not None

    @property
    def max_point(self) -> Decimal:
        return max((g.point for g in self.grades.values() if g.point is not None), default=Decimal(0))

    def gpa(self, points: Decimal, credits: Decimal) -> Decimal:
        """Points over credits, rounded the scale's way; 0 when no credit counts."""
        return gpa(points, credits, self.rounding, self.decimals)

    def with_rounding(self, rounding: Rounding) -> GradeScale:
        return GradeScale(self.name, self.grades, rounding, self.decimals)

    @classmethod
    def from_mapping(cls, table: Mapping[str, Any], *, default_name: str = "custom") -> GradeScale:
        """Build a scale from a parsed TOML table (see the module documentation)."""
        name = str(table.get("name", default_name))
        try:
            rounding = Rounding(str(table.get("rounding", Rounding.TRUNCATE.value)))
        except ValueError:
            raise ValueError(
                f"grade scale {name!r}: rounding must be 'truncate' or 'half-up', "
                f"not {table.get('rounding')!r}"
            ) from None
        decimals = int(table.get("decimals", 2))
        raw = table.get("grades")
        if not isinstance(raw, Mapping) or not raw:
            raise ValueError(f"grade scale {name!r}: a [grades] table with at least one symbol is needed")
        grades = {}
        for symbol, spec in raw.items():
            grades[symbol] = _grade_from_spec(name, symbol, spec)
        return cls(name, grades, rounding, decimals)


def _grade_from_spec(scale: str, symbol: str, spec: Any) -> Grade:
    if isinstance(spec, Mapping):
        unknown = set(spec) - {"credit", "point"}
        if unknown:
            raise ValueError(f"grade scale {scale!r}: symbol {symbol!r} has unknown keys {sorted(unknown)}")
        point = spec.get("point")
        if point is None:
            return Grade(symbol, None, bool(spec.get("credit", False)))
        value = _decimal(scale, symbol, point)
        return Grade(symbol, value, bool(spec.get("credit", value > 0)))
    value = _decimal(scale, symbol, spec)
    return Grade(symbol, value, value > 0)


def _decimal(scale: str, symbol: str, value: Any) -> Decimal:
    if isinstance(value, bool):
        raise ValueError(f"grade scale {scale!r}: symbol {symbol!r} needs a number, not {value!r}")
    try:
        # str() first: a TOML float such as 3.67 must become Decimal("3.67"), not its binary value.
        result = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValueError(
            f"grade scale {scale!r}: grade point of {symbol!r} is not a number: {value!r}"
        ) from None
    if result < 0 or not result.is_finite():
        raise ValueError(f"grade scale {scale!r}: grade point of {symbol!r} must be 0 or more")
    return result


def gpa(points: Decimal, credits: Decimal, rounding: Rounding, decimals: int = 2) -> Decimal:
    """Grade point average: points over credits, rounded; 0 when no credit counts."""
    if credits == 0:
        return rounding.apply(Decimal(0), decimals)
    return rounding.apply(points / credits, decimals)


def _scale(name: str, graded: Iterable[tuple[str, str]], credit: str, nothing: str) -> GradeScale:
    grades = {symbol: Grade(symbol, Decimal(point), Decimal(point) > 0) for symbol, point in graded}
    grades.update({s: Grade(s, None, True) for s in credit.split()})
    grades.update({s: Grade(s, None, False) for s in nothing.split()})
    return GradeScale(name, grades)


#: The common 8-level scale. F counts in the GPA with 0 points and earns no credit;
#: S, P and T earn credit outside the GPA; U, W, I, AU and X earn nothing.
THAI_8_LEVEL = _scale(
    "thai-8-level",
    [
        ("A", "4"),
        ("B+", "3.5"),
        ("B", "3"),
        ("C+", "2.5"),
        ("C", "2"),
        ("D+", "1.5"),
        ("D", "1"),
        ("F", "0"),
    ],
    credit="S P T",
    nothing="U W I AU X",
)

#: The scale with minus grades (A- 3.67, B+ 3.33, ...).
THAI_PLUS_MINUS = _scale(
    "thai-plus-minus",
    [
        ("A", "4"),
        ("A-", "3.67"),
        ("B+", "3.33"),
        ("B", "3"),
        ("B-", "2.67"),
        ("C+", "2.33"),
        ("C", "2"),
        ("C-", "1.67"),
        ("D", "1"),
        ("F", "0"),
    ],
    credit="S",
    nothing="U I X W",
)

BUILTIN_SCALES: dict[str, GradeScale] = {s.name: s for s in (THAI_8_LEVEL, THAI_PLUS_MINUS)}


def load_scale(source: str | Path) -> GradeScale:
    """A built-in scale by name, or a scale declared in a TOML file."""
    if isinstance(source, str) and source in BUILTIN_SCALES:
        return BUILTIN_SCALES[source]
    path = Path(source)
    if not path.is_file():
        names = ", ".join(sorted(BUILTIN_SCALES))
        raise ValueError(f"no grade scale {str(source)!r}: give a built-in name ({names}) or a TOML file")
    with path.open("rb") as handle:
        try:
            table = tomllib.load(handle)
        except tomllib.TOMLDecodeError as exc:
            raise ValueError(f"{path}: not valid TOML: {exc}") from None
    return GradeScale.from_mapping(table, default_name=path.stem)


def detect_scale(symbols_and_points: Iterable[tuple[str, Decimal | None]]) -> GradeScale:
    """The built-in scale that fits the grades of a document best.

    Used when a document is checked without a declared scale: minus grades (A-, B-, C-) or
    their grade points (3.67, 3.33, ...) mean the plus-minus scale; otherwise the 8-level one.
    """
    for symbol, point in symbols_and_points:
        grade_8 = THAI_8_LEVEL.get(symbol)
        if symbol.strip().upper() in {"A-", "B-", "C-"}:
            return THAI_PLUS_MINUS
        if point is not None and (grade_8 is None or grade_8.point != point):
            pm = THAI_PLUS_MINUS.get(symbol)
            if pm is not None and pm.point == point:
                return THAI_PLUS_MINUS
    return THAI_8_LEVEL
