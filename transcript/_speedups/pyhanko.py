"""pyHanko: a PDF hexadecimal string read in bulk, and a certificate path validated once per
context for the files checked together.

- pyHanko reads a PDF hexadecimal string one byte at a time through a generator (its
  `read_hex_string_from_stream`). A signature's /Contents is several thousand hex digits:
  about 7 ms of every PDF signature check, a third of it. The fast path finds the closing
  `>` with one search and decodes the digits in one call.
- pyHanko validates the signer's certificate path (chain, signatures, CRLs) for every PDF
  it checks. The editions of one transcript are signed by the same certificate and checked
  in one validation context (one moment, the same trust and revocation data); a context
  marked with `remember_valid_paths` validates each certificate's path once and gives the
  same path again. Failures are not remembered; key usage is still checked every time.
  Without `enable`, marking a context changes nothing.
"""

from __future__ import annotations

import binascii
import re
import weakref
from typing import Any, BinaryIO

from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils import generic
from pyhanko.sign.validation import generic_cms
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.path import ValidationPath

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


_library_find_valid_path = generic_cms.find_valid_path
_valid_paths: weakref.WeakKeyDictionary[ValidationContext, dict[bytes, ValidationPath]] = (
    weakref.WeakKeyDictionary()
)


def remember_valid_paths(context: ValidationContext) -> ValidationContext:
    """Mark `context` so that each certificate's path is validated in it once (its moment,
    trust and revocation data do not change); returns the context."""
    _valid_paths[context] = {}
    return context


async def find_valid_path(
    certificate: asn1_x509.Certificate,
    paths: Any,
    validation_context: ValidationContext,
    pkix_validation_params: Any = None,
) -> ValidationPath:
    """pyHanko's `find_valid_path`; in a context marked by `remember_valid_paths`, a path
    found valid before for the same certificate is given again."""
    remembered = _valid_paths.get(validation_context) if pkix_validation_params is None else None
    if remembered is None:
        return await _library_find_valid_path(certificate, paths, validation_context, pkix_validation_params)
    key = certificate.dump()
    path = remembered.get(key)
    if path is not None:
        await paths.cancel()
        return path
    path = await _library_find_valid_path(certificate, paths, validation_context, None)
    remembered[key] = path
    return path


def enable() -> None:
    generic.read_hex_string_from_stream = read_hex_string
    generic_cms.find_valid_path = find_valid_path


def disable() -> None:
    generic.read_hex_string_from_stream = _library_read_hex
    generic_cms.find_valid_path = _library_find_valid_path
