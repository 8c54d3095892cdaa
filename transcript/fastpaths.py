"""Faster equivalents of library hot spots, installed once on import.

Each replacement gives the library's own result for the inputs it accepts and hands anything
unusual back to the library's code, so behaviour (including the errors) is the library's.
They exist because a verification spends its time there; each is a candidate upstream.

- pyHanko reads a PDF hexadecimal string one byte at a time through a generator (its
  `read_hex_string_from_stream`). A signature's /Contents is several thousand hex digits:
  about 7 ms of every PDF signature check, a third of it. The fast path finds the closing
  `>` with one search and decodes the digits in one call.
"""

from __future__ import annotations

import binascii
import re
from typing import Any, BinaryIO

from pyhanko.pdf_utils import generic

_CHUNK = 16384
# Hex digits and PDF white space only; a comment (%) or anything else goes the library's way.
_PLAIN_HEX = re.compile(rb"[0-9a-fA-F \n\r\t\f\x00]*")
_WHITESPACE = b" \n\r\t\f\x00"

_library_read_hex = generic.read_hex_string_from_stream


def read_hex_string(stream: BinaryIO) -> Any:
    """pyHanko's `read_hex_string_from_stream` (the stream is at the opening `<`), in bulk."""
    start = stream.tell()
    stream.read(1)
    parts = []
    while True:
        chunk = stream.read(_CHUNK)
        if not chunk:  # no closing '>': the library reports it in its words
            stream.seek(start)
            return _library_read_hex(stream)
        end = chunk.find(b">")
        if end < 0:
            parts.append(chunk)
            continue
        parts.append(chunk[:end])
        stream.seek(end + 1 - len(chunk), 1)  # just after the '>'
        break
    text = b"".join(parts)
    if _PLAIN_HEX.fullmatch(text) is None:
        stream.seek(start)
        return _library_read_hex(stream)
    digits = text.translate(None, _WHITESPACE)
    if len(digits) % 2:
        digits += b"0"  # PDF: a missing final digit is 0
    return generic.pdf_string(binascii.unhexlify(digits))


def install() -> None:
    """Install the fast paths (idempotent)."""
    generic.read_hex_string_from_stream = read_hex_string
