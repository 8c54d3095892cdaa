"""Build the example transcripts in this folder from fictitious data, through the public API.

    python examples/transcripts/build.py

Every person, number and institution here is invented. National IDs are made up but carry
a correct check digit. The three documents cover what a registrar issues most:

- bachelor-honours.xml: a bachelor's graduate with first-class honours and a summer term
  (Thai edition, Buddhist-era academic years, the common 8-level grade scale);
- master-thesis.xml: a master's student still studying, with a thesis in progress
  (English edition, common-era years, the scale with minus grades);
- transfer-su.xml: an international student with transferred credits and S, U, W, I and T
  grades, a passport number and a middle name (Thai edition).

The tests check that this script reproduces the committed files byte for byte.
"""

from __future__ import annotations

import random
import struct
import sys
import zlib
from decimal import Decimal
from pathlib import Path

from xsdata.models.datatype import XmlDateTime

import transcript as tc
from transcript import (
    AdditionalInformation,
    Address,
    CampusContext,
    Course,
    Identifier,
    InformationNote,
    Organization,
    ProgramContext,
    Registrar,
    Student,
    Text,
    Transcript,
    TranscriptContext,
)

HERE = Path(__file__).resolve().parent


def th_en(thai: str, english: str) -> list[Text]:
    return [Text(value=thai, language_id="th"), Text(value=english, language_id="en")]


def nidn(first_twelve: str) -> str:
    return first_twelve + str(tc.nidn_check_digit(first_twelve))


def date(text: str) -> XmlDateTime:
    return XmlDateTime.from_string(text)


def logo_png(size: int = 96) -> bytes:
    """A simple round crest (navy disc, gold ring, white centre), drawn pixel by pixel."""
    navy, gold, white, clear = (
        (0x1F, 0x2A, 0x5C, 255),
        (0xC8, 0x9B, 0x2C, 255),
        (255, 255, 255, 255),
        (0, 0, 0, 0),
    )
    centre = (size - 1) / 2
    rows = []
    for y in range(size):
        row = bytearray([0])  # filter type 0 for each scanline
        for x in range(size):
            r = ((x - centre) ** 2 + (y - centre) ** 2) ** 0.5 / (size / 2)
            colour = (
                clear if r > 1 else gold if r > 0.86 else navy if r > 0.38 else gold if r > 0.3 else white
            )
            row.extend(colour)
        rows.append(bytes(row))

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + chunk(b"IEND", b"")
    )


def organization() -> Organization:
    address = Address(
        street_name="99 ถนนพหลโยธิน",
        city_sub_division_name="คลองหนึ่ง",
        city_name="คลองหลวง",
        country_sub_division_name="ปทุมธานี",
        country_code="TH",
        postcode_code="12120",
    )
    return Organization(
        organization_id="99001",
        organization_name=th_en("มหาวิทยาลัยสยามตัวอย่าง", "Siam Example University"),
        school_level=th_en("อุดมศึกษา", "Higher Education"),
        logo=logo_png(),
        address=address,
        campus_context=CampusContext(
            campus_id="01", campus_name=th_en("วิทยาเขตรังสิต", "Rangsit Campus"), address=address
        ),
        registrar=[
            Registrar(
                id="R-0007",
                title=th_en("นายทะเบียน", "Registrar"),
                name_prefix=th_en("ผู้ช่วยศาสตราจารย์ ดร.", "Asst. Prof. Dr."),
                name=th_en("วิไลวรรณ ศรีสุข", "Wilaiwan Srisuk"),
                registrar_email_address="registrar@example.ac.th",
            )
        ],
    )


SEMESTERS = {
    "1": th_en("ภาคต้น", "First Semester"),
    "2": th_en("ภาคปลาย", "Second Semester"),
    "S": th_en("ภาคฤดูร้อน", "Summer Session"),
}
TWO_TERMS = th_en("ทวิภาค", "Two-semester system")


def courses_for(
    plan: list[tuple[int, str, list[tuple[str, str, str, str, str]]]], grades: list[str]
) -> list[Course]:
    """Courses from a study plan [(year, semester, [(code, th, en, credits, category)])]."""
    result = []
    symbols = iter(grades)
    for year, semester, rows in plan:
        for code, thai, english, credits, category in rows:
            category_th, category_en = category.split("|")
            result.append(
                Course(
                    course_number=code,
                    type_code=th_en(category_th, category_en),
                    course_title=th_en(thai, english),
                    course_credit_value=Decimal(credits),
                    course_academic_grade_text=next(symbols),
                    education_type_system=TWO_TERMS,
                    semester_name=SEMESTERS[semester],
                    year=year,
                )
            )
    return result


GEN = "หมวดวิชาศึกษาทั่วไป|General Education"
CORE = "หมวดวิชาเฉพาะ|Specialised Courses"
FREE = "หมวดวิชาเลือกเสรี|Free Electives"


def bachelor_honours() -> Transcript:
    plan = [
        (
            2563,
            "1",
            [
                ("GE101", "ภาษาไทยเพื่อการสื่อสาร", "Thai for Communication", "3", GEN),
                ("GE102", "ภาษาอังกฤษพื้นฐาน", "Foundation English", "3", GEN),
                ("CPE101", "การเขียนโปรแกรมคอมพิวเตอร์", "Computer Programming", "3", CORE),
                ("MA111", "แคลคูลัส 1", "Calculus I", "3", CORE),
                ("PH101", "ฟิสิกส์ทั่วไป 1", "General Physics I", "3", CORE),
                ("PH191", "ปฏิบัติการฟิสิกส์ 1", "General Physics Laboratory I", "1", CORE),
            ],
        ),
        (
            2563,
            "2",
            [
                ("GE103", "ภาษาอังกฤษเชิงวิชาการ", "Academic English", "3", GEN),
                ("CPE102", "โครงสร้างข้อมูลและขั้นตอนวิธี", "Data Structures and Algorithms", "3", CORE),
                ("MA112", "แคลคูลัส 2", "Calculus II", "3", CORE),
                ("CPE111", "วงจรดิจิทัล", "Digital Circuits", "3", CORE),
                ("GE120", "พลเมืองกับสังคมไทย", "Citizenship and Thai Society", "3", GEN),
            ],
        ),
        (
            2564,
            "1",
            [
                ("CPE201", "การออกแบบเชิงวัตถุ", "Object-Oriented Design", "3", CORE),
                ("CPE211", "สถาปัตยกรรมคอมพิวเตอร์", "Computer Architecture", "3", CORE),
                ("MA211", "คณิตศาสตร์ดิสครีต", "Discrete Mathematics", "3", CORE),
                ("ST201", "ความน่าจะเป็นและสถิติ", "Probability and Statistics", "3", CORE),
                ("GE130", "ศิลปะและวัฒนธรรมไทย", "Thai Arts and Culture", "3", GEN),
            ],
        ),
        (
            2564,
            "2",
            [
                ("CPE221", "ระบบปฏิบัติการ", "Operating Systems", "3", CORE),
                ("CPE231", "ระบบฐานข้อมูล", "Database Systems", "3", CORE),
                ("CPE241", "เครือข่ายคอมพิวเตอร์", "Computer Networks", "3", CORE),
                ("CPE251", "วิศวกรรมซอฟต์แวร์", "Software Engineering", "3", CORE),
                ("FE210", "การถ่ายภาพเบื้องต้น", "Introduction to Photography", "3", FREE),
            ],
        ),
        (
            2564,
            "S",
            [
                ("CPE290", "การฝึกงานภาคฤดูร้อน", "Summer Internship", "2", CORE),
            ],
        ),
        (
            2565,
            "1",
            [
                ("CPE301", "ปัญญาประดิษฐ์", "Artificial Intelligence", "3", CORE),
                ("CPE311", "การประมวลผลแบบขนาน", "Parallel Computing", "3", CORE),
                ("CPE321", "ความมั่นคงปลอดภัยของระบบคอมพิวเตอร์", "Computer Security", "3", CORE),
                ("CPE331", "คอมไพเลอร์", "Compiler Construction", "3", CORE),
                ("FE220", "ภาษาญี่ปุ่นเบื้องต้น", "Elementary Japanese", "3", FREE),
            ],
        ),
        (
            2565,
            "2",
            [
                ("CPE341", "การเรียนรู้ของเครื่อง", "Machine Learning", "3", CORE),
                (
                    "CPE351",
                    "การพัฒนาซอฟต์แวร์สำหรับอุปกรณ์เคลื่อนที่",
                    "Mobile Software Development",
                    "3",
                    CORE,
                ),
                ("CPE361", "ระบบฝังตัว", "Embedded Systems", "3", CORE),
                ("CPE391", "สัมมนาวิศวกรรมคอมพิวเตอร์", "Computer Engineering Seminar", "1", CORE),
            ],
        ),
        (
            2566,
            "1",
            [
                (
                    "CPE401",
                    "โครงงานวิศวกรรมคอมพิวเตอร์ 1",
                    "Computer Engineering Project I",
                    "3",
                    CORE,
                ),
                ("CPE411", "ระบบคลาวด์", "Cloud Computing", "3", CORE),
                ("CPE421", "การประมวลผลภาษาธรรมชาติ", "Natural Language Processing", "3", CORE),
            ],
        ),
        (
            2566,
            "2",
            [
                (
                    "CPE402",
                    "โครงงานวิศวกรรมคอมพิวเตอร์ 2",
                    "Computer Engineering Project II",
                    "3",
                    CORE,
                ),
                ("CPE431", "จริยธรรมวิชาชีพวิศวกรรม", "Engineering Professional Ethics", "3", CORE),
                ("CPE441", "การทดสอบซอฟต์แวร์", "Software Testing", "3", CORE),
            ],
        ),
    ]
    count = sum(len(rows) for _, _, rows in plan)
    rng = random.Random(2563)
    grades = [rng.choice(["A", "A", "A", "B+", "A", "B+", "B"]) for _ in range(count)]
    codes = [row[0] for _, _, rows in plan for row in rows]
    grades[codes.index("CPE290")] = "S"  # the summer internship is graded S/U
    student = Student(
        data_subject_id=[
            Identifier(value="6310500123", scheme_id="StudenID"),
            Identifier(value=nidn("110370012345"), scheme_id="NIDN"),
        ],
        name_prefix=th_en("นางสาว", "Miss"),
        given_name=th_en("สมหญิง", "Somying"),
        family_name=th_en("ใจดีมาก", "Jaidimak"),
        gender="2",
        birth_date=date("2002-03-14T00:00:00"),
        nationality="TH",
        resident_country_or_territory_code="TH",
        date_of_admission=date("2020-07-01T00:00:00"),
        faculty_name=th_en("คณะวิศวกรรมศาสตร์", "Faculty of Engineering"),
        program_context=ProgramContext(
            program_id="25630011100456",
            program_name=th_en(
                "หลักสูตรวิศวกรรมศาสตรบัณฑิต สาขาวิชาวิศวกรรมคอมพิวเตอร์",
                "Bachelor of Engineering Program in Computer Engineering",
            ),
            major=th_en("วิศวกรรมคอมพิวเตอร์", "Computer Engineering"),
            degree=th_en(
                "วิศวกรรมศาสตรบัณฑิต (วิศวกรรมคอมพิวเตอร์)",
                "Bachelor of Engineering (Computer Engineering)",
            ),
        ),
        date_of_graduation=date("2024-05-31T00:00:00"),
        credits_tranferred=Decimal(0),
        previous_certificate=th_en("มัธยมศึกษาตอนปลาย", "Upper Secondary School Certificate"),
        previous_organization=th_en("โรงเรียนสาธิตตัวอย่าง", "Example Demonstration School"),
    )
    return assemble(
        "SEU-2567-000123",
        "TH",
        "Complete",
        "2024-06-15T10:30:00+07:00",
        student,
        courses_for(plan, grades),
        tc.THAI_8_LEVEL,
        AdditionalInformation(
            hons=th_en("เกียรตินิยมอันดับ 1", "First Class Honours"),
            infomation_note=[
                InformationNote(
                    subject=Text(value="อาจารย์ที่ปรึกษา", language_id="th"),
                    content=Text(value="รองศาสตราจารย์ ดร.ประเสริฐ วงศ์ใหญ่", language_id="th"),
                ),
                InformationNote(
                    subject=Text(value="Academic Advisor", language_id="en"),
                    content=Text(value="Assoc. Prof. Dr. Prasert Wongyai", language_id="en"),
                ),
            ],
        ),
    )


def master_thesis() -> Transcript:
    plan = [
        (
            2023,
            "1",
            [
                ("DS501", "วิทยาการข้อมูลขั้นสูง", "Advanced Data Science", "3", CORE),
                (
                    "DS511",
                    "การวิเคราะห์ทางสถิติสำหรับข้อมูลขนาดใหญ่",
                    "Statistical Analysis for Big Data",
                    "3",
                    CORE,
                ),
                ("DS521", "ระบบฐานข้อมูลแบบกระจาย", "Distributed Database Systems", "3", CORE),
            ],
        ),
        (
            2023,
            "2",
            [
                ("DS531", "การเรียนรู้เชิงลึก", "Deep Learning", "3", CORE),
                ("DS541", "การแสดงผลข้อมูลด้วยภาพ", "Data Visualisation", "3", CORE),
                ("DS591", "สัมมนาวิทยาการข้อมูล 1", "Data Science Seminar I", "1", CORE),
            ],
        ),
        (
            2024,
            "1",
            [
                ("DS551", "การประมวลผลภาษาไทยด้วยคอมพิวเตอร์", "Thai Language Processing", "3", CORE),
                ("DS592", "สัมมนาวิทยาการข้อมูล 2", "Data Science Seminar II", "1", CORE),
                ("DS699", "วิทยานิพนธ์", "Thesis", "6", CORE),
            ],
        ),
    ]
    grades = ["A", "B+", "A-", "B", "A", "S", "A-", "S", "I"]
    student = Student(
        data_subject_id=[
            Identifier(value="6620300045", scheme_id="StudenID"),
            Identifier(value=nidn("350990045123"), scheme_id="NIDN"),
        ],
        name_prefix=th_en("นาย", "Mr."),
        given_name=th_en("ธนวัฒน์", "Thanawat"),
        family_name=th_en("รุ่งเรืองศรี", "Rungruangsri"),
        gender="1",
        birth_date=date("1998-11-02T00:00:00"),
        nationality="TH",
        resident_country_or_territory_code="TH",
        date_of_admission=date("2023-06-12T00:00:00"),
        faculty_name=th_en("คณะวิทยาศาสตร์", "Faculty of Science"),
        program_context=ProgramContext(
            program_id="25650021200789",
            program_name=th_en(
                "หลักสูตรวิทยาศาสตรมหาบัณฑิต สาขาวิชาวิทยาการข้อมูล",
                "Master of Science Program in Data Science",
            ),
            major=th_en("วิทยาการข้อมูล", "Data Science"),
            degree=th_en("วิทยาศาสตรมหาบัณฑิต (วิทยาการข้อมูล)", "Master of Science (Data Science)"),
        ),
        credits_tranferred=Decimal(0),
        previous_certificate=th_en("วิทยาศาสตรบัณฑิต (สถิติ)", "Bachelor of Science (Statistics)"),
        previous_hons=th_en("เกียรตินิยมอันดับ 2", "Second Class Honours"),
        previous_organization=th_en("มหาวิทยาลัยสยามตัวอย่าง", "Siam Example University"),
    )
    return assemble(
        "SEU-2024-004501",
        "EN",
        "Incomplete",
        "2024-12-20T09:00:00+07:00",
        student,
        courses_for(plan, grades),
        tc.THAI_PLUS_MINUS,
        AdditionalInformation(
            thesis_title=th_en(
                "การจำแนกอารมณ์จากข้อความภาษาไทยบนสื่อสังคมออนไลน์ด้วยแบบจำลองภาษาขนาดใหญ่",
                "Emotion Classification of Thai Social Media Text with Large Language Models",
            ),
            infomation_note=[
                InformationNote(
                    subject=Text(value="Thesis Advisor", language_id="en"),
                    content=Text(value="Asst. Prof. Dr. Kanokwan Thongdee", language_id="en"),
                ),
            ],
        ),
    )


def transfer_su() -> Transcript:
    plan = [
        (
            2565,
            "1",
            [
                ("TR001", "ภาษาอังกฤษพื้นฐาน (เทียบโอน)", "Foundation English (transferred)", "3", GEN),
                ("TR002", "คณิตศาสตร์ธุรกิจ (เทียบโอน)", "Business Mathematics (transferred)", "3", GEN),
                (
                    "TR003",
                    "หลักการตลาด (เทียบโอน)",
                    "Principles of Marketing (transferred)",
                    "3",
                    CORE,
                ),
                ("BA101", "หลักการจัดการ", "Principles of Management", "3", CORE),
                ("BA111", "การบัญชีขั้นต้น", "Fundamental Accounting", "3", CORE),
                ("TH101", "ภาษาไทยสำหรับชาวต่างชาติ", "Thai for Foreigners", "3", GEN),
                ("PE101", "พลศึกษา: ว่ายน้ำ", "Physical Education: Swimming", "1", GEN),
            ],
        ),
        (
            2565,
            "2",
            [
                ("BA121", "เศรษฐศาสตร์จุลภาค", "Microeconomics", "3", CORE),
                ("BA131", "กฎหมายธุรกิจ", "Business Law", "3", CORE),
                ("BA141", "สถิติธุรกิจ", "Business Statistics", "3", CORE),
                ("TH102", "ภาษาไทยสำหรับชาวต่างชาติ 2", "Thai for Foreigners II", "3", GEN),
                ("AC100", "กิจกรรมเสริมหลักสูตร", "Co-curricular Activities", "0", GEN),
            ],
        ),
        (
            2566,
            "1",
            [
                ("BA201", "การจัดการการเงิน", "Financial Management", "3", CORE),
                ("BA211", "พฤติกรรมองค์การ", "Organisational Behaviour", "3", CORE),
                ("BA221", "การจัดการโซ่อุปทาน", "Supply Chain Management", "3", CORE),
                ("BA141", "สถิติธุรกิจ", "Business Statistics", "3", CORE),
            ],
        ),
        (
            2566,
            "2",
            [
                ("BA231", "การตลาดดิจิทัล", "Digital Marketing", "3", CORE),
                ("BA241", "การเป็นผู้ประกอบการ", "Entrepreneurship", "3", CORE),
                ("BA251", "การบริหารทรัพยากรมนุษย์", "Human Resource Management", "3", CORE),
            ],
        ),
    ]
    grades = [
        "T",
        "T",
        "T",
        "B+",
        "C+",
        "S",
        "U",
        "B",
        "W",
        "F",
        "B",
        "S",
        "A",
        "B+",
        "C",
        "C+",  # BA141 retaken after the F
        "I",
        "B",
        "A",
    ]
    student = Student(
        data_subject_id=[
            Identifier(value="6540100987", scheme_id="StudenID"),
            Identifier(value="P4471298", scheme_id="CCPT"),
        ],
        name_prefix=th_en("นาย", "Mr."),
        given_name=th_en("จอห์น", "John"),
        middle_name=th_en("ไมเคิล", "Michael"),
        family_name=th_en("สมิธ", "Smith"),
        gender="1",
        birth_date=date("2000-08-21T00:00:00"),
        nationality="AU",
        resident_country_or_territory_code="TH",
        date_of_admission=date("2022-06-20T00:00:00"),
        faculty_name=th_en("คณะบริหารธุรกิจ", "Faculty of Business Administration"),
        program_context=ProgramContext(
            program_id="25620031300222",
            program_name=th_en(
                "หลักสูตรบริหารธุรกิจบัณฑิต (หลักสูตรนานาชาติ)",
                "Bachelor of Business Administration Program (International Program)",
            ),
            major=th_en("การจัดการ", "Management"),
            minor=th_en("การตลาด", "Marketing"),
            degree=th_en("บริหารธุรกิจบัณฑิต", "Bachelor of Business Administration"),
        ),
        credits_tranferred=Decimal(9),
        previous_certificate=th_en("อนุปริญญาบริหารธุรกิจ", "Associate Degree in Business"),
        previous_organization=th_en("วิทยาลัยชุมชนเมลเบิร์นตัวอย่าง", "Example Melbourne Community College"),
    )
    return assemble(
        "SEU-2567-000777",
        "TH",
        "Incomplete",
        "2024-06-03T14:05:00+07:00",
        student,
        courses_for(plan, grades),
        tc.THAI_8_LEVEL,
        AdditionalInformation(
            infomation_note=[
                InformationNote(
                    subject=Text(value="หมายเหตุ", language_id="th"),
                    content=Text(
                        value="เทียบโอนหน่วยกิต 9 หน่วยกิตจากวิทยาลัยชุมชนเมลเบิร์นตัวอย่าง",
                        language_id="th",
                    ),
                ),
                InformationNote(
                    subject=Text(value="Note", language_id="en"),
                    content=Text(
                        value="9 credits transferred from Example Melbourne Community College",
                        language_id="en",
                    ),
                ),
            ]
        ),
    )


def assemble(
    document_id: str,
    language: str,
    status: str,
    issued: str,
    student: Student,
    courses: list[Course],
    scale: tc.GradeScale,
    additional: AdditionalInformation,
) -> Transcript:
    graded = [tc.grade_course(course, scale) for course in courses]
    return Transcript(
        transcript_context=TranscriptContext(
            oid=tc.TRANSCRIPT_OID,
            version="2.0",
            transcript_id=document_id,
            name=th_en("ใบประมวลผลการศึกษา", "Academic Transcript"),
            type_code="01",
            issue_date_time=date(issued),
            language=language,
            status=status,
        ),
        student=student,
        organization=organization(),
        course=graded,
        academic_summary=tc.compute_summary(graded, scale),
        additional_information=additional,
    )


EXAMPLES = {
    "bachelor-honours.xml": bachelor_honours,
    "master-thesis.xml": master_thesis,
    "transfer-su.xml": transfer_su,
}


def build() -> dict[str, bytes]:
    return {name: tc.dump(make()) for name, make in EXAMPLES.items()}


def main() -> int:
    for name, data in build().items():
        result = tc.validate(data)
        if not result.ok:
            print(result.format(name), file=sys.stderr)
            return 1
        (HERE / name).write_bytes(data)
        print(f"wrote {name} ({len(data):,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
