"""The page's words in Thai and English, and how the language is chosen."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "th": {
        "title": "ตรวจสอบใบประมวลผลการศึกษาดิจิทัล",
        "intro": (
            "เลือกแฟ้มใบประมวลผลการศึกษา (PDF หรือ XML ที่ลงนามแล้ว) "
            "เพื่อตรวจสอบว่าเป็นของจริง ใครลงนาม และมีข้อความว่าอย่างไร"
        ),
        "choose": "แฟ้มที่ได้รับ",
        "choose_document": "ถ้าแฟ้มที่ได้รับมาจากกระเป๋าดิจิทัล: แฟ้ม PDF หรือ XML ของเอกสารฉบับเดียวกัน (ไม่บังคับ)",
        "submit": "ตรวจสอบ",
        "batch_title": "ตรวจสอบหลายแฟ้มพร้อมกัน",
        "batch_choose": "แฟ้ม ZIP ที่รวมใบประมวลผลการศึกษาหลายฉบับ",
        "batch_submit": "ตรวจสอบทั้งหมดและดาวน์โหลดรายงาน (CSV)",
        "batch_note": (
            "หนึ่งแถวต่อหนึ่งแฟ้ม: ผลการตรวจสอบ เหตุผล เลขที่เอกสาร รหัสและชื่อนักศึกษา "
            "ค่าเฉลี่ยสะสม สถานะ ขนาดไม่เกิน {limit} MB"
        ),
        "not_zip": "รับเฉพาะแฟ้ม ZIP",
        "doc_title": "เอกสารตามรหัส QR",
        "doc_status": "สถานะตามประกาศของสถาบัน",
        "doc_no_digest": "(ไม่มีในลิงก์)",
        "doc_link_alone": (
            "ลิงก์หรือรหัส QR เพียงอย่างเดียวไม่ได้พิสูจน์ว่าเอกสารที่ท่านถืออยู่เป็นของจริง "
            "เพราะใครก็สร้างรหัส QR ได้ โปรดขอแฟ้มจากเจ้าของเอกสารแล้วตรวจสอบด้านล่าง "
            "ระบบจะบอกว่าแฟ้มเป็นของจริงหรือไม่ และตรงกับรหัส QR นี้หรือไม่"
        ),
        "doc_upload": "แฟ้มเอกสาร (PDF หรือ XML) เพื่อยืนยันว่าตรงกับรหัส QR",
        "doc_unknown": (
            "ตรวจสอบสถานะไม่ได้ในขณะนี้ (อ่านประกาศสถานะเอกสารของสถาบันไม่ได้ หรือไม่พบเอกสารนี้ในประกาศ) "
            "ลองอีกครั้งภายหลัง หรือติดต่อสำนักทะเบียนของสถาบัน"
        ),
        "doc_not_published": "เว็บไซต์นี้ไม่ได้ตรวจสอบประกาศสถานะเอกสาร",
        "status_valid": "ใช้ได้",
        "status_revoked": "ถูกเพิกถอน",
        "status_suspended": "ถูกระงับชั่วคราว",
        "status_superseded": "ถูกแทนที่ด้วยเอกสารฉบับใหม่",
        "status_expired": "หมดอายุแล้ว (เลยวันที่ใช้ได้ที่สถาบันกำหนด)",
        "match": "แฟ้มนี้ตรงกับรหัส QR (SHA-256 เดียวกัน)",
        "mismatch": "แฟ้มนี้ไม่ตรงกับรหัส QR: เป็นเอกสารคนละฉบับ",
        "privacy": "แฟ้มถูกตรวจในหน่วยความจำ ไม่มีการเก็บหรือบันทึกไว้ ขนาดไม่เกิน {limit} MB",
        "reason": "เหตุผล",
        "next_step": "ควรทำอย่างไรต่อ",
        "certificate_from": "ใบรับรองออกโดย",
        "credential_shown": (
            "เอกสารจากกระเป๋าดิจิทัล (SD-JWT VC): ผู้ถือเลือกแสดงข้อมูล {shown} รายการ และไม่แสดง {hidden} รายการ"
        ),
        "credential_presented": "ผู้ถือแสดงด้วยกุญแจของตนเอง",
        "not_disclosed": "(ผู้ถือไม่ได้แสดง)",
        "not_shown": (
            "ไม่แสดงข้อมูลในแฟ้ม เพราะยืนยันไม่ได้ว่าสถาบันเป็นผู้ลงนาม "
            "ข้อมูลที่แฟ้มอ้างอาจไม่ถูกต้อง"
        ),
        "technical": "รายละเอียดทางเทคนิค (ภาษาอังกฤษ สำหรับผู้เชี่ยวชาญ)",
        "test_only": (
            "เว็บไซต์นี้เชื่อถือใบรับรองสำหรับทดสอบ (TEST ONLY) "
            "ผลการตรวจสอบใช้สำหรับการทดลองเท่านั้น ไม่ใช่การรับรองเอกสารจริง"
        ),
        "trusted": "เว็บไซต์นี้เชื่อถือเฉพาะลายมือชื่อที่มีใบรับรองจาก:",
        "signed_by": "ผู้ลงนาม",
        "signed_at": "เวลาที่ลงนาม",
        "timestamp": "เวลาที่ประทับโดยผู้ให้บริการประทับเวลา",
        "pdf_signer": "ผู้ลงนามแฟ้ม PDF",
        "transcript": "ข้อมูลในเอกสารที่ลงนาม",
        "student": "นักศึกษา",
        "number": "รหัสนักศึกษา",
        "institution": "สถาบัน",
        "programme": "หลักสูตร",
        "degree": "ปริญญา",
        "graduated": "วันที่สำเร็จการศึกษา",
        "gpax": "ค่าเฉลี่ยสะสม",
        "document": "เลขที่เอกสาร",
        "valid_until": "ใช้ได้ถึง",
        "courses": "รายวิชา",
        "code": "รหัสวิชา",
        "course": "ชื่อวิชา",
        "credits": "หน่วยกิต",
        "grade": "เกรด",
        "checks": "การตรวจสอบทุกขั้นตอน",
        "again": "ตรวจสอบแฟ้มอื่น",
        "print": "พิมพ์หน้านี้ได้จากเมนูของเบราว์เซอร์",
        "too_large": "แฟ้มใหญ่เกิน {limit} MB",
        "empty": "แฟ้มว่างเปล่า",
        "wrong_type": "รับเฉพาะแฟ้ม PDF หรือ XML",
        "other": "English",
    },
    "en": {
        "title": "Verify a digital academic transcript",
        "intro": (
            "Choose a transcript file (the PDF, or the signed XML) to see whether it is genuine, "
            "who signed it and what it says."
        ),
        "choose": "The file you received",
        "choose_document": "If it came from a wallet: the PDF or XML of the same document (optional)",
        "submit": "Verify",
        "batch_title": "Verify many files at once",
        "batch_choose": "A ZIP file of transcripts",
        "batch_submit": "Verify them all and download the report (CSV)",
        "batch_note": (
            "One row per file: verdict, reason, document and student numbers, names, GPAX, status. "
            "Up to {limit} MB."
        ),
        "not_zip": "Only ZIP files are accepted",
        "doc_title": "The document of a QR code",
        "doc_status": "Status, as the institution publishes it",
        "doc_no_digest": "(not in the link)",
        "doc_link_alone": (
            "A link or a QR code alone does not prove that the document in your hands is genuine: "
            "anyone can make a QR code. Ask its holder for the file and check it below: you will see "
            "whether it is genuine and whether it is the document of this QR code."
        ),
        "doc_upload": "The document's file (PDF or XML), to confirm it matches the QR code",
        "doc_unknown": (
            "The status cannot be checked now (the institution's status list could not be used, or "
            "does not list this document). Try again later, or contact the institution's registrar."
        ),
        "doc_not_published": "This site does not check the institution's status list",
        "status_valid": "valid",
        "status_revoked": "revoked (withdrawn)",
        "status_suspended": "suspended",
        "status_superseded": "replaced by a newer document",
        "status_expired": "expired (past the last day the institution set)",
        "match": "This file matches the QR code (the same SHA-256)",
        "mismatch": "This file does NOT match the QR code: it is another document",
        "privacy": "The file is checked in memory, never stored or logged. Up to {limit} MB.",
        "reason": "Reason",
        "next_step": "What to do next",
        "certificate_from": "Certificate issued by",
        "credential_shown": (
            "A wallet credential (SD-JWT VC): its holder chose to show {shown} items "
            "and to keep {hidden} back"
        ),
        "credential_presented": "Shown by its holder, with their own key.",
        "not_disclosed": "(not shown by the holder)",
        "not_shown": (
            "What the file says is not shown: it could not be confirmed that the institution signed "
            "it, so what it claims may be false."
        ),
        "technical": "Technical details (for specialists)",
        "test_only": (
            "This site trusts TEST ONLY certificates: its verdicts are for trying the system out, "
            "never for real documents."
        ),
        "trusted": "This site trusts only signatures whose certificates come from:",
        "signed_by": "Signed by",
        "signed_at": "Signed at",
        "timestamp": "Time-stamped at",
        "pdf_signer": "PDF signed by",
        "transcript": "What the signed document says",
        "student": "Student",
        "number": "Student number",
        "institution": "Institution",
        "programme": "Programme",
        "degree": "Degree",
        "graduated": "Graduated",
        "gpax": "GPAX",
        "document": "Document number",
        "valid_until": "Valid until",
        "courses": "Courses",
        "code": "Code",
        "course": "Course",
        "credits": "Credits",
        "grade": "Grade",
        "checks": "Every check",
        "again": "Verify another file",
        "print": "Print this page from the browser's menu.",
        "too_large": "The file is larger than {limit} MB",
        "empty": "The file is empty",
        "wrong_type": "Only PDF or XML files are accepted",
        "other": "ภาษาไทย",
    },
}  # fmt: skip


def choose_language(explicit: str | None, accept_language: str | None) -> str:
    """An explicit choice (th/en) wins; else the browser's preference; else Thai."""
    if explicit in TEXTS:
        return explicit
    for part in (accept_language or "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in TEXTS:
            return code
    return "th"
