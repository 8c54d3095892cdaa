"""Transcript objects to bytes and back, safely.

Reading untrusted XML goes through one gate, in this order:

1. a size cap, checked before anything is parsed;
2. lxml with entity resolution, DTD loading and network access off, and `huge_tree` off;
3. any DOCTYPE rejected outright (no entities, so no entity bombs and no XXE);
4. the root must be ``Transcript`` in the transcript namespace;
5. the XSD (``xsd/transcript.xsd``).

Only then does xsdata build the model. xsdata's own lxml handler parses with
``recover=True`` and clears the tree it walks, so it is handed a tree that the gate has
already accepted and that nobody needs afterwards.
"""

from __future__ import annotations

import hashlib
import re
import threading
from functools import cache
from importlib import resources
from pathlib import Path

from lxml import etree
from xsdata.exceptions import ConverterError, ConverterWarning, ParserError
from xsdata.formats.dataclass.parsers import XmlParser
from xsdata.formats.dataclass.parsers.config import ParserConfig
from xsdata.formats.dataclass.parsers.handlers import LxmlEventHandler
from xsdata.formats.dataclass.serializers import XmlSerializer
from xsdata.formats.dataclass.serializers.config import SerializerConfig

from transcript.errors import InvalidDocument
from transcript.generated import Transcript
from transcript.model import modelxml
from transcript.model.constants import DS_NS, TC_NS, TRANSCRIPT_OID, TRANSCRIPT_VERSION  # noqa: F401 (re-exported)
from transcript.problems import Problem, Severity

#: Largest document read by default. A transcript with 200 courses and a logo is well under
#: 1 MiB; 16 MiB leaves room for large logos while refusing anything absurd before parsing.
MAX_DOCUMENT_BYTES = 16 * 1024 * 1024

_ROOT_TAG = f"{{{TC_NS}}}Transcript"
_NS_MAP = {"tc": TC_NS}
_local = threading.local()


# --------------------------------------------------------------------------- schema


def schema_path() -> Path:
    """Where the transcript XSD is: inside an installed package, or in the source tree."""
    packaged = resources.files("transcript") / "schema" / "transcript.xsd"
    if packaged.is_file():
        return Path(str(packaged))
    source_tree = Path(__file__).resolve().parents[2] / "xsd" / "transcript.xsd"
    if source_tree.is_file():
        return source_tree
    raise FileNotFoundError("the transcript schema (transcript.xsd) is missing from the install")


@cache
def _schema_bytes() -> bytes:
    return schema_path().read_bytes()


def _schema() -> etree.XMLSchema:
    # One compiled schema per thread: lxml validators must not be shared between threads.
    schema = getattr(_local, "schema", None)
    if schema is None:
        document = etree.fromstring(_schema_bytes(), _hardened_parser())
        schema = etree.XMLSchema(document)
        _local.schema = schema
    return schema


def _hardened_parser() -> etree.XMLParser:
    parser = getattr(_local, "parser", None)
    if parser is None:
        parser = etree.XMLParser(
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            dtd_validation=False,
            huge_tree=False,
            collect_ids=False,
        )
        _local.parser = parser
    return parser


# ------------------------------------------------------------------------ the gate


def _problem(code: str, message: str, line: int | None = None, column: int | None = None) -> Problem:
    return Problem(code, Severity.ERROR, message, None, line, column)


def parse_untrusted(data: bytes, *, max_bytes: int = MAX_DOCUMENT_BYTES) -> etree._ElementTree:
    """Parse bytes from an untrusted source into an lxml tree, or raise `InvalidDocument`.

    Applies steps 1 to 3 of the gate (size, hardened parser, no DOCTYPE). The tree is
    well-formed and free of entities; nothing about its content is checked yet.
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"expected the document as bytes, got {type(data).__name__}")
    size = len(data)
    if size > max_bytes:
        raise InvalidDocument(
            [
                _problem(
                    "XML003",
                    f"the document is {size:,} bytes, more than the limit of {max_bytes:,} bytes; "
                    "it was not read",
                )
            ]
        )
    if size == 0:
        raise InvalidDocument([_problem("XML001", "the document is empty", 1, 1)])
    # Refuse a DOCTYPE before libxml2 reads its declarations; the check after parsing below
    # still catches one in an encoding this prolog scan does not read (UTF-16).
    if _PROLOG_DOCTYPE.match(data):
        raise InvalidDocument([_doctype_problem()])
    try:
        root = etree.fromstring(bytes(data), _hardened_parser())
    except etree.XMLSyntaxError as exc:
        line, column = exc.position if exc.position else (exc.lineno, None)
        message = _clean_message(exc.msg or str(exc))
        raise InvalidDocument([_problem("XML001", f"not well-formed XML: {message}", line, column)]) from None
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise InvalidDocument([_doctype_problem()])
    return tree


# The prolog of an ASCII-compatible document: optional BOM, XML declaration, comments,
# processing instructions and blanks, then a DOCTYPE. Anchored, so content never matches;
# each declaration, instruction or comment ends at its first closing mark, so a document
# without a DOCTYPE fails at its root element instead of being scanned to the end (as a lazy
# ".*?" does when the match fails: 0.7 ms for a 55 KB transcript, read several times a run).
_PROLOG_DOCTYPE = re.compile(
    rb"^(?:\xef\xbb\xbf)?(?:\s|<\?(?:[^?]|\?(?!>))*\?>|<!--(?:[^-]|-(?!->))*-->)*<!DOCTYPE"
)


def _doctype_problem() -> Problem:
    return _problem(
        "XML002",
        "the document has a DOCTYPE declaration; transcripts must not carry one "
        "(DTDs and entities are refused to prevent entity-expansion and "
        "external-entity attacks)",
        1,
    )


def check_root(tree: etree._ElementTree) -> list[Problem]:
    """Step 4: the root must be tc:Transcript."""
    root = tree.getroot()
    if root.tag == _ROOT_TAG:
        return []
    qname = etree.QName(root)
    where = f"in namespace {qname.namespace!r}" if qname.namespace else "in no namespace"
    return [
        _problem(
            "XML004",
            f"the root element is {qname.localname!r} {where}; a transcript's root element is "
            f"'Transcript' in namespace {TC_NS!r}",
            root.sourceline,
        )
    ]


def schema_problems(tree: etree._ElementTree) -> list[Problem]:
    """Step 5: every XSD violation, located by line and path."""
    schema = _schema()
    if schema.validate(tree):
        return []
    problems = []
    for entry in schema.error_log:
        problems.append(
            Problem(
                "XSD001",
                Severity.ERROR,
                _clean_message(entry.message),
                _clean_path(entry.path),
                entry.line or None,
                entry.column or None,
            )
        )
    return problems


def gate(data: bytes, *, max_bytes: int = MAX_DOCUMENT_BYTES) -> etree._ElementTree:
    """The whole gate (steps 1-5). Returns the accepted tree or raises `InvalidDocument`."""
    tree = parse_untrusted(data, max_bytes=max_bytes)
    problems = check_root(tree) or schema_problems(tree)
    if problems:
        raise InvalidDocument(problems)
    return tree


_NS_BRACES = re.compile(r"\{([^}]*)\}")
_PREFIX = re.compile(r"(?<=/)[A-Za-z_][\w.-]*:")


def _clean_message(message: str) -> str:
    """libxml2 messages name elements as {namespace}Name; the transcript namespace is noise."""

    def shorten(match: re.Match[str]) -> str:
        return "" if match.group(1) == TC_NS else match.group(0)

    return _NS_BRACES.sub(shorten, message).strip().rstrip(".")


def _clean_path(path: str | None) -> str | None:
    if not path:
        return None
    return _PREFIX.sub("", path)


# --------------------------------------------------------------------- locations


def element_path(element: etree._Element) -> str:
    """Path of an element in the form used by problems: ``/Transcript/Course[2]/Year``."""
    parts = []
    node: etree._Element | None = element
    while node is not None:
        name = etree.QName(node).localname
        parent = node.getparent()
        if parent is None:
            parts.append(name)
        else:
            same = [sibling for sibling in parent if sibling.tag == node.tag]
            parts.append(f"{name}[{same.index(node) + 1}]" if len(same) > 1 else name)
        node = parent
    return "/" + "/".join(reversed(parts))


_SEGMENT = re.compile(r"^([A-Za-z_][\w.-]*)(\[\d+\])?$")


def locate(tree: etree._ElementTree, path: str) -> int | None:
    """Source line of the element at `path` (as produced by `element_path`), if it exists."""
    steps = []
    for segment in path.strip("/").split("/"):
        match = _SEGMENT.match(segment)
        if not match:
            return None
        steps.append(f"tc:{match.group(1)}{match.group(2) or ''}")
    try:
        found = tree.xpath("/" + "/".join(steps), namespaces=_NS_MAP)
    except etree.XPathError:
        return None
    if found and isinstance(found[0], etree._Element):
        return found[0].sourceline
    return None


# -------------------------------------------------------------------- load / dump


@cache
def model_parser() -> XmlParser:
    """The strict xsdata parser (unknown elements, attributes or values are errors)."""
    config = ParserConfig(
        fail_on_unknown_properties=True,
        fail_on_unknown_attributes=True,
        fail_on_converter_warnings=True,
    )
    return XmlParser(config=config, handler=LxmlEventHandler)


@cache
def _serializer() -> XmlSerializer:
    """One serializer (its context keeps the models' metadata between calls)."""
    config = SerializerConfig(indent="    ", xml_declaration=True, encoding="UTF-8")
    return XmlSerializer(config=config)


def tree_to_model(tree: etree._ElementTree, data: bytes | None = None) -> Transcript:
    """Build the model from a tree that passed the gate.

    The planned reader (`transcript.model.modelxml`) takes what it covers and leaves the tree as
    it is; xsdata reads the rest (signed files with their ds:Signature, xsi attributes,
    anything unusual). xsdata's reader clears the elements it has read: given the tree's
    `data`, it reads its own copy instead, so callers can still locate problems in `tree`.
    """
    try:
        return modelxml.read(tree.getroot())
    except (modelxml.Unplanned, ConverterError):
        pass  # outside the plan, or a value xsdata's converter refuses: xsdata decides
    # Anything else raised by the planned reader is a defect of it, and surfaces as one.
    try:
        if data is not None:
            return model_parser().from_bytes(bytes(data), Transcript)
        return model_parser().parse(tree.getroot(), Transcript)
    except (ParserError, ConverterWarning, ValueError) as exc:
        raise InvalidDocument([model_problem(exc)]) from None


def model_problem(exc: Exception) -> Problem:
    """A schema-valid document that xsdata still cannot read (should not happen; reported)."""
    return _problem("XML005", f"the document could not be read into the model: {exc}")


def load(data: bytes, *, max_bytes: int = MAX_DOCUMENT_BYTES) -> Transcript:
    """Read transcript XML from untrusted bytes into the generated `Transcript` model.

    Raises `InvalidDocument` (with located problems) when the bytes are unsafe, not
    well-formed, or not valid against the transcript schema. Business rules (sums, GPA, ID
    check digits) are not checked here; use `transcript.validate` for those.
    """
    return tree_to_model(gate(data, max_bytes=max_bytes))


def dump(transcript: Transcript) -> bytes:
    """Serialise a `Transcript` to UTF-8 XML with the ``tc`` prefix, as the ETDA sample does.

    The output is deterministic: the same object always gives the same bytes. It is not
    validated here; `transcript.validate` checks the result when that is wanted. The planned
    writer (`transcript.model.modelxml`) writes what it covers, byte for byte as xsdata would.
    """
    try:
        return modelxml.dump(transcript)
    except modelxml.Unplanned:
        pass
    text = _serializer().render(transcript, ns_map=_NS_MAP)
    return text.encode("utf-8")


def signed_content_digest(data: bytes) -> str | None:
    """The SHA-256 (hex) of a signed transcript's content as its enveloped signature covers it:
    the document without its ds:Signature, in inclusive canonical form. The same for every copy
    of the document, whatever whitespace, comments or declaration outside the root a copy has
    gained; None when the bytes are not a well-formed document."""
    try:
        root = parse_untrusted(data).getroot()
    except InvalidDocument:
        return None
    return content_digest_of(root)


def content_digest_of(root: etree._Element) -> str:
    """`signed_content_digest` of a parsed document (its signature is taken out of `root`)."""
    for signature in root.findall(f"{{{DS_NS}}}Signature"):
        root.remove(signature)
    canonical = etree.tostring(root.getroottree(), method="c14n", exclusive=False, with_comments=False)
    return hashlib.sha256(canonical).hexdigest()
