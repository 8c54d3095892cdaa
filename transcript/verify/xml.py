"""The XAdES checks of a signed transcript XML.

=================  =========================================================================
input              well-formed and safe (size cap, no DOCTYPE, no entities), a Transcript;
                   no two elements share an identifier (Id, ID, id or xml:id)
structure          exactly one XAdES signature, the last child of Transcript, whose only
                   data reference is ``URI=""`` with the enveloped transform and inclusive
                   C14N; one QualifyingProperties whose SignedProperties is the one signed,
                   holding each property at most once and nothing XAdES does not define
signature          every digest and the signature value (SHA-256 or stronger)
signed-properties  read from the SignedProperties the verified reference covers: the
                   signing certificate's digest and the claimed signing time
timestamp          an RFC 3161 SignatureTimeStamp, when present: its imprint and its TSA
certificate        the chain to a trusted root, judged at the time-stamp's time, else at the
                   validation time (`transcript.verify.chain`)
content            the signed content against the schema and the business rules
signer             who may sign for the institution the signed content names
=================  =========================================================================

Everything reported about the transcript (and everything a renderer shows) comes from the
bytes the signature covers, never from the tree that was handed in.
"""

from __future__ import annotations

import base64
import binascii
import copy
import datetime as dt
import hashlib
import re
from collections.abc import Sequence
from typing import Any

from asn1crypto import cms, tsp
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from lxml import etree
from signxml import DigestAlgorithm, SignatureMethod
from signxml.exceptions import InvalidDigest, InvalidSignature
from signxml.xades import XAdESSignatureConfiguration, XAdESVerifier

from transcript.errors import InvalidDocument
from transcript.model.constants import C14N_INCLUSIVE, DS_NS, TC_NS, XADES_NS, student_number
from transcript.model.text import by_language, full_name, gpa_text
from transcript.model.validity import stated_validity
from transcript.model.xmlio import MAX_DOCUMENT_BYTES, check_root, parse_untrusted, signed_content_digest
from transcript.pki.trust import TrustSettings
from transcript.rules.checks import read_and_validate
from transcript.sign.xmlsig import RootCopying
from transcript.verify.chain import check_path
from transcript.verify.report import (
    Check,
    ReportDraft,
    Signer,
    Status,
    SubIndication,
    TranscriptSummary,
    VerificationReport,
    one_line,
)
from transcript.verify.signers import SignerList, check_signer
from transcript.verify.timestamps import proof_of_existence

ENVELOPED = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"
ACCEPTED_C14N = {
    C14N_INCLUSIVE,
    "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments",
    "http://www.w3.org/2006/12/xml-c14n11",
}
SIGNED_PROPERTIES_TYPE = "http://uri.etsi.org/01903#SignedProperties"
XADES141_NS = "http://uri.etsi.org/01903/v1.4.1#"
ACCEPTED_SIGNATURES = frozenset(
    {
        SignatureMethod.RSA_SHA256,
        SignatureMethod.RSA_SHA384,
        SignatureMethod.RSA_SHA512,
        SignatureMethod.ECDSA_SHA256,
        SignatureMethod.ECDSA_SHA384,
        SignatureMethod.ECDSA_SHA512,
    }
)
ACCEPTED_DIGESTS = frozenset({DigestAlgorithm.SHA256, DigestAlgorithm.SHA384, DigestAlgorithm.SHA512})
CERT_DIGESTS = {
    DigestAlgorithm.SHA256.value: hashes.SHA256(),
    DigestAlgorithm.SHA384.value: hashes.SHA384(),
    DigestAlgorithm.SHA512.value: hashes.SHA512(),
}
_ID_NAMES = frozenset({"Id", "ID", "id"})  # what signxml resolves a "#..." reference by (any namespace)


def _ds(name: str) -> str:
    return f"{{{DS_NS}}}{name}"


def _xades(name: str) -> str:
    return f"{{{XADES_NS}}}{name}"


# What a QualifyingProperties may hold (XAdES 1.3.2), and how often: anything else, or a
# property twice, is a structure that the standard does not define and that two readers
# could read differently.
_ONE, _OPTIONAL, _ANY = (1, 1), (0, 1), (0, None)
_CHILDREN: dict[str, dict[str, tuple[int, int | None]]] = {
    _xades("QualifyingProperties"): {
        _xades("SignedProperties"): _ONE,
        _xades("UnsignedProperties"): _OPTIONAL,
    },
    _xades("SignedProperties"): {
        _xades("SignedSignatureProperties"): _ONE,
        _xades("SignedDataObjectProperties"): _OPTIONAL,
    },
    _xades("SignedSignatureProperties"): {
        _xades("SigningTime"): _ONE,
        _xades("SigningCertificate"): _OPTIONAL,
        _xades("SigningCertificateV2"): _OPTIONAL,
        _xades("SignaturePolicyIdentifier"): _OPTIONAL,
        _xades("SignatureProductionPlace"): _OPTIONAL,
        _xades("SignatureProductionPlaceV2"): _OPTIONAL,
        _xades("SignerRole"): _OPTIONAL,
        _xades("SignerRoleV2"): _OPTIONAL,
    },
    _xades("SignedDataObjectProperties"): {
        _xades("DataObjectFormat"): _ANY,
        _xades("CommitmentTypeIndication"): _ANY,
        _xades("AllDataObjectsTimeStamp"): _ANY,
        _xades("IndividualDataObjectsTimeStamp"): _ANY,
    },
    _xades("UnsignedProperties"): {
        _xades("UnsignedSignatureProperties"): _OPTIONAL,
        _xades("UnsignedDataObjectProperties"): _OPTIONAL,
    },
}
_SIGNATURE_ORDER = (_ds("SignedInfo"), _ds("SignatureValue"), _ds("KeyInfo"), _ds("Object"))


class _Stop(Exception):
    """A check failed in a way that makes the following checks meaningless."""


def verify_xml(
    data: bytes,
    trust: TrustSettings,
    *,
    signers: SignerList | None = None,
    max_bytes: int = MAX_DOCUMENT_BYTES,
    extra_crls: Sequence[bytes] = (),
    extra_ocsps: Sequence[bytes] = (),
    proven_at: dt.datetime | None = None,
) -> VerificationReport:
    """Verify a signed transcript XML; never raises for bad input.

    `extra_crls` and `extra_ocsps` are revocation data (DER) that came with the file (a
    package's validation data). `proven_at` is a time at which something the caller verified
    proves that these bytes existed (the trusted time-stamp of a package's signature, which
    covers the embedded XML): the XML's own time-stamp must hold until then, and without one
    the certificate is judged at that time.
    """
    draft = ReportDraft()
    try:
        data = bytes(data)
        draft.document_sha256 = signed_content_digest(data)
        _verify(data, trust, signers, draft, max_bytes, extra_crls, extra_ocsps, proven_at)
    except _Stop:
        pass
    except Exception as exc:  # a defect met with crafted input must not become a crash
        draft.add(
            Check.problem(
                "structure",
                SubIndication.FORMAT_FAILURE,
                f"the signature could not be processed ({type(exc).__name__}); it is not accepted",
            )
        )
    return draft.freeze()


def _verify(
    data: bytes,
    trust: TrustSettings,
    signers: SignerList | None,
    draft: ReportDraft,
    max_bytes: int,
    extra_crls: Sequence[bytes],
    extra_ocsps: Sequence[bytes],
    proven_at: dt.datetime | None,
) -> None:
    add = draft.add

    # 1. input
    try:
        tree = parse_untrusted(data, max_bytes=max_bytes)
    except InvalidDocument as exc:
        add(Check.problem("input", SubIndication.FORMAT_FAILURE, exc.problems[0].message))
        raise _Stop from None
    root_problems = check_root(tree)
    if root_problems:
        add(Check.problem("input", SubIndication.FORMAT_FAILURE, root_problems[0].message))
        raise _Stop
    root = tree.getroot()
    duplicate = _duplicate_id(root)
    if duplicate:
        add(
            Check.problem(
                "input",
                SubIndication.FORMAT_FAILURE,
                f"two elements carry the identifier {duplicate!r}: a reference to it could mean either",
            )
        )
        raise _Stop
    add(Check.passed("input", "well-formed XML, no DOCTYPE or entities, a Transcript, unique identifiers"))

    # 2. structure
    signature, properties = _structure(root, add)

    # 3. the signer's certificate, named by the signing-certificate property
    certificates = _keyinfo_certificates(signature)
    signing_cert, cert_digest = _signing_certificate(properties, certificates, add)
    draft.signer = Signer.of(signing_cert)

    # 4. digests and signature value, by signxml, with the certificate named above, on the
    # tree checked above (one parser for both)
    signed_bytes, verified_properties = _cryptography(root, signing_cert, add)

    # 5. the signed properties, read from what the verified reference covers
    if _cert_digest(verified_properties) != cert_digest:
        add(
            Check.problem(
                "signed-properties",
                SubIndication.FORMAT_FAILURE,
                "the signed properties are not the ones the signature covers",
            )
        )
        raise _Stop
    draft.signing_time = _signing_time(verified_properties)
    if draft.signing_time is None:
        add(Check.problem("signed-properties", SubIndication.FORMAT_FAILURE, "no valid signed SigningTime"))
        raise _Stop

    # 6. time-stamp (XAdES-T), which proves when the signature existed
    now = trust.at or dt.datetime.now(dt.timezone.utc)
    until = min(now, proven_at) if proven_at else now
    timestamp_check, draft.timestamp_time = _timestamp(signature, trust, until, extra_crls, extra_ocsps)
    claimed = draft.signing_time
    if draft.timestamp_time is not None and draft.timestamp_time < claimed:
        add(
            Check.warning(
                "signed-properties",
                f"signing certificate digest matches; the claimed signing time {claimed.isoformat()} is "
                f"after the time-stamp ({draft.timestamp_time.isoformat()}): the claim is wrong",
            )
        )
    else:
        add(
            Check.passed(
                "signed-properties",
                f"signing certificate digest matches; claimed signing time {claimed.isoformat()}",
            )
        )
    add(timestamp_check)
    draft.level = "XAdES-B-B" if timestamp_check.status is Status.SKIPPED else "XAdES-B-T"

    # 7. certificate: chain, validity and revocation at the moment that can be relied on: the
    # time-stamp's, else a proof of existence from outside (the package's), else now
    proof = draft.timestamp_time or proven_at
    moment = proof or now
    draft.validation_time = moment
    others = [c for c in certificates if c != signing_cert]
    add(
        check_path(
            "certificate", signing_cert, others, trust, moment, proof is not None, extra_crls, extra_ocsps
        )
    )

    # 8. the signed content, and who may sign for the institution it names
    draft.signed_xml = signed_bytes
    names = _content(signed_bytes, draft, add)
    if names is None:
        add(Check.skipped("signer", "the signed content could not be read, so its institution is unknown"))
    else:
        add(check_signer("signer", signing_cert, names, signers))
        validity = validity_check(draft.transcript, now)
        if validity is not None:
            add(validity)


def institution_names(model: Any) -> list[str]:
    """Every name of the institution a transcript model names."""
    return [n.value for n in model.organization.organization_name if n.value]


def _duplicate_id(root: etree._Element) -> str | None:
    seen: set[str] = set()
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        for attribute, value in element.attrib.items():
            if etree.QName(attribute).localname in _ID_NAMES:
                if value in seen:
                    return value
                seen.add(value)
    return None


def _structure(root: etree._Element, add: Any) -> tuple[etree._Element, etree._Element]:
    def fail(detail: str) -> _Stop:
        add(Check.problem("structure", SubIndication.FORMAT_FAILURE, detail))
        return _Stop()

    signatures = list(root.iter(_ds("Signature")))
    if not signatures:
        raise fail("the document is not signed")
    if len(signatures) > 1:
        if len(signatures) <= MAX_DIAGNOSED_SIGNATURES:  # each costs a copy of the document
            for number, diagnosis in enumerate(_several_signatures(root, signatures), 1):
                add(Check.warning(f"signature-{number}", diagnosis))
        raise fail(
            f"the document carries {len(signatures)} signatures; a transcript carries exactly one"
            + (" (each is diagnosed above)" if len(signatures) <= MAX_DIAGNOSED_SIGNATURES else "")
        )
    signature = signatures[0]
    children = [c for c in root if isinstance(c.tag, str)]
    if signature.getparent() is not root or children[-1] is not signature:
        raise fail(
            "the signature is not the last child of Transcript (the signed content may have been moved)"
        )
    stray = _stray_text(signature)
    if stray:
        raise fail(f"text {stray!r} stands where the signature's structure allows none")
    order = [c.tag for c in signature if isinstance(c.tag, str)]
    if (
        order[:2] != list(_SIGNATURE_ORDER[:2])
        or any(t not in _SIGNATURE_ORDER[2:] for t in order[2:])
        or order[2:] != sorted(order[2:], key=_SIGNATURE_ORDER.index)
        or order.count(_ds("KeyInfo")) > 1
    ):
        raise fail(
            "the signature's parts are not SignedInfo, SignatureValue, KeyInfo and Object, in that order"
        )
    signed_info = signature[0] if isinstance(signature[0].tag, str) else signature.find(_ds("SignedInfo"))
    assert signed_info is not None
    c14n = signed_info.find(_ds("CanonicalizationMethod"))
    if c14n is None or c14n.get("Algorithm") not in ACCEPTED_C14N:
        algorithm = None if c14n is None else c14n.get("Algorithm")
        raise fail(f"canonicalisation {algorithm!r} is not inclusive C14N, as the national profile requires")

    # XAdES: one QualifyingProperties, for this signature, in an Object; one of each property
    qualifying = list(signature.iter(_xades("QualifyingProperties")))
    if len(qualifying) != 1 or qualifying[0].getparent() not in signature.findall(_ds("Object")):
        raise fail(
            f"the signature carries {len(qualifying)} XAdES QualifyingProperties where one, "
            "in an Object, belongs"
        )
    properties_root = qualifying[0]
    signature_id = signature.get("Id")
    if signature_id is None or properties_root.get("Target") != f"#{signature_id}":
        raise fail("the XAdES QualifyingProperties do not name this signature as their target")
    for tag, counts in _CHILDREN.items():
        for element in signature.iter(tag):
            problem = _children_problem(element, counts)
            if problem:
                raise fail(problem)
    for unique in ("SignedProperties", "SignedSignatureProperties", "SigningTime"):
        if len(list(signature.iter(_xades(unique)))) > 1:
            raise fail(f"the signature carries more than one xades:{unique}")
    signed_properties = properties_root.find(_xades("SignedProperties"))
    assert signed_properties is not None
    signed_signature_properties = signed_properties.find(_xades("SignedSignatureProperties"))
    assert signed_signature_properties is not None
    kinds = [
        signed_signature_properties.find(_xades(n)) for n in ("SigningCertificate", "SigningCertificateV2")
    ]
    if sum(k is not None for k in kinds) != 1:
        raise fail("the signed properties must name the signing certificate once (SigningCertificate or V2)")

    ids = {e.get("Id"): e for e in signature.iter() if isinstance(e.tag, str) and e.get("Id")}
    document_refs, property_refs = [], []
    for reference in signed_info.findall(_ds("Reference")):
        uri = reference.get("URI")
        transforms = [
            t.get("Algorithm") for t in reference.findall(f"{_ds('Transforms')}/{_ds('Transform')}")
        ]
        if uri == "":
            if transforms[:1] != [ENVELOPED] or any(t not in ACCEPTED_C14N for t in transforms[1:]):
                raise fail(
                    f"the document reference uses transforms {transforms}; "
                    "only enveloped-signature and C14N are allowed"
                )
            document_refs.append(reference)
        elif uri and uri.startswith("#") and uri[1:] in ids:
            target = ids[uri[1:]]
            is_properties = target is signed_properties
            is_key_info = target.tag == _ds("KeyInfo") and target.getparent() is signature
            if not (is_properties or is_key_info) or any(t not in ACCEPTED_C14N for t in transforms):
                raise fail(
                    f"a reference points at {etree.QName(target).localname}, "
                    "which a transcript signature does not sign"
                )
            if is_properties:
                if reference.get("Type") != SIGNED_PROPERTIES_TYPE:
                    raise fail("the reference to the signed properties does not say it is one (Type)")
                property_refs.append(reference)
        else:
            raise fail(
                f"a reference points at {uri!r}, a part of the document rather than the whole; "
                'a transcript signature must cover the whole document (URI="")'
            )
    if len(document_refs) != 1:
        raise fail(f"{len(document_refs)} references cover the whole document; exactly one must")
    if len(property_refs) != 1:
        raise fail("the XAdES signed properties are not signed once (one SignedProperties reference)")
    add(Check.passed("structure", "one enveloped XAdES signature, last in the document, covering all of it"))
    return signature, signed_properties


#: A registrar's, a dean's and a seal's signature, with room to spare; more are only counted.
MAX_DIAGNOSED_SIGNATURES = 8


def _several_signatures(root: etree._Element, signatures: list[etree._Element]) -> list[str]:
    """A diagnosis per signature of a document that carries several (the Thailand digital
    transcript pipeline appends a registrar's, a dean's and a seal's as siblings): whether its
    whole-document digest matches the document as it stood when it was made, that is, without
    itself and the signatures appended after it. Each enveloped-signature transform removes
    only its own signature, so every signature but the last is broken by those after it.
    Only the document digests are compared here; none of the signatures is trusted."""
    found = []
    count = len(signatures)
    for index, signature in enumerate(signatures):
        if signature.getparent() is not root:
            found.append("it is not a child of Transcript; it covers a part of the document only")
            continue
        reference = next(
            (r for r in signature.iterfind(f"{_ds('SignedInfo')}/{_ds('Reference')}") if r.get("URI") == ""),
            None,
        )
        method = None if reference is None else reference.find(_ds("DigestMethod"))
        value = None if reference is None else reference.find(_ds("DigestValue"))
        hash_ = None if method is None else CERT_DIGESTS.get(method.get("Algorithm") or "")
        algorithm = None if hash_ is None else hash_.name
        if reference is None or algorithm is None or value is None:
            found.append("it has no whole-document reference with SHA-256 or stronger")
            continue
        copy_root = copy.deepcopy(root.getroottree()).getroot()
        copies = [c for c in copy_root if isinstance(c.tag, str) and c.tag == _ds("Signature")]
        for later in copies[index:]:  # itself (enveloped) and every one appended after it
            _remove_keeping_tail(later)
        canonical = etree.tostring(copy_root.getroottree(), method="c14n", with_comments=False)
        matches = hashlib.new(algorithm, canonical).digest() == _b64(value.text)
        later = count - index - 1
        if not matches:
            found.append("its digest matches no state of the document: the content changed after it was made")
        elif later:
            found.append(
                f"its digest matches the document as it was before signature {index + 2} was appended: "
                f"the {later} signature(s) appended after it invalidated it (an enveloped signature "
                "removes only itself)"
            )
        else:
            found.append("its digest matches the document with the signatures before it (the last one made)")
    return found


def _remove_keeping_tail(element: etree._Element) -> None:
    """Remove `element` as the enveloped-signature transform does: the text after it stays."""
    parent, tail = element.getparent(), element.tail
    if parent is None:
        return
    if tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(element)


def _children_problem(element: etree._Element, allowed: dict[str, tuple[int, int | None]]) -> str | None:
    name = f"xades:{etree.QName(element).localname}"
    tags = [c.tag for c in element if isinstance(c.tag, str)]
    for tag in tags:
        if tag not in allowed:
            return f"{name} holds {etree.QName(tag).localname}, which XAdES does not put there"
    for tag, (least, most) in allowed.items():
        count = tags.count(tag)
        if count < least or (most is not None and count > most):
            allowed_count = f"{least} to {most or 'many'}"
            return f"{name} holds {count} {etree.QName(tag).localname} (XAdES allows {allowed_count})"
    return None


def _stray_text(signature: etree._Element) -> str | None:
    """Non-blank text between the signature's elements (or after it), which no reader expects."""
    for node in signature.iter():
        if isinstance(node.tag, str):
            container = any(isinstance(child.tag, str) for child in node)
            if container and node.text and node.text.strip():
                return node.text.strip()[:40]
            if node.tail and node.tail.strip():
                return node.tail.strip()[:40]
        elif node.tail and node.tail.strip():  # after a comment: text unless within a value
            parent = node.getparent()
            if parent is None or any(isinstance(child.tag, str) for child in parent):
                return node.tail.strip()[:40]
    return None


def _keyinfo_certificates(signature: etree._Element) -> list[x509.Certificate]:
    found = []
    for element in signature.iterfind(f"{_ds('KeyInfo')}/{_ds('X509Data')}/{_ds('X509Certificate')}"):
        try:
            found.append(x509.load_der_x509_certificate(_b64(element.text)))
        except ValueError:
            continue
    return found


def _b64(text: str | None) -> bytes:
    try:
        return base64.b64decode("".join((text or "").split()), validate=True)
    except (binascii.Error, ValueError):
        return b""


_CertNamed = tuple[str, bytes, str | None, str | None, bytes]


def _cert_digest(properties: etree._Element) -> _CertNamed | None:
    """(digest algorithm, digest, serial number, issuer name, IssuerSerialV2 DER) of the first
    signing-certificate entry: what it says about the certificate, to compare."""
    for kind in ("SigningCertificateV2", "SigningCertificate"):
        cert = properties.find(f"{_xades('SignedSignatureProperties')}/{_xades(kind)}/{_xades('Cert')}")
        if cert is None:
            continue
        method = cert.find(f"{_xades('CertDigest')}/{_ds('DigestMethod')}")
        value = cert.find(f"{_xades('CertDigest')}/{_ds('DigestValue')}")
        serial = cert.find(f"{_xades('IssuerSerial')}/{_ds('X509SerialNumber')}")
        issuer = cert.find(f"{_xades('IssuerSerial')}/{_ds('X509IssuerName')}")
        v2 = cert.find(_xades("IssuerSerialV2"))
        return (
            "" if method is None else method.get("Algorithm") or "",
            _b64(None if value is None else value.text),
            None if serial is None or serial.text is None else serial.text.strip(),
            None if issuer is None or issuer.text is None else issuer.text,
            b"" if v2 is None else _b64(v2.text) or b"\0",
        )
    return None


def _issuer_serial_problem(
    named: tuple[str, bytes, str | None, str | None, bytes], cert: x509.Certificate
) -> str | None:
    """Why the signed IssuerSerial (v1) or IssuerSerialV2 does not name `cert`, or None."""
    _, _, serial, issuer, v2 = named
    if serial is not None and serial != str(cert.serial_number):
        return "the signed signing-certificate serial number is not the certificate's"
    if issuer is not None and _dn_key(issuer) != _dn_key(cert.issuer.rfc4514_string()):
        return (
            f"the signed signing-certificate issuer ({issuer.strip()[:80]}) is not the certificate's issuer"
        )
    if v2:
        try:
            parsed = tsp.IssuerSerial.load(v2)
            names = [n.chosen.dump() for n in parsed["issuer"] if n.name == "directory_name"]
            if parsed["serial_number"].native != cert.serial_number or names != [cert.issuer.public_bytes()]:
                return "the signed IssuerSerialV2 names another certificate"
        except (ValueError, TypeError, KeyError):
            return "the signed IssuerSerialV2 cannot be read"
    return None


_DN_ALIASES = {"EMAILADDRESS": "E", "S": "ST", "SN": "SURNAME", "SERIALNUMBER": "SERIALNUMBER"}


def _dn_key(text: str) -> tuple[tuple[str, str], ...]:
    """A distinguished name's string (RFC 4514 / RFC 2253, as Java and cryptography write it)
    as comparable pairs: attribute types upper-case, values case-folded with spaces collapsed."""
    pairs = []
    for part in re.split(r"(?<!\\)[,+]", text):
        kind, _, value = part.partition("=")
        kind = kind.strip().upper()
        value = re.sub(r"\\(.)", r"\1", value).strip().strip('"')
        pairs.append((_DN_ALIASES.get(kind, kind), " ".join(value.casefold().split())))
    return tuple(sorted(pairs))


def _signing_certificate(
    properties: etree._Element, certificates: list[x509.Certificate], add: Any
) -> tuple[x509.Certificate, _CertNamed]:
    named = _cert_digest(properties)
    if named is None:
        add(
            Check.problem(
                "signed-properties", SubIndication.FORMAT_FAILURE, "no signed SigningCertificate property"
            )
        )
        raise _Stop
    method, wanted = named[0], named[1]
    algorithm = CERT_DIGESTS.get(method)
    if algorithm is None:
        add(
            Check.problem(
                "signed-properties",
                SubIndication.CRYPTO_CONSTRAINTS_FAILURE,
                "the signed properties bind the signing certificate with SHA-1 (or an unknown "
                "algorithm), which no longer resists collisions (ETSI TS 119 312): the signature may "
                "be intact, but which certificate signed cannot be relied on",
            )
        )
        raise _Stop
    for certificate in certificates:
        if certificate.fingerprint(algorithm) == wanted:
            problem = _issuer_serial_problem(named, certificate)
            if problem:
                add(Check.problem("signed-properties", SubIndication.FORMAT_FAILURE, problem))
                raise _Stop
            return certificate, named
    add(
        Check.problem(
            "signed-properties",
            SubIndication.NO_SIGNING_CERTIFICATE_FOUND,
            "no certificate in KeyInfo matches the signed signing-certificate digest",
        )
    )
    raise _Stop


def _signing_time(properties: etree._Element) -> dt.datetime | None:
    element = properties.find(f"{_xades('SignedSignatureProperties')}/{_xades('SigningTime')}")
    if element is None or not element.text:
        return None
    try:
        moment = dt.datetime.fromisoformat(element.text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


class _Verifier(RootCopying, XAdESVerifier):
    """signxml's XAdES verifier, copying the document by deep copy (see `xmlsig`)."""


def _cryptography(
    root: etree._Element, signing_cert: x509.Certificate, add: Any
) -> tuple[bytes, etree._Element]:
    config = XAdESSignatureConfiguration(
        location="./",
        expect_references=True,
        signature_methods=ACCEPTED_SIGNATURES,
        digest_algorithms=ACCEPTED_DIGESTS,
        # Validity in time is judged by the certificate check, at the moment it can rely on.
        verification_time=signing_cert.not_valid_before_utc + dt.timedelta(seconds=1),
    )
    try:
        results = _Verifier().verify(root, x509_cert=signing_cert, expect_config=config)
    except InvalidDigest as exc:
        what = "the signed properties" if "reference 0" not in str(exc) else "the transcript's content"
        add(
            Check.problem(
                "signature",
                SubIndication.HASH_FAILURE,
                f"{what} changed after signing (a digest does not match)",
            )
        )
        raise _Stop from None
    except InvalidSignature as exc:
        add(
            Check.problem(
                "signature", SubIndication.SIG_CRYPTO_FAILURE, f"the signature value does not verify ({exc})"
            )
        )
        raise _Stop from None
    except Exception as exc:  # signxml's InvalidInput and what crafted input provokes in it
        text = str(exc)
        sub = (
            SubIndication.CRYPTO_CONSTRAINTS_FAILURE
            if "algorithm" in text.lower() or "sha1" in text.lower()
            else SubIndication.FORMAT_FAILURE
        )
        add(Check.problem("signature", sub, f"the signature cannot be verified: {text[:200]}"))
        raise _Stop from None
    tags = {r.signed_xml.tag: r for r in results if r.signed_xml is not None}
    document = tags.get(f"{{{TC_NS}}}Transcript")
    properties = tags.get(_xades("SignedProperties"))
    if document is None or properties is None or properties.signed_xml is None:
        add(
            Check.problem(
                "signature",
                SubIndication.FORMAT_FAILURE,
                "the signature does not cover a Transcript and its properties",
            )
        )
        raise _Stop
    add(Check.passed("signature", "every digest and the signature value verify (SHA-256 or stronger)"))
    signed = document.signed_data
    return (signed if isinstance(signed, bytes) else signed.encode("utf-8")), properties.signed_xml


def _timestamp(
    signature: etree._Element,
    trust: TrustSettings,
    until: dt.datetime,
    crls: Sequence[bytes],
    ocsps: Sequence[bytes],
) -> tuple[Check, dt.datetime | None]:
    """The time-stamp check, and the time a trusted time-stamp proves (see
    `transcript.verify.timestamps`: its authority must hold until `until`)."""
    path = "/".join(
        [
            _ds("Object"),
            _xades("QualifyingProperties"),
            _xades("UnsignedProperties"),
            _xades("UnsignedSignatureProperties"),
            _xades("SignatureTimeStamp"),
            _xades("EncapsulatedTimeStamp"),
        ]
    )
    stamps = signature.findall(path)
    if not stamps:
        return (
            Check.skipped(
                "timestamp",
                "no signature time-stamp (XAdES-B): the signing time is only claimed, so the "
                "certificate is judged at the validation time",
            ),
            None,
        )
    value = signature.find(_ds("SignatureValue"))
    assert value is not None
    imprint_input = etree.tostring(value, method="c14n")
    proven: dt.datetime | None = None
    passed: Check | None = None
    for stamp in stamps:
        try:
            token = cms.ContentInfo.load(_b64(stamp.text))["content"]
            if not isinstance(token, cms.SignedData):
                raise ValueError("not a SignedData")
        except Exception as exc:  # asn1crypto raises many kinds on crafted tokens
            return (
                Check.problem(
                    "timestamp",
                    SubIndication.FORMAT_FAILURE,
                    f"the time-stamp token is malformed ({type(exc).__name__})",
                ),
                None,
            )
        check, when = proof_of_existence(
            "timestamp",
            token,
            _token_validator(token, imprint_input),
            trust,
            until=until,
            crls=crls,
            ocsps=ocsps,
            what="this signature value",
        )
        if check.status is not Status.PASSED and check.status is not Status.WARNING:
            return check, None
        if when is not None and (proven is None or when < proven):
            proven, passed = when, check
        elif passed is None:
            passed = check
    assert passed is not None
    return passed, proven


def _token_validator(token: cms.SignedData, imprint_input: bytes) -> Any:
    from pyhanko.sign.validation.generic_cms import validate_tst_signed_data

    def validate(context: Any) -> Any:
        return validate_tst_signed_data(
            token,
            context,
            expected_tst_imprint=lambda algorithm: hashlib.new(algorithm, imprint_input).digest(),
        )

    return validate


def _content(signed_bytes: bytes, draft: ReportDraft, add: Any) -> list[str] | None:
    """The content check; the institution's names when the content could be read."""
    result, model = read_and_validate(signed_bytes)
    draft.content_problems = result.problems
    schema = [p for p in result.errors if p.code.startswith(("XML", "XSD"))]
    if schema or model is None:
        message = schema[0].message if schema else "unreadable"
        add(
            Check.problem(
                "content",
                SubIndication.FORMAT_FAILURE,
                f"the signed content is not a valid transcript: {message}",
            )
        )
        return None
    draft.transcript = model
    draft.summary = summarize(model)
    if result.errors:
        add(
            Check.warning(
                "content",
                f"signed content is schema-valid but breaks {len(result.errors)} business rule(s), "
                f"first: {result.errors[0].code} {result.errors[0].message}",
            )
        )
    else:
        add(Check.passed("content", "the signed content is a valid transcript (schema and business rules)"))
    return institution_names(model)


def validity_check(transcript: Any, now: dt.datetime) -> Check | None:
    """Whether a document issued for a limited time is still valid at `now` (None: it was
    issued without an end). The period is read from the signed content only."""
    validity = stated_validity(transcript)
    if validity is None:
        return None
    if validity.until is None:
        stated = ", ".join(repr(one_line(s)[:40]) for s in validity.statements[:2])
        return Check.warning(
            "validity",
            f"the document states a validity period ({stated}) that is not a date this verifier can "
            "read (YYYY-MM-DD): judge it from the document",
        )
    until = validity.until.isoformat()
    differ = "" if validity.agree else " (its notes differ; the earliest date counts)"
    if validity.expired(now):
        return Check.problem(
            "validity",
            SubIndication.DOCUMENT_EXPIRED,
            f"the issuer made this document valid until {until} (Thailand time); it has expired{differ}: "
            "ask the graduate for a current transcript",
        )
    words = f"the issuer made this document valid until {until} (Thailand time){differ}"
    return Check.passed("validity", words)


def summarize(t: Any) -> TranscriptSummary:
    """The brief of a transcript model (callers pass one read from signed bytes)."""

    texts = by_language

    def names(student: Any) -> dict[str, str]:
        result = {}
        for language in ("th", "en"):

            def part(group: Any, language: str = language) -> str:
                found = texts(group)
                return found.get(language) or (found.get("-", "") if language == "th" else "")

            parts = [part(g) for g in (student.given_name, student.middle_name, student.family_name)]
            if any(parts):
                result[language] = full_name(part(student.name_prefix), parts, language)
        return result

    number = student_number(t.student)
    program = t.student.program_context
    return TranscriptSummary(
        document_id=t.transcript_context.transcript_id,
        issued=str(t.transcript_context.issue_date_time),
        institution=texts(t.organization.organization_name),
        student_number=number,
        student_name=names(t.student),
        programme=texts(program.program_name) if program else {},
        degree=texts(program.degree) if program else {},
        gpax=(
            gpa_text(t.academic_summary.total_gpax, t.academic_summary.total_credit_calculated)
            if t.academic_summary
            else None
        ),
        status=t.transcript_context.status,
        courses=len(t.course),
        valid_until=until.isoformat() if (until := _last_day(t)) else None,
    )


def _last_day(t: Any) -> dt.date | None:
    validity = stated_validity(t)
    return validity.until if validity else None
