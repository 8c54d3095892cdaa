"""The transcript on A4: header, student block, courses in two columns, summary, footer.

Content comes in as a generated `Transcript` (read from verified, signed bytes by the
caller) and leaves as PDF bytes. Every Thai string is shaped: the blocks (`blocks`: the
masthead, the grids) and the page furniture draw shaped lines, the totals heading and the
watermark are shaped paragraphs; lines are broken at word boundaries by `thai.break_lines`;
nothing is drawn with ``canvas.drawString``, which does not shape.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import io
import math
import threading
import urllib.parse
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

import zxingcpp
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    FrameBreak,
    KeepTogether,
    NextPageTemplate,
    PageTemplate,
    Paragraph,
    Spacer,
)
from reportlab.platypus.doctemplate import LayoutError

from transcript.generated import Course, SemesterSummary, Text, Transcript
from transcript.model.constants import BANGKOK, STUDENT_NUMBER_SCHEMES
from transcript.model.text import gpa_text, pick
from transcript.model.validity import is_validity_subject, stated_validity
from transcript.render.blocks import (
    Beside,
    Cell,
    Grid,
    Masthead,
    Padding,
    Picture,
    Row,
    Rule,
    TextDrawer,
    TextStyle,
    cell,
    draw_rotated,
)
from transcript.render.fonts import BOLD, REGULAR, register_fonts, shaping, text_width
from transcript.render.labels import GRADE_WORDS, LABELS, NATIONALITIES
from transcript.render.thai import break_lines, is_thai, long_date
from transcript.rules.grades import GradeScale, detect_scale
from transcript.rules.summary import group_by_semester, semester_key

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 14 * mm
GUTTER = 6 * mm
FOOTER_HEIGHT = 30 * mm
LATER_HEADER = 12 * mm
COLUMN_WIDTH = (PAGE_WIDTH - 2 * MARGIN - GUTTER) / 2
NAVY = colors.HexColor("#1F2A5C")
RULE = colors.HexColor("#9AA3C0")
SHADE = colors.HexColor("#EEF0F7")
WATERMARK_ALPHA = 0.2  # translucent: the grades and titles under a mark stay legible


@dataclass
class Stamp:
    """What the page furniture says about the signature (filled by the caller)."""

    state: str  # "verified", "not-signed" or "not-verified"
    signer: str | None = None
    signing_time: dt.datetime | None = None
    timestamp_time: dt.datetime | None = None
    reason: str | None = None
    digest: str = ""
    demo: bool = False
    verify_url: str | None = None  # the institution's verification site: the QR code opens it


@dataclass
class _Styles:
    body: ParagraphStyle
    small: ParagraphStyle
    tiny: ParagraphStyle
    bold: ParagraphStyle
    title: ParagraphStyle
    heading: ParagraphStyle
    cell: ParagraphStyle
    label: ParagraphStyle
    notice: ParagraphStyle


@functools.cache
def _styles() -> _Styles:
    """The styles, made once: paragraphs are shared between documents by style (`_shared`)."""

    def style(name: str, size: float, font: str = REGULAR, **kw: Any) -> ParagraphStyle:
        return ParagraphStyle(
            name, fontName=font, fontSize=size, leading=size * 1.38, shaping=1, splitLongWords=0, **kw
        )

    return _Styles(
        body=style("body", 9),
        small=style("small", 7.6),
        tiny=style("tiny", 6.6, textColor=colors.HexColor("#444444")),
        bold=style("bold", 9, BOLD),
        title=style("title", 15, BOLD, textColor=NAVY),
        heading=style("heading", 9, BOLD, textColor=NAVY),
        cell=style("cell", 7.8),
        label=style("label", 7.6, textColor=colors.HexColor("#555555")),
        notice=style("notice", 7.6, BOLD, textColor=colors.HexColor("#9B1C1C")),
    )


# ----------------------------------------------------------------- text helpers


class _Wrapped(Paragraph):
    """A paragraph that remembers its last wrap.

    A table wraps each cell several times at the same width, and a paragraph's lines depend
    only on its text, style and width; a new width wraps afresh, as a plain paragraph would.
    """

    _last: tuple[float, tuple[float, float]] | None = None

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        if self._last is not None and self._last[0] == availWidth:
            return self._last[1]
        size = super().wrap(availWidth, availHeight)
        self._last = (availWidth, size)
        return size


_SHARED_LIMIT = 4096
_per_thread = threading.local()


def _shared(markup: str, style: ParagraphStyle) -> _Wrapped:
    """One paragraph per markup and style, drawn wherever it appears.

    Course titles, labels and headings repeat across a run's transcripts (one curriculum,
    many students): parsing and line-breaking each once is most of the saving. A thread
    wraps and draws a paragraph in one go (tables re-wrap a cell just before drawing it),
    but a flowable holds its canvas and last wrap while drawing, so each thread has its own
    paragraphs: documents rendered in parallel threads never share one.
    """
    cache: OrderedDict[tuple[str, ParagraphStyle], _Wrapped] | None = getattr(_per_thread, "paragraphs", None)
    if cache is None:
        cache = _per_thread.paragraphs = OrderedDict()
    key = (markup, style)  # styles hash by identity; `_styles` makes them once
    found = cache.get(key)
    if found is not None:
        cache.move_to_end(key)
        return found
    found = cache[key] = _Wrapped(markup, style)
    if len(cache) > _SHARED_LIMIT:
        cache.popitem(last=False)
    return found


@functools.cache
def _text_style(style: ParagraphStyle) -> TextStyle:
    return TextStyle(style.fontName, style.fontSize, style.leading, style.textColor)


def _date(value: Any, language: str) -> str:
    if value is None:
        return "-"
    return long_date(dt.date(value.year, value.month, value.day), language)


def _year(year: int, language: str) -> int:
    """Academic years print in the edition's era: BE in Thai, CE in English."""
    be = year >= 2400
    if language == "th":
        return year if be else year + 543
    return year - 543 if be else year


def _number(value: Decimal | None) -> str:
    if value is None:
        return "-"
    return format(value.normalize() if value == value.to_integral() else value, "f")


# --------------------------------------------------------------------- the story


class _Builder:
    def __init__(self, t: Transcript, language: str, stamp: Stamp, scale: GradeScale | None) -> None:
        self.t = t
        self.lang = language
        self.edition = t.transcript_context.language.strip().lower()
        self.stamp = stamp
        self.labels = LABELS[language]
        self.s = _styles()
        # The institution's scale when the caller has it; else the built-in one that fits the
        # document's grades (as the rules' checks choose it).
        self.scale = scale or detect_scale(
            (c.course_academic_grade_text, c.course_academic_grade) for c in t.course
        )

    def legend(self) -> str:
        """What the grade symbols mean, from the scale: points, then those outside the GPA."""
        labels, words = self.labels, GRADE_WORDS[self.lang]
        grades = list(self.scale.grades.values())

        def listed(chosen: list[Any]) -> str:
            named = (f"{g.symbol} {words[g.symbol]}" if g.symbol in words else g.symbol for g in chosen)
            return ", ".join(named)

        points = ", ".join(f"{g.symbol} = {_number(g.point)}" for g in grades if g.in_gpa)
        parts = [labels["legend_points"].format(grades=points)]
        credit = [g for g in grades if not g.in_gpa and g.earns_credit]
        nothing = [g for g in grades if not g.in_gpa and not g.earns_credit]
        if credit:
            parts.append(labels["legend_credit"].format(grades=listed(credit)))
        if nothing:
            parts.append(labels["legend_no_credit"].format(grades=listed(nothing)))
        return "; ".join(parts)

    def text(self, texts: Sequence[Text]) -> str:
        return pick(texts, self.lang, self.edition)

    def own_text(self, texts: Sequence[Text]) -> str:
        """The text in the edition's language (untagged text in the document's own), else ""."""
        found = pick(texts, self.lang, self.edition) if texts else ""
        tagged = {(t.language_id or self.edition).lower() for t in texts if t.value == found}
        return found if self.lang in tagged else ""

    def address(self) -> str:
        """The institution's address, where the edition's reader can read it.

        The schema's address parts carry no language: an address in Thai script is printed
        in the Thai edition only (the English one prints none rather than a Thai line or a
        transliteration the institution did not give)."""
        address = self.t.organization.address
        if address is None:
            return ""
        parts = [
            address.street_name,
            address.city_sub_division_name,
            address.city_name,
            address.country_sub_division_name,
            address.postcode_code,
        ]
        text = " ".join(p for p in parts if p)
        return "" if self.lang != "th" and is_thai(text) else text

    # -- header and student block (first page, full width)

    def header(self) -> list[Any]:
        t, s, full = self.t, self.s, PAGE_WIDTH - 2 * MARGIN
        org = t.organization
        name_width = full - 24 * mm - 62 * mm

        def lines(text: str, style: ParagraphStyle, width: float) -> Cell:
            return cell(text, _text_style(style), width, own_style=True, padding_x=0)

        logo: Picture | list[Cell] = Picture(org.logo, 20 * mm, 20 * mm) if org.logo else []
        institution = [lines(self.text(org.organization_name), s.title, name_width)]
        level = self.own_text(org.school_level)
        if level:  # in the edition's language, or not at all
            institution.append(lines(level, s.small, name_width))
        address = self.address()
        if address:
            institution.append(lines(address, s.small, name_width))
        context = t.transcript_context
        document = [
            lines(self.text(context.name), s.heading, 62 * mm),
            lines(f"{self.labels['document_id']}: {context.transcript_id}", s.small, 62 * mm),
            lines(f"{self.labels['issued']}: {_date(context.issue_date_time, self.lang)}", s.small, 62 * mm),
        ]
        validity = stated_validity(t)
        if validity is not None:
            # A temporary document says how long it stands, where the reader looks first.
            until = long_date(validity.until, self.lang) if validity.until else validity.statements[0]
            document.append(lines(f"{self.labels['valid_until']}: {until}", s.notice, 62 * mm))
        head = Masthead(
            [logo, institution, document],
            [24 * mm, name_width, 62 * mm],
            Padding(0, 3, 6),
            Rule(1.2, NAVY),
        )
        return [head, Spacer(1, 3 * mm), self.student_block()]

    def student_name(self) -> str:
        st = self.t.student
        parts = [
            self.text(st.name_prefix) if st.name_prefix else "",
            self.text(st.given_name),
            self.text(st.middle_name) if st.middle_name else "",
            self.text(st.family_name),
        ]
        # A Thai prefix joins the given name (นางสาวสมหญิง); an English one is a word (Miss Somying).
        prefix, rest = parts[0], " ".join(p for p in parts[1:] if p)
        if not prefix:
            return rest
        joined = prefix.endswith(".") or self.lang == "en" or not is_thai(prefix)
        return f"{prefix} {rest}" if joined else f"{prefix}{rest}"

    def student_number(self) -> str:
        ids = self.t.student.data_subject_id
        return next((i.value for i in ids if i.scheme_id.lower() in STUDENT_NUMBER_SCHEMES), ids[0].value)

    def student_block(self) -> Beside:
        t, s, labels = self.t, self.s, self.labels
        st = t.student
        program = st.program_context
        gap = 4 * mm  # between a left value that fills its column and the right half's label
        value_width = (PAGE_WIDTH - 2 * MARGIN - gap) / 2 - 30 * mm
        status = labels["status_complete"] if st.date_of_graduation else labels["status_incomplete"]
        rows: list[tuple[str, str, bool]] = [
            ("name", self.student_name(), True),
            ("student_number", self.student_number(), True),
            ("birth_date", _date(st.birth_date, self.lang), False),
            ("nationality", NATIONALITIES[self.lang].get(st.nationality or "", st.nationality or "-"), False),
            ("faculty", self.text(st.faculty_name) if st.faculty_name else "-", False),
            (
                "programme",
                self.text(program.program_name) if program and program.program_name else "-",
                False,
            ),
            ("major", self.text(program.major) if program and program.major else "-", False),
            ("minor", self.text(program.minor) if program and program.minor else "-", False),
            ("degree", self.text(program.degree) if program and program.degree else "-", False),
            ("admitted", _date(st.date_of_admission, self.lang), False),
            ("graduated", _date(st.date_of_graduation, self.lang), False),
            ("status", status, False),
        ]
        label, body, bold = _text_style(s.label), _text_style(s.body), _text_style(s.bold)
        pairs = [
            Row(
                (
                    cell(labels[key], label, 30 * mm, own_style=True, keep_together=True),
                    cell(value, bold if strong else body, value_width, own_style=True, name=key == "name"),
                ),
                body,
            )
            for key, value, strong in rows
        ]
        half = (len(pairs) + 1) // 2
        widths = [30 * mm, value_width]
        # Two grids: each half's rows are as tall as their own values.
        halves = [Grid(part, widths, Padding(2, 1, 1)) for part in (pairs[:half], pairs[half:])]
        return Beside(halves, gap, Rule(0.6, RULE))

    # -- courses, one block per semester, flowing through two columns

    def semesters(self) -> list[Any]:
        t = self.t
        lines: dict[tuple[int, str], SemesterSummary] = {}
        if t.academic_summary:
            lines = {semester_key(line): line for line in t.academic_summary.semester_summary}
        blocks: list[Any] = []
        counted = Decimal(0)  # credits counted towards the GPAX so far
        for key, indices in group_by_semester(t.course).items():
            # Kept together (moved whole to the next column) unless taller than a column, when
            # the grid splits with its heading and column headers repeated.
            line = lines.get(key)
            counted += line.semester_credit_calculated if line is not None else 0
            blocks.append(self.semester_block([t.course[i] for i in indices], line, counted))
            blocks.append(Spacer(1, 2.5 * mm))
        return blocks

    def semester_block(self, courses: list[Course], line: SemesterSummary | None, counted: Decimal) -> Grid:
        s, labels = self.s, self.labels
        first = courses[0]
        name = self.text(first.semester_name)
        separator = "" if labels["academic_year"].startswith(",") else " "
        heading = f"{name}{separator}{labels['academic_year']} {_year(first.year, self.lang)}"
        widths = [15 * mm, COLUMN_WIDTH - 15 * mm - 11 * mm - 9 * mm, 11 * mm, 9 * mm]
        head, label, body, small = (_text_style(x) for x in (s.heading, s.label, s.cell, s.small))
        rows = [
            Row((cell(heading, head, COLUMN_WIDTH),), head, shade=SHADE),
            Row(
                (
                    # Labels are the edition's own words, made to fit: never broken inside.
                    cell(labels["code"], label, widths[0], keep_together=True),
                    cell(labels["title"], label, widths[1], keep_together=True),
                    cell(labels["credits"], label, widths[2], "right", keep_together=True),
                    cell(labels["grade"], label, widths[3], "center", keep_together=True),
                ),
                label,
                rule_below=Rule(0.4, RULE),
            ),
        ]
        for course in courses:
            number, grade = course.course_number, course.course_academic_grade_text
            title = cell(self.text(course.course_title), body, widths[1])
            credits = _number(course.course_credit_value)
            rows.append(
                Row((Cell((number,)), title, Cell((credits,), "right"), Cell((grade,), "center")), body)
            )
        if line is not None:
            text = labels["semester_line"].format(
                value=_number(line.semester_credit_value),
                earned=_number(line.semester_credit_earned),
                gpa=gpa_text(line.semester_gpa, line.semester_credit_calculated),
                gpax=gpa_text(line.semester_gpax, counted),
            )
            rows.append(Row((cell(text, small, COLUMN_WIDTH),), small, rule_above=Rule(0.4, RULE)))
        return Grid(rows, widths, Padding(2, 0.6, 0.6), repeat=2, closing=line is not None, keep_whole=True)

    # -- totals, honours, thesis, notes

    def totals(self) -> list[Any]:
        t, s, labels = self.t, self.s, self.labels
        rows: list[tuple[str, str]] = []
        summary = t.academic_summary
        if summary is not None:
            rows += [
                (labels["total_credits"], _number(summary.total_credit_value)),
                (labels["earned_credits"], _number(summary.total_credit_earned)),
                (labels["counted_credits"], _number(summary.total_credit_calculated)),
                (labels["gpax"], gpa_text(summary.total_gpax, summary.total_credit_calculated)),
            ]
        if t.student.credits_tranferred:
            rows.append((labels["transferred"], _number(t.student.credits_tranferred)))
        extra = t.additional_information
        if extra and extra.hons:
            rows.append((labels["honours"], self.text(extra.hons)))
        if extra and extra.thesis_title:
            rows.append((labels["thesis"], self.text(extra.thesis_title)))
        if extra:
            own = [n for n in extra.infomation_note if not is_validity_subject(n.subject.value or "")]
            notes = [n for n in own if (n.subject.language_id or self.edition).lower() == self.lang]
            for note in notes or own:
                rows.append((note.subject.value, note.content.value))
        value_width = COLUMN_WIDTH - 40 * mm
        label, bold = _text_style(s.label), _text_style(s.bold)
        grid = [
            Row((cell(k, label, 40 * mm, own_style=True), self._value(v, bold, value_width)), bold)
            for k, v in rows
        ]
        if grid:
            grid[0] = dataclasses.replace(grid[0], rule_above=Rule(1, NAVY))
        table = Grid(grid, [40 * mm, value_width], Padding(2, 1, 1))
        return [_shared(escape(labels["totals"]), s.heading), table]

    @staticmethod
    def _value(text: str, style: TextStyle, width: float) -> Cell:
        """A summary value: one of two lines (an advisor's name, most often, in a note) breaks
        as a name does, a longer one (a thesis title) as text."""
        plain = cell(text, style, width)
        return cell(text, style, width, name=True) if len(plain.lines) == 2 else plain

    def signature(self) -> list[Any]:
        """Who certifies the transcript and how: the registrars in the edition's language,
        then the electronic signature (or that there is none that verifies).

        The signing certificate's name (usually English) is a technical identifier: printed,
        labelled as such, only when the transcript names no registrar (the verifier shows it)."""
        b, s, labels, stamp = self, self.s, self.labels, self.stamp
        bold, small, tiny, notice = (_text_style(x) for x in (s.bold, s.small, s.tiny, s.notice))
        label, value_width = _text_style(s.label), COLUMN_WIDTH - 40 * mm
        institution = b.text(b.t.organization.organization_name)
        rows: list[Row] = []
        for registrar in b.t.organization.registrar:
            prefix = b.text(registrar.name_prefix) if registrar.name_prefix else ""
            name = " ".join(x for x in (prefix, b.text(registrar.name)) if x)
            title = b.text(registrar.title) if registrar.title else labels["registrar"]
            office = labels["office"].format(title=title, institution=institution)
            heading = labels["certified_by"] if not rows else ""
            rows.append(
                Row(
                    (cell(heading, label, 40 * mm, own_style=True), cell(name, bold, value_width, name=True)),
                    bold,
                )
            )
            rows.append(Row((Cell(("",)), cell(office, small, value_width)), small))
        if stamp.state == "verified":
            if stamp.timestamp_time:  # the time-stamp's time is the one a third party vouches for
                ts = stamp.timestamp_time.astimezone(BANGKOK)
                statement = labels["signed_timestamped"].format(time=_moment(ts, b.lang))
            else:
                when = stamp.signing_time.astimezone(BANGKOK) if stamp.signing_time else None
                statement = labels["signed"].format(time=_moment(when, b.lang))
            if stamp.signer and not rows:  # no registrar named: the certificate says who signed
                line = labels["certificate"].format(signer=stamp.signer)
                who = cell(labels["certified_by"], label, 40 * mm, own_style=True)
                rows.append(Row((who, cell(line, small, value_width)), small))
            rows.append(Row((cell(statement, tiny, COLUMN_WIDTH),), tiny))
        elif stamp.state == "not-verified":
            line = labels["unverified_statement"].format(reason=stamp.reason or "?")
            rows.append(Row((cell(line, notice, COLUMN_WIDTH),), notice))
        else:
            rows.append(Row((cell(labels["unsigned_statement"], notice, COLUMN_WIDTH),), notice))
        rows[0] = dataclasses.replace(rows[0], rule_above=Rule(0.6, RULE))
        return [Spacer(1, 2 * mm), Grid(rows, [40 * mm, value_width], Padding(2, 0.8, 0.8))]

    def story(self) -> list[Any]:
        """The semesters, then the summary and signature kept with the last semester: a page
        never holds the summary alone."""
        semesters = self.semesters()
        end = [*self.totals(), *self.signature()]
        if len(semesters) >= 2:
            return [*semesters[:-2], KeepTogether([semesters[-2], Spacer(1, 2.5 * mm), *end])]
        return [KeepTogether(end)]


# ------------------------------------------------------------ pages and canvas


def qr_runs(payload: str) -> tuple[int, tuple[tuple[int, int, int], ...]]:
    """The QR code of `payload`: its size in modules and its dark runs (row, first column, length).

    Encoded by zxing-cpp, level M, with the mask of lowest penalty among the eight, as ISO/IEC
    18004 asks (compiled: a twentieth of a pure-Python encoder's time).
    """
    code = zxingcpp.create_barcode(payload, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    image = memoryview(code.to_image(scale=1, add_quiet_zones=False))  # type: ignore[arg-type]  # one byte per module, 0 = dark
    count = (image.shape or (0,))[0]
    pixels = bytes(image)
    runs = []
    for row in range(count):
        line = pixels[row * count : (row + 1) * count]
        column = line.find(0)
        while column >= 0:
            end = line.find(255, column)
            end = count if end < 0 else end
            runs.append((row, column, end - column))
            column = line.find(0, end) if end < count else -1
    return count, tuple(runs)


QR_SIZE = 24 * mm


@functools.lru_cache(maxsize=16)
def qr_operators(payload: str) -> tuple[int, str]:
    """The QR code of `payload` as PDF path operators in module units (one rectangle per dark
    run, filled), and its size in modules. Whole numbers: short to write and to compress,
    where rectangles in points took five decimals each. Both editions draw the same code:
    it is made once."""
    count, runs = qr_runs(payload)
    rectangles = [f"{start + 1} {count - row} {length} 1 re" for row, start, length in runs]
    return count, "\n".join([*rectangles, "f"])


def document_page_url(verify_url: str, document_id: str, digest: str) -> str:
    """The address of a document's page on its institution's verification site: the document
    number and the SHA-256 of its signed content (`transcript serve` answers it)."""
    return f"{verify_url.rstrip('/')}/d/{urllib.parse.quote(document_id, safe='')}?sha256={digest}"


class _Furniture:
    """Draws what every page carries: the running header, footer and watermark."""

    def __init__(self, builder: _Builder) -> None:
        self.b = builder
        self._qr_drawn = False

    def _qr_payload(self) -> str:
        document = self.b.t.transcript_context.transcript_id
        if self.b.stamp.verify_url:
            return document_page_url(self.b.stamp.verify_url, document, self.b.stamp.digest)
        return f"TRANSCRIPT:{document}\nSHA-256:{self.b.stamp.digest}"

    def later_header(self, canvas: Canvas, doc: Any) -> None:
        b = self.b
        text = (
            f"{b.text(b.t.organization.organization_name)} · {b.student_name()} · {b.student_number()} · "
            f"{b.labels['document_id']} {b.t.transcript_context.transcript_id}"
        )
        height = self._lines(canvas, [(text, b.s.small)], PAGE_HEIGHT - MARGIN, PAGE_WIDTH - 2 * MARGIN)
        canvas.setStrokeColor(NAVY)
        canvas.setLineWidth(0.8)
        canvas.line(
            MARGIN, PAGE_HEIGHT - MARGIN - height - 2, PAGE_WIDTH - MARGIN, PAGE_HEIGHT - MARGIN - height - 2
        )

    def footer(self, canvas: Canvas, page: int, pages: int) -> None:
        b, stamp = self.b, self.b.stamp
        labels = b.labels
        width = PAGE_WIDTH - 2 * MARGIN - 26 * mm
        lines = []
        # What a reader of paper can do: the verification page, else the file and its issuer.
        if stamp.state == "verified":
            if stamp.verify_url:
                lines.append((labels["verify_at"].format(url=stamp.verify_url), b.s.small))
            else:
                lines.append((labels["how_to_verify"], b.s.small))
        elif stamp.state == "not-verified":
            lines.append((labels["unverified_statement"].format(reason=stamp.reason or "?"), b.s.small))
        else:
            lines.append((labels["unsigned_statement"], b.s.small))
        lines.append((b.legend(), b.s.tiny))
        lines.append(
            (
                f"{labels['page'].format(page=page, pages=pages)} · {labels['document_id']} "
                f"{b.t.transcript_context.transcript_id} · {labels['qr_url' if stamp.verify_url else 'qr']}",
                b.s.tiny,
            )
        )
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.6)
        top = MARGIN + FOOTER_HEIGHT - 4 * mm
        canvas.line(MARGIN, top, PAGE_WIDTH - MARGIN, top)
        self._lines(canvas, lines, top - 1.5 * mm, width)
        self.qr(canvas)

    @staticmethod
    def _lines(canvas: Canvas, texts: list[tuple[str, ParagraphStyle]], top: float, width: float) -> float:
        """Each text broken to `width` and drawn down from `top` at the left margin; the height."""
        drawer = TextDrawer(canvas)
        y = top
        canvas.saveState()  # the text object's colours stay inside this page furniture
        for text, paragraph_style in texts:
            style = _text_style(paragraph_style)
            for line in break_lines(text, style.font, style.size, width - 2, shaped=is_thai(text)):
                drawer.line(line, style, MARGIN, width, y - style.size)
                y -= style.leading
        drawer.finish()
        canvas.restoreState()
        return top - y

    def qr(self, canvas: Canvas) -> None:
        """The QR code (document ID and SHA-256 of the signed content).

        Drawn once into a form XObject that every page shows, run by run rather than through
        reportlab.graphics (which would add an unembedded Helvetica to the resources).
        """
        size = QR_SIZE
        if not self._qr_drawn:
            count, operators = qr_operators(self._qr_payload())
            module = size / (count + 2)  # a quiet zone of one module around the code
            canvas.beginForm("transcript-qr", lowerx=0, lowery=0, upperx=size, uppery=size)
            canvas.setFillColor(colors.black)
            canvas.transform(module, 0, 0, module, 0, 0)
            canvas.addLiteral(operators)
            canvas.endForm()
            self._qr_drawn = True
        canvas.saveState()
        canvas.translate(PAGE_WIDTH - MARGIN - size, MARGIN + 1 * mm)
        canvas.doForm("transcript-qr")
        canvas.restoreState()

    def watermark(self, canvas: Canvas) -> None:
        stamp, labels = self.b.stamp, self.b.labels
        marks = []
        if stamp.state == "not-signed":
            marks.append((labels["watermark_not_signed"], colors.HexColor("#C62828")))
        elif stamp.state == "not-verified":
            marks.append((labels["watermark_not_verified"], colors.HexColor("#C62828")))
        if stamp.demo:
            marks.append((labels["watermark_demo"], colors.HexColor("#E65100")))
        angle = math.atan2(PAGE_HEIGHT, PAGE_WIDTH)  # along the page's diagonal
        longest = 0.8 * math.hypot(PAGE_WIDTH, PAGE_HEIGHT)
        for index, (text, color) in enumerate(marks):
            size = 30.0 if index == 0 else 18.0
            size = min(size, size * longest / _text_width(text, BOLD, size))
            # Later marks below the first, across the diagonal.
            offset = index * 30 * mm
            x = PAGE_WIDTH / 2 + offset * math.sin(angle)
            y = PAGE_HEIGHT / 2 - offset * math.cos(angle)
            translucent = colors.Color(color.red, color.green, color.blue, alpha=WATERMARK_ALPHA)
            style = TextStyle(BOLD, size, size, translucent)
            draw_rotated(canvas, text, style, x, y, angle)


def _text_width(text: str, font: str, size: float) -> float:
    return text_width(text, font, size) if is_thai(text) else pdfmetrics.stringWidth(text, font, size)


def _moment(value: dt.datetime | None, language: str) -> str:
    if value is None:
        return "-"
    return f"{long_date(value.date(), language)} {value:%H:%M} (UTC+7)"


def _canvas_class(furniture: _Furniture) -> type[Canvas]:
    class TranscriptCanvas(Canvas):
        """Holds pages back until the end, so each footer can say 'page N of M'."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                furniture.footer(self, number, total)
                furniture.watermark(self)
                super().showPage()
            super().save()

    return TranscriptCanvas


def build_pdf(t: Transcript, language: str, stamp: Stamp, scale: GradeScale | None = None) -> bytes:
    """Lay out one transcript edition and return the PDF bytes (identical for identical input).

    `scale` (the institution's grade scale) is what the grading legend lists; without it, the
    built-in scale that fits the document's grades."""
    register_fonts()
    with shaping():
        return _build_pdf(t, language, stamp, scale)


def _build_pdf(t: Transcript, language: str, stamp: Stamp, scale: GradeScale | None) -> bytes:
    builder = _Builder(t, language, stamp, scale)
    furniture = _Furniture(builder)
    top = builder.header()
    full = PAGE_WIDTH - 2 * MARGIN
    top_height = sum(f.wrap(full, PAGE_HEIGHT)[1] for f in top) + 6 * mm
    body_bottom = MARGIN + FOOTER_HEIGHT
    first_columns_top = PAGE_HEIGHT - MARGIN - top_height
    later_top = PAGE_HEIGHT - MARGIN - LATER_HEADER

    def frame(x: float, y: float, width: float, height: float, name: str) -> Frame:
        return Frame(
            x, y, width, height, id=name, leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0
        )

    def columns(top_y: float, prefix: str) -> list[Frame]:
        height = top_y - body_bottom
        return [
            frame(MARGIN, body_bottom, COLUMN_WIDTH, height, f"{prefix}-left"),
            frame(MARGIN + COLUMN_WIDTH + GUTTER, body_bottom, COLUMN_WIDTH, height, f"{prefix}-right"),
        ]

    first = PageTemplate(
        id="first",
        frames=[
            frame(MARGIN, first_columns_top, full, top_height, "top"),
            *columns(first_columns_top, "first"),
        ],
    )
    later = PageTemplate(id="later", frames=columns(later_top, "later"), onPage=furniture.later_header)
    out = io.BytesIO()
    context = t.transcript_context
    doc = BaseDocTemplate(
        out,
        pagesize=A4,
        pageTemplates=[first, later],
        invariant=1,
        initialFontName=REGULAR,
        title=f"{pick(context.name, language, builder.edition)} {context.transcript_id}",
        author=pick(t.organization.organization_name, language, builder.edition),
        subject=builder.student_name(),
        creator="thai-transcript",
        producer="thai-transcript (reportlab)",
        lang="th-TH" if language == "th" else "en-GB",
    )
    story: list[Any] = [
        *top,
        NextPageTemplate("later"),
        FrameBreak(),
        *builder.story(),
    ]
    try:
        doc.build(story, canvasmaker=_canvas_class(furniture))
    except LayoutError:  # something taller than a page: a caller skips this transcript
        raise LayoutFailure(
            "the transcript cannot be laid out on A4 pages: a part of it is taller than a page "
            "(look for a name, a title or a note far longer than usual)"
        ) from None
    return out.getvalue()


class LayoutFailure(Exception):
    """Content that no page can hold (the message says what)."""
