"""The speed-ups give the libraries' own results, errors and stream positions; importing the
library changes no other library; the speed-ups are enabled only when asked, at the versions
they were written for."""

from __future__ import annotations

import io
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.misc import PdfStreamError

from transcript import _speedups
from transcript._speedups import asn1crypto as fast_asn1
from transcript._speedups import pyhanko as fast_pyhanko
from transcript._speedups import reportlab as fast_reportlab

THAI = "มหาวิทยาลัย"


def _both(data: bytes) -> tuple[tuple, tuple]:
    """(result or error, position after) of the library's reader and of the fast path."""
    outcomes = []
    for read in (fast_pyhanko._library_read_hex, fast_pyhanko.read_hex_string):
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


def test_enabled_for_pyhanko_and_asn1crypto(speedups) -> None:  # type: ignore[no-untyped-def]
    from asn1crypto import x509 as asn1_x509

    assert generic.read_hex_string_from_stream is fast_pyhanko.read_hex_string
    assert asn1_x509.Name.__eq__ is fast_asn1.name_eq
    assert sorted(_speedups.enabled()) == sorted(_speedups.PINNED)


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
    assert fast_asn1.name_eq(a, b) == fast_asn1._library_name_eq(a, b)
    assert fast_asn1.name_eq(b, a) == fast_asn1._library_name_eq(b, a)
    assert fast_asn1.name_eq(a, "not a name") is False


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
    assert fast_asn1.name_eq(first, second) == fast_asn1._library_name_eq(first, second)
    assert fast_asn1.name_hashable(first) == fast_asn1._library_name_hashable(first)
    assert fast_asn1.name_hashable(first) == fast_asn1.name_hashable(first)  # remembered


@given(st.text(max_size=40))
def test_string_preparation_is_asn1cryptos(text: str) -> None:
    try:
        expected = fast_asn1._library_string_prep(None, text)
    except ValueError as exc:  # prohibited or bidirectionally mixed characters
        with pytest.raises(ValueError, match=re.escape(str(exc))):
            fast_asn1.string_prep(None, text)  # type: ignore[arg-type]
        return
    assert fast_asn1.string_prep(None, text) == expected  # type: ignore[arg-type]


@given(st.one_of(st.integers(), st.floats(allow_nan=True, allow_infinity=False)))
def test_pdf_numbers_are_written_as_reportlab_writes_them(number: float) -> None:
    from reportlab.pdfbase import pdfdoc

    document = pdfdoc.PDFDocument()
    outcomes = []
    for write in (fast_reportlab._library_pdf_format, fast_reportlab.pdf_format):
        try:
            outcomes.append(write(number, document))
        except ValueError as exc:  # reportlab's number formatter refuses very large numbers
            outcomes.append(str(exc))
    assert outcomes[0] == outcomes[1]


def test_pdf_objects_other_than_numbers_are_reportlabs() -> None:
    from reportlab.pdfbase import pdfdoc

    document = pdfdoc.PDFDocument()
    for element in ("Zürich", b"raw", pdfdoc.PDFArray([1, 2.5, "x"]), True, None):
        assert fast_reportlab.pdf_format(element, document) == fast_reportlab._library_pdf_format(
            element, document
        )


@given(st.one_of(st.text(), st.text(alphabet=st.characters(max_codepoint=127)), st.binary()))
def test_pdf_text_is_encoded_as_reportlab_encodes_it(text: str | bytes) -> None:
    outcomes = []
    for encode in (fast_reportlab._library_pdfdoc_encode, fast_reportlab.pdfdoc_encode):
        try:
            outcomes.append(encode(text))
        except UnicodeEncodeError as exc:
            outcomes.append((exc.reason, exc.start, exc.end))
    assert outcomes[0] == outcomes[1]


def test_pdf_text_with_the_accent_bytes_goes_the_codecs_way() -> None:
    for text in ("BT (a\x18b) Tj ET", "\x1f", "plain\n\r\t(text) \x7f", "Zürich"):
        try:
            expected = fast_reportlab._library_pdfdoc_encode(text)
        except UnicodeEncodeError:
            with pytest.raises(UnicodeEncodeError):
                fast_reportlab.pdfdoc_encode(text)
            continue
        assert fast_reportlab.pdfdoc_encode(text) == expected


@given(st.text())
def test_pdf_names_are_escaped_as_reportlab_escapes_them(name: str) -> None:
    assert fast_reportlab.pdf_name(name) == fast_reportlab._library_pdf_name(name)
    assert fast_reportlab.pdf_name(name, "!", "~") == fast_reportlab._library_pdf_name(name, "!", "~")


def test_pdf_writing_speed_ups_are_enabled_for_reportlab(speedups) -> None:  # type: ignore[no-untyped-def]
    from reportlab.pdfbase import pdfdoc

    assert pdfdoc.pdfdocEnc is fast_reportlab.pdfdoc_encode and pdfdoc.PDFName is fast_reportlab.pdf_name


@given(st.binary(max_size=4096))
def test_pdf_streams_are_compressed_as_reportlab_compresses_them(data: bytes) -> None:
    import zlib

    from reportlab.lib.rl_accel import asciiBase85Encode

    writer_zlib = fast_reportlab.PdfZlib()
    assert writer_zlib.compress(data) == zlib.compress(data)
    assert writer_zlib.compress(data) == zlib.compress(data)  # again, remembered
    assert writer_zlib.compress(data, 9) == zlib.compress(data, 9)
    assert writer_zlib.decompress(zlib.compress(data)) == data
    assert fast_reportlab.pdf_a85(data) == asciiBase85Encode(data)
    assert fast_reportlab.pdf_a85(data.decode("latin-1")) == asciiBase85Encode(data.decode("latin-1"))


def test_a_logo_and_a_qr_code_are_compressed_once_for_both_editions(speedups) -> None:  # type: ignore[no-untyped-def]
    """What recurs between documents (the logo and its mask, the QR code of a transcript's
    two editions) is compressed once; the bytes are what compressing afresh gives."""
    from reportlab.pdfbase import pdfdoc

    from transcript.render import render_pdf

    from ..helpers import EXAMPLES

    data = (EXAMPLES / "master-thesis.xml").read_bytes()
    render_pdf(data, "th")
    assert isinstance(pdfdoc.zlib, fast_reportlab.PdfZlib)
    before = fast_reportlab._compressed.cache_info()
    english = render_pdf(data, "en")
    assert fast_reportlab._compressed.cache_info().hits - before.hits >= 3  # logo, its mask, the QR code
    fast_reportlab._compressed.cache_clear()
    fast_reportlab._a85.cache_clear()
    assert render_pdf(data, "en") == english


# The library functions that the speed-ups replace, by where they live.
_PATCHABLE = """
import json
from asn1crypto import x509
from pyhanko.pdf_utils import generic
from pyhanko.sign.validation import generic_cms
from reportlab.pdfbase import pdfdoc, ttfonts
from reportlab.platypus import paragraph

def identities():
    return {
        "asn1crypto Name.__eq__": id(x509.Name.__eq__),
        "asn1crypto Name.hashable": id(x509.Name.__dict__["hashable"]),
        "asn1crypto _ldap_string_prep": id(x509.NameTypeAndValue._ldap_string_prep),
        "pyhanko read_hex_string_from_stream": id(generic.read_hex_string_from_stream),
        "pyhanko find_valid_path": id(generic_cms.find_valid_path),
        "reportlab format": id(pdfdoc.format),
        "reportlab pdfdocEnc": id(pdfdoc.pdfdocEnc),
        "reportlab PDFName": id(pdfdoc.PDFName),
        "reportlab zlib": id(pdfdoc.zlib),
        "reportlab asciiBase85Encode": id(pdfdoc.asciiBase85Encode),
        "reportlab ttfonts.shapeFragWord": id(ttfonts.shapeFragWord),
        "reportlab paragraph.shapeFragWord": id(paragraph.shapeFragWord),
        "reportlab makeToUnicodeCMap": id(ttfonts.makeToUnicodeCMap),
    }
"""


def test_importing_the_library_and_using_it_changes_no_other_library(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """In a fresh interpreter: the libraries' functions are the same objects before importing
    transcript, after, after a render, a signature, a verification and a package; and
    enabling the speed-ups does change them (the test can fail)."""
    import json
    import subprocess
    import sys

    from ..helpers import EXAMPLES

    program = (
        _PATCHABLE
        + f"""
before = identities()
import transcript
from transcript.pki.keys import load_identity, password_from
from transcript.package import build_package
from transcript.sign.pades import PdfSigner
from transcript.demo.pki import create_demo_pki
from transcript.render import render_pdf
from transcript.pki.trust import TrustSettings
after_import = identities()
demo = create_demo_pki({str(tmp_path / "pki")!r})
identity = load_identity(demo.registrar_p12, password=password_from(password_file=demo.password_file))
trust = TrustSettings.from_files([demo.root], demo.crls)
signed = transcript.XmlSigner(identity).sign(open({str(EXAMPLES / "bachelor-honours.xml")!r}, "rb").read())
render_pdf(signed, "th", trust=trust)
package = build_package(signed, "en", trust=trust, signer=PdfSigner(identity), file_name="t.xml")
assert transcript.verify(package, trust).ok
after_use = identities()
from transcript import _speedups
_speedups.enable()
after_enable = identities()
changed = [before == after_import, before == after_use, before == after_enable]
print(json.dumps([*changed, _speedups.mismatched()]))
"""
    )
    run = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    same_after_import, same_after_use, same_after_enable, mismatched = json.loads(run.stdout.splitlines()[-1])
    assert same_after_import and same_after_use
    assert same_after_enable is bool(mismatched)  # enabled (so changed) exactly when pinned


def test_the_installed_libraries_are_the_versions_the_speed_ups_were_written_for() -> None:
    """The speed-ups replace library internals written against exact versions; make installs
    those (constraints.txt). A different version leaves the speed-up off at run time: this
    says which, so that the speed-up is checked against the new version and re-pinned."""
    assert not _speedups.mismatched(), (
        f"installed library versions differ from the speed-ups' pins: {_speedups.mismatched()}; "
        "test the speed-ups against the new versions (tests/test_speedups.py) and update "
        "transcript/_speedups/__init__.py PINNED and constraints.txt together"
    )


def test_the_pins_and_the_constraints_file_agree() -> None:
    from ..helpers import ROOT

    lines = (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines()
    pins = {
        name.lower(): version for name, _, version in (line.partition("==") for line in lines if "==" in line)
    }
    for group in _speedups.PINNED.values():
        for distribution, version in group.items():
            assert pins.get(distribution.lower()) == version, distribution
