"""The PDF: Thai and English text that reads back exactly, embedded fonts, QR, watermarks, trust."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import io
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from lxml import etree

import transcript
from transcript.render import RenderError, render_pdf
from transcript.render.thai import break_lines, long_date, words
from transcript.sign.xades import XmlSigner

from ..helpers import EXAMPLES, require_tool
from ..pkihelp import AttackPki

SCRIPT = Path(sys.executable).parent / "transcript"
BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
TRICKY = "ผู้ ที่ ปู่ น้ำ ฝั่ง ญ ฐ ปั้น กุ้ง ฎีกา ญี่ปุ่น ซ้ำ ต่ำ คำ ฤๅษี"


def pdftotext(pdf: bytes, tmp_path: Path, *args: str) -> str:
    tool = require_tool("pdftotext")
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        [tool, "-raw", *args, str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def texts_of(xml: bytes, language: str, tags: set[str]) -> list[str]:
    root = etree.fromstring(xml)
    return [
        e.text.strip()
        for e in root.iter()
        if isinstance(e.tag, str)
        and etree.QName(e).localname in tags
        and (e.get("languageID") or "").lower() == language
    ]


PRINTED = {
    "CourseTitle", "OrganizationName", "GivenName", "FamilyName", "FacultyName", "ProgramName", "Major",
    "Degree", "Hons", "SemesterName", "SchoolLevel", "ThesisTitle",
}  # fmt: skip


@pytest.fixture(scope="module")
def pdfs() -> dict[tuple[str, str], bytes]:
    return {
        (path.stem, lang): render_pdf(path.read_bytes(), lang)
        for path in sorted(EXAMPLES.glob("*.xml"))
        for lang in ("th", "en")
    }


@pytest.mark.parametrize("lang", ["th", "en"])
def test_every_printed_text_reads_back_exactly(pdfs, lang: str, tmp_path: Path) -> None:
    for (stem, edition), pdf in pdfs.items():
        if edition != lang:
            continue
        text = pdftotext(pdf, tmp_path)
        assert not any(0xE000 <= ord(c) <= 0xF8FF for c in text), f"{stem}: private-use characters extracted"
        flat = squeeze(text)
        xml = (EXAMPLES / f"{stem}.xml").read_bytes()
        for expected in texts_of(xml, lang, PRINTED):
            assert squeeze(expected) in flat, f"{stem}.{lang}: {expected!r} does not read back"


@pytest.mark.parametrize("with_logo", [True, False])
def test_masthead_shows_logo_institution_and_document(with_logo: bool, tmp_path: Path) -> None:
    pdfimages = require_tool("pdfimages")
    model = transcript.load((EXAMPLES / "master-thesis.xml").read_bytes())
    if not with_logo:
        model.organization.logo = None
    pdf = render_pdf(transcript.dump(model), "th")
    (tmp_path / "t.pdf").write_bytes(pdf)
    listed = subprocess.run([pdfimages, "-list", str(tmp_path / "t.pdf")], capture_output=True, text=True)
    images = [line.split() for line in listed.stdout.splitlines()[2:]]
    # The logo once on page 1, with its transparency as a soft mask; nothing else is a picture.
    assert [(i[0], i[2]) for i in images] == ([("1", "image"), ("1", "smask")] if with_logo else [])
    head = pdftotext(pdf, tmp_path, "-l", "1").split("ชื่อ-สกุล")[0]
    for expected in ("มหาวิทยาลัยสยามตัวอย่าง", "ใบประมวลผลการศึกษา", "เลขที่เอกสาร: SEU-2024-004501"):
        assert expected in head, expected


def test_a_logo_is_decoded_once_and_drawn_alike_in_every_document(tmp_path: Path) -> None:
    """PNG logos are decoded once and shared (documents drawn at once in threads included);
    a JPEG goes into the PDF as it is, never shared."""
    import io
    from concurrent.futures import ThreadPoolExecutor

    from PIL import Image

    from transcript.render import blocks

    model = transcript.load((EXAMPLES / "master-thesis.xml").read_bytes())
    png = transcript.dump(model)
    expected = render_pdf(png, "en")
    blocks._decoded.cache_clear()
    with ThreadPoolExecutor(max_workers=4) as pool:
        assert list(pool.map(lambda _: render_pdf(png, "en"), range(8))) == [expected] * 8
    assert blocks._decoded.cache_info().currsize == 1
    jpeg = io.BytesIO()
    Image.open(io.BytesIO(model.organization.logo)).convert("RGB").save(jpeg, "JPEG")
    model.organization.logo = jpeg.getvalue()
    assert blocks._decoded(model.organization.logo) is None
    (tmp_path / "j.pdf").write_bytes(render_pdf(transcript.dump(model), "en"))
    listed = subprocess.run(
        [require_tool("pdfimages"), "-list", str(tmp_path / "j.pdf")], capture_output=True, text=True
    )
    images = [line.split() for line in listed.stdout.splitlines()[2:]]
    assert [(i[2], i[8]) for i in images] == [("image", "jpeg")]


def test_tricky_thai_reads_back(tmp_path: Path) -> None:
    """Tone marks over upper vowels, SARA AM with and without tone, descender-less ญ and ฐ."""
    data = (EXAMPLES / "master-thesis.xml").read_bytes()
    model = transcript.load(data)
    model.course[0].course_title[0].value = TRICKY
    text = pdftotext(render_pdf(transcript.dump(model), "th"), tmp_path)
    assert TRICKY in text or squeeze(TRICKY) in squeeze(text)


def test_headings_totals_and_dates(pdfs, tmp_path: Path) -> None:
    th = pdftotext(pdfs[("bachelor-honours", "th")], tmp_path)
    en = pdftotext(pdfs[("bachelor-honours", "en")], tmp_path)
    for expected in ("ใบประมวลผลการศึกษา", "ภาคต้น ปีการศึกษา 2563", "ภาคฤดูร้อน ปีการศึกษา 2564",
                     "สรุปผลการศึกษา", "3.77", "เกียรตินิยมอันดับ 1", "14 มีนาคม 2545", "หน้า 1 จาก 2",
                     "SEU-2567-000123"):  # fmt: skip
        assert expected in th, expected
    for expected in ("Academic Transcript", "First Semester, Academic Year 2020",
                     "Summer Session, Academic Year 2021", "First Class Honours", "14 March 2002",
                     "Page 2 of 2", "Cumulative GPA (GPAX)"):  # fmt: skip
        assert expected in en, expected


def test_fonts_are_embedded(pdfs, tmp_path: Path) -> None:
    tool = require_tool("pdffonts")
    for (stem, lang), pdf in pdfs.items():
        path = tmp_path / f"{stem}.{lang}.pdf"
        path.write_bytes(pdf)
        lines = subprocess.run(
            [tool, str(path)], capture_output=True, text=True, check=True
        ).stdout.splitlines()[2:]
        assert lines, stem
        for line in lines:
            assert "Sarabun" in line and " yes yes yes " in line, line


def test_qr_carries_document_id_and_digest(tmp_path: Path) -> None:
    zbarimg = require_tool("zbarimg")
    pdftoppm = require_tool("pdftoppm")
    data = (EXAMPLES / "transfer-su.xml").read_bytes()
    (tmp_path / "t.pdf").write_bytes(render_pdf(data, "en"))
    page = [pdftoppm, "-png", "-r", "200", "-f", "1", "-l", "1"]
    subprocess.run([*page, str(tmp_path / "t.pdf"), str(tmp_path / "p")], check=True)
    image = next(tmp_path.glob("p*.png"))
    decoded = subprocess.run(
        [zbarimg, "-q", "--raw", str(image)], capture_output=True, text=True
    ).stdout.strip()
    assert decoded == f"TRANSCRIPT:SEU-2567-000777\nSHA-256:{hashlib.sha256(data).hexdigest()}"


def test_same_input_same_bytes() -> None:
    data = (EXAMPLES / "master-thesis.xml").read_bytes()
    assert render_pdf(data, "th") == render_pdf(data, "th")


def test_remembered_text_operators_are_the_ones_reportlab_writes(monkeypatch) -> None:
    """Shaped lines drawn from the operator cache give the bytes drawing them afresh gives."""
    from transcript.render import blocks

    jobs = [(path.read_bytes(), lang) for path in sorted(EXAMPLES.glob("*.xml")) for lang in ("th", "en")]
    warm = [render_pdf(data, lang) for data, lang in jobs * 2][len(jobs) :]  # second round: from cache
    assert blocks._operators
    monkeypatch.setattr(blocks, "_OPERATORS_LIMIT", 0)
    blocks._operators.clear()
    fresh = [render_pdf(data, lang) for data, lang in jobs]
    assert not blocks._operators
    assert fresh == warm


def test_lines_with_a_no_break_space_or_a_missing_glyph_draw_as_reportlab_draws_them(monkeypatch) -> None:
    """The operator cache keys lines by their characters' codes; a no-break space (drawn as a
    space) and a character the font lacks (drawn as .notdef) have none of their own."""
    from transcript.render import blocks

    data = (EXAMPLES / "master-thesis.xml").read_bytes()
    root = etree.fromstring(data)
    titles = [e for e in root.iter() if isinstance(e.tag, str) and etree.QName(e).localname == "CourseTitle"]
    titles[0].text = "Data\u00a0Structures \u2603 and ข้อมูล\u00a0ชุด"
    titles[1].text = "Data Structures \u2603 and ข้อมูล ชุด"
    changed = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    warm = [render_pdf(changed, lang) for lang in ("th", "en") * 2][2:]
    monkeypatch.setattr(blocks, "_OPERATORS_LIMIT", 0)
    blocks._operators.clear()
    assert [render_pdf(changed, lang) for lang in ("th", "en")] == warm


def test_remembered_font_subsets_are_the_ones_reportlab_makes() -> None:
    """Font programs are remembered by their exact codes."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFontFile

    from transcript.render import fonts

    fonts.register_fonts()
    for name in (fonts.REGULAR, fonts.BOLD):
        face = pdfmetrics.getFont(name).face
        for subset in ([0] * 32 + list(range(32, 128)), [0, 0x0E01, 0x0E49, 0x0E33, 65], [0, 0x2603]):
            assert face.makeSubset(subset) == TTFontFile.makeSubset(face, subset)
            assert face.makeSubset(list(subset)) == face.makeSubset(subset)  # again, remembered


def test_editions_with_the_same_characters_embed_the_same_font_programs(tmp_path: Path) -> None:
    """Two students' English editions (names in Latin letters) embed identical subsets,
    which is what makes remembering them worth it."""
    import pikepdf

    def programs(pdf: bytes) -> list[bytes]:
        with pikepdf.open(io.BytesIO(pdf)) as doc:
            return sorted(
                o.read_bytes() for o in doc.objects if isinstance(o, pikepdf.Stream) and "/Length1" in o
            )

    data = (EXAMPLES / "master-thesis.xml").read_bytes()
    other = data.replace(b">Thanawat<", b">Wanida<")
    assert other != data
    assert programs(render_pdf(data, "en")) == programs(render_pdf(other, "en"))


def test_threads_rendering_at_once_give_what_one_thread_gives() -> None:
    """Paragraphs are shared between documents; never between threads drawing at once."""
    from concurrent.futures import ThreadPoolExecutor

    jobs = [(path.read_bytes(), lang) for path in sorted(EXAMPLES.glob("*.xml")) for lang in ("th", "en")]
    expected = [render_pdf(data, lang) for data, lang in jobs]
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda job: render_pdf(*job), jobs * 4))
    assert results == expected * 4


def test_unsigned_gets_the_not_signed_watermark(pdfs, tmp_path: Path) -> None:
    text = pdftotext(pdfs[("master-thesis", "en")], tmp_path)
    assert "NOTSIGNED/ไม่ได้ลงนาม" in squeeze(text) and "not digitally signed" in text


def test_long_transcript_flows_over_pages(tmp_path: Path) -> None:
    sys.path.insert(0, str(BENCHMARKS))
    try:
        from xmlio import synthetic
    finally:
        sys.path.remove(str(BENCHMARKS))
    data = synthetic(200)
    pdf = render_pdf(data, "th")
    text = pdftotext(pdf, tmp_path)
    pages = text.split("\f")
    assert len([p for p in pages if p.strip()]) >= 3
    count = len([p for p in pages if p.strip()])
    assert f"หน้า {count} จาก {count}" in text
    for number in range(200):
        assert f"CS{number:04d}" in text
    for page in pages[1:]:
        if not page.strip():
            continue
        # Every page repeats the student and the column headers; no heading is left alone at a page end.
        assert "สมชาย" in page and "รหัสวิชา" in page
        body = [line for line in page.splitlines() if line.strip() and "หน้า" not in line]
        before_footer = [line for line in body if not line.startswith(("เอกสารนี้", "มหาวิทยาลัย"))]
        assert not before_footer[-1].startswith("รหัสวิชา ชื่อวิชา"), "a heading without courses ends a page"


def test_semester_longer_than_a_column_splits_with_its_heading(tmp_path: Path) -> None:
    """130 courses in one semester: every course once, heading and labels on every part."""
    model = transcript.load((EXAMPLES / "bachelor-honours.xml").read_bytes())
    first = model.course[0]
    model.course = [dataclasses.replace(first, course_number=f"BIG{n:03d}") for n in range(130)]
    text = pdftotext(render_pdf(transcript.dump(model), "th"), tmp_path)
    for number in range(130):
        assert text.count(f"BIG{number:03d} ") == 1, number
    columns = re.split(r"ภาคต้น ปีการศึกษา 2563", text)[1:]
    assert len(columns) >= 3  # the heading starts every column the semester reaches
    for part in columns:
        assert part.lstrip().startswith("รหัสวิชา ชื่อวิชา หน่วยกิต เกรด")
        assert re.search(r"\nBIG\d{3} ", part), "a part without a course"


def test_a_course_title_longer_than_a_column_flows_on(tmp_path: Path) -> None:
    model = transcript.load((EXAMPLES / "master-thesis.xml").read_bytes())
    model.course[0].course_title[0].value = " ".join(f"หัวข้อ{n}" for n in range(900))
    text = pdftotext(render_pdf(transcript.dump(model), "th"), tmp_path)
    assert all(f"หัวข้อ{n}" in text for n in range(900))
    assert text.count("ภาคต้น ปีการศึกษา 2566") >= 3  # the semester's heading on every part


def test_a_tall_row_splits_between_lines_and_never_leaves_the_totals_alone() -> None:
    from reportlab.lib import colors

    from transcript.render.blocks import Cell, Grid, Padding, Row, TextStyle

    style = TextStyle("Sarabun", 8, 10, colors.black)
    heading, totals = Row((Cell(("heading",)),), style), Row((Cell(("totals",)),), style)
    tall = Row((Cell(("code",)), Cell(tuple(f"line {n}" for n in range(30)))), style)  # 301.2 points
    grid = Grid([heading, tall, totals], [50, 100], Padding(2, 0.6, 0.6), repeat=1, closing=True)
    first, rest = grid.split(150, 11.2 + 101.2 + 5)  # room for the heading and ten lines
    assert first.rows[1].cells[1].lines == tuple(f"line {n}" for n in range(10))
    assert rest.rows[0] == heading and rest.rows[-1] == totals
    assert rest.rows[1].cells[1].lines == tuple(f"line {n}" for n in range(10, 30))
    first, rest = grid.split(150, 11.2 + 301.2 + 5)  # the whole row fits, the totals do not
    assert first.rows[1].cells[1].lines[-1] == "line 28"
    assert rest.rows[1:] == [Row((Cell(("",)), Cell(("line 29",))), style), totals]
    short = Grid([heading, Row((Cell(("a",)),), style)], [150], Padding(2, 0.6, 0.6), repeat=1)
    assert short.split(150, 15) == []  # short rows move whole


def test_content_taller_than_a_page_is_refused_in_words() -> None:
    model = transcript.load((EXAMPLES / "master-thesis.xml").read_bytes())
    model.organization.organization_name[0].value = "มหาวิทยาลัยสยามตัวอย่าง " * 400
    with pytest.raises(RenderError, match="cannot be laid out on A4 pages"):
        render_pdf(transcript.dump(model), "th")


def test_a_split_grid_repeats_its_headings_and_keeps_totals_with_a_row() -> None:
    from reportlab.lib import colors

    from transcript.render.blocks import Cell, Grid, Padding, Row, TextStyle

    style = TextStyle("Sarabun", 8, 10, colors.black)
    heading, labels, totals = (Row((Cell((name,)),), style) for name in ("heading", "labels", "totals"))
    courses = [Row((Cell((f"course {n}",)),), style) for n in range(3)]
    grid = Grid([heading, labels, *courses, totals], [100], Padding(2, 0.6, 0.6), repeat=2, closing=True)
    row = 11.2  # 10 points of leading and the padding
    assert grid.split(100, 200) == [grid]  # fits whole
    first, rest = grid.split(100, 5 * row + 1)  # room for every course but not the totals
    assert first.rows == [heading, labels, *courses[:2]]
    assert rest.rows == [heading, labels, courses[2], totals]
    assert grid.split(100, 2 * row + 1) == []  # not one course fits: the grid moves on whole
    plain = Grid([heading, *courses], [100], Padding(2, 0.6, 0.6), repeat=1)
    first, rest = plain.split(100, 3 * row + 1)
    assert (first.rows, rest.rows) == ([heading, *courses[:2]], [heading, courses[2]])


# -------------------------------------------------------------- signed input


@pytest.fixture(scope="module")
def signed_setup(tmp_path_factory):
    pki = AttackPki.create(tmp_path_factory.mktemp("render-pki"))
    data = (EXAMPLES / "bachelor-honours.xml").read_bytes()
    return pki, XmlSigner(pki.identity()).sign(data)


def test_signed_transcript_renders_from_verified_content(signed_setup, tmp_path: Path) -> None:
    pki, signed = signed_setup
    pdf = render_pdf(signed, "en", trust=pki.trust(), require_valid=True)
    text = pdftotext(pdf, tmp_path)
    assert "Signed electronically (XAdES)" in text and "Certified by Asst. Prof. Dr. Wilaiwan Srisuk" in text
    assert "NOTSIGNED" not in squeeze(text) and "NOTVERIFIED" not in squeeze(text)


def test_signed_transcript_needs_trust(signed_setup) -> None:
    _, signed = signed_setup
    with pytest.raises(RenderError, match="--trust"):
        render_pdf(signed, "th")


def test_unverifiable_signature(signed_setup, tmp_path: Path) -> None:
    pki, signed = signed_setup
    root, _ = pki.write()
    no_revocation = transcript.TrustSettings.from_files([root])  # revocation required, no CRL
    pdf = render_pdf(signed, "en", trust=no_revocation)
    assert "NOTVERIFIED/ตรวจสอบไม่ผ่าน" in squeeze(pdftotext(pdf, tmp_path))
    with pytest.raises(RenderError, match="INDETERMINATE"):
        render_pdf(signed, "en", trust=no_revocation, require_valid=True)
    tampered = signed.replace(b"<tc:TotalGPAX>3.77<", b"<tc:TotalGPAX>4.00<")
    with pytest.raises(RenderError, match="cannot be recovered"):
        render_pdf(tampered, "en", trust=pki.trust())


def test_wrapped_content_is_never_shown(signed_setup, tmp_path: Path) -> None:
    """A forged transcript around the genuine signed one: what is shown is what was signed."""
    pki, signed = signed_setup
    root = etree.fromstring(signed)
    root.find(".//{*}TotalGPAX").text = "4.00"
    pdf_or_error: bytes | None = None
    try:
        pdf_or_error = render_pdf(etree.tostring(root), "en", trust=pki.trust())
    except RenderError:
        pdf_or_error = None
    if pdf_or_error is not None:
        assert "4.00" not in pdftotext(pdf_or_error, tmp_path)


def test_unsigned_refused_with_require_valid() -> None:
    with pytest.raises(RenderError, match="not signed"):
        render_pdf((EXAMPLES / "transfer-su.xml").read_bytes(), "th", require_valid=True)


# --------------------------------------------------------------- Thai helpers


def test_thai_dates() -> None:
    assert long_date(dt.date(2020, 5, 4), "th") == "4 พฤษภาคม 2563"
    assert long_date(dt.date(2020, 5, 4), "en") == "4 May 2020"


def test_lines_break_only_between_words() -> None:
    text = "การจำแนกอารมณ์จากข้อความภาษาไทยบนสื่อสังคมออนไลน์ด้วยแบบจำลองภาษาขนาดใหญ่"
    transcript.render.fonts.register_fonts()
    lines = break_lines(text, "Sarabun", 9, 90)
    assert len(lines) > 1 and "".join(lines) == text
    boundaries = set()
    position = 0
    for word in words(text):
        position += len(word)
        boundaries.add(position)
    position = 0
    for line in lines[:-1]:
        position += len(line)
        assert position in boundaries, f"broke inside a word after {line!r}"


def test_a_word_wider_than_a_line_is_broken_between_characters() -> None:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from transcript.render.fonts import text_width

    transcript.render.fonts.register_fonts()
    address = "https://example.ac.th/" + "a-very-long-path/" * 8
    lines = break_lines(address, "Sarabun", 7.8, 120, shaped=False)
    assert "".join(lines) == address and len(lines) > 2
    assert all(stringWidth(line, "Sarabun", 7.8) <= 120 for line in lines)
    thai = "เปลี่ยนแปลง" * 4
    lines = break_lines(thai, "Sarabun", 9, 20)
    assert "".join(lines) == thai and len(lines) > 4
    for line in lines:
        assert text_width(line, "Sarabun", 9) <= 20
        assert unicodedata.category(line[0]) not in ("Mn", "Mc") and line[0] not in "ะาำๅ"
        assert line[-1] not in "เแโใไ"  # a leading vowel stays with its consonant


def test_names_are_never_split() -> None:
    transcript.render.fonts.register_fonts()
    assert break_lines("นางสาวกัญญาณัฐ วงศ์สุวรรณ", "Sarabun", 9, 60, keep_together=True) == [
        "นางสาวกัญญาณัฐ",
        "วงศ์สุวรรณ",
    ]


# ------------------------------------------------------------------------- CLI


def test_cli_render(tmp_path: Path) -> None:
    run = subprocess.run(
        [str(SCRIPT), "render", *map(str, sorted(EXAMPLES.glob("*.xml"))), "--out", str(tmp_path),
         "--lang", "th,en"],
        capture_output=True, text=True,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert sorted(p.name for p in tmp_path.glob("*.pdf")) == sorted(
        f"{p.stem}.{lang}.pdf" for p in EXAMPLES.glob("*.xml") for lang in ("th", "en")
    )
    refused = subprocess.run(
        [str(SCRIPT), "render", str(EXAMPLES / "transfer-su.xml"), "--out", str(tmp_path / "x"),
         "--require-valid"],
        capture_output=True, text=True,
    )  # fmt: skip
    assert refused.returncode == 1 and "not signed" in refused.stderr
