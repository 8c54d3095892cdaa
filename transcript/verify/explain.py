"""The verifier's findings in plain words, in Thai and English, for readers who are not
specialists (an HR officer, an admissions office): what a verdict and its reason mean, what
each check looked at, and what to do next.

The checks' own details stay as they are (English, technical, for the log and the command
line); these words are chosen by the check's name, its status and the sub-indication, never
by parsing a detail, so no text from a file to verify reaches them.
"""

from __future__ import annotations

from dataclasses import dataclass

from transcript.verify.report import Check, Status, SubIndication, Verdict, VerificationReport

LANGUAGES = ("th", "en")

#: What each check looks at, as a short title, by language.
_TITLES: dict[str, tuple[str, str]] = {
    "input": ("รูปแบบแฟ้ม", "File format"),
    "structure": ("โครงสร้างลายมือชื่อ", "Signature structure"),
    "signature": ("ลายมือชื่ออิเล็กทรอนิกส์", "Electronic signature"),
    "signed-properties": ("ข้อมูลการลงนาม", "Signing details"),
    "timestamp": ("การประทับเวลา", "Time-stamp"),
    "certificate": ("ใบรับรองของผู้ลงนาม", "Signer's certificate"),
    "content": ("เนื้อหา", "Content"),
    "signer": ("สิทธิ์ของผู้ลงนาม", "Signer's authority"),
    "validity": ("ระยะเวลาที่ใช้ได้", "Validity period"),
    "status": ("สถานะเอกสาร", "Document status"),
    "pdf-input": ("แฟ้ม PDF", "PDF file"),
    "pdf-revisions": ("โครงสร้างแฟ้ม PDF", "PDF structure"),
    "pdf-signature": ("ลายมือชื่อของแฟ้ม PDF", "PDF signature"),
    "pdf-timestamp": ("การประทับเวลาของแฟ้ม PDF", "PDF time-stamp"),
    "pdf-coverage": ("ขอบเขตของลายมือชื่อ PDF", "What the PDF signature covers"),
    "binding": ("แฟ้ม PDF กับข้อมูล XML", "The PDF and its XML"),
    "pdf-signer": ("สิทธิ์ของผู้ลงนามแฟ้ม PDF", "PDF signer's authority"),
    "pages": ("ข้อความบนหน้ากระดาษ", "The printed pages"),
    "vc-input": ("รูปแบบเอกสารในกระเป๋าดิจิทัล", "Wallet credential format"),
    "vc-signature": ("ลายมือชื่อของสถาบันบนเอกสารในกระเป๋าดิจิทัล", "The institution's signature on the credential"),
    "vc-certificate": ("ใบรับรองของผู้ออกเอกสาร", "Issuer's certificate"),
    "vc-signer": ("สิทธิ์ของผู้ออกเอกสาร", "Issuer's authority"),
    "vc-validity": ("ระยะเวลาที่ใช้ได้", "Validity period"),
    "vc-holder": ("ผู้ถือเอกสาร", "The holder"),
    "vc-binding": ("เอกสารในกระเป๋าดิจิทัลกับแฟ้มที่ลงนาม", "The credential and the signed file"),
}

#: What a check that passed found, by language.
_PASSED: dict[str, tuple[str, str]] = {
    "input": ("แฟ้มอ่านได้ถูกต้องตามรูปแบบ", "The file is well-formed and can be read"),
    "structure": (
        "มีลายมือชื่ออิเล็กทรอนิกส์หนึ่งรายการครอบคลุมเอกสารทั้งฉบับ",
        "One electronic signature covers the whole document",
    ),
    "signature": (
        "ลายมือชื่อถูกต้อง เนื้อหาไม่ถูกแก้ไขหลังการลงนาม",
        "The signature is intact: nothing was changed after signing",
    ),
    "signed-properties": (
        "ใบรับรองและเวลาที่ระบุในการลงนามตรงกัน",
        "The certificate and the time named in the signature match",
    ),
    "timestamp": (
        "ผู้ให้บริการประทับเวลาที่เชื่อถือได้ยืนยันเวลาที่ลงนาม",
        "A trusted time-stamp authority proves when it was signed",
    ),
    "certificate": (
        "ใบรับรองออกโดยผู้ออกใบรับรองที่เชื่อถือ และไม่ถูกเพิกถอน",
        "The certificate comes from a trusted authority and was not revoked",
    ),
    "content": (
        "เนื้อหาที่ลงนามเป็นใบแสดงผลการศึกษาตามมาตรฐาน",
        "The signed content is a transcript as the national standard defines it",
    ),
    "signer": (
        "ผู้ลงนามมีสิทธิ์ลงนามในนามสถาบันที่ระบุในเอกสาร",
        "The signer may sign for the institution the document names",
    ),
    "validity": (
        "เอกสารยังอยู่ในช่วงเวลาที่สถาบันกำหนดให้ใช้ได้",
        "The document is within the period the institution set",
    ),
    "status": (
        "สถาบันยืนยันว่าเอกสารยังใช้ได้ ไม่ถูกเพิกถอนหรือแทนที่",
        "The institution lists the document as current: not withdrawn or replaced",
    ),
    "pdf-input": ("แฟ้ม PDF อ่านได้และไม่ได้เข้ารหัส", "The PDF can be read and is not encrypted"),
    "pdf-revisions": (
        "โครงสร้างแฟ้ม PDF ไม่มีส่วนที่ซ่อนหรือขัดแย้งกัน",
        "The PDF's structure hides nothing and contradicts nothing",
    ),
    "pdf-signature": (
        "ลายมือชื่อของแฟ้ม PDF ถูกต้อง และใบรับรองเชื่อถือได้",
        "The PDF's signature is intact and its certificate trusted",
    ),
    "pdf-timestamp": ("การประทับเวลายืนยันเวลาที่ลงนามแฟ้ม PDF", "Time-stamps prove when the PDF was signed"),
    "pdf-coverage": ("ลายมือชื่อครอบคลุมแฟ้ม PDF ทั้งแฟ้ม", "The signature covers the whole PDF"),
    "binding": (
        "แฟ้ม PDF และข้อมูล XML ที่แนบมาเป็นเอกสารฉบับเดียวกัน",
        "The PDF and the XML attached to it are the same document",
    ),
    "pdf-signer": (
        "ผู้ลงนามแฟ้ม PDF มีสิทธิ์ลงนามในนามสถาบัน",
        "The PDF's signer may sign for the institution",
    ),
    "pages": (
        "ข้อความบนหน้ากระดาษตรงกับข้อมูลที่ลงนาม",
        "The pages show what the signed data says",
    ),
    "vc-input": ("อ่านเอกสารในกระเป๋าดิจิทัลได้ถูกต้องตามรูปแบบ", "The wallet credential can be read"),
    "vc-signature": (
        "ลายมือชื่อถูกต้อง และข้อมูลทุกรายการที่แสดงเป็นข้อมูลที่สถาบันออกให้",
        "The signature is valid, and every item shown is one the institution issued",
    ),
    "vc-certificate": (
        "ใบรับรองของผู้ออกเอกสารออกโดยผู้ออกใบรับรองที่เชื่อถือได้ และยังไม่ถูกเพิกถอน",
        "The issuer's certificate comes from a trusted authority and is not revoked",
    ),
    "vc-signer": ("ผู้ออกเอกสารมีสิทธิ์ออกเอกสารในนามสถาบัน", "The issuer may issue for the institution"),
    "vc-validity": ("เอกสารยังอยู่ในระยะเวลาที่ใช้ได้", "The credential is within its validity period"),
    "vc-holder": (
        "ผู้ถือเอกสารแสดงเอกสารด้วยกุญแจของตนเอง ให้ผู้ตรวจสอบรายนี้",
        "The holder showed it with their own key, to this verifier",
    ),
    "vc-binding": (
        "เอกสารในกระเป๋าดิจิทัลกับแฟ้มที่ลงนามเป็นเอกสารฉบับเดียวกัน",
        "The credential and the signed file are the same document",
    ),
}

_STATUS: dict[Status, tuple[str, str]] = {
    Status.PASSED: ("ผ่าน", "passed"),
    Status.WARNING: ("ผ่าน มีข้อสังเกต", "passed, with a remark"),
    Status.FAILED: ("ไม่ผ่าน", "failed"),
    Status.INDETERMINATE: ("ตรวจสอบไม่ได้", "could not be checked"),
    Status.SKIPPED: ("ไม่ได้ตรวจ", "not checked"),
}

_WARNING = (
    "ผ่าน แต่มีข้อสังเกตสำหรับผู้เชี่ยวชาญ (ดูรายละเอียดทางเทคนิค)",
    "Passed, with a remark for specialists (see the technical details)",
)
_SKIPPED = (
    "ไม่ได้ตรวจ เพราะขั้นตอนก่อนหน้าไม่ผ่าน หรือไม่เกี่ยวกับแฟ้มนี้",
    "Not checked: an earlier step did not pass, or it does not apply to this file",
)
#: Checks skipped for a reason of their own, not because an earlier step failed.
_SKIPPED_BECAUSE: dict[str, tuple[str, str]] = {
    "vc-holder": (
        "ไม่ได้ตรวจ: แฟ้มนี้ไม่มีการยืนยันด้วยกุญแจของผู้ถือ ผู้ใดที่มีแฟ้มนี้ก็แสดงได้",
        "Not checked: the file carries no proof of its holder's key; anyone who has it can show it",
    ),
}

# What to do next, shared by many reasons.
_ASK_ORIGINAL = (
    "ขอแฟ้มต้นฉบับจากผู้สำเร็จการศึกษา หรือติดต่อสำนักทะเบียนของสถาบันที่ออกเอกสาร",
    "Ask the graduate for the original file, or contact the registrar of the institution that issued it",
)
_ASK_REGISTRAR = (
    "ติดต่อสำนักทะเบียนของสถาบันที่ออกเอกสาร",
    "Contact the registrar of the institution that issued it",
)
_ASK_NEW_COPY = (
    "ขอให้ผู้สำเร็จการศึกษาขอเอกสารฉบับใหม่จากสำนักทะเบียน",
    "Ask the graduate to obtain a newly issued copy from the registrar",
)
_TRY_LATER = (
    "ลองอีกครั้งภายหลัง หากยังเป็นเช่นนี้ โปรดแจ้งผู้ดูแลเว็บไซต์ตรวจสอบนี้",
    "Try again later; if it persists, tell the operator of this verification site",
)
_OTHER_SITE = (
    "ตรวจสอบกับสถาบันที่ระบุในเอกสารโดยตรง หรือใช้เว็บไซต์ตรวจสอบของสถาบันนั้น",
    "Check with the institution the document names, or use that institution's own verification site",
)

#: What a reason means, and what to do next: ((Thai meaning, English meaning), (Thai, English) next).
_REASONS: dict[SubIndication, tuple[tuple[str, str], tuple[str, str]]] = {
    SubIndication.FORMAT_FAILURE: (
        (
            "แฟ้มไม่ใช่ใบแสดงผลการศึกษาที่ลงนามในรูปแบบที่กำหนด หรือโครงสร้างถูกดัดแปลง",
            "The file is not a signed transcript in the expected form, or its structure was altered",
        ),
        _ASK_ORIGINAL,
    ),
    SubIndication.HASH_FAILURE: (
        ("เนื้อหาถูกแก้ไขหลังการลงนาม", "The content was changed after it was signed"),
        _ASK_ORIGINAL,
    ),
    SubIndication.SIG_CRYPTO_FAILURE: (
        ("ลายมือชื่ออิเล็กทรอนิกส์ไม่ถูกต้อง", "The electronic signature is not valid"),
        _ASK_ORIGINAL,
    ),
    SubIndication.REVOKED: (
        (
            "ใบรับรองของผู้ลงนามถูกเพิกถอนไปแล้วก่อนการลงนาม",
            "The signer's certificate had been revoked before it signed",
        ),
        _ASK_REGISTRAR,
    ),
    SubIndication.NOT_YET_VALID: (
        ("ใบรับรองยังไม่มีผลในเวลาที่ลงนาม", "The certificate was not yet valid when it signed"),
        _ASK_REGISTRAR,
    ),
    SubIndication.SIG_CONSTRAINTS_FAILURE: (
        ("ลายมือชื่อไม่เป็นไปตามเงื่อนไขที่กำหนด", "The signature does not meet the required conditions"),
        _ASK_REGISTRAR,
    ),
    SubIndication.CHAIN_CONSTRAINTS_FAILURE: (
        (
            "ใบรับรองของผู้ลงนามไม่เป็นไปตามเงื่อนไข เช่น ไม่ใช่ใบรับรองสำหรับลงนามเอกสาร หรือไม่ได้ออกให้สถาบันที่ระบุในเอกสาร",
            "The signer's certificate does not meet the conditions: it is not for signing documents, "
            "or not issued to the institution the document names",
        ),
        _ASK_REGISTRAR,
    ),
    SubIndication.CERTIFICATE_CHAIN_GENERAL_FAILURE: (
        ("ตรวจสอบใบรับรองของผู้ลงนามไม่ได้", "The signer's certificates could not be checked"),
        _TRY_LATER,
    ),
    SubIndication.CRYPTO_CONSTRAINTS_FAILURE: (
        (
            "เอกสารใช้วิธีการเข้ารหัสที่ไม่ถือว่าปลอดภัยแล้ว",
            "The document uses a cryptographic algorithm no longer considered safe",
        ),
        _ASK_NEW_COPY,
    ),
    SubIndication.EXPIRED: (
        ("ใบรับรองหมดอายุแล้วในเวลาที่ต้องพิจารณา", "A certificate had expired at the time that counts"),
        _ASK_NEW_COPY,
    ),
    SubIndication.TIMESTAMP_ORDER_FAILURE: (
        ("เวลาที่ประทับในเอกสารขัดแย้งกันเอง", "The document's time-stamps contradict each other"),
        _ASK_ORIGINAL,
    ),
    SubIndication.NO_SIGNING_CERTIFICATE_FOUND: (
        ("ไม่พบใบรับรองของผู้ลงนามในแฟ้ม", "The signer's certificate is not in the file"),
        _ASK_ORIGINAL,
    ),
    SubIndication.NO_CERTIFICATE_CHAIN_FOUND: (
        (
            "ใบรับรองของผู้ลงนามไม่ได้ออกโดยผู้ออกใบรับรองที่เว็บไซต์นี้เชื่อถือ",
            "The signer's certificate does not come from an authority this site trusts",
        ),
        _OTHER_SITE,
    ),
    SubIndication.REVOKED_NO_POE: (
        (
            "ใบรับรองของผู้ลงนามถูกเพิกถอนแล้ว และไม่มีหลักฐานว่าลงนามก่อนการเพิกถอน",
            "The signer's certificate has been revoked, and nothing proves the signature came before that",
        ),
        _ASK_REGISTRAR,
    ),
    SubIndication.REVOKED_CA_NO_POE: (
        (
            "ใบรับรองของผู้ออกใบรับรองถูกเพิกถอนแล้ว และไม่มีหลักฐานว่าลงนามก่อนการเพิกถอน",
            "The issuing authority's certificate has been revoked, and nothing proves the signature came "
            "before that",
        ),
        _ASK_REGISTRAR,
    ),
    SubIndication.OUT_OF_BOUNDS_NO_POE: (
        (
            "ใบรับรองหมดอายุแล้ว และไม่มีการประทับเวลาที่พิสูจน์ว่าลงนามขณะที่ใบรับรองยังใช้ได้",
            "The certificate has expired, and no time-stamp proves it signed while it was valid",
        ),
        _ASK_NEW_COPY,
    ),
    SubIndication.OUT_OF_BOUNDS_NOT_REVOKED: (
        (
            "ใบรับรองหมดอายุแล้ว และไม่มีการประทับเวลาที่พิสูจน์ว่าลงนามขณะที่ใบรับรองยังใช้ได้",
            "The certificate has expired, and no time-stamp proves it signed while it was valid",
        ),
        _ASK_NEW_COPY,
    ),
    SubIndication.REVOCATION_OUT_OF_BOUNDS_NO_POE: (
        (
            "ข้อมูลการเพิกถอนใบรับรองที่มีอยู่ไม่ครอบคลุมเวลาที่ต้องพิจารณา",
            "The revocation data at hand does not cover the time that counts",
        ),
        _TRY_LATER,
    ),
    SubIndication.CRYPTO_CONSTRAINTS_FAILURE_NO_POE: (
        (
            "เอกสารใช้วิธีการเข้ารหัสที่ไม่ถือว่าปลอดภัยแล้ว และไม่มีหลักฐานว่าลงนามก่อนหน้านั้น",
            "The document uses an algorithm no longer considered safe, and nothing proves it was signed "
            "before that",
        ),
        _ASK_NEW_COPY,
    ),
    SubIndication.NO_POE: (
        ("ไม่มีหลักฐานว่าลงนามเมื่อใด", "Nothing proves when it was signed"),
        _ASK_NEW_COPY,
    ),
    SubIndication.TRY_LATER: (
        (
            "ตรวจสอบไม่ได้ว่าใบรับรองถูกเพิกถอนหรือไม่ เพราะเว็บไซต์นี้ไม่มีข้อมูลการเพิกถอน (CRL) ที่เป็นปัจจุบัน",
            "Whether the certificates were revoked could not be checked: this site has no current "
            "revocation data (CRL) for them",
        ),
        _TRY_LATER,
    ),
    SubIndication.SIGNED_DATA_NOT_FOUND: (
        ("ไม่พบข้อมูลที่ถูกลงนาม", "The signed data was not found"),
        _ASK_ORIGINAL,
    ),
    SubIndication.DOCUMENT_REVOKED: (
        (
            "สถาบันเพิกถอนเอกสารฉบับนี้แล้ว แม้ลายมือชื่อจะเป็นของจริง",
            "The institution has withdrawn this document, although its signature is genuine",
        ),
        _ASK_REGISTRAR,
    ),
    SubIndication.DOCUMENT_SUPERSEDED: (
        (
            "สถาบันออกเอกสารฉบับใหม่แทนฉบับนี้แล้ว",
            "The institution has replaced this document by a newer one",
        ),
        (
            "ขอฉบับใหม่จากผู้สำเร็จการศึกษา",
            "Ask the graduate for the newer document",
        ),
    ),
    SubIndication.DOCUMENT_SUSPENDED: (
        ("สถาบันระงับเอกสารฉบับนี้ไว้ชั่วคราว", "The institution has suspended this document for now"),
        _ASK_REGISTRAR,
    ),
    SubIndication.STATUS_UNKNOWN: (
        (
            "ตรวจสอบไม่ได้ว่าสถาบันยังรับรองเอกสารฉบับนี้อยู่หรือไม่ (อ่านประกาศสถานะเอกสารของสถาบันไม่ได้)",
            "Whether the institution still stands by this document could not be checked (its status "
            "list could not be used)",
        ),
        _TRY_LATER,
    ),
    SubIndication.DOCUMENT_EXPIRED: (
        (
            "เอกสารฉบับนี้พ้นวันที่สถาบันกำหนดให้ใช้ได้แล้ว",
            "The document is past the last day the institution set for it",
        ),
        (
            "ขอเอกสารฉบับปัจจุบันจากผู้สำเร็จการศึกษา",
            "Ask the graduate for a current copy",
        ),
    ),
    SubIndication.HOLDER_BINDING_FAILURE: (
        (
            "ผู้ที่แสดงเอกสารนี้พิสูจน์ไม่ได้ว่าเป็นเจ้าของ หรือเอกสารนี้ไม่ได้แสดงให้ผู้ตรวจสอบรายนี้",
            "Whoever showed this could not prove to be its holder, or it was not shown to this verifier",
        ),
        (
            "ขอให้ผู้สำเร็จการศึกษาแสดงเอกสารจากกระเป๋าดิจิทัลของตนเองอีกครั้ง",
            "Ask the graduate to show it again from their own wallet",
        ),
    ),
}

_VERDICTS: dict[Verdict, tuple[str, str]] = {
    Verdict.TOTAL_PASSED: (
        "ของจริง: ลายมือชื่ออิเล็กทรอนิกส์ถูกต้องและเชื่อถือได้",
        "Genuine: the signature is valid and trusted",
    ),
    Verdict.TOTAL_FAILED: ("ไม่ผ่านการตรวจสอบ", "Not genuine"),
    Verdict.INDETERMINATE: ("ยังตัดสินไม่ได้", "Cannot be decided"),
}
#: A genuine signature on a document its issuer no longer stands by.
_NOT_CURRENT = ("เอกสารของจริง แต่ใช้ไม่ได้แล้ว", "Genuine, but no longer valid")
DOCUMENT_REASONS = frozenset(
    {
        SubIndication.DOCUMENT_REVOKED,
        SubIndication.DOCUMENT_SUPERSEDED,
        SubIndication.DOCUMENT_SUSPENDED,
        SubIndication.DOCUMENT_EXPIRED,
    }
)


def _pick(pair: tuple[str, str], language: str) -> str:
    return pair[0] if language == "th" else pair[1]


@dataclass(frozen=True)
class Explanation:
    """A verdict in plain words: the headline, why (empty when it passed), what to do next."""

    headline: str
    reason: str
    next_step: str


def explain(report: VerificationReport, language: str) -> Explanation:
    """The verdict of `report` in plain words in `language` (th or en)."""
    sub = report.sub_indication
    if report.ok or sub is None:
        return Explanation(_pick(_VERDICTS[report.verdict], language), "", "")
    headline = _NOT_CURRENT if sub in DOCUMENT_REASONS and sub.verdict is Verdict.TOTAL_FAILED else None
    meaning, step = _REASONS.get(sub, (_REASONS[SubIndication.FORMAT_FAILURE][0], _ASK_ORIGINAL))
    words = headline or _VERDICTS[report.verdict]
    return Explanation(_pick(words, language), _pick(meaning, language), _pick(step, language))


def signature_confirmed(report: VerificationReport) -> bool:
    """Whether the institution's signature was confirmed: the document passed, or only its
    status keeps it from passing (what it says can then be shown, marked as not current)."""
    return report.ok or (report.sub_indication in DOCUMENT_REASONS and _only_document_checks_fail(report))


def _only_document_checks_fail(report: VerificationReport) -> bool:
    settled = (Status.PASSED, Status.WARNING, Status.SKIPPED)
    document = ("status", "validity", "vc-validity")
    return all(c.status in settled or c.name.removeprefix("xml-") in document for c in report.checks)


def check_title(name: str, language: str) -> str:
    """A check's title: the checks of the XML inside a PDF say so."""
    inner = name.startswith("xml-")
    title = _TITLES.get(name.removeprefix("xml-") if inner else name)
    text = _pick(title, language) if title else name
    if inner:
        return f"ข้อมูล XML: {text}" if language == "th" else f"XML: {text}"
    return text


def check_status(check: Check, language: str) -> str:
    return _pick(_STATUS[check.status], language)


def check_words(check: Check, language: str) -> str:
    """What a check found, in plain words."""
    if check.status is Status.PASSED:
        found = _PASSED.get(check.name.removeprefix("xml-"))
        return _pick(found, language) if found else _pick(_STATUS[Status.PASSED], language)
    if check.status is Status.WARNING:
        return _pick(_WARNING, language)
    if check.status is Status.SKIPPED:
        return _pick(_SKIPPED_BECAUSE.get(check.name, _SKIPPED), language)
    if check.sub_indication is not None and check.sub_indication in _REASONS:
        return _pick(_REASONS[check.sub_indication][0], language)
    return _pick(_STATUS[check.status], language)
