"""The national profile: what an issued transcript's signatures carry unless told otherwise.

A transcript is read for decades; a registrar's certificate lives two or three years. So the
XML signature is time-stamped (XAdES-B-T) and the PDF carries its validation data and a
document time-stamp (PAdES-B-LTA): both keep verifying after the certificate expires, and a
PDF can be renewed (`transcript extend`) before its time-stamp's certificate does. The one
way out is explicit: `--pades B-B --no-timestamp`, files that stop verifying the day the
certificate expires or is revoked.
"""

from __future__ import annotations

NATIONAL_PADES = "B-LTA"
SHORT_LIVED = "--pades B-B --no-timestamp"


def profile_problem(pades: str, *, time_stamp_authority: bool, timestamp: bool = True) -> str | None:
    """Why these choices make no issuable transcript, or None when they do.

    `time_stamp_authority`: one is given (or started, for the demo); `timestamp`: False when
    the user asked for no time-stamp (`--no-timestamp`)."""
    if not timestamp:
        if time_stamp_authority:
            return "--no-timestamp and --tsa ask for opposite things; give one of them"
        if pades != "B-B":
            return (
                f"PAdES {pades} is made of time-stamps, so it cannot go with --no-timestamp; "
                f"for short-lived files ask for {SHORT_LIVED}"
            )
        return None
    if not time_stamp_authority:
        return (
            "the national profile time-stamps every signature (XAdES-B-T XML, PAdES-B-LTA PDF), so "
            "that transcripts keep verifying after the signing certificate expires: give the "
            "time-stamp authority with --tsa URL. Files without time-stamps stop verifying the day "
            f"the certificate expires or is revoked; to make them anyway, ask for {SHORT_LIVED}"
        )
    return None
