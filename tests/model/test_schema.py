"""The schema describes the ETDA wire format, and the model is exactly what the generator makes."""

from __future__ import annotations

import filecmp
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import etree

from transcript.model.xmlio import TC_NS, schema_path

from ..helpers import ROOT, SAMPLE

XS = "{http://www.w3.org/2001/XMLSchema}"
SHARED_SAMPLE = ROOT.parent / "shared" / "conformance" / "etda-v2.0-sample.xml"


@pytest.fixture(scope="module")
def xsd() -> etree._ElementTree:
    return etree.parse(str(schema_path()))


def test_bundled_sample_is_the_public_sample() -> None:
    if SHARED_SAMPLE.exists():
        assert SAMPLE.read_bytes() == SHARED_SAMPLE.read_bytes()
    assert b"urn:etda:teda:documentation:Transcript:1" in SAMPLE.read_bytes()


def test_public_sample_validates_unchanged(xsd: etree._ElementTree) -> None:
    schema = etree.XMLSchema(xsd)
    document = etree.parse(str(SAMPLE))
    assert schema.validate(document), schema.error_log


def test_schema_keeps_the_wire_misspellings(xsd: etree._ElementTree) -> None:
    names = {e.get("name") for e in xsd.iter(f"{XS}element")}
    assert {"CreditsTranferred", "InfomationNote"} <= names
    assert not {"CreditsTransferred", "InformationNote"} & names


def test_schema_namespace_and_root(xsd: etree._ElementTree) -> None:
    root = xsd.getroot()
    assert root.get("targetNamespace") == TC_NS
    assert root.get("elementFormDefault") == "qualified"
    globals_ = [e.get("name") for e in root.findall(f"{XS}element")]
    assert globals_ == ["Transcript"]


def test_element_order_follows_the_specification(xsd: etree._ElementTree) -> None:
    def children(type_name: str) -> list[str]:
        complex_type = xsd.find(f"{XS}complexType[@name='{type_name}']")
        assert complex_type is not None, type_name
        return [e.get("name") for e in complex_type.iter(f"{XS}element")]

    assert children("Course") == [
        "CourseNumber",
        "TypeCode",
        "CourseTitle",
        "CourseCreditValue",
        "CourseCreditEarned",
        "CourseAcademicGrade",
        "CourseAcademicGradeText",
        "CoursePointEarned",
        "EducationTypeSystem",
        "SemesterName",
        "Year",
    ]
    assert children("Address") == [
        "StreetName",
        "CitySubDivisionName",
        "CityName",
        "CountrySubDivisionName",
        "CountryCode",
        "PostcodeCode",
    ]
    assert children("AcademicSummary")[-5:] == [
        "TotalCreditValue",
        "TotalCreditEarned",
        "TotalCreditCalculated",
        "TotalPointEarned",
        "TotalGPAX",
    ]


def test_every_type_is_documented(xsd: etree._ElementTree) -> None:
    undocumented = [
        t.get("name")
        for t in xsd.getroot()
        if t.tag in (f"{XS}complexType", f"{XS}simpleType")
        and not (t.findtext(f"{XS}annotation/{XS}documentation") or "").strip()
    ]
    assert undocumented == []


def test_generated_model_matches_the_generator(tmp_path: Path) -> None:
    """Regenerate from xsd/ into a scratch folder; any difference means a hand edit or drift."""
    xsdata = shutil.which("xsdata", path=str(Path(sys.executable).parent))
    if xsdata is None:
        pytest.fail("the xsdata generator is not installed (pip install -e '.[dev]')")
    shutil.copytree(ROOT / "xsd", tmp_path / "xsd")
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    run = subprocess.run(
        [xsdata, "generate", "xsd/transcript.xsd", "--config", "xsd/xsdata.xml"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    fresh = tmp_path / "transcript" / "generated"
    committed = ROOT / "transcript" / "generated"
    fresh_files = sorted(p.name for p in fresh.glob("*.py"))
    committed_files = sorted(p.name for p in committed.glob("*.py"))
    assert fresh_files == committed_files
    _, mismatch, errors = filecmp.cmpfiles(fresh, committed, fresh_files, shallow=False)
    assert mismatch == [] and errors == [], f"generated code differs: {mismatch or errors}"
