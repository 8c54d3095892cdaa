"""Blocks of text that draw themselves: the grids (semester blocks, student block, totals)
and the masthead of the first page.

A transcript is mostly small tables of text. As platypus tables of paragraphs they cost
most of the rendering time (every cell a paragraph, wrapped several times, drawn with its
own graphics state). A `Grid` breaks each cell's lines once (`thai.break_lines`, never
inside a Thai word), sizes its rows from the line counts, and draws all its text as one
PDF text object. Thai text is shaped by HarfBuzz through reportlab's shaping (with the
read-back corrections of `fonts`); Latin text is not shaped, as in paragraphs.

A grid taller than the space left splits between rows: the continuation repeats the
header rows, and a closing row (a semester's totals) never travels alone. A row too tall
to keep whole (a course title of hundreds of words) splits between its lines.
"""

from __future__ import annotations

import functools
import io
import math
from collections import OrderedDict
from contextlib import suppress
from dataclasses import dataclass, replace
from typing import Any

from reportlab.lib.colors import Color
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import shapeStr
from reportlab.platypus import Flowable

from transcript.render.fonts import text_width
from transcript.render.thai import break_lines, is_thai


@dataclass(frozen=True)
class TextStyle:
    font: str
    size: float
    leading: float
    color: Color


@dataclass(frozen=True)
class Cell:
    """Lines of text in one column (or across all columns when a row has one cell)."""

    lines: tuple[str, ...]
    align: str = "left"  # "left", "right" or "center"
    style: TextStyle | None = None  # None: the row's


@dataclass(frozen=True)
class Rule:
    width: float
    color: Color


@dataclass(frozen=True)
class Row:
    cells: tuple[Cell, ...]
    style: TextStyle
    shade: Color | None = None
    rule_above: Rule | None = None
    rule_below: Rule | None = None


# Rows taller than this may split between their lines; shorter ones move whole.
TALL_ROW = 200.0


@dataclass(frozen=True)
class Padding:
    x: float
    top: float
    bottom: float


@functools.lru_cache(maxsize=4096)  # a curriculum's titles and the labels recur in every transcript
def cell(
    text: str, style: TextStyle, width: float, align: str = "left", *, own_style: bool = False,
    keep_together: bool = False, name: bool = False, padding_x: float = 2.0,
) -> Cell:  # fmt: skip
    """`text` broken into lines that fit `width` less the padding, never inside a word.

    Runs of white space print as one space, as in a paragraph. `own_style` makes `style`
    the cell's (else the row's style draws it); `keep_together` never splits a
    space-separated chunk; `name` also fills the lines from the end, so that a person's
    given and family names stay on one line and titles before them go first
    ("รองศาสตราจารย์" / "ดร.ประเสริฐ วงศ์ใหญ่", not "รองศาสตราจารย์ ดร.ประเสริฐ" / "วงศ์ใหญ่").
    """
    text = " ".join(text.split())
    if not text:
        return Cell(("",), align, style if own_style else None)
    shaped = is_thai(text)
    room = width - 2 * padding_x - (1 if shaped else 0)  # a point spare for shaping's rounding
    lines = break_lines(
        text, style.font, style.size, room, keep_together=keep_together or name, from_end=name, shaped=shaped
    )
    return Cell(tuple(lines), align, style if own_style else None)


class Grid(Flowable):
    """Rows of text cells in fixed columns, with row shading and rules.

    `repeat` leading rows (headings) start every part of a split grid; with `closing`, the
    last row stays with at least one row before it.
    """

    def __init__(
        self,
        rows: list[Row],
        widths: list[float],
        padding: Padding,
        *,
        repeat: int = 0,
        closing: bool = False,
        keep_whole: bool = False,
    ) -> None:
        super().__init__()
        self.rows, self.widths, self.padding = rows, widths, padding
        self.repeat, self.closing, self.keep_whole = repeat, closing, keep_whole
        self.width = sum(widths)
        self.heights = [self._height(row) for row in rows]
        self.height = sum(self.heights)

    def _height(self, row: Row) -> float:
        ascent = _ascent(row)
        lines = max(
            ascent - (c.style or row.style).size + len(c.lines) * (c.style or row.style).leading
            for c in row.cells
        )
        return lines + self.padding.top + self.padding.bottom

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        """Two grids at the last row that fits; nothing when not one body row fits.

        A `keep_whole` grid first moves on to the next frame, as platypus's KeepTogether
        would move it (when this frame has content above, or the next one is larger), and
        splits only where it is then.
        """
        if self.height <= availHeight:
            return [self]
        if self.keep_whole and not getattr(self, "_postponed", False) and self._moves_on():
            return []  # platypus tries the next frame (and marks the grid postponed)
        head, body = self.repeat, len(self.rows) - self.repeat
        used = sum(self.heights[:head])
        fits = 0
        for height in self.heights[head:]:
            if used + height > availHeight:
                break
            used += height
            fits += 1
        if self.closing and fits == body - 1:
            fits -= 1  # the closing row keeps at least one row with it
        rows = self.rows
        if fits < 1:
            return self._split_tall_row(availHeight - sum(self.heights[:head]))
        first = Grid(rows[: head + fits], self.widths, self.padding, repeat=head)
        rest = Grid(
            rows[:head] + rows[head + fits :], self.widths, self.padding, repeat=head, closing=self.closing
        )
        return [first, rest]

    def _moves_on(self) -> bool:
        frame = getattr(self, "_frame", None)
        if frame is None:
            return False
        if not frame._atTop:
            return True
        peek = self._doctemplateAttr("_peekNextFrame")
        following = peek() if peek else None
        return not (
            following is not None and frame._width >= following._width and frame._height >= following._height
        )

    def _split_tall_row(self, room: float) -> list[Flowable]:
        """The first body row, too tall to keep whole, split at the last line that fits `room`."""
        head = self.repeat
        if head >= len(self.rows) or self.heights[head] <= TALL_ROW:
            return []
        row = self.rows[head]
        room -= self.padding.top + self.padding.bottom
        counts = [max(0, int(room // (c.style or row.style).leading)) for c in row.cells]
        if all(n >= len(c.lines) for n, c in zip(counts, row.cells, strict=True)):
            # The row fits, what must follow it (the totals) does not: its last line goes along.
            last = max(len(c.lines) for c in row.cells) - 1
            counts = [min(n, last) for n in counts]
        if not any(counts):
            return []
        top = replace(
            row,
            cells=tuple(
                replace(c, lines=c.lines[:n] or ("",)) for n, c in zip(counts, row.cells, strict=True)
            ),
            rule_below=None,
        )
        rest = replace(
            row,
            cells=tuple(
                replace(c, lines=c.lines[n:] or ("",)) for n, c in zip(counts, row.cells, strict=True)
            ),
            rule_above=None,
        )
        rows = self.rows
        first = Grid([*rows[:head], top], self.widths, self.padding, repeat=head)
        after = [*rows[:head], rest, *rows[head + 1 :]]
        return [first, Grid(after, self.widths, self.padding, repeat=head, closing=self.closing)]

    def draw(self) -> None:
        canvas = self.canv
        canvas.saveState()
        y = self.height
        for row, height in zip(self.rows, self.heights, strict=True):
            if row.shade is not None:
                canvas.setFillColor(row.shade)
                canvas.rect(0, y - height, self.width, height, stroke=0, fill=1)
            for rule, at in ((row.rule_above, y), (row.rule_below, y - height)):
                if rule is not None:
                    canvas.setStrokeColor(rule.color)
                    canvas.setLineWidth(rule.width)
                    canvas.line(0, at, self.width, at)
            y -= height
        text = TextDrawer(canvas)
        y = self.height
        for row, height in zip(self.rows, self.heights, strict=True):
            spans = len(row.cells) == 1
            ascent = _ascent(row)
            x = 0.0
            for index, column in enumerate(row.cells):
                width = self.width if spans else self.widths[index]
                style = column.style or row.style
                # Every cell's first line on the row's one baseline: a small grey label
                # beside a larger value sits on the value's line, not above it.
                top = y - self.padding.top - (ascent - style.size)
                text.cell(column, style, x, width, top, self.padding.x)
                x += width
            y -= height
        text.finish()
        canvas.restoreState()


def _ascent(row: Row) -> float:
    """How far below a row's top its first baseline is: its largest cell's font size."""
    return max((c.style or row.style).size for c in row.cells)


class Beside(Flowable):
    """Grids side by side, top-aligned, over a rule across them all.

    Each grid sizes its own rows, so a value that wraps on one side leaves no blank line on
    the other (as one grid of both sides' rows did).
    """

    def __init__(self, grids: list[Grid], gap: float, rule_below: Rule) -> None:
        super().__init__()
        self.grids, self.gap, self.rule = grids, gap, rule_below
        self.width = sum(g.width for g in grids) + gap * (len(grids) - 1)
        self.height = max((g.height for g in grids), default=0.0)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        x = 0.0
        for grid in self.grids:
            grid.drawOn(canvas, x, self.height - grid.height)
            x += grid.width + self.gap
        canvas.saveState()
        canvas.setStrokeColor(self.rule.color)
        canvas.setLineWidth(self.rule.width)
        canvas.line(0, 0, self.width, 0)
        canvas.restoreState()


@dataclass(frozen=True)
class Picture:
    """An image (PNG or JPEG bytes) scaled to fit `width` x `height`, keeping its proportions."""

    data: bytes
    width: float
    height: float


@functools.lru_cache(maxsize=8)
def _decoded(data: bytes) -> ImageReader | None:
    """An image decoded once and shared by every document that shows it (an institution's
    logo is in every transcript of a run). Decoded here, pixels and transparency, so that
    documents drawn at once in threads only read it. None for a JPEG, which goes into the
    PDF as it is (undecoded) through its own file."""
    reader = ImageReader(io.BytesIO(data))
    if reader.jpeg_fh() is not None:
        return None
    reader.getSize()
    reader.getRGBData()  # also splits off the alpha channel, a reader of its own
    alpha = getattr(reader, "_dataA", None)
    if alpha is not None:
        alpha.getSize()
        alpha.getRGBData()
    return reader


class Masthead(Flowable):
    """Columns side by side, each a picture or cells stacked from the top, over a rule.

    The first page's head (logo, institution, document): what a one-row platypus table of
    paragraph lists drew, without a table's repeated wrapping (which copies the frame each
    time) and with the grids' text drawing.
    """

    def __init__(
        self, columns: list[Picture | list[Cell]], widths: list[float], padding: Padding, rule_below: Rule
    ) -> None:
        super().__init__()
        self.columns, self.widths, self.padding, self.rule = columns, widths, padding, rule_below
        self.width = sum(widths)
        self._pictures: dict[int, tuple[ImageReader, float, float]] = {}
        heights = []
        for index, column in enumerate(columns):
            if isinstance(column, Picture):
                reader = _decoded(column.data) or ImageReader(io.BytesIO(column.data))
                pixels_wide, pixels_high = reader.getSize()
                factor = min(column.width / pixels_wide, column.height / pixels_high)
                self._pictures[index] = (reader, pixels_wide * factor, pixels_high * factor)
                heights.append(pixels_high * factor)
            else:
                heights.append(sum(len(c.lines) * _style_of(c).leading for c in column))
        self.height = max(heights, default=0.0) + padding.top + padding.bottom

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        canvas.saveState()
        top = self.height - self.padding.top
        text = TextDrawer(canvas)
        x = 0.0
        for index, (column, width) in enumerate(zip(self.columns, self.widths, strict=True)):
            if isinstance(column, Picture):
                reader, wide, high = self._pictures[index]
                canvas.drawImage(reader, x + self.padding.x, top - high, wide, high, mask="auto")
            else:
                y = top
                for one in column:
                    style = _style_of(one)
                    text.cell(one, style, x, width, y, self.padding.x)
                    y -= len(one.lines) * style.leading
            x += width
        text.finish()
        canvas.setStrokeColor(self.rule.color)
        canvas.setLineWidth(self.rule.width)
        canvas.line(0, 0, self.width, 0)
        canvas.restoreState()


def _style_of(cell: Cell) -> TextStyle:
    if cell.style is None:
        raise ValueError("a masthead cell carries its own style (cell(..., own_style=True))")
    return cell.style


# The text operators of a line, by everything they depend on: the line, its style, whether
# it is shaped, the document's codes for its characters (the font subsets are the document's
# own, filled in the order characters first appear), the font's name in the document, the
# subset and rise the text object is in. reportlab writes a shaped line glyph by glyph, a
# third of a Thai edition's rendering, and formats every line afresh; lines recur (course
# titles, codes, grades, labels), and their codes mostly agree.
_OPERATORS_LIMIT = 4096
_operators: OrderedDict[tuple[Any, ...], tuple[str, int]] = OrderedDict()


@functools.lru_cache(maxsize=_OPERATORS_LIMIT)
def _shaped(line: str, font: str, size: float) -> str:
    """`shapeStr`: the line as HarfBuzz shapes it (a str carrying its glyph positions, which
    drawing only reads)."""
    return shapeStr(line, font, size)


def _codes(state: Any, text: str) -> tuple[int | None, ...]:
    """The code each character of `text` has in a font's subsets of one document (None: none
    yet). `splitString` maps a no-break space to a space; it stays None here."""
    return tuple(map(state.assignments.get, map(ord, text)))


def _text_out(tx: Any, line: str, style: TextStyle, shaped: bool) -> None:
    """`tx._textOut(line)` (shaped first when `shaped`), from the cache when the same
    operators are due."""
    text = _shaped(line, style.font, style.size) if shaped else line
    font = pdfmetrics.getFont(style.font)
    doc = tx._canvas._doc
    state = font.state.get(doc)
    # The document's code for each character (subset and byte, as `splitString` splits them);
    # looked up at once when every character has one, which is most lines after the first few.
    codes: tuple[Any, ...] | None = None if state is None else _codes(state, text)
    if codes is None or None in codes:
        runs = font.splitString(text, doc)  # assigns codes to new characters, as drawing would
        state = font.state[doc]
        codes = _codes(state, text)
        if None in codes:  # a character the font lacks (drawn as .notdef): the runs say it
            codes = tuple(runs)
    name = state.internalName
    if name is None:  # the font's first use in this document names it: leave that to reportlab
        tx._textOut(text)
        return
    key = (style.font, style.size, style.leading, line, shaped, codes, name, tx._curSubset, tx._rise)
    found = _operators.get(key)
    if found is None:
        tx._textOut(text)
        _operators[key] = (tx._code[-1], tx._curSubset)
        while len(_operators) > _OPERATORS_LIMIT:
            with suppress(KeyError):
                _operators.popitem(last=False)
        return
    with suppress(KeyError):  # another thread may have just evicted it
        _operators.move_to_end(key)
    operators, tx._curSubset = found
    tx._code.append(operators)


class TextDrawer:
    """One PDF text object for many lines: font and colour set only when they change."""

    def __init__(self, canvas: Any) -> None:
        self.canvas = canvas
        self.object = canvas.beginText()
        self.style: TextStyle | None = None
        self.color: Color | None = None

    def cell(
        self, cell: Cell, style: TextStyle, x: float, width: float, top: float, padding_x: float
    ) -> None:
        """The cell's lines from `top` down, inside the column from `x`, `width` wide."""
        baseline = top - style.size
        for line in cell.lines:
            if line:
                self.line(line, style, x, width, baseline, cell.align, padding_x)
            baseline -= style.leading

    def line(
        self, line: str, style: TextStyle, x: float, width: float, baseline: float, align: str = "left",
        padding_x: float = 0.0,
    ) -> None:  # fmt: skip
        shaped = is_thai(line)
        left = x + padding_x
        if align != "left":
            measure = text_width if shaped else pdfmetrics.stringWidth
            room = width - padding_x - measure(line, style.font, style.size)
            left = x + room if align == "right" else x + room / 2 + padding_x / 2
        tx = self.object
        if style is not self.style and style != self.style:  # identity first: colours compare slowly
            tx.setFont(style.font, style.size, style.leading)
            self.style = style
        if style.color is not self.color and style.color != self.color:
            tx.setFillColor(style.color)
            self.color = style.color
        tx.setTextOrigin(left, baseline)
        _text_out(tx, line, style, shaped)

    def finish(self) -> None:
        self.canvas.drawText(self.object)


def draw_rotated(canvas: Any, text: str, style: TextStyle, x: float, y: float, angle: float) -> None:
    """`text` as one line centred on (`x`, `y`), turned by `angle` (radians), in one text object.

    Text readers join characters into words along horizontal or vertical lines only: drawn
    diagonally, a phrase comes out a character per line. The phrase is therefore also given
    as the span's ActualText, which readers extract instead (one phrase, as written)."""
    shaped = is_thai(text)
    width = (text_width if shaped else pdfmetrics.stringWidth)(text, style.font, style.size)
    cos, sin = math.cos(angle), math.sin(angle)
    # The baseline's start: half the width back along the line, a third of the size down.
    left, down = width / 2, style.size / 3
    origin_x, origin_y = x - left * cos + down * sin, y - left * sin - down * cos
    canvas.saveState()
    canvas.setFillColor(style.color)  # with its alpha: the fill's transparency
    canvas.addLiteral(f"/Span <</ActualText <FEFF{text.encode('utf-16-be').hex().upper()}>>> BDC")
    tx = canvas.beginText()
    tx.setFont(style.font, style.size, style.leading)
    tx.setFillColor(style.color)
    tx.setTextTransform(cos, sin, -sin, cos, origin_x, origin_y)
    _text_out(tx, text, style, shaped)
    canvas.drawText(tx)
    canvas.addLiteral("EMC")
    canvas.restoreState()
