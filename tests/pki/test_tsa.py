"""Time-stamp authorities that authenticate their users: HTTP basic authentication."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from transcript.demo.pki import create_demo_pki
from transcript.demo.tsa import LocalTimeStampAuthority
from transcript.pki.tsa import TimeStampClient, TimeStampError, token_time

from ..helpers import EXAMPLES

SCRIPT = Path(sys.executable).parent / "transcript"


def _authority(demo) -> LocalTimeStampAuthority:  # type: ignore[no-untyped-def]
    """The demo's test authority, requiring the user "registrar" with the password "s3cret"."""
    return LocalTimeStampAuthority(demo.tsa_certificate, demo.tsa_key, user="registrar", password=b"s3cret")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):  # type: ignore[no-untyped-def]
    return create_demo_pki(tmp_path_factory.mktemp("tsa") / "pki")


def test_an_authority_that_requires_a_password_gets_it_and_only_it(demo) -> None:  # type: ignore[no-untyped-def]
    with LocalTimeStampAuthority(
        demo.tsa_certificate, demo.tsa_key, user="registrar", password=b"s3cret"
    ) as tsa:
        token = TimeStampClient(tsa.url, user="registrar", password=b"s3cret").stamp(b"data")
        assert token_time(token)
        for client in (
            TimeStampClient(tsa.url),
            TimeStampClient(tsa.url, user="registrar", password=b"wrong"),
            TimeStampClient(tsa.url, user="someone", password=b"s3cret"),
        ):
            with pytest.raises(TimeStampError, match=r"authentication failed or is required \(HTTP 401\)"):
                client.stamp(b"data")
    assert "s3cret" not in repr(TimeStampClient("http://x", user="registrar", password=b"s3cret"))


def test_the_command_line_signs_with_an_authenticated_authority(demo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    secret = tmp_path / "tsa-password.txt"
    secret.write_text("s3cret\n", encoding="utf-8")
    environment = {k: v for k, v in os.environ.items() if k != "TRANSCRIPT_TSA_PASSWORD"}
    with LocalTimeStampAuthority(
        demo.tsa_certificate, demo.tsa_key, user="registrar", password=b"s3cret"
    ) as tsa:
        base = [
            str(SCRIPT), "sign", str(EXAMPLES / "master-thesis.xml"), "--key", str(demo.registrar_p12),
            "--password-file", str(demo.password_file), "--tsa", tsa.url, "--tsa-user", "registrar",
        ]  # fmt: skip
        good = subprocess.run(
            [*base, "--tsa-password-file", str(secret), "--out", str(tmp_path / "good")],
            capture_output=True, text=True, env=environment,
        )  # fmt: skip
        assert good.returncode == 0, good.stderr
        assert b"SignatureTimeStamp" in (tmp_path / "good" / "master-thesis.xml").read_bytes()
        bad = subprocess.run(
            [*base, "--out", str(tmp_path / "bad")],
            capture_output=True, text=True, env={**environment, "TRANSCRIPT_TSA_PASSWORD": "wrong"},
        )  # fmt: skip
        assert bad.returncode != 0
        assert "authentication failed or is required" in bad.stderr
        assert "Traceback" not in bad.stderr
