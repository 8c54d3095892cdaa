"""Thai text on paper: word boundaries, line breaking, and dates in either edition.

Thai writes no spaces between words, so a line may only break where a dictionary says a
word ends (pythainlp's ``newmm`` segmenter, pure Python, on every platform). reportlab's own
wrapping breaks inside words (and even inside a grapheme cluster), so lines are broken here,
measured with the shaped width, and handed to reportlab already broken.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache

from reportlab.pdfbase import pdfmetrics

from transcript.render.fonts import text_width

THAI_MONTHS = (
    "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
    "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม",
)  # fmt: skip
ENGLISH_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_THAI = re.compile(r"[\u0e00-\u0e7f]")


def long_date(value: dt.date, language: str) -> str:
    """4 พฤษภาคม 2563 (Buddhist era) in Thai; 4 May 2020 in English."""
    if language == "th":
        return f"{value.day} {THAI_MONTHS[value.month - 1]} {value.year + 543}"
    return f"{value.day} {ENGLISH_MONTHS[value.month - 1]} {value.year}"


def is_thai(text: str) -> bool:
    """Whether `text` has any Thai character (and so needs shaping and word segmentation)."""
    return _THAI.search(text) is not None


@lru_cache(maxsize=8192)
def words(text: str) -> tuple[str, ...]:
    """Units a line may break between: Thai words from the dictionary, other runs at spaces."""
    if not is_thai(text):
        return tuple(re.findall(r"\S+\s*", text))
    from pythainlp.tokenize import word_tokenize  # loads its dictionary on first use

    units: list[str] = []
    for token in word_tokenize(text, engine="newmm", keep_whitespace=True):
        if token.isspace() and units:
            units[-1] += token
        else:
            units.append(token)
    return tuple(units)


# A break never comes before a combining mark (Thai vowels above and below, tone marks), before
# SARA A / AA / AM / LAKKHANGYAO, or after a leading vowel (it is written before its consonant).
_NO_BREAK_BEFORE = "\u0e30\u0e32\u0e33\u0e45"
_NO_BREAK_AFTER = "\u0e40\u0e41\u0e42\u0e43\u0e44"


def _broken_between_characters(word: str, measure: Callable[[str], float], width: float) -> list[str]:
    """`word` in pieces that fit `width` (a piece of one cluster when even that does not)."""
    clusters: list[str] = []
    for char in word:
        joins = clusters and (
            unicodedata.category(char) in ("Mn", "Mc")
            or char in _NO_BREAK_BEFORE
            or clusters[-1][-1] in _NO_BREAK_AFTER
        )
        if joins:
            clusters[-1] += char
        else:
            clusters.append(char)
    pieces: list[str] = []
    piece = ""
    for cluster in clusters:
        if piece and measure((piece + cluster).rstrip()) > width:
            pieces.append(piece)
            piece = cluster
        else:
            piece += cluster
    return [*pieces, piece] if piece else pieces


def break_lines(
    text: str, font: str, size: float, width: float, *, keep_together: bool = False, from_end: bool = False,
    shaped: bool = True,
) -> list[str]:  # fmt: skip
    """`text` broken into lines no wider than `width`, never inside a word that fits a line.

    Spaces (phrase boundaries in Thai) are preferred: a space-separated chunk is split into
    dictionary words only when it cannot fit on a line of its own; a word wider than a line
    (a long code or web address with no spaces) is broken between characters, never between
    a Thai consonant and its marks, rather than run into the next column. With
    `keep_together` (names) chunks are never split: a name part wider than a whole column is
    left whole. `from_end` breaks a name: its last parts (given and family names) stay
    together after its titles (`_name_lines`). Widths are HarfBuzz's for `shaped` text, else the
    font's plain advances (as unshaped text is drawn).
    """
    measure = text_width if shaped else pdfmetrics.stringWidth
    if measure(text, font, size) <= width:
        return [text]
    units: list[str] = []
    for chunk in re.findall(r"\S+\s*", text):
        if keep_together or measure(chunk.rstrip(), font, size) <= width:
            units.append(chunk)
            continue
        for unit in words(chunk):
            if measure(unit.rstrip(), font, size) <= width:
                units.append(unit)
            else:
                units.extend(_broken_between_characters(unit, lambda t: measure(t, font, size), width))
    if from_end:
        return _name_lines(units, lambda t: measure(t, font, size), width)
    lines: list[str] = []
    current = ""
    for unit in units:
        candidate = current + unit
        if current and measure(candidate.rstrip(), font, size) > width:
            lines.append(current.rstrip())
            current = unit.lstrip()
        else:
            current = candidate
    if current.strip():
        lines.append(current.rstrip())
    return lines


def _name_lines(units: list[str], measure: Callable[[str], float], width: float) -> list[str]:
    """A name's parts on lines: on two lines when it can, the given and family names (its last
    two parts) together on the second, the lines as even as they can be ("Asst. Prof. Dr." /
    "Kanokwan Thongdee"); else filled from the end."""
    best: tuple[tuple[bool, float], list[str]] | None = None
    for cut in range(1, len(units)):
        first, second = "".join(units[:cut]).rstrip(), "".join(units[cut:]).rstrip()
        widest = max(measure(first), measure(second))
        if widest <= width:
            rank = (len(units) - cut < 2, widest)
            if best is None or rank < best[0]:
                best = (rank, [first, second])
    if best is not None:
        return best[1]
    backwards: list[str] = []
    current = ""
    for unit in reversed(units):
        candidate = unit + current
        if current and measure(candidate.rstrip()) > width:
            backwards.append(current.rstrip())
            current = unit
        else:
            current = candidate
    if current.strip():
        backwards.append(current.rstrip())
    return backwards[::-1]
