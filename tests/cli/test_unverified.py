"""A transcript that cannot be verified is never a silent success: `render` says why a file is
marked NOT VERIFIED and exits 1; `serve` warns at start when it has no revocation data."""

from __future__ import annotations

import socket
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from transcript.demo.pki import create_demo_pki

from ..helpers import EXAMPLES
from .test_cli import SCRIPT, run


@pytest.fixture(scope="module")
def signed(tmp_path_factory):  # type: ignore[no-untyped-def]
    """A demo PKI and a transcript signed with it (XAdES-B-B)."""
    folder = tmp_path_factory.mktemp("unverified")
    demo = create_demo_pki(folder / "pki")
    done = run("sign", EXAMPLES / "bachelor-honours.xml", "--key", demo.registrar_p12, "--password-file",
               demo.password_file, "--out", folder / "signed")  # fmt: skip
    assert done.returncode == 0, done.stderr
    return demo, folder / "signed" / "bachelor-honours.xml"


def test_render_without_revocation_data_says_why_and_exits_one(signed, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    demo, xml = signed
    result = run("render", xml, "--trust", demo.root, "--out", tmp_path, "--lang", "th,en")
    assert result.returncode == 1
    assert sorted(p.name for p in tmp_path.glob("*.pdf")) == [
        "bachelor-honours.en.pdf",
        "bachelor-honours.th.pdf",
    ]
    (line,) = [x for x in result.stderr.splitlines() if "NOT VERIFIED:" in x]
    assert line.startswith(f"{xml}: rendered, marked NOT VERIFIED: INDETERMINATE ")
    assert "no revocation data" in line and "--crl" in line
    assert "2 PDFs written to" in result.stderr and "(1 file marked NOT VERIFIED)" in result.stderr


def test_render_with_the_crls_verifies_and_exits_zero(signed, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    demo, xml = signed
    crls = [arg for crl in demo.crls for arg in ("--crl", crl)]
    result = run("render", xml, "--trust", demo.root, *crls, "--out", tmp_path)
    assert result.returncode == 0, result.stderr
    assert "NOT VERIFIED" not in result.stderr and (tmp_path / "bachelor-honours.th.pdf").exists()
    refused = run("render", xml, "--trust", demo.root, "--out", tmp_path / "strict", "--require-valid")
    assert refused.returncode == 1 and "not rendered" in refused.stderr
    assert not list((tmp_path / "strict").glob("*.pdf"))


def serve(xml: Path, *args: str | Path) -> tuple[str, dict]:
    """Start `transcript serve ARGS`, verify `xml` through its API once it answers, stop it:
    what it printed on stderr, and the API's answer."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([str(SCRIPT), "serve", *map(str, args), "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None and time.monotonic() < deadline, "the server did not start"
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        files = {"file": ("t.xml", xml.read_bytes())}
        answer = httpx.post(f"http://127.0.0.1:{port}/api/verify", files=files, timeout=60).json()
    finally:
        server.terminate()
        _, stderr = server.communicate(timeout=20)
    return stderr, answer


def test_serve_warns_at_start_that_it_has_no_revocation_data(signed) -> None:  # type: ignore[no-untyped-def]
    demo, xml = signed
    stderr, answer = serve(xml, "--trust", demo.root)
    assert "WARNING: no revocation data (--crl)" in stderr and "give --crl FILE" in stderr
    assert answer["verdict"] == "INDETERMINATE"  # as the warning said
    crls = [arg for crl in demo.crls for arg in ("--crl", crl)]
    stderr, answer = serve(xml, "--trust", demo.root, *crls)
    assert "WARNING" not in stderr and "Verification page at" in stderr
    assert answer["verdict"] == "TOTAL-PASSED"
