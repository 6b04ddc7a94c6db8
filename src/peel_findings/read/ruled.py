"""Ruled tables from ruling lines, found the way pdfplumber's `find_tables` finds them.

A PDF engine that gives the page's drawn lines (pdfium does, as path objects) turns each straight,
axis-parallel segment into an `Edge`; this module does the rest with pdfplumber's default settings:

1. edges shorter than 1 point are dropped; parallel edges within 3 points snap to their mean position,
   and edges on one line that overlap or lie within 3 points of each other join; edges shorter than
   3 points are then dropped;
2. every crossing of a horizontal and a vertical edge (within 3 points) is a corner;
3. a cell is the smallest rectangle whose four corners exist and whose sides are edges;
4. cells that share a corner form a table (two cells at least); its rows are cells by top;
5. a cell's text is the characters whose centre lies in it.

A table is kept when it has two columns or more and no cell over 200 characters: a ruled box holding
paragraphs is prose in a frame, and stays prose. Pure Python over plain values: no PDF library here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from itertools import groupby

from .charwords import Char, cluster_ids, line_texts
from .layout import RuledTable

SNAP = 3.0
JOIN = 3.0
CROSS = 3.0
MIN_PREFILTER = 1.0
MIN_LENGTH = 3.0
MAX_CELL_CHARS = 200

Point = tuple[float, float]
Box = tuple[float, float, float, float]  # x0, top, x1, bottom
Corners = dict[Point, tuple[set["Edge"], set["Edge"]]]  # a corner, and the vertical and horizontal edges through it


@dataclass(frozen=True, slots=True)
class Edge:
    """A horizontal ("h") or vertical ("v") ruling segment, in points, top-down."""

    orientation: str
    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def length(self) -> float:
        return self.x1 - self.x0 if self.orientation == "h" else self.bottom - self.top


def segment_edge(a: Point, b: Point, tolerance: float = 1e-3) -> Edge | None:
    """The edge a straight segment draws, if it runs along an axis (a diagonal draws none)."""
    (ax, ay), (bx, by) = a, b
    if abs(ay - by) <= tolerance:
        return Edge("h", min(ax, bx), ay, max(ax, bx), ay)
    if abs(ax - bx) <= tolerance:
        return Edge("v", ax, min(ay, by), ax, max(ay, by))
    return None


def ruled_tables(edges: Iterable[Edge], chars: list[Char]) -> tuple[RuledTable, ...]:
    """The page's ruled tables of two columns or more and short cells, top to bottom."""
    merged = [e for e in _merge([e for e in edges if e.length >= MIN_PREFILTER]) if e.length >= MIN_LENGTH]
    if not merged:
        return ()
    corners = _corners(merged)
    found = []
    for cells in _tables(_cells(corners)):
        bbox = (min(c[0] for c in cells), min(c[1] for c in cells),
                max(c[2] for c in cells), max(c[3] for c in cells))
        within = _inside(bbox, chars)  # each cell looks only at the table's characters
        rows = [[_cell_text(cell, within) if cell else "" for cell in row] for row in _rows(cells)]
        if not rows or max(len(r) for r in rows) < 2:
            continue
        if any(len(text) > MAX_CELL_CHARS for row in rows for text in row):
            continue
        found.append(RuledTable(bbox=bbox, rows=tuple(tuple(" ".join(t.split()) for t in row) for row in rows)))
    return tuple(found)


def _merge(edges: list[Edge]) -> list[Edge]:
    """Snap parallel edges to their mean position, then join the collinear ones that touch."""
    snapped = [edge for orientation in ("v", "h")
               for edge in _snap([e for e in edges if e.orientation == orientation], orientation)]
    joined: list[Edge] = []
    for _, group in groupby(sorted(snapped, key=_line_of), key=_line_of):
        joined.extend(_join(list(group)))
    return joined


def _line_of(edge: Edge) -> tuple[str, float]:
    return (edge.orientation, edge.top if edge.orientation == "h" else edge.x0)


def _snap(edges: list[Edge], orientation: str) -> list[Edge]:
    position = (lambda e: e.top) if orientation == "h" else (lambda e: e.x0)
    ids = cluster_ids((position(e) for e in edges), SNAP)
    out: list[Edge] = []
    for _, cluster in groupby(sorted(edges, key=lambda e: ids[position(e)]), key=lambda e: ids[position(e)]):
        members = list(cluster)
        mean = sum(position(e) for e in members) / len(members)
        if orientation == "h":
            out.extend(replace(e, top=mean, bottom=mean) for e in members)
        else:
            out.extend(replace(e, x0=mean, x1=mean) for e in members)
    return out


def _join(edges: list[Edge]) -> list[Edge]:
    horizontal = edges[0].orientation == "h"
    start = (lambda e: e.x0) if horizontal else (lambda e: e.top)
    end = (lambda e: e.x1) if horizontal else (lambda e: e.bottom)
    ordered = sorted(edges, key=start)
    joined = [ordered[0]]
    for edge in ordered[1:]:
        last = joined[-1]
        if start(edge) <= end(last) + JOIN:
            if end(edge) > end(last):
                joined[-1] = replace(last, x1=edge.x1) if horizontal else replace(last, bottom=edge.bottom)
        else:
            joined.append(edge)
    return joined


def _corners(edges: list[Edge]) -> Corners:
    """Each point where a vertical edge crosses a horizontal one, with the edges through it."""
    corners: Corners = {}
    verticals = sorted((e for e in edges if e.orientation == "v"), key=lambda e: (e.x0, e.top))
    horizontals = sorted((e for e in edges if e.orientation == "h"), key=lambda e: (e.top, e.x0))
    for v in verticals:
        for h in horizontals:
            if v.top <= h.top + CROSS and v.bottom >= h.top - CROSS and h.x0 - CROSS <= v.x0 <= h.x1 + CROSS:
                vs, hs = corners.setdefault((v.x0, h.top), (set(), set()))
                vs.add(v)
                hs.add(h)
    return corners


def _cells(corners: Corners) -> list[Box]:
    """For each corner, the smallest cell it is the top-left of."""

    def connected(p: Point, q: Point) -> bool:
        if p[0] == q[0] and corners[p][0] & corners[q][0]:
            return True
        return p[1] == q[1] and bool(corners[p][1] & corners[q][1])

    points = sorted(corners)
    cells = []
    for i, corner in enumerate(points):
        rest = points[i + 1:]
        below = [p for p in rest if p[0] == corner[0]]
        right = [p for p in rest if p[1] == corner[1]]
        cell = _smallest_cell(corner, below, right, corners, connected)
        if cell:
            cells.append(cell)
    return cells


def _smallest_cell(corner: Point, below: list[Point], right: list[Point], corners: Corners,
                   connected: Callable[[Point, Point], bool]) -> Box | None:
    """The first cell (in pdfplumber's order) with ``corner`` at its top left: its sides are edges."""
    for down in below:
        if not connected(corner, down):
            continue
        for across in right:
            if not connected(corner, across):
                continue
            far = (across[0], down[1])
            if far in corners and connected(far, across) and connected(far, down):
                return (corner[0], corner[1], far[0], far[1])
    return None


def _tables(cells: list[Box]) -> list[list[Box]]:
    """Cells grouped into tables by shared corners, top to bottom; a lone cell is no table."""
    remaining = list(cells)
    tables: list[list[Box]] = []
    while remaining:
        table = [remaining.pop(0)]
        shared = set(_box_corners(table[0]))
        grew = True
        while grew:
            grew = False
            for cell in list(remaining):
                if any(c in shared for c in _box_corners(cell)):
                    table.append(cell)
                    shared |= set(_box_corners(cell))
                    remaining.remove(cell)
                    grew = True
        tables.append(table)
    tables.sort(key=lambda t: min((c[1], c[0]) for c in t))
    return [t for t in tables if len(t) > 1]


def _box_corners(box: Box) -> tuple[Point, Point, Point, Point]:
    x0, top, x1, bottom = box
    return ((x0, top), (x0, bottom), (x1, top), (x1, bottom))


def _rows(cells: list[Box]) -> list[list[Box | None]]:
    """The table's rows (cells by top), each with a slot for every column's left edge."""
    columns = sorted({c[0] for c in cells})
    rows = []
    for _, row in groupby(sorted(cells, key=lambda c: (c[1], c[0])), key=lambda c: c[1]):
        by_x = {c[0]: c for c in row}
        rows.append([by_x.get(x) for x in columns])
    return rows


def _cell_text(cell: Box, chars: list[Char]) -> str:
    return " ".join(line_texts(_inside(cell, chars)))


def _inside(box: Box, chars: list[Char]) -> list[Char]:
    """The characters whose centre is in the box, in their order."""
    x0, top, x1, bottom = box
    return [c for c in chars if x0 <= (c.x0 + c.x1) / 2 < x1 and top <= (c.top + c.bottom) / 2 < bottom]
