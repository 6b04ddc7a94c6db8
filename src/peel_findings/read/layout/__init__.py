"""From positioned words to clean blocks: lines, columns, furniture, footnotes, paragraphs.

Pure functions over plain tuples (no PDF library here), so every PDF engine shares them.
Three passes:

1. per page: words -> lines, column by column (`lines`, `columns`), footnote markers taken out;
2. across pages: running headers/footers and page numbers found and dropped (`furniture`);
3. per page: footnotes split off the page foot (`footnotes`); lines grouped into headings,
   paragraphs, list items, captions and tables (`blocks`); line-end hyphens resolved.
"""

from __future__ import annotations

from collections import Counter

from ...types import Block, BlockKind, Document, Footnote, Table
from .. import units
from .blocks import CID, group, join_texts, vocabulary
from .footnotes import split_footnotes
from .furniture import furniture
from .lines import page_lines
from .words import Line, PageWords, RuledTable, Word, round_size

__all__ = ["Line", "PageWords", "RuledTable", "Word", "assemble"]


def assemble(path: str, pages: list[PageWords], title: str | None = None) -> Document:
    """Turn every page's words into a `Document` of clean blocks, footnotes and tables."""
    body = _body_size(pages)
    repeated = furniture(pages)
    raw_blocks: list[tuple[BlockKind, list[Line]]] = []
    footnotes: list[Footnote] = []
    tables: list[Table] = []
    for page in pages:
        words = [w for w in page.words if w not in repeated and not _in_table(w, page.tables)]
        tables.extend(Table(rows=t.rows, page=page.number) for t in page.tables)
        lines = page_lines(page, words, body)
        kept, notes = split_footnotes(lines, body, page)
        footnotes.extend(notes)
        raw_blocks.extend(group(kept, body))
    vocab = vocabulary(raw_blocks)
    heading_sizes = sorted({round_size(lines[0].size) for kind, lines in raw_blocks if kind == "heading"},
                           reverse=True)
    blocks: list[Block] = []
    for kind, lines in raw_blocks:
        page = lines[0].page
        if kind == "table":
            tables.append(Table(rows=tuple(tuple(line.cells()) for line in lines), page=page))
            continue
        if kind == "bullet" and CID.fullmatch(lines[0].words[0].text):
            lines = [Line(lines[0].words[1:], lines[0].page, lines[0].markers), *lines[1:]]
        text = units.normalise_space(CID.sub("", join_texts([line.text for line in lines], vocab)))
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
        level = heading_sizes.index(round_size(size)) + 1 if kind == "heading" else None
        blocks.append(Block(text, kind, page=page, font_size=size, bold=lines[0].bold, heading_level=level,
                            opens_region=lines[0].opens_region))
    return Document(
        path=path,
        format="pdf",
        pages=len(pages),
        blocks=tuple(units.merge_continuations(blocks, vocab)),
        footnotes=tuple(footnotes),
        tables=tuple(tables),
        title=title,
    )


def _in_table(word: Word, tables: tuple[RuledTable, ...]) -> bool:
    x, y = (word.x0 + word.x1) / 2, (word.top + word.bottom) / 2
    return any(t.bbox[0] <= x <= t.bbox[2] and t.bbox[1] <= y <= t.bbox[3] for t in tables)


def _body_size(pages: list[PageWords]) -> float:
    """The font size most characters are set in."""
    sizes: Counter[float] = Counter()
    for page in pages:
        for w in page.words:
            sizes[round_size(w.size)] += len(w.text)
    return sizes.most_common(1)[0][0] if sizes else 10.0
