"""RFC 3161 time-stamps: a client for a time-stamp authority, and a local authority for tests.

`TimeStampClient.stamp(data)` asks the authority at a URL for a token over the SHA-256 of
`data` and returns the token (DER). `LocalTimeStampAuthority` answers such requests on
the loopback interface with a test TSA key (see `transcript demo-pki`); it exists for tests
and demonstrations, never as a real authority.
"""

from __future__ import annotations

import datetime
import hashlib
import http.server
import secrets
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import cms, keys, tsp
from asn1crypto import pem as asn1_pem
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization

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

    def post(self, request: bytes) -> bytes:
        """Send a DER TimeStampReq and return the DER reply (raises `TimeStampError`)."""
        http_request = urllib.request.Request(
            self.url,
            data=request,
            headers={"Content-Type": TIMESTAMP_QUERY, "Accept": TIMESTAMP_REPLY},
            method="POST",
        )
        try:
            with urllib.request.urlopen(http_request, timeout=self.timeout) as reply:
                return reply.read(1024 * 1024)
        except (urllib.error.URLError, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", exc)
            raise TimeStampError(f"time-stamp authority {self.url} cannot be reached: {reason}") from None

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


class LocalTimeStampAuthority:
    """A test TSA on 127.0.0.1, answering RFC 3161 requests in a background thread.

    ``fail_every`` makes every n-th request fail with HTTP 503 (to test retries). Use as a
    context manager; `url` is where to send requests.
    """

    def __init__(self, certificate_chain: Path, key: Path, *, fail_every: int = 0, port: int = 0) -> None:
        from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
        from pyhanko_certvalidator.registry import SimpleCertificateStore

        chain = [
            asn1_x509.Certificate.load(_der(block)) for block in _pem_blocks(certificate_chain.read_bytes())
        ]
        private = serialization.load_pem_private_key(key.read_bytes(), None)
        key_info = keys.PrivateKeyInfo.load(
            private.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        self.stamper = DummyTimeStamper(
            chain[0], key_info, certs_to_embed=SimpleCertificateStore.from_certs(chain[1:])
        )
        self.fail_every = fail_every
        self.requests = 0
        self._lock = threading.Lock()
        authority = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                with authority._lock:
                    authority.requests += 1
                    failing = authority.fail_every and authority.requests % authority.fail_every == 0
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(min(length, 65536))
                if failing:
                    self.send_error(503, "busy (test authority failing on purpose)")
                    return
                try:
                    request = tsp.TimeStampReq.load(body)
                    reply = authority.stamper.request_tsa_response(request).dump()
                except (ValueError, TypeError, KeyError):
                    self.send_error(400, "not a time-stamp request")
                    return
                self.send_response(200)
                self.send_header("Content-Type", TIMESTAMP_REPLY)
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        host = host.decode() if isinstance(host, bytes) else host
        return f"http://{host}:{port}/"

    def __enter__(self) -> LocalTimeStampAuthority:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def _pem_blocks(data: bytes) -> list[bytes]:
    marker = b"-----BEGIN CERTIFICATE-----"
    return [marker + part for part in data.split(marker)[1:]]


def _der(pem: bytes) -> bytes:
    _, _, der = asn1_pem.unarmor(pem)
    return der


def token_time(token: bytes) -> datetime.datetime:
    """The time a token proves (its TSTInfo genTime), without validating it."""
    info = cms.ContentInfo.load(token)["content"]["encap_content_info"]["content"].parsed
    return info["gen_time"].native
