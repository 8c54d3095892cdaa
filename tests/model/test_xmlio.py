"""Reading and writing transcript XML: fidelity, determinism and a hardened gate."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest
from lxml import etree
from xsdata.models.datatype import XmlDateTime

import transcript
from transcript import InvalidDocument, Transcript
from transcript.model.xmlio import TC_NS

DATE_TIME_ELEMENTS = {"IssueDateTime", "BirthDate", "DateOfAdmission", "DateOfGraduation"}


def _content(data: bytes) -> list[tuple[str, dict[str, str], str]]:
    """Elements in document order with their attributes and text; comments and PIs aside."""
    root = etree.fromstring(data)
    items = []
    for element in root.iter(etree.Element):  # elements only
        name = etree.QName(element).localname
        text = (element.text or "").strip()
        if name in DATE_TIME_ELEMENTS:
            # The same instant; xsdata writes 18:13:51 where the sample wrote 18:13:51.0.
            text = XmlDateTime.from_string(text).to_datetime().isoformat()
        items.append((element.tag, dict(element.attrib), text))
    return items


def test_sample_round_trips(sample_bytes: bytes) -> None:
    model = transcript.load(sample_bytes)
    assert _content(transcript.dump(model)) == _content(sample_bytes)


def test_examples_round_trip_byte_for_byte(example_paths) -> None:
    for path in example_paths:
        data = path.read_bytes()
        assert transcript.dump(transcript.load(data)) == data, path.name


def test_sample_model_reads_misspelled_and_attribute_fields(sample_bytes: bytes) -> None:
    model = transcript.load(sample_bytes)
    assert model.student.credits_tranferred == Decimal(0)
    assert model.additional_information.infomation_note[0].subject.value == "Advisor Name"
    assert next((i.scheme_id, i.value) for i in model.student.data_subject_id) == (
        "StudenID",
        "50253661772",
    )
    assert model.course[0].course_title[1].language_id == "EN"
    assert model.organization.logo.startswith(b"\x89PNG")
    assert model.academic_summary.total_gpax == Decimal("3.25")


def test_dump_is_deterministic_with_tc_prefix_and_declaration(sample_bytes: bytes) -> None:
    model = transcript.load(sample_bytes)
    first = transcript.dump(model)
    assert first == transcript.dump(transcript.load(sample_bytes))
    assert first.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<tc:Transcript ')
    root = etree.fromstring(first)
    assert root.prefix == "tc" and root.nsmap["tc"] == TC_NS
    assert "ใบประมวลผลการศึกษาของมหาวิทยาลัย" in first.decode("utf-8")


def test_trailing_signature_is_accepted(sample_bytes: bytes) -> None:
    signed = sample_bytes.replace(
        b"</tc:Transcript>",
        b'<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#" Id="sig">'
        b"<ds:SignedInfo/></ds:Signature></tc:Transcript>",
    )
    model = transcript.load(signed)
    assert len(model.signature) == 1


# ------------------------------------------------------------------ the gate


def _problem(data: bytes, **kwargs) -> transcript.Problem:
    with pytest.raises(InvalidDocument) as caught:
        transcript.load(data, **kwargs)
    problems = caught.value.problems
    assert len(problems) >= 1
    return problems[0]


def test_malformed_xml_is_located(sample_bytes: bytes) -> None:
    broken = sample_bytes.replace(b"</tc:Gender>", b"</tc:Gendr>")
    problem = _problem(broken)
    assert problem.code == "XML001"
    assert problem.line == 29
    assert "not well-formed" in problem.message


def test_empty_and_truncated_documents(sample_bytes: bytes) -> None:
    assert _problem(b"").code == "XML001"
    assert _problem(sample_bytes[: len(sample_bytes) // 2]).code == "XML001"


@pytest.mark.parametrize(
    "prolog",
    [
        b'<?xml version="1.0"?>',
        b'\xef\xbb\xbf<?xml version="1.0"?>\n<!-- a comment -->\n<?pi a ? b?>  ',
        b'<?xml version="1.0"?><!-- a comment that says <!DOCTYPE -->',
    ],
)
def test_doctype_is_refused(prolog: bytes) -> None:
    data = prolog + b'<!DOCTYPE t><tc:Transcript xmlns:tc="' + TC_NS.encode() + b'"/>'
    assert _problem(data).code == "XML002"


def test_entity_bomb_is_refused_quickly() -> None:
    lol = b"".join(b'<!ENTITY lol%d "%s">' % (i, b"&lol%d;" % (i - 1) * 10) for i in range(1, 10))
    bomb = b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol0 "lol">' + lol + b"]><lolz>&lol9;</lolz>"
    assert _problem(bomb).code == "XML002"


def test_external_entity_is_never_read(tmp_path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    xxe = (
        f'<?xml version="1.0"?><!DOCTYPE t [<!ENTITY x SYSTEM "file://{secret}">]>'
        f'<tc:Transcript xmlns:tc="{TC_NS}">&x;</tc:Transcript>'
    ).encode()
    problem = _problem(xxe)
    assert problem.code == "XML002"
    assert "TOP-SECRET" not in str(problem)


def test_size_cap_is_checked_before_parsing() -> None:
    problem = _problem(b"<" + b"a" * 2000 + b"/>", max_bytes=1000)
    assert problem.code == "XML003"
    assert "2,003 bytes" in problem.message


def test_wrong_namespace_is_named(sample_bytes: bytes) -> None:
    wrong = sample_bytes.replace(TC_NS.encode(), b"urn:example:other")
    problem = _problem(wrong)
    assert problem.code == "XML004"
    assert "urn:example:other" in problem.message


def test_unknown_element_is_located(sample_bytes: bytes) -> None:
    data = sample_bytes.replace(b"<tc:Gender>1</tc:Gender>", b"<tc:Gender>1</tc:Gender><tc:Shoe>42</tc:Shoe>")
    problem = _problem(data)
    assert problem.code == "XSD001"
    assert problem.line == 29
    assert problem.path == "/Transcript/Student/Shoe"
    assert "Shoe" in problem.message and "{" not in problem.message


def test_non_numeric_credit_is_located(sample_bytes: bytes) -> None:
    data = sample_bytes.replace(b"<tc:CourseCreditValue>3<", b"<tc:CourseCreditValue>three<", 1)
    problem = _problem(data)
    assert problem.code == "XSD001"
    assert problem.path == "/Transcript/Course[1]/CourseCreditValue"
    assert "'three'" in problem.message


def test_load_rejects_text_not_bytes(sample_bytes: bytes) -> None:
    with pytest.raises(TypeError):
        transcript.load(sample_bytes.decode("utf-8"))  # type: ignore[arg-type]


def test_model_objects_compare_by_value(sample_bytes: bytes) -> None:
    a = transcript.load(sample_bytes)
    b = transcript.load(sample_bytes)
    assert a == b
    assert isinstance(a, Transcript)
    changed = dataclasses.replace(a, course=a.course[:1])
    assert changed != a
