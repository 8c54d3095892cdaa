"""PDF/A-3 kept at every PAdES level: the rules of ISO 19005-3 that can be checked without a
PDF/A validator, on B-B, B-T, B-LT and B-LTA packages (pyHanko's updates included)."""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
from pathlib import Path

import pikepdf
import pytest

from transcript.demo.pki import create_demo_pki
from transcript.demo.tsa import LocalTimeStampAuthority
from transcript.package import build_package
from transcript.pki.keys import load_identity, password_from
from transcript.pki.trust import TrustSettings
from transcript.pki.tsa import TimeStampClient
from transcript.sign.pades import LEVELS, PdfSigner
from transcript.sign.xades import XmlSigner

from ..helpers import EXAMPLES, require_tool


@pytest.fixture(scope="module")
def packages(tmp_path_factory) -> dict[str, bytes]:
    demo = create_demo_pki(tmp_path_factory.mktemp("pdfa") / "pki")
    identity = load_identity(demo.registrar_p12, password=password_from(password_file=demo.password_file))
    trust = TrustSettings.from_files([demo.root], demo.crls)
    signed = XmlSigner(identity).sign((EXAMPLES / "master-thesis.xml").read_bytes())
    made = {}
    with LocalTimeStampAuthority(demo.tsa_certificate, demo.tsa_key) as authority:
        for level in LEVELS:
            stamps = TimeStampClient(authority.url) if level != "B-B" else None
            signer = PdfSigner(identity, level, stamps, trust)
            made[level] = build_package(signed, "en", trust=trust, signer=signer, file_name="t.xml")
    return made


def _pdf_date(text: str) -> dt.datetime:
    found = re.fullmatch(r"D:(\d{14})(Z|[+-]\d{2}'\d{2}'?)?", text.strip())
    assert found, text
    moment = dt.datetime.strptime(found.group(1), "%Y%m%d%H%M%S")
    zone = found.group(2) or "Z"
    if zone == "Z":
        return moment.replace(tzinfo=dt.timezone.utc)
    sign = 1 if zone[0] == "+" else -1
    offset = dt.timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6]))
    return moment.replace(tzinfo=dt.timezone(sign * offset))


@pytest.mark.parametrize("level", LEVELS)
def test_the_document_information_and_the_xmp_agree(packages: dict[str, bytes], level: str) -> None:
    """ISO 19005-3, 6.6.2.3: each Info entry has its XMP equivalent with the same value."""
    with pikepdf.open(io.BytesIO(packages[level])) as pdf:
        info = {str(k): str(v) for k, v in pdf.docinfo.items()}
        with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
            assert meta.pdfa_status == "3U"
            assert info["/Producer"] == meta["pdf:Producer"]
            assert info["/Title"] == meta["dc:title"]
            assert info["/Creator"] == meta["xmp:CreatorTool"]
            assert _pdf_date(info["/ModDate"]) == dt.datetime.fromisoformat(meta["xmp:ModifyDate"])
            assert _pdf_date(info["/CreationDate"]) == dt.datetime.fromisoformat(meta["xmp:CreateDate"])


@pytest.mark.parametrize("level", LEVELS)
def test_the_rules_a_reader_can_check(packages: dict[str, bytes], level: str) -> None:
    """An sRGB output intent; no encryption, JavaScript or LZW; every annotation printed and not
    hidden; the embedded XML with its relationship, MIME type and parameters."""
    with pikepdf.open(io.BytesIO(packages[level])) as pdf:
        assert not pdf.is_encrypted
        intents = pdf.Root.OutputIntents
        assert len(intents) == 1 and intents[0].S == "/GTS_PDFA1" and "/DestOutputProfile" in intents[0]
        assert "/OpenAction" not in pdf.Root and "/AA" not in pdf.Root
        names = pdf.Root.get("/Names", pikepdf.Dictionary())
        assert "/JavaScript" not in names
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
                assert obj.get("/S") != "/JavaScript"
                filters = obj.get("/Filter")
                assert "/LZWDecode" not in (
                    [str(f) for f in filters] if isinstance(filters, pikepdf.Array) else [str(filters)]
                )
        for page in pdf.pages:
            for annotation in page.get("/Annots", []):
                flags = int(annotation.get("/F", 0))
                assert flags & 4 and not flags & 2 and not flags & 1, flags  # Print; not Hidden nor Invisible
        spec = pdf.Root.AF[0]
        assert spec.AFRelationship == "/Alternative" and spec.EF.F.Subtype == "/text/xml"
        assert "/Size" in spec.EF.F.Params and "/ModDate" in spec.EF.F.Params


@pytest.mark.parametrize("level", LEVELS)
def test_every_font_is_embedded_with_a_unicode_map(
    packages: dict[str, bytes], level: str, tmp_path: Path
) -> None:
    pdffonts = require_tool("pdffonts")
    path = tmp_path / f"{level}.pdf"
    path.write_bytes(packages[level])
    lines = subprocess.run(
        [pdffonts, str(path)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert lines
    for line in lines:
        columns = line.split()
        assert columns[-5:-3] == ["yes", "yes"] and columns[-3] == "yes", line  # emb, sub, uni
