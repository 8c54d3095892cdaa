"""Mutators of genuine signed files, and the rule a verifier's answer to them must keep.

Shared by the fuzz tests (``tests/verify/test_fuzz.py``, ``tests/test_web_fuzz.py``, where
hypothesis draws the mutator and its random choices) and the long fuzz run
(``benchmarks/fuzz.py``, with a seeded ``random.Random``). A mutator is a pure function of
the genuine file, a random source (anything with the ``random.Random`` methods) and the
genuine material; it returns the mutated bytes.

The rule (`judge`): a mutated file may be reported TOTAL-PASSED only when what the verdict
vouches for is exactly what the institution signed: the same canonical signed XML, the same
signer and, for a package, pages that show the signed facts. A few mutators (a full rewrite
of a package, an incremental update that changes what a reader sees) must never pass at all.
Everything else (comments, whitespace between the signature's elements, bytes in a
signature's unused room) may be neutral, and the rule lets it pass without naming it.
"""

from __future__ import annotations

import copy
import io
import re
import warnings
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pikepdf
from lxml import etree
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from transcript.demo.pki import DemoPki, create_demo_pki
from transcript.demo.tsa import LocalTimeStampAuthority
from transcript.package import build_package
from transcript.pki.keys import load_identity, password_from
from transcript.pki.trust import TrustSettings
from transcript.pki.tsa import TimeStampClient
from transcript.sign.pades import PdfSigner
from transcript.sign.xades import XmlSigner
from transcript.verify import Status, Verdict, VerificationReport, verify

from ..helpers import EXAMPLES

TC = "urn:etda:teda:documentation:Transcript:1"
DS = "http://www.w3.org/2000/09/xmldsig#"
XADES = "http://uri.etsi.org/01903/v1.3.2#"
XML_NS = "http://www.w3.org/XML/1998/namespace"

# ---------------------------------------------------------------- genuine material


@dataclass
class Genuine:
    """Genuine signed files (by kind), their reports, and what the mutators need besides."""

    trust: TrustSettings = field(repr=False)
    files: dict[str, bytes] = field(repr=False)  # "xml", "xml-t" (XAdES-B, -T); "pdf", "pdf-lt" (B-B, B-LT)
    reports: dict[str, VerificationReport] = field(repr=False)
    other_xml: bytes = field(repr=False)  # another student's genuine signed XML, for swaps

    def kinds(self, family: str) -> list[str]:
        return [k for k in self.files if k.split("-")[0] == family]


def make_genuine(folder: Path, demo: DemoPki | None = None) -> Genuine:
    """Genuine files signed with `demo`, else with a demo PKI made in `folder` (a second or so)."""
    demo = demo or create_demo_pki(folder / "pki")
    identity = load_identity(demo.registrar_p12, password=password_from(password_file=demo.password_file))
    trust = TrustSettings.from_files([demo.root], demo.crls)
    document = (EXAMPLES / "bachelor-honours.xml").read_bytes()
    signer = XmlSigner(identity)
    xml = signer.sign(document)
    other = signer.sign((EXAMPLES / "master-thesis.xml").read_bytes())
    pdf = build_package(xml, "th", trust=trust, signer=PdfSigner(identity), file_name="bachelor-honours.xml")
    with LocalTimeStampAuthority(demo.tsa_certificate, demo.tsa_key) as authority:
        client = TimeStampClient(authority.url)
        xml_t = XmlSigner(identity, timestamps=client).sign(document)
        pdf_lt = build_package(
            xml,
            "en",
            trust=trust,
            signer=PdfSigner(identity, "B-LT", client, trust),
            file_name="bachelor-honours.xml",
        )
    files = {"xml": xml, "xml-t": xml_t, "pdf": pdf, "pdf-lt": pdf_lt}
    reports = {kind: verify(data, trust) for kind, data in files.items()}
    for kind, report in reports.items():
        assert report.verdict is Verdict.TOTAL_PASSED, f"{kind}: {report.format()}"
        assert report.signed_xml
        if kind.startswith("pdf"):
            pages = report.check("pages")
            assert pages is not None and pages.status is Status.PASSED, f"{kind}: {report.format()}"
    return Genuine(trust, files, reports, other)


# ---------------------------------------------------------------- the rule


def exercise(report: VerificationReport) -> None:
    """Every way a report is shown; none may raise."""
    report.to_json()
    report.format()
    report.format("a name\nwith a line break")
    report.brief()
    _ = report.reason, report.ok


def judge(
    mutator: Mutator | None, base: str, data: bytes, report: VerificationReport, genuine: Genuine
) -> str | None:
    """Why `report` is a wrong answer for `data` (the genuine file `base`, mutated by
    `mutator`, or by unknown means when None), or None when it is acceptable."""
    if not isinstance(report, VerificationReport) or not isinstance(report.verdict, Verdict):
        return f"not a report with a verdict: {report!r:.200}"
    if report.verdict is not Verdict.TOTAL_PASSED:
        return None
    reference = genuine.reports.get(base)
    if reference is None:
        return "TOTAL-PASSED for input made from no genuine file"
    if data == genuine.files[base]:
        return None  # the mutation happened to change nothing
    if mutator is not None and mutator.never_passes:
        return f"TOTAL-PASSED for a file the mutator {mutator.name} changed in a way that must never pass"
    if report.signed_xml != reference.signed_xml:
        return "TOTAL-PASSED, but the signed XML is not the genuine one"
    if report.signer != reference.signer or report.pdf_signer != reference.pdf_signer:
        return "TOTAL-PASSED, but the signer is not the genuine one"
    if base.startswith("pdf"):
        pages = report.check("pages")
        if pages is None or pages.status is not Status.PASSED:
            return "TOTAL-PASSED, but the pages were not shown to carry the signed facts"
    return None


# ---------------------------------------------------------------- mutators


Rng = Any  # random.Random, or hypothesis' random (the same methods)


@dataclass(frozen=True)
class Mutator:
    name: str
    family: str  # "xml" or "pdf": the genuine files it mutates; "random": none, it makes bytes
    function: Callable[[bytes, Rng, Genuine], bytes]
    never_passes: bool = False

    def __call__(self, data: bytes, rng: Rng, genuine: Genuine) -> bytes:
        return self.function(data, rng, genuine)


# Texts a mutation writes: numbers and identifiers from the transcript, its signature's
# vocabulary, Thai, markup that must be escaped, direction marks, long runs, whitespace.
_TEXTS = (
    "",
    " ",
    "\n",
    "\n    ",
    "\t",
    "0",
    "1",
    "-1",
    "3.99",
    "4.00",
    "SEU-2567-000124",
    "6310500124",
    "2024-06-15T10:30:00+07:00",
    "Somchai",
    "สมชาย",
    "#",
    "#xpointer(/)",
    "x" * 300,
    "&",
    "<tc:GPAX>4.00</tc:GPAX>",
    "]]>",
    "\u202e",
    "\u200b",
    "\u0e4d\u0e32",
    DS + "enveloped-signature",
    "http://www.w3.org/2000/09/xmldsig#sha1",
    "http://www.w3.org/2001/10/xml-exc-c14n#",
    "http://uri.etsi.org/01903#SignedProperties",
    "MIIB",
    "AAAA",
)
_ATTRIBUTES = (
    "Id",
    "ID",
    "id",
    f"{{{XML_NS}}}id",
    f"{{{XML_NS}}}lang",
    "URI",
    "Algorithm",
    "Target",
    "Type",
    "languageID",
    "schemeID",
    f"{{{DS}}}Id",
    "fuzz",
)
_NAMESPACES = (TC, DS, XADES, "http://uri.etsi.org/01903/v1.4.1#", "urn:fuzz", "")


def _text(rng: Rng, root: etree._Element | None = None) -> str:
    roll = rng.randrange(4)
    if roll == 0:
        return str(rng.randrange(-10, 10_000_000_000))
    if roll == 1 and root is not None:
        texts = [e.text for e in _elements(root) if e.text and e.text.strip()]
        values = [v for e in _elements(root) for v in e.attrib.values()]
        pool = texts + values
        if pool:
            return rng.choice(pool)
    return rng.choice(_TEXTS)


def _parse(data: bytes) -> etree._Element:
    return etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False))


def _serialize(root: etree._Element) -> bytes:
    """The tree as the signer wrote it: the same declaration, then the document (a genuine
    file comes back byte for byte)."""
    return _DECLARATION + etree.tostring(root.getroottree(), encoding="UTF-8", xml_declaration=False)


_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'


def _elements(root: etree._Element) -> list[etree._Element]:
    return [e for e in root.iter() if isinstance(e.tag, str)]


def _pick(rng: Rng, root: etree._Element, *, inner: bool = True) -> etree._Element:
    """A random element; with `inner`, never the root."""
    elements = _elements(root)
    if inner and len(elements) > 1:
        elements = elements[1:]
    return rng.choice(elements)


def _tree(change: Callable[[etree._Element, Rng, Genuine], None]) -> Callable[[bytes, Rng, Genuine], bytes]:
    def mutate(data: bytes, rng: Rng, genuine: Genuine) -> bytes:
        root = _parse(data)
        change(root, rng, genuine)
        return _serialize(root)

    return mutate


def _delete(root: etree._Element, rng: Rng, genuine: Genuine) -> None:
    element = _pick(rng, root)
    element.getparent().remove(element)


def _duplicate(root: etree._Element, rng: Rng, genuine: Genuine) -> None:
    element = _pick(rng, root)
    twin = copy.deepcopy(element)
    if rng.randrange(2):
        element.addnext(twin)
    else:
        parent = element.getparent()
        parent.insert(rng.randrange(len(parent) + 1), twin)


def _move(root: etree._Element, rng: Rng, genuine: Genuine) -> None:
    element = _pick(rng, root)
    targets = [e for e in _elements(root) if e is not element and element not in e.iterancestors()]
    target = rng.choice(targets)
    element.getparent().remove(element)
    target.insert(rng.randrange(len(target) + 1), element)


def _rename(root: etree._Element, rng: Rng, genuine: Genuine) -> None:
    element = _pick(rng, root, inner=False)
    name = etree.QName(element)
    roll = rng.randrange(3)
    if roll == 0:
        others = {etree.QName(e).localname for e in _elements(root)} - {name.localname}
        local = rng.choice(sorted(others))
    elif roll == 1:
        local = name.localname + "X"
    else:
        local = name.localname[0].swapcase() + name.localname[1:]
    element.tag = etree.QName(name.namespace, local).text if name.namespace else local


def _attribute(root: etree._Element, rng: Rng, genuine: Genuine) -> None:
    element = _pick(rng, root, inner=False)
    names = list(element.attrib)
    roll = rng.randrange(3)
    if names and roll == 0:
        del element.attrib[rng.choice(names)]
    elif names and roll == 1:
        element.set(rng.choice(names), _text(rng, root))
    else:
        element.set(rng.choice(_ATTRIBUTES), _text(rng, root))


def _insert_text(root: etree._Element, rng: Rng, genuine: Genuine) -> None:
    element = _pick(rng, root)
    words = _text(rng, root) if rng.randrange(2) else rng.choice(("", " ", "\n", "\t", "\r\n  "))
    if rng.randrange(2):
        old = element.text or ""
        at = rng.randrange(len(old) + 1)
        element.text = old[:at] + words + old[at:]
    else:
        old = element.tail or ""
        at = rng.randrange(len(old) + 1)
        element.tail = old[:at] + words + old[at:]


def _insert_node(make: Callable[[Rng], etree._Element]) -> Callable[[etree._Element, Rng, Genuine], None]:
    def change(root: etree._Element, rng: Rng, genuine: Genuine) -> None:
        node = make(rng)
        if rng.randrange(8) == 0:
            (root.addprevious if rng.randrange(2) else root.addnext)(node)  # outside the root
            return
        element = _pick(rng, root, inner=False)
        element.insert(rng.randrange(len(element) + 1), node)

    return change


def _comment(rng: Rng) -> etree._Element:
    return etree.Comment(rng.choice((" ", " a comment ", "<tc:TotalGPAX>4.00</tc:TotalGPAX>", "สมชาย", "")))


def _instruction(rng: Rng) -> etree._Element:
    target = rng.choice(("fuzz", "xml-stylesheet", "php", "signxml"))
    return etree.ProcessingInstruction(target, rng.choice(('href="x.xsl" type="text/xsl"', "", "?", "x y")))


def _namespace(root: etree._Element, rng: Rng, genuine: Genuine) -> None:
    element = _pick(rng, root, inner=False)
    name = etree.QName(element)
    namespace = rng.choice([n for n in _NAMESPACES if n != (name.namespace or "")])
    local = name.localname
    element.tag = f"{{{namespace}}}{local}" if namespace else local


def _replace_text(root: etree._Element, rng: Rng, genuine: Genuine) -> None:
    candidates = [e for e in _elements(root) if e.text and e.text.strip()]
    element = rng.choice(candidates)
    if rng.randrange(3) == 0 and any(c.isdigit() for c in element.text):
        digits = [i for i, c in enumerate(element.text) if c.isdigit()]
        at = rng.choice(digits)
        element.text = element.text[:at] + str((int(element.text[at]) + 1) % 10) + element.text[at + 1 :]
    else:
        element.text = _text(rng, root)


def _swap(root: etree._Element, rng: Rng, genuine: Genuine) -> None:
    parents = [e for e in _elements(root) if len(e) >= 2]
    parent = rng.choice(parents)
    children = list(parent)
    i, j = rng.sample(range(len(children)), 2)
    children[i], children[j] = children[j], children[i]
    for child in children:
        parent.append(child)


# Byte-level mutators (for XML and PDF alike). The offsets favour the places a structure
# turns on: the markers of a PDF's objects, signature and cross-reference, and XML's markup.
_LANDMARKS = re.compile(
    rb"/ByteRange|/Contents|/Type|/Sig|/AF|/EF|/Length|startxref|xref|trailer|%%EOF|obj|endobj|stream"
    rb"|<ds:|<xades:|<tc:|URI=|Id=|Algorithm="
)


def _offset(rng: Rng, data: bytes) -> int:
    if data and rng.randrange(2):
        marks = [m.start() for m in _LANDMARKS.finditer(data)]
        if marks:
            return min(len(data), max(0, rng.choice(marks) + rng.randrange(-16, 48)))
    return rng.randrange(len(data) + 1)


def _junk(rng: Rng, size: int) -> bytes:
    roll = rng.randrange(3)
    if roll == 0:
        return rng.randbytes(size)
    if roll == 1:
        return bytes(rng.choice(b" \n\r\t0123456789<>/[]()%") for _ in range(size))
    return rng.choice((b"\n%%EOF\n", b" 0 obj ", b"endobj\n", b"\nstartxref\n0\n", b"<!--", b"-->", b"\x00"))


def flip(data: bytes, rng: Rng, genuine: Genuine) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        if out:
            at = min(_offset(rng, data), len(out) - 1)
            out[at] ^= rng.randint(1, 255)
    return bytes(out)


def truncate(data: bytes, rng: Rng, genuine: Genuine) -> bytes:
    if rng.randrange(2):
        return data[: max(0, len(data) - rng.randint(1, 4096))]  # near the end, where the xref is
    return data[: rng.randrange(len(data) + 1)]


def insert(data: bytes, rng: Rng, genuine: Genuine) -> bytes:
    at = _offset(rng, data)
    return data[:at] + _junk(rng, rng.randint(1, 64)) + data[at:]


def delete(data: bytes, rng: Rng, genuine: Genuine) -> bytes:
    at = _offset(rng, data)
    return data[:at] + data[at + rng.randint(1, 256) :]


def duplicate_chunk(data: bytes, rng: Rng, genuine: Genuine) -> bytes:
    start = _offset(rng, data)
    chunk = data[start : start + rng.randint(1, 4096)]
    at = start + len(chunk) if rng.randrange(2) else rng.randrange(len(data) + 1)
    return data[:at] + chunk + data[at:]


def append_own(data: bytes, rng: Rng, genuine: Genuine) -> bytes:
    """Chunks of the file's own bytes after its end: its tail (a cross-reference section and
    trailer again), random slices of it, or whole objects of it."""
    out = data
    for _ in range(rng.randint(1, 3)):
        roll = rng.randrange(3)
        if roll == 0:
            chunk = data[-rng.randint(16, 4096) :]
        elif roll == 1:
            start = rng.randrange(len(data))
            chunk = data[start : start + rng.randint(1, 8192)]
        else:
            objects = list(re.finditer(rb"\d+ \d+ obj\b.*?endobj\s", data, re.S))
            chunk = rng.choice(objects).group(0) if objects else data[-64:]
        out += chunk
    return out


_NUMBER = re.compile(rb"\d+")


def tail_numbers(data: bytes, rng: Rng, genuine: Genuine) -> bytes:
    """Numbers in the last 2 KB (startxref, the cross-reference offsets, /Size, /Prev)
    replaced: by a neighbour, zero, the file's length, or at the same width."""
    start = max(0, len(data) - 2048)
    found = list(_NUMBER.finditer(data, start))
    if not found:
        return data
    out = bytearray(data)
    for match in sorted(rng.sample(found, min(len(found), rng.randint(1, 3))), key=lambda m: -m.start()):
        value = int(match.group(0))
        new = rng.choice(
            (
                value + 1,
                value - 1,
                value + rng.randint(2, 500),
                max(0, value - rng.randint(2, 500)),
                0,
                len(data),
                len(data) - 1,
                rng.randrange(10**10),
            )
        )
        text = str(max(new, 0)).encode()
        if rng.randrange(2):
            text = text.rjust(len(match.group(0)), b"0")
        out[match.start() : match.end()] = text
    return bytes(out)


def rewrite(data: bytes, rng: Rng, genuine: Genuine) -> bytes:
    """The package opened with pikepdf, perhaps one object changed, saved: a full rewrite."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        page = pdf.pages[rng.randrange(len(pdf.pages))]
        roll = rng.randrange(7)
        if roll == 1:
            pdf.docinfo["/Title"] = "Forged"
        elif roll == 2:
            page.MediaBox = pikepdf.Array([0, 0, 500, 700])
        elif roll == 3:
            content = page.Contents if isinstance(page.Contents, pikepdf.Stream) else page.Contents[0]
            raw = content.read_bytes()
            content.write(raw.replace(b"3.77", b"3.99") if b"3.77" in raw else raw + b"\n")
        elif roll == 4:
            stream = pdf.Root.AF[0].EF.F
            stream.write(genuine.other_xml if rng.randrange(2) else stream.read_bytes())
        elif roll == 5:
            objects = [o for o in pdf.objects if isinstance(o, pikepdf.Dictionary) and len(o.keys())]
            target = rng.choice(objects)
            del target[rng.choice(list(target.keys()))]
        elif roll == 6:
            metadata = pdf.Root.Metadata.read_bytes()
            pdf.Root.Metadata.write(metadata.replace(b"SEU-2567-000123", b"SEU-2567-000124"))
        options = {
            "compress_streams": bool(rng.randrange(2)),
            "object_stream_mode": rng.choice(
                (
                    pikepdf.ObjectStreamMode.preserve,
                    pikepdf.ObjectStreamMode.disable,
                    pikepdf.ObjectStreamMode.generate,
                )
            ),
            "linearize": rng.randrange(4) == 0,
        }
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the signature widget is not reachable from a page copy
            try:
                return _saved(pdf, **options)
            except pikepdf.PdfError:  # a deleted key qpdf cannot write (linearized, say): plainly
                return _saved(pdf)


def _saved(pdf: pikepdf.Pdf, **options: Any) -> bytes:
    out = io.BytesIO()
    pdf.save(out, **options)
    return out.getvalue()


def incremental(data: bytes, rng: Rng, genuine: Genuine) -> bytes:
    """An incremental update after the signature that changes what a reader sees: the pages,
    an annotation, the document information, the XMP, the catalog, or the embedded XML."""
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    root = writer.root
    page_ref = root["/Pages"].raw_get("/Kids")[0]
    page = page_ref.get_object()
    roll = rng.randrange(6)
    if roll == 0:
        stream = generic.StreamObject(stream_data=b"BT /F1 24 Tf 72 72 Td (GPAX 4.00) Tj ET")
        contents = page.raw_get("/Contents")
        items = list(contents) if isinstance(contents, generic.ArrayObject) else [contents]
        page["/Contents"] = generic.ArrayObject([*items, writer.add_object(stream)])
        writer.update_container(page)
    elif roll == 1:
        annotation = generic.DictionaryObject(
            {
                generic.NameObject("/Type"): generic.NameObject("/Annot"),
                generic.NameObject("/Subtype"): generic.NameObject("/FreeText"),
                generic.NameObject("/Rect"): generic.ArrayObject(
                    [generic.NumberObject(n) for n in (50, 50, 300, 100)]
                ),
                generic.NameObject("/Contents"): generic.TextStringObject("GPAX 4.00"),
                generic.NameObject("/DA"): generic.TextStringObject("/Helv 24 Tf 0 g"),
            }
        )
        annotations = page.get("/Annots")
        items = list(annotations) if annotations is not None else []
        page["/Annots"] = generic.ArrayObject([*items, writer.add_object(annotation)])
        writer.update_container(page)
    elif roll == 2:
        info = writer.trailer.raw_get("/Info").get_object()
        key = rng.choice(("/Title", "/Subject", "/Author", "/Keywords"))
        info[generic.NameObject(key)] = generic.TextStringObject("Forged: GPAX 4.00")
        writer.update_container(info)
    elif roll == 3:
        metadata = root["/Metadata"]
        packet = metadata.data.replace(b"SEU-2567-000123", b"SEU-2567-000124")
        stream = generic.StreamObject(
            {
                generic.NameObject("/Type"): generic.NameObject("/Metadata"),
                generic.NameObject("/Subtype"): generic.NameObject("/XML"),
            },
            stream_data=packet,
        )
        root["/Metadata"] = writer.add_object(stream)
        writer.update_root()
    elif roll == 4:
        root["/Lang"] = generic.TextStringObject(rng.choice(("en", "th", "fr")))
        root["/OpenAction"] = generic.ArrayObject([page_ref, generic.NameObject("/Fit")])
        writer.update_root()
    else:
        spec = root["/AF"][0].get_object()
        spec["/EF"]["/F"] = writer.add_object(generic.StreamObject(stream_data=genuine.other_xml))
        writer.update_container(spec)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def incremental_neutral(data: bytes, rng: Rng, genuine: Genuine) -> bytes:
    """An incremental update that changes nothing a reader sees: the catalog written again
    (with the signer's fresh modification date), or an object nothing refers to. It may be
    refused or let pass; what passes is judged like any other mutation."""
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    if rng.randrange(2):
        writer.update_root()
    else:
        writer.add_object(generic.StreamObject(stream_data=b"BT /F1 24 Tf 72 72 Td (GPAX 4.00) Tj ET"))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


XML_MUTATORS = (
    Mutator("xml-delete", "xml", _tree(_delete)),
    Mutator("xml-duplicate", "xml", _tree(_duplicate)),
    Mutator("xml-move", "xml", _tree(_move)),
    Mutator("xml-rename", "xml", _tree(_rename)),
    Mutator("xml-attribute", "xml", _tree(_attribute)),
    Mutator("xml-insert-text", "xml", _tree(_insert_text)),
    Mutator("xml-comment", "xml", _tree(_insert_node(_comment))),
    Mutator("xml-instruction", "xml", _tree(_insert_node(_instruction))),
    Mutator("xml-namespace", "xml", _tree(_namespace)),
    Mutator("xml-replace-text", "xml", _tree(_replace_text)),
    Mutator("xml-swap", "xml", _tree(_swap)),
    Mutator("xml-flip", "xml", flip),
    Mutator("xml-insert-bytes", "xml", insert),
    Mutator("xml-delete-bytes", "xml", delete),
    Mutator("xml-truncate", "xml", truncate),
)
PDF_MUTATORS = (
    Mutator("pdf-flip", "pdf", flip),
    Mutator("pdf-truncate", "pdf", truncate),
    Mutator("pdf-insert", "pdf", insert),
    Mutator("pdf-delete", "pdf", delete),
    Mutator("pdf-duplicate", "pdf", duplicate_chunk),
    Mutator("pdf-append-own", "pdf", append_own),
    Mutator("pdf-tail-numbers", "pdf", tail_numbers),
    Mutator("pdf-rewrite", "pdf", rewrite, never_passes=True),
    Mutator("pdf-incremental", "pdf", incremental, never_passes=True),
    Mutator("pdf-incremental-neutral", "pdf", incremental_neutral),
)
MUTATORS = XML_MUTATORS + PDF_MUTATORS


def inflating_xref_stream(data: bytes, megabytes: int) -> bytes:
    """`data` (a PDF) with one more revision whose cross-reference stream is a few kilobytes
    that inflate to `megabytes` MB of zeros (free entries, /W [1 4 2])."""
    previous = int(re.findall(rb"startxref\s+(\d+)", data)[-1])
    deflater = zlib.compressobj(9)
    block = bytes(1 << 20)
    packed = b"".join(deflater.compress(block) for _ in range(megabytes)) + deflater.flush()
    header = (
        b"99 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root 1 0 R /Info 2 0 R /Prev %d "
        b"/Filter /FlateDecode /Length %d >>\nstream\n" % ((megabytes << 20) // 7, previous, len(packed))
    )
    return data + header + packed + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % len(data)


def _random(prefix: bytes) -> Callable[[bytes, Rng, Genuine], bytes]:
    def make(data: bytes, rng: Rng, genuine: Genuine) -> bytes:
        size = rng.choice((0, 1, 5, 64, 1024, 65536))
        return prefix + rng.randbytes(rng.randrange(size + 1))

    return make


# Random inputs, no genuine file at all: they must never pass.
RANDOM_INPUTS = (
    Mutator("random-bytes", "random", _random(b""), never_passes=True),
    Mutator("random-pdf", "random", _random(b"%PDF-"), never_passes=True),
    Mutator("random-xml", "random", _random(b'<?xml version="1.0" encoding="UTF-8"?>\n'), never_passes=True),
)


def mutate(mutator: Mutator, genuine: Genuine, rng: Rng) -> tuple[str, bytes]:
    """(the genuine file's kind, or "random", and the mutated bytes)."""
    if mutator.family == "random":
        return "random", mutator(b"", rng, genuine)
    base = rng.choice(genuine.kinds(mutator.family))
    return base, mutator(genuine.files[base], rng, genuine)
