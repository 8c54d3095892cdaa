"""reportlab's PDF writing: numbers and ASCII text encoded as they are, key names escaped
once, recurring streams compressed once.

reportlab writes every number of a PDF (a font's widths, most of them) through its document
encoding codec; a number's text is ASCII, the same bytes in that encoding, and is encoded as
such. So is any other ASCII text without the eight control characters that PDFDocEncoding
gives other meanings (a page's operators, most of all), and the names of dictionary keys,
which recur in every object, are escaped once each. Its compression (zlib, then ASCII85 for
pages, forms and images) is remembered by content for the streams that recur from document
to document: an institution's logo and its mask, the font subsets of editions with the same
characters, a QR code drawn in both editions.
"""

from __future__ import annotations

import functools
import re
import zlib
from typing import Any

from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase import pdfdoc

_library_pdf_format = pdfdoc.format


def pdf_format(element: Any, document: Any, toplevel: int = 0) -> bytes:
    """reportlab's `pdfdoc.format`, numbers encoded directly (their text is ASCII)."""
    kind = type(element)
    if kind is int or kind is float:
        return fp_str(element).encode("ascii")
    return _library_pdf_format(element, document, toplevel)


_library_pdfdoc_encode = pdfdoc.pdfdocEnc
_library_pdf_name = pdfdoc.PDFName
# U+0018-U+001F: PDFDocEncoding puts accents at those bytes; the codec refuses the characters.
_PDFDOC_NOT_ASCII = re.compile(rb"[\x18-\x1f]")


def pdfdoc_encode(text: Any) -> Any:
    """reportlab's `pdfdocEnc`: ASCII text is the same bytes in PDFDocEncoding, but for
    U+0018-U+001F; anything else goes through the codec."""
    if type(text) is str and text.isascii():
        data = text.encode("ascii")
        if _PDFDOC_NOT_ASCII.search(data) is None:
            return data
    return _library_pdfdoc_encode(text)


@functools.lru_cache(maxsize=1024)
def _pdf_name(data: str) -> str:
    return _library_pdf_name(data)


def pdf_name(data: str, *args: Any) -> str:
    """reportlab's `PDFName` (a name escaped for PDF), remembered for names given alone."""
    if args or type(data) is not str:
        return _library_pdf_name(data, *args)
    return _pdf_name(data)


_library_a85 = pdfdoc.asciiBase85Encode
_STREAMS_REMEMBERED = 64  # recurring streams are used again at once; the rest pass through


@functools.lru_cache(maxsize=_STREAMS_REMEMBERED)
def _compressed(data: bytes) -> bytes:
    return zlib.compress(data)


@functools.lru_cache(maxsize=_STREAMS_REMEMBERED)
def _a85(data: bytes | str) -> Any:
    return _library_a85(data)


def pdf_a85(data: Any) -> Any:
    """reportlab's `asciiBase85Encode`, remembered by content."""
    return _a85(data) if type(data) in (bytes, str) else _library_a85(data)


class PdfZlib:
    """The zlib module as reportlab's PDF writer sees it: `compress` (at its default level,
    the writer's only use) remembered by content; everything else is zlib's."""

    def __getattr__(self, name: str) -> Any:
        return getattr(zlib, name)

    @staticmethod
    def compress(data: Any, /, *args: Any, **kwargs: Any) -> bytes:
        if args or kwargs or type(data) is not bytes:
            return zlib.compress(data, *args, **kwargs)
        return _compressed(data)


_library_zlib = pdfdoc.zlib


def enable() -> None:
    pdfdoc.format = pdf_format
    pdfdoc.pdfdocEnc = pdfdoc_encode
    pdfdoc.PDFName = pdf_name
    pdfdoc.zlib = PdfZlib()
    pdfdoc.asciiBase85Encode = pdf_a85


def disable() -> None:
    pdfdoc.format = _library_pdf_format
    pdfdoc.pdfdocEnc = _library_pdfdoc_encode
    pdfdoc.PDFName = _library_pdf_name
    pdfdoc.zlib = _library_zlib
    pdfdoc.asciiBase85Encode = _library_a85
