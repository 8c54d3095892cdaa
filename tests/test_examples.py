"""The bundled examples are reproducible from their build script and cover what they claim."""

from __future__ import annotations

import transcript

from .helpers import EXAMPLES, load_script


def test_build_script_reproduces_the_committed_examples() -> None:
    built = load_script(EXAMPLES / "build.py", "transcripts_build").build()
    assert sorted(built) == sorted(p.name for p in EXAMPLES.glob("*.xml"))
    for name, data in built.items():
        assert (EXAMPLES / name).read_bytes() == data, f"{name} is stale: run examples/transcripts/build.py"


def test_examples_cover_the_promised_cases() -> None:
    honours = transcript.load((EXAMPLES / "bachelor-honours.xml").read_bytes())
    assert honours.transcript_context.status == "Complete"
    assert honours.additional_information.hons[0].value == "เกียรตินิยมอันดับ 1"
    assert any(c.semester_name[0].value == "ภาคฤดูร้อน" for c in honours.course)

    master = transcript.load((EXAMPLES / "master-thesis.xml").read_bytes())
    assert master.transcript_context.status == "Incomplete"
    assert master.student.date_of_graduation is None
    assert master.additional_information.thesis_title
    assert master.transcript_context.language == "EN"

    transfer = transcript.load((EXAMPLES / "transfer-su.xml").read_bytes())
    symbols = {c.course_academic_grade_text for c in transfer.course}
    assert {"S", "U", "W", "I", "T"} <= symbols
    assert transfer.student.credits_tranferred > 0
    assert transfer.student.middle_name

    for model in (honours, master, transfer):
        names = {(t.language_id or "").lower() for t in model.student.given_name}
        assert names == {"th", "en"}
