"""A semester's courses as one flowable that draws its own text.

A transcript is mostly these blocks: a shaded heading, column labels, one row per course
(code, title, credits, grade) and the semester's line of totals. Laid out as a platypus
table of paragraphs they cost most of the rendering time (every cell a paragraph, wrapped
several times, drawn with its own graphics state). Here the lines are broken once, by
`thai.break_lines`, row heights follow from the line counts, and the whole block is drawn
as one PDF text object. Thai text is shaped by HarfBuzz through reportlab's shaping (with
the read-back corrections of `fonts`), Latin text is not shaped, as in paragraphs.

A block taller than the space left splits between rows; the continuation repeats the
heading and the column labels, and the totals line never travels alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reportlab.lib.colors import Color
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import shapeStr
from reportlab.platypus import Flowable

from .fonts import text_width
from .thai import break_lines

PADDING_X = 2.0
PADDING_Y = 0.6


@dataclass(frozen=True)
class TextStyle:
    font: str
    size: float
    leading: float
    color: Color


@dataclass(frozen=True)
class Cell:
    """Text in one column (or across all columns, in a heading or totals row)."""

    lines: tuple[str, ...]
    align: str = "left"  # "left", "right" or "center"


@dataclass(frozen=True)
class Row:
    cells: tuple[Cell, ...]  # one per column, or a single cell spanning the block
    style: TextStyle

    @property
    def height(self) -> float:
        return max(len(c.lines) for c in self.cells) * self.style.leading + 2 * PADDING_Y


def cell(text: str, style: TextStyle, width: float, align: str = "left") -> Cell:
    """`text` broken into lines that fit `width` less the padding, never inside a word.

    Runs of white space print as one space, as in a paragraph.
    """
    text = " ".join(text.split())
    if not text:
        return Cell(("",), align)
    lines = break_lines(text, style.font, style.size, width - 2 * PADDING_X - 1, shaped=is_thai(text))
    return Cell(tuple(lines), align)


def is_thai(text: str) -> bool:
    return any("\u0e00" <= c <= "\u0e7f" for c in text)


class SemesterBlock(Flowable):
    """Heading, column labels, course rows and an optional totals line, in fixed columns."""

    def __init__(
        self,
        heading: Row,
        labels: Row,
        courses: list[Row],
        totals: Row | None,
        widths: list[float],
        shade: Color,
        rule: Color,
    ) -> None:
        super().__init__()
        self.heading, self.labels, self.courses, self.totals = heading, labels, courses, totals
        self.widths, self.shade, self.rule = widths, shade, rule
        self.width = sum(widths)
        self.height = sum(r.height for r in self._rows())

    def _rows(self) -> list[Row]:
        return [self.heading, self.labels, *self.courses, *([self.totals] if self.totals else [])]

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        """Two blocks at the last course row that fits; nothing when not one course fits."""
        used = self.heading.height + self.labels.height
        fits = 0
        for row in self.courses:
            if used + row.height > availHeight:
                break
            used += row.height
            fits += 1
        if self.totals is not None and fits == len(self.courses):
            if used + self.totals.height <= availHeight:
                return [self]
            fits -= 1  # the totals line keeps at least one course with it
        if fits < 1 or fits >= len(self.courses):
            return []
        first, rest = self.courses[:fits], self.courses[fits:]
        return [self._part(first, None), self._part(rest, self.totals)]

    def _part(self, courses: list[Row], totals: Row | None) -> SemesterBlock:
        return SemesterBlock(self.heading, self.labels, courses, totals, self.widths, self.shade, self.rule)

    def draw(self) -> None:
        canvas = self.canv
        top = self.height
        rows = self._rows()
        heading_bottom = top - self.heading.height
        labels_bottom = heading_bottom - self.labels.height
        canvas.saveState()
        canvas.setFillColor(self.shade)
        canvas.rect(0, heading_bottom, self.width, self.heading.height, stroke=0, fill=1)
        canvas.setStrokeColor(self.rule)
        canvas.setLineWidth(0.4)
        canvas.line(0, labels_bottom, self.width, labels_bottom)
        if self.totals is not None:
            canvas.line(0, self.totals.height, self.width, self.totals.height)
        text = _Text(canvas)
        y = top
        for row in rows:
            spans = len(row.cells) == 1 and len(self.widths) > 1
            x = 0.0
            for index, column in enumerate(row.cells):
                width = self.width if spans else self.widths[index]
                text.cell(column, row.style, x, width, y)
                x += width
            y -= row.height
        text.finish()
        canvas.restoreState()


class _Text:
    """One PDF text object for a whole block: font and colour set only when they change."""

    def __init__(self, canvas: Any) -> None:
        self.canvas = canvas
        self.object = canvas.beginText()
        self.style: TextStyle | None = None
        self.color: Color | None = None

    def cell(self, cell: Cell, style: TextStyle, x: float, width: float, top: float) -> None:
        baseline = top - PADDING_Y - style.size
        for line in cell.lines:
            if line:
                self.line(line, style, x, width, baseline, cell.align)
            baseline -= style.leading

    def line(self, line: str, style: TextStyle, x: float, width: float, baseline: float, align: str) -> None:
        shaped = is_thai(line)
        left = x + PADDING_X
        if align != "left":
            measure = text_width if shaped else pdfmetrics.stringWidth
            room = width - PADDING_X - measure(line, style.font, style.size)
            left = x + room if align == "right" else x + room / 2 + PADDING_X / 2
        tx = self.object
        if style != self.style:
            tx.setFont(style.font, style.size, style.leading)
            self.style = style
        if style.color != self.color:
            tx.setFillColor(style.color)
            self.color = style.color
        tx.setTextOrigin(left, baseline)
        tx._textOut(shapeStr(line, style.font, style.size) if shaped else line)

    def finish(self) -> None:
        self.canvas.drawText(self.object)
