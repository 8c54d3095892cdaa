"""Exceptions of the toolkit. Each carries what a caller needs to report it."""

from __future__ import annotations

from transcript.problems import Problem


class TranscriptError(Exception):
    """Base class of every error this library raises on purpose."""


class SigningKeyError(TranscriptError):
    """A signing key that cannot be used: missing, wrong password or PIN, not a key, no certificate,
    a token that does not answer (`transcript.pki.keys`, `transcript.pki.token`)."""


class InvalidDocument(TranscriptError):
    """The bytes are not a transcript this library will read (unsafe, malformed or invalid).

    `problems` lists every reason, each located by line and path where possible.
    """

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        first = self.problems[0] if self.problems else None
        summary = str(first) if first else "invalid document"
        if len(self.problems) > 1:
            summary += f" (and {len(self.problems) - 1} more)"
        super().__init__(summary)


class UnknownGrade(TranscriptError, ValueError):
    """A grade symbol that the grade scale does not define."""

    def __init__(self, symbol: str, scale_name: str) -> None:
        self.symbol = symbol
        self.scale_name = scale_name
        super().__init__(f"grade symbol {symbol!r} is not on the grade scale {scale_name!r}")
