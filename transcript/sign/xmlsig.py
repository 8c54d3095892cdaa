"""signxml's XML processors, copying a document's tree by deep copy instead of by text.

signxml copies trees it works on (the document it signs and the one it digests, the
document again for every reference it verifies) by serialising and parsing them, so that
namespaces declared on an element's ancestors cannot leak into the copy. A copy of a
document's root element has no ancestors to lose: a deep copy is the same tree (the same
canonical form, comments kept exactly), made in a third of the time and with no parser.
A transcript signature costs two such copies to make and five to verify, each of the whole
document. Elements inside a document are still copied signxml's way.

Two corrections of signxml ride on it. A document reference (URI="") covers the processing
instructions outside the root element too, as C14N 1.0 defines it (signxml canonicalised the
element alone, so ETDA's sample, which starts with <?xml-model?>, never verified). And it is
what keeps a signed document's comments as they were: signxml's text copy writes
ASCII, and in a comment a character reference is literal text, so a Thai comment came out
of signing as "&#3648;..." (comments are outside the digest: the signature stayed valid).
This subclasses signxml's processors (nothing of signxml changes for anyone else) and
overrides two of their internal methods, written against signxml 5.2.0 (constraints.txt);
tests/test_signing.py holds the copies to signxml's own.
"""

from __future__ import annotations

import copy
from typing import Any

from lxml import etree


class _RootElement(bytes):
    """What `_tostring` gives for a root element: the element itself, for `_fromstring` to
    copy. signxml only ever passes `_tostring`'s result straight to `_fromstring`."""

    element: etree._Element


class RootCopying:
    """Mix into a signxml processor class (before it): root elements are deep-copied."""

    def _tostring(self, xml_node: Any, **kwargs: Any) -> bytes:
        if not kwargs and isinstance(xml_node, etree._Element) and xml_node.getparent() is None:
            token = _RootElement()
            token.element = xml_node
            return token
        return super()._tostring(xml_node, **kwargs)  # type: ignore[misc]

    def _fromstring(self, xml_string: Any, **kwargs: Any) -> Any:
        if isinstance(xml_string, _RootElement) and not kwargs:
            # The whole document: processing instructions before and after the root are part
            # of what a reference URI="" covers (XML-DSig, the XPointer "" and C14N 1.0).
            return copy.deepcopy(xml_string.element.getroottree()).getroot()
        return super()._fromstring(xml_string, **kwargs)  # type: ignore[misc]

    def _c14n(self, nodes: Any, *args: Any, **kwargs: Any) -> bytes:
        # A document's root element is canonicalised as its document (with the processing
        # instructions outside it, and comments when the algorithm keeps them), as C14N 1.0
        # defines the whole-document reference; signxml gave the element alone, so a signature
        # over a document that starts with <?xml-model?> (ETDA's sample) never verified.
        if isinstance(nodes, etree._Element) and nodes.getparent() is None:
            nodes = nodes.getroottree()
        return super()._c14n(nodes, *args, **kwargs)  # type: ignore[misc]
