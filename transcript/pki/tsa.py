"""RFC 3161 time-stamps: the client of a time-stamp authority.

`TimeStampClient.stamp(data)` asks the authority at a URL for a token over the SHA-256 of
`data` and returns the token (DER). Authorities that authenticate their users (ETDA's does)
take a user name and password (HTTP basic authentication) or a TLS client certificate.
(A TEST ONLY authority for the demo and the tests is `transcript.demo.tsa`.)
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import secrets
import ssl
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from asn1crypto import cms, tsp

from transcript.errors import TranscriptError

TIMESTAMP_QUERY = "application/timestamp-query"
TIMESTAMP_REPLY = "application/timestamp-reply"


class TimeStampError(TranscriptError):
    """The time-stamp authority could not be reached or refused the request."""


@dataclass(frozen=True)
class TimeStampClient:
    """Asks one time-stamp authority for RFC 3161 tokens (SHA-256 imprints, with a nonce)."""

    url: str
    timeout: float = 15.0
    user: str | None = None
    password: bytes | None = field(default=None, repr=False)
    client_certificate: Path | None = None  # PEM: the certificate (and chain) for TLS
    client_key: Path | None = None  # PEM: its private key, unencrypted

    def post(self, request: bytes) -> bytes:
        """Send a DER TimeStampReq and return the DER reply (raises `TimeStampError`)."""
        headers = {"Content-Type": TIMESTAMP_QUERY, "Accept": TIMESTAMP_REPLY}
        if self.user is not None:
            credentials = self.user.encode("utf-8") + b":" + (self.password or b"")
            headers["Authorization"] = "Basic " + base64.b64encode(credentials).decode("ascii")
        http_request = urllib.request.Request(self.url, data=request, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(http_request, timeout=self.timeout, context=self._tls()) as reply:
                return reply.read(1024 * 1024)
        except urllib.error.HTTPError as exc:
            refusal = "authentication failed or is required" if exc.code in (401, 403) else exc.reason
            raise TimeStampError(
                f"time-stamp authority {self.url} refused the request: {refusal} (HTTP {exc.code})"
            ) from None
        except (urllib.error.URLError, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", exc)
            raise TimeStampError(f"time-stamp authority {self.url} cannot be reached: {reason}") from None

    def _tls(self) -> ssl.SSLContext | None:
        if self.client_certificate is None:
            return None
        context = ssl.create_default_context()
        try:
            context.load_cert_chain(self.client_certificate, self.client_key)
        except (OSError, ssl.SSLError) as exc:
            raise TimeStampError(
                f"{self.client_certificate}: cannot use the TLS client certificate ({exc})"
            ) from None
        return context

    def stamp(self, data: bytes) -> bytes:
        """A time-stamp token (DER ContentInfo) over SHA-256(`data`)."""
        digest = hashlib.sha256(data).digest()
        nonce = int.from_bytes(secrets.token_bytes(8), "big")
        request = tsp.TimeStampReq(
            {
                "version": "v1",
                "message_imprint": {
                    "hash_algorithm": {"algorithm": "sha256"},
                    "hashed_message": digest,
                },
                "nonce": nonce,
                "cert_req": True,
            }
        )
        body = self.post(request.dump())
        try:
            response = tsp.TimeStampResp.load(body)
            status = response["status"]["status"].native
            token = response["time_stamp_token"]
            if status not in ("granted", "granted_with_mods") or not isinstance(token, cms.ContentInfo):
                raise TimeStampError(f"time-stamp authority {self.url} refused the request ({status})")
            info = token["content"]["encap_content_info"]["content"].parsed
            if info["message_imprint"]["hashed_message"].native != digest:
                raise TimeStampError(f"time-stamp authority {self.url} stamped something else")
            if info["nonce"].native != nonce:
                raise TimeStampError(f"time-stamp authority {self.url} answered another request")
            return token.dump()
        except (ValueError, TypeError, KeyError) as exc:
            raise TimeStampError(f"time-stamp authority {self.url} sent a malformed reply: {exc}") from None


def token_time(token: bytes) -> datetime.datetime:
    """The time a token proves (its TSTInfo genTime), without validating it."""
    info = cms.ContentInfo.load(token)["content"]["encap_content_info"]["content"].parsed
    return info["gen_time"].native
