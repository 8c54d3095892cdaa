"""Getting a status list: from a file, or over http(s), within the size limit and a timeout."""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path

from transcript.status.listformat import MAX_LIST_BYTES

TIMEOUT = 15.0


def read_list(where: str, *, timeout: float = TIMEOUT) -> bytes | str:
    """The bytes of the list at `where` (a path or an http(s) URL), or why they cannot be had.
    Never more than `MAX_LIST_BYTES` + 1 bytes are read (the reader then refuses the list)."""
    if where.startswith(("https://", "http://")):
        request = urllib.request.Request(where, headers={"Accept": "application/statuslist+jwt"})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as reply:
                return bytes(reply.read(MAX_LIST_BYTES + 1))
        except urllib.error.HTTPError as exc:
            return f"the status list could not be fetched (HTTP {exc.code})"
        except (urllib.error.URLError, OSError, ValueError) as exc:
            return f"the status list could not be fetched ({getattr(exc, 'reason', exc)})"
    try:
        with open(Path(where), "rb") as file:
            return file.read(MAX_LIST_BYTES + 1)
    except OSError as exc:
        return f"the status list cannot be read ({exc.strerror or exc})"
