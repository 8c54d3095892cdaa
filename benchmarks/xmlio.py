"""How fast transcript XML is read, checked and written, next to the bare libraries.

    python benchmarks/xmlio.py [--courses 200] [--repeat 50]

Prints milliseconds per operation (median and best of the runs) for a synthetic transcript
with N courses, and compares them in the same run with:

- raw lxml: ``etree.fromstring`` + ``XMLSchema.validate`` (the cost of the gate alone);
- bare xsdata: ``XmlParser().from_bytes`` with no gate (the cost of building the model).

The goal for `load` is to stay within 1.5x of bare xsdata parsing.
"""

from __future__ import annotations

import argparse
import statistics
import time
import tracemalloc
from collections.abc import Callable
from decimal import Decimal

from lxml import etree
from xsdata.formats.dataclass.parsers import XmlParser
from xsdata.formats.dataclass.parsers.handlers import LxmlEventHandler
from xsdata.models.datatype import XmlDateTime

import transcript
from transcript import (
    Course,
    Identifier,
    Organization,
    Student,
    Text,
    Transcript,
    TranscriptContext,
)
from transcript.model.xmlio import schema_path

SYMBOLS = ["A", "B+", "B", "C+", "C", "D+", "D", "F", "S", "W"]


def synthetic(courses: int) -> bytes:
    """A valid bilingual transcript with `courses` courses over 8-course semesters."""
    rows = []
    for i in range(courses):
        semester, year = (i // 8) % 2 + 1, 2560 + i // 16
        rows.append(
            transcript.grade_course(
                Course(
                    course_number=f"CS{i:04d}",
                    type_code=[Text(value="วิชาเฉพาะ", language_id="th")],
                    course_title=[
                        Text(value=f"วิชาการคำนวณขั้นสูงที่ {i}", language_id="th"),
                        Text(value=f"Advanced Computing {i}", language_id="en"),
                    ],
                    course_credit_value=Decimal(3),
                    course_academic_grade_text=SYMBOLS[i % len(SYMBOLS)],
                    semester_name=[Text(value=str(semester), language_id="th")],
                    year=year,
                ),
                transcript.THAI_8_LEVEL,
            )
        )
    model = Transcript(
        transcript_context=TranscriptContext(
            oid=transcript.TRANSCRIPT_OID,
            version="2.0",
            transcript_id="BENCH-1",
            name=[Text(value="ใบประมวลผลการศึกษา", language_id="th")],
            type_code="01",
            issue_date_time=XmlDateTime(2024, 6, 1, 9, 0, 0),
            language="TH",
            status="Incomplete",
        ),
        student=Student(
            data_subject_id=[Identifier(value="6300000001", scheme_id="StudentID")],
            given_name=[
                Text(value="สมชาย", language_id="th"),
                Text(value="Somchai", language_id="en"),
            ],
            family_name=[
                Text(value="ใจดี", language_id="th"),
                Text(value="Jaidee", language_id="en"),
            ],
        ),
        organization=Organization(
            organization_id="99001",
            organization_name=[
                Text(value="มหาวิทยาลัยสยามตัวอย่าง", language_id="th"),
                Text(value="Siam Example University", language_id="en"),
            ],
        ),
        course=rows,
        academic_summary=transcript.compute_summary(rows, transcript.THAI_8_LEVEL),
    )
    data = transcript.dump(model)
    assert transcript.validate(data).ok
    return data


def measure(operation: Callable[[], object], repeat: int) -> tuple[float, float]:
    operation()  # warm caches (compiled schema, parser configs)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        operation()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), min(times)


def peak_kib(operation: Callable[[], object]) -> float:
    tracemalloc.start()
    operation()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 1024


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--courses", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()

    data = synthetic(args.courses)
    model = transcript.load(data)
    schema = etree.XMLSchema(etree.parse(str(schema_path())))
    bare = XmlParser()  # xsdata's default handler
    bare_lxml = XmlParser(handler=LxmlEventHandler)

    cases: list[tuple[str, Callable[[], object]]] = [
        (
            "baseline: lxml fromstring + XMLSchema.validate",
            lambda: schema.validate(etree.fromstring(data)),
        ),
        ("baseline: bare xsdata from_bytes (no gate)", lambda: bare.from_bytes(data, Transcript)),
        (
            "baseline: bare xsdata, lxml handler (no gate)",
            lambda: bare_lxml.from_bytes(data, Transcript),
        ),
        ("transcript.load (gate + model)", lambda: transcript.load(data)),
        ("transcript.validate (gate + model + rules)", lambda: transcript.validate(data)),
        ("transcript.dump", lambda: transcript.dump(model)),
    ]
    print(f"transcript with {args.courses} courses: {len(data):,} bytes; {args.repeat} runs each")
    # Peak memory is the Python heap (tracemalloc); libxml2's own allocations are not seen.
    print(f"{'operation':50} {'median ms':>10} {'best ms':>9} {'py peak KiB':>12}")
    results = {}
    for name, operation in cases:
        median, best = measure(operation, args.repeat)
        results[name] = median
        print(f"{name:50} {median:10.2f} {best:9.2f} {peak_kib(operation):12.0f}")
    load_ms = results["transcript.load (gate + model)"]
    print()
    for key in (
        "baseline: bare xsdata from_bytes (no gate)",
        "baseline: bare xsdata, lxml handler (no gate)",
    ):
        print(f"load / {key.removeprefix('baseline: ')}: {load_ms / results[key]:.2f}x (goal <= 1.5x)")
    print(f"load: {1000 / load_ms:.0f} documents per second on one core")


if __name__ == "__main__":
    main()
