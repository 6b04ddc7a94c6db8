"""The HTML report: one file that works offline (no requests, no fonts, no CDN), readable at 43 forces.

Pages, switched by the address's ``#`` part with a few lines of inline script:

- Summary: reports, forces, years and findings read; what to be careful with; the recurring themes.
- Heatmap: force x theme, the share of findings that are negative, with "negative/all" counts in
  every cell; cells resting on fewer than three findings are greyed; labels stay in view.
- A page per theme: forces with findings on it, the trend by year (findings per report), quotes
  spread across forces, newest first, and a link to the evidence behind it (evidence/<theme>.csv).
- A page per force: its grades over the years and its top concerns.

Filters (theme, force, year, polarity) narrow every page. Each figure is a function of one tidy
frame from `aggregate`.
"""

from __future__ import annotations

import re
from html import escape
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from .. import aggregate
from .._files import atomic_write_bytes
from ..structure.metadata import NATIONAL
from ..taxonomy import load_taxonomy
from ..types import RunTables

QUOTES_SHOWN = 40  # quotes shown on a theme page at a time (more match when the filters narrow)
QUOTES_PER_YEAR = 5
QUOTES_PER_FORCE = 2
QUOTES_PER_CONCERN = 3
TOP_CONCERNS = 5
POLARITIES = ("negative", "mixed", "neutral", "positive")

_CSS = """
*{box-sizing:border-box}body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:0;color:#1b1b1b;
line-height:1.45;background:#fff}header{background:#1d3557;color:#fff;padding:.8rem 1.2rem}header h1{margin:0;font-size:1.3rem}
nav.tabs{display:flex;flex-wrap:wrap;gap:.3rem;padding:.5rem 1.2rem;background:#eef1f5;border-bottom:1px solid #ccd}
nav.tabs a{padding:.3rem .7rem;border-radius:4px;text-decoration:none;color:#1d3557;font-weight:600}
nav.tabs a.active{background:#1d3557;color:#fff}main{padding:0 1.2rem 2rem;max-width:100%}
.filters{display:flex;flex-wrap:wrap;gap:.6rem;padding:.6rem 1.2rem;border-bottom:1px solid #e3e3e3;background:#fafbfc}
.filters label{font-size:.85rem;display:flex;flex-direction:column}.filters select{max-width:16rem;font-size:.85rem}
h2{font-size:1.2rem;margin:1.4rem 0 .5rem}h3{font-size:1rem;margin:1rem 0 .4rem}
.cards{display:flex;flex-wrap:wrap;gap:.8rem}.card{background:#f3f5f8;border-radius:6px;padding:.6rem .9rem;min-width:9rem}
.card b{display:block;font-size:1.4rem}.warn{background:#fff4e0;border-left:4px solid #e08e0b;padding:.5rem .8rem;margin:.6rem 0}
table{border-collapse:collapse;font-size:.82rem}th,td{border:1px solid #ddd;padding:.2rem .4rem;text-align:left;vertical-align:top}
th{background:#f3f3f3}.wrap{overflow:auto;max-width:100%;max-height:78vh;border:1px solid #ddd}
#heatmap-table{font-size:.72rem}#heatmap-table th,#heatmap-table td{padding:.15rem .2rem}
#heatmap-table thead th{position:sticky;top:0;z-index:2;background:#f3f3f3}
#heatmap-table thead th.col{height:9.5rem;vertical-align:bottom;white-space:nowrap}
#heatmap-table thead th.col span{writing-mode:vertical-rl;transform:rotate(180deg);display:inline-block;max-height:9rem;
overflow:hidden;text-overflow:ellipsis}
#heatmap-table tbody th{position:sticky;left:0;z-index:1;background:#f7f7f7;white-space:nowrap;max-width:13rem;
overflow:hidden;text-overflow:ellipsis}#heatmap-table thead th.corner{left:0;z-index:3}
td.cell{text-align:center;min-width:2.4rem;white-space:nowrap}td.cell a{color:inherit;text-decoration:none;display:block}
td.small{background:#eee !important;color:#888}td.empty{background:#fff}
.legend{font-size:.8rem;color:#444;margin:.3rem 0}.legend span{display:inline-block;padding:0 .4rem;margin-right:.3rem}
blockquote{margin:.35rem 0;padding:.3rem .7rem;border-left:3px solid #bbb;background:#fafafa;max-width:60rem}
blockquote.negative{border-color:#c0392b}blockquote.positive{border-color:#27ae60}blockquote.mixed{border-color:#d68910}
.meta{color:#555;font-size:.78rem}.bar{fill:#c0392b}.bar.pos{fill:#27ae60}.bar.mix{fill:#d68910}.bar.neu{fill:#7f8c8d}
.grade-good,.grade-outstanding{background:#d8efd8}.grade-requires-improvement{background:#fbe3c4}
.grade-inadequate{background:#f6c4c4}.grade-adequate{background:#eef0d0}
.page{display:none}.page.shown{display:block}.hidden{display:none !important}
ul.links{columns:18rem;padding-left:1rem}footer{color:#555;font-size:.78rem;padding:1rem 1.2rem;border-top:1px solid #ddd}
"""

_SCRIPT = """
(function(){var QUOTES_SHOWN=%d;
 function show(){var h=location.hash.slice(1)||'summary';var id='page-'+h.replace(/[^a-z0-9_-]/gi,'_');
  var pages=document.querySelectorAll('.page');var found=false;
  for(var i=0;i<pages.length;i++){var on=pages[i].id===id;pages[i].classList.toggle('shown',on);found=found||on;}
  if(!found){document.getElementById('page-summary').classList.add('shown');}
  var tabs=document.querySelectorAll('nav.tabs a');for(var j=0;j<tabs.length;j++){
   var t=tabs[j].getAttribute('href').slice(1);tabs[j].classList.toggle('active',h===t||h.indexOf(t+'-')===0);}
  window.scrollTo(0,0);}
 function filter(){var f={};var sels=document.querySelectorAll('.filters select');
  for(var i=0;i<sels.length;i++){if(sels[i].value){f[sels[i].name]=sels[i].value;}}
  var items=document.querySelectorAll('[data-filter]');
  for(var k=0;k<items.length;k++){var el=items[k];var ok=true;
   for(var key in f){var v=el.getAttribute('data-'+key);if(v!==null&&v!==f[key]){ok=false;}}
   el.classList.toggle('hidden',!ok);}
  var lists=document.querySelectorAll('.quotes');for(var q=0;q<lists.length;q++){var shown=0;
   var kids=lists[q].querySelectorAll('blockquote');for(var m=0;m<kids.length;m++){
    if(!kids[m].classList.contains('hidden')){shown++;if(shown>QUOTES_SHOWN){kids[m].classList.add('hidden');}}}
   var note=lists[q].querySelector('.none');if(note){note.classList.toggle('hidden',shown>0);}}
  var count=document.getElementById('filter-count');
  if(count){count.textContent=Object.keys(f).length?'Filtered: '+Object.keys(f).map(function(k){return k+' = '+f[k];}).join(', '):'';}}
 window.addEventListener('hashchange',show);
 document.addEventListener('DOMContentLoaded',function(){var sels=document.querySelectorAll('.filters select');
  for(var i=0;i<sels.length;i++){sels[i].addEventListener('change',filter);}show();filter();});
})();
"""


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-") or "none"


def _year(value: Any) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA else str(int(value))


def _names() -> dict[str, str]:
    try:
        taxonomy = load_taxonomy()
    except Exception:  # a broken custom taxonomy file must not stop the report
        return {}
    return {t.id: t.name for t in taxonomy.themes}


def _long_frames(results: RunTables) -> tuple[pd.DataFrame, dict[str, pd.DataFrame], dict[str, pd.DataFrame]]:
    """(finding x theme rows of the evidence, those rows by theme, the negative ones by force)."""
    findings = results.evidence
    long = aggregate.theme_rows(findings) if len(findings) else pd.DataFrame(columns=["theme", "force", "polarity"])
    by_theme = dict(tuple(long.groupby("theme", sort=False))) if len(long) else {}
    negative = long[long["polarity"] == "negative"] if len(long) else long.iloc[:0]
    by_force = dict(tuple(negative.groupby("force", sort=False))) if len(negative) else {}
    return long, by_theme, by_force


def _quote_ids(by_theme: dict[str, pd.DataFrame], concerns: dict[str, dict[str, pd.DataFrame]]) -> set[str]:
    """The sentence ids of every quote the report shows (their texts are fetched from disk by id)."""
    ids = {i for rows in by_theme.values() for i in _spread_quotes(rows)["sentence_id"]}
    for quotes in concerns.values():
        for rows in quotes.values():
            ids.update(rows["sentence_id"])
    return ids


def render(results: RunTables, title: str = "peel-findings: recurring themes", evidence_dir: str = "evidence",
           texts: Callable[[set[str]], dict[str, str]] | None = None) -> str:
    """The report for a run's tables as one HTML string. Evidence links point into ``evidence_dir``.

    Where the evidence rows carry no text, ``texts`` gives the quotes' texts: called once with the
    sentence ids of every quote shown, it returns their texts (from findings.parquet, say).
    """
    reports, errors = results.reports, results.errors
    names = _names()
    ok = reports[reports["status"] == "ok"] if "status" in reports else reports
    matrix = results.matrix if len(results.matrix) else pd.DataFrame(columns=list(aggregate.MATRIX_COLUMNS))
    themes = sorted(set(matrix["theme"]) | set(results.themes["theme"] if len(results.themes) else []),
                    key=lambda t: names.get(t, t))
    forces = sorted({f for f in ok["force"].dropna()} | set(matrix["force"].dropna()))
    years = sorted({_year(y) for y in ok["year"].dropna()} if "year" in ok else set())
    long, by_theme, by_force = _long_frames(results)
    empty = long.iloc[:0]
    top = _top_concerns(matrix)
    concerns = {force: _concern_quotes(by_force.get(force, empty), top.get(force)) for force in top}
    texts = texts(_quote_ids(by_theme, concerns)) if texts is not None else {}
    ok_by_force = dict(tuple(ok.groupby("force", sort=False))) if len(ok) else {}
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title><style>{_CSS}</style><script>{_SCRIPT % QUOTES_SHOWN}</script></head><body>",
        f"<header><h1>{escape(title)}</h1></header>",
        '<nav class="tabs"><a href="#summary">Summary</a><a href="#heatmap">Heatmap</a>'
        '<a href="#themes">Themes</a><a href="#forces">Forces</a>'
        + ('<a href="#errors">Files not read</a>' if len(errors) else "") + "</nav>",
        _filters(themes, forces, years, names),
        "<main>",
        _summary_page(results, ok, names),
        _heatmap_page(matrix, themes, forces, names),
        _themes_index(results.themes, themes, names),
        *(_theme_page(theme, matrix, by_theme.get(theme, empty), ok, names, evidence_dir, texts) for theme in themes),
        _forces_index(forces, matrix),
        *(_force_page(force, ok_by_force.get(force, ok.iloc[:0]), reports.columns, top.get(force), concerns.get(force, {}),
                      names, texts) for force in forces),
    ]
    if len(errors):
        parts.append(f'<section class="page" id="page-errors"><h2>Files that could not be read</h2>{_table(errors)}'
                     "</section>")
    parts += [
        "</main>",
        '<footer>Made by peel-findings. Report texts: Crown copyright, HMIC / HMICFRS, Open Government Licence '
        "v3.0.</footer>",
        "</body></html>",
    ]
    return "\n".join(parts)


def write(results: RunTables, path: str | Path, title: str = "peel-findings: recurring themes",
          texts: Callable[[set[str]], dict[str, str]] | None = None) -> Path:
    path = Path(path)
    atomic_write_bytes(path, render(results, title, texts=texts).encode("utf-8"))
    return path


def _filters(themes: list[str], forces: list[str], years: list[str], names: dict[str, str]) -> str:
    def select(name: str, label: str, options: list[tuple[str, str]]) -> str:
        items = "".join(f'<option value="{escape(v)}">{escape(t)}</option>' for v, t in options)
        return (f'<label>{label}<select name="{name}" id="filter-{name}"><option value="">all</option>{items}'
                "</select></label>")

    return (
        '<div class="filters">'
        + select("theme", "Theme", [(t, names.get(t, t)) for t in themes])
        + select("force", "Force", [(f, f) for f in forces])
        + select("year", "Year", [(y, y) for y in years])
        + select("polarity", "Polarity", [(p, p) for p in POLARITIES])
        + '<span id="filter-count" class="meta"></span></div>'
    )


def _summary_page(results: RunTables, ok: pd.DataFrame, names: dict[str, str]) -> str:
    n_findings, n_sentences = results.n_findings, results.n_sentences
    real = ok["force"].dropna()
    years = sorted({_year(y) for y in ok["year"].dropna()}) if len(ok) else []
    cards = [
        (len(ok), "reports read"),
        (real[real != NATIONAL].nunique(), "forces"),
        (f"{years[0]}–{years[-1]}" if years else "–", "years"),
        (n_findings, f"findings in {n_sentences} sentences"),
        (results.failed, "files not read"),
    ]
    warnings = []
    if "force_source" in ok:
        unsure = ok[ok["force_source"].isin(["guessed"]) | ok["force"].isna()]
        if len(unsure):
            warnings.append(f"{len(unsure)} report(s) have no force or a guessed one; see <code>force_source</code> "
                            "in reports.csv and name them in a metadata file.")
    if len(ok) and ok["year"].isna().any():
        warnings.append(f"{int(ok['year'].isna().sum())} report(s) have no year and are left out of trends.")
    template, shared = results.n_template, results.n_shared
    notes = [f"{template} template sentences (grade lines, question headings, methodology) and {shared} sentences "
             "copied into three or more forces' reports are left out of the counts; a copied sentence is counted "
             "once, apart."]
    themes = results.themes
    rows = themes[themes["polarity"] == "negative"].head(12) if len(themes) else themes
    bars = _bar_chart(rows, names) if len(rows) else "<p>No negative themed findings.</p>"
    return (
        '<section class="page" id="page-summary"><h2>Summary</h2><div class="cards">'
        + "".join(f'<div class="card"><b>{escape(str(v))}</b>{escape(label)}</div>' for v, label in cards)
        + "</div>"
        + "".join(f'<p class="warn">{w}</p>' for w in warnings)
        + "".join(f'<p class="meta">{escape(n)}</p>' for n in notes)
        + '<h3>Themes with negative findings in the most forces</h3>' + bars
        + '<p class="meta">Bar: forces with at least one negative finding on the theme; in brackets, findings and '
          "the estimate from the model's probabilities with its 90% interval.</p></section>"
    )


def _bar_chart(rows: pd.DataFrame, names: dict[str, str]) -> str:
    top = max(int(rows["n_forces"].max()), 1)
    bar_h, label_w, width = 22, 260, 380
    items = []
    for i, r in enumerate(rows.itertuples()):
        y = 5 + i * bar_h
        w = max(2, int(width * r.n_forces / top))
        estimate = "" if pd.isna(getattr(r, "estimate", None)) else \
            f"; est. {r.estimate:.0f} [{r.estimate_low:.0f}–{r.estimate_high:.0f}]"
        name = names.get(r.theme, r.theme)
        items.append(
            f'<a href="#theme-{_slug(r.theme)}"><text x="{label_w - 6}" y="{y + 15}" text-anchor="end" '
            f'font-size="12">{escape(name[:40])}</text></a>'
            f'<rect class="bar" x="{label_w}" y="{y + 3}" width="{w}" height="{bar_h - 6}">'
            f"<title>{escape(name)}: {r.n_forces} forces, {r.n_findings} findings{escape(estimate)}</title></rect>"
            f'<text x="{label_w + w + 5}" y="{y + 15}" font-size="11">{r.n_forces} ({r.n_findings}{escape(estimate)})'
            "</text>"
        )
    return (f'<svg id="recurring-chart" role="img" aria-label="forces with negative findings per theme" '
            f'viewBox="0 0 {label_w + width + 200} {bar_h * len(rows) + 10}" style="max-width:100%;height:auto" '
            f'width="{label_w + width + 200}" xmlns="http://www.w3.org/2000/svg">' + "".join(items) + "</svg>")


def _colour(share: float) -> str:
    return f"hsl({int(120 - 120 * share)},60%,{int(86 - 26 * share)}%)"


def _heatmap_page(matrix: pd.DataFrame, themes: list[str], forces: list[str], names: dict[str, str]) -> str:
    if matrix.empty:
        return '<section class="page" id="page-heatmap"><h2>Heatmap</h2><p>No themed findings.</p></section>'
    lookup = {(r.force, r.theme): r for r in matrix.itertuples()}
    head = '<th class="corner">force</th>' + "".join(
        f'<th class="col" data-filter data-theme="{escape(t)}" title="{escape(names.get(t, t))}">'
        f'<span>{escape(names.get(t, t))}</span></th>' for t in themes)
    body = []
    for force in forces:
        cells = [f'<th title="{escape(force)}"><a href="#force-{_slug(force)}">{escape(force)}</a></th>']
        for theme in themes:
            r = lookup.get((force, theme))
            attrs = f'data-filter data-theme="{escape(theme)}"'
            if r is None:
                cells.append(f'<td class="cell empty" {attrs}></td>')
                continue
            label = (f"{force}, {names.get(theme, theme)}: {r.n_negative} of {r.n_findings} findings negative "
                     f"({r.negative_share:.0%}, 90% interval {r.share_low:.0%}–{r.share_high:.0%})")
            small = " small" if r.small_n else ""
            style = "" if r.small_n else f' style="background:{_colour(float(r.negative_share))}"'
            cells.append(f'<td class="cell{small}"{style} {attrs} title="{escape(label)}">'
                         f'<a href="#theme-{_slug(theme)}">{int(r.n_negative)}/{int(r.n_findings)}</a></td>')
        body.append(f'<tr data-filter data-force="{escape(force)}">' + "".join(cells) + "</tr>")
    legend = ('<p class="legend">Cells: negative findings / all findings on the theme; colour: the negative share '
              f'(<span style="background:{_colour(0)}">0%</span><span style="background:{_colour(.5)}">50%</span>'
              f'<span style="background:{_colour(1)}">100%</span>); grey: fewer than 3 findings, too few to read a '
              "share from. Template text and text copied across forces are left out.</p>")
    return ('<section class="page" id="page-heatmap"><h2>Negative share of findings, force by theme</h2>' + legend
            + f'<div class="wrap"><table id="heatmap-table"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}'
              "</tbody></table></div></section>")


def _themes_index(table: pd.DataFrame, themes: list[str], names: dict[str, str]) -> str:
    rows = []
    for theme in themes:
        part = table[table["theme"] == theme] if len(table) else table
        counts = {p: int(part.loc[part["polarity"] == p, "n_findings"].sum()) for p in POLARITIES}
        forces = int(part.loc[part["polarity"] == "negative", "n_forces"].sum()) if len(part) else 0
        rows.append(f'<tr data-filter data-theme="{escape(theme)}"><td><a href="#theme-{_slug(theme)}">'
                    f"{escape(names.get(theme, theme))}</a></td><td>{forces}</td>"
                    + "".join(f"<td>{counts[p]}</td>" for p in POLARITIES) + "</tr>")
    return ('<section class="page" id="page-themes"><h2>Themes</h2><table id="themes-table"><thead><tr><th>theme</th>'
            "<th>forces with negative findings</th>" + "".join(f"<th>{p}</th>" for p in POLARITIES)
            + f'</tr></thead><tbody>{"".join(rows)}</tbody></table></section>')


def _spread_quotes(rows: pd.DataFrame) -> pd.DataFrame:
    """The quotes a theme page carries, in the order it shows them.

    First one per force in turn, newest first, up to `QUOTES_SHOWN`; then, so that narrowing the
    filters still finds some, up to `QUOTES_PER_YEAR` per year and `QUOTES_PER_FORCE` per force.
    """
    if rows.empty:
        return rows
    rows = rows.sort_values(["year", "sentence_id"], ascending=[False, True], na_position="last")
    turn = rows.groupby("force", dropna=False).cumcount()
    spread = rows.assign(_turn=turn.to_numpy()).sort_values(["_turn", "year", "force"], ascending=[True, False, True],
                                                            na_position="last").drop(columns="_turn")
    by_year = spread.groupby(spread["year"].map(_year), dropna=False).head(QUOTES_PER_YEAR)
    by_force = rows.groupby("force", dropna=False).head(QUOTES_PER_FORCE)
    chosen = pd.concat([spread.head(QUOTES_SHOWN), by_year, by_force])
    return chosen[~chosen["sentence_id"].duplicated()]


def _quote(r: Any, texts: dict[str, str]) -> str:
    page = f", page {int(r.page)}" if pd.notna(r.page) else ""
    year = _year(r.year)
    text = getattr(r, "text", None) or texts.get(r.sentence_id, "")
    return (f'<blockquote class="{escape(str(r.polarity))}" data-filter data-force="{escape(str(r.force))}" '
            f'data-year="{escape(year)}" data-polarity="{escape(str(r.polarity))}">{escape(str(text))}'
            f'<div class="meta">{escape(str(r.force))}{", " + year if year else ""}{page} · {escape(str(r.polarity))} · '
            f"{escape(str(r.report_id))} · {escape(str(r.sentence_id))}</div></blockquote>")


def _theme_page(theme: str, matrix: pd.DataFrame, long: pd.DataFrame, reports: pd.DataFrame,
                names: dict[str, str], evidence_dir: str, texts: dict[str, str]) -> str:
    name = names.get(theme, theme)
    cells = matrix[matrix["theme"] == theme].sort_values(["n_negative", "n_findings"], ascending=False)
    rows = "".join(
        f'<tr data-filter data-force="{escape(str(r.force))}"><td><a href="#force-{_slug(r.force)}">{escape(str(r.force))}'
        f"</a></td><td>{r.n_findings}</td><td>{r.n_negative}</td><td>{r.negative_share:.0%} "
        f'<span class="meta">[{r.share_low:.0%}–{r.share_high:.0%}]</span>{" (few)" if r.small_n else ""}</td>'
        + (f"<td>{r.estimate_negative:.1f} [{r.estimate_low:.0f}–{r.estimate_high:.0f}]</td>"
           if "estimate_negative" in cells and pd.notna(r.estimate_negative) else "<td></td>")
        + "</tr>"
        for r in cells.itertuples()
    )
    mine = long  # this theme's rows
    quotes = _spread_quotes(mine)
    return (
        f'<section class="page" id="page-theme-{_slug(theme)}"><h2>{escape(name)}</h2>'
        f'<p class="meta">Theme id <code>{escape(theme)}</code> · {len(mine)} findings in '
        f'{mine["force"].nunique() if len(mine) else 0} forces · <a download href="{evidence_dir}/{_slug(theme)}.csv">'
        "download the evidence (CSV)</a></p>"
        f"<h3>Trend: findings per report, by year</h3>{_trend(mine, reports)}"
        '<h3>Forces</h3><table class="theme-forces"><thead><tr><th>force</th><th>findings</th><th>negative</th>'
        "<th>negative share [90% interval]</th><th>estimated negative [90% interval]</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
        f'<h3>Quotes, spread across forces, newest first</h3><div class="quotes">'
        f'{"".join(_quote(r, texts) for r in quotes.itertuples())}'
        '<p class="meta none hidden">No quote here matches the filters; the evidence file has every finding.</p></div>'
        f'<p class="meta">{len(mine)} findings in all; every one is in the evidence file.</p></section>'
    )


def _trend(rows: pd.DataFrame, reports: pd.DataFrame) -> str:
    """Findings per report, per year and polarity, as a small SVG bar chart (years with reports only)."""
    if rows.empty or "year" not in reports or reports["year"].dropna().empty:
        return '<p class="meta">No dated findings.</p>'
    per_year = reports.groupby(reports["year"].map(_year))["report_id"].nunique()
    per_year = per_year[per_year.index != ""]
    years = sorted(per_year.index)
    counts = rows.assign(y=rows["year"].map(_year)).groupby(["y", "polarity"]).size()
    values = {(y, p): counts.get((y, p), 0) / per_year[y] for y in years for p in POLARITIES}
    top = max(max(values.values()), 0.01)
    width, height, group = 640, 150, 640 / max(len(years), 1)
    bar = max(2.0, group / 5)
    css = {"negative": "bar", "positive": "bar pos", "mixed": "bar mix", "neutral": "bar neu"}
    items = []
    for i, y in enumerate(years):
        for j, p in enumerate(POLARITIES):
            h = height * values[(y, p)] / top
            x = i * group + j * bar + 4
            items.append(f'<rect class="{css[p]}" x="{x:.1f}" y="{height - h + 5:.1f}" width="{bar - 1:.1f}" '
                         f'height="{h:.1f}"><title>{y}, {p}: {values[(y, p)]:.2f} per report ({per_year[y]} reports)'
                         "</title></rect>")
        items.append(f'<text x="{i * group + 4:.1f}" y="{height + 20}" font-size="11">{y}</text>')
    return (f'<svg class="trend" viewBox="0 0 {width} {height + 26}" style="max-width:100%;height:auto" width="{width}" '
            f'role="img" aria-label="findings per report by year">' + "".join(items) + "</svg>"
            '<p class="legend">Bars per year: negative, mixed, neutral, positive findings per report read that year.</p>')


def _forces_index(forces: list[str], matrix: pd.DataFrame) -> str:
    negative = matrix.groupby("force")["n_negative"].sum() if len(matrix) else pd.Series(dtype=int)
    items = "".join(f'<li data-filter data-force="{escape(f)}"><a href="#force-{_slug(f)}">{escape(f)}</a> '
                    f'<span class="meta">{int(negative.get(f, 0))} negative themed findings</span></li>' for f in forces)
    return f'<section class="page" id="page-forces"><h2>Forces</h2><ul class="links">{items}</ul></section>'


def _top_concerns(matrix: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Each force's themes with the most negative findings (its page's top concerns), by force."""
    if not len(matrix):
        return {}
    cells = matrix[matrix["n_negative"] > 0].sort_values(["n_negative", "n_findings"], ascending=False, kind="stable")
    return dict(tuple(cells.groupby("force", sort=False).head(TOP_CONCERNS).groupby("force", sort=False)))


def _concern_quotes(rows: pd.DataFrame, cells: pd.DataFrame | None) -> dict[str, pd.DataFrame]:
    """The newest negative findings of a force on each of its top concerns, by theme (``rows``: the
    force's negative rows; ``cells``: its top concerns)."""
    if cells is None or rows.empty:
        return {}
    mine = rows[rows["theme"].isin(set(cells["theme"]))]
    newest = mine.sort_values("year", ascending=False, na_position="last", kind="stable")
    return dict(tuple(newest.groupby("theme", sort=False).head(QUOTES_PER_CONCERN).groupby("theme", sort=False)))


def _force_page(force: str, mine: pd.DataFrame, columns: Iterable[str], cells: pd.DataFrame | None,
                quotes: dict[str, pd.DataFrame], names: dict[str, str], texts: dict[str, str]) -> str:
    """A force's page: ``mine`` are its reports read, ``cells`` its top concerns and ``quotes`` theirs."""
    grade_cols = ["overall_grade", *sorted(c for c in columns if c.startswith("grade_"))]
    grade_cols = [c for c in grade_cols if c in mine and mine[c].notna().any()]
    grade_rows = []
    for r in mine.sort_values(["year", "programme"], na_position="last").to_dict("records"):
        cells_ = "".join(
            f'<td class="grade-{escape(str(r[c]).replace(" ", "-"))}">{escape(str(r[c]))}</td>'
            if isinstance(r[c], str) else "<td></td>" for c in grade_cols)
        grade_rows.append(f'<tr data-filter data-year="{escape(_year(r["year"]))}"><td>{escape(_year(r["year"]))}</td>'
                          f'<td>{escape(str(r.get("programme") or ""))}</td>{cells_}</tr>')
    grades = ("<table class=\"grades\"><thead><tr><th>year</th><th>programme</th>"
              + "".join(f"<th>{escape(c.replace('grade_', '').replace('_', ' '))}</th>" for c in grade_cols)
              + f"</tr></thead><tbody>{''.join(grade_rows)}</tbody></table>") if grade_rows else \
        '<p class="meta">No grades stated in the reports read.</p>'
    concerns = []
    for r in (cells.itertuples() if cells is not None else ()):
        shown = quotes.get(r.theme)
        concerns.append(f'<div data-filter data-theme="{escape(r.theme)}"><h3><a href="#theme-{_slug(r.theme)}">'
                        f"{escape(names.get(r.theme, r.theme))}</a>: {r.n_negative} of {r.n_findings} findings negative"
                        + (" (few findings)" if r.small_n else "") + "</h3>"
                        + ("".join(_quote(q, texts) for q in shown.itertuples()) if shown is not None else "")
                        + "</div>")
    return (f'<section class="page" id="page-force-{_slug(force)}"><h2>{escape(force)}</h2>'
            f"<h3>Grades over the years</h3>{grades}<h3>Top concerns</h3>"
            + ("".join(concerns) or '<p class="meta">No negative themed findings.</p>') + "</section>")


def _table(frame: pd.DataFrame) -> str:
    head = "".join(f"<th>{escape(str(c))}</th>" for c in frame.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape('' if pd.isna(v) else str(v)) if not isinstance(v, list) else escape(', '.join(map(str, v)))}</td>" for v in row) + "</tr>"
        for row in frame.itertuples(index=False)
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
