"""What the layout passes work on: positioned words from a PDF engine, and lines built from them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from operator import itemgetter

# Punctuation that never follows a space; a gap before it is a removed footnote marker.
_CLOSING = re.compile(r"^[,.;:!?)\]](?:\W*)$")


@dataclass(frozen=True, slots=True)
class Word:
    """One word as a PDF engine gives it: text, box (points, top-down), font size, bold."""

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
    """Everything the layout code needs of one page."""

    number: int
    width: float
    height: float
    words: tuple[Word, ...]
    tables: tuple[RuledTable, ...] = ()


@dataclass
class Line:
    """Words on one baseline, in reading order, with the footnote markers taken out of them."""

    words: list[Word]
    page: int
    markers: list[str] = field(default_factory=list)
    starts_with_marker: str | None = None  # a raised number opening a footnote body
    opens_region: bool = False  # the first line of a column or of a full-width run on the page

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
        """The font size of most of the line's characters (the first such size on a tie)."""
        sizes: dict[float, int] = {}
        for w in self.words:
            sizes[w.size] = sizes.get(w.size, 0) + len(w.text)
        return max(sizes.items(), key=itemgetter(1))[0]

    @property
    def bold(self) -> bool:
        bold = sum(len(w.text) for w in self.words if w.bold)
        return bold * 2 > sum(len(w.text) for w in self.words)

    def cells(self) -> list[str]:
        """The line split at wide gaps, as a table row would be.

        A gap is a cell break when it is very wide (three times the font size), or wide and much wider
        than the line's usual word gap: the evenly stretched spaces of a justified line are not cells.
        """
        gaps = [w.x0 - prev.x1 for prev, w in zip(self.words, self.words[1:])]
        usual = sorted(gaps)[len(gaps) // 2] if gaps else 0.0
        size = self.size
        wide = max(12.0, 1.8 * size)
        cells: list[list[Word]] = [[self.words[0]]]
        for gap, w in zip(gaps, self.words[1:]):
            if gap >= 3.0 * size or (gap > wide and gap >= 2.5 * usual):
                cells.append([])
            cells[-1].append(w)
        return [Line(c, self.page).text for c in cells]


def round_size(size: float) -> float:
    """A font size to the nearest half point, so that 10.98 and 11.02 count as one size."""
    return round(size * 2) / 2
