"""Characters to words, grouped the way pdfplumber's `extract_words` groups them.

A PDF engine that gives single positioned characters (pdfium does) uses this to build the same
`layout.Word`s that pdfplumber builds, so that every layout rule sees the same input whichever
engine read the page. The rules, with pdfplumber's defaults (x and y tolerance 3 points):

1. runs of consecutive characters (in content-stream order) that share orientation, size and font
   are taken apart; a word never crosses from one run into the next;
2. in a run, characters are clustered into lines by their top (chained within the y tolerance) and
   sorted left to right (top to bottom for rotated text);
3. a line is cut into words at whitespace, and where a character starts before the previous one or
   more than the x tolerance after its end, or its top moves by more than the y tolerance.

Pure Python over plain values: no PDF library here.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import groupby
from operator import attrgetter
from typing import NamedTuple

from .layout import Word
from .pdfbase import is_bold

X_TOLERANCE = 3.0
Y_TOLERANCE = 3.0
LIGATURES = {"ﬀ": "ff", "ﬃ": "ffi", "ﬄ": "ffl", "ﬁ": "fi", "ﬂ": "fl", "ﬆ": "st", "ﬅ": "st"}


class Char(NamedTuple):
    """One character: its text, its box (points, top-down), size, font name and orientation.

    A named tuple rather than a frozen dataclass: a page has thousands of characters, and a tuple
    is made several times faster."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    fontname: str
    upright: bool = True


def group_words(chars: Iterable[Char]) -> list[Word]:
    """The page's words, in pdfplumber's order, with their font size and boldness."""
    words: list[Word] = []
    for _, run in groupby(chars, key=lambda c: (c.upright, c.size, c.fontname)):
        for line in _lines(list(run)):
            words.extend(_merge(word) for word in _split(line))
    return words


def line_texts(chars: Iterable[Char]) -> list[str]:
    """The text of each line the characters make, top to bottom, words joined by a space; fonts are
    not taken apart (pdfplumber's `extract_text`, as a table cell's text is taken)."""
    words = [
        _merge(word)
        for _, run in groupby(chars, key=lambda c: c.upright)
        for line in _lines(list(run))
        for word in _split(line)
    ]
    ids = cluster_ids((w.top for w in words), Y_TOLERANCE)
    texts = []
    for _, line in groupby(sorted(words, key=lambda w: (ids[w.top], w.x0)), key=lambda w: ids[w.top]):
        texts.append(" ".join(w.text for w in line))
    return texts


def _lines(run: list[Char]) -> Iterator[list[Char]]:
    """The run's characters by line (chained within the y tolerance), each line in reading order."""
    if run[0].upright:
        positions, char_key = [c.top for c in run], attrgetter("x0")
    else:
        positions, char_key = [c.x0 for c in run], attrgetter("top", "bottom")
    cluster = cluster_ids(positions, Y_TOLERANCE)
    line_of = [cluster[p] for p in positions]
    order = sorted(range(len(run)), key=line_of.__getitem__)  # stable: content order within a line
    for _, members in groupby(order, key=line_of.__getitem__):
        yield sorted([run[i] for i in members], key=char_key)


def cluster_ids(values: Iterable[float], tolerance: float) -> dict[float, int]:
    """Each distinct value's cluster number, clusters chained within the tolerance (pdfplumber's
    `cluster_list`)."""
    ids: dict[float, int] = {}
    last: float | None = None
    group = -1
    for value in sorted(set(values)):
        if last is None or value > last + tolerance:
            group += 1
        ids[value] = group
        last = value
    return ids


def _split(line: list[Char]) -> Iterator[list[Char]]:
    """A line's characters cut into words at whitespace and at gaps."""
    word: list[Char] = []
    for char in line:
        if char.text.isspace():
            if word:
                yield word
            word = []
        elif word and _begins_word(word[-1], char):
            yield word
            word = [char]
        else:
            word.append(char)
    if word:
        yield word


def _begins_word(prev: Char, char: Char) -> bool:
    if prev.upright:
        start, end, at, across, across_prev = prev.x0, prev.x1, char.x0, char.top, prev.top
        along_tol, across_tol = X_TOLERANCE, Y_TOLERANCE
    else:
        start, end, at, across, across_prev = prev.top, prev.bottom, char.top, char.x0, prev.x0
        along_tol, across_tol = Y_TOLERANCE, X_TOLERANCE
    return at < start or at > end + along_tol or abs(across - across_prev) > across_tol


def _merge(chars: list[Char]) -> Word:
    texts, x0s, x1s, tops, bottoms = list(zip(*chars))[:5]
    first = chars[0]
    return Word(
        text="".join([LIGATURES.get(t, t) for t in texts]),
        x0=min(x0s),
        x1=max(x1s),
        top=min(tops),
        bottom=max(bottoms),
        size=round(first.size, 2),
        bold=is_bold(first.fontname),
    )
