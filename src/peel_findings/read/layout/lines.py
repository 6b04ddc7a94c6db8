"""Words to lines: baseline clustering, and footnote markers (small raised numbers) taken out."""

from __future__ import annotations

import re

from .columns import columns
from .words import Line, PageWords, Word

MARKER_TEXT = re.compile(r"^\d{1,3}(?:[,–-]\d{1,3})*$|^[*†‡§]$")
_CLOSERS = (".", ",", ";", ":", ")", "”", "’", '"', "'")


def page_lines(page: PageWords, words: list[Word], body: float) -> list[Line]:
    """Lines in reading order: full-width text above, then left column, right column, below."""
    lines: list[Line] = []
    for region in columns(words, page.width):
        found = cluster_lines(region, page.number, body)
        if found:
            found[0].opens_region = True
        lines.extend(found)
    return lines


def cluster_lines(words: list[Word], page: int, body: float, markers: bool = True) -> list[Line]:
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
        if len(line.text) <= 6 and all(MARKER_TEXT.match(w.text) for w in line.words):
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
        small = w.size <= 0.85 * main
        small_raised = small and w.bottom < baseline - 0.15 * main
        if small and MARKER_TEXT.match(w.text):
            if i == 0 and small_raised:
                line.starts_with_marker = w.text
                continue
            glued = i > 0 and w.x0 - line.words[i - 1].x1 < 2.0
            # raised and glued to the word before; or set small after punctuation ("crime.3"), raised or not
            if glued and (small_raised or line.words[i - 1].text.endswith(_CLOSERS)):
                line.markers.append(w.text)
                continue
        kept.append(w)
    line.words = kept
