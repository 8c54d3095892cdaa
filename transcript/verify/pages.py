"""Do the pages say what the signed XML says?

The PDF signature proves who made the file; the XAdES signature what the transcript says.
A person reads the pages. A signer allowed for the institution could still put pages that
show another name or GPAX around a genuine signed XML, so the pages' text is compared with
the signed transcript's key facts: the document number, the student number, the student's
names in the edition's language and the GPAX. Pages that contradict the signed data fail the
file; pages without readable text (scanned, or drawn by a renderer that leaves no text layer)
are a warning that only the signed data shown by the verifier was verified.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any

from .report import Check, SubIndication

#: Fewer letters and digits than this on every page together: the text layer is not readable.
READABLE = 40
_KEEP = re.compile(r"[^0-9A-Za-z\u0E00-\u0E7F.\-]+")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_GPAX = re.compile(r"GPAX\)?\s*:?\s*(\d+\.\d+)")


def page_text(pdf: bytes) -> str:
    """The text of every page, as pdfium extracts it (an independent PDF reader)."""
    import pypdfium2 as pdfium  # loaded when a package's pages are read

    document = pdfium.PdfDocument(pdf)
    try:
        texts = []
        for index in range(len(document)):
            page = document[index]
            text = page.get_textpage()
            texts.append(text.get_text_range())
            text.close()
            page.close()
        return "\n".join(texts)
    finally:
        document.close()


def normalise(text: str) -> str:
    """Letters, digits, '.' and '-' only (spaces, line breaks and extraction noise dropped),
    SARA AM in one form."""
    text = unicodedata.normalize("NFC", text).replace("\u0e4d\u0e32", "\u0e33")
    return _KEEP.sub("", text).casefold()


def edition_language(text: str) -> str:
    """'th' when most letters on the pages are Thai, else 'en' (the catalog's /Lang names the
    transcript's language, not necessarily the edition's)."""
    thai = sum("\u0e01" <= c <= "\u0e5b" for c in text)
    latin = sum(c.isascii() and c.isalpha() for c in text)
    return "th" if thai > latin else "en"


def check_pages(pdf: bytes, transcript: Any) -> Check:
    try:
        text = page_text(pdf)
    except Exception as exc:
        return Check.warning(
            "pages",
            f"the pages could not be read ({type(exc).__name__}): only the signed data shown was verified",
        )
    flat = normalise(text)
    if sum(c.isalnum() for c in flat) < READABLE:
        return Check.warning(
            "pages",
            "the pages carry no readable text, so they were not compared with the signed data: "
            "only the signed data shown by the verifier was verified, not what the pages show",
        )
    missing = [
        what for what, present in _facts(transcript, edition_language(text), text, flat) if not present
    ]
    if missing:
        return Check.problem(
            "pages",
            SubIndication.FORMAT_FAILURE,
            f"the pages do not show the signed transcript's {', '.join(missing)}: what a reader sees is "
            "not what was signed",
        )
    return Check.passed("pages", "the pages show the signed document number, student, name and GPAX")


def _facts(transcript: Any, language: str, text: str, flat: str) -> list[tuple[str, bool]]:
    context, student = transcript.transcript_context, transcript.student
    facts = [("document number", normalise(context.transcript_id) in flat)]
    number = next(
        (i.value for i in student.data_subject_id if i.scheme_id.lower() in ("studentid", "studenid")), None
    )
    if number:
        facts.append(("student number", normalise(number) in flat))
    facts.append(("student's name", _name_shown(student, language, flat)))
    gpax = transcript.academic_summary.total_gpax if transcript.academic_summary else None
    if gpax is not None:
        facts.append(("GPAX", _gpax_shown(Decimal(str(gpax)), text)))
    return facts


def _name_shown(student: Any, language: str, flat: str) -> bool:
    """The given and family names in the edition's language (a transcript without names in
    that language: in the other)."""

    def parts(lang: str) -> list[str]:
        found = []
        for group in (student.given_name, student.family_name):
            values = [t.value for t in group if (t.language_id or "th").lower() == lang and t.value]
            found.extend(values[:1])
        return found

    names = parts(language) or parts("en" if language == "th" else "th")
    return bool(names) and all(normalise(n) in flat for n in names)


def _gpax_shown(gpax: Decimal, text: str) -> bool:
    """The last labelled GPAX is the signed one; with no label, the value appears somewhere."""
    labelled = _GPAX.findall(text)
    candidates = labelled[-1:] if labelled else _NUMBER.findall(text)
    for candidate in candidates:
        try:
            if Decimal(candidate) == gpax:
                return True
        except InvalidOperation:
            continue
    return False
