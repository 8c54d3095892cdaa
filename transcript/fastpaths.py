"""Faster equivalents of library hot spots, installed once on import.

Each replacement gives the library's own result for the inputs it accepts and hands anything
unusual back to the library's code, so behaviour (including the errors) is the library's.
They exist because a verification spends its time there; each is a candidate upstream.

- pyHanko reads a PDF hexadecimal string one byte at a time through a generator (its
  `read_hex_string_from_stream`). A signature's /Contents is several thousand hex digits:
  about 7 ms of every PDF signature check, a third of it. The fast path finds the closing
  `>` with one search and decodes the digits in one call.
- asn1crypto compares distinguished names (RFC 5280, 7.1) by preparing every attribute value
  with RFC 4518 string preparation, afresh for every certificate object; a PDF check compares
  the names of the same few certificates hundreds of times. Names whose encodings are
  identical are equal without preparing them, others compare by keys remembered per
  encoding, and prepared values are remembered by string. Certificate stores key names by
  their prepared form (`Name.hashable`), also remembered per encoding.
- pyHanko validates the signer's certificate path (chain, signatures, CRLs) for every PDF
  it checks. The editions of one transcript are signed by the same certificate and checked
  in one validation context (one moment, the same trust and revocation data); a context
  marked with `remember_valid_paths` validates each certificate's path once and gives the
  same path again. Failures are not remembered; key usage is still checked every time.
- reportlab writes every number of a PDF (a font's widths, most of them) through its
  document encoding codec; a number's text is ASCII, the same bytes in that encoding, and is
  encoded as such. So is any other ASCII text without the eight control characters that
  PDFDocEncoding gives other meanings (a page's operators, most of all), and the names of
  dictionary keys, which recur in every object, are escaped once each. Its compression
  (zlib, then ASCII85 for pages, forms and images) is remembered by content for the
  streams that recur from document to document: an institution's logo and its mask, the
  font subsets of editions with the same characters, a QR code drawn in both editions.
"""

from __future__ import annotations

import binascii
import functools
import re
import weakref
import zlib
from typing import Any, BinaryIO

from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils import generic
from pyhanko.sign.validation import generic_cms
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.path import ValidationPath
from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase import pdfdoc

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


_library_pdf_format = pdfdoc.format
_library_name_eq = asn1_x509.Name.__eq__
_library_string_prep = asn1_x509.NameTypeAndValue._ldap_string_prep


_KEYS_LIMIT = 1024
_comparison_keys: dict[bytes, tuple] = {}


def _comparison_key(name: asn1_x509.Name) -> tuple:
    """What asn1crypto compares, RDN by RDN: the number of values, and each type's prepared
    value (its `_get_values`); remembered by the name's encoding."""
    encoded = name.dump()
    key = _comparison_keys.get(encoded)
    if key is None:
        key = tuple((len(rdn), tuple(sorted(rdn._get_values(rdn).items()))) for rdn in name.chosen)
        if len(_comparison_keys) >= _KEYS_LIMIT:
            _comparison_keys.clear()  # certificates of one run are few; a flood just starts over
        _comparison_keys[encoded] = key
    return key


def name_eq(self: asn1_x509.Name, other: object) -> bool:
    """asn1crypto's `Name.__eq__`: identical encodings are equal without string preparation,
    and others compare by their remembered comparison keys."""
    if not isinstance(other, asn1_x509.Name) or self.name != "" or other.name != "":
        return _library_name_eq(self, other)
    if self.dump() == other.dump():
        return True
    try:
        return _comparison_key(self) == _comparison_key(other)
    except ValueError:  # a value that cannot be prepared: the library decides (and says why)
        return _library_name_eq(self, other)


_library_name_hashable = asn1_x509.Name.hashable.fget
_hashables: dict[bytes, str] = {}


def name_hashable(self: asn1_x509.Name) -> str:
    """asn1crypto's `Name.hashable` (the prepared name, a dictionary key for certificate
    stores), remembered by the name's encoding: path building asks for it again and again."""
    encoded = self.dump()
    found = _hashables.get(encoded)
    if found is None:
        found = _library_name_hashable(self)
        if len(_hashables) >= _KEYS_LIMIT:
            _hashables.clear()
        _hashables[encoded] = found
    return found


@functools.lru_cache(maxsize=4096)
def _prepared(string: str) -> str:
    return _library_string_prep(None, string)  # a pure function of the string; self is unused


def string_prep(self: asn1_x509.NameTypeAndValue, string: str) -> str:
    """asn1crypto's RFC 4518 preparation of an attribute value, remembered by value."""
    return _prepared(string)


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


def install_pdf_writing() -> None:
    """Install the fast paths of reportlab's PDF writing (idempotent)."""
    pdfdoc.format = pdf_format
    pdfdoc.pdfdocEnc = pdfdoc_encode
    pdfdoc.PDFName = pdf_name
    pdfdoc.zlib = PdfZlib()  # type: ignore[assignment]
    pdfdoc.asciiBase85Encode = pdf_a85


def install() -> None:
    """Install the fast paths of verification (idempotent)."""
    generic.read_hex_string_from_stream = read_hex_string
    asn1_x509.Name.__eq__ = name_eq  # type: ignore[method-assign]
    asn1_x509.Name.hashable = property(name_hashable)  # type: ignore[method-assign,assignment]
    asn1_x509.NameTypeAndValue._ldap_string_prep = string_prep  # type: ignore[method-assign]
    generic_cms.find_valid_path = find_valid_path
