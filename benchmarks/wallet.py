"""How fast wallet credentials are made and checked, next to the SD-JWT reference implementation
and to the signed XML they come from, in the same run.

    python benchmarks/wallet.py [--courses 60] [--repeat 30]

One core, a synthetic transcript with N courses, a P-256 key:

- ours: making the credential from the verified model (claims, disclosures, ES256), the SD-JWT
  processing alone (signature and every disclosure) and `transcript.verify` of the credential
  (that, plus the certificate chain with CRLs) and of a key-bound presentation;
- baseline: the reference implementation (`sd-jwt`, on jwcrypto) issuing and verifying the same
  claims; and `transcript.verify` of the signed XML the credential comes from.
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec
from jwcrypto.jwk import JWK
from sd_jwt.common import SDObj
from sd_jwt.issuer import SDJWTIssuer
from sd_jwt.verifier import SDJWTVerifier
from signing import timed
from xmlio import synthetic

import transcript
from transcript.demo.pki import create_demo_pki
from transcript.model.xmlio import signed_content_digest
from transcript.pki.keys import CREDENTIALS, load_identity
from transcript.pki.trust import TrustSettings
from transcript.sign.xades import XmlSigner
from transcript.wallet import sdjwt
from transcript.wallet.credential import credential_claims, sign_credential


def as_reference(value: Any) -> Any:
    """Our `Disclosable` claims as the reference implementation marks them (SDObj keys and items)."""
    if isinstance(value, sdjwt.Disclosable):
        return as_reference(value.value)
    if isinstance(value, dict):
        return {
            (SDObj(k) if isinstance(v, sdjwt.Disclosable) else k): as_reference(v) for k, v in value.items()
        }
    if isinstance(value, list):
        return [
            SDObj(as_reference(v.value)) if isinstance(v, sdjwt.Disclosable) else as_reference(v)
            for v in value
        ]
    return value


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--courses", type=int, default=60)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="wallet-bench-") as scratch:
        pki = create_demo_pki(Path(scratch) / "pki")
        registrar = load_identity(pki.registrar_p12, password_file=pki.password_file)
        key = load_identity(pki.credential_p12, password_file=pki.password_file, purpose=CREDENTIALS)
        trust = TrustSettings.from_files([pki.root], pki.crls)
        signed = XmlSigner(registrar).sign(synthetic(args.courses))
        report = transcript.verify(signed, trust)
        assert report.ok, report.format()
        holder = ec.generate_private_key(ec.SECP256R1())
        digest = signed_content_digest(signed)
        assert digest is not None

        def claims() -> dict[str, Any]:
            return credential_claims(
                report.transcript, content_sha256=digest, issuer="https://registrar.example.ac.th",
                issued_at=dt.datetime.now(dt.timezone.utc), holder_jwk=sdjwt.public_jwk(holder),
            )  # fmt: skip

        credential = sign_credential(claims(), key)
        token = sdjwt.parse(credential)
        public = key.certificate.public_key()
        chosen = sdjwt.present(token, lambda path: path[:2] == ("student", "name"), public)
        kb = sdjwt.key_binding_jwt(chosen, holder, audience="https://hr.example", nonce="n")
        presentation = sdjwt.serialise(sdjwt.SdJwt(chosen.jwt, chosen.disclosures, kb)).encode()
        assert transcript.verify(credential.encode(), trust).ok
        assert transcript.verify(presentation, trust, audience="https://hr.example", nonce="n").ok

        reference_key = JWK.from_pyca(key.key)
        reference_claims = as_reference(claims())
        reference = SDJWTIssuer(reference_claims, reference_key).sd_jwt_issuance
        reference_public = JWK.from_pyca(public)

        verify = transcript.verify

        def presented() -> object:
            return verify(presentation, trust, audience="https://hr.example", nonce="n")

        def reference_verify() -> object:
            return SDJWTVerifier(reference, lambda i, h: reference_public).get_verified_payload()

        rows = [
            ("ours: make the credential (claims + ES256)", lambda: sign_credential(claims(), key)),
            ("reference: issue the same claims", lambda: SDJWTIssuer(reference_claims, reference_key)),
            ("ours: SD-JWT processing (signature, disclosures)", lambda: sdjwt.process(token, public)),
            ("reference: verify the same SD-JWT", reference_verify),
            (
                "ours: transcript.verify of the credential (+ chain, CRLs)",
                lambda: verify(credential.encode(), trust),
            ),
            ("ours: transcript.verify of a key-bound presentation", presented),
            ("baseline: transcript.verify of the signed XML", lambda: verify(signed, trust)),
        ]
        size = f"{len(token.disclosures)} disclosures, {len(credential):,} bytes"
        print(f"{args.courses} courses, {size}; median of {args.repeat}")
        for name, operation in rows:
            print(f"  {name:60} {timed(operation, args.repeat):8.2f} ms")


if __name__ == "__main__":
    main()
