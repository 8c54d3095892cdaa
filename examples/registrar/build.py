"""Build the fictitious registrar export in this folder, and the same data as a flat SQL export.

    python examples/registrar/build.py

Writes, from one seeded description of 45 invented students of three programmes:

- examples/registrar/: institution.toml, logo.png, students.csv (UTF-8) and
  enrollments.csv (TIS-620, as older Thai registrar systems write it): the canonical layout;
- examples/registrar-flat/: institution.toml, logo.png and export.csv: one row per course
  attempt with the student's columns repeated, semicolons, Buddhist-era dd/mm/yyyy dates,
  summer as semester 3 and Thai words for pass/fail (the `sql-flat` profile).

Both convert to identical transcripts. Every person and number is invented; national IDs
carry a correct check digit. The tests check that this script reproduces the files.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import random
import sys
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import transcript as tc

HERE = Path(__file__).resolve().parent
FLAT = HERE.parent / "registrar-flat"

GIVEN_MALE = [
    ("สมชาย", "Somchai"), ("ธนากร", "Thanakorn"), ("ณัฐพล", "Nattapon"), ("กิตติพงษ์", "Kittipong"),
    ("วรวุฒิ", "Worawut"), ("ภานุวัฒน์", "Panuwat"), ("ศุภชัย", "Supachai"), ("อภิชาติ", "Apichart"),
    ("ปิยะพงษ์", "Piyapong"), ("จักรพันธ์", "Jakkapan"), ("ชยพล", "Chayapol"), ("ธีรภัทร", "Teerapat"),
    ("พีรพัฒน์", "Peerapat"), ("สุรเชษฐ์", "Surachet"), ("ฐิติพงศ์", "Thitipong"),
]  # fmt: skip
GIVEN_FEMALE = [
    ("สุภาพร", "Supaporn"), ("กมลชนก", "Kamonchanok"), ("ณัฐธิดา", "Natthida"),
    ("พิมพ์ชนก", "Pimchanok"),
    ("ศิริพร", "Siriporn"), ("วรรณวิสา", "Wanwisa"), ("ปาริชาติ", "Parichat"), ("ชนิดา", "Chanida"),
    ("อรอุมา", "On-uma"), ("ธิดารัตน์", "Thidarat"), ("จิราพร", "Jiraporn"), ("กัญญาณัฐ", "Kanyanat"),
    ("รัตนาภรณ์", "Rattanaporn"), ("น้ำฝน", "Namfon"), ("เบญจมาศ", "Benjamas"),
]  # fmt: skip
FAMILY = [
    ("ศรีสวัสดิ์", "Srisawat"), ("วงศ์สุวรรณ", "Wongsuwan"), ("ทองมา", "Thongma"),
    ("แก้วประเสริฐ", "Kaewprasert"), ("บุญมี", "Boonmee"), ("จันทร์เพ็ญ", "Chanpen"),
    ("สุขสมบูรณ์", "Suksomboon"), ("รัตนพันธ์", "Rattanapan"), ("พรหมมา", "Promma"),
    ("เจริญสุข", "Charoensuk"), ("ฝั่งชลจิตร", "Fangchonlachit"), ("มณีรัตน์", "Maneerat"),
    ("ปัญญาดี", "Panyadee"), ("อินทร์แก้ว", "Inkaew"), ("ชัยมงคล", "Chaimongkol"),
    ("ธรรมรักษ์", "Thammarak"), ("ปู่ทอง", "Puthong"), ("ญาณวุฒิ", "Yanawut"),
]  # fmt: skip

GE = "หมวดวิชาศึกษาทั่วไป|General Education"
CORE = "หมวดวิชาเฉพาะ|Specialised Courses"
FREE = "หมวดวิชาเลือกเสรี|Free Electives"

GENERAL = [
    ("GE101", "ภาษาไทยเพื่อการสื่อสาร", "Thai for Communication", 3),
    ("GE102", "ภาษาอังกฤษพื้นฐาน", "Foundation English", 3),
    ("GE103", "ภาษาอังกฤษเชิงวิชาการ", "Academic English", 3),
    ("GE120", "พลเมืองกับสังคมไทย", "Citizenship and Thai Society", 3),
    ("GE130", "น้ำ ป่า และสิ่งแวดล้อม", "Water, Forests and the Environment", 3),
    ("GE140", "ผู้ประกอบการยุคดิจิทัล", "Digital Entrepreneurship", 3),
]


@dataclass(frozen=True)
class Programme:
    code: str
    prefix: str  # student number prefix
    faculty: tuple[str, str]
    name: tuple[str, str]
    major: tuple[str, str]
    degree: tuple[str, str]
    courses: list[tuple[str, str, str, int]]
    seminar: tuple[str, str, str, int]
    internship: tuple[str, str, str, int]


PROGRAMMES = [
    Programme(
        "25630011100456",
        "63101",
        ("คณะวิศวกรรมศาสตร์", "Faculty of Engineering"),
        (
            "หลักสูตรวิศวกรรมศาสตรบัณฑิต สาขาวิชาวิศวกรรมคอมพิวเตอร์",
            "Bachelor of Engineering Program in Computer Engineering",
        ),
        ("วิศวกรรมคอมพิวเตอร์", "Computer Engineering"),
        ("วิศวกรรมศาสตรบัณฑิต (วิศวกรรมคอมพิวเตอร์)", "Bachelor of Engineering (Computer Engineering)"),
        [
            ("CPE101", "การเขียนโปรแกรมคอมพิวเตอร์", "Computer Programming", 3),
            ("MA111", "แคลคูลัส 1", "Calculus I", 3),
            ("PH101", "ฟิสิกส์ทั่วไป 1", "General Physics I", 3),
            ("CPE102", "โครงสร้างข้อมูลและขั้นตอนวิธี", "Data Structures and Algorithms", 3),
            ("MA112", "แคลคูลัส 2", "Calculus II", 3),
            ("CPE111", "วงจรดิจิทัล", "Digital Circuits", 3),
            ("CPE201", "การออกแบบเชิงวัตถุ", "Object-Oriented Design", 3),
            ("CPE211", "สถาปัตยกรรมคอมพิวเตอร์", "Computer Architecture", 3),
            ("MA211", "คณิตศาสตร์ดิสครีต", "Discrete Mathematics", 3),
            ("CPE221", "ระบบปฏิบัติการ", "Operating Systems", 3),
            ("CPE231", "ระบบฐานข้อมูล", "Database Systems", 3),
            ("CPE241", "เครือข่ายคอมพิวเตอร์", "Computer Networks", 3),
            ("CPE251", "วิศวกรรมซอฟต์แวร์", "Software Engineering", 3),
            ("CPE301", "ปัญญาประดิษฐ์", "Artificial Intelligence", 3),
            ("CPE311", "การประมวลผลแบบขนาน", "Parallel Computing", 3),
            ("CPE321", "ความมั่นคงปลอดภัยของระบบคอมพิวเตอร์", "Computer Security", 3),
            ("CPE331", "คอมไพเลอร์", "Compiler Construction", 3),
            ("CPE341", "การเรียนรู้ของเครื่อง", "Machine Learning", 3),
            ("CPE361", "ระบบฝังตัว", "Embedded Systems", 3),
            ("CPE401", "โครงงานวิศวกรรมคอมพิวเตอร์ 1", "Computer Engineering Project I", 3),
            ("CPE411", "ระบบคลาวด์", "Cloud Computing", 3),
            ("CPE402", "โครงงานวิศวกรรมคอมพิวเตอร์ 2", "Computer Engineering Project II", 3),
        ],
        ("CPE391", "สัมมนาวิศวกรรมคอมพิวเตอร์", "Computer Engineering Seminar", 1),
        ("CPE290", "การฝึกงานภาคฤดูร้อน", "Summer Internship", 2),
    ),
    Programme(
        "25640021200789",
        "63201",
        ("คณะวิทยาศาสตร์", "Faculty of Science"),
        ("หลักสูตรวิทยาศาสตรบัณฑิต สาขาวิชาวิทยาการข้อมูล", "Bachelor of Science Program in Data Science"),
        ("วิทยาการข้อมูล", "Data Science"),
        ("วิทยาศาสตรบัณฑิต (วิทยาการข้อมูล)", "Bachelor of Science (Data Science)"),
        [
            ("DS101", "หลักการวิทยาการข้อมูล", "Principles of Data Science", 3),
            ("MA121", "พีชคณิตเชิงเส้น", "Linear Algebra", 3),
            ("ST101", "สถิติเบื้องต้น", "Introductory Statistics", 3),
            ("DS102", "การเขียนโปรแกรมภาษาไพทอน", "Python Programming", 3),
            ("ST102", "ความน่าจะเป็น", "Probability", 3),
            ("DS111", "การจัดการข้อมูล", "Data Wrangling", 3),
            ("DS201", "การแสดงผลข้อมูลด้วยภาพ", "Data Visualisation", 3),
            ("ST201", "การวิเคราะห์การถดถอย", "Regression Analysis", 3),
            ("DS211", "ระบบฐานข้อมูลสำหรับวิทยาการข้อมูล", "Databases for Data Science", 3),
            ("DS221", "การทำเหมืองข้อมูล", "Data Mining", 3),
            ("ST211", "การออกแบบการทดลอง", "Design of Experiments", 3),
            ("DS231", "ข้อมูลขนาดใหญ่", "Big Data Systems", 3),
            ("DS241", "การเรียนรู้ของเครื่องเบื้องต้น", "Introduction to Machine Learning", 3),
            ("DS301", "การเรียนรู้เชิงลึก", "Deep Learning", 3),
            ("DS311", "การประมวลผลภาษาธรรมชาติ", "Natural Language Processing", 3),
            ("DS321", "อนุกรมเวลา", "Time Series Analysis", 3),
            ("DS331", "จริยธรรมข้อมูลและความเป็นส่วนตัว", "Data Ethics and Privacy", 3),
            ("DS341", "การวิเคราะห์ข้อมูลเชิงธุรกิจ", "Business Analytics", 3),
            ("DS351", "วิทยาการข้อมูลเชิงพื้นที่", "Spatial Data Science", 3),
            ("DS401", "โครงงานวิทยาการข้อมูล 1", "Data Science Project I", 3),
            ("DS411", "ระบบแนะนำ", "Recommender Systems", 3),
            ("DS402", "โครงงานวิทยาการข้อมูล 2", "Data Science Project II", 3),
        ],
        ("DS391", "สัมมนาวิทยาการข้อมูล", "Data Science Seminar", 1),
        ("DS290", "การฝึกงานภาคฤดูร้อน", "Summer Internship", 2),
    ),
    Programme(
        "25620031300222",
        "63301",
        ("คณะบริหารธุรกิจ", "Faculty of Business Administration"),
        (
            "หลักสูตรบริหารธุรกิจบัณฑิต สาขาวิชาการจัดการ",
            "Bachelor of Business Administration Program in Management",
        ),
        ("การจัดการ", "Management"),
        ("บริหารธุรกิจบัณฑิต (การจัดการ)", "Bachelor of Business Administration (Management)"),
        [
            ("BA101", "หลักการจัดการ", "Principles of Management", 3),
            ("BA111", "การบัญชีขั้นต้น", "Fundamental Accounting", 3),
            ("BA121", "เศรษฐศาสตร์จุลภาค", "Microeconomics", 3),
            ("BA102", "หลักการตลาด", "Principles of Marketing", 3),
            ("BA122", "เศรษฐศาสตร์มหภาค", "Macroeconomics", 3),
            ("BA131", "กฎหมายธุรกิจ", "Business Law", 3),
            ("BA141", "สถิติธุรกิจ", "Business Statistics", 3),
            ("BA201", "การจัดการการเงิน", "Financial Management", 3),
            ("BA211", "พฤติกรรมองค์การ", "Organisational Behaviour", 3),
            ("BA221", "การจัดการโซ่อุปทาน", "Supply Chain Management", 3),
            ("BA231", "การตลาดดิจิทัล", "Digital Marketing", 3),
            ("BA241", "การเป็นผู้ประกอบการ", "Entrepreneurship", 3),
            ("BA251", "การบริหารทรัพยากรมนุษย์", "Human Resource Management", 3),
            ("BA301", "การจัดการเชิงกลยุทธ์", "Strategic Management", 3),
            ("BA311", "การจัดการการปฏิบัติการ", "Operations Management", 3),
            ("BA321", "ธุรกิจระหว่างประเทศ", "International Business", 3),
            ("BA331", "การจัดการนวัตกรรม", "Innovation Management", 3),
            ("BA341", "จริยธรรมทางธุรกิจ", "Business Ethics", 3),
            ("BA351", "การวิจัยธุรกิจ", "Business Research Methods", 3),
            ("BA401", "การจัดการโครงการ", "Project Management", 3),
            ("BA411", "การเจรจาต่อรองทางธุรกิจ", "Business Negotiation", 3),
            ("BA402", "สัมมนาการจัดการ", "Seminar in Management", 3),
        ],
        ("BA391", "สัมมนาผู้ประกอบการ", "Entrepreneurship Seminar", 1),
        ("BA290", "การฝึกงานภาคฤดูร้อน", "Summer Internship", 2),
    ),
]

FREE_ELECTIVES = [
    ("FE210", "การถ่ายภาพเบื้องต้น", "Introduction to Photography", 3),
    ("FE220", "ภาษาญี่ปุ่นเบื้องต้น", "Elementary Japanese", 3),
]

SCALE = tc.THAI_8_LEVEL
# A Thai bachelor's degree is awarded with a GPAX of 2.00 or more (the Ministry's criteria for
# undergraduate programmes); a weaker student is still studying, with no graduation date.
MIN_GPAX_TO_GRADUATE = Decimal("2.00")
GRADE_LADDER = ["F", "D", "D+", "C", "C+", "B", "B+", "A"]


@dataclass
class Attempt:
    year: int  # Buddhist era
    semester: str  # 1, 2 or S
    course: tuple[str, str, str, int]
    category: str
    grade: str


@dataclass
class StudentRecord:
    number: str
    nidn: str
    passport: str
    prefix: tuple[str, str]
    given: tuple[str, str]
    middle: tuple[str, str]
    family: tuple[str, str]
    gender: str
    birth: tuple[int, int, int]  # CE
    nationality: str
    admitted: tuple[int, int, int]
    graduated: tuple[int, int, int] | None
    programme: Programme
    transferred: int
    advisor: tuple[str, str]
    attempts: list[Attempt] = field(default_factory=list)
    honours: tuple[str, str] = ("", "")
    gpax: str = ""


def nidn(rng: random.Random) -> str:
    first = str(rng.choice([1, 3])) + "".join(str(rng.randrange(10)) for _ in range(11))
    return first + str(tc.nidn_check_digit(first))


def grade_for(rng: random.Random, ability: float) -> str:
    score = ability + rng.gauss(0, 0.55)
    index = max(0, min(len(GRADE_LADDER) - 1, round((score - 0.5) * 2)))
    return GRADE_LADDER[index]


def plan_semesters(first_year: int, count: int) -> list[tuple[int, str]]:
    terms = []
    for i in range(count):
        terms.append((first_year + i // 2, "1" if i % 2 == 0 else "2"))
    return terms


def make_students() -> list[StudentRecord]:
    rng = random.Random(25630)
    students = []
    advisors = [
        ("รองศาสตราจารย์ ดร.ประเสริฐ วงศ์ใหญ่", "Assoc. Prof. Dr. Prasert Wongyai"),
        ("ผู้ช่วยศาสตราจารย์ ดร.กนกวรรณ ทองดี", "Asst. Prof. Dr. Kanokwan Thongdee"),
        ("อาจารย์ ดร.ภูมิพัฒน์ ฐานะวงศ์", "Dr. Phumiphat Thanawong"),
    ]
    for p_index, programme in enumerate(PROGRAMMES):
        for k in range(15):
            serial = p_index * 15 + k
            studying = k >= 11  # four of each programme are still studying
            transfer = k in (3, 12)
            first_year = 2564 if studying else 2563
            female = rng.random() < 0.55
            given = rng.choice(GIVEN_FEMALE if female else GIVEN_MALE)
            family = FAMILY[(serial * 7 + p_index) % len(FAMILY)]
            ability = rng.uniform(1.6, 3.95)
            if k == 0:
                ability = 3.9  # a first-class honours graduate in every programme
            number = f"{first_year % 100}{programme.prefix[2:]}{k + 1:04d}"
            foreign = serial == 20
            record = StudentRecord(
                number=number,
                nidn="" if foreign else nidn(rng),
                passport="PA" + str(rng.randrange(10**6, 10**7)) if foreign else "",
                prefix=("นางสาว", "Miss") if female else ("นาย", "Mr."),
                given=("แอนนา", "Anna") if foreign else given,
                middle=("มาเรีย", "Maria") if foreign else ("", ""),
                family=("ชมิดท์", "Schmidt") if foreign else family,
                gender="2" if female or foreign else "1",
                birth=(first_year - 543 - 18, rng.randint(1, 12), rng.randint(1, 28)),
                nationality="DE" if foreign else "TH",
                admitted=(first_year - 543, 6, 15 + (p_index % 3)),
                graduated=None if studying else (2024, 5, 31),
                programme=programme,
                transferred=0,
                advisor=advisors[p_index],
            )
            if foreign:
                record.prefix = ("นางสาว", "Ms.")
            _enrol(record, rng, ability, studying, transfer)
            students.append(record)
    return students


def _enrol(record: StudentRecord, rng: random.Random, ability: float, studying: bool, transfer: bool) -> None:
    programme = record.programme
    terms = plan_semesters(2564 if studying else 2563, 6 if studying else 8)
    core = list(programme.courses)
    general = list(GENERAL)
    queue: list[tuple[tuple[str, str, str, int], str]] = []
    for i in range(len(terms) * 4):
        if i % 3 == 0 and general:
            queue.append((general.pop(0), GE))
        elif core:
            queue.append((core.pop(0), CORE))
        elif general:
            queue.append((general.pop(0), GE))
    retake: tuple[tuple[str, str, str, int], str] | None = None
    for t, (year, semester) in enumerate(terms):
        load = queue[t * 4 : t * 4 + 4]
        if t == 3:
            load.append((FREE_ELECTIVES[len(record.number) % 2], FREE))
        if retake is not None:
            load.append(retake)
            retake = None
        for course, category in load:
            if transfer and t == 0 and category == GE:
                grade = "T"
            elif rng.random() < 0.03:
                grade = "W"
            else:
                grade = grade_for(rng, ability)
            if studying and t == len(terms) - 1 and course == load[-1][0] and not transfer:
                grade = "I"  # a project still in progress at the end of the last term
            record.attempts.append(Attempt(year, semester, course, category, grade))
            if grade == "F" and retake is None:
                retake = (course, category)
        if t == 5:
            record.attempts.append(
                Attempt(year, semester, programme.seminar, CORE, "U" if rng.random() < 0.12 else "S")
            )
        if t == 3:
            record.attempts.append(Attempt(year, "S", programme.internship, CORE, "S"))
    record.transferred = sum(a.course[3] for a in record.attempts if a.grade == "T")
    courses = [to_course(a) for a in record.attempts]
    summary = tc.compute_summary(courses, SCALE)
    record.gpax = str(summary.total_gpax)
    if summary.total_gpax < MIN_GPAX_TO_GRADUATE:
        record.graduated = None  # eight semesters done, but not enough to graduate: still studying
    failed = any(a.grade in ("F", "U") for a in record.attempts)
    if record.graduated and not failed:
        if summary.total_gpax >= Decimal("3.60"):
            record.honours = ("เกียรตินิยมอันดับ 1", "First Class Honours")
        elif summary.total_gpax >= Decimal("3.25"):
            record.honours = ("เกียรตินิยมอันดับ 2", "Second Class Honours")


def to_course(attempt: Attempt) -> tc.Course:
    code, thai, english, credits = attempt.course
    return tc.Course(
        course_number=code,
        course_title=[
            tc.Text(value=thai, language_id="th"),
            tc.Text(value=english, language_id="en"),
        ],
        course_credit_value=Decimal(credits),
        course_academic_grade_text=attempt.grade,
        semester_name=[tc.Text(value=attempt.semester)],
        year=attempt.year,
    )


# ------------------------------------------------------------------------ writing

STUDENT_COLUMNS = [
    "student_id", "national_id", "passport", "prefix_th", "given_name_th", "middle_name_th",
    "family_name_th", "prefix_en", "given_name_en", "middle_name_en", "family_name_en", "gender",
    "birth_date", "nationality", "resident_country", "admission_date", "graduation_date",
    "faculty_th", "faculty_en", "program_id", "program_th", "program_en", "major_th", "major_en",
    "degree_th", "degree_en", "honours_th", "honours_en", "credits_transferred",
    "previous_certificate_th", "previous_certificate_en", "previous_organization_th",
    "previous_organization_en", "notes_th", "notes_en", "gpax",
]  # fmt: skip
ENROLLMENT_COLUMNS = [
    "student_id", "year", "semester", "course_code", "title_th", "title_en", "category_th",
    "category_en", "credits", "grade",
]  # fmt: skip


def student_values(s: StudentRecord, dates: str) -> dict[str, str]:
    def day(value: tuple[int, int, int] | None) -> str:
        if value is None:
            return ""
        y, m, d = value
        return f"{y:04d}-{m:02d}-{d:02d}" if dates == "iso" else f"{d:02d}/{m:02d}/{y + 543}"

    p = s.programme
    return {
        "student_id": s.number,
        "national_id": s.nidn,
        "passport": s.passport,
        "prefix_th": s.prefix[0],
        "given_name_th": s.given[0],
        "middle_name_th": s.middle[0],
        "family_name_th": s.family[0],
        "prefix_en": s.prefix[1],
        "given_name_en": s.given[1],
        "middle_name_en": s.middle[1],
        "family_name_en": s.family[1],
        "gender": s.gender,
        "birth_date": day(s.birth),
        "nationality": s.nationality,
        "resident_country": "TH",
        "admission_date": day(s.admitted),
        "graduation_date": day(s.graduated),
        "faculty_th": p.faculty[0],
        "faculty_en": p.faculty[1],
        "program_id": p.code,
        "program_th": p.name[0],
        "program_en": p.name[1],
        "major_th": p.major[0],
        "major_en": p.major[1],
        "degree_th": p.degree[0],
        "degree_en": p.degree[1],
        "honours_th": s.honours[0],
        "honours_en": s.honours[1],
        "credits_transferred": str(s.transferred),
        "previous_certificate_th": "อนุปริญญา" if s.transferred else "มัธยมศึกษาตอนปลาย",
        "previous_certificate_en": "Associate Degree"
        if s.transferred
        else "Upper Secondary School Certificate",
        "previous_organization_th": "วิทยาลัยชุมชนตัวอย่าง" if s.transferred else "โรงเรียนสาธิตตัวอย่าง",
        "previous_organization_en": "Example Community College"
        if s.transferred
        else "Example Demonstration School",
        "notes_th": f"อาจารย์ที่ปรึกษา: {s.advisor[0]}",
        "notes_en": f"Academic Advisor: {s.advisor[1]}",
        "gpax": s.gpax,
    }


def enrollment_values(s: StudentRecord, a: Attempt, flat: bool) -> dict[str, str]:
    code, thai, english, credits = a.course
    category_th, category_en = a.category.split("|")
    grade = {"S": "ผ่าน", "U": "ไม่ผ่าน"}.get(a.grade, a.grade) if flat else a.grade
    semester = {"S": "3"}.get(a.semester, a.semester) if flat else a.semester
    return {
        "student_id": s.number,
        "year": str(a.year),
        "semester": semester,
        "course_code": code,
        "title_th": thai,
        "title_en": english,
        "category_th": category_th,
        "category_en": category_en,
        "credits": str(credits),
        "grade": grade,
    }


def csv_text(header: list[str], rows: list[list[str]], delimiter: str = ",") -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def logo_png() -> bytes:
    spec = importlib.util.spec_from_file_location(
        "transcripts_build", HERE.parent / "transcripts" / "build.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.logo_png()


INSTITUTION = """\
# Fictitious institution used by the examples. See converters/README.md for every key.
[organization]
id = "99001"
name = { th = "มหาวิทยาลัยสยามตัวอย่าง", en = "Siam Example University" }
school_level = { th = "อุดมศึกษา", en = "Higher Education" }
logo = "logo.png"

[organization.address]
street_name = "99 ถนนพหลโยธิน"
city_sub_division_name = "คลองหนึ่ง"
city_name = "คลองหลวง"
country_sub_division_name = "ปทุมธานี"
country_code = "TH"
postcode_code = "12120"

[campus]
id = "01"
name = { th = "วิทยาเขตรังสิต", en = "Rangsit Campus" }

[[registrar]]
id = "R-0007"
title = { th = "นายทะเบียน", en = "Registrar" }
prefix = { th = "ผู้ช่วยศาสตราจารย์ ดร.", en = "Asst. Prof. Dr." }
name = { th = "วิไลวรรณ ศรีสุข", en = "Wilaiwan Srisuk" }
email = "registrar@example.ac.th"

[grading]
scale = "thai-8-level"
rounding = "truncate"

[transcript]
name = { th = "ใบประมวลผลการศึกษา", en = "Academic Transcript" }
type_code = "01"
language = "TH"
education_system = "two-semester"
academic_year_era = "BE"
id_format = "{organization_id}-{student_id}-{issued:%Y%m%d}"
# Where `transcript status publish` writes are served: recorded in every signed PDF, so that
# `transcript verify --fetch` checks that a transcript still stands (docs/status.md).
# status_url = "https://registrar.example.ac.th/transcripts/status.jwt"
# The verification site (`transcript serve` behind it): the QR code on every page opens this
# document's page there, with its number and the SHA-256 of the signed file.
# verify_url = "https://verify.example.ac.th/"
"""

FLAT_COLUMNS_PROFILE = "sql-flat"


def build() -> dict[Path, bytes]:
    """Every file of both exports, by path."""
    students = make_students()
    logo = logo_png()
    files: dict[Path, bytes] = {}
    for folder in (HERE, FLAT):
        files[folder / "institution.toml"] = INSTITUTION.encode("utf-8")
        files[folder / "logo.png"] = logo
    files[HERE / "students.csv"] = csv_text(
        STUDENT_COLUMNS, [[student_values(s, "iso")[c] for c in STUDENT_COLUMNS] for s in students]
    ).encode("utf-8")
    files[HERE / "enrollments.csv"] = csv_text(
        ENROLLMENT_COLUMNS,
        [
            [enrollment_values(s, a, flat=False)[c] for c in ENROLLMENT_COLUMNS]
            for s in students
            for a in s.attempts
        ],
    ).encode("tis-620")

    from converters import load_profile

    columns = load_profile(FLAT_COLUMNS_PROFILE).columns
    canonical = STUDENT_COLUMNS + ENROLLMENT_COLUMNS[1:]
    header = [columns.get(c, c) for c in canonical]
    rows = []
    for s in students:
        values = student_values(s, "be")
        values["gender"] = {"1": "ช", "2": "ญ"}[values["gender"]]
        for a in s.attempts:
            merged = {**values, **enrollment_values(s, a, flat=True)}
            rows.append([merged[c] for c in canonical])
    files[FLAT / "export.csv"] = b"\xef\xbb\xbf" + csv_text(header, rows, ";").encode("utf-8")
    return files


def main() -> int:
    for path, data in build().items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        print(f"wrote {path.relative_to(HERE.parent.parent)} ({len(data):,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
