"""Cells a spreadsheet shows as text: for the CSV files people open (manifests, reports)."""

from __future__ import annotations

import re

from transcript.util.text import INVISIBLE

# A spreadsheet runs a cell that starts with one of these as a formula (OWASP, CSV injection);
# ASVS adds NUL.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\0")
_CONTROL = re.compile(f"[{INVISIBLE}]")


def spreadsheet_text(cell: str) -> str:
    """`cell` as a spreadsheet shows it as text, on one line: one that starts like a formula
    gets a leading single quote, and control characters are written escaped (as \\x1b), so
    that none reaches a terminal or breaks a file's one line per row."""
    text = _CONTROL.sub(lambda found: found.group().encode("unicode_escape").decode(), cell)
    return f"'{text}" if cell.startswith(_FORMULA_START) else text
