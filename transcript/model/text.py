"""Choosing among a model field's texts by language (the transcript's texts carry languageID)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

_THAI = re.compile(r"[\u0e00-\u0e7f]")


def pick(texts: Sequence[Any], language: str, edition: str | None = None) -> str:
    """The text in `language`; else untagged text when `language` is the `edition`'s (an
    untagged text is in the document's own language); else the first; "" when none."""
    for text in texts:
        if (text.language_id or "").lower() == language:
            return str(text.value)
    untagged = [t.value for t in texts if not t.language_id]
    if untagged and edition is not None and language == edition:
        return str(untagged[0])
    return str(texts[0].value) if texts else ""


def by_language(texts: Sequence[Any]) -> dict[str, str]:
    """{language: the first text in it}, untagged text under "-"."""
    found: dict[str, str] = {}
    for text in texts:
        found.setdefault((text.language_id or "").lower() or "-", text.value)
    return found


def full_name(prefix: str, parts: Sequence[str], language: str) -> str:
    """A person's name as it is written: a Thai title joins the given name (นายพีรพัฒน์), an
    English one, or one ending in a full stop (ผศ.ดร.), is a word of its own (Mr. Peerapat)."""
    rest = " ".join(p for p in parts if p)
    if not prefix:
        return rest
    separate = prefix.endswith(".") or language == "en" or not _THAI.search(prefix)
    return f"{prefix} {rest}" if separate else f"{prefix}{rest}"


NO_GPA = "\u2013"  # en dash: no credit counts towards this GPA


def gpa_text(value: Decimal | None, counted: Decimal | None = None) -> str:
    """A GPA as people read it. Where no credit counts towards it (only S/U/W... grades) the
    XML carries 0.00, the schema requiring a value; a reader would take that for a failed
    term, so every edition, page and report shows an en dash instead (docs/rules.md)."""
    if counted is not None and counted == 0:
        return NO_GPA
    return "-" if value is None else f"{value:.2f}"
