"""Attacks on the signed PDF package: what a PDF reader shows must be what was verified.

Each attack makes a file from a genuine package the way an attacker (or an insider holding
another certificate of the institution) could, and checks that `transcript.verify` returns
a report, without raising, whose verdict is not TOTAL-PASSED (pages with nothing to compare
may pass, with a warning). A file that forges something is first checked to be what it
claims: pikepdf (qpdf), which follows the real end of the file, shows the forged content;
separate tests show the same with poppler and PDFium where they are installed.

1. Revisions pyHanko does not see: pyHanko looks for the last ``%%EOF`` in the file's final
   1,024 bytes and reads the ``startxref`` before it; qpdf takes the last ``startxref``
   followed by a number in the final 1,054 bytes (comments included) and rebuilds the
   cross-reference table from the objects when there is none; poppler does much the same.
2. A second signature, by another certificate, over a changed page: only the last was checked.
3. Pages that contradict the signed XML they carry, pages with no text to compare, and
   text that is on the page for an extractor but not for the eye.
4. Decompression bombs: streams of a small file that inflate to a gigabyte.
5. Malformed structure and bad embedded XML, signed anew: no exception may escape.
6. XMP and document information rewritten after signing (pyHanko calls that an LTA update).
7. Other changes after signing, odd prefixes, encryption.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import io
import json
import os
import random
import re
import subprocess
import sys
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pikepdf
import pytest
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import NameOID
from pikepdf import Array, Name
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfReadError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko_certvalidator.registry import SimpleCertificateStore

import transcript
from transcript import Status, TrustSettings, Verdict, VerificationReport
from transcript.demo.pki import issue_certificate, name, new_key
from transcript.package import build_package
from transcript.pdfa.container import package_pdf
from transcript.pki.keys import SigningIdentity
from transcript.render import render_pdf
from transcript.render.layout import Stamp, build_pdf
from transcript.sign.cades import has_reserved_signature
from transcript.sign.pades import PdfSigner
from transcript.sign.xades import XmlSigner

from ..helpers import EXAMPLES, require_tool
from ..pkihelp import AttackPki

A, B = "bachelor-honours", "master-thesis"  # the victim's transcript and another student's
STUDENT = {A: "6310500123", B: "6620300045"}  # their student numbers
MARKER = b"FORGED GPAX 4.00"
FORGED_CONTENT = b"BT /Fx 24 Tf 72 400 Td (" + MARKER + b") Tj ET"
HELVETICA = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
HELVETICA_RESOURCES = b"<< /Font << /Fx " + HELVETICA + b" >> >>"
REVISION_CHECKS = ("pdf-revisions", "pdf-coverage")
BOMB_SIZE = 1 << 30  # what a bomb inflates to
MAX_RSS = 256 * 1024 * 1024  # what verifying one may cost


# ------------------------------------------------------------------ fixtures


@dataclass
class World:
    folder: Path
    pki: AttackPki
    other_pki: AttackPki  # another CA (another name, another root), trusted too
    twin_pki: AttackPki  # another CA of the same name as the registrar's, trusted too
    registrar: SigningIdentity
    trust: TrustSettings
    trust_files: dict[str, list[str]]  # the same trust as file names (for a child process)
    signed: dict[str, bytes]  # every example, signed by the registrar
    ids: dict[str, str]  # their TranscriptIDs
    rendering: bytes  # the victim's pages as the toolkit renders them
    package: bytes  # the victim's genuine package: one revision, signed in place
    unsigned: bytes  # the same before signing, with the signature's room reserved
    bare: bytes  # the same without any signature field


def _renamed_ca(pki: AttackPki) -> AttackPki:
    """`pki` with an issuing CA of another name (of the same organisation), under its root."""
    key = new_key()
    ca = issue_certificate(
        name("Siam Example University Second CA (TEST ONLY)", "Siam Example University"),
        key,
        issuer=(pki.root, pki.root_key),
        ca=True,
        path_length=0,
        not_before=pki.ca.not_valid_before_utc,
        days=1825,
    )
    return dataclasses.replace(pki, ca=ca, ca_key=key)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    folder = tmp_path_factory.mktemp("pdf-attacks")
    pki = AttackPki.create(folder / "pki")
    other = _renamed_ca(AttackPki.create(folder / "other", root_name="Other Root (TEST ONLY)"))
    twin = AttackPki.create(folder / "twin", root_name="Twin Root (TEST ONLY)")
    assert twin.ca.subject == pki.ca.subject and twin.ca.public_key() != pki.ca.public_key()
    registrar = pki.identity(common_name="Registrar, Siam Example University (TEST ONLY)")
    written = [p.write() for p in (pki, other, twin)]
    roots = [root for root, _ in written]
    crls = [crl for _, lists in written for crl in lists]
    trust = TrustSettings.from_files(roots, crls)
    xml_signer = XmlSigner(registrar)
    signed = {p.stem: xml_signer.sign(p.read_bytes()) for p in sorted(EXAMPLES.glob("*.xml"))}
    assert all(f">{number}<".encode() in signed[stem] for stem, number in STUDENT.items())
    ids = {stem: transcript.load(xml).transcript_context.transcript_id for stem, xml in signed.items()}
    signer = PdfSigner(registrar)
    rendering = render_pdf(signed[A], "th", trust=trust)
    return World(
        folder=folder,
        pki=pki,
        other_pki=other,
        twin_pki=twin,
        registrar=registrar,
        trust=trust,
        trust_files={"roots": [str(p) for p in roots], "crls": [str(p) for p in crls]},
        signed=signed,
        ids=ids,
        rendering=rendering,
        package=build_package(signed[A], "th", trust=trust, signer=signer, file_name=f"{A}.xml"),
        unsigned=package_pdf(
            signed[A], rendering, file_name=f"{A}.xml", signature_room=signer.signature_room
        ),
        bare=package_pdf(signed[A], rendering, file_name=f"{A}.xml"),
    )


# ------------------------------------------------------------------ reports


def verify(world: World, data: bytes) -> VerificationReport:
    """The verifier's report; an exception escaping it fails the test."""
    return transcript.verify(data, world.trust)


def assert_refused(report: VerificationReport) -> None:
    assert report.verdict is not Verdict.TOTAL_PASSED, report.format()


def assert_failed(report: VerificationReport, *names: str) -> None:
    """Not TOTAL-PASSED, and one of the checks `names` failed."""
    assert_refused(report)
    failed = [c.name for c in report.checks if c.status is Status.FAILED]
    assert set(failed) & set(names), f"none of {names} failed (failed: {failed})\n{report.format()}"


# ------------------------------------------------------------------ reading files as pikepdf (qpdf) does


def opened(data: bytes) -> pikepdf.Pdf:
    return pikepdf.open(io.BytesIO(data))


def page_content(data: bytes, index: int = 0) -> bytes:
    """The operators page `index` draws, every content stream joined, as qpdf reads them."""
    with opened(data) as pdf:
        return pikepdf.unparse_content_stream(pikepdf.parse_content_stream(pdf.pages[index]))


def metadata(data: bytes) -> bytes:
    with opened(data) as pdf:
        return pdf.Root.Metadata.read_bytes()


def embedded(data: bytes) -> bytes:
    with opened(data) as pdf:
        return pdf.Root.AF[0].EF.F.read_bytes()


def pdfium_text(data: bytes) -> str:
    """The text of every page as PDFium (Chrome's PDF engine) extracts it."""
    pdfium = pytest.importorskip("pypdfium2")
    document = pdfium.PdfDocument(data)
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()


# ------------------------------------------------------------------ builders: raw incremental updates


def stream(data: bytes, entries: bytes = b"") -> bytes:
    """The body of a stream object (what goes between ``obj`` and ``endobj``)."""
    return b"<< /Length %d%s >>\nstream\n" % (len(data), entries) + data + b"\nendstream"


def redefined(obj: pikepdf.Object, *, drop: tuple[str, ...] = (), **raw: bytes) -> bytes:
    """`obj`'s dictionary written again, the keys in `raw` set to raw PDF syntax."""
    skip = {*drop, *raw}
    copy = pikepdf.Dictionary({k: obj[k] for k in obj.keys() if k[1:] not in skip})  # noqa: SIM118 (streams too)
    body = copy.unparse()
    assert body.endswith(b">>")
    return body[:-2] + b"".join(b" /%s %s" % (k.encode(), v) for k, v in raw.items()) + b" >>"


def restream(obj: pikepdf.Object, data: bytes, **raw: bytes) -> bytes:
    """Stream `obj` with other (unfiltered) data, its other entries kept."""
    entries = redefined(obj, drop=("Length", "Filter", "DecodeParms"), **raw)
    return stream(data, b" " + entries[2:-2].strip())


def _decoy(startxref: int) -> bytes:
    return b"startxref\n%d\n%%%%EOF\n" % startxref


def _last_startxref(data: bytes) -> int:
    match = re.search(rb"startxref\s+(\d+)\s+%%EOF\s*$", data[-64:])
    assert match, "the base file does not end with startxref and %%EOF"
    return int(match.group(1))


ENDINGS = {
    "plain": "an ordinary incremental update (pyHanko sees it)",
    "no-eof": "no %%EOF after the update: pyHanko finds a copy of the old one before its xref",
    "commented-startxref": "the update's startxref is in a comment after a copy of the old ending",
    "trailing-zeros": "2 KB of zero bytes after the update's %%EOF: pyHanko finds no %%EOF",
    "trailing-comment": "a 2 KB comment after the update's %%EOF: pyHanko finds no %%EOF",
    "long-comment-decoy": (
        "a 2 KB comment after the update, then startxref with the old offset written as "
        "58_127 and %%EOF: Python's int() reads it, qpdf sees no number and rebuilds the "
        "table from the objects"
    ),
}
HIDDEN = [e for e in ENDINGS if e != "plain"]


def revision(
    base: bytes,
    objects: dict[int, bytes],
    *,
    ending: str = "plain",
    free: tuple[int, ...] = (),
    info: int | None = None,
    object_stream: bool = False,
) -> bytes:
    """`base` with an incremental update appended that (re)defines `objects` (number: body)
    and frees `free`, ending as `ENDINGS[ending]` says.

    With `object_stream`, the dictionaries go into an object stream and the update's
    cross-reference section is a stream.
    """
    with opened(base) as pdf:
        size = int(pdf.trailer.Size)
        root = pdf.Root.objgen[0]
        info = info if info is not None else pdf.trailer.Info.objgen[0]
        ids = pdf.trailer.ID.unparse()
    prev = _last_startxref(base)
    out = bytearray(base if base.endswith(b"\n") else base + b"\n")
    entries: dict[int, tuple[int, int, int]] = {n: (0, 0, 1) for n in free}  # (type, field 2, field 3)
    size = max([size, *(n + 1 for n in objects)])
    loose = dict(objects)
    if object_stream:
        packed = {n: body + b"\n" for n, body in objects.items() if b"\nstream\n" not in body}
        loose = {n: body for n, body in objects.items() if n not in packed}
        container, size = size, size + 1
        starts = [sum(len(body) for body in list(packed.values())[:i]) for i in range(len(packed))]
        header = b" ".join(b"%d %d" % pair for pair in zip(packed, starts, strict=True)) + b"\n"
        keys = b" /Type /ObjStm /N %d /First %d" % (len(packed), len(header))
        loose[container] = stream(header + b"".join(packed.values()), keys)
        entries.update({n: (2, container, i) for i, n in enumerate(packed)})
    for number, body in sorted(loose.items()):
        entries[number] = (1, len(out), 0)
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    if ending == "no-eof":
        out += _decoy(prev)
    xref = len(out)
    if object_stream:  # the cross-reference stream is an object too
        number, size = size, size + 1
        entries[number] = (1, xref, 0)
    trailer = b"/Size %d /Root %d 0 R /Info %d 0 R /ID %s /Prev %d" % (size, root, info, ids, prev)
    if object_stream:
        rows = b"".join(
            bytes([kind]) + a.to_bytes(4, "big") + b.to_bytes(2, "big")
            for _, (kind, a, b) in sorted(entries.items())
        )
        index = b" ".join(b"%d 1" % n for n in sorted(entries))
        out += b"%d 0 obj\n" % number
        out += stream(rows, b" /Type /XRef /W [ 1 4 2 ] /Index [ %s ] %s" % (index, trailer))
        out += b"\nendobj\n"
    else:
        out += b"xref\n0 1\n0000000000 65535 f \n"
        for number, (kind, offset, generation) in sorted(entries.items()):
            mark = b"n" if kind == 1 else b"f"
            out += b"%d 1\n%010d %05d %s \n" % (number, offset, generation, mark)
        out += b"trailer\n<< %s >>\n" % trailer
    if ending == "plain":
        out += b"startxref\n%d\n%%%%EOF\n" % xref
    elif ending == "no-eof":
        tail = b"startxref\n%d\n" % xref
        assert len(out) + len(tail) - out.rindex(b"%%EOF") < 1000, "the decoy must stay in the last 1 KB"
        out += tail
    elif ending == "commented-startxref":
        out += _decoy(prev) + b"%% startxref %d\n" % xref
    elif ending == "trailing-zeros":
        out += b"startxref\n%d\n%%%%EOF\n" % xref + bytes(2048)
    elif ending == "trailing-comment":
        out += b"startxref\n%d\n%%%%EOF\n%%" % xref + b"x" * 2048 + b"\n"
    elif ending == "long-comment-decoy":
        decoy = f"{prev:_}".encode()
        assert b"_" in decoy
        out += b"startxref\n%d\n%%%%EOF\n%%" % xref + b"x" * 2048 + b"\nstartxref\n%s\n%%%%EOF\n" % decoy
    else:
        raise ValueError(ending)
    return bytes(out)


# payloads: what a hidden (or plain) update changes, and how to see the change with pikepdf


def forged_page(world: World, base: bytes) -> dict[int, bytes]:
    """The first page draws other text (in Helvetica) instead of the transcript."""
    with opened(base) as pdf:
        page = pdf.pages[0].obj
        return {
            page.objgen[0]: redefined(page, Resources=HELVETICA_RESOURCES),
            page.Contents.objgen[0]: stream(FORGED_CONTENT),
        }


def shows_forged_page(world: World, data: bytes) -> bool:
    return MARKER in page_content(data)


def forged_xml(world: World, base: bytes) -> dict[int, bytes]:
    """Another student's genuinely signed XML embedded instead, and the XMP naming it."""
    other = world.signed[B]
    with opened(base) as pdf:
        stream_ = pdf.Root.AF[0].EF.F
        xmp = pdf.Root.Metadata
        packet = xmp.read_bytes().replace(world.ids[A].encode(), world.ids[B].encode())
        return {
            stream_.objgen[0]: restream(stream_, other, Params=b"<< /Size %d >>" % len(other)),
            xmp.objgen[0]: restream(xmp, packet),
        }


def shows_forged_xml(world: World, data: bytes) -> bool:
    return embedded(data) == world.signed[B] and world.ids[B].encode() in metadata(data)


def forged_xmp(world: World, base: bytes) -> dict[int, bytes]:
    """The XMP names another document (DocumentReferenceID)."""
    with opened(base) as pdf:
        xmp = pdf.Root.Metadata
        packet = xmp.read_bytes().replace(world.ids[A].encode(), world.ids[B].encode())
        return {xmp.objgen[0]: restream(xmp, packet)}


def shows_forged_xmp(world: World, data: bytes) -> bool:
    packet = metadata(data)
    return world.ids[B].encode() in packet and world.ids[A].encode() not in packet


PAYLOADS = {
    "page": (forged_page, shows_forged_page),
    "xml": (forged_xml, shows_forged_xml),
    "xmp": (forged_xmp, shows_forged_xmp),
}


# ------------------------------------------------------------------ builders: files signed after a change


def resave(pdf: pikepdf.Pdf) -> bytes:
    """Saved as the packager saves (the reserved signature keeps its placeholders)."""
    out = io.BytesIO()
    pdf.save(
        out,
        object_stream_mode=pikepdf.ObjectStreamMode.disable,
        compress_streams=False,
        stream_decode_level=pikepdf.StreamDecodeLevel.none,
        fix_metadata_version=False,
    )
    return out.getvalue()


def sign_in_place(data: bytes, identity: SigningIdentity) -> bytes:
    """Fill the reserved signature: one revision, covering every byte but its own value."""
    assert has_reserved_signature(data)
    return PdfSigner(identity).sign(data)


def signed_after(
    world: World,
    edit: Callable[[pikepdf.Pdf], object] | None = None,
    raw: Callable[[bytes], bytes] | None = None,
    *,
    base: bytes | None = None,
    sign: bool = True,
) -> bytes:
    """The victim's package changed by `edit` (pikepdf) and `raw` (on the saved bytes), then
    signed in place by the registrar: the PDF signature is fine, the content is the problem."""
    with opened(base or world.unsigned) as pdf:
        if edit is not None:
            edit(pdf)
        data = resave(pdf)
    if raw is not None:
        data = raw(data)
    return sign_in_place(data, world.registrar) if sign else data


def with_embedded(world: World, xml: bytes) -> bytes:
    """The package embedding `xml` instead (size and checksum made to match), signed anew."""

    def edit(pdf: pikepdf.Pdf) -> None:
        target = pdf.Root.AF[0].EF.F
        target.write(zlib.compress(xml), filter=Name.FlateDecode)
        target.Params.Size = len(xml)
        target.Params.CheckSum = pikepdf.String(hashlib.md5(xml).digest())

    return signed_after(world, edit)


def _pyhanko_signer(identity: SigningIdentity) -> signers.SimpleSigner:
    der = serialization.Encoding.DER
    certificate = asn1_x509.Certificate.load(identity.certificate.public_bytes(der))
    key = asn1_keys.PrivateKeyInfo.load(
        identity.key.private_bytes(der, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    chain = [asn1_x509.Certificate.load(c.public_bytes(der)) for c in identity.chain]
    return signers.SimpleSigner(
        signing_cert=certificate,
        signing_key=key,
        cert_registry=SimpleCertificateStore.from_certs([certificate, *chain]),
    )


def _deface(writer: IncrementalPdfFileWriter) -> None:
    """pyHanko's writer: the first page draws the forged text."""
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    font = generic.DictionaryObject(
        {
            generic.NameObject("/Type"): generic.NameObject("/Font"),
            generic.NameObject("/Subtype"): generic.NameObject("/Type1"),
            generic.NameObject("/BaseFont"): generic.NameObject("/Helvetica"),
        }
    )
    fonts = generic.DictionaryObject({generic.NameObject("/Fx"): font})
    page["/Resources"] = generic.DictionaryObject({generic.NameObject("/Font"): fonts})
    page["/Contents"] = writer.add_object(generic.StreamObject(stream_data=FORGED_CONTENT))
    writer.update_container(page)


def signed_again(base: bytes, identity: SigningIdentity, *, change_first: bool) -> bytes:
    """`base` with the first page changed and a second signature by `identity`: the change
    in a revision of its own before the signature, or in the signature's revision."""
    if change_first:
        writer = IncrementalPdfFileWriter(io.BytesIO(base))
        _deface(writer)
        out = io.BytesIO()
        writer.write(out)
        base = out.getvalue()
    writer = IncrementalPdfFileWriter(io.BytesIO(base))
    if not change_first:
        _deface(writer)
    meta = signers.PdfSignatureMetadata(
        field_name="Countersignature", md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES
    )
    out = io.BytesIO()
    signers.PdfSigner(meta, signer=_pyhanko_signer(identity)).sign_pdf(writer, output=out)
    return out.getvalue()


# ================================================================== 0. the positive control


def test_the_genuine_package_verifies(world: World) -> None:
    """The fixtures are right: the untouched package passes, with nothing failed or in doubt."""
    report = verify(world, world.package)
    assert report.verdict is Verdict.TOTAL_PASSED, report.format()
    assert report.summary is not None and report.summary.document_id == world.ids[A]
    pages = report.check("pages")
    assert pages is None or pages.status is Status.PASSED, report.format()
    with opened(world.package) as pdf:
        assert len(pdf.Root.AF) == 1 and len(pdf.pages) >= 1


# ================================================================== 1. revisions pyHanko does not see


@pytest.mark.parametrize("payload", list(PAYLOADS))
@pytest.mark.parametrize("ending", list(ENDINGS))
def test_a_revision_after_the_signature_is_refused(world: World, ending: str, payload: str) -> None:
    """An incremental update changing the page, the embedded XML (another student's genuine
    one, with an XMP to match) or the XMP, hidden from pyHanko as `ENDINGS[ending]` says:
    qpdf shows the change, so the signature does not cover what a reader sees."""
    build, shows = PAYLOADS[payload]
    data = revision(world.package, build(world, world.package), ending=ending)
    assert shows(world, data), "pikepdf must show the forged content"
    assert_failed(verify(world, data), *REVISION_CHECKS)


@pytest.mark.parametrize("ending", HIDDEN)
def test_pyhanko_does_not_see_the_hidden_revisions(world: World, ending: str) -> None:
    """The premise of the attacks above: pyHanko reads the file as the one signed revision
    (or cannot read it at all), while qpdf reads the update."""
    data = revision(world.package, forged_page(world, world.package), ending=ending)
    assert shows_forged_page(world, data)
    try:
        reader = PdfFileReader(io.BytesIO(data))
    except PdfReadError:
        assert ending.startswith("trailing-")
        return
    assert reader.xrefs.total_revisions == 1
    assert not ending.startswith("trailing-")


@pytest.mark.parametrize("ending", list(ENDINGS))
def test_poppler_sees_that_the_signature_does_not_cover_the_file(world: World, ending: str) -> None:
    """pdfsig (poppler) measures the byte range against the file: not the whole document."""
    pdfsig = require_tool("pdfsig")
    path = world.folder / f"hidden-{ending}.pdf"
    path.write_bytes(revision(world.package, forged_page(world, world.package), ending=ending))
    out = subprocess.run([pdfsig, str(path)], capture_output=True, text=True).stdout
    assert "Not total document signed" in out, out


@pytest.mark.parametrize("ending", list(ENDINGS))
def test_poppler_shows_the_forged_page(world: World, ending: str) -> None:
    """pdftotext (poppler, as a viewer reads the file) shows the forged text."""
    pdftotext = require_tool("pdftotext")
    path = world.folder / f"shown-{ending}.pdf"
    path.write_bytes(revision(world.package, forged_page(world, world.package), ending=ending))
    out = subprocess.run([pdftotext, "-l", "1", str(path), "-"], capture_output=True, text=True).stdout
    assert MARKER.decode() in out


# ================================================================== 2. only the last signature was checked


ATTACKERS: dict[str, Callable[[World], SigningIdentity]] = {
    "same-ca-same-organisation": lambda w: w.pki.identity(common_name="Someone Else (TEST ONLY)"),
    "same-ca-other-organisation": lambda w: w.pki.identity(
        common_name="Registrar, Other University (TEST ONLY)", organization="Other University"
    ),
    "other-ca-same-organisation": lambda w: w.other_pki.identity(
        common_name="Registrar, Siam Example University (TEST ONLY)"
    ),
    "twin-ca-same-organisation": lambda w: w.twin_pki.identity(
        common_name="Registrar, Siam Example University (TEST ONLY)"
    ),
    "untrusted-self-signed": lambda w: w.pki.self_signed(),
}


@pytest.mark.parametrize("change_first", [True, False], ids=["changed-then-signed", "changed-while-signing"])
@pytest.mark.parametrize("attacker", list(ATTACKERS))
def test_a_changed_page_signed_again_by_another_certificate_is_refused(
    world: World, attacker: str, change_first: bool
) -> None:
    """The genuine signature, then a change to the page, then a second valid signature over
    the whole file by another certificate: of the same CA and organisation, of another
    organisation, of another CA of the organisation, of another CA that has the registrar's
    CA's name (trusted, all four), or self-signed (untrusted)."""
    data = signed_again(world.package, ATTACKERS[attacker](world), change_first=change_first)
    assert shows_forged_page(world, data)
    assert len(PdfFileReader(io.BytesIO(data)).embedded_regular_signatures) == 2
    assert_refused(verify(world, data))


# ================================================================== 3. pages that contradict the signed data


def _common_name(identity: SigningIdentity) -> str:
    return str(identity.certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value)


def forged_rendering(world: World, edit: Callable[[bytes], bytes]) -> bytes:
    """The victim's transcript with `edit` applied to its XML, rendered with the stamp a
    verified transcript gets (as an attacker with the toolkit can)."""
    source = (EXAMPLES / f"{A}.xml").read_bytes()
    changed = edit(source)
    assert changed != source
    stamp = Stamp(
        state="verified",
        signer=_common_name(world.registrar),
        digest=hashlib.sha256(world.signed[A]).hexdigest(),
    )
    return build_pdf(transcript.load(changed), "th", stamp)


def _replacing(*pairs: tuple[str, str]) -> Callable[[bytes], bytes]:
    def edit(xml: bytes) -> bytes:
        for old, new in pairs:
            assert old.encode() in xml, old
            xml = xml.replace(old.encode(), new.encode())
        return xml

    return edit


def _another_students_pages(world: World) -> bytes:
    return render_pdf(world.signed[B], "th", trust=world.trust)


def _with_a_page_of_another_student(world: World) -> bytes:
    with opened(world.rendering) as pdf, opened(_another_students_pages(world)) as other:
        pdf.pages.append(other.pages[0])
        out = io.BytesIO()
        pdf.save(out)
        return out.getvalue()


CONTRADICTING_PAGES: dict[str, tuple[Callable[[World], bytes], str]] = {
    # name: (the pages, a text PDFium must find on them that the signed data does not say)
    "another-students-pages": (_another_students_pages, STUDENT[B]),
    "edited-gpax": (
        lambda w: forged_rendering(w, _replacing(("<tc:TotalGPAX>3.77<", "<tc:TotalGPAX>3.99<"))),
        "3.99",
    ),
    "edited-name": (
        lambda w: forged_rendering(w, _replacing(("Somying", "Somchai"), ("สมหญิง", "สมชาย"))),
        "สมชาย",
    ),
    "extra-page-of-another-student": (_with_a_page_of_another_student, STUDENT[B]),
}


def repackaged(world: World, pages: bytes) -> bytes:
    """The victim's genuine signed XML packaged around `pages` and signed in place by the
    registrar's own key: a PDF signature and an XML signature that are both genuine."""
    signer = PdfSigner(world.registrar)
    data = package_pdf(world.signed[A], pages, file_name=f"{A}.xml", signature_room=signer.signature_room)
    return sign_in_place(data, world.registrar)


@pytest.mark.parametrize("variant", list(CONTRADICTING_PAGES))
def test_pages_that_contradict_the_signed_xml_are_refused(world: World, variant: str) -> None:
    """The signed XML is the victim's, the pages show something else."""
    make, _ = CONTRADICTING_PAGES[variant]
    data = repackaged(world, make(world))
    assert embedded(data) == world.signed[A]
    report = verify(world, data)
    assert report.verdict is Verdict.TOTAL_FAILED, report.format()
    pages = report.check("pages")
    assert pages is not None and pages.status is Status.FAILED, report.format()


@pytest.mark.parametrize("variant", list(CONTRADICTING_PAGES))
def test_the_contradicting_pages_show_what_the_signed_xml_does_not(world: World, variant: str) -> None:
    """The premise of the test above, read with PDFium."""
    make, shown = CONTRADICTING_PAGES[variant]
    data = repackaged(world, make(world))
    text = pdfium_text(data)
    assert shown in text
    assert shown.encode() not in world.signed[A]


def _shapes_only(world: World) -> bytes:
    """A page of rules and boxes (as a transcript's grid), no text."""
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    lines = b"".join(b"40 %d m 555 %d l S\n" % (y, y) for y in range(100, 800, 20))
    boxes = b"0.8 g 40 780 515 40 re f 0 g 300 400 100 30 re f\n"
    pdf.pages[0].Contents = pdf.make_stream(b"0.5 w\n" + lines + boxes)
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def _image_only(world: World) -> bytes:
    """A page that is a picture (a scan of a transcript, say), no text."""
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    width, height = 64, 96
    pixels = bytes((x * 4 + y * 2) % 256 for y in range(height) for x in range(width))
    image = pdf.make_stream(pixels)
    image.Type, image.Subtype = Name.XObject, Name.Image
    image.Width, image.Height, image.BitsPerComponent = width, height, 8
    image.ColorSpace = Name.DeviceGray
    page = pdf.pages[0]
    page.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image))
    page.Contents = pdf.make_stream(b"q 515 0 0 772 40 35 cm /Im0 Do Q")
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


NO_TEXT_PAGES = {"shapes-only": _shapes_only, "image-only": _image_only}


@pytest.mark.parametrize("variant", list(NO_TEXT_PAGES))
def test_pages_without_text_get_a_warning_that_only_the_signed_data_was_verified(
    world: World, variant: str
) -> None:
    """Nothing on the pages to compare: the verdict may pass, but the report must say that
    only the signed data was verified, not what the pages show."""
    data = repackaged(world, NO_TEXT_PAGES[variant](world))
    assert pdfium_text(data).strip() == ""
    report = verify(world, data)
    pages = report.check("pages")
    assert pages is not None and pages.status is Status.WARNING, report.format()
    assert re.search(r"\bonly\b.*\bsigned\b", pages.detail, re.IGNORECASE), pages.detail


HIDDEN_TEXT = {
    # name: (a content stream before each page's own, one after): the text is still there
    # for a text extractor, but a reader does not see it
    "invisible-render-mode": (b"3 Tr\n", b""),
    "covered-by-an-opaque-box": (b"", b"\nq 1 g -1000 -1000 4000 4000 re f Q\n"),
    "clipped-away": (b"q 0 0 1 1 re W n\n", b"\nQ\n"),
    "moved-off-the-page": (b"q 1 0 0 1 5000 0 cm\n", b"\nQ\n"),
}


def _hidden_text(world: World, how: str) -> bytes:
    """The genuine pages with their text hidden from the eye (an attacker then draws what
    they like, as paths or an image)."""
    before, after = HIDDEN_TEXT[how]
    with opened(world.rendering) as pdf:
        for page in pdf.pages:
            if before:
                page.contents_add(pdf.make_stream(before), prepend=True)
            if after:
                page.contents_add(pdf.make_stream(after))
        out = io.BytesIO()
        pdf.save(out)
        return out.getvalue()


@pytest.mark.parametrize("how", list(HIDDEN_TEXT))
def test_text_a_reader_cannot_see_is_not_taken_for_the_pages(world: World, how: str) -> None:
    """Text nobody sees proves nothing about what the page shows: the pages check must not
    pass (it fails, or warns that only the signed data was verified)."""
    data = repackaged(world, _hidden_text(world, how))
    before, after = HIDDEN_TEXT[how]
    with opened(data) as pdf:
        for page in pdf.pages:
            streams = [s.read_bytes() for s in page.obj.Contents]
            assert (streams[0] == before) if before else (streams[-1] == after)
    report = verify(world, data)
    pages = report.check("pages")
    assert pages is not None and pages.status in (Status.FAILED, Status.WARNING), report.format()


def _ink(data: bytes) -> float:
    """The share of the first page's pixels that are dark, as PDFium renders it."""
    pdfium = pytest.importorskip("pypdfium2")
    document = pdfium.PdfDocument(data)
    try:
        histogram = document[0].render(scale=0.5, grayscale=True).to_pil().convert("L").histogram()
    finally:
        document.close()
    return sum(histogram[:128]) / sum(histogram)


@pytest.mark.parametrize("how", list(HIDDEN_TEXT))
def test_the_hidden_text_is_extracted_but_not_seen(world: World, how: str) -> None:
    """The premise of the test above, with PDFium: its text extraction finds the student's
    number, its rendering shows at most half the ink of the genuine page."""
    data = repackaged(world, _hidden_text(world, how))
    assert STUDENT[A] in pdfium_text(data)
    assert _ink(data) < 0.6 * _ink(world.package)


# ================================================================== 4. decompression bombs


@pytest.fixture(scope="module")
def bomb() -> bytes:
    """Deflate of BOMB_SIZE zero bytes (about 1 MB), checked to inflate to that size."""
    compressor = zlib.compressobj(9)
    chunk = bytes(1 << 20)
    parts = [compressor.compress(chunk) for _ in range(BOMB_SIZE // len(chunk))]
    raw = b"".join([*parts, compressor.flush()])
    inflater, total, pending = zlib.decompressobj(), 0, raw
    while pending:
        total += len(inflater.decompress(pending, 1 << 24))
        pending = inflater.unconsumed_tail
    assert total == BOMB_SIZE and len(raw) < BOMB_SIZE // 500
    return raw


def _bomb_target(pdf: pikepdf.Pdf, where: str) -> pikepdf.Object:
    if where == "embedded":
        return pdf.Root.AF[0].EF.F
    if where == "xmp":
        return pdf.Root.Metadata
    page = pdf.pages[0]
    if where == "contents":
        return page.obj.Contents
    assert where == "tounicode"
    font = next(iter(page.Resources.Font.values()))
    return font.ToUnicode


BOMBS = {
    # name: (the stream, filters (1 or 2 FlateDecode), signed?, made not intact after signing?)
    "embedded-xml-signed": ("embedded", 1, True, False),
    "embedded-xml-double-flate-signed": ("embedded", 2, True, False),
    "embedded-xml-unsigned": ("embedded", 1, False, False),
    "embedded-xml-not-intact": ("embedded", 1, True, True),
    "xmp-signed": ("xmp", 1, True, False),
    "page-contents-signed": ("contents", 1, True, False),
    "tounicode-cmap-signed": ("tounicode", 1, True, False),
}

# The child's peak is its VmHWM: ru_maxrss survives fork and exec on Linux, so a child's
# would report the test process's own peak when that is the larger.
CHILD = """
import json, resource, sys
from pathlib import Path
import transcript

def peak():
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024

spec = json.loads(sys.argv[1])
trust = transcript.TrustSettings.from_files(spec["roots"], spec["crls"])
report = transcript.verify(Path(spec["file"]).read_bytes(), trust)
print(json.dumps({"verdict": report.verdict.value, "rss": peak()}))
"""


def verify_in_child(world: World, path: Path) -> dict[str, object]:
    """Verify `path` in a fresh interpreter: its verdict and its peak resident memory."""
    package_root = str(Path(transcript.__file__).resolve().parent.parent)
    spec = json.dumps({**world.trust_files, "file": str(path)})
    run = subprocess.run(
        [sys.executable, "-c", CHILD, spec],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "PYTHONPATH": package_root},
    )
    assert run.returncode == 0, run.stderr[-3000:]
    return json.loads(run.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("name", list(BOMBS))
def test_a_decompression_bomb_is_refused_within_bounded_memory(world: World, bomb: bytes, name: str) -> None:
    """A stream of a small file that inflates to a gigabyte: the verifier stops early,
    refuses the file, and its peak memory stays under 256 MB."""
    where, filters, signed, spoiled = BOMBS[name]
    raw = bomb if filters == 1 else zlib.compress(bomb, 9)

    def plant(pdf: pikepdf.Pdf) -> None:
        filter_ = Name.FlateDecode if filters == 1 else Array([Name.FlateDecode, Name.FlateDecode])
        target = _bomb_target(pdf, where)
        target.write(raw, filter=filter_)
        if where == "xmp":  # qpdf saves a /Type /Metadata stream decoded: its type is hidden meanwhile
            target.Type = Name("/Metadatx")

    typed = _same_length(b"/Type /Metadatx", b"/Type /Metadata") if where == "xmp" else None
    data = signed_after(world, plant, typed, base=None if signed else world.bare, sign=signed)
    if spoiled:
        at = data.index(b"(thai-transcript") + 1
        data = data[:at] + b"T" + data[at + 1 :]
    assert len(data) < 2 * len(world.package) + len(raw)
    with opened(data) as pdf:
        target = _bomb_target(pdf, where)
        assert target.read_raw_bytes() == raw
        declared = target.Filter
        assert (len(declared) == 2) if filters == 2 else (declared == Name.FlateDecode)
    path = world.folder / f"bomb-{name}.pdf"
    path.write_bytes(data)
    result = verify_in_child(world, path)
    assert result["verdict"] != Verdict.TOTAL_PASSED.value, result
    assert isinstance(result["rss"], int) and result["rss"] < MAX_RSS, f"peak RSS {result['rss']:,} bytes"


# ================================================================== 5. no exception escapes


def _nested(depth: int) -> pikepdf.Array:
    value = Array([])
    for _ in range(depth):
        value = Array([value])
    return value


def _set(key: str, value: Callable[[pikepdf.Pdf], object]) -> Callable[[pikepdf.Pdf], None]:
    def edit(pdf: pikepdf.Pdf) -> None:
        pdf.Root[key] = value(pdf)

    return edit


def _delete(path: Callable[[pikepdf.Pdf], pikepdf.Object], *keys: str) -> Callable[[pikepdf.Pdf], None]:
    def edit(pdf: pikepdf.Pdf) -> None:
        target = path(pdf)
        for key in keys:
            del target[key]

    return edit


def _set_ef_f(value: Callable[[pikepdf.Pdf], object]) -> Callable[[pikepdf.Pdf], None]:
    def edit(pdf: pikepdf.Pdf) -> None:
        pdf.Root.AF[0].EF.F = value(pdf)
        pdf.Root.AF[0].EF.UF = pdf.Root.AF[0].EF.F

    return edit


STRUCTURES: dict[str, Callable[[pikepdf.Pdf], None]] = {
    "af-is-a-dictionary": _set("/AF", lambda pdf: pdf.Root.AF[0]),
    "af-is-an-integer": _set("/AF", lambda pdf: 42),
    "af-is-a-string": _set("/AF", lambda pdf: pikepdf.String("bachelor-honours.xml")),
    "af-is-a-name": _set("/AF", lambda pdf: Name.Alternative),
    "af-holds-null": _set("/AF", lambda pdf: Array([None])),
    "af-holds-an-integer": _set("/AF", lambda pdf: Array([7])),
    "af-holds-a-stream": _set("/AF", lambda pdf: Array([pdf.Root.Metadata])),
    "af-nested-450-deep": _set("/AF", lambda pdf: _nested(450)),
    "af-lists-the-file-twice": _set("/AF", lambda pdf: Array([pdf.Root.AF[0], pdf.Root.AF[0]])),
    "metadata-is-a-dictionary": _set("/Metadata", lambda pdf: pdf.Root.AF[0]),
    "metadata-is-an-integer": _set("/Metadata", lambda pdf: 7),
    "metadata-is-a-string": _set("/Metadata", lambda pdf: pikepdf.String("<x:xmpmeta/>")),
    "metadata-is-not-xml": _set("/Metadata", lambda pdf: pdf.make_stream(b"\x00\xff\xfe not XML <")),
    "ef-without-f": _delete(lambda pdf: pdf.Root.AF[0].EF, "/F", "/UF"),
    "filespec-without-ef": _delete(lambda pdf: pdf.Root.AF[0], "/EF"),
    "ef-f-is-a-dictionary": _set_ef_f(lambda pdf: pdf.Root.AF[0]),
    "ef-f-is-an-integer": _set_ef_f(lambda pdf: 9),
    "root-without-pages": _delete(lambda pdf: pdf.Root, "/Pages"),
    "pages-is-an-integer": _set("/Pages", lambda pdf: 8),
    "acroform-is-a-string": _set("/AcroForm", lambda pdf: pikepdf.String("form")),
}


def _same_length(old: bytes, new: bytes) -> Callable[[bytes], bytes]:
    def edit(data: bytes) -> bytes:
        assert len(old) == len(new) and data.count(old) == 1, old
        return data.replace(old, new)

    return edit


def _root_is_info(data: bytes) -> bytes:
    with opened(data) as pdf:
        root, info = pdf.Root.objgen[0], pdf.trailer.Info.objgen[0]
    return _same_length(b"/Root %d 0 R" % root, b"/Root %d 0 R" % info)(data)


def _shift_xref_offsets(data: bytes) -> bytes:
    start = data.rindex(b"\nxref\n")
    end = data.index(b"trailer", start)
    table = re.sub(rb"(\d{10}) 00000 n", lambda m: b"%010d 00000 n" % (int(m.group(1)) + 7), data[start:end])
    return data[:start] + table + data[end:]


def _startxref_nowhere(data: bytes) -> bytes:
    value = str(_last_startxref(data)).encode()
    at = data.rindex(b"startxref\n" + value)
    return data[:at] + b"startxref\n" + b"9".rjust(len(value), b"0") + data[at + 10 + len(value) :]


def _prev_loop(data: bytes) -> bytes:
    at = data.rindex(b"trailer <<") + len(b"trailer <<")
    return data[:at] + b" /Prev %d" % _last_startxref(data) + data[at:]


def _all_free(data: bytes) -> bytes:
    start = data.rindex(b"\nxref\n")
    end = data.index(b"trailer", start)
    return data[:start] + data[start:end].replace(b" 00000 n", b" 00000 f") + data[end:]


RAW_STRUCTURES: dict[str, Callable[[bytes], bytes]] = {
    "trailer-root-is-the-info-dictionary": _root_is_info,
    "xref-offsets-shifted": _shift_xref_offsets,
    "startxref-points-into-the-header": _startxref_nowhere,
    "xref-prev-points-to-itself": _prev_loop,
    "xref-marks-every-object-free": _all_free,
}


@pytest.mark.parametrize("variant", list(STRUCTURES) + list(RAW_STRUCTURES))
def test_malformed_structure_signed_anew_is_refused_without_an_exception(world: World, variant: str) -> None:
    """A structural fault, then a valid signature over the faulty file."""
    if variant in STRUCTURES:
        data = signed_after(world, STRUCTURES[variant])
    else:
        data = signed_after(world, raw=RAW_STRUCTURES[variant])
    assert data != world.package
    assert_refused(verify(world, data))


GARBAGE = {
    "header-only": b"%PDF-",
    "header-line": b"%PDF-1.7\n",
    "random-bytes": b"%PDF-1.7\n" + random.Random(7).randbytes(20_000),
    "eof-only": b"%PDF-1.7\n%%EOF\n",
    "startxref-beyond-the-file": b"%PDF-1.7\nstartxref\n999999\n%%EOF\n",
    "trailer-without-root": (
        b"%PDF-1.7\nxref\n0 1\n0000000000 65535 f \ntrailer\n<< /Size 1 >>\nstartxref\n9\n%%EOF\n"
    ),
    "an-object-and-no-xref": b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n",
}


@pytest.mark.parametrize("variant", list(GARBAGE))
def test_a_pdf_header_followed_by_garbage_is_refused(world: World, variant: str) -> None:
    assert_refused(verify(world, GARBAGE[variant]))


def test_a_signed_xml_behind_a_pdf_header_is_refused(world: World) -> None:
    """Verified as what it claims to be (a PDF), not as the XML inside."""
    assert_refused(verify(world, b"%PDF-1.7\n" + world.signed[A]))


TRUNCATIONS = [5, 9, 64, 1024, 0.25, 0.5, 0.75, -2048, -512, -100, -30, -6, -1]


@pytest.mark.parametrize("at", TRUNCATIONS)
def test_a_truncated_package_is_refused(world: World, at: float) -> None:
    data = world.package
    end = int(len(data) * at) if isinstance(at, float) else (at if at > 0 else len(data) + at)
    assert 0 < end < len(data)
    assert_refused(verify(world, data[:end]))


def _once(old: bytes, new: bytes) -> Callable[[bytes], bytes]:
    def edit(xml: bytes) -> bytes:
        assert xml.count(old) == 1, old
        return xml.replace(old, new)

    return edit


_FORGED_TIME = b"<xades:SigningTime>2020-01-01T00:00:00+00:00</xades:SigningTime>"
_LAUGHS = b"".join(b'<!ENTITY l%d "%s">' % (i, b"&l%d;" % (i - 1) * 10 if i else b"lol") for i in range(10))

BAD_XML: dict[str, Callable[[bytes], bytes]] = {
    # name: the victim's signed XML -> what is embedded instead
    "malformed": lambda xml: xml[: len(xml) // 2],
    "text-after-the-signature": _once(b"</ds:Signature>", b"</ds:Signature>" + MARKER),
    "element-after-the-signature": _once(
        b"</ds:Signature>", b"</ds:Signature><tc:Note>" + MARKER + b"</tc:Note>"
    ),
    "second-signing-time-signed": _once(
        b"<xades:SignedSignatureProperties>", b"<xades:SignedSignatureProperties>" + _FORGED_TIME
    ),
    "second-signing-time-unsigned": _once(
        b"</xades:SignedProperties>",
        b"</xades:SignedProperties><xades:UnsignedProperties><xades:UnsignedSignatureProperties>"
        + _FORGED_TIME
        + b"</xades:UnsignedSignatureProperties></xades:UnsignedProperties>",
    ),
    "a-second-root-after-the-first": lambda xml: xml + b"\n<tc:Transcript/>",
    "entity-expansion": lambda xml: b'<?xml version="1.0"?><!DOCTYPE t [' + _LAUGHS + b"]><t>&l9;</t>",
    "not-xml": lambda xml: MARKER,
    "empty": lambda xml: b"",
}


@pytest.mark.parametrize("variant", list(BAD_XML))
def test_a_bad_embedded_xml_signed_anew_is_refused(world: World, variant: str) -> None:
    """The package's PDF signature is valid (made after the change); the embedded XML is bad."""
    xml = BAD_XML[variant](world.signed[A])
    data = with_embedded(world, xml)
    assert embedded(data) == xml
    assert_refused(verify(world, data))


# ================================================================== 6. metadata rewritten after signing


def _xmp_field(world: World, base: bytes, element: str) -> dict[int, bytes]:
    with opened(base) as pdf:
        xmp = pdf.Root.Metadata
        pattern = rb"(<dc:%s>\s*<rdf:Alt>\s*<rdf:li[^>]*>)[^<]*" % element.encode()
        packet, count = re.subn(pattern, rb"\g<1>FORGED " + element.upper().encode(), xmp.read_bytes())
        assert count == 1
        return {xmp.objgen[0]: restream(xmp, packet)}


def _info_title(world: World, base: bytes) -> dict[int, bytes]:
    with opened(base) as pdf:
        info = pdf.trailer.Info
        return {info.objgen[0]: redefined(info, Title=b"(FORGED TITLE)")}


METADATA_REWRITES: dict[str, tuple[Callable[[World, bytes], bytes], Callable[[World, bytes], bool]]] = {
    "xmp-title": (
        lambda w, base: revision(base, _xmp_field(w, base, "title")),
        lambda w, data: _xmp_says(data, "dc:title", "FORGED TITLE"),
    ),
    "xmp-description": (
        lambda w, base: revision(base, _xmp_field(w, base, "description")),
        lambda w, data: _xmp_says(data, "dc:description", "FORGED DESCRIPTION"),
    ),
    "xmp-document-reference-id": (
        lambda w, base: revision(base, forged_xmp(w, base)),
        shows_forged_xmp,
    ),
    "info-title-same-object": (
        lambda w, base: revision(base, _info_title(w, base)),
        lambda w, data: _info_says(data, "FORGED TITLE"),
    ),
    "info-title-new-object": (
        lambda w, base: _new_info(base),
        lambda w, data: _info_says(data, "FORGED TITLE"),
    ),
}


def _new_info(base: bytes) -> bytes:
    with opened(base) as pdf:
        number = int(pdf.trailer.Size)
        body = redefined(pdf.trailer.Info, Title=b"(FORGED TITLE)")
    return revision(base, {number: body}, info=number)


def _xmp_says(data: bytes, key: str, value: str) -> bool:
    with opened(data) as pdf, pdf.open_metadata() as meta:
        return str(meta.get(key)) == value


def _info_says(data: bytes, title: str) -> bool:
    with opened(data) as pdf:
        return str(pdf.docinfo.get("/Title")) == title


@pytest.mark.parametrize("variant", list(METADATA_REWRITES))
def test_metadata_rewritten_after_signing_is_refused(world: World, variant: str) -> None:
    """An ordinary incremental update that changes only the XMP or the document information:
    what a reader shows as the document's title, description or reference after it was signed."""
    build, shows = METADATA_REWRITES[variant]
    data = build(world, world.package)
    assert shows(world, data)
    assert_failed(verify(world, data), *REVISION_CHECKS)


# ================================================================== 7. other changes, prefixes, encryption


def _freetext(world: World, base: bytes) -> dict[int, bytes]:
    """A FreeText annotation with its own appearance, 'GPAX 4.00', over the page."""
    with opened(base) as pdf:
        page = pdf.pages[0].obj
        note, look = int(pdf.trailer.Size), int(pdf.trailer.Size) + 1
        annots = b" ".join(b"%d 0 R" % a.objgen[0] for a in page.Annots)
        return {
            page.objgen[0]: redefined(page, Annots=b"[ %s %d 0 R ]" % (annots, note)),
            note: b"<< /Type /Annot /Subtype /FreeText /Rect [ 380 600 560 630 ] /F 4 /Contents "
            b"(GPAX 4.00) /DA (/Fx 14 Tf 0 0 1 rg) /P %d 0 R /AP << /N %d 0 R >> >>" % (page.objgen[0], look),
            look: stream(
                b"BT /Fx 14 Tf 4 8 Td (GPAX 4.00) Tj ET",
                b" /Type /XObject /Subtype /Form /BBox [ 0 0 180 30 ] /Resources " + HELVETICA_RESOURCES,
            ),
        }


def _shows_freetext(world: World, data: bytes) -> bool:
    with opened(data) as pdf:
        return any(str(a.get("/Contents", "")) == "GPAX 4.00" for a in pdf.pages[0].Annots)


def _form_field(world: World, base: bytes) -> dict[int, bytes]:
    """A text field whose value, 'GPAX 4.00', is drawn on the page."""
    with opened(base) as pdf:
        page, root = pdf.pages[0].obj, pdf.Root
        field, look = int(pdf.trailer.Size), int(pdf.trailer.Size) + 1
        annots = b" ".join(b"%d 0 R" % a.objgen[0] for a in page.Annots)
        fields_ = b" ".join(b"%d 0 R" % f.objgen[0] for f in root.AcroForm.Fields)
        form = b"<< /Fields [ %s %d 0 R ] /SigFlags 3 /DA (/Fx 0 Tf 0 g) /DR %s >>" % (
            fields_,
            field,
            HELVETICA_RESOURCES,
        )
        return {
            page.objgen[0]: redefined(page, Annots=b"[ %s %d 0 R ]" % (annots, field)),
            root.objgen[0]: redefined(root, AcroForm=form),
            field: b"<< /Type /Annot /Subtype /Widget /FT /Tx /T (gpax) /V (GPAX 4.00) /F 4 "
            b"/Rect [ 380 600 560 630 ] /DA (/Fx 14 Tf 0 g) /P %d 0 R /AP << /N %d 0 R >> >>"
            % (page.objgen[0], look),
            look: stream(
                b"/Tx BMC BT /Fx 14 Tf 4 8 Td (GPAX 4.00) Tj ET EMC",
                b" /Type /XObject /Subtype /Form /BBox [ 0 0 180 30 ] /Resources " + HELVETICA_RESOURCES,
            ),
        }


def _shows_form_field(world: World, data: bytes) -> bool:
    with opened(data) as pdf:
        return any(str(f.get("/V", "")) == "GPAX 4.00" for f in pdf.Root.AcroForm.Fields)


def _open_action(world: World, base: bytes) -> dict[int, bytes]:
    with opened(base) as pdf:
        return {
            pdf.Root.objgen[0]: redefined(
                pdf.Root, OpenAction=b"<< /S /JavaScript /JS (app.alert\\('GPAX 4.00'\\);) >>"
            )
        }


def _shows_open_action(world: World, data: bytes) -> bool:
    with opened(data) as pdf:
        return str(pdf.Root.OpenAction.S) == "/JavaScript"


def _new_file(pdf: pikepdf.Pdf, world: World, relationship: bytes) -> tuple[int, dict[int, bytes]]:
    """A file specification (and its stream) for another student's signed XML."""
    spec, data = int(pdf.trailer.Size), int(pdf.trailer.Size) + 1
    xml = world.signed[B]
    return spec, {
        spec: b"<< /Type /Filespec /F (corrected.xml) /UF (corrected.xml) /AFRelationship %s "
        b"/EF << /F %d 0 R /UF %d 0 R >> >>" % (relationship, data, data),
        data: stream(xml, b" /Type /EmbeddedFile /Subtype /text#2Fxml /Params << /Size %d >>" % len(xml)),
    }


def _embedded_file_in_names(world: World, base: bytes) -> dict[int, bytes]:
    with opened(base) as pdf:
        tree = pdf.Root.Names.EmbeddedFiles
        spec, objects = _new_file(pdf, world, b"/Supplement")
        names = tree.Names.unparse()
        objects[tree.objgen[0]] = redefined(tree, Names=names[:-1] + b" (corrected.xml) %d 0 R ]" % spec)
        return objects


def _shows_two_attachments(world: World, data: bytes) -> bool:
    with opened(data) as pdf:
        return len(pdf.attachments) == 2


def _second_af(world: World, base: bytes) -> dict[int, bytes]:
    with opened(base) as pdf:
        spec, objects = _new_file(pdf, world, b"/Alternative")
        objects[pdf.Root.objgen[0]] = redefined(
            pdf.Root, AF=b"[ %d 0 R %d 0 R ]" % (pdf.Root.AF[0].objgen[0], spec)
        )
        return objects


def _shows_second_af(world: World, data: bytes) -> bool:
    with opened(data) as pdf:
        return len(pdf.Root.AF) == 2 and pdf.Root.AF[1].EF.F.read_bytes() == world.signed[B]


def _signature_dictionary(world: World, base: bytes) -> dict[int, bytes]:
    """The signature dictionary itself redefined (its reason and signer's name changed)."""
    with opened(base) as pdf:
        value = pdf.Root.AcroForm.Fields[0].V
        return {
            value.objgen[0]: redefined(value, Reason=b"(Corrected by the registrar)", Name=b"(Registrar)")
        }


def _shows_signature_dictionary(world: World, data: bytes) -> bool:
    with opened(data) as pdf:
        return str(pdf.Root.AcroForm.Fields[0].V.Reason) == "Corrected by the registrar"


def _shows_unreferenced(world: World, data: bytes) -> bool:
    with opened(data) as pdf:
        return pdf.get_object(int(pdf.trailer.Size) - 1, 0).get("/Forged") is not None


def _unreferenced(world: World, base: bytes) -> dict[int, bytes]:
    with opened(base) as pdf:
        return {int(pdf.trailer.Size): b"<< /Forged (" + MARKER + b") >>"}


def _freed_last_page(base: bytes) -> bytes:
    with opened(base) as pdf:
        contents = pdf.pages[-1].obj.Contents.objgen[0]
    return revision(base, {}, free=(contents,))


def _shows_freed_last_page(world: World, data: bytes) -> bool:
    with opened(data) as pdf:
        return pikepdf.parse_content_stream(pdf.pages[-1]) == []


UPDATES: dict[str, tuple[Callable[[World, bytes], bytes], Callable[[World, bytes], bool]]] = {
    "freetext-annotation": (lambda w, b: revision(b, _freetext(w, b)), _shows_freetext),
    "form-field-value": (lambda w, b: revision(b, _form_field(w, b)), _shows_form_field),
    "open-action-javascript": (lambda w, b: revision(b, _open_action(w, b)), _shows_open_action),
    "embedded-file-in-names": (
        lambda w, b: revision(b, _embedded_file_in_names(w, b)),
        _shows_two_attachments,
    ),
    "second-af-entry": (lambda w, b: revision(b, _second_af(w, b)), _shows_second_af),
    "object-stream-page": (
        lambda w, b: revision(b, forged_page(w, b), object_stream=True),
        shows_forged_page,
    ),
    "signature-dictionary-redefined": (
        lambda w, b: revision(b, _signature_dictionary(w, b)),
        _shows_signature_dictionary,
    ),
    "last-page-content-freed": (lambda w, b: _freed_last_page(b), _shows_freed_last_page),
    "unreferenced-object": (lambda w, b: revision(b, _unreferenced(w, b)), _shows_unreferenced),
}


@pytest.mark.parametrize("variant", list(UPDATES))
def test_an_incremental_update_after_signing_is_refused(world: World, variant: str) -> None:
    """An ordinary incremental update (pyHanko sees it) that is not validation data."""
    build, shows = UPDATES[variant]
    data = build(world, world.package)
    assert shows(world, data)
    assert_failed(verify(world, data), *REVISION_CHECKS)


@pytest.mark.parametrize("ending", ["no-eof", "commented-startxref", "long-comment-decoy"])
def test_a_hidden_object_stream_revision_is_refused(world: World, ending: str) -> None:
    """The forged page in an object stream, with a cross-reference stream, hidden from pyHanko."""
    data = revision(world.package, forged_page(world, world.package), object_stream=True, ending=ending)
    assert shows_forged_page(world, data)
    assert_failed(verify(world, data), *REVISION_CHECKS)


PREFIXES = {"newline": b"\n", "spaces": b"   ", "utf8-bom": b"\xef\xbb\xbf", "junk": b"JUNK" * 300}


@pytest.mark.parametrize("prefix", list(PREFIXES))
def test_bytes_before_the_header_are_refused(world: World, prefix: str) -> None:
    """qpdf reads such a file (its offsets counted from the header); the signature's byte
    range no longer matches, and the file is not a package whatever it is taken for."""
    data = PREFIXES[prefix] + world.package
    with opened(data) as pdf, opened(world.package) as genuine:
        assert len(pdf.pages) == len(genuine.pages)
    assert_refused(verify(world, data))


ENCRYPTIONS = {
    "aes-256": pikepdf.Encryption(owner="owner", user="", R=6),
    "aes-128": pikepdf.Encryption(owner="owner", user="", R=4, aes=True),
    "rc4-128": pikepdf.Encryption(owner="owner", user="", R=3, aes=False, metadata=False),
}


@pytest.mark.parametrize("kind", list(ENCRYPTIONS))
def test_an_encrypted_package_is_refused(world: World, kind: str) -> None:
    """The package re-saved encrypted, with an empty user password (it opens without asking)."""
    with opened(world.package) as pdf:
        out = io.BytesIO()
        pdf.save(out, encryption=ENCRYPTIONS[kind])
    data = out.getvalue()
    with opened(data) as pdf:
        assert pdf.is_encrypted and embedded(data) == world.signed[A]
    assert_refused(verify(world, data))


@pytest.mark.parametrize("entries", [150_000, 900_000])
def test_a_huge_cross_reference_table_is_refused_within_bounded_memory(
    world: World, entries: int, tmp_path: Path
) -> None:
    """An update of free entries only (18 MB at 900,000): readers build an object per entry,
    so the file is refused before any reader reads it, under 256 MB."""
    data = world.package
    previous = int(re.findall(rb"startxref\s+(\d+)", data)[-1])
    table = b"xref\n0 %d\n" % entries + b"0000000000 65535 f\r\n" * entries
    forged = (
        data
        + table
        + b"trailer\n<< /Size %d /Root 1 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n"
        % (
            entries,
            previous,
            len(data),
        )
    )
    path = tmp_path / "huge-xref.pdf"
    path.write_bytes(forged)
    result = verify_in_child(world, path)
    assert result["verdict"] != "TOTAL-PASSED"
    assert result["rss"] < 256 * 1024 * 1024


def test_an_xmp_packet_cannot_hide_its_change_behind_a_commented_copy(world: World) -> None:
    """A rewritten packet whose real xmpmeta uses another prefix and keeps the signed packet
    in a comment: the comparison reads the packet as XML, so the comment counts for nothing."""
    from pyhanko.sign.diff_analysis import SuspiciousModification

    from transcript.verify.pdfpolicy import xmp_properties

    with pikepdf.open(io.BytesIO(world.package)) as pdf:
        signed = pdf.Root.Metadata.read_bytes()
    start, end = signed.index(b"<x:xmpmeta"), signed.rindex(b"</x:xmpmeta>") + len(b"</x:xmpmeta>")
    body = signed[start:end]
    forged_body = body.replace(b"<x:", b"<m:").replace(b"</x:", b"</m:").replace(b"xmlns:x=", b"xmlns:m=")
    forged_body = re.sub(
        rb'(<rdf:li xml:lang="x-default">)[^<]+', rb"\g<1>Forged Title", forged_body, count=1
    )
    forged = signed[:start] + b"<!-- " + body.replace(b"--", b"- -") + b" -->" + forged_body + signed[end:]
    assert b"Forged Title" in forged
    with contextlib.suppress(SuspiciousModification):  # refused outright: as good
        assert xmp_properties(forged) != xmp_properties(signed)
    assert xmp_properties(signed) == xmp_properties(signed)
