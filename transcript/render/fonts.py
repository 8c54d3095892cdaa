"""Sarabun with HarfBuzz shaping, and text that machines can read back.

reportlab shapes Thai with HarfBuzz when a paragraph style has ``shaping=1``, so tone marks
and vowels sit where they belong (ผู้ ที่ ปู่ น้ำ ฝั่ง ญ ฐ). Glyphs that have no Unicode value of their
own (a lowered tone mark ``uni0E48.small``, the nikhahit-and-tone ligature of SARA AM) are
given private-use code points, and reportlab writes those into the font's ToUnicode map:
``pdftotext`` then loses them. Two corrections make extraction exact:

1. after shaping, each SARA AM (ำ), which HarfBuzz draws as nikhahit (or a nikhahit-tone
   ligature) plus SARA AA, gets its own private codes for those glyphs, so that the pair can
   read back as the tone mark (if any) and ำ;
2. the ToUnicode map writes, for every private code, the text its glyph stands for: the code
   points in the glyph's name (``uni0E48.small`` is U+0E48) or the characters it was shaped
   from.

Both hooks are installed once, by `register_fonts`, and touch only fonts registered here.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

import fontpkg
import uharfbuzz
from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import ShapeData, ShapedStr, TTFont
from reportlab.platypus import paragraph as rl_paragraph

REGULAR = "Sarabun"
BOLD = "Sarabun-Bold"
SARA_AM = "\u0e33"
_NIKHAHIT = 0x0E4D
_SARA_AA = 0x0E32
_UNI_NAME = re.compile(r"^uni((?:[0-9A-F]{4})+)(?:\..*)?$")
_lock = threading.Lock()
_installed = False

# Per font face: private code point -> the text it reads back as ("" for a glyph whose
# text another glyph of the cluster carries).
_readback: dict[str, dict[int, str]] = {}


@dataclass(frozen=True)
class FontSet:
    regular: str = REGULAR
    bold: str = BOLD


def register_fonts() -> FontSet:
    """Register Sarabun (regular and bold, shaped) and the extraction fixes; idempotent."""
    global _installed
    with _lock:
        if not _installed:
            for name, weight in ((REGULAR, 400), (BOLD, 700)):
                font = TTFont(name, str(fontpkg.path("Sarabun", weight=weight)), shapable=True)
                _remember_embedding(font)
                pdfmetrics.registerFont(font)
                _readback[
                    font.face.name.decode("latin-1") if isinstance(font.face.name, bytes) else font.face.name
                ] = {}
            pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD, italic=REGULAR, boldItalic=BOLD)
            _installed = True
    return FontSet()


# A font is embedded as subsets of the glyphs a document uses: for each subset a font
# program cut from the font file. The subset is the document's characters in the order they
# first appear, and editions with the same characters in the same order (every English
# edition of a curriculum, as a rule) embed identical subsets: each program is cut once,
# remembered by its exact codes, the least recently used going first. (Their compressed
# streams are remembered by content too, see `transcript._speedups.reportlab`.)
_SUBSETS_LIMIT = 32


def _remember_embedding(font: TTFont) -> None:
    """Make `font`'s subset programs once per subset."""
    face = font.face
    cut = face.makeSubset
    program = lru_cache(maxsize=_SUBSETS_LIMIT)(lambda codes: cut(list(codes)))
    # The codes name glyphs for good: private-use codes given to shaped glyphs never change.
    face.makeSubset = lambda subset: program(tuple(subset))


def _face_key(font: TTFont) -> str:
    name = font.face.name
    return name.decode("latin-1") if isinstance(name, bytes) else str(name)


# reportlab's shaping and ToUnicode functions, as the library has them.
_library_shape = ttfonts.shapeFragWord
_library_cmap = ttfonts.makeToUnicodeCMap
# One document is laid out and written at a time while reportlab calls the project's shaping
# (a reentrant lock: a render may call another render's helpers).
_shaping_lock = threading.RLock()


@contextmanager
def shaping() -> Iterator[None]:
    """reportlab shapes and maps text the project's way (SARA AM read back as written, shaped
    words remembered) for the duration of the block, and has its own functions back after:
    nothing of reportlab stays changed outside a render."""
    with _shaping_lock:
        saved = (ttfonts.shapeFragWord, rl_paragraph.shapeFragWord, ttfonts.makeToUnicodeCMap)
        ttfonts.shapeFragWord = rl_paragraph.shapeFragWord = _shape_frag_word
        ttfonts.makeToUnicodeCMap = _make_to_unicode_cmap
        try:
            yield
        finally:
            ttfonts.shapeFragWord, rl_paragraph.shapeFragWord, ttfonts.makeToUnicodeCMap = saved


def _hooks() -> tuple[Any, Any]:
    original_shape = _library_shape
    original_cmap = _library_cmap

    def shape_frag_word(w, *args, **kwargs):
        key = _cache_key(w, args, kwargs)
        found = _MISSING if key is None else _shaped_words.get(key, _MISSING)
        if found is not _MISSING:
            with suppress(KeyError):  # another thread may have just evicted it
                _shaped_words.move_to_end(key)
            return _rebuild(w, found)
        shaped = original_shape(w, *args, **kwargs)
        if shaped is not w:
            _fix_sara_am(w, shaped)
        if key is not None:
            _shaped_words[key] = None if shaped is w else (shaped[0], shaped[1][1], type(shaped))
            while len(_shaped_words) > _CACHE_LIMIT:
                with suppress(KeyError):
                    _shaped_words.popitem(last=False)
        return shaped

    def make_to_unicode_cmap(fontname: str, subset: list[int]) -> str:
        face = fontname.split("+", 1)[-1]
        table = _readback.get(face)
        text = original_cmap(fontname, subset)
        if not table:
            return text
        for code, value in enumerate(subset):
            if value in table:
                utf16 = table[value].encode("utf-16-be").hex().upper()
                text = text.replace(f"<{code:02X}> <{value:04X}>", f"<{code:02X}> <{utf16}>", 1)
        return text

    return shape_frag_word, make_to_unicode_cmap


# Shaping results by (font, size, text) of single-fragment words. reportlab shapes every word
# each time a paragraph is wrapped (tables wrap their cells several times), so the same words
# are shaped again and again; the result depends only on the key. Whole lines drawn by
# `blocks` are cached too, and some are new in every transcript (totals, names): the least
# recently used go first, a curriculum's titles and the labels stay.
_CACHE_LIMIT = 1024
_MISSING = object()
_shaped_words: OrderedDict[tuple[str, float, str], tuple[float, ShapedStr, type] | None] = OrderedDict()


def _cache_key(w: list, args: tuple, kwargs: dict) -> tuple[str, float, str] | None:
    # `shapeStr` (whole lines drawn by `blocks`) passes force=False, the default
    if (
        args
        or (kwargs and kwargs != {"force": False})
        or isinstance(w, ttfonts.ShapedFragWord)
        or len(w) != 2
    ):
        return None
    frag, text = w[1]
    if hasattr(frag, "cbDefn") or not isinstance(text, str):
        return None
    return (frag.fontName, frag.fontSize, str(text))


def _rebuild(w: list, cached: tuple[float, ShapedStr, type] | None) -> list:
    """The shaped word for `w` from a cached result, with `w`'s own fragment style."""
    if cached is None:
        return w
    width, text, klass = cached
    return klass([width, (w[1][0], text)])


def _source_text(w: list) -> str:
    return "".join(s for f, s in w[1:] if not hasattr(f, "cbDefn"))


def _fix_sara_am(original: list, shaped: list) -> None:
    """Give SARA AM's glyphs private codes that read back as (tone +) ำ, and record read-backs."""
    text = _source_text(original)
    for index in range(1, len(shaped)):
        frag, s = shaped[index]
        if not isinstance(s, ShapedStr):
            continue
        font = pdfmetrics.getFont(frag.fontName)
        if not isinstance(font, TTFont) or _face_key(font) not in _readback:
            continue
        table = _readback[_face_key(font)]
        hb = _hb_font(frag.fontName)
        data = s.__shapeData__
        chars = list(s)
        has_sara_am = SARA_AM in text  # else no cluster needs the work below (most lines)
        for i, char in enumerate(chars):
            code = ord(char)
            if code >= 0xE000 and code not in table:
                gid = font.face.charToGlyph[code]
                table[code] = _name_text(hb.glyph_to_string(gid)) or _cluster_text(text, data, i)
            if not has_sara_am:
                continue
            cluster_text = _cluster_text(text, data, i)
            if SARA_AM not in cluster_text:
                continue
            gid = font.face.charToGlyph.get(code)
            name = hb.glyph_to_string(gid) if gid is not None else ""
            if code == _SARA_AA:
                chars[i] = chr(_private(font, "uni0E32.am", gid, table, SARA_AM))
            elif code == _NIKHAHIT or name.startswith("uni0E4D."):
                chars[i] = chr(_private(font, f"{name}.am", gid, table, ""))
            elif name.startswith("uni0E4D0E4"):  # nikhahit + tone mark ligature: reads as the tone
                private = (
                    code if code >= 0xE000 else _private(font, name, gid, table, chr(int(name[7:11], 16)))
                )
                table[private] = chr(int(name[7:11], 16))
                chars[i] = chr(private)
        shaped[index] = (frag, ShapedStr("".join(chars), shapeData=data))


def _private(font: TTFont, name: str, gid: int | None, table: dict[int, str], readback: str) -> int:
    advance = font.face.charWidths.get(font.face.glyphToChar.get(gid, [0])[0], 0) if gid is not None else 0
    code = font.hbAddPrivate(name, gid, advance)
    table[code] = readback
    return code


def _cluster_text(text: str, data: list[ShapeData], i: int) -> str:
    start = data[i].cluster
    later = [d.cluster for d in data if d.cluster > start and d.cluster < 0x7FFFFFFF]
    end = min(later) if later else len(text)
    return text[start:end] if 0 <= start < len(text) else ""


def _name_text(name: str) -> str:
    match = _UNI_NAME.match(name)
    if not match:
        return ""
    hexes = match.group(1)
    return "".join(chr(int(hexes[i : i + 4], 16)) for i in range(0, len(hexes), 4))


@cache
def _hb_font(font_name: str) -> uharfbuzz.Font:
    font = pdfmetrics.getFont(font_name)
    face = uharfbuzz.Face(uharfbuzz.Blob(font.face._ttf_data))
    return uharfbuzz.Font(face)


def text_width(text: str, font_name: str, size: float) -> float:
    """The shaped advance width of `text` in points, as HarfBuzz lays it out."""
    return _shaped_width(text, font_name) * size / 1000


@lru_cache(maxsize=16_384)  # names and totals lines are new in every transcript: bounded
def _shaped_width(text: str, font_name: str) -> float:
    font = _hb_font(font_name)
    buffer = uharfbuzz.Buffer()
    buffer.add_str(text)
    buffer.guess_segment_properties()
    uharfbuzz.shape(font, buffer, {"kern": True, "liga": True})
    units = font.face.upem
    return sum(p.x_advance for p in buffer.glyph_positions) * 1000 / units


_shape_frag_word, _make_to_unicode_cmap = _hooks()
