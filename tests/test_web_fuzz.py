"""Schemathesis against the app's own OpenAPI document: no request makes the server fail."""

from __future__ import annotations

import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings

from transcript.pki import create_demo_pki
from transcript.trust import TrustSettings
from transcript.web import create_app

_demo = create_demo_pki(Path(tempfile.mkdtemp(prefix="web-fuzz-")) / "pki")
app = create_app(TrustSettings.from_files([_demo.root], _demo.crls), max_bytes=200_000)
schema = schemathesis.openapi.from_asgi("/openapi.json", app)


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_error(case) -> None:  # type: ignore[no-untyped-def]
    response = case.call()
    assert response.status_code < 500, response.text
    assert response.headers.get("content-security-policy")
