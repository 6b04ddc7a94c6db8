"""A page's lines, in reading order, grouped into headings, paragraphs, list items and tables."""

from __future__ import annotations

import re
from collections.abc import Iterable

from ...types import BlockKind
from .. import units
from .words import Line

# "(cid:127)" is how pdfminer shows a glyph its font does not map to text: at the start of a
# line it is almost always a list bullet from a symbol font.
BULLET_START = re.compile(rf"^(?:[{units.BULLET_GLYPHS}]|\d{{1,2}}[.)]|\(?[a-z]\)|\(cid:\d+\))$")
CID = re.compile(r"\(cid:\d+\)")


def group(lines: list[Line], body: float) -> list[tuple[BlockKind, list[Line]]]:
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
    if BULLET_START.match(line.words[0].text) and len(line.words) > 1 and not _dash_in_prose(group, line):
        return True
    first = group[0]
    if BULLET_START.match(first.words[0].text) and len(first.words) > 1:
        return line.x0 < first.words[1].x0 - 3  # text back at the margin: the item ended
    row_like = len(line.cells()) > 1
    return row_like != (len(prev.cells()) > 1)


def _dash_in_prose(group: list[Line], line: Line) -> bool:
    """A dash opening a line of running prose ("... two major areas" / "– Manchester and Liverpool –"),
    not a list item: the line before it runs on, and the dash sits at the paragraph's margin."""
    prev = group[-1]
    if line.words[0].text not in ("-", "–", "—") or BULLET_START.match(group[0].words[0].text):
        return False
    return not prev.text.rstrip().endswith((".", ":", ";", "!", "?")) and abs(line.x0 - prev.x0) < 2


def _kind(group: list[Line], body: float) -> BlockKind:
    first = group[0]
    text = " ".join(line.text for line in group)
    if len(group) >= 2 and sum(len(line.cells()) > 1 for line in group) >= 0.6 * len(group):
        return "table"
    if BULLET_START.match(first.words[0].text) and len(first.words) > 1:
        return "bullet"
    emphasised = first.bold or first.size >= body + 1.0
    if emphasised and len(group) <= 4 and len(text) <= 250 and not text.rstrip().endswith((".", ",", ";")):
        return "heading"
    if len(group) == 1 and len(first.cells()) > 2:
        return "table"
    return "paragraph"


def vocabulary(blocks: Iterable[tuple[BlockKind, list[Line]]]) -> frozenset[str]:
    """Every word the document uses, lower case, for deciding line-end hyphens."""
    vocab: set[str] = set()
    for _, lines in blocks:
        for line in lines:
            for w in line.words:
                vocab.update(re.findall(r"[a-z]+(?:-[a-z]+)*", w.text.lower()))
    return frozenset(vocab)


def join_texts(texts: list[str], vocabulary: frozenset[str] = frozenset()) -> str:
    """Lines of one block as one text, line-end hyphens resolved by ``vocabulary``."""
    out = texts[0].strip() if texts else ""
    for text in texts[1:]:
        out = units.join_fragments(out, text.strip(), vocabulary)
    return out
