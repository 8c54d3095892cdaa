"""Property: any schema-valid transcript survives dump -> load unchanged."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from xsdata.models.datatype import XmlDateTime

import transcript
from transcript import (
    AcademicSummary,
    AdditionalInformation,
    Address,
    CampusContext,
    Course,
    Identifier,
    InformationNote,
    Organization,
    ProgramContext,
    Registrar,
    SemesterSummary,
    Student,
    Text,
    Transcript,
    TranscriptContext,
)

# Any printable character, Thai included; no control characters (not allowed in XML 1.0
# or normalised by parsers, as CR is).
chars = st.characters(blacklist_categories=("Cs", "Cc"))
strings = st.text(chars, min_size=1, max_size=30)
codes = st.from_regex(r"[0-9A-Za-zก-ฮ][0-9A-Za-zก-ฮ.\-/]{0,12}( [0-9A-Za-z]{1,5})?", fullmatch=True)
languages = st.sampled_from([None, "th", "en", "TH", "EN"])
texts = st.builds(Text, value=strings, language_id=languages)
some_texts = st.lists(texts, min_size=1, max_size=3)
maybe_texts = st.lists(texts, max_size=2)
amounts = st.decimals(min_value=0, max_value=999, places=2, allow_nan=False, allow_infinity=False)
years = st.integers(min_value=1900, max_value=2800)
countries = st.from_regex(r"[A-Z]{2}", fullmatch=True)
zones = st.sampled_from([None, dt.timezone.utc, dt.timezone(dt.timedelta(hours=7))])
moments = st.builds(
    lambda when, zone: XmlDateTime.from_datetime(when.replace(tzinfo=zone)),
    st.datetimes(min_value=dt.datetime(1950, 1, 1), max_value=dt.datetime(2100, 1, 1)),
    zones,
)
addresses = st.builds(
    Address,
    street_name=st.none() | strings,
    city_sub_division_name=st.none() | strings,
    city_name=st.none() | strings,
    country_sub_division_name=st.none() | strings,
    country_code=st.none() | countries,
    postcode_code=st.none() | codes,
)
courses = st.builds(
    Course,
    course_number=codes,
    type_code=maybe_texts,
    course_title=some_texts,
    course_credit_value=amounts,
    course_credit_earned=st.none() | amounts,
    course_academic_grade=st.none() | amounts,
    course_academic_grade_text=codes,
    course_point_earned=st.none() | amounts,
    education_type_system=maybe_texts,
    semester_name=some_texts,
    year=years,
)
semesters = st.builds(
    SemesterSummary,
    education_type_system=maybe_texts,
    semester_name=some_texts,
    year=years,
    semester_credit_value=amounts,
    semester_credit_earned=amounts,
    semester_credit_calculated=amounts,
    semester_point_earned=amounts,
    semester_gpa=amounts,
    semester_gpax=amounts,
    semester_status=maybe_texts,
    remark=maybe_texts,
)
transcripts = st.builds(
    Transcript,
    transcript_context=st.builds(
        TranscriptContext,
        oid=st.just(transcript.TRANSCRIPT_OID),
        version=st.just("2.0"),
        transcript_id=codes,
        name=some_texts,
        type_code=codes,
        issue_date_time=moments,
        language=st.sampled_from(["TH", "EN", "th"]),
        status=st.sampled_from(["Complete", "Incomplete"]),
    ),
    student=st.builds(
        Student,
        data_subject_id=st.lists(
            st.builds(Identifier, value=codes, scheme_id=st.sampled_from(["StudenID", "NIDN", "CCPT"])),
            min_size=1,
            max_size=3,
        ),
        name_prefix=maybe_texts,
        given_name=some_texts,
        middle_name=maybe_texts,
        family_name=some_texts,
        gender=st.none() | st.sampled_from(["0", "1", "2", "9"]),
        birth_date=st.none() | moments,
        nationality=st.none() | countries,
        resident_country_or_territory_code=st.none() | countries,
        date_of_admission=st.none() | moments,
        faculty_name=maybe_texts,
        program_context=st.none()
        | st.builds(
            ProgramContext,
            program_id=st.none() | codes,
            program_name=maybe_texts,
            major=maybe_texts,
            minor=maybe_texts,
            degree=maybe_texts,
        ),
        date_of_graduation=st.none() | moments,
        credits_tranferred=st.none() | amounts,
        previous_certificate=maybe_texts,
        previous_hons=maybe_texts,
        previous_organization=maybe_texts,
    ),
    organization=st.builds(
        Organization,
        organization_id=codes,
        organization_name=some_texts,
        school_level=maybe_texts,
        logo=st.none() | st.binary(min_size=1, max_size=40),
        address=st.none() | addresses,
        campus_context=st.none()
        | st.builds(
            CampusContext,
            campus_id=st.none() | codes,
            campus_name=maybe_texts,
            address=st.none() | addresses,
        ),
        registrar=st.lists(
            st.builds(
                Registrar,
                id=st.none() | codes,
                title=maybe_texts,
                name_prefix=maybe_texts,
                name=some_texts,
                registrar_email_address=st.none()
                | st.from_regex(r"[a-z]{1,8}@[a-z]{1,8}\.ac\.th", fullmatch=True),
            ),
            max_size=2,
        ),
    ),
    course=st.lists(courses, max_size=6),
    academic_summary=st.none()
    | st.builds(
        AcademicSummary,
        semester_summary=st.lists(semesters, max_size=3),
        total_credit_value=amounts,
        total_credit_earned=amounts,
        total_credit_calculated=amounts,
        total_point_earned=amounts,
        total_gpax=amounts,
    ),
    additional_information=st.none()
    | st.builds(
        AdditionalInformation,
        hons=maybe_texts,
        thesis_title=maybe_texts,
        infomation_note=st.lists(st.builds(InformationNote, subject=texts, content=texts), max_size=2),
    ),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(transcripts)
def test_dump_then_load_gives_the_same_transcript(original: Transcript) -> None:
    data = transcript.dump(original)
    assert transcript.load(data) == original
    assert transcript.dump(transcript.load(data)) == data


def test_decimal_places_survive() -> None:
    """1.50 credits stay 1.50 on the wire (equal values, and the same text)."""
    course = Course(
        course_number="X",
        course_title=[Text(value="t")],
        course_credit_value=Decimal("1.50"),
        course_academic_grade_text="A",
        semester_name=[Text(value="1")],
        year=2020,
    )
    model = Transcript(
        transcript_context=TranscriptContext(
            oid=transcript.TRANSCRIPT_OID,
            version="2.0",
            transcript_id="1",
            name=[Text(value="n")],
            type_code="01",
            issue_date_time=XmlDateTime(2020, 1, 1, 0, 0, 0),
            language="TH",
            status="Incomplete",
        ),
        student=Student(
            data_subject_id=[Identifier(value="1", scheme_id="StudentID")],
            given_name=[Text(value="g")],
            family_name=[Text(value="f")],
        ),
        organization=Organization(organization_id="1", organization_name=[Text(value="o")]),
        course=[course],
    )
    data = transcript.dump(model)
    assert b"<tc:CourseCreditValue>1.50</tc:CourseCreditValue>" in data
    assert transcript.load(data).course[0].course_credit_value.as_tuple() == Decimal("1.50").as_tuple()
