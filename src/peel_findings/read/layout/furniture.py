"""Running headers, footers and page numbers: lines that repeat at the top or foot of many pages."""

from __future__ import annotations

import math
import re
from collections import defaultdict

from .. import units
from .lines import cluster_lines
from .words import Line, PageWords, Word

_PAGE_NUMBER_KEY = re.compile(r"^(?:page\s*)?#(?:\s*(?:of|/)\s*#)?$|^[-–]\s*#\s*[-–]$")
_DIGITS = re.compile(r"\d+")
_PAGE_AT_ENDS = re.compile(r"^(?:#\s+)+|(?:\s+#)+$")


def furniture(pages: list[PageWords]) -> set[Word]:
    """Words of lines that repeat at the top or foot of many pages, and of page numbers.

    Lines are built from the top and bottom bands of the whole page width, before any
    column split, so a footer that spans both columns is still one line.
    """
    seen: dict[tuple[str, str], list[tuple[int, Line]]] = defaultdict(list)
    marked: set[Word] = set()
    for page in pages:
        band = 0.15 * page.height
        edge_words = [w for w in page.words if w.top < band or w.bottom > page.height - band]
        lines = sorted(cluster_lines(edge_words, page.number, 0.0, markers=False), key=lambda l: l.top)
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
