"""The HTML report: one self-contained file that works offline (no scripts, fonts or images fetched).

Each figure is a function of one tidy frame: `grades_table(reports)`,
`heatmap(force_theme_matrix)`, `bar_chart(recurring_themes)`, `quotes(findings)`.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

import pandas as pd

from .. import aggregate
from .._files import atomic_write_bytes
from ..types import Results

MAX_QUOTES = 12

_CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:2rem auto;max-width:72rem;
color:#1b1b1b;padding:0 1rem;line-height:1.45}
h1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:2.2rem;border-bottom:1px solid #ddd}
table{border-collapse:collapse;font-size:.85rem;margin:.5rem 0}th,td{border:1px solid #ddd;padding:.25rem .45rem;
text-align:left;vertical-align:top}th{background:#f3f3f3}td.cell{text-align:center;min-width:3.2rem}
.summary{display:flex;gap:1.5rem;flex-wrap:wrap}.summary div{background:#f6f6f6;padding:.5rem .9rem;border-radius:4px}
.grade-good,.grade-outstanding{background:#d8efd8}.grade-requires-improvement{background:#fbe3c4}
.grade-inadequate{background:#f6c4c4}.grade-adequate{background:#eef0d0}
blockquote{margin:.35rem 0;padding:.3rem .7rem;border-left:3px solid #bbb;background:#fafafa}
blockquote.negative{border-color:#c0392b}blockquote.positive{border-color:#27ae60}blockquote.mixed{border-color:#d68910}
.meta{color:#555;font-size:.8rem}.scroll{overflow-x:auto}details{margin:.4rem 0}summary{cursor:pointer;font-weight:600}
"""


def render(results: Results, title: str = "peel-findings: recurring themes") -> str:
    """The report for a run's `Results` as one HTML string."""
    findings, reports, errors, themes = results.findings, results.reports, results.errors, results.themes
    ok = reports[reports["status"] == "ok"] if "status" in reports else reports
    n_findings = int(findings["is_finding"].sum()) if len(findings) else 0
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
        '<section id="summary" class="summary">',
        f"<div><b>{len(ok)}</b> reports</div>",
        f"<div><b>{ok['force'].nunique() if len(ok) else 0}</b> forces</div>",
        f"<div><b>{n_findings}</b> findings in {len(findings)} sentences</div>",
        f"<div><b>{len(errors)}</b> files failed</div>",
        "</section>",
        '<section id="grades"><h2>Grades per force</h2>', grades_table(reports), "</section>",
        '<section id="heatmap"><h2>Negative share of findings, force by theme</h2>',
        heatmap(aggregate.force_theme_matrix(findings)), "</section>",
        '<section id="recurring"><h2>Recurring themes: forces with negative findings</h2>',
        bar_chart(themes), "</section>",
        '<section id="quotes"><h2>Findings by theme</h2>', quotes(findings), "</section>",
    ]
    if len(errors):
        parts += ['<section id="errors"><h2>Files that could not be read</h2>', _table(errors), "</section>"]
    parts += [
        '<p class="meta">Made by peel-findings. Report texts: Crown copyright, HMIC / HMICFRS, '
        "Open Government Licence v3.0.</p>",
        "</body></html>",
    ]
    return "\n".join(parts)


def write(results: Results, path: str | Path, title: str = "peel-findings: recurring themes") -> Path:
    path = Path(path)
    atomic_write_bytes(path, render(results, title).encode("utf-8"))
    return path


def _table(frame: pd.DataFrame) -> str:
    head = "".join(f"<th>{escape(str(c))}</th>" for c in frame.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape('' if pd.isna(v) else str(v)) if not isinstance(v, list) else escape(', '.join(map(str, v)))}</td>" for v in row) + "</tr>"
        for row in frame.itertuples(index=False)
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def grades_table(reports: pd.DataFrame) -> str:
    """Force, year, programme, overall grade and each question's grade; cells coloured by grade."""
    if reports.empty:
        return "<p>No reports.</p>"
    rows = reports[reports["status"] == "ok"] if "status" in reports else reports
    grade_cols = ["overall_grade", *sorted(c for c in rows.columns if c.startswith("grade_"))]
    head = "<th>force</th><th>year</th><th>programme</th>" + "".join(
        f"<th>{escape(c.replace('grade_', '').replace('_', ' '))}</th>" for c in grade_cols
    )
    body = []
    for _, row in rows.sort_values(["force", "year"], na_position="last").iterrows():
        cells = [f"<td>{escape(str(row.get(c) or ''))}</td>" for c in ("force", "year", "programme")]
        for c in grade_cols:
            grade = row.get(c)
            if isinstance(grade, str) and grade:
                cells.append(f'<td class="grade-{grade.replace(" ", "-")}">{escape(grade)}</td>')
            else:
                cells.append('<td class="meta">not stated</td>')
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f'<table id="grades-table"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


def heatmap(matrix: pd.DataFrame) -> str:
    """Force x theme table coloured by the share of negative findings (from `force_theme_matrix`)."""
    if matrix.empty:
        return "<p>No themed findings.</p>"
    forces = sorted(matrix["force"].dropna().unique())
    themes = sorted(matrix["theme"].unique())
    lookup = {(r.force, r.theme): r for r in matrix.itertuples()}
    head = "<th>force</th>" + "".join(f"<th>{escape(t)}</th>" for t in themes)
    body = []
    for force in forces:
        cells = [f"<th>{escape(str(force))}</th>"]
        for theme in themes:
            r = lookup.get((force, theme))
            if r is None:
                cells.append('<td class="cell"></td>')
                continue
            share = float(r.negative_share)
            colour = f"hsl({int(120 - 120 * share)},65%,{int(88 - 25 * share)}%)"
            label = f"{r.n_negative} of {r.n_findings} findings negative"
            cells.append(f'<td class="cell" style="background:{colour}" title="{escape(label)}">{share:.0%}</td>')
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (f'<div class="scroll"><table id="heatmap-table"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table></div>')


def bar_chart(themes: pd.DataFrame, polarity: str = "negative") -> str:
    """Horizontal bars: forces with findings of ``polarity`` per theme (from `recurring_themes`), as SVG."""
    rows = themes[themes["polarity"] == polarity].sort_values(["n_forces", "n_findings"], ascending=False)
    if rows.empty:
        return f"<p>No {polarity} themed findings.</p>"
    top = max(int(rows["n_forces"].max()), 1)
    bar_h, label_w, width = 22, 190, 420
    height = bar_h * len(rows) + 10
    items = []
    for i, r in enumerate(rows.itertuples()):
        y = 5 + i * bar_h
        w = max(2, int(width * r.n_forces / top))
        items.append(
            f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end" font-size="12">{escape(r.theme)}</text>'
            f'<rect x="{label_w}" y="{y + 3}" width="{w}" height="{bar_h - 6}" fill="#c0392b">'
            f"<title>{escape(r.theme)}: {r.n_forces} forces, {r.n_findings} findings</title></rect>"
            f'<text x="{label_w + w + 5}" y="{y + 15}" font-size="12">{r.n_forces} ({r.n_findings})</text>'
        )
    return (
        f'<svg id="recurring-chart" role="img" aria-label="forces with {polarity} findings per theme" '
        f'width="{label_w + width + 80}" height="{height}" xmlns="http://www.w3.org/2000/svg">'
        + "".join(items) + "</svg><p class=\"meta\">Bar: forces; in brackets: findings.</p>"
    )


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def quotes(findings: pd.DataFrame, per_theme: int = MAX_QUOTES) -> str:
    """For each theme, its findings quoted with force, page and sentence id (negative first)."""
    long = aggregate.theme_rows(findings)
    if long.empty:
        return "<p>No themed findings.</p>"
    order = {"negative": 0, "mixed": 1, "neutral": 2, "positive": 3}
    out = []
    counts = long["theme"].value_counts()
    for theme in counts.index:
        rows = long[long["theme"] == theme].assign(o=lambda f: f["polarity"].map(order).fillna(4))
        rows = rows.sort_values(["o", "force", "sentence_id"])
        items = []
        for r in rows.head(per_theme).itertuples():
            page = f", page {int(r.page)}" if pd.notna(r.page) else ""
            items.append(
                f'<blockquote class="{escape(str(r.polarity))}">{escape(r.text)}'
                f'<div class="meta">{escape(str(r.force))}{page} · {escape(str(r.polarity))} · '
                f"{escape(r.sentence_id)}</div></blockquote>"
            )
        more = f'<p class="meta">and {len(rows) - per_theme} more in findings.csv</p>' if len(rows) > per_theme else ""
        out.append(
            f'<details class="theme" id="theme-{escape(theme)}"><summary>{escape(theme)} '
            f"({_plural(len(rows), 'finding')}, {_plural(rows['force'].nunique(), 'force')})</summary>"
            f"{''.join(items)}{more}</details>"
        )
    return "".join(out)
