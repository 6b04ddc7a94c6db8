"""From positioned words to clean blocks: lines, columns, furniture, footnotes, paragraphs.

Pure functions over plain tuples (no PDF library here), in three passes:

1. per page: words -> lines (column by column), footnote markers taken out;
2. across pages: running headers/footers and page numbers found and dropped;
3. per page: footnotes split off the page foot; lines grouped into headings,
   paragraphs, list items, captions and tables; line-end hyphens resolved.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..types import Block, BlockKind, Document, Footnote, Table
from . import units

_MARKER_TEXT = re.compile(r"^\d{1,3}(?:[,–-]\d{1,3})*$|^[*†‡§]$")
_PAGE_NUMBER_KEY = re.compile(r"^(?:page\s*)?#(?:\s*(?:of|/)\s*#)?$|^[-–]\s*#\s*[-–]$")
# "(cid:127)" is how pdfminer shows a glyph its font does not map to text: at the start of a
# line it is almost always a list bullet from a symbol font.
_BULLET_START = re.compile(rf"^(?:[{units.BULLET_GLYPHS}]|\d{{1,2}}[.)]|\(?[a-z]\)|\(cid:\d+\))$")
_CID = re.compile(r"\(cid:\d+\)")
# Punctuation that never follows a space; a gap before it is a removed footnote marker.
_CLOSING = re.compile(r"^[,.;:!?)\]](?:\W*)$")
_DIGITS = re.compile(r"\d+")
_PAGE_AT_ENDS = re.compile(r"^(?:#\s+)+|(?:\s+#)+$")


@dataclass(frozen=True, slots=True)
class Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool


@dataclass(frozen=True, slots=True)
class RuledTable:
    """A table drawn with ruling lines: its box (x0, top, x1, bottom) and its cell texts."""

    bbox: tuple[float, float, float, float]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True, slots=True)
class PageWords:
    number: int
    width: float
    height: float
    words: tuple[Word, ...]
    tables: tuple[RuledTable, ...] = ()


@dataclass
class Line:
    words: list[Word]
    page: int
    markers: list[str] = field(default_factory=list)
    starts_with_marker: str | None = None  # a raised number opening a footnote body

    @property
    def text(self) -> str:
        parts: list[str] = []
        prev: Word | None = None
        for w in self.words:
            if prev is not None and w.x0 - prev.x1 > min(1.0, 0.12 * w.size) and not _CLOSING.match(w.text):
                parts.append(" ")
            parts.append(w.text)
            prev = w
        return "".join(parts)

    @property
    def x0(self) -> float:
        return self.words[0].x0

    @property
    def x1(self) -> float:
        return max(w.x1 for w in self.words)

    @property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> float:
        return max(w.bottom for w in self.words)

    @property
    def size(self) -> float:
        sizes = Counter()
        for w in self.words:
            sizes[w.size] += len(w.text)
        return sizes.most_common(1)[0][0]

    @property
    def bold(self) -> bool:
        bold = sum(len(w.text) for w in self.words if w.bold)
        return bold * 2 > sum(len(w.text) for w in self.words)

    def cells(self) -> list[str]:
        """The line split at wide gaps, as a table row would be."""
        gap = max(12.0, 1.8 * self.size)
        cells: list[list[Word]] = [[self.words[0]]]
        for prev, w in zip(self.words, self.words[1:]):
            if w.x0 - prev.x1 > gap:
                cells.append([])
            cells[-1].append(w)
        return [Line(c, self.page).text for c in cells]


def assemble(path: str, pages: list[PageWords], title: str | None = None) -> Document:
    """Turn every page's words into a `Document` of clean blocks, footnotes and tables."""
    body = _body_size(pages)
    furniture = _furniture(pages)
    raw_blocks: list[tuple[BlockKind, list[Line]]] = []
    footnotes: list[Footnote] = []
    tables: list[Table] = []
    for page in pages:
        words = [w for w in page.words if w not in furniture and not _in_table(w, page.tables)]
        tables.extend(Table(rows=t.rows, page=page.number) for t in page.tables)
        lines = _page_lines(page, words, body)
        kept, notes = _split_footnotes(lines, body, page)
        footnotes.extend(notes)
        raw_blocks.extend(_group(kept, body))
    vocabulary = _vocabulary(raw_blocks)
    heading_sizes = sorted({_round(lines[0].size) for kind, lines in raw_blocks if kind == "heading"}, reverse=True)
    blocks: list[Block] = []
    for kind, lines in raw_blocks:
        page = lines[0].page
        if kind == "table":
            tables.append(Table(rows=tuple(tuple(line.cells()) for line in lines), page=page))
            continue
        if kind == "bullet" and _CID.fullmatch(lines[0].words[0].text):
            lines = [Line(lines[0].words[1:], lines[0].page, lines[0].markers), *lines[1:]]
        text = units.normalise_space(_CID.sub("", _join_lines(lines, vocabulary)))
        if not text:
            continue
        if units.is_number_only(text):
            tables.append(Table(rows=((text,),), page=page))
            continue
        if kind == "bullet":
            text = units.strip_bullet(text) or text
        elif kind == "paragraph" and units.is_caption(text):
            kind = "caption"
        size = lines[0].size
        level = heading_sizes.index(_round(size)) + 1 if kind == "heading" else None
        blocks.append(Block(text, kind, page=page, font_size=size, bold=lines[0].bold, heading_level=level))
    return Document(
        path=path,
        format="pdf",
        pages=len(pages),
        blocks=tuple(units.merge_continuations(blocks, vocabulary)),
        footnotes=tuple(footnotes),
        tables=tuple(tables),
        title=title,
    )


def _in_table(word: Word, tables: tuple[RuledTable, ...]) -> bool:
    x, y = (word.x0 + word.x1) / 2, (word.top + word.bottom) / 2
    return any(t.bbox[0] <= x <= t.bbox[2] and t.bbox[1] <= y <= t.bbox[3] for t in tables)


def _round(size: float) -> float:
    return round(size * 2) / 2


def _body_size(pages: list[PageWords]) -> float:
    """The font size most characters are set in."""
    sizes: Counter[float] = Counter()
    for page in pages:
        for w in page.words:
            sizes[_round(w.size)] += len(w.text)
    return sizes.most_common(1)[0][0] if sizes else 10.0


# -- pass 1: lines -------------------------------------------------------------------------


def _page_lines(page: PageWords, words: list[Word], body: float) -> list[Line]:
    """Lines in reading order: full-width text above, then left column, right column, below."""
    regions = _columns(words, page.width)
    lines: list[Line] = []
    for words in regions:
        lines.extend(_cluster_lines(words, page.number, body))
    return lines


def _columns(words: list[Word], width: float) -> list[list[Word]]:
    """Split a page into reading-order regions when it is set in two columns."""
    if len(words) < 40:
        return [words]
    lo, hi = width * 0.35, width * 0.65
    best: float | None = None
    best_cross = len(words)
    for step in range(int(lo), int(hi), 3):
        cross = sum(1 for w in words if w.x0 < step < w.x1)
        if cross < best_cross:
            best, best_cross = float(step), cross
            if cross == 0:
                break
    if best is None or best_cross > 0.05 * len(words):
        return [words]
    gutter = best
    spanning = [w for w in words if w.x0 < gutter < w.x1]
    left = [w for w in words if w.x1 <= gutter]
    right = [w for w in words if w.x0 >= gutter]
    chars = sum(len(w.text) for w in words)
    if min(sum(len(w.text) for w in left), sum(len(w.text) for w in right)) < 0.25 * chars:
        return [words]
    if len({round(w.top) for w in right}) < 4 or len({round(w.top) for w in left}) < 4:
        return [words]
    col_top = max(min(w.top for w in left), min(w.top for w in right))
    col_bottom = min(max(w.bottom for w in left), max(w.bottom for w in right))
    if any(col_top - 1 < w.top < col_bottom + 1 for w in spanning):
        return [words]  # text runs across the gap between the columns: one column after all
    above = [w for w in spanning if w.bottom <= col_top + 1]
    below = [w for w in spanning if w.bottom > col_top + 1]
    return [r for r in (above, left, right, below) if r]


def _cluster_lines(words: list[Word], page: int, body: float, markers: bool = True) -> list[Line]:
    """Group words into lines by baseline; attach raised small words (superscripts) afterwards.

    Words on one baseline have nearly the same ``bottom`` whatever their size, so a tall
    page number beside a two-line footer joins only the footer line it sits on.
    """
    lines: list[Line] = []
    baselines: list[float] = []
    for w in sorted(words, key=lambda w: (w.bottom, w.x0)):
        if lines and w.bottom - baselines[-1] <= 0.25 * max(w.size, lines[-1].words[0].size):
            lines[-1].words.append(w)
        else:
            lines.append(Line([w], page))
            baselines.append(w.bottom)
    lines = _attach_raised(lines)
    for line in lines:
        line.words.sort(key=lambda w: w.x0)
        if markers:
            _take_markers(line)
    return [line for line in lines if line.words]


def _attach_raised(lines: list[Line]) -> list[Line]:
    """Merge a line of only small words (superscript numbers) into the line whose band holds it."""
    out: list[Line] = []
    for i, line in enumerate(lines):
        small = max(w.size for w in line.words)
        if len(line.text) <= 6 and all(_MARKER_TEXT.match(w.text) for w in line.words):
            centre = (line.top + line.bottom) / 2
            for other in (lines[i + 1] if i + 1 < len(lines) else None, out[-1] if out else None):
                if other is not None and other.top <= centre <= other.bottom and small <= 0.85 * other.size:
                    other.words.extend(line.words)
                    break
            else:
                out.append(line)
            continue
        out.append(line)
    return out


def _take_markers(line: Line) -> None:
    """Remove footnote markers: small raised numbers glued to the word before them."""
    if len(line.words) < 2:
        return
    main = max(w.size for w in line.words)
    baseline = max(w.bottom for w in line.words if w.size == main)
    kept: list[Word] = []
    for i, w in enumerate(line.words):
        small_raised = w.size <= 0.85 * main and w.bottom < baseline - 0.15 * main
        if small_raised and _MARKER_TEXT.match(w.text):
            if i == 0:
                line.starts_with_marker = w.text
                continue
            if w.x0 - line.words[i - 1].x1 < 2.0:
                line.markers.append(w.text)
                continue
        kept.append(w)
    line.words = kept


# -- pass 2: running headers, footers and page numbers -----------------------------------


def _furniture(pages: list[PageWords]) -> set[Word]:
    """Words of lines that repeat at the top or foot of many pages, and of page numbers.

    Lines are built from the top and bottom bands of the whole page width, before any
    column split, so a footer that spans both columns is still one line.
    """
    seen: dict[tuple[str, str], list[tuple[int, Line, float]]] = defaultdict(list)
    marked: set[Word] = set()
    for page in pages:
        band = 0.15 * page.height
        edge_words = [w for w in page.words if w.top < band or w.bottom > page.height - band]
        lines = sorted(_cluster_lines(edge_words, page.number, 0.0, markers=False), key=lambda l: l.top)
        tops = [(l, "top") for l in lines if l.top < band][:3]
        foots = [(l, "foot") for l in lines if l.bottom > page.height - band][-3:]
        for line, where in tops + foots:
            key = _DIGITS.sub("#", units.normalise_space(line.text).lower())
            y = line.top if where == "top" else page.height - line.bottom
            if y < 0.12 * page.height and _PAGE_NUMBER_KEY.match(key):
                marked.update(line.words)
                continue
            # A page number set beside the running text joins its line: ignore it in the key.
            key = _PAGE_AT_ENDS.sub("", key)
            seen[(where, key)].append((page.number, line))
    needed = max(2, math.ceil(0.3 * len(pages)))
    for (_where, key), hits in seen.items():
        if len({p for p, _ in hits}) >= needed and len(key) >= 2:
            for _, line in hits:
                marked.update(line.words)
    return marked


# -- pass 3: footnotes, blocks, hyphenation ----------------------------------------------------


def _split_footnotes(lines: list[Line], body: float, page: PageWords) -> tuple[list[Line], list[Footnote]]:
    """Split the footnotes at the foot of a page off its lines.

    The footnote area is the run of smaller-than-body lines at the foot of the page,
    from the first line in it that opens a footnote (a raised number, or a plain
    number followed by text). A plain number counts only as the next footnote in
    sequence, so a continuation line such as "12 months to ..." stays in its note.
    """
    if not lines:
        return lines, []
    order = sorted(lines, key=lambda line: line.top)
    start = len(order)
    while start > 0 and order[start - 1].size < body - 0.4:
        start -= 1
    opening = next((i for i in range(start, len(order)) if _opens_footnote(order[i], None)), None)
    if opening is None:
        return lines, []
    region = order[opening:]
    notes: list[tuple[str, list[str]]] = []
    for line in region:
        previous = notes[-1][0] if notes else None
        if _opens_footnote(line, previous):
            number = line.starts_with_marker or line.words[0].text
            words = line.words if line.starts_with_marker else line.words[1:]
            notes.append((number, [Line(words, line.page).text] if words else []))
        else:
            notes[-1][1].append(line.text)
    in_region = {id(line) for line in region}
    kept = [line for line in lines if id(line) not in in_region]
    footnotes = [
        Footnote(number=n, text=units.normalise_space(_join_texts(parts)), page=page.number) for n, parts in notes
    ]
    return kept, footnotes


def _opens_footnote(line: Line, previous: str | None) -> bool:
    if line.starts_with_marker:
        return True
    first = line.words[0].text
    if len(line.words) < 2 or not re.fullmatch(r"\d{1,3}", first):
        return False
    return previous is None or (previous.isdigit() and int(first) == int(previous) + 1)


def _group(lines: list[Line], body: float) -> list[tuple[BlockKind, list[Line]]]:
    """Group a page's lines (in reading order) into blocks and give each its kind."""
    groups: list[list[Line]] = []
    for line in lines:
        if groups and not _starts_block(groups[-1], line, body):
            groups[-1].append(line)
        else:
            groups.append([line])
    return [(_kind(g, body), g) for g in groups]


def _starts_block(group: list[Line], line: Line, body: float) -> bool:
    prev = group[-1]
    if line.top < prev.top - 2 or line.top - prev.bottom > 0.55 * max(prev.size, line.size):
        return True  # a column change, or a paragraph gap
    if abs(line.size - prev.size) > 0.6 or line.bold != prev.bold:
        return True
    if _BULLET_START.match(line.words[0].text) and len(line.words) > 1:
        return True
    first = group[0]
    if _BULLET_START.match(first.words[0].text) and len(first.words) > 1:
        return line.x0 < first.words[1].x0 - 3  # text back at the margin: the item ended
    row_like = len(line.cells()) > 1
    return row_like != (len(prev.cells()) > 1)


def _kind(group: list[Line], body: float) -> BlockKind:
    first = group[0]
    text = " ".join(line.text for line in group)
    if len(group) >= 2 and sum(len(line.cells()) > 1 for line in group) >= 0.6 * len(group):
        return "table"
    if _BULLET_START.match(first.words[0].text) and len(first.words) > 1:
        return "bullet"
    emphasised = first.bold or first.size >= body + 1.0
    if emphasised and len(group) <= 4 and len(text) <= 250 and not text.rstrip().endswith((".", ",", ";")):
        return "heading"
    if len(group) == 1 and len(first.cells()) > 2:
        return "table"
    return "paragraph"


def _vocabulary(blocks: Iterable[tuple[BlockKind, list[Line]]]) -> frozenset[str]:
    """Every word the document uses, lower case, for deciding line-end hyphens."""
    vocab: set[str] = set()
    for _, lines in blocks:
        for line in lines:
            for w in line.words:
                vocab.update(re.findall(r"[a-z]+(?:-[a-z]+)*", w.text.lower()))
    return frozenset(vocab)


def _join_lines(lines: list[Line], vocabulary: frozenset[str]) -> str:
    return _join_texts([line.text for line in lines], vocabulary)


def _join_texts(texts: list[str], vocabulary: frozenset[str] = frozenset()) -> str:
    out = texts[0].strip() if texts else ""
    for text in texts[1:]:
        out = units.join_fragments(out, text.strip(), vocabulary)
    return out
