"""The verification page under load: 8 concurrent clients on loopback.

    python benchmarks/web.py [--requests 1000] [--clients 8] [--workers 2]

Starts `transcript serve` (a TEST ONLY demo PKI) in its own process, then sends half the
requests with a signed XML and half with a signed PDF/A-3 package to POST /api/verify from
`--clients` threads. Prints verifications per second and p50/p95 latency for each kind, and
the server's resident memory at start, after the warm-up, and after all requests (it should
not grow). The baseline in the same run is GET /healthz: the cost of the HTTP path alone.
Then the same load against `serve --workers N`: the gain of using every core.
"""

from __future__ import annotations

import argparse
import http.client
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from transcript.demo.pki import create_demo_pki
from transcript.package import build_package
from transcript.pki.keys import load_identity, password_from
from transcript.pki.trust import TrustSettings
from transcript.sign.pades import PdfSigner
from transcript.sign.xades import XmlSigner

ROOT = Path(__file__).resolve().parent.parent


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def request(port: int, data: bytes | None) -> float:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    start = time.perf_counter()
    if data is None:
        connection.request("GET", "/healthz")
    else:
        boundary = uuid.uuid4().hex
        body = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="t"\r\n'
                "Content-Type: application/octet-stream\r\n\r\n"
            ).encode()
            + data
            + f"\r\n--{boundary}--\r\n".encode()
        )
        connection.request(
            "POST", "/api/verify", body, {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        )
    response = connection.getresponse()
    response.read()
    connection.close()
    if response.status != 200:
        raise RuntimeError(f"status {response.status}")
    return (time.perf_counter() - start) * 1000


def load(port: int, data: bytes | None, count: int, clients: int) -> tuple[float, list[float]]:
    start = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        latencies = list(pool.map(lambda _: request(port, data), range(count)))
    return time.perf_counter() - start, latencies


def serve(demo, workers: int) -> tuple[subprocess.Popen, int]:  # type: ignore[no-untyped-def]
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    crls = [arg for c in demo.crls for arg in ("--crl", str(c))]
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "transcript"), "serve", "--trust", str(demo.root), *crls,
         "--port", str(port), "--workers", str(workers)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and server.poll() is None:
        try:
            request(port, None)
            return server, port
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit(f"the server did not start: {server.communicate()[1].decode(errors='replace')[-2000:]}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="web-bench-") as scratch:
        demo = create_demo_pki(Path(scratch) / "pki")
        identity = load_identity(demo.registrar_p12, password=password_from(password_file=demo.password_file))
        trust = TrustSettings.from_files([demo.root], demo.crls)
        xml = XmlSigner(identity).sign(
            (ROOT / "examples" / "transcripts" / "bachelor-honours.xml").read_bytes()
        )
        pdf = build_package(xml, "th", trust=trust, signer=PdfSigner(identity), file_name="t.xml")
        server, port = serve(demo, 1)
        try:
            start_rss = rss_mib(server.pid)
            load(port, xml, 20, args.clients)
            load(port, pdf, 20, args.clients)
            warm_rss = rss_mib(server.pid)
            half = args.requests // 2
            rows = [("baseline: GET /healthz", *load(port, None, half, args.clients))]
            rows.append(("signed XML", *load(port, xml, half, args.clients)))
            rows.append(("PDF/A-3 + PAdES package", *load(port, pdf, args.requests - half, args.clients)))
            end_rss = rss_mib(server.pid)
        finally:
            server.terminate()
            server.wait(timeout=10)
        server, port = serve(demo, args.workers)
        try:
            load(port, xml, 20, args.clients)
            load(port, pdf, 20, args.clients)
            rows.append((f"signed XML, {args.workers} workers", *load(port, xml, half, args.clients)))
            rows.append(
                (f"package, {args.workers} workers", *load(port, pdf, args.requests - half, args.clients))
            )
        finally:
            server.terminate()
            server.wait(timeout=10)
    print(f"{args.clients} concurrent clients on loopback, 2 cores")
    print(f"{'requests':32} {'count':>6} {'per s':>7} {'p50 ms':>8} {'p95 ms':>8}")
    for label, seconds, latencies in rows:
        p95 = statistics.quantiles(latencies, n=20)[18]
        rate, p50 = len(latencies) / seconds, statistics.median(latencies)
        print(f"{label:32} {len(latencies):6} {rate:7.1f} {p50:8.1f} {p95:8.1f}")
    print(f"server memory (1 worker): {start_rss:.0f} MiB at start, {warm_rss:.0f} MiB warm, "
          f"{end_rss:.0f} MiB after {args.requests} verifications")  # fmt: skip


if __name__ == "__main__":
    main()
