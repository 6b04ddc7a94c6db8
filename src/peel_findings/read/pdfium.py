"""Read PDF reports with PDFium. The only module that imports pypdfium2.

PDFium gives single positioned characters (its text page) and the page's drawn paths; this module
turns them into the same `layout.PageWords` that the pdfplumber engine (`pdf`) builds, so that the
layout rules see the same input whichever engine read the page:

* each character gets pdfplumber's box: from its origin, its advance width along the baseline, and
  its font's descent below the baseline up to one font size above it, through the character's
  matrix; its size is that box's height, as pdfplumber's is;
* characters become words as pdfplumber groups them (`charwords`);
* PDFium's own additions are undone: line-end hyphens it writes as U+0002/U+FFFE are hyphens again,
  the line breaks it makes up are dropped, a space it makes up in place of a drawn one still parts
  two words, and variation selectors (which it takes from a span's ActualText) are dropped;
* ruled tables come from the straight segments of the page's painted paths (`ruled`).

Each page (and its text page) is closed as soon as its words are taken, so memory does not grow
with the page count.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..errors import ReadError
from ..types import Document
from . import layout
from .charwords import Char, group_words
from .pdfbase import check_page_count, check_signature, corrupt_error, encrypted_error, finish
from .ruled import Edge, ruled_tables, segment_edge

_HYPHENS = (0x02, 0xFFFE)  # how PDFium writes a hyphen that ends a line
_MADE_UP_BREAKS = (0x0A, 0x0D)
_VARIATION_SELECTORS = range(0xFE00, 0xFE10)  # choose a glyph's look; PDFium keeps them from ActualText
# Descent (per unit of font size) of the standard fonts a PDF may name without embedding them: the
# fonts' published metrics, which pdfplumber uses, where PDFium measures a substitute font.
_STANDARD_DESCENT = {"Helvetica": -0.207, "Times-": -0.217, "Courier": -0.194, "Symbol": 0.0, "ZapfDingbats": 0.0}
_PATH, _FORM = 2, 5  # FPDF_PAGEOBJ_PATH, FPDF_PAGEOBJ_FORM
_MOVETO, _BEZIERTO = 2, 1  # FPDF_SEGMENT_*
_ERR_PASSWORD, _ERR_SECURITY = 4, 5  # FPDF_ERR_*

Matrix = tuple[float, float, float, float, float, float]  # a b c d e f, as in PDF


def read_pdf_pdfium(path: str | Path, max_pages: int | None = None) -> Document:
    """Read a PDF into a `Document` with PDFium; raise a `ReadError` subclass saying what is wrong."""
    path = Path(path)
    check_signature(path)
    import pypdfium2

    try:
        pdf = pypdfium2.PdfDocument(str(path))
    except pypdfium2.PdfiumError as exc:
        if exc.err_code in (_ERR_PASSWORD, _ERR_SECURITY):
            raise encrypted_error(path) from exc
        raise corrupt_error(path, exc) from exc
    try:
        check_page_count(path, len(pdf), max_pages)
        title = pdf.get_metadata_value("Title")
        pages = [_page_words(pdf, index) for index in range(len(pdf))]
    except ReadError:
        raise
    except Exception as exc:  # PDFium fails on a damaged page with PdfiumError, or with a ctypes error
        raise corrupt_error(path, exc) from exc
    finally:
        pdf.close()
    return finish(path, pages, title)


def _page_words(pdf: Any, index: int) -> layout.PageWords:
    """One page's words and ruled tables; the page is closed before this returns."""
    import pypdfium2.raw as raw

    page = pdf[index]
    try:
        frame = _Frame.of(page)
        textpage = raw.FPDFText_LoadPage(page.raw)
        try:
            chars = _Chars(raw, textpage, frame).read()
        finally:
            raw.FPDFText_ClosePage(textpage)
        tables = ruled_tables(_edges(raw, page.raw, frame), chars)
    finally:
        page.close()
    return layout.PageWords(number=index + 1, width=frame.width, height=frame.height,
                            words=tuple(group_words(chars)), tables=tables)


@dataclass(frozen=True)
class _Frame:
    """Where pdfplumber puts a page's points: PDF user space turned by the page's /Rotate (as pdfminer
    does) and flipped so that y runs down from the top of the media box."""

    ctm: Matrix
    width: float
    height: float

    @classmethod
    def of(cls, page: Any) -> _Frame:
        x0, y0, x1, y1 = page.get_mediabox()
        rotation = page.get_rotation() % 360
        ctm: Matrix = {
            90: (0.0, -1.0, 1.0, 0.0, -y0, x1),
            180: (-1.0, 0.0, 0.0, -1.0, x1, y1),
            270: (0.0, 1.0, -1.0, 0.0, y1, -x0),
        }.get(rotation, (1.0, 0.0, 0.0, 1.0, -x0, -y0))
        width, height = (y1 - y0, x1 - x0) if rotation in (90, 270) else (x1 - x0, y1 - y0)
        return cls(ctm, width, height)

    def device(self, x: float, y: float) -> tuple[float, float]:
        """A user-space point in pdfminer's device space (y up from the media box's foot)."""
        a, b, c, d, e, f = self.ctm
        return a * x + c * y + e, b * x + d * y + f

    def point(self, x: float, y: float) -> tuple[float, float]:
        """A user-space point as (x, top)."""
        dx, dy = self.device(x, y)
        return dx, self.height - dy

    def linear(self, m: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
        """A character's matrix (linear part) followed by the page's rotation."""
        a, b, c, d = m
        ra, rb, rc, rd = self.ctm[:4]
        return a * ra + b * rc, a * rb + b * rd, c * ra + d * rc, c * rb + d * rd


@dataclass(frozen=True, slots=True)
class _Run:
    """What the characters of one text object share: font, size, matrix."""

    font: Any
    font_key: int  # the font's address: runs in one font share its glyph widths
    fontname: str
    descent: float  # per unit of font size, negative below the baseline
    font_size: float
    matrix: tuple[float, float, float, float]  # device-space linear part, y up


class _Chars:
    """A text page's characters as `Char`s with pdfplumber's boxes, in PDFium's (content) order."""

    def __init__(self, raw: Any, textpage: Any, frame: _Frame) -> None:
        self.raw, self.textpage, self.frame = raw, textpage, frame
        self.runs: dict[int, _Run] = {}
        self.widths: dict[tuple[int, int], float] = {}  # (font, code) -> advance at size 1
        self.x, self.y = ctypes.c_double(), ctypes.c_double()  # the current character's origin
        self.box = raw.FS_RECTF()
        self.object_address = _object_address(raw)

    def read(self) -> list[Char]:
        """Every character, in content order, with its box. A character drawn at the same origin by the
        same text object as the one before is the rest of one glyph (a ligature) and joins it.

        The loop is written out, with no call per character but PDFium's: a page has thousands."""
        raw, tp = self.raw, self.textpage
        unicode, generated, map_error = raw.FPDFText_GetUnicode, raw.FPDFText_IsGenerated, \
            raw.FPDFText_HasUnicodeMapError
        object_address, get_origin = self.object_address, raw.FPDFText_GetCharOrigin
        x, y, runs, widths = self.x, self.y, self.runs, self.widths
        ra, rb, rc, rd, re_, rf = self.frame.ctm
        height = self.frame.height
        made_up = (0x20, *_MADE_UP_BREAKS)
        chars: list[Char] = []
        last = None  # (text object, x, y) of the last character
        for i in range(raw.FPDFText_CountChars(tp)):
            code = unicode(tp, i)
            if code in made_up and generated(tp, i):
                if code == 0x20 and chars:
                    chars.append(_space_after(chars[-1]))
                continue
            if code in _VARIATION_SELECTORS:
                continue
            # a line-end hyphen is a hyphen; a glyph the font does not map to Unicode (PDFium passes its
            # code on) is written as pdfminer writes it
            hyphen = code in _HYPHENS
            text = "-" if hyphen else f"(cid:{code})" if map_error(tp, i) else chr(code)
            key = object_address(tp, i) or 0
            get_origin(tp, i, x, y)
            origin = (key, x.value, y.value)
            if origin == last and chars:
                chars[-1] = self._extend(chars[-1], i, text)
                continue
            last = origin
            run = runs.get(key)
            if run is None:
                run = runs[key] = self._new_run(i)
            glyph = 0x2D if hyphen else code
            width = widths.get((run.font_key, glyph))
            if width is None:
                width = self._advance(run, glyph)
            # the box: along the baseline from the origin by the advance, across it from the font's
            # descent to one font size above that, through the character's matrix
            size = run.font_size
            advance = width * size
            low, high = run.descent * size, (run.descent + 1.0) * size
            a, b, c, d = run.matrix
            ox, oy = ra * origin[1] + rc * origin[2] + re_, rb * origin[1] + rd * origin[2] + rf
            if b == 0.0 and c == 0.0:  # upright or mirrored, not turned: the usual case, and quicker
                x0, x1 = ox, ox + a * advance
                if x1 < x0:
                    x0, x1 = x1, x0
                y0, y1 = oy + d * low, oy + d * high
                if y1 < y0:
                    y0, y1 = y1, y0
            else:
                x0, x1, y0, y1 = _turned_box(run.matrix, ox, oy, advance, low, high)
            chars.append(Char(text, x0, x1, height - y1, height - y0, y1 - y0, run.fontname,
                              a * d > 0 and b * c <= 0))
        return chars

    def _new_run(self, index: int) -> _Run:
        raw = self.raw
        obj = raw.FPDFText_GetTextObject(self.textpage, index)
        font = raw.FPDFTextObj_GetFont(obj) if obj else None
        name = _font_name(raw, font) if font else ""
        matrix = raw.FS_MATRIX()
        raw.FPDFText_GetMatrix(self.textpage, index, matrix)
        return _Run(font=font, font_key=ctypes.cast(font, ctypes.c_void_p).value or 0, fontname=name,
                    descent=_descent(raw, font, name) if font else 0.0,
                    font_size=raw.FPDFText_GetFontSize(self.textpage, index),
                    matrix=self.frame.linear((matrix.a, matrix.b, matrix.c, matrix.d)))

    def _advance(self, run: _Run, code: int) -> float:
        """The glyph's advance width at font size 1 (0 where PDFium cannot say)."""
        key = (run.font_key, code)
        width = self.widths.get(key)
        if width is None:
            out = ctypes.c_float()
            ok = run.font and self.raw.FPDFFont_GetGlyphWidth(run.font, code, 1.0, out)
            width = self.widths[key] = out.value if ok else 0.0
        return width

    def _extend(self, char: Char, index: int, text: str) -> Char:
        """A ligature's next character joins the one before it, whose box grows to the glyph's end."""
        self.raw.FPDFText_GetLooseCharBox(self.textpage, index, self.box)
        right, _ = self.frame.point(self.box.right, self.box.top)
        return Char(text=char.text + text, x0=char.x0, x1=max(char.x1, right), top=char.top, bottom=char.bottom,
                    size=char.size, fontname=char.fontname, upright=char.upright)


def _turned_box(matrix: tuple[float, float, float, float], ox: float, oy: float, advance: float, low: float,
                high: float) -> tuple[float, float, float, float]:
    """(x0, x1, y0, y1) of a turned character's box: its four corners through its matrix."""
    a, b, c, d = matrix
    xs = [ox + a * u + c * v for u in (0.0, advance) for v in (low, high)]
    ys = [oy + b * u + d * v for u in (0.0, advance) for v in (low, high)]
    return min(xs), max(xs), min(ys), max(ys)


@lru_cache(maxsize=1)
def _object_address(raw: Any) -> Any:
    """``FPDFText_GetTextObject`` returning the text object's address as an int (None for no object):
    the same C function, without a ctypes pointer object and a cast for every character. Made once."""
    import sys

    function = raw.FPDFText_GetTextObject
    if sys.platform == "win32" and ctypes.sizeof(ctypes.c_void_p) == 4:  # 32-bit Windows: stdcall, keep the cast
        return lambda textpage, index: ctypes.cast(function(textpage, index), ctypes.c_void_p).value
    prototype = ctypes.CFUNCTYPE(ctypes.c_void_p, *function.argtypes)
    return prototype(ctypes.cast(function, ctypes.c_void_p).value)


def _space_after(char: Char) -> Char:
    """A space where PDFium made one up: PDFium puts one in place of a drawn space it drops, so it parts
    two words as the drawn one did (it makes none where a space was not drawn and the gap is narrow)."""
    return Char(text=" ", x0=char.x1, x1=char.x1, top=char.top, bottom=char.bottom, size=char.size,
                fontname=char.fontname, upright=char.upright)


def _font_name(raw: Any, font: Any) -> str:
    length = raw.FPDFFont_GetBaseFontName(font, None, 0)
    buffer = ctypes.create_string_buffer(length)
    raw.FPDFFont_GetBaseFontName(font, buffer, length)
    return buffer.value.decode("utf-8", "replace")


def _descent(raw: Any, font: Any, name: str) -> float:
    """The font's descent per unit of size (negative): the standard metrics for a standard font that
    is not embedded, otherwise what the PDF's font descriptor says, as PDFium reads it. (Where the
    descriptor says 0, as LibreOffice writes it, PDFium measures the glyphs and pdfminer keeps 0: such
    words sit a point or two lower than pdfplumber puts them, the same for every word of the font.)"""
    if not raw.FPDFFont_GetIsEmbedded(font):
        for prefix, descent in _STANDARD_DESCENT.items():
            if name.startswith(prefix):
                return descent
    out = ctypes.c_float()
    raw.FPDFFont_GetDescent(font, 1.0, out)
    return -abs(out.value)


def _edges(raw: Any, page: Any, frame: _Frame) -> list[Edge]:
    """Every axis-parallel straight segment of the page's painted paths, forms included."""
    edges: list[Edge] = []
    count = raw.FPDFPage_CountObjects(page)
    _collect_edges(raw, [raw.FPDFPage_GetObject(page, i) for i in range(count)], None, frame, edges)
    return edges


def _collect_edges(raw: Any, objects: list[Any], outer: Matrix | None, frame: _Frame, edges: list[Edge]) -> None:
    for obj in objects:
        kind = raw.FPDFPageObj_GetType(obj)
        if kind == _FORM:
            inner = _compose(_matrix(raw, obj), outer)
            count = raw.FPDFFormObj_CountObjects(obj)
            _collect_edges(raw, [raw.FPDFFormObj_GetObject(obj, i) for i in range(count)], inner, frame, edges)
        elif kind == _PATH and _painted(raw, obj):
            matrix = _compose(_matrix(raw, obj), outer)
            for points in _subpaths(raw, obj):
                placed = [frame.point(*_apply(matrix, p)) for p in points]
                edges.extend(e for e in map(segment_edge, placed, placed[1:]) if e is not None)


def _painted(raw: Any, obj: Any) -> bool:
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    return bool(raw.FPDFPath_GetDrawMode(obj, fill, stroke)) and (fill.value != 0 or bool(stroke.value))


def _subpaths(raw: Any, obj: Any) -> list[list[tuple[float, float]]]:
    """Each subpath's points as pdfminer keeps them: segment ends (not Bézier control points), and the
    start again where the subpath is closed."""
    paths: list[list[tuple[float, float]]] = []
    x, y = ctypes.c_float(), ctypes.c_float()
    bezier = 0
    for i in range(raw.FPDFPath_CountSegments(obj)):
        segment = raw.FPDFPath_GetPathSegment(obj, i)
        raw.FPDFPathSegment_GetPoint(segment, x, y)
        kind = raw.FPDFPathSegment_GetType(segment)
        point = (x.value, y.value)
        if kind == _MOVETO or not paths:
            paths.append([point])
            bezier = 0
        elif kind == _BEZIERTO:
            bezier += 1
            if bezier % 3 == 0:
                paths[-1].append(point)
        else:
            paths[-1].append(point)
        if raw.FPDFPathSegment_GetClose(segment):
            paths[-1].append(paths[-1][0])
    return paths


def _matrix(raw: Any, obj: Any) -> Matrix:
    m = raw.FS_MATRIX()
    if not raw.FPDFPageObj_GetMatrix(obj, m):
        return (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    return (m.a, m.b, m.c, m.d, m.e, m.f)


def _compose(inner: Matrix, outer: Matrix | None) -> Matrix:
    """``inner`` then ``outer`` (a form's content matrix within the form's placement)."""
    if outer is None:
        return inner
    a, b, c, d, e, f = inner
    A, B, C, D, E, F = outer
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _apply(m: Matrix, point: tuple[float, float]) -> tuple[float, float]:
    a, b, c, d, e, f = m
    x, y = point
    return a * x + c * y + e, b * x + d * y + f
