"""The fast paths give the libraries' own results, errors and stream positions."""

from __future__ import annotations

import io
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.misc import PdfStreamError

from transcript import fastpaths

THAI = "มหาวิทยาลัย"


def _both(data: bytes) -> tuple[tuple, tuple]:
    """(result or error, position after) of the library's reader and of the fast path."""
    outcomes = []
    for read in (fastpaths._library_read_hex, fastpaths.read_hex_string):
        stream = io.BytesIO(b"xx" + data)
        stream.seek(2)
        try:
            value = read(stream)
            outcomes.append((type(value), bytes(value.original_bytes), stream.tell()))
        except PdfStreamError as exc:
            outcomes.append(("error", str(exc), None))
    return outcomes[0], outcomes[1]


@pytest.mark.parametrize(
    "data",
    [
        b"<48656c6c6f> rest",
        b"<48 65\n6C\r6c\t6f\x00> /Next",
        b"<4865 6c6c 6>",  # odd number of digits: the last one is padded with 0
        b"<>",
        b"<feff00410042>",  # UTF-16 text string
        b"<" + b"0123456789abcdef" * 3000 + b">trailer",  # longer than one read chunk
        b"<" + b"ab" * 8191 + b"c>",  # the closing '>' right at a chunk boundary
        b"<4865 % a comment\n6c6c>",  # a comment: the library's own reading
        b"<48zz65>",  # not a hex digit: the library's own error
        b"<48656c",  # no closing '>': the library's own error
    ],
)
def test_hex_string_reads_as_pyhanko_does(data: bytes) -> None:
    library, fast = _both(data)
    assert fast == library


@given(st.binary(max_size=64), st.sampled_from([b"", b" ", b"\n", b"\r\n  "]))
def test_any_hex_string_round_trips_as_pyhanko_reads_it(payload: bytes, space: bytes) -> None:
    digits = payload.hex().encode()
    spaced = space.join(digits[i : i + 7] for i in range(0, len(digits), 7))
    library, fast = _both(b"<" + spaced + b">]")
    assert fast == library
    assert fast[1] == payload


def test_installed_for_pyhanko_reader() -> None:
    from asn1crypto import x509 as asn1_x509

    import transcript.verify  # noqa: F401  (installs the fast paths, for the XML checks too)

    assert generic.read_hex_string_from_stream is fastpaths.read_hex_string
    assert asn1_x509.Name.__eq__ is fastpaths.name_eq


def _name(**attributes: str) -> object:
    from asn1crypto import x509 as asn1_x509

    return asn1_x509.Name.build(attributes)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ({"common_name": "Registrar"}, {"common_name": "Registrar"}),  # identical encodings
        ({"common_name": "Registrar"}, {"common_name": "registrar  "}),  # equal after preparation
        ({"common_name": "Registrar"}, {"common_name": "Registry"}),
        ({"common_name": THAI, "country_name": "TH"}, {"common_name": THAI, "country_name": "TH"}),
        ({"common_name": THAI, "country_name": "TH"}, {"country_name": "TH", "common_name": THAI}),
        ({"common_name": "A", "organization_name": "B"}, {"common_name": "A"}),
    ],
)
def test_names_compare_as_asn1crypto_does(first: dict, second: dict) -> None:
    a, b = _name(**first), _name(**second)
    assert fastpaths.name_eq(a, b) == fastpaths._library_name_eq(a, b)
    assert fastpaths.name_eq(b, a) == fastpaths._library_name_eq(b, a)
    assert fastpaths.name_eq(a, "not a name") is False


_VALUES = st.sampled_from(["Registrar", "registrar", " Registrar  CA", "Registrar CA", THAI, "TH", "th"])
_NAMES = st.lists(
    st.one_of(
        st.tuples(st.sampled_from(["common_name", "organization_name"]), _VALUES),
        st.tuples(st.just("country_name"), st.sampled_from(["TH", "th", "GB"])),
    ),
    min_size=1,
    max_size=3,
).map(lambda pairs: _name(**dict(pairs)))


@given(_NAMES, _NAMES)
def test_any_names_compare_as_asn1crypto_does(first, second) -> None:
    assert fastpaths.name_eq(first, second) == fastpaths._library_name_eq(first, second)
    assert fastpaths.name_hashable(first) == fastpaths._library_name_hashable(first)
    assert fastpaths.name_hashable(first) == fastpaths.name_hashable(first)  # remembered


@given(st.text(max_size=40))
def test_string_preparation_is_asn1cryptos(text: str) -> None:
    try:
        expected = fastpaths._library_string_prep(None, text)
    except ValueError as exc:  # prohibited or bidirectionally mixed characters
        with pytest.raises(ValueError, match=re.escape(str(exc))):
            fastpaths.string_prep(None, text)  # type: ignore[arg-type]
        return
    assert fastpaths.string_prep(None, text) == expected  # type: ignore[arg-type]


@given(st.one_of(st.integers(), st.floats(allow_nan=True, allow_infinity=False)))
def test_pdf_numbers_are_written_as_reportlab_writes_them(number: float) -> None:
    from reportlab.pdfbase import pdfdoc

    document = pdfdoc.PDFDocument()
    outcomes = []
    for write in (fastpaths._library_pdf_format, fastpaths.pdf_format):
        try:
            outcomes.append(write(number, document))
        except ValueError as exc:  # reportlab's number formatter refuses very large numbers
            outcomes.append(str(exc))
    assert outcomes[0] == outcomes[1]


def test_pdf_objects_other_than_numbers_are_reportlabs() -> None:
    from reportlab.pdfbase import pdfdoc

    document = pdfdoc.PDFDocument()
    for element in ("Zürich", b"raw", pdfdoc.PDFArray([1, 2.5, "x"]), True, None):
        assert fastpaths.pdf_format(element, document) == fastpaths._library_pdf_format(element, document)


@given(st.one_of(st.text(), st.text(alphabet=st.characters(max_codepoint=127)), st.binary()))
def test_pdf_text_is_encoded_as_reportlab_encodes_it(text: str | bytes) -> None:
    outcomes = []
    for encode in (fastpaths._library_pdfdoc_encode, fastpaths.pdfdoc_encode):
        try:
            outcomes.append(encode(text))
        except UnicodeEncodeError as exc:
            outcomes.append((exc.reason, exc.start, exc.end))
    assert outcomes[0] == outcomes[1]


def test_pdf_text_with_the_accent_bytes_goes_the_codecs_way() -> None:
    for text in ("BT (a\x18b) Tj ET", "\x1f", "plain\n\r\t(text) \x7f", "Zürich"):
        try:
            expected = fastpaths._library_pdfdoc_encode(text)
        except UnicodeEncodeError:
            with pytest.raises(UnicodeEncodeError):
                fastpaths.pdfdoc_encode(text)
            continue
        assert fastpaths.pdfdoc_encode(text) == expected


@given(st.text())
def test_pdf_names_are_escaped_as_reportlab_escapes_them(name: str) -> None:
    assert fastpaths.pdf_name(name) == fastpaths._library_pdf_name(name)
    assert fastpaths.pdf_name(name, "!", "~") == fastpaths._library_pdf_name(name, "!", "~")


def test_pdf_writing_fast_paths_are_installed_for_reportlab() -> None:
    from reportlab.pdfbase import pdfdoc

    import transcript.render  # noqa: F401  (registering the fonts installs them)
    from transcript.render.fonts import register_fonts

    register_fonts()
    assert pdfdoc.pdfdocEnc is fastpaths.pdfdoc_encode and pdfdoc.PDFName is fastpaths.pdf_name


@given(st.binary(max_size=4096))
def test_pdf_streams_are_compressed_as_reportlab_compresses_them(data: bytes) -> None:
    import zlib

    from reportlab.lib.rl_accel import asciiBase85Encode

    writer_zlib = fastpaths.PdfZlib()
    assert writer_zlib.compress(data) == zlib.compress(data)
    assert writer_zlib.compress(data) == zlib.compress(data)  # again, remembered
    assert writer_zlib.compress(data, 9) == zlib.compress(data, 9)
    assert writer_zlib.decompress(zlib.compress(data)) == data
    assert fastpaths.pdf_a85(data) == asciiBase85Encode(data)
    assert fastpaths.pdf_a85(data.decode("latin-1")) == asciiBase85Encode(data.decode("latin-1"))


def test_a_logo_and_a_qr_code_are_compressed_once_for_both_editions() -> None:
    """What recurs between documents (the logo and its mask, the QR code of a transcript's
    two editions) is compressed once; the bytes are what compressing afresh gives."""
    from reportlab.pdfbase import pdfdoc

    from transcript.render import render_pdf

    from .conftest import EXAMPLES

    data = (EXAMPLES / "master-thesis.xml").read_bytes()
    render_pdf(data, "th")
    assert isinstance(pdfdoc.zlib, fastpaths.PdfZlib)
    before = fastpaths._compressed.cache_info()
    english = render_pdf(data, "en")
    assert fastpaths._compressed.cache_info().hits - before.hits >= 3  # logo, its mask, the QR code
    fastpaths._compressed.cache_clear()
    fastpaths._a85.cache_clear()
    assert render_pdf(data, "en") == english
