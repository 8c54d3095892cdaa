"""Do the pages say what the signed XML says, visibly?

The PDF signature proves who made the file; the XAdES signature what the transcript says.
A person reads the pages. A signer allowed for the institution could still put pages that
show another name or GPAX around a genuine signed XML, so the pages' text (read by pdfium,
a reader independent of the two that checked the file) is compared with the signed
transcript's key facts: the document number, the student number, the student's names in
the edition's language and the GPAX. Each fact must also be visible where its text is: on
the page, at a readable size, and drawn (the page rendered there is not blank or uniformly
covered), so that text hidden under a box, clipped, invisible or off the page does not
count. Pages that contradict the signed data fail the file; pages without readable text
(scanned, or drawn by a renderer that leaves no text layer) are a warning that only the
signed data shown by the verifier was verified.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from transcript.model.constants import student_number
from transcript.verify.report import Check, SubIndication

#: Fewer letters and digits than this on every page together: the text layer is not readable.
READABLE = 40
#: Smaller than this (points), a fact is not readable on paper.
SMALLEST_FONT = 4.0
#: The share of a fact's characters that must be visibly drawn.
VISIBLE_SHARE = 0.8
_SCALE = 1  # the pages are rendered at 72 dpi to look at the facts: a 6-point glyph is 6 pixels
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
# A GPAX, or the en dash the editions print where no credit counts towards it.
_GPAX = re.compile(r"GPAX\)?\s*:?\s*(\d+\.\d+|\u2013)")
# Per grey level: a table that maps the levels near it to 1 (the background) and others to 0.
_NEAR = [bytes(int(abs(level - near) <= 64) for level in range(256)) for near in range(256)]


_NOT_KEPT = re.compile(r"[^0-9A-Za-z.\-\u0e00-\u0e7f]")
_THAI = re.compile(r"[\u0e01-\u0e5b]")
_LATIN = re.compile(r"[A-Za-z]")


def _normal(text: str) -> tuple[str, list[int]]:
    """The characters compared (letters, digits, '.' and '-', lower-case; SARA AM in one form),
    and the position in `text` of each."""
    # NIKHAHIT + SARA AA is how some fonts' maps spell SARA AM: it becomes SARA AM and a
    # character that is dropped, so that positions stay those of `text`.
    text = text.replace("\u0e4d\u0e32", "\u0e33\x00")
    dropped = _NOT_KEPT.sub("\x00", text)
    return dropped.replace("\x00", "").lower(), [i for i, c in enumerate(dropped) if c != "\x00"]


def normalise(text: str) -> str:
    return _normal(unicodedata.normalize("NFC", text))[0]


@dataclass
class _Pages:
    """The text of every page, with where each character is."""

    text: str = ""
    where: list[tuple[int, int]] = field(default_factory=list)  # (page, character index) per text index
    flat: str = ""
    flat_where: list[int] = field(default_factory=list)  # index into `text` per flat character

    def add(self, page: int, text: str, char_index: Any) -> None:
        if self.text:
            self.text += "\n"
            self.where.append((page, -1))
        self.where.extend((page, char_index(i)) for i in range(len(text)))
        self.text += text

    def finish(self) -> None:
        self.flat, self.flat_where = _normal(self.text)

    def find(self, value: str) -> list[tuple[int, int]] | None:
        """Where the normalised `value` stands on the pages (the last occurrence), or None."""
        wanted = normalise(value)
        if not wanted:
            return None
        start = self.flat.rfind(wanted)
        if start < 0:
            return None
        return [self.where[self.flat_where[i]] for i in range(start, start + len(wanted))]

    def span(self, start: int, end: int) -> list[tuple[int, int]]:
        return [self.where[i] for i in range(start, end) if not self.text[i].isspace()]


#: PDFium may not be called from two threads at once, not even for two documents (pypdfium2's
#: documentation): the verification page verifies in a thread pool, and concurrent page reads
#: crashed its process. One lock for every use of it in this process.
_PDFIUM = threading.Lock()


def check_pages(pdf: bytes, transcript: Any) -> Check:
    """The pages check (see the module's text), one document at a time in this process."""
    with _PDFIUM:
        return _check_pages(pdf, transcript)


def _check_pages(pdf: bytes, transcript: Any) -> Check:
    import pypdfium2 as pdfium  # loaded when a package's pages are read

    try:
        document = pdfium.PdfDocument(pdf)
    except Exception as exc:
        return Check.warning(
            "pages",
            f"the pages could not be read ({type(exc).__name__}): only the signed data shown was verified",
        )
    opened: list[Any] = []
    try:
        pages, textpages = [], []
        found = _Pages()
        for number in range(len(document)):
            page = document[number]
            textpage = page.get_textpage()
            opened += [textpage, page]
            pages.append(page)
            textpages.append(textpage)
            text = textpage.get_text_range()
            found.add(number, text, _char_index(textpage, text))
        found.finish()
        if sum(c.isalnum() for c in found.flat) < READABLE:
            return Check.warning(
                "pages",
                "the pages carry no readable text, so they were not compared with the signed data: "
                "only the signed data shown by the verifier was verified, not what the pages show",
            )
        facts = _facts(transcript, found)
        missing = [what for what, where in facts if where is None]
        if missing:
            return Check.problem(
                "pages",
                SubIndication.FORMAT_FAILURE,
                f"the pages do not show the signed transcript's {', '.join(missing)}: what a reader sees is "
                "not what was signed",
            )
        look = _Look(pages, textpages)
        hidden = [what for what, where in facts if where is not None and not look.visible(where)]
        if hidden:
            return Check.problem(
                "pages",
                SubIndication.FORMAT_FAILURE,
                f"the pages carry the signed transcript's {', '.join(hidden)} as text a reader does not see "
                "(hidden, covered, too small or off the page): what a reader sees is not what was signed",
            )
        return Check.passed("pages", "the pages show the signed document number, student, name and GPAX")
    finally:
        for item in opened:
            item.close()
        document.close()


def _char_index(textpage: Any, text: str) -> Any:
    import pypdfium2.raw as pdfium_c

    count = textpage.count_chars()
    if len(text) == count:  # one text unit per character (no surrogate pairs): the same index
        return lambda text_index: text_index

    def index(text_index: int) -> int:
        found = pdfium_c.FPDFText_GetCharIndexFromTextIndex(textpage.raw, text_index)
        return found if 0 <= found < count else -1

    return index


class _Look:
    """Looks at the rendered pages where a fact's characters are."""

    def __init__(self, pages: list[Any], textpages: list[Any]) -> None:
        self.pages, self.textpages = pages, textpages
        self.bitmaps: dict[int, Any] = {}
        self.pixels: dict[int, memoryview] = {}

    def visible(self, where: list[tuple[int, int]]) -> bool:
        seen = [self._char_visible(page, index) for page, index in where if index >= 0]
        judged = [j for j in seen if j is not None]
        return bool(judged) and sum(judged) >= VISIBLE_SHARE * len(judged)

    def _char_visible(self, page_number: int, index: int) -> bool | None:
        import pypdfium2.raw as pdfium_c

        page, textpage = self.pages[page_number], self.textpages[page_number]
        left, bottom, right, top = textpage.get_charbox(index)
        if right - left <= 0.5 or top - bottom <= 0.5:
            return None  # a mark without extent (a combining vowel or tone mark): not judged
        width, height = page.get_size()
        if page.get_rotation() or left < 0 or bottom < 0 or right > width or top > height:
            return False
        if pdfium_c.FPDFText_GetFontSize(textpage.raw, index) < SMALLEST_FONT:
            return False
        bitmap = self.bitmaps.get(page_number)
        if bitmap is None:
            bitmap = self.bitmaps[page_number] = page.render(
                scale=_SCALE, grayscale=True, may_draw_forms=False
            )
        x0, x1 = int(left * _SCALE), int(right * _SCALE) + 1
        y0, y1 = int((height - top) * _SCALE), int((height - bottom) * _SCALE) + 1
        x0, y0, x1, y1 = max(x0, 0), max(y0, 0), min(x1, bitmap.width), min(y1, bitmap.height)
        if x1 <= x0 or y1 <= y0:
            return False
        pixels = self.pixels.get(page_number)
        if pixels is None:
            pixels = self.pixels[page_number] = memoryview(bitmap.buffer).cast("B")
        stride = bitmap.stride
        values = b"".join(pixels[row * stride + x0 : row * stride + x1] for row in range(y0, y1))
        background, _ = Counter(values).most_common(1)[0]
        drawn = len(values) - values.translate(_NEAR[background]).count(1)
        return 0.02 <= drawn / len(values) <= 0.98


def _facts(transcript: Any, pages: _Pages) -> list[tuple[str, list[tuple[int, int]] | None]]:
    context, student = transcript.transcript_context, transcript.student
    facts = [("document number", pages.find(context.transcript_id))]
    number = student_number(student)
    if number:
        facts.append(("student number", pages.find(number)))
    facts.append(("student's name", _name(student, edition_language(pages.text), pages)))
    summary = transcript.academic_summary
    gpax = summary.total_gpax if summary else None
    if gpax is not None:
        # No credit counted (only S/U/W... grades): the signed 0.00 is printed as an en dash.
        uncounted = summary.total_credit_calculated == 0 and gpax == 0
        facts.append(("GPAX", _gpax(Decimal(str(gpax)), pages, uncounted)))
    return facts


def edition_language(text: str) -> str:
    """'th' when most letters on the pages are Thai, else 'en' (the catalog's /Lang names the
    transcript's language, not necessarily the edition's)."""
    return "th" if len(_THAI.findall(text)) > len(_LATIN.findall(text)) else "en"


def _name(student: Any, language: str, pages: _Pages) -> list[tuple[int, int]] | None:
    """The given and family names in the edition's language (a transcript without names in
    that language: in the other)."""

    def parts(lang: str) -> list[str]:
        found = []
        for group in (student.given_name, student.family_name):
            values = [t.value for t in group if (t.language_id or "th").lower() == lang and t.value]
            found.extend(values[:1])
        return found

    names = parts(language) or parts("en" if language == "th" else "th")
    where: list[tuple[int, int]] = []
    for name in names:
        found = pages.find(name)
        if found is None:
            return None
        where += found
    return where or None


def _gpax(gpax: Decimal, pages: _Pages, uncounted: bool = False) -> list[tuple[int, int]] | None:
    """The last labelled GPAX is the signed one; with no label, the value appears somewhere.
    With `uncounted` (no credit counts towards it) the labelled GPAX may be an en dash."""
    labelled = list(_GPAX.finditer(pages.text))
    candidates = [(m.group(1), m.start(1), m.end(1)) for m in labelled[-1:]] or [
        (m.group(0), m.start(), m.end()) for m in _NUMBER.finditer(pages.text)
    ]
    for text, start, end in reversed(candidates):
        if text == "\u2013":
            if uncounted:
                return pages.span(start, end)
            continue
        try:
            if Decimal(text) == gpax:
                return pages.span(start, end)
        except InvalidOperation:
            continue
    return None
