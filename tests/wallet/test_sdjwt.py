"""The SD-JWT core against RFC 9901's own examples, and every "MUST reject" of its section 7."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, ed25519

from transcript.wallet import sdjwt
from transcript.wallet.sdjwt import Disclosable, SdJwtError

VECTORS = json.loads((Path(__file__).parent / "vectors" / "rfc9901.json").read_text(encoding="utf-8"))
ISSUER = jwt.PyJWK(VECTORS["issuer_public_jwk"]).key
HOLDER = jwt.PyJWK(VECTORS["holder_public_jwk"]).key
KB_TIME = dt.datetime.fromtimestamp(VECTORS["kb_iat"], dt.timezone.utc)


def test_the_rfc_digests() -> None:
    for pair in VECTORS["disclosure_digests"]:
        assert sdjwt.digest_of(pair["disclosure"]) == pair["digest"]


def test_the_rfc_issuance_processes_to_its_claims() -> None:
    processed = sdjwt.process(sdjwt.parse(VECTORS["sd_jwt"]), ISSUER)
    assert processed.claims == VECTORS["processed_payload"]
    assert processed.header["typ"] == "example+sd-jwt"
    assert processed.hidden == 0  # every digest disclosed, the RFC's decoys aside
    assert len(processed.paths) == len(VECTORS["disclosure_contents"]) - 5  # 4.2.x examples are not in 5.1


def test_the_rfc_presentation_and_its_key_binding() -> None:
    presentation = sdjwt.parse(VECTORS["presentation"])
    processed = sdjwt.process(presentation, ISSUER)
    assert processed.claims == VECTORS["presentation_processed_payload"]
    holder = sdjwt.holder_key(processed.claims)
    kb = sdjwt.verify_key_binding(
        presentation, holder, audience=VECTORS["kb_aud"], nonce=VECTORS["kb_nonce"], now=KB_TIME,
        max_age=dt.timedelta(minutes=5),
    )  # fmt: skip
    assert kb["sd_hash"] == VECTORS["kb_sd_hash"]
    with pytest.raises(SdJwtError, match="not the one asked for"):
        sdjwt.verify_key_binding(
            presentation, holder, audience=VECTORS["kb_aud"], nonce="other", now=KB_TIME, max_age=None
        )
    with pytest.raises(SdJwtError, match="not 'https://evil"):
        sdjwt.verify_key_binding(
            presentation, holder, audience="https://evil.example", nonce=None, now=KB_TIME, max_age=None
        )
    with pytest.raises(SdJwtError, match="too long ago"):
        later = KB_TIME + dt.timedelta(hours=1)
        sdjwt.verify_key_binding(
            presentation, holder, audience=None, nonce=None, now=later, max_age=dt.timedelta(minutes=5)
        )


def test_a_presentation_with_one_disclosure_removed_loses_its_key_binding() -> None:
    presentation = sdjwt.parse(VECTORS["presentation"])
    fewer = sdjwt.SdJwt(presentation.jwt, presentation.disclosures[1:], presentation.kb_jwt)
    sdjwt.process(fewer, ISSUER)  # still a valid SD-JWT ...
    with pytest.raises(SdJwtError, match="sd_hash"):  # ... but not what the holder presented
        sdjwt.verify_key_binding(fewer, HOLDER, audience=None, nonce=None, now=KB_TIME, max_age=None)


def test_the_issuers_signature_is_required() -> None:
    other = ec.generate_private_key(ec.SECP256R1()).public_key()
    with pytest.raises(SdJwtError, match="signature does not verify"):
        sdjwt.process(sdjwt.parse(VECTORS["sd_jwt"]), other)
    with pytest.raises(SdJwtError, match="this key signs EdDSA"):
        sdjwt.process(sdjwt.parse(VECTORS["sd_jwt"]), ed25519.Ed25519PrivateKey.generate().public_key())


# ------------------------------------------------------------------ crafted SD-JWTs


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def disclosure(*content: Any) -> str:
    return b64(json.dumps(list(content)).encode())


def signed(payload: dict[str, Any], key: ec.EllipticCurvePrivateKey, *disclosures: str) -> str:
    token = jwt.encode(payload, key, algorithm="ES256", headers={"typ": "dc+sd-jwt"})
    return "~".join([token, *disclosures, ""])


KEY = ec.generate_private_key(ec.SECP256R1())
D_NAME = disclosure("salt-1", "name", "Somying")
D_ITEM = disclosure("salt-2", "A")


@pytest.mark.parametrize(
    ("payload", "disclosures", "reason"),
    [
        ({"_sd": [sdjwt.digest_of(D_NAME)]}, [D_NAME, D_NAME], "given twice"),
        ({"_sd": [sdjwt.digest_of(D_NAME), sdjwt.digest_of(D_NAME)]}, [D_NAME], "occurs twice"),
        ({"_sd": []}, [D_NAME], "not referenced"),
        ({"_sd": [sdjwt.digest_of(D_ITEM)]}, [D_ITEM], "array element, referenced from an object"),
        ({"grades": [{"...": sdjwt.digest_of(D_NAME)}]}, [D_NAME], "object member, referenced as an array"),
        ({"name": "X", "_sd": [sdjwt.digest_of(D_NAME)]}, [D_NAME], "already has"),
        ({"_sd": [sdjwt.digest_of(d := disclosure("s", "_sd", ["x"]))]}, [d], "reserved"),
        ({"_sd": [sdjwt.digest_of(d := disclosure("s", "...", 1))]}, [d], "reserved"),
        ({"_sd": [sdjwt.digest_of(d := disclosure("s", 1, 2))]}, [d], "not a string"),
        ({"_sd": [sdjwt.digest_of(d := disclosure("s"))]}, [d], r"\[salt, name, value\]"),
        ({"_sd": [sdjwt.digest_of(d := b64(b'{"a":1}'))]}, [d], r"\[salt, name, value\]"),
        ({"_sd_alg": "sha-512", "_sd": []}, [], "not supported"),
        ({"a": {"_sd_alg": "sha-256"}}, [], "only at the top level"),
        ({"_sd": "x"}, [], "not an array"),
        ({"grades": [{"...": sdjwt.digest_of(D_ITEM), "x": 1}]}, [D_ITEM], "other members"),
        ({"a": 1, "_sd": [7]}, [], "not a string"),
    ],
)
def test_a_crafted_sd_jwt_is_refused(payload: dict[str, Any], disclosures: list[str], reason: str) -> None:
    with pytest.raises(SdJwtError, match=reason):
        sdjwt.process(sdjwt.parse(signed(payload, KEY, *disclosures)), KEY.public_key())


def test_a_disclosure_inside_a_disclosure_is_reached_through_it() -> None:
    inner = disclosure("s1", "given", "Somying")
    outer = disclosure("s2", "name", {"_sd": [sdjwt.digest_of(inner)]})
    text = signed({"_sd": [sdjwt.digest_of(outer)]}, KEY, outer, inner)
    assert sdjwt.process(sdjwt.parse(text), KEY.public_key()).claims == {"name": {"given": "Somying"}}
    with pytest.raises(SdJwtError, match="not referenced"):  # the inner one alone is not reachable
        sdjwt.process(sdjwt.parse(signed({"_sd": []}, KEY, inner)), KEY.public_key())


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "no '~'"),
        ("a.b.c", "no '~'"),
        ("a.b~", "not a compact JWS"),
        ("a.b.c~~", "empty"),
        ("a.b.c~ab+c~", "not base64url"),
        ("a.b.c~x~a.b", "Key Binding JWT is not a compact JWS"),
        ("a.b.c~" + "~".join(["WyJ4Il0"] * 10_001) + "~", "more than"),
    ],
)
def test_a_malformed_serialisation_is_refused(text: str, reason: str) -> None:
    with pytest.raises(SdJwtError, match=reason):
        sdjwt.parse(text)


def test_bytes_that_are_not_ascii_or_too_many() -> None:
    with pytest.raises(SdJwtError, match="ASCII"):
        sdjwt.parse("é~".encode())
    with pytest.raises(SdJwtError, match="over the limit"):
        sdjwt.parse(b"a" * (sdjwt.MAX_BYTES + 1))


def test_duplicate_json_members_and_deep_nesting_are_refused() -> None:
    header = b64(b'{"alg":"ES256","typ":"dc+sd-jwt"}')
    body = b64(b'{"gpax":1.5,"gpax":4.0}')
    signature = KEY.sign(f"{header}.{body}".encode(), ec.ECDSA(hashes_sha256()))
    token = f"{header}.{body}.{b64(raw_signature(signature))}~"
    with pytest.raises(SdJwtError, match="duplicate JSON member 'gpax'"):
        sdjwt.process(sdjwt.parse(token), KEY.public_key())
    deep: Any = 1
    for _ in range(sdjwt.MAX_DEPTH + 2):
        deep = {"a": deep}
    with pytest.raises(SdJwtError, match="nested deeper"):
        sdjwt.process(sdjwt.parse(signed(deep, KEY)), KEY.public_key())


def test_none_and_other_algorithms_are_refused() -> None:
    unsigned = jwt.encode({"a": 1}, None, algorithm="none", headers={"typ": "dc+sd-jwt"}) + "~"
    with pytest.raises(SdJwtError, match="alg 'none'"):
        sdjwt.process(sdjwt.parse(unsigned), KEY.public_key())
    hs = jwt.encode({"a": 1}, "secret-secret-secret-secret-secret", algorithm="HS256") + "~"
    with pytest.raises(SdJwtError, match="alg 'HS256'"):
        sdjwt.process(sdjwt.parse(hs), KEY.public_key())


def test_issue_and_present_round_trip_in_both_algorithms() -> None:
    for key in (ec.generate_private_key(ec.SECP256R1()), ed25519.Ed25519PrivateKey.generate()):
        holder = ec.generate_private_key(ec.SECP256R1())
        claims = {
            "gpax": 3.5,
            "name": Disclosable({"given": Disclosable("Somying"), "family": Disclosable("Jaidee")}),
            "courses": [Disclosable({"code": "CPE101"}), Disclosable({"code": "CPE102"}), "plain"],
            "cnf": {"jwk": sdjwt.public_jwk(holder)},
        }
        issued = sdjwt.parse(sdjwt.issue(claims, key, {"typ": "dc+sd-jwt"}))
        everything = sdjwt.process(issued, key.public_key())
        assert everything.claims["name"] == {"given": "Somying", "family": "Jaidee"}
        assert everything.claims["courses"] == [{"code": "CPE101"}, {"code": "CPE102"}, "plain"]
        chosen = sdjwt.present(
            issued, lambda path: path in {("name", "given"), ("courses", "1")}, key.public_key()
        )
        kb = sdjwt.key_binding_jwt(chosen, holder, audience="https://hr.example", nonce="n-1")
        presentation = sdjwt.parse(sdjwt.serialise(sdjwt.SdJwt(chosen.jwt, chosen.disclosures, kb)))
        shown = sdjwt.process(presentation, key.public_key())
        assert shown.claims["name"] == {"given": "Somying"}  # the container came along, not the sibling
        assert shown.claims["courses"] == [{"code": "CPE102"}, "plain"]
        assert shown.hidden == 2  # family name, the first course
        now = dt.datetime.now(dt.timezone.utc)
        sdjwt.verify_key_binding(presentation, sdjwt.holder_key(shown.claims), audience="https://hr.example",
                                 nonce="n-1", now=now, max_age=dt.timedelta(minutes=5))  # fmt: skip
        stranger = ec.generate_private_key(ec.SECP256R1()).public_key()
        with pytest.raises(SdJwtError, match="signature does not verify"):
            sdjwt.verify_key_binding(presentation, stranger, audience=None, nonce=None, now=now, max_age=None)


def test_reserved_names_cannot_be_issued_and_cnf_must_be_public() -> None:
    with pytest.raises(SdJwtError, match="reserved"):
        sdjwt.issue({"_sd": 1}, KEY, {})
    private = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(KEY))
    with pytest.raises(SdJwtError, match="private key"):
        sdjwt.holder_key({"cnf": {"jwk": private}})
    with pytest.raises(SdJwtError, match="not P-256 or Ed25519"):
        sdjwt.holder_key({"cnf": {"jwk": {"kty": "RSA", "n": "x", "e": "AQAB"}}})


def hashes_sha256() -> Any:
    from cryptography.hazmat.primitives import hashes

    return hashes.SHA256()


def raw_signature(der: bytes) -> bytes:
    from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

    r, s = decode_dss_signature(der)
    return r.to_bytes(32, "big") + s.to_bytes(32, "big")


def test_digest_is_over_the_encoded_form() -> None:
    encoded = VECTORS["disclosure_digests"][0]["disclosure"]
    assert sdjwt.digest_of(encoded) == b64(hashlib.sha256(encoded.encode()).digest())
