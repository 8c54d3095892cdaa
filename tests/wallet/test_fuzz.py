"""Fuzzing the credential verifier: every mutation of a genuine credential gets a report, never
an exception, and a pass only when what it shows is part of what the issuer signed."""

from __future__ import annotations

import contextlib
import json
import random
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from transcript.demo.pki import create_demo_pki
from transcript.issuing.credentials import issue_credentials
from transcript.pki.keys import CREDENTIALS, load_identity
from transcript.pki.trust import TrustSettings
from transcript.sign.xades import XmlSigner
from transcript.verify import Verdict, VerificationReport, verify
from transcript.wallet import sdjwt

from ..helpers import EXAMPLES

FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def genuine(tmp_path_factory):  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("vc-fuzz")
    demo = create_demo_pki(folder / "pki")
    registrar = load_identity(demo.registrar_p12, password_file=demo.password_file)
    key = load_identity(demo.credential_p12, password_file=demo.password_file, purpose=CREDENTIALS)
    (folder / "t.xml").write_bytes(XmlSigner(registrar).sign((EXAMPLES / "master-thesis.xml").read_bytes()))
    trust = TrustSettings.from_files([demo.root], demo.crls)
    (result,) = issue_credentials([folder / "t.xml"], key, trust, out_dir=folder, issuer="https://u.example")
    assert result.written is not None
    text = result.written.read_text().strip()
    full = verify(text.encode(), trust).credential.disclosed
    return text, trust, full


def part_of(shown: Any, full: Any) -> bool:
    """Whether `shown` is `full` with some members and array elements left out."""
    if isinstance(shown, dict):
        return isinstance(full, dict) and all(k in full and part_of(v, full[k]) for k, v in shown.items())
    if isinstance(shown, list):
        if not isinstance(full, list):
            return False
        position = 0
        for item in shown:
            while position < len(full) and not part_of(item, full[position]):
                position += 1
            if position == len(full):
                return False
            position += 1
        return True
    return shown == full and type(shown) is type(full)


def answered(data: bytes, trust: TrustSettings) -> VerificationReport:
    report = verify(data, trust)
    assert isinstance(report, VerificationReport)
    report.format()
    report.to_json()
    report.brief("x")
    return report


def _mutations(text: str, rng: random.Random) -> str:
    jwt, *disclosures, tail = text.split("~")
    kind = rng.choice(["flip", "drop", "duplicate", "swap", "reencode", "truncate", "insert", "header"])
    if kind == "flip":
        i = rng.randrange(len(text))
        return text[:i] + rng.choice("AaZz09-_~.=+/ ") + text[i + 1 :]
    if kind == "drop" and disclosures:
        disclosures.pop(rng.randrange(len(disclosures)))
    elif kind == "duplicate" and disclosures:
        disclosures.insert(rng.randrange(len(disclosures) + 1), rng.choice(disclosures))
    elif kind == "swap" and len(disclosures) > 1:
        i, j = rng.sample(range(len(disclosures)), 2)
        disclosures[i], disclosures[j] = disclosures[j], disclosures[i]
    elif kind == "reencode" and disclosures:
        i = rng.randrange(len(disclosures))
        content = sdjwt.read_json(sdjwt.unb64url(disclosures[i], "d"), "d")
        content[-1] = rng.choice([4.0, "A", None, {"gpax": 4.0}, [1], content[-1]])
        if len(content) == 3 and rng.random() < 0.5:
            content[1] = rng.choice(["gpax", "_sd", "...", "iss", "signed_content_sha256", "given"])
        disclosures[i] = sdjwt.b64url(json.dumps(content).encode())
    elif kind == "truncate":
        return text[: rng.randrange(len(text))]
    elif kind == "insert":
        i = rng.randrange(len(text))
        return (
            text[:i] + "".join(rng.choice("~.eyJ0AQ_-\x00é") for _ in range(rng.randrange(1, 9))) + text[i:]
        )
    elif kind == "header":
        header = sdjwt.read_json(sdjwt.unb64url(jwt.split(".")[0], "h"), "h")
        header[rng.choice(["alg", "typ", "crit", "x5c", "kid", "b64"])] = rng.choice(
            ["none", "HS256", "dc+sd-jwt", ["alg"], [], False, "ES256"]
        )
        jwt = ".".join([sdjwt.b64url(json.dumps(header).encode()), *jwt.split(".")[1:]])
    return "~".join([jwt, *disclosures, tail])


@FUZZ
@given(seed=st.integers(0, 2**32 - 1), rounds=st.integers(1, 4))
def test_a_mutated_credential_passes_only_showing_what_was_signed(genuine, seed: int, rounds: int) -> None:  # type: ignore[no-untyped-def]
    text, trust, full = genuine
    rng = random.Random(seed)
    for _ in range(rounds):
        # A structured mutation may no longer apply to an earlier one's output: then none.
        with contextlib.suppress(sdjwt.SdJwtError, ValueError, TypeError, IndexError):
            text = _mutations(text, rng)
    report = answered(text.encode("utf-8", "surrogatepass"), trust)
    if report.verdict is Verdict.TOTAL_PASSED:
        assert part_of(report.credential.disclosed, full), text


@FUZZ
@given(body=st.binary(max_size=2048))
def test_random_bytes_that_look_like_an_sd_jwt_never_pass(genuine, body: bytes) -> None:  # type: ignore[no-untyped-def]
    _, trust, _ = genuine
    for data in (b"eyJ" + body + b"~", b"eyJhbGciOiJFUzI1NiJ9." + body + b"~~"):
        assert answered(data, trust).verdict is not Verdict.TOTAL_PASSED
