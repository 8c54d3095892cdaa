"""What may change in a transcript package after the institution signed it.

Validation data (a document security store) and document time-stamps, nothing a reader
sees. pyHanko's default policy also lets the XMP packet and the document information change
at its "LTA updates" level, whatever they say; a title or description rewritten after
signing would then pass. Signers (pyHanko among them) rewrite both in every incremental
update, to record a new modification date, so a rule that refused any change would refuse
every long-term file. The rules here allow exactly that: the XMP may be re-serialised and
its modification date, metadata date and producer may change; the document information may
change its modification date and producer; every other property must stay as signed.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from lxml import etree
from pyhanko.pdf_utils import generic, misc
from pyhanko.pdf_utils.reader import HistoricalResolver, RawPdfPath
from pyhanko.sign.diff_analysis import (
    CatalogModificationRule,
    DSSCompareRule,
    FormUpdatingRule,
    ModificationLevel,
    ObjectStreamRule,
    SigFieldCreationRule,
    SigFieldModificationRule,
    StandardDiffPolicy,
    SuspiciousModification,
    XrefStreamRule,
)
from pyhanko.sign.diff_analysis.commons import safe_whitelist
from pyhanko.sign.diff_analysis.rules_api import Context, ReferenceUpdate, WhitelistRule

from transcript.pdfa.container import parse_xmp
from transcript.verify.streams import bounded_data

MAX_XMP_BYTES = 1 << 20
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_VOLATILE_XMP = frozenset(
    {
        "{http://ns.adobe.com/xap/1.0/}ModifyDate",
        "{http://ns.adobe.com/xap/1.0/}MetadataDate",
        "{http://ns.adobe.com/pdf/1.3/}Producer",
    }
)
_VOLATILE_INFO = frozenset({"/ModDate", "/Producer"})
_CONTAINERS = {f"{{{RDF}}}{k}" for k in ("Alt", "Seq", "Bag")}


class DocumentInformationRule(WhitelistRule):
    """The document information may change only its modification date and producer."""

    def apply(self, old: HistoricalResolver, new: HistoricalResolver) -> Iterable[ReferenceUpdate]:
        new_ref = new.trailer_view.get_value_as_reference("/Info", optional=True)
        if new_ref is None:
            return
        old_ref = old.trailer_view.get_value_as_reference("/Info", optional=True)
        if old_ref is not None:
            before, after = old.get_object(old_ref), new.get_object(new_ref)
            if not isinstance(before, generic.DictionaryObject) or not isinstance(
                after, generic.DictionaryObject
            ):
                raise SuspiciousModification("the document information is not a dictionary")
            changed = {
                key
                for key in set(before) | set(after)
                if key not in _VOLATILE_INFO and _raw(before, key) != _raw(after, key)
            }
            if changed:
                raise SuspiciousModification(
                    f"the document information changed after signing: {sorted(changed)}"
                )
        yield from map(
            ReferenceUpdate.curry_ref(context_checked=Context.from_absolute(old, RawPdfPath("/Info"))),
            safe_whitelist(old, old_ref, new_ref),
        )


def _raw(dictionary: generic.DictionaryObject, key: str) -> Any:
    return dictionary.raw_get(key) if key in dictionary else None


class MetadataDatesRule(WhitelistRule):
    """The XMP packet may be rewritten with new modification dates, nothing else."""

    def apply(self, old: HistoricalResolver, new: HistoricalResolver) -> Iterable[ReferenceUpdate]:
        new_ref = _metadata_ref(new)
        if new_ref is None:
            return
        old_ref = _metadata_ref(old)
        if old_ref is None:
            raise SuspiciousModification("XMP metadata was added after signing")
        if xmp_properties(_packet(new, new_ref)) != xmp_properties(_packet(old, old_ref)):
            raise SuspiciousModification("the XMP metadata changed after signing")
        if old_ref == new_ref or old.is_ref_unassignable(new_ref):
            yield ReferenceUpdate(
                new_ref, context_checked=Context.from_absolute(old, RawPdfPath("/Root", "/Metadata"))
            )


def revision_purpose(reader: Any, revision: int) -> str | None:
    """'validation data' or 'document time-stamp' when a revision adds either; None when it
    adds neither (the policy above allows what comes with them, not revisions for nothing)."""
    resolver = reader.get_historical_resolver(revision)
    changed = reader.xrefs.explicit_refs_in_revision(revision)
    purposes = set()
    store = resolver.root.raw_get("/DSS") if "/DSS" in resolver.root else None
    if isinstance(store, generic.IndirectObject) and store.reference in changed:
        purposes.add("validation data")
    for ref in changed:
        try:
            obj = resolver.get_object(ref)
        except Exception:
            continue
        if isinstance(obj, generic.DictionaryObject) and obj.get("/Type") == "/DocTimeStamp":
            purposes.add("document time-stamp")
    return " and ".join(sorted(purposes)) or None


def _metadata_ref(resolver: HistoricalResolver) -> generic.Reference | None:
    try:
        return resolver.root.get_value_as_reference("/Metadata")
    except misc.IndirectObjectExpected:
        raise SuspiciousModification("/Metadata is not an indirect reference") from None
    except KeyError:
        return None


def _packet(resolver: HistoricalResolver, ref: generic.Reference) -> bytes:
    stream = resolver.get_object(ref)
    if not isinstance(stream, generic.StreamObject):
        raise SuspiciousModification("/Metadata is not a stream")
    try:
        return bounded_data(stream, MAX_XMP_BYTES)
    except ValueError as exc:
        raise SuspiciousModification(f"the XMP metadata cannot be read ({exc})") from None


def xmp_properties(packet: bytes) -> tuple[Any, ...]:
    """The XMP packet's properties, independent of how RDF was written (attributes or elements,
    rdf:parseType="Resource" or a nested rdf:Description), without the volatile dates."""
    rdf = parse_xmp(packet)
    if rdf is None:
        raise SuspiciousModification("the metadata is not a well-formed XMP packet")
    found: list[Any] = []
    for description in rdf:
        if not isinstance(description.tag, str):
            continue
        if description.tag != f"{{{RDF}}}Description":
            raise SuspiciousModification("the XMP holds something other than rdf:Description")
        found.extend(p for p in _properties(description) if p[0] not in _VOLATILE_XMP)
    return tuple(sorted(found, key=repr))


def _properties(node: etree._Element) -> list[tuple[str, Any]]:
    found: list[tuple[str, Any]] = []
    for name, value in node.attrib.items():
        if not name.startswith(f"{{{RDF}}}"):
            found.append((name, value.strip()))
    for child in node:
        if isinstance(child.tag, str):
            found.append((child.tag, _value(child)))
    return found


def _value(element: etree._Element) -> Any:
    children = [c for c in element if isinstance(c.tag, str)]
    if element.get(f"{{{RDF}}}parseType") == "Resource":
        return tuple(sorted(_properties(element), key=repr))
    if len(children) == 1 and children[0].tag == f"{{{RDF}}}Description":
        return tuple(sorted(_properties(children[0]), key=repr))
    if len(children) == 1 and children[0].tag in _CONTAINERS:
        items = [
            (li.get("{http://www.w3.org/XML/1998/namespace}lang"), _value(li))
            for li in children[0]
            if isinstance(li.tag, str)
        ]
        return (etree.QName(children[0]).localname, tuple(items))
    if children:
        return tuple(sorted(((c.tag, _value(c)) for c in children), key=repr))
    # rdf:resource and rdf:datatype are values too; only rdf:parseType is how RDF was written.
    attributes = tuple(sorted((k, v) for k, v in element.attrib.items() if k != f"{{{RDF}}}parseType"))
    return ((element.text or "").strip(), attributes) if attributes else (element.text or "").strip()


#: After the institution signed, a transcript package may gain validation data and document
#: time-stamps, and the date-only metadata updates that come with them; nothing else.
STRICT_POLICY = StandardDiffPolicy(
    global_rules=[
        CatalogModificationRule(),  # /Metadata: the rule below; /DSS, /AcroForm: theirs
        DocumentInformationRule().as_qualified(ModificationLevel.LTA_UPDATES),
        MetadataDatesRule().as_qualified(ModificationLevel.LTA_UPDATES),
        XrefStreamRule().as_qualified(ModificationLevel.LTA_UPDATES),
        ObjectStreamRule().as_qualified(ModificationLevel.LTA_UPDATES),
        DSSCompareRule().as_qualified(ModificationLevel.LTA_UPDATES),
    ],
    form_rule=FormUpdatingRule(field_rules=[SigFieldCreationRule(), SigFieldModificationRule()]),
)
