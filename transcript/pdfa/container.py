"""The national package: a PDF/A-3U carrying the signed XML it shows.

`package_pdf` turns a rendered transcript into PDF/A-3U with pikepdf: XMP metadata with
``pdfaid`` part 3 / conformance U, title and creator, and ETDA's electronic-document schema
(``DocumentOID``, ``DocumentReferenceID``, ``DocumentVersion``, ``DocumentFileName``) declared
as a PDF/A extension schema; an sRGB output intent (`transcript.pdfa.icc`); the signed XML as an
associated file (``/AFRelationship /Alternative``, ``text/xml``, size and dates) listed in the
catalog's ``/AF``. PAdES signing (`transcript.sign.pades`) comes after, as the last change.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import io
import zlib
from collections.abc import Iterator
from xml.sax.saxutils import escape

import pikepdf
from lxml import etree
from pikepdf import Array, Dictionary, Name

from transcript.errors import InvalidDocument
from transcript.generated import Transcript
from transcript.model.constants import BANGKOK, ED_NS, PRODUCER
from transcript.model.xmlio import load, parse_untrusted
from transcript.pdfa.icc import srgb_profile
from transcript.sign.cades import reserve

ED_PROPERTIES = (
    ("DocumentOID", "The object identifier of the document type"),
    ("DocumentReferenceID", "The document's reference number (TranscriptID)"),
    ("DocumentVersion", "The version of the document standard"),
    ("DocumentFileName", "The file name of the embedded XML document"),
    ("DocumentStatusList", "Where the issuer publishes the document's status (a signed status list)"),
)


def _pdf_date(moment: dt.datetime) -> str:
    offset = moment.strftime("%z")
    return f"D:{moment:%Y%m%d%H%M%S}{offset[:3]}'{offset[3:]}'"


def _xmp(
    title: str, author: str, subject: str, moment: dt.datetime, ed: dict[str, str], producer: str = PRODUCER
) -> bytes:
    iso = moment.isoformat(timespec="seconds")
    properties = "".join(
        f"""
            <rdf:li rdf:parseType="Resource">
              <pdfaProperty:name>{name}</pdfaProperty:name>
              <pdfaProperty:valueType>Text</pdfaProperty:valueType>
              <pdfaProperty:category>external</pdfaProperty:category>
              <pdfaProperty:description>{escape(description)}</pdfaProperty:description>
            </rdf:li>"""
        for name, description in ED_PROPERTIES
    )
    values = "".join(f"\n      <ed:{k}>{escape(v)}</ed:{k}>" for k, v in ed.items())
    packet = f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
  <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
    <rdf:Description rdf:about=""
        xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/"
        xmlns:dc="http://purl.org/dc/elements/1.1/"
        xmlns:xmp="http://ns.adobe.com/xap/1.0/"
        xmlns:pdf="http://ns.adobe.com/pdf/1.3/"
        xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"
        xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#"
        xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#"
        xmlns:ed="{ED_NS}">
      <pdfaid:part>3</pdfaid:part>
      <pdfaid:conformance>U</pdfaid:conformance>
      <dc:format>application/pdf</dc:format>
      <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{escape(title)}</rdf:li></rdf:Alt></dc:title>
      <dc:creator><rdf:Seq><rdf:li>{escape(author)}</rdf:li></rdf:Seq></dc:creator>
      <dc:description><rdf:Alt><rdf:li xml:lang="x-default">{escape(subject)}</rdf:li></rdf:Alt>
      </dc:description>
      <xmp:CreatorTool>thai-transcript</xmp:CreatorTool>
      <xmp:CreateDate>{iso}</xmp:CreateDate>
      <xmp:ModifyDate>{iso}</xmp:ModifyDate>
      <xmp:MetadataDate>{iso}</xmp:MetadataDate>
      <pdf:Producer>{escape(producer)}</pdf:Producer>{values}
      <pdfaExtension:schemas>
        <rdf:Bag>
          <rdf:li rdf:parseType="Resource">
            <pdfaSchema:schema>ETDA Electronic Document</pdfaSchema:schema>
            <pdfaSchema:namespaceURI>{ED_NS}</pdfaSchema:namespaceURI>
            <pdfaSchema:prefix>ed</pdfaSchema:prefix>
            <pdfaSchema:property>
              <rdf:Seq>{properties}
              </rdf:Seq>
            </pdfaSchema:property>
          </rdf:li>
        </rdf:Bag>
      </pdfaExtension:schemas>
    </rdf:Description>
  </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""
    return packet.encode("utf-8")


def package_pdf(
    signed_xml: bytes,
    pdf: bytes,
    *,
    file_name: str = "transcript.xml",
    moment: dt.datetime | None = None,
    transcript: Transcript | None = None,
    signature_room: int = 0,
    producer: str = PRODUCER,
    status_url: str | None = None,
) -> bytes:
    """PDF/A-3U from a rendered transcript, with `signed_xml` embedded as its alternative form.

    `signed_xml` is embedded byte for byte (what pdfdetach extracts is what was signed).
    Raises `InvalidDocument` when `signed_xml` is not a schema-valid transcript.
    `transcript` is the model a caller has already read from `signed_xml` (its verifier's),
    which spares reading it again. A `signature_room` (`PdfSigner.signature_room`) reserves a
    PAdES B-B signature of that many bytes, which `PdfSigner.sign` fills in place
    (see `transcript.sign.cades`). `producer` is what the document information and the XMP
    both name as the producer (`PdfSigner.producer`: PDF/A requires the two to agree, and
    pyHanko's updates name itself in both). `status_url` is where the issuer publishes the
    document's status: recorded in the XMP, which the PDF signature covers.
    """
    model = transcript if transcript is not None else load(signed_xml)
    context = model.transcript_context
    moment = (moment or dt.datetime.now(dt.timezone.utc)).astimezone(BANGKOK)
    moment = moment.replace(microsecond=0)
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        info = doc.docinfo
        title = str(info.get("/Title", context.transcript_id))
        author = str(info.get("/Author", ""))
        subject = str(info.get("/Subject", ""))
        ed = {
            "DocumentOID": context.oid,
            "DocumentReferenceID": context.transcript_id,
            "DocumentVersion": context.version,
            "DocumentFileName": file_name,
        }
        if status_url:
            ed["DocumentStatusList"] = status_url
        for key in list(info.keys()):
            del info[key]
        info["/Title"] = title
        info["/Author"] = author
        info["/Subject"] = subject
        info["/Creator"] = "thai-transcript"
        info["/Producer"] = producer
        info["/CreationDate"] = _pdf_date(moment)
        info["/ModDate"] = _pdf_date(moment)
        metadata = doc.make_stream(_xmp(title, author, subject, moment, ed, producer))
        metadata["/Type"] = Name.Metadata
        metadata["/Subtype"] = Name.XML
        doc.Root.Metadata = metadata

        profile = doc.make_stream(b"")
        profile.write(_compressed_profile(), filter=Name.FlateDecode)
        profile["/N"] = 3
        doc.Root.OutputIntents = Array(
            [
                Dictionary(
                    Type=Name.OutputIntent,
                    S=Name.GTS_PDFA1,
                    OutputConditionIdentifier="sRGB IEC61966-2.1",
                    RegistryName="http://www.color.org",
                    Info="sRGB IEC61966-2.1",
                    DestOutputProfile=profile,
                )
            ]
        )
        date = _pdf_date(moment)
        spec = pikepdf.AttachedFileSpec(
            doc,
            signed_xml,
            description="Signed academic transcript (ETDA XML, XAdES), the machine-readable original",
            filename=file_name,
            mime_type="text/xml",
            creation_date=date,
            mod_date=date,
            relationship=Name.Alternative,
        )
        doc.attachments[file_name] = spec
        stream = spec.obj.EF.F
        compressed, checksum = _compressed_attachment(signed_xml)
        stream.write(compressed, filter=Name.FlateDecode)
        params = stream.get("/Params", Dictionary())
        params["/Size"] = len(signed_xml)
        params["/CheckSum"] = pikepdf.String(checksum)
        stream["/Params"] = params
        doc.Root.AF = Array([spec.obj])
        doc.Root.Lang = pikepdf.String("th-TH" if context.language.upper() == "TH" else "en-GB")
        doc.Root.MarkInfo = Dictionary(Marked=False)
        if signature_room:
            reserve(doc, _pdf_date(moment), signature_room)
        out = io.BytesIO()
        # No object streams: PDF/A-3 allows them, but simple files are easiest for every reader.
        # Streams are written as they are: reportlab's are compressed, the embedded XML and the
        # profile were compressed above, the XMP stays readable. (Recompressing everything
        # would save 4% of the size at twice the packaging time.)
        doc.save(
            out,
            object_stream_mode=pikepdf.ObjectStreamMode.disable,
            deterministic_id=True,
            fix_metadata_version=False,  # the XMP written above carries no pdf:PDFVersion to fix
            compress_streams=False,
            stream_decode_level=pikepdf.StreamDecodeLevel.none,
        )
        return out.getvalue()


@functools.lru_cache(maxsize=2)
def _compressed_attachment(signed_xml: bytes) -> tuple[bytes, bytes]:
    """The XML compressed, and its MD5 (the file specification's checksum): made once for
    the editions of one transcript, which embed the same bytes."""
    return zlib.compress(signed_xml, 6), hashlib.md5(signed_xml).digest()


@functools.cache
def _compressed_profile() -> bytes:
    return zlib.compress(srgb_profile(), 9)


@contextlib.contextmanager
def _opened(pdf: bytes | pikepdf.Pdf) -> Iterator[pikepdf.Pdf]:
    """`pdf` itself when already open (a verifier reads several things from one opening)."""
    if isinstance(pdf, pikepdf.Pdf):
        yield pdf
    else:
        with pikepdf.open(io.BytesIO(pdf)) as doc:
            yield doc


def embedded_transcripts(pdf: bytes | pikepdf.Pdf) -> list[tuple[str, bytes, str | None]]:
    """(file name, bytes, AFRelationship) of every embedded file listed in the catalog's /AF."""
    found = []
    with _opened(pdf) as doc:
        for spec in doc.Root.get("/AF", Array()):
            try:
                name = str(spec.get("/UF", spec.get("/F", "")))
                data = spec.EF.F.read_bytes()
            except (AttributeError, KeyError, pikepdf.PdfError):
                continue
            relationship = str(spec.get("/AFRelationship", "")) or None
            found.append((name, data, relationship.lstrip("/") if relationship else None))
    return found


def xmp_value(pdf: bytes | pikepdf.Pdf, name: str) -> str | None:
    """An ETDA electronic-document property from the XMP metadata (e.g. DocumentReferenceID).

    Read as an element or as an attribute of rdf:Description: both forms are RDF, and a
    signer may rewrite one into the other.
    """
    with _opened(pdf) as doc:
        metadata = doc.Root.get("/Metadata")
        if metadata is None:
            return None
        packet = metadata.read_bytes()
    return xmp_property(packet, name)


XMP_META = "{adobe:ns:meta/}xmpmeta"
RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


def parse_xmp(packet: bytes) -> etree._Element | None:
    """The RDF of an XMP packet, parsed whole as the XML it is (the xpacket instructions and
    comments are not elements: nothing in a comment counts), or None. The packet's root is
    x:xmpmeta (by namespace, whatever its prefix) holding one rdf:RDF, or rdf:RDF itself."""
    try:
        root = parse_untrusted(packet.strip(b"\x00 \t\r\n")).getroot()
    except InvalidDocument:
        return None
    if root.tag == XMP_META:
        found = [c for c in root if isinstance(c.tag, str)]
        return found[0] if len(found) == 1 and found[0].tag == f"{{{RDF_NS}}}RDF" else None
    return root if root.tag == f"{{{RDF_NS}}}RDF" else None


def xmp_property(packet: bytes, name: str) -> str | None:
    """An ETDA electronic-document property of an XMP packet (None when it has none)."""
    root = parse_xmp(packet)
    if root is None:
        return None
    tag = f"{{{ED_NS}}}{name}"
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag == tag and element.text:
            return element.text.strip()
        if tag in element.attrib:
            return element.attrib[tag]
    return None
