"""A TEST ONLY RFC 3161 time-stamp authority on 127.0.0.1, for the demo and the tests."""

from __future__ import annotations

import base64
import datetime as dt
import hmac
import http.server
import threading
from pathlib import Path

from asn1crypto import keys, tsp
from asn1crypto import pem as asn1_pem
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization

from transcript.pki.tsa import TIMESTAMP_REPLY


class LocalTimeStampAuthority:
    """A test TSA on 127.0.0.1, answering RFC 3161 requests in a background thread.

    ``fail_every`` makes every n-th request fail with HTTP 503 (to test retries). Use as a
    context manager; `url` is where to send requests.
    """

    def __init__(
        self,
        certificate_chain: Path,
        key: Path,
        *,
        fail_every: int = 0,
        port: int = 0,
        user: str | None = None,
        password: bytes | None = None,
        at: dt.datetime | None = None,
    ) -> None:
        """`user` and `password`: require HTTP basic authentication, as authorities that bill
        their users (ETDA's) do. `at`: stamp this fixed time instead of the clock's (for tests
        that play years ahead)."""
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
            chain[0], key_info, certs_to_embed=SimpleCertificateStore.from_certs(chain[1:]), fixed_dt=at
        )
        self.fail_every = fail_every
        self.requests = 0
        self._expected = (
            None
            if user is None
            else "Basic " + base64.b64encode(user.encode("utf-8") + b":" + (password or b"")).decode("ascii")
        )
        self._lock = threading.Lock()
        authority = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                with authority._lock:
                    authority.requests += 1
                    failing = authority.fail_every and authority.requests % authority.fail_every == 0
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(min(length, 65536))
                given = self.headers.get("Authorization")
                if authority._expected is not None and not hmac.compare_digest(
                    (given or "").encode(), authority._expected.encode()
                ):
                    self.send_response(401)
                    self.send_header("WWW-Authenticate", 'Basic realm="test time-stamp authority"')
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
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
