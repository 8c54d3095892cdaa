"""What a reader of the pages sees: GPAs where nothing counts, marks that leave the data legible
and read as one phrase, the summary never alone on a page, labels on their values' baselines,
names kept whole, the grading legend, the registrar's signature block, the address in the
edition's language and how to check the document. Real PDFs, read back by poppler and pdfium."""

from __future__ import annotations

import dataclasses
import io
import itertools
import re
import subprocess
from decimal import Decimal
from pathlib import Path

import pikepdf
import pytest

import transcript
from transcript.render import render_pdf, render_verified
from transcript.render.fonts import BOLD, register_fonts
from transcript.render.thai import break_lines
from transcript.rules.grades import GradeScale
from transcript.sign.xades import XmlSigner
from transcript.verify import verify
from transcript.verify.pages import check_pages
from transcript.verify.report import Status

from ..helpers import EXAMPLES, require_tool
from ..pkihelp import AttackPki

DASH = "\u2013"


def text_of(pdf: bytes, tmp_path: Path, *args: str) -> str:
    path = tmp_path / "read.pdf"
    path.write_bytes(pdf)
    tool = require_tool("pdftotext")
    return subprocess.run([tool, *args, str(path), "-"], capture_output=True, text=True, check=True).stdout


def pages_of(pdf: bytes, tmp_path: Path) -> list[str]:
    return text_of(pdf, tmp_path, "-raw").split("\f")


def example(name: str) -> transcript.Transcript:
    return transcript.load((EXAMPLES / f"{name}.xml").read_bytes())


def only_s_and_u(model: transcript.Transcript) -> transcript.Transcript:
    """Every grade S (credit, outside the GPA): nothing counts towards any GPA."""
    for course in model.course:
        course.course_academic_grade_text = "S"
        course.course_academic_grade = None
        course.course_point_earned = None
    for line in model.academic_summary.semester_summary:
        line.semester_credit_calculated = Decimal(0)
        line.semester_point_earned = Decimal(0)
        line.semester_gpa = line.semester_gpax = Decimal("0.00")
    summary = model.academic_summary
    summary.total_credit_calculated = Decimal(0)
    summary.total_gpax = Decimal("0.00")
    return model


# ------------------------------------------------------------------ 1. GPA where nothing counts


def test_a_semester_of_s_grades_prints_a_dash_not_zero(tmp_path: Path) -> None:
    """bachelor-honours: its summer session has only an S (nothing counted): GPA –, the
    cumulative GPAX goes on; other semesters print their numbers."""
    data = (EXAMPLES / "bachelor-honours.xml").read_bytes()
    assert b"<tc:SemesterCreditCalculated>0<" in data and b"<tc:SemesterGPA>0.00<" in data
    th = text_of(render_pdf(data, "th"), tmp_path, "-raw")
    en = text_of(render_pdf(data, "en"), tmp_path, "-raw")
    assert f"หน่วยกิตที่ลง 2 ได้ 2 GPA {DASH} GPAX 3.77" in th
    assert f"Credits attempted 2 earned 2 GPA {DASH} GPAX 3.77" in en
    assert "GPA 0.00" not in th and "GPA 0.00" not in en
    assert "GPA 3.78 GPAX 3.78" in th


def test_nothing_counted_at_all_dashes_the_gpax_and_the_pages_still_verify(tmp_path: Path) -> None:
    model = only_s_and_u(example("master-thesis"))
    xml = transcript.dump(model)
    assert b"<tc:TotalGPAX>0.00<" in xml  # the schema's value stays in the data
    for lang, label in (("th", "ค่าเฉลี่ยสะสม (GPAX)"), ("en", "Cumulative GPA (GPAX)")):
        pdf = render_pdf(xml, lang)
        text = text_of(pdf, tmp_path, "-raw")
        assert f"{label} {DASH}" in text and f"GPA {DASH} GPAX {DASH}" in text
        assert "0.00" not in text
        assert check_pages(pdf, model).status is Status.PASSED
    # A dash where the signed data counts credits is not the signed GPAX.
    genuine = example("master-thesis")
    assert genuine.academic_summary.total_gpax > 0
    assert check_pages(render_pdf(xml, "en"), genuine).status is Status.FAILED


# ---------------------------------------------------------------------------- 2. the marks


@pytest.mark.parametrize("lang", ["th", "en"])
def test_marks_read_as_one_phrase_each(lang: str, tmp_path: Path) -> None:
    model = example("master-thesis")
    (pdf,) = [render_pdf(transcript.dump(model), lang, demo=True)]
    for mode in ((), ("-raw",)):
        lines = [line.strip() for line in text_of(pdf, tmp_path, *mode).splitlines()]
        assert "NOT SIGNED / ไม่ได้ลงนาม" in lines, mode
        assert "DEMO – NOT AN OFFICIAL DOCUMENT / ตัวอย่าง ไม่ใช่เอกสารทางการ" in lines, mode
        # Diagonal text read a glyph at a time came out as lines of one letter (N, O, ไ, ...);
        # grades and dashes are one character too, but none of these.
        singles = {line for line in lines if len(line) == 1}
        assert not singles & set("NOGEMไมดลงนต"), "a mark read a letter at a time"
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        page = document[0]
        textpage = page.get_textpage()
        read = textpage.get_text_range().splitlines()
        textpage.close()
        page.close()
    finally:
        document.close()
    assert "NOT SIGNED / ไม่ได้ลงนาม" in [line.strip() for line in read]


def test_marks_are_translucent_and_the_grades_under_them_legible(tmp_path: Path) -> None:
    from PIL import Image

    pdf = render_pdf((EXAMPLES / "bachelor-honours.xml").read_bytes(), "en", demo=True)
    with pikepdf.open(io.BytesIO(pdf)) as document:
        states = document.pages[0].Resources.get("/ExtGState", {})
        alphas = [float(state.ca) for state in states.values() if "/ca" in state]
    assert alphas and all(0.1 <= a <= 0.3 for a in alphas), alphas
    path = tmp_path / "p.pdf"
    path.write_bytes(pdf)
    subprocess.run([require_tool("pdftoppm"), "-png", "-r", "50", "-f", "1", "-l", "1", str(path),
                    str(tmp_path / "page")], check=True)  # fmt: skip
    image = Image.open(next(tmp_path.glob("page*.png"))).convert("RGB")
    pixels = [image.getpixel((x, y)) for x in range(0, image.width, 2) for y in range(0, image.height, 2)]
    marked = [(r, g, b) for r, g, b in pixels if r > 200 and r - b > 40]  # the marks' reds and oranges
    assert len(marked) > 100  # the marks are there
    assert min(g for _, g, _ in marked) > 150, "a mark is opaque"


# ----------------------------------------------------------- 3. the summary never alone


@pytest.mark.parametrize("lang", ["th", "en"])
def test_the_summary_stays_with_the_last_semester(lang: str, tmp_path: Path) -> None:
    """bachelor-honours fills page 1: the last semester goes over with the summary, as do the
    registrar's block; a page never holds the summary alone."""
    pdf = render_pdf((EXAMPLES / "bachelor-honours.xml").read_bytes(), lang)
    pages = [p for p in pages_of(pdf, tmp_path) if p.strip()]
    assert len(pages) == 2
    summary, last = ("สรุปผลการศึกษา", "ภาคปลาย ปีการศึกษา 2566") if lang == "th" else (
        "Summary", "Second Semester, Academic Year 2023")  # fmt: skip
    holding = [p for p in pages if summary in p]
    assert len(holding) == 1 and last in holding[0] and "CPE402" in holding[0]
    for short in ("master-thesis", "transfer-su"):
        text = pages_of(render_pdf((EXAMPLES / f"{short}.xml").read_bytes(), lang), tmp_path)
        assert len([p for p in text if p.strip()]) == 1, short


# ---------------------------------------------------------- 4. baselines, rows and names


def origins(pdf: bytes, words: list[str]) -> dict[str, tuple[float, float]]:
    """Where the first character of each word's first occurrence on page 1 stands (its origin:
    x and baseline); for "before|word", of the word where it follows `before`."""
    import ctypes

    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    document = pdfium.PdfDocument(pdf)
    try:
        page = document[0]
        textpage = page.get_textpage()
        text = textpage.get_text_range()
        found = {}
        for word in words:
            before, _, after = word.rpartition("|")
            index = text.index(before + after) + len(before)
            x, y = ctypes.c_double(), ctypes.c_double()
            assert pdfium_c.FPDFText_GetCharOrigin(textpage.raw, index, ctypes.byref(x), ctypes.byref(y))
            found[word] = (x.value, y.value)
        textpage.close()
        page.close()
        return found
    finally:
        document.close()


def test_labels_sit_on_their_values_baselines(tmp_path: Path) -> None:
    pdf = render_pdf((EXAMPLES / "bachelor-honours.xml").read_bytes(), "en")
    pairs = [("Date of Birth", "14 March 2002"), ("Student No.", "6310500123"), ("Nationality", "Thai"),
             ("Status", "Graduated")]  # fmt: skip
    where = origins(pdf, [w for pair in pairs for w in pair])
    for label, value in pairs:
        assert abs(where[label][1] - where[value][1]) < 0.05, (label, value)
        assert where[label][0] < where[value][0]
    # The summary: a grey label beside a bold value.
    single = render_pdf((EXAMPLES / "master-thesis.xml").read_bytes(), "en")
    where = origins(single, ["Cumulative GPA (GPAX) ", "Cumulative GPA (GPAX) |3.61"])
    assert abs(where["Cumulative GPA (GPAX) "][1] - where["Cumulative GPA (GPAX) |3.61"][1]) < 0.05


def test_a_wrapped_value_leaves_no_blank_line_on_the_other_side(tmp_path: Path) -> None:
    """The degree (right) wraps to two lines beside the date of birth and the nationality
    (left): the left rows keep their own spacing."""
    pdf = render_pdf((EXAMPLES / "bachelor-honours.xml").read_bytes(), "th")
    where = origins(pdf, ["รหัสนักศึกษา", "วันเกิด", "สัญชาติ", "คณะ", "ปริญญา", "วันที่เข้าศึกษา", "วิชาโท"])
    left = [where[w][1] for w in ("รหัสนักศึกษา", "วันเกิด", "สัญชาติ", "คณะ")]
    steps = {round(a - b, 2) for a, b in itertools.pairwise(left)}
    assert len(steps) == 1, steps  # evenly spaced: no blank row
    right = [where[w][1] for w in ("วิชาโท", "ปริญญา", "วันที่เข้าศึกษา")]
    assert right[1] - right[2] > (right[0] - right[1]) * 1.5  # the wrapped degree takes two lines


def test_names_break_before_the_persons_name_not_inside_it(tmp_path: Path) -> None:
    register_fonts()
    advisor = "รองศาสตราจารย์ ดร.ประเสริฐ วงศ์ใหญ่"
    assert break_lines(advisor, BOLD, 9, 140, keep_together=True) == ["รองศาสตราจารย์ ดร.ประเสริฐ", "วงศ์ใหญ่"]
    assert break_lines(advisor, BOLD, 9, 140, keep_together=True, from_end=True) == [
        "รองศาสตราจารย์",
        "ดร.ประเสริฐ วงศ์ใหญ่",
    ]
    english = "Asst. Prof. Dr. Kanokwan Thongdee"
    assert break_lines(english, BOLD, 9, 100, from_end=True, keep_together=True, shaped=False) == [
        "Asst. Prof. Dr.",
        "Kanokwan Thongdee",
    ]
    text = text_of(render_pdf((EXAMPLES / "bachelor-honours.xml").read_bytes(), "th"), tmp_path, "-raw")
    assert "ดร.ประเสริฐ วงศ์ใหญ่" in text.splitlines()


# ------------------------------------------------------------ 5. legend and signature block


def test_the_legend_lists_the_scale_in_the_editions_language(tmp_path: Path) -> None:
    data = (EXAMPLES / "bachelor-honours.xml").read_bytes()
    th = re.sub(r"\s+", " ", text_of(render_pdf(data, "th"), tmp_path, "-raw"))
    en = re.sub(r"\s+", " ", text_of(render_pdf(data, "en"), tmp_path, "-raw"))
    assert "ระดับคะแนน: A = 4, B+ = 3.5, B = 3, C+ = 2.5, C = 2, D+ = 1.5, D = 1, F = 0" in th
    assert "S พอใจ" in th and "W ถอนรายวิชา" in th and "T เทียบโอน" in th
    assert "Grades: A = 4, B+ = 3.5, B = 3, C+ = 2.5, C = 2, D+ = 1.5, D = 1, F = 0" in en
    assert "S satisfactory" in en and "U unsatisfactory" in en and "I incomplete" in en
    # The institution's own scale, when the caller has it.
    own = GradeScale.from_mapping({"grades": {"A": 4, "B": 3, "F": 0, "S": {"credit": True}, "NR": {}}})
    text = re.sub(r"\s+", " ", text_of(render_pdf(data, "en", scale=own), tmp_path, "-raw"))
    expected = "Grades: A = 4, B = 3, F = 0; outside the GPA, with credit: S satisfactory; without credit: NR"
    assert expected in text
    # Without one, the built-in scale that fits the grades: minus grades mean the plus-minus scale.
    model = example("master-thesis")
    model.course[0].course_academic_grade_text = "A-"
    model.course[0].course_academic_grade = Decimal("3.67")
    text = re.sub(r"\s+", " ", text_of(render_pdf(transcript.dump(model), "en"), tmp_path, "-raw"))
    assert "A = 4, A- = 3.67, B+ = 3.33" in text


@pytest.fixture(scope="module")
def signed_report(tmp_path_factory):
    pki = AttackPki.create(tmp_path_factory.mktemp("reader-pki"))
    signed = XmlSigner(pki.identity()).sign((EXAMPLES / "master-thesis.xml").read_bytes())
    return verify(signed, pki.trust())


def test_the_signature_block_speaks_the_editions_language(signed_report, tmp_path: Path) -> None:
    assert signed_report.ok
    th = text_of(render_verified(signed_report, "th"), tmp_path, "-raw")
    en = text_of(render_verified(signed_report, "en"), tmp_path, "-raw")
    assert "ผู้รับรองเอกสาร ผู้ช่วยศาสตราจารย์ ดร.\nวิไลวรรณ ศรีสุข" in th or (
        "ผู้รับรองเอกสาร ผู้ช่วยศาสตราจารย์\nดร. วิไลวรรณ ศรีสุข" in th
    )  # the name kept whole, after the titles
    assert "นายทะเบียน มหาวิทยาลัยสยามตัวอย่าง" in th and "ลงลายมือชื่ออิเล็กทรอนิกส์ (XAdES)" in th
    assert "Registrar (TEST ONLY)" not in th  # the certificate's English name is not who signed
    assert "Certified by Asst. Prof. Dr. Wilaiwan Srisuk" in en
    assert "Registrar, Siam Example University" in en and "Signed electronically (XAdES) on" in en
    # With no registrar in the data, the certificate names the signer, labelled as such.
    assert signed_report.transcript is not None
    bare = dataclasses.replace(signed_report.transcript)
    bare.organization = dataclasses.replace(bare.organization, registrar=[])
    anonymous = dataclasses.replace(signed_report, transcript=bare)
    th = text_of(render_verified(anonymous, "th"), tmp_path, "-raw")
    assert "ใบรับรองที่ใช้ลงนาม(ชื่อทางเทคนิค):Registrar(TESTONLY)" in re.sub(r"\s+", "", th)


# --------------------------------------------------------------- 6. address and school level


def test_the_address_and_school_level_print_only_in_the_editions_language(tmp_path: Path) -> None:
    data = (EXAMPLES / "bachelor-honours.xml").read_bytes()
    th = pages_of(render_pdf(data, "th"), tmp_path)[0]
    en = pages_of(render_pdf(data, "en"), tmp_path)[0]
    assert "99 ถนนพหลโยธิน คลองหนึ่ง คลองหลวง ปทุมธานี 12120" in th and "อุดมศึกษา" in th
    assert "ถนน" not in en and "Higher Education" in en
    model = example("bachelor-honours")
    model.organization.school_level = [t for t in model.organization.school_level if t.language_id == "th"]
    model.organization.address.street_name = "99 Phahonyothin Road"
    for part in ("city_sub_division_name", "city_name", "country_sub_division_name"):
        setattr(model.organization.address, part, None)
    en = pages_of(render_pdf(transcript.dump(model), "en"), tmp_path)[0]
    assert "อุดมศึกษา" not in en and "Higher Education" not in en
    assert "99 Phahonyothin Road 12120" in en  # an address in Latin letters is the English reader's


# ---------------------------------------------------------------- 7. how to check the paper


def test_the_footer_gives_the_verification_page_or_plain_words(signed_report, tmp_path: Path) -> None:
    url = "https://verify.example.ac.th/"
    th = text_of(render_verified(signed_report, "th", verify_url=url), tmp_path, "-raw")
    en = text_of(render_verified(signed_report, "en", verify_url=url), tmp_path, "-raw")
    assert f"ตรวจสอบเอกสารนี้ได้ที่ {url} หรือสแกนคิวอาร์โค้ด" in th
    assert f"Verify at {url} or scan the QR code" in en
    plain = text_of(render_verified(signed_report, "en"), tmp_path, "-raw")
    assert "check the digital signature of its PDF file, or ask the registrar who issued it" in plain
    for text in (th, en, plain):
        assert "transcript verify" not in text and "--trust" not in text
