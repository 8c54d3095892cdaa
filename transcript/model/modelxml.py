"""The generated model to and from lxml directly, planned once from xsdata's own metadata.

xsdata's parser and serializer are general: they handle choices, mixed content, wildcards
and type substitution, and re-decide for every value how to treat it. Reading a 50-course
transcript took 12 ms and writing it 20 ms, a sixth of issuing a student. The transcript
schema uses none of that generality in the documents the toolkit makes: plain sequences of
elements, simple values, an attribute or two. This module plans each class once from the
metadata xsdata builds for it (element names, order, types, formats) and converts every
value with xsdata's own converter, so the text is the text xsdata would write or read.

Anything outside the plan (an XML signature, xsi attributes, an element or attribute the
plan does not know) raises `Unplanned`, and `transcript.model.xmlio` hands the document to
xsdata instead. Tests hold the two paths to the same bytes and the same models.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from decimal import Decimal
from typing import Any

from lxml import etree
from xsdata.formats.converter import converter
from xsdata.formats.dataclass.context import XmlContext
from xsdata.formats.dataclass.models.elements import XmlVar
from xsdata.models.datatype import XmlDateTime

from transcript.generated import Transcript
from transcript.model.constants import TC_NS

_ATTRIBUTE_UNSAFE = re.compile("[\"'\n\t]")
DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'


class Unplanned(Exception):
    """The document or model holds something the fast path does not cover."""


@dataclasses.dataclass(frozen=True)
class _Field:
    name: str
    qname: str
    clazz: type | None  # a generated class, or None for a simple value
    types: tuple[type, ...]
    format: str | None
    many: bool


@dataclasses.dataclass(frozen=True)
class _Plan:
    clazz: type
    elements: tuple[_Field, ...]  # in document order
    attributes: tuple[_Field, ...]
    text: _Field | None
    by_qname: dict[str, _Field]
    by_attribute: dict[str, _Field]
    unplanned: tuple[str, ...]  # fields only xsdata handles (wildcards, any-attributes)


@functools.cache
def _context() -> XmlContext:
    return XmlContext()


@functools.cache
def _plan(clazz: type) -> _Plan:
    meta = _context().build(clazz)

    def field_of(var: XmlVar) -> _Field:
        special = var.tokens or var.wrapper or var.mixed or var.any_type or var.is_clazz_union
        if special or var.sequence is not None or var.nillable or var.is_elements:
            raise Unplanned(f"{clazz.__name__}.{var.name}: tokens, wrappers, choices, nillable")
        if var.list_element and not var.is_element:
            raise Unplanned(f"{clazz.__name__}.{var.name}: a list other than repeated elements")
        return _Field(var.name, var.qname, var.clazz, tuple(var.types), var.format, bool(var.list_element))

    elements, unplanned = [], []
    for var in meta.get_element_vars():
        if var.is_wildcard:
            unplanned.append(var.name)
        elif var.is_element:
            elements.append(field_of(var))
        elif not var.is_text:
            raise Unplanned(f"{clazz.__name__}.{var.name}: not an element, attribute or text")
    attributes = []
    for var in meta.get_attribute_vars():
        if var.is_attributes:
            unplanned.append(var.name)
        else:
            attributes.append(field_of(var))
    text = field_of(meta.text) if meta.text else None
    return _Plan(
        clazz,
        tuple(elements),
        tuple(attributes),
        text,
        {f.qname: f for f in elements},
        {f.qname: f for f in attributes},
        tuple(unplanned),
    )


# ----------------------------------------------------------------------- write


def dump(transcript: Transcript) -> bytes:
    """The XML xsdata would write (UTF-8, declaration, four-space indent, ``tc`` prefix)."""
    root = etree.Element(f"{{{TC_NS}}}Transcript", nsmap={"tc": TC_NS})
    _fill(root, transcript, _plan(Transcript))
    etree.indent(root, space="    ")
    return DECLARATION + etree.tostring(root, encoding="utf-8") + b"\n"


def _text(value: Any, field: _Field) -> str:
    kind = type(value)
    if kind is str:
        text = value
    elif kind is Decimal or kind is int or kind is XmlDateTime:
        # Credits, grade points and dates recur: their text is remembered. A Decimal is keyed
        # by its own text, since equal decimals (3 and 3.0) print differently.
        text = _serialized(kind, str(value) if kind is Decimal else value, field.format)  # type: ignore[arg-type]  # a class is hashable
    else:
        text = converter.serialize(value, format=field.format)
    if "\r" in text:
        raise Unplanned("a carriage return (lxml and xsdata escape it differently)")
    return text


@functools.lru_cache(maxsize=4096)
def _serialized(kind: type, value: Any, format: str | None) -> str:
    return converter.serialize(Decimal(value) if kind is Decimal else value, format=format)


def _fill(element: etree._Element, obj: Any, plan: _Plan) -> None:
    for name in plan.unplanned:
        if getattr(obj, name):
            raise Unplanned(f"{plan.clazz.__name__}.{name}")
    for field in plan.attributes:
        value = getattr(obj, field.name)
        if value is not None:
            text = _text(value, field)
            if _ATTRIBUTE_UNSAFE.search(text):
                raise Unplanned("an attribute value with quotes or white space other than spaces")
            element.set(field.qname, text)
    if plan.text is not None:
        value = getattr(obj, plan.text.name)
        if value is not None:
            element.text = _text(value, plan.text)
    for field in plan.elements:
        value = getattr(obj, field.name)
        if value is None:
            continue
        for item in value if field.many else (value,):
            if item is None:
                continue
            child = etree.SubElement(element, field.qname)
            if field.clazz is not None:
                _fill(child, item, _plan(field.clazz))
            else:
                text = _text(item, field)
                if text == "" or (text.strip() != text and "\n" in text):
                    raise Unplanned("an empty value or one with surrounding line breaks")
                child.text = text


# ------------------------------------------------------------------------ read


def read(root: etree._Element) -> Transcript:
    """The model of a tree that passed the schema gate; `Unplanned` when xsdata must read it."""
    if root.tag != f"{{{TC_NS}}}Transcript":
        raise Unplanned(f"root {root.tag}")
    return _read(root, _plan(Transcript))


def _value(text: str | None, field: _Field) -> Any:
    if field.types == (str,):
        return text or ""  # xsdata's string converter returns a str as it is
    text = text or ""
    if len(text) > 64:  # a picture, say: not worth remembering
        return converter.deserialize(text, field.types, format=field.format)
    return _converted(text, field.types, field.format)


@functools.lru_cache(maxsize=4096)
def _converted(text: str, types: tuple[type, ...], format: str | None) -> Any:
    # Credits, grades, dates and codes recur in every transcript; the values are immutable
    # (numbers, enumerations, xsdata's date tuples), so one converted value serves them all.
    return converter.deserialize(text, types, format=format)


def _read(element: etree._Element, plan: _Plan) -> Any:
    values: dict[str, Any] = {}
    for qname, text in element.attrib.items():
        field = plan.by_attribute.get(qname)
        if field is None:
            raise Unplanned(f"attribute {qname}")
        values[field.name] = _value(text, field)
    if plan.text is not None:
        values[plan.text.name] = _value(element.text, plan.text)
    elif element.text is not None and element.text.strip():
        raise Unplanned("text in an element of elements")
    for child in element:
        tag = child.tag
        if not isinstance(tag, str):
            continue  # comments and processing instructions carry no data
        field = plan.by_qname.get(tag)
        if field is None:
            raise Unplanned(f"element {tag}")
        value = _read(child, _plan(field.clazz)) if field.clazz is not None else _value(child.text, field)
        if field.many:
            values.setdefault(field.name, []).append(value)
        elif field.name in values:
            raise Unplanned(f"element {tag} twice")
        else:
            values[field.name] = value
    return plan.clazz(**values)
