"""Names and values every layer shares: namespaces, the document's identity, Thai time."""

from __future__ import annotations

import datetime as dt
from typing import Any

#: The transcript message (ETDA ขมธอ. 25-2563 v2.0).
TC_NS = "urn:etda:teda:documentation:Transcript:1"
TRANSCRIPT_OID = "2.16.764.1.4.1.1.8.1.1"
TRANSCRIPT_VERSION = "2.0"
#: XML Signature and XAdES 1.3.2.
DS_NS = "http://www.w3.org/2000/09/xmldsig#"
XADES_NS = "http://uri.etsi.org/01903/v1.3.2#"
C14N_INCLUSIVE = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
#: ETDA's electronic-document XMP schema of the PDF/A-3 package.
ED_NS = "urn:etda:pdfa:ElectronicDocument:1p0:standard#"

#: What the national package names as its producer, in the document information and the XMP.
PRODUCER = "thai-transcript (reportlab, pikepdf)"

#: Thailand's time (UTC+7, no daylight saving): issue dates, and times shown to Thai readers.
BANGKOK = dt.timezone(dt.timedelta(hours=7), "Asia/Bangkok")

#: The schemeID of a student number; "StudenID" (sic) is the ETDA sample's spelling.
STUDENT_NUMBER_SCHEMES = frozenset({"studentid", "studenid"})


def student_number(student: Any) -> str | None:
    """The student number among a Student's DataSubjectID identifiers, if any."""
    return next(
        (i.value for i in student.data_subject_id if i.scheme_id.lower() in STUDENT_NUMBER_SCHEMES), None
    )
