"""Write the notebooks from their cells (run from the repository root: python notebooks/build.py).

Kept as code so the notebooks' sources are reviewed like the rest; the test suite runs the notebooks.
"""

from __future__ import annotations

from pathlib import Path

import nbformat

HERE = Path(__file__).parent


def md(text: str):
    return nbformat.v4.new_markdown_cell(text.strip())


def code(text: str):
    return nbformat.v4.new_code_cell(text.strip())


RECURRING = [
    md("""
# Recurring themes across forces

This notebook runs peel-findings on the bundled sample reports (the 2015 PEEL effectiveness reports on
Avon and Somerset and on Gloucestershire, as PDF and text) and shows every aggregate a researcher works
with. Every number is traceable to sentence ids, pages and reports.

Report texts © HMIC 2016, Open Government Licence v3.0.
"""),
    code("""
%matplotlib inline
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

import peel_findings as pf
from peel_findings import aggregate, explore

SAMPLES = next(p for p in (Path('samples'), Path('../samples')) if p.is_dir())
results = pf.analyse([SAMPLES])
results.reports[['report_id', 'force', 'year', 'programme', 'pillar', 'pages', 'sentences', 'findings',
                 'overall_grade', 'status', 'force_source']]
"""),
    md("## Grades as the reports state them"),
    code("""
grade_columns = [c for c in results.reports.columns if c.startswith('grade_')]
results.reports.loc[results.reports.status == 'ok', ['force', 'year', 'overall_grade', *grade_columns]]
"""),
    md("""
## Which themes recur, with which polarity

One row per theme and polarity: forces, reports and findings (template text and text copied across forces
left out), and beside the count an estimate from the model's probabilities with its 90% interval.
"""),
    code("""
themes = aggregate.recurring_themes(results.findings)
core = ['allocation', 'supervision', 'victim_code', 'mash', 'ocg_mapping']
themes[themes.theme.isin(core)][['theme', 'polarity', 'n_forces', 'n_findings', 'estimate', 'estimate_low',
                                 'estimate_high', 'forces']]
"""),
    code("""
negative = themes[themes.polarity == 'negative'].head(12)
fig, ax = plt.subplots(figsize=(7, 4))
ax.barh(negative.theme, negative.n_findings, color='#c0392b', label='findings')
ax.errorbar(negative.estimate, negative.theme, xerr=[negative.estimate - negative.estimate_low,
            negative.estimate_high - negative.estimate], fmt='o', color='black', label='estimate, 90% interval')
ax.invert_yaxis()
ax.set_xlabel('negative findings')
ax.set_title('Negative findings by theme, sample reports')
ax.legend()
fig.tight_layout()
"""),
    md("## Force by theme: the negative share, with its interval; small cells marked"),
    code("""
matrix = aggregate.force_theme_matrix(results.findings)
matrix[matrix.theme.isin(core)][['force', 'theme', 'n_findings', 'n_negative', 'negative_share', 'share_low',
                                 'share_high', 'small_n', 'estimate_negative', 'estimated_share']]
"""),
    code("""
grid = matrix.pivot(index='theme', columns='force', values='negative_share')
fig, ax = plt.subplots(figsize=(5, 7))
image = ax.imshow(grid.to_numpy(dtype=float), cmap='RdYlGn_r', vmin=0, vmax=1, aspect='auto')
ax.set_yticks(range(len(grid.index)), grid.index)
ax.set_xticks(range(len(grid.columns)), [c.split()[0] for c in grid.columns])
fig.colorbar(image, label='negative share')
fig.tight_layout()
"""),
    md("## By year: findings per report (here one year; see notebook 03 for a force over the years)"),
    code("aggregate.theme_by_year(results.findings, results.reports).head()"),
    md("## Counts with uncertainty, force by theme by polarity"),
    code("aggregate.estimate_counts(results.findings, by=('force',)).query('theme in @core').head(12)"),
    md("## Repeat concerns, and how grades line up with the findings"),
    code("aggregate.repeat_concerns(results.findings)"),
    code("aggregate.grade_alignment(results.findings)"),
    md("## From a number back to the evidence"),
    code("""
ids = themes[(themes.theme == 'allocation') & (themes.polarity == 'negative')].iloc[0].sentence_ids
results.findings.set_index('sentence_id').loc[ids, ['force', 'page', 'section_kind', 'text']].head(8)
"""),
    md("## Stock phrases, and concerns no theme names"),
    code("explore.near_duplicates(results.findings)[['size', 'n_forces', 'representative']].head()"),
    code("explore.emerging_themes(results.findings)[['name', 'n_findings', 'n_forces', 'quotes']]"),
]

ONE_FORCE = [
    md("""
# One force across inspection years

The committed inspectorate pages (`tests/fixtures/corpus/pages.jsonl`) include a decade of pages on Kent
Police: PEEL pages from 2014 to 2023-25, crime data integrity and custody inspections, press releases.
This notebook reads them as a folder of saved pages and follows the force over the years.

Texts © HMIC / HMICFRS, Open Government Licence v3.0.
"""),
    code("""
%matplotlib inline
import json
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

import peel_findings as pf
from peel_findings import aggregate

ROOT = next(p for p in (Path('.'), Path('..')) if (p / 'tests' / 'fixtures' / 'corpus' / 'pages.jsonl').exists())
pages = [json.loads(line) for line in (ROOT / 'tests/fixtures/corpus/pages.jsonl').read_text().splitlines()]
folder = Path(tempfile.mkdtemp())
for n, page in enumerate(p for p in pages if p['force'] == 'Kent Police'):
    (folder / f'kent-{n:02d}.txt').write_text(f"{page['title']}\\n\\n{page['text']}\\n", encoding='utf-8')
results = pf.analyse([folder])
reports = results.reports[results.reports.status == 'ok']
reports[['report_id', 'year', 'programme', 'pillar', 'sentences', 'findings', 'overall_grade']].sort_values('year')
"""),
    md("## Grades stated over the years"),
    code("""
grades = [c for c in reports.columns if c.startswith('grade_') or c == 'overall_grade']
reports.sort_values('year')[['year', 'programme', *grades]].dropna(how='all', subset=grades)
"""),
    md("## Negative findings per report, by year and theme"),
    code("""
by_year = aggregate.theme_by_year(results.findings, results.reports)
negative = by_year[by_year.polarity == 'negative']
table = negative.pivot_table(index='theme', columns='year', values='per_report', fill_value=0)
table.loc[table.sum(axis=1).sort_values(ascending=False).index[:8]].round(2)
"""),
    code("""
top = table.sum(axis=1).sort_values(ascending=False).index[:5]
fig, ax = plt.subplots(figsize=(8, 4))
table.loc[top].T.plot(ax=ax, marker='o')
ax.set_ylabel('negative findings per report')
ax.set_title('Kent Police: negative findings per report, top themes')
fig.tight_layout()
"""),
    md("## The evidence behind the newest negative findings"),
    code("""
long = aggregate.theme_rows(results.findings)
long[long.polarity == 'negative'].sort_values('year', ascending=False)[['year', 'theme', 'text']].head(10)
"""),
]


def write(name: str, cells: list) -> None:
    notebook = nbformat.v4.new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3",
                                                                                "display_name": "Python 3",
                                                                                "language": "python"}})
    nbformat.write(notebook, HERE / name)


if __name__ == "__main__":
    write("01-recurring-themes.ipynb", RECURRING)
    write("03-one-force-over-the-years.ipynb", ONE_FORCE)
