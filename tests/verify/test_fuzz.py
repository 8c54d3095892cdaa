"""Fuzzing the verifier: it answers every input with a report, never raises, and never
vouches for a file that is not exactly what the institution signed.

Random bytes (bare, after ``%PDF-`` and after ``<?xml``) must never pass. Genuine files
(XAdES-B and XAdES-T XML, B-B and B-LT packages) mutated by `fuzzing` may pass only when the
rule of `fuzzing.judge` holds: the same canonical signed XML and signer and, for a package,
pages that show the signed facts. The runs are small here; ``benchmarks/fuzz.py`` runs the
same mutators for minutes.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from transcript.verify import Status, Verdict, VerificationReport, verify

from .fuzzing import (
    MUTATORS,
    RANDOM_INPUTS,
    Genuine,
    exercise,
    inflating_xref_stream,
    judge,
    make_genuine,
    mutate,
)

FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
MUTATION = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def genuine(tmp_path_factory) -> Genuine:
    return make_genuine(tmp_path_factory.mktemp("fuzz"))


def answered(data: bytes, genuine: Genuine) -> VerificationReport:
    """The report for `data`, shown every way: nothing may raise."""
    report = verify(data, genuine.trust)
    assert isinstance(report, VerificationReport)
    assert isinstance(report.verdict, Verdict)
    exercise(report)
    return report


# ------------------------------------------------------------------ random input

_PREFIXES = {
    "bare": b"",
    "pdf": b"%PDF-",
    "xml": b"<?xml",
    "transcript": b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<tc:Transcript xmlns:tc="urn:etda:teda:documentation:Transcript:1">',
}
_SOME_BYTES = st.one_of(st.binary(max_size=4096), st.text(max_size=1024).map(str.encode))


@pytest.mark.parametrize("prefix", list(_PREFIXES.values()), ids=list(_PREFIXES))
@FUZZ
@given(data=_SOME_BYTES)
def test_random_input_gets_a_report_and_never_passes(genuine: Genuine, prefix: bytes, data: bytes) -> None:
    report = answered(prefix + data, genuine)
    assert report.verdict is not Verdict.TOTAL_PASSED


@FUZZ
@given(data=_SOME_BYTES, at=st.integers(min_value=0), kind=st.sampled_from(["xml", "pdf"]))
def test_a_genuine_file_cut_and_continued_at_random_passes_only_when_intact(
    genuine: Genuine, data: bytes, at: int, kind: str
) -> None:
    original = genuine.files[kind]
    mutated = original[: at % len(original)] + data
    report = answered(mutated, genuine)
    problem = judge(None, kind, mutated, report, genuine)
    assert problem is None, f"{problem}\n{report.format()}"


@pytest.mark.parametrize(
    "value", ["<tc:Transcript/>", None, 12, object(), [60, 62]], ids=["str", "None", "int", "object", "list"]
)
def test_what_is_not_bytes_gets_a_report(genuine: Genuine, value: object) -> None:
    report = answered(value, genuine)  # type: ignore[arg-type]
    assert report.verdict is not Verdict.TOTAL_PASSED


@pytest.mark.parametrize("kind", ["xml", "pdf"])
@pytest.mark.parametrize("wrap", [bytearray, memoryview])
def test_a_genuine_file_in_any_buffer_passes(genuine: Genuine, kind: str, wrap: type) -> None:
    assert answered(wrap(genuine.files[kind]), genuine).verdict is Verdict.TOTAL_PASSED


# ------------------------------------------------------------------ mutated genuine files


@pytest.mark.parametrize("mutator", MUTATORS + RANDOM_INPUTS, ids=lambda m: m.name)
@MUTATION
@given(rng=st.randoms(use_true_random=False))
def test_a_mutated_genuine_file_passes_only_when_its_signed_content_is_intact(
    genuine: Genuine, mutator, rng
) -> None:  # type: ignore[no-untyped-def]
    base, data = mutate(mutator, genuine, rng)
    report = answered(data, genuine)  # slowness is measured by benchmarks/fuzz.py, not here
    problem = judge(mutator, base, data, report, genuine)
    assert problem is None, f"{mutator.name} on {base}: {problem}\n{report.format()}"


@pytest.mark.parametrize("kind", ["xml", "xml-t", "pdf", "pdf-lt"])
def test_the_genuine_files_pass_and_a_second_verification_agrees(genuine: Genuine, kind: str) -> None:
    """The reference the rule compares with: every genuine file passes, pages included."""
    report = answered(genuine.files[kind], genuine)
    assert report.verdict is Verdict.TOTAL_PASSED, report.format()
    assert report.signed_xml == genuine.reports[kind].signed_xml
    if kind.startswith("pdf"):
        pages = report.check("pages")
        assert pages is not None and pages.status is Status.PASSED


# ------------------------------------------------------------------ found by fuzzing


@pytest.mark.parametrize("where", ["before", "after"])
def test_a_processing_instruction_outside_the_root_breaks_the_signature(genuine: Genuine, where: str) -> None:
    """``URI=""`` signs the whole document but its comments (XML-DSig 4.4.3.3, C14N 2.1):
    processing instructions outside the root element are in the signed node set, and xmlsec1
    reports a digest mismatch for a document that gained one. An ``xml-stylesheet`` one makes
    every browser show the document through the stylesheet it names, so a file that gained
    one is not what was signed."""
    root = etree.fromstring(genuine.files["xml"])
    instruction = etree.ProcessingInstruction(
        "xml-stylesheet", 'href="https://forger.example/t.xsl" type="text/xsl"'
    )
    (root.addprevious if where == "before" else root.addnext)(instruction)
    data = b'<?xml version="1.0" encoding="UTF-8"?>\n' + etree.tostring(root.getroottree(), encoding="UTF-8")
    assert b"<?xml-stylesheet" in data
    report = answered(data, genuine)
    assert report.verdict is not Verdict.TOTAL_PASSED, report.format()


def test_a_small_pdf_whose_cross_reference_stream_inflates_is_refused_at_the_limit(genuine: Genuine) -> None:
    """A 63 KB file whose last cross-reference stream inflates to 4 MB of free entries: the
    reader walks every entry in Python (some 0.6 s and 24 MB per MB inflated), so it must stop
    at the cross-reference limit, before the entries are built."""
    data = inflating_xref_stream(genuine.files["pdf"], 4)
    assert len(data) < 100_000
    report = answered(data, genuine)
    assert report.verdict is Verdict.TOTAL_FAILED
    assert "exceeds the limit of 524288 bytes" in report.reason
