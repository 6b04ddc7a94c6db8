"""Reading order on a page set in columns, region by region.

A page may hold full-width text, then a two- or three-column section, then full width again
(word processors and page-layout programs both do this), and a call-out box may sit beside a
paragraph. So columns are found per vertical band, not per page:

1. the page's words are cut into thin horizontal rows (words on one baseline);
2. rows are gathered top to bottom into bands that share a gutter: an x-range at least a gutter
   wide that no word of any row in the band crosses, with text on both sides;
3. a band is read column by column (left to right), bands top to bottom; a row without a gutter is
   a full-width band of its own.

A band must hold at least three rows, and every column a fair share of its text, so that ragged
line ends, bullet indents and the spaces of justified lines are never taken for a gutter.
"""

from __future__ import annotations

from .words import Word

MIN_ROWS = 3
MIN_SHARE = 0.12  # of the band's characters, in every column


def columns(words: list[Word], width: float) -> list[list[Word]]:
    """The page's words as reading-order regions: full-width runs, and each column of each column band."""
    if len(words) < 12:
        return [words]
    size = sorted(w.size for w in words)[len(words) // 2]
    gutter = max(9.0, 0.85 * size)
    rows = _rows(words)
    left = min(w.x0 for w in words)
    right = max(w.x1 for w in words)
    regions: list[list[Word]] = []
    plain: list[Word] = []
    i = 0
    while i < len(rows):
        end, cuts = _band(rows, i, left, right, gutter)
        if cuts:
            if plain:
                regions.append(plain)
                plain = []
            band = [w for row in rows[i:end] for w in row]
            regions.extend(_split(band, cuts))
            i = end
        else:
            plain.extend(rows[i])
            i += 1
    if plain:
        regions.append(plain)
    return [r for r in regions if r]


def _rows(words: list[Word]) -> list[list[Word]]:
    """Words grouped by baseline, top to bottom (each row may span several columns)."""
    rows: list[list[Word]] = []
    for w in sorted(words, key=lambda w: (w.bottom, w.x0)):
        if rows and w.bottom - rows[-1][0].bottom <= 0.3 * max(w.size, rows[-1][0].size):
            rows[-1].append(w)
        else:
            rows.append([w])
    return rows


def _free(row: list[Word], left: float, right: float, gutter: float) -> list[tuple[float, float]]:
    """The x-ranges inside [left, right] that no word of the row covers, at least ``gutter`` wide."""
    spans = sorted((w.x0, w.x1) for w in row)
    free, cursor = [], left
    for x0, x1 in spans:
        if x0 - cursor >= gutter:
            free.append((cursor, x0))
        cursor = max(cursor, x1)
    if right - cursor >= gutter:
        free.append((cursor, right))
    return free


def _intersect(a: list[tuple[float, float]], b: list[tuple[float, float]], gutter: float) -> list[tuple[float, float]]:
    out = []
    for a0, a1 in a:
        for b0, b1 in b:
            lo, hi = max(a0, b0), min(a1, b1)
            if hi - lo >= gutter:
                out.append((lo, hi))
    return out


def _band(rows: list[list[Word]], start: int, left: float, right: float,
          gutter: float) -> tuple[int, list[float]]:
    """The band of rows from ``start`` that share an inner gutter, and the x-positions to cut it at
    (no cuts: row ``start`` is full width)."""
    free = _free(rows[start], left, right, gutter)
    if not free:
        return start + 1, []
    end = start + 1
    while end < len(rows):
        narrower = _intersect(free, _free(rows[end], left, right, gutter), gutter)
        if not _inner(narrower, left, right) and (_inner(free, left, right) or end - start >= 2):
            break  # the gutter is gone (a margin alone does not hold a band together)
        free, end = narrower, end + 1
    if end - start < MIN_ROWS:
        return start + 1, []
    first_cuts = _valid_cuts(rows[start:end], _inner(free, left, right))
    if not first_cuts:
        return start + 1, []
    end = _trim(rows, start, end, first_cuts)  # the gutters again, over the band as trimmed
    if end - start < MIN_ROWS:
        return start + 1, []
    if len(_gutters(rows, start + 1, end, left, right, gutter)) > len(_gutters(rows, start, end, left, right, gutter)):
        return start + 1, []  # the first row (a short line above the section) hides a gutter: leave it out
    cuts = _valid_cuts(rows[start:end], _gutters(rows, start, end, left, right, gutter))
    return (end, cuts) if cuts else (start + 1, [])


def _inner(free: list[tuple[float, float]], left: float, right: float) -> list[tuple[float, float]]:
    return [g for g in free if g[0] > left + 1 and g[1] < right - 1]  # a gutter, not a margin


def _gutters(rows: list[list[Word]], start: int, end: int, left: float, right: float,
             gutter: float) -> list[tuple[float, float]]:
    free = _free(rows[start], left, right, gutter)
    for row in rows[start + 1:end]:
        free = _intersect(free, _free(row, left, right, gutter), gutter)
    return _inner(free, left, right)


def _trim(rows: list[list[Word]], start: int, end: int, cuts: list[float]) -> int:
    """Where the band really ends. Rows below the bottom of every column but the first may be the first
    column running on, or a heading after the section (with a larger gap above it, or another size or
    weight): the band ends at the first such row that stands apart."""
    edges = [float("-inf"), *cuts, float("inf")]
    band = [w for row in rows[start:end] for w in row]
    others = [w.bottom for w in band if (w.x0 + w.x1) / 2 > edges[1]]
    if not others:
        return end
    floor = max(others)
    first = [rows[i] for i in range(start, end) if any((w.x0 + w.x1) / 2 < edges[1] for w in rows[i])]
    steps = sorted(b[0].bottom - a[0].bottom for a, b in zip(first, first[1:]))
    pitch = steps[len(steps) // 2] if steps else 0.0
    sizes = sorted(w.size for w in band)
    size = sizes[len(sizes) // 2]
    for i in range(start + 1, end):
        if min(w.top for w in rows[i]) <= floor:
            continue
        gap = rows[i][0].bottom - rows[i - 1][0].bottom
        bold = sum(len(w.text) for w in rows[i] if w.bold) * 2 > sum(len(w.text) for w in rows[i])
        if (pitch and gap > 1.6 * pitch) or abs(max(w.size for w in rows[i]) - size) > 0.6 or bold:
            return i
    return end


def _valid_cuts(rows: list[list[Word]], free: list[tuple[float, float]]) -> list[float]:
    """Cut positions (gutter centres) that leave every column a fair share of the band's text and at
    least two lines."""
    words = [w for row in rows for w in row]
    total = sum(len(w.text) for w in words)
    cuts = sorted((a + b) / 2 for a, b in free)
    edges = [float("-inf"), *cuts, float("inf")]
    for lo, hi in zip(edges, edges[1:]):
        share = sum(len(w.text) for w in words if lo < (w.x0 + w.x1) / 2 < hi)
        if share < MIN_SHARE * total:
            return []
    for lo, hi in zip(edges, edges[1:]):
        if sum(1 for row in rows if any(lo < (w.x0 + w.x1) / 2 < hi for w in row)) < 2:
            return []  # a column needs at least two lines
    return cuts


def _split(band: list[Word], cuts: list[float]) -> list[list[Word]]:
    edges = [float("-inf"), *cuts, float("inf")]
    return [[w for w in band if lo < (w.x0 + w.x1) / 2 < hi] for lo, hi in zip(edges, edges[1:])]
