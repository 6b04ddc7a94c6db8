"""Footnotes at the foot of a PDF page, kept apart from the prose."""

from __future__ import annotations

import re

from ...types import Footnote
from .. import units
from .blocks import join_texts
from .words import Line, PageWords, Word


def split_footnotes(lines: list[Line], body: float, page: PageWords) -> tuple[list[Line], list[Footnote]]:
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
    for line in order[start:]:
        _unglue(line)
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
        Footnote(number=n, text=units.normalise_space(join_texts(parts)), page=page.number) for n, parts in notes
    ]
    return kept, footnotes


# A footnote number a word processor set against its first word: "1This is drawn from ...".
_GLUED_NUMBER = re.compile(r"^(\d{1,3})([A-Z“‘\"'(].*)$")


def _unglue(line: Line) -> None:
    """Split a footnote number glued to the note's first word off it."""
    match = _GLUED_NUMBER.match(line.words[0].text) if line.words and not line.starts_with_marker else None
    if match:
        first = line.words[0]
        line.starts_with_marker = match.group(1)
        line.words[0] = Word(match.group(2), first.x0, first.x1, first.top, first.bottom, first.size, first.bold)


def _opens_footnote(line: Line, previous: str | None) -> bool:
    if line.starts_with_marker:
        return True
    first = line.words[0].text
    if len(line.words) < 2 or not re.fullmatch(r"\d{1,3}", first):
        return False
    return previous is None or (previous.isdigit() and int(first) == int(previous) + 1)
