"""Problems found in a document, and the result of validating one.

Results are values: a `ValidationResult` holds every `Problem`, answers one question
(`ok`: no errors) and serialises to JSON for machines and to text for people.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any


class Severity(str, Enum):
    """How bad a problem is. Only errors make a document invalid."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a document, located as precisely as the input allows.

    `code` is stable across releases (scripts may filter on it); `path` is an XPath-like
    location such as ``/Transcript/Course[3]/CoursePointEarned`` (an index appears only for
    repeated elements); `line` and `column` are 1-based positions in the input; `file` names
    the input when the problem belongs to one of several (a registrar export's CSV files).
    """

    code: str
    severity: Severity
    message: str
    path: str | None = None
    line: int | None = None
    column: int | None = None
    file: str | None = None

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def located(self, *, line: int | None = None, column: int | None = None) -> Problem:
        """The same problem with a position filled in (never overwrites a known one)."""
        return Problem(
            self.code,
            self.severity,
            self.message,
            self.path,
            self.line if self.line is not None else line,
            self.column if self.column is not None else column,
            self.file,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "file": self.file,
        }

    def format(self, source: str | None = None) -> str:
        """``SOURCE:LINE[:COLUMN]: CODE severity: message (at PATH)``, the compiler shape."""
        where = self.file or source or "<document>"
        if self.line is not None:
            where = f"{where}:{self.line}"
            if self.column is not None and self.file is not None:
                where = f"{where}:{self.column}"
        text = f"{where}: {self.code} {self.severity.value}: {self.message}"
        if self.path:
            text += f" (at {self.path})"
        return text

    def __str__(self) -> str:
        return self.format()


@dataclass(frozen=True)
class ValidationResult:
    """Every problem found in one document; valid when there is no error."""

    problems: tuple[Problem, ...] = field(default_factory=tuple)

    @classmethod
    def of(cls, problems: Iterable[Problem]) -> ValidationResult:
        ordered = sorted(
            problems,
            key=lambda p: (p.line is None, p.line or 0, p.severity is not Severity.ERROR, p.code),
        )
        return cls(tuple(ordered))

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.is_error)

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if not p.is_error)

    @property
    def ok(self) -> bool:
        """True when the document has no errors (warnings allowed)."""
        return not self.errors

    def __bool__(self) -> bool:
        return self.ok

    def codes(self) -> list[str]:
        return [p.code for p in self.problems]

    def to_dict(self) -> dict[str, Any]:
        return {
            "valid": self.ok,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "problems": [p.to_dict() for p in self.problems],
        }

    def to_json(self, **kwargs: Any) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, **kwargs)

    def format(self, source: str | None = None) -> str:
        return "\n".join(p.format(source) for p in self.problems)

    def __str__(self) -> str:
        if not self.problems:
            return "valid: no problems"
        return self.format()
