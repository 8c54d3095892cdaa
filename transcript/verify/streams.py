"""Stream data of a PDF to verify, decoded or measured without letting it grow unbounded."""

from __future__ import annotations

import base64
import zlib

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.filters import get_generic_decoder

MIB = 1 << 20
# Filters whose output is no larger than their input (images decoded by their stated size).
TEXT_FILTERS = frozenset({"/ASCIIHexDecode", "/ASCII85Decode"})
SELF_BOUNDED = TEXT_FILTERS | {"/DCTDecode", "/JPXDecode", "/CCITTFaxDecode"}
MEASURED = SELF_BOUNDED | {"/FlateDecode"}
DEFLATE_MOST = 1032  # the largest expansion one layer of Deflate allows


class TooLarge(ValueError):
    """A stream would decode to more than its cap."""


def unarmoured(name: str, data: bytes) -> bytes:
    """`data` without its ASCII armour (ASCII85 or hexadecimal): never larger than `data`."""
    if name == "/ASCII85Decode":
        body = bytes(data).split(b"~>", 1)[0]
        return base64.a85decode(body.removeprefix(b"<~"), ignorechars=b" \t\n\r\x0b\x0c")
    return get_generic_decoder(name).decode(data, {})


def inflated_size(raw: bytes, budget: int) -> int:
    """How many bytes Deflate data inflates to, counted a mebibyte at a time and nothing kept;
    `TooLarge` past `budget`."""
    inflater = zlib.decompressobj()
    total, pending = 0, raw
    try:
        while pending:
            total += len(inflater.decompress(pending, MIB))
            if total > budget:
                raise TooLarge
            pending = inflater.unconsumed_tail
    except zlib.error as exc:
        raise ValueError(str(exc)) from None
    return total


def bounded_data(stream: generic.StreamObject, cap: int) -> bytes:
    """A stream's data, decoded with at most `cap` bytes produced (`TooLarge` beyond): only
    no filter or FlateDecode without parameters, which is what packages use."""
    raw = stream.encoded_data
    filters = stream.get("/Filter")
    if isinstance(filters, generic.ArrayObject):
        filters = filters[0] if len(filters) == 1 else filters
    if filters is None:
        if len(raw) > cap:
            raise TooLarge(f"more than {cap:,} bytes")
        return bytes(raw)
    if filters != "/FlateDecode" or stream.get("/DecodeParms") not in (None, generic.NullObject()):
        raise ValueError(f"a filter other than FlateDecode ({filters})")
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(raw, cap + 1)
    except zlib.error as exc:
        raise ValueError(f"damaged compressed data ({exc})") from None
    if len(out) > cap:
        raise TooLarge(f"it inflates to more than {cap:,} bytes")
    return out
