"""Reading order on a page set in columns."""

from __future__ import annotations

from .words import Word


def columns(words: list[Word], width: float) -> list[list[Word]]:
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
