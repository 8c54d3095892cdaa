"""Getting a status list: from a file, or over http(s), within the size limit and a timeout."""

from __future__ import annotations

import math
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from transcript.status.listformat import MAX_LIST_BYTES

TIMEOUT = 15.0


class _HttpOnlyRedirects(urllib.request.HTTPRedirectHandler):
    """Follows a redirect only to another http(s) address (urllib would follow ftp too)."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if not newurl.startswith(("https://", "http://")):
            raise urllib.error.HTTPError(newurl, code, "a redirect to a non-http(s) address", headers, fp)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_OPENER = urllib.request.build_opener(_HttpOnlyRedirects)


def read_list(where: str, *, timeout: float = TIMEOUT, urls_only: bool = False) -> bytes | str:
    """The bytes of the list at `where` (a path or an http(s) URL), or why they cannot be had.
    Never more than `MAX_LIST_BYTES` + 1 bytes are read (the reader then refuses the list).
    `urls_only`: `where` came from a document, so only an http(s) URL is fetched, never a
    local file."""
    if where.startswith(("https://", "http://")):
        request = urllib.request.Request(where, headers={"Accept": "application/statuslist+jwt"})
        try:
            with _OPENER.open(request, timeout=timeout) as reply:
                return bytes(reply.read(MAX_LIST_BYTES + 1))
        except urllib.error.HTTPError as exc:
            return f"the status list could not be fetched (HTTP {exc.code})"
        except (urllib.error.URLError, OSError, ValueError) as exc:
            return f"the status list could not be fetched ({getattr(exc, 'reason', exc)})"
    if urls_only:
        return "the document's status list address is not an http(s) URL"
    try:
        with open(Path(where), "rb") as file:
            return file.read(MAX_LIST_BYTES + 1)
    except OSError as exc:
        return f"the status list cannot be read ({exc.strerror or exc})"


class ListSource:
    """A status list kept current for a server: a file is read again for every use (a cheap
    read; publishing replaces it atomically), a URL fetched again once `refresh` has passed.
    Called, it gives the list's bytes, or None when they cannot be had."""

    def __init__(self, where: str, *, refresh: float = 300.0) -> None:
        self.where = where
        self.refresh = refresh
        self._lock = threading.Lock()
        self._cached: bytes | None = None
        self._fetched = -math.inf

    def __call__(self) -> bytes | None:
        if not self.where.startswith(("https://", "http://")):
            found = read_list(self.where)
            return found if isinstance(found, bytes) else None
        with self._lock:
            if time.monotonic() - self._fetched >= self.refresh:
                found = read_list(self.where)
                self._cached = found if isinstance(found, bytes) else None
                self._fetched = time.monotonic()
            return self._cached
