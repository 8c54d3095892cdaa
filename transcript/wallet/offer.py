"""OpenID4VCI 1.0 credential offers (pre-authorized code flow), as JSON and as a QR code.

An offer tells a wallet which issuer to ask and for what (section 4.1.1): the issuer's
identifier (an https URL without query or fragment), the credential configuration, and a
pre-authorized code, high in entropy and single-use, that the issuer service later exchanges
for an access token; optionally a transaction code (a PIN sent to the student by another
channel) that the wallet asks for. A student scans the offer's QR code with a wallet.

The issuer service needs to know which credential each code stands for: `OfferRecord` keeps
the SHA-256 of the code and of the transaction code (never the codes themselves) with the
credential's file name and the offer's expiry.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import secrets
import urllib.parse
from dataclasses import asdict, dataclass
from typing import Any

import zxingcpp
from PIL import Image

from transcript.errors import TranscriptError
from transcript.wallet.metadata import CONFIGURATION_ID

GRANT = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
SCHEME = "openid-credential-offer://"


class OfferError(TranscriptError):
    """An offer that cannot be made (the reason is in the message)."""


@dataclass(frozen=True)
class Offer:
    offer: dict[str, Any]
    transaction_code: str | None  # give it to the student by another channel than the QR code

    @property
    def uri(self) -> str:
        """The offer by value, as a wallet's QR scanner reads it."""
        text = json.dumps(self.offer, separators=(",", ":"), ensure_ascii=False)
        return f"{SCHEME}?credential_offer={urllib.parse.quote(text, safe='')}"


@dataclass(frozen=True)
class OfferRecord:
    """What the issuer service keeps to redeem an offer (hashes only): SHA-256 of the
    pre-authorized code, and SHA-256 of ``CODE:TRANSACTION_CODE``."""

    credential: str
    code_sha256: str
    transaction_code_sha256: str | None
    expires: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def check_issuer(issuer: str) -> str:
    """The Credential Issuer Identifier: an https URL with a host and no query or fragment."""
    parsed = urllib.parse.urlsplit(issuer)
    if parsed.scheme != "https" or not parsed.hostname or parsed.query or parsed.fragment:
        raise OfferError(f"the issuer must be an https URL without query or fragment, not {issuer!r}")
    return issuer


def make_offer(issuer: str, *, transaction_code_digits: int | None = 6) -> Offer:
    """A credential offer for the transcript configuration, with a fresh pre-authorized code
    (256 bits) and, unless `transaction_code_digits` is None, a numeric transaction code."""
    grant: dict[str, Any] = {"pre-authorized_code": secrets.token_urlsafe(32)}
    code = None
    if transaction_code_digits is not None:
        if not 4 <= transaction_code_digits <= 12:
            raise OfferError("a transaction code has 4 to 12 digits")
        code = "".join(secrets.choice("0123456789") for _ in range(transaction_code_digits))
        grant["tx_code"] = {
            "input_mode": "numeric",
            "length": transaction_code_digits,
            "description": "รหัสในอีเมลจากมหาวิทยาลัย / The code in the university's email",
        }
    offer = {
        "credential_issuer": check_issuer(issuer),
        "credential_configuration_ids": [CONFIGURATION_ID],
        "grants": {GRANT: grant},
    }
    return Offer(offer, code)


def record_of(offer: Offer, credential: str, *, valid_for: dt.timedelta, now: dt.datetime) -> OfferRecord:
    grant = offer.offer["grants"][GRANT]
    code = grant["pre-authorized_code"]
    tx = offer.transaction_code
    return OfferRecord(
        credential=credential,
        code_sha256=hashlib.sha256(code.encode("ascii")).hexdigest(),
        # Keyed by the pre-authorized code: a short PIN hashed alone could be tried exhaustively.
        transaction_code_sha256=hashlib.sha256(f"{code}:{tx}".encode("ascii")).hexdigest() if tx else None,
        expires=(now + valid_for).isoformat(timespec="seconds"),
    )


def validate_offer(offer: Any) -> list[str]:
    """What makes `offer` invalid per OpenID4VCI 1.0 section 4.1.1 (empty: valid)."""
    problems = []
    if not isinstance(offer, dict):
        return ["the offer is not a JSON object"]
    try:
        check_issuer(str(offer.get("credential_issuer")))
    except OfferError as exc:
        problems.append(str(exc))
    ids = offer.get("credential_configuration_ids")
    if not isinstance(ids, list) or not ids or not all(isinstance(i, str) and i for i in ids):
        problems.append("credential_configuration_ids must be a non-empty array of strings")
    elif len(set(ids)) != len(ids):
        problems.append("credential_configuration_ids must not repeat an identifier")
    grants = offer.get("grants")
    if grants is not None:
        grant = grants.get(GRANT) if isinstance(grants, dict) else None
        if not isinstance(grant, dict) or not isinstance(grant.get("pre-authorized_code"), str):
            problems.append(f"the {GRANT} grant must carry a pre-authorized_code")
        elif "tx_code" in grant:
            tx = grant["tx_code"]
            if not isinstance(tx, dict):
                problems.append("tx_code must be an object")
            else:
                if tx.get("input_mode", "numeric") not in ("numeric", "text"):
                    problems.append("tx_code.input_mode must be numeric or text")
                if "length" in tx and (not isinstance(tx["length"], int) or tx["length"] < 1):
                    problems.append("tx_code.length must be a positive integer")
                if len(str(tx.get("description", ""))) > 300:
                    problems.append("tx_code.description must not exceed 300 characters")
    return problems


def qr_png(text: str, *, scale: int = 6) -> bytes:
    """`text` as a QR code (level M, with its quiet zone) in a PNG, for a wallet to scan."""
    code = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    image = memoryview(code.to_image(scale=scale, add_quiet_zones=True))  # type: ignore[arg-type]
    height, width = (image.shape or (0, 0))[:2]
    out = io.BytesIO()
    Image.frombytes("L", (width, height), bytes(image)).save(out, format="PNG", optimize=True)
    return out.getvalue()
