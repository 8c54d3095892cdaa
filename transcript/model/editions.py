"""Editions of the signed content: the full transcript, or a minimal copy for employers.

A transcript sent to an employer need not carry the student's national ID, passport number
or birth date: the schema makes the birth date optional, and a student number alone
satisfies DataSubjectID. The minimal edition leaves them out of the signed XML itself (not
merely off the page), so that no copy of the file discloses them.
"""

from __future__ import annotations

import copy
from typing import Any

FULL = "full"
MINIMAL = "minimal"
EDITIONS = (FULL, MINIMAL)
#: The identifiers a minimal edition leaves out: the national ID and the passport number.
PERSONAL_SCHEMES = frozenset({"nidn", "ccpt"})


def minimal_copy(transcript: Any) -> Any:
    """A copy of `transcript` without the national ID, passport number and birth date."""
    result = copy.deepcopy(transcript)
    student = result.student
    student.data_subject_id = [
        i for i in student.data_subject_id if i.scheme_id.lower() not in PERSONAL_SCHEMES
    ]
    student.birth_date = None
    return result


def of_edition(transcript: Any, edition: str) -> Any:
    """`transcript` as the edition named (`FULL` returns it unchanged)."""
    if edition not in EDITIONS:
        raise ValueError(f"the edition is full or minimal, not {edition!r}")
    return minimal_copy(transcript) if edition == MINIMAL else transcript
