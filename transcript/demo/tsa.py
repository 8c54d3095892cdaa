"""A TEST ONLY RFC 3161 time-stamp authority on 127.0.0.1, for the demo and the tests."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import http.server
import secrets
import ssl
import threading
from pathlib import Path

from asn1crypto import cms, tsp
from asn1crypto import pem as asn1_pem
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

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
        tls: ssl.SSLContext | None = None,
    ) -> None:
        """`user` and `password`: require HTTP basic authentication, as authorities that bill
        their users (ETDA's) do. `at`: stamp this fixed time instead of the clock's (for tests
        that play years ahead). `tls`: a server context to answer over HTTPS (one that asks for
        client certificates tests authorities that authenticate users by certificate)."""
        chain = [_der(block) for block in _pem_blocks(certificate_chain.read_bytes())]
        self.responder = _Responder(chain, serialization.load_pem_private_key(key.read_bytes(), None), at)
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
                    reply = authority.responder.respond(body)
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
        self.scheme = "http"
        if tls is not None:
            self.server.socket = tls.wrap_socket(self.server.socket, server_side=True)
            self.scheme = "https"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        host = host.decode() if isinstance(host, bytes) else host
        return f"{self.scheme}://{host}:{port}/"

    def __enter__(self) -> LocalTimeStampAuthority:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


class _Responder:
    """Answers RFC 3161 requests: a TSTInfo over the request's imprint, signed (CMS, with the
    ESS signing-certificate-v2 attribute) by the authority's key, its chain attached.

    What never changes (the certificates, the authority's name, the signed attribute naming
    its certificate) is encoded once: re-encoding the certificates for every token cost
    asn1crypto some 50 ms, the demo run's main process spending more time stamping than the
    workers signing."""

    def __init__(self, chain: list[bytes], key: object, at: dt.datetime | None) -> None:
        if not isinstance(key, (rsa.RSAPrivateKey, ec.EllipticCurvePrivateKey)):
            raise ValueError("the time-stamp authority's key must be RSA or ECDSA")
        self.key = key
        self.at = at
        certificate = asn1_x509.Certificate.load(chain[0])
        self.name = asn1_x509.GeneralName(name="directory_name", value=certificate.subject)
        self.sid = cms.SignerIdentifier(
            name="issuer_and_serial_number",
            value=cms.IssuerAndSerialNumber(
                {"issuer": certificate.issuer, "serial_number": certificate.serial_number}
            ),
        ).dump()
        self.certificates = cms.CertificateSet([asn1_x509.Certificate.load(d) for d in chain]).dump()
        self.signing_certificate = cms.CMSAttribute(
            {
                "type": "signing_certificate_v2",
                "values": [
                    tsp.SigningCertificateV2(
                        {
                            "certs": [
                                {
                                    "hash_algorithm": {"algorithm": "sha256"},
                                    "cert_hash": hashlib.sha256(chain[0]).digest(),
                                }
                            ]
                        }
                    )
                ],
            }
        ).dump()
        self.algorithm = "rsassa_pkcs1v15" if isinstance(key, rsa.RSAPrivateKey) else "sha256_ecdsa"

    def respond(self, body: bytes) -> bytes:
        request = tsp.TimeStampReq.load(body)
        now = self.at or dt.datetime.now(dt.timezone.utc)
        info = {
            "version": "v1",
            "policy": TEST_POLICY,
            "message_imprint": request["message_imprint"],
            "serial_number": int.from_bytes(secrets.token_bytes(16), "big") >> 1,
            "gen_time": now,
            "tsa": self.name,
        }
        if request["nonce"].native is not None:
            info["nonce"] = request["nonce"]
        content = tsp.TSTInfo(info).dump()
        attributes = cms.CMSAttributes(
            [
                cms.CMSAttribute({"type": "content_type", "values": ["tst_info"]}),
                cms.CMSAttribute({"type": "signing_time", "values": [cms.Time({"utc_time": now})]}),
                cms.CMSAttribute({"type": "message_digest", "values": [hashlib.sha256(content).digest()]}),
                cms.CMSAttribute.load(self.signing_certificate),
            ]
        )
        if isinstance(self.key, rsa.RSAPrivateKey):
            signature = self.key.sign(attributes.dump(), padding.PKCS1v15(), hashes.SHA256())
        else:
            signature = self.key.sign(attributes.dump(), ec.ECDSA(hashes.SHA256()))
        signer = cms.SignerInfo(
            {
                "version": "v1",
                "sid": cms.SignerIdentifier.load(self.sid),
                "digest_algorithm": {"algorithm": "sha256"},
                "signed_attrs": attributes,
                "signature_algorithm": {"algorithm": self.algorithm},
                "signature": signature,
            }
        )
        signed = cms.SignedData(
            {
                "version": "v3",
                "digest_algorithms": [{"algorithm": "sha256"}],
                "encap_content_info": {
                    "content_type": "tst_info",
                    "content": cms.ParsableOctetString(content),
                },
                "certificates": cms.CertificateSet.load(self.certificates),
                "signer_infos": [signer],
            }
        )
        token = cms.ContentInfo({"content_type": "signed_data", "content": signed})
        return tsp.TimeStampResp({"status": {"status": "granted"}, "time_stamp_token": token}).dump()


#: The policy the TEST ONLY authority names: a UUID-derived OID (ITU-T X.667), nobody's policy.
TEST_POLICY = "2.25.234259851421960218924648972940676652032"


def _pem_blocks(data: bytes) -> list[bytes]:
    marker = b"-----BEGIN CERTIFICATE-----"
    return [marker + part for part in data.split(marker)[1:]]


def _der(pem: bytes) -> bytes:
    _, _, der = asn1_pem.unarmor(pem)
    return der
