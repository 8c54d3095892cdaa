"""The planned reader and writer give exactly what xsdata gives, or hand the document over."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

import transcript
from transcript.generated import Text, Transcript
from transcript.model import modelxml, xmlio

from ..helpers import EXAMPLES, ROOT, SAMPLE
from .test_roundtrip_property import transcripts


def xsdata_dump(model: Transcript) -> bytes:
    return xmlio._serializer().render(model, ns_map=xmlio._NS_MAP).encode("utf-8")


def xsdata_read(data: bytes) -> Transcript:
    return xmlio.model_parser().parse(xmlio.gate(data).getroot(), Transcript)


def corpus(tmp_path: Path) -> list[Path]:
    from converters import convert_export

    convert_export(ROOT / "examples" / "registrar", tmp_path, jobs=1)
    return sorted(EXAMPLES.glob("*.xml")) + sorted(tmp_path.glob("*.xml"))


def test_examples_and_a_converted_export_take_the_planned_path_and_match_xsdata(tmp_path: Path) -> None:
    paths = corpus(tmp_path)
    assert len(paths) >= 48
    for path in paths:
        data = path.read_bytes()
        expected = xsdata_read(data)
        assert modelxml.read(xmlio.gate(data).getroot()) == expected, path.name
        assert modelxml.dump(expected) == xsdata_dump(expected) == data, path.name


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(transcripts)
def test_any_transcript_is_written_and_read_as_xsdata_does(model: Transcript) -> None:
    data = transcript.dump(model)
    assert data == xsdata_dump(model)
    assert transcript.load(data) == xsdata_read(data)


AWKWARD = [
    "a & b < c > d",
    "double \"quoted\" and 'single'",
    "  surrounding spaces  ",
    "   ",
    "line\nbreak",
    "\nleading line break",
    "tab\there",
    "carriage\rreturn",
    "",
    "สื่อสารมวลชน ่ ้ ๊ ๋ ำ",
    "]]> not a CDATA end",
]


@pytest.mark.parametrize("value", AWKWARD)
def test_awkward_text_is_written_as_xsdata_writes_it(value: str) -> None:
    model = transcript.load((EXAMPLES / "bachelor-honours.xml").read_bytes())
    course = model.course[0]
    model.course[0] = dataclasses.replace(course, course_title=[Text(value=value, language_id="th")])
    model.student.given_name[0] = Text(value="Somchai", language_id=value or None)
    model.transcript_context.transcript_id = value
    assert transcript.dump(model) == xsdata_dump(model)


def test_signed_files_and_xsi_attributes_are_read_by_xsdata(sample_bytes: bytes) -> None:
    with pytest.raises(modelxml.Unplanned, match="schemaLocation"):
        modelxml.read(xmlio.gate(sample_bytes).getroot())
    model = transcript.load(sample_bytes)
    assert model == xsdata_read(sample_bytes) and model.xsi_attributes
    with pytest.raises(modelxml.Unplanned, match="xsi_attributes"):
        modelxml.dump(model)
    assert transcript.dump(model) == xsdata_dump(model)
    assert SAMPLE.is_file()


def test_a_value_xsdata_would_refuse_is_left_to_xsdata() -> None:
    """Whitespace inside a date passes the schema; whatever xsdata makes of it, we make too."""
    data = (EXAMPLES / "bachelor-honours.xml").read_bytes()
    spaced = data.replace(b"<tc:Year>", b"<tc:Year> ", 1)
    assert transcript.load(spaced) == xsdata_read(spaced)
