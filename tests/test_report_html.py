"""The report's force pages: which concerns and which quotes they show."""

from __future__ import annotations

import re

import pandas as pd

from peel_findings.aggregate import force_theme_matrix, recurring_themes
from peel_findings.outputs.html import QUOTES_PER_CONCERN, TOP_CONCERNS, render
from peel_findings.types import RunTables

THEMES = ["crime_allocation", "supervision", "victim_code", "mash", "ocg_mapping", "digital_forensics"]


def _tables() -> RunTables:
    """One force with 6..1 negative findings on six themes over three years, one positive each."""
    rows = []
    for rank, theme in enumerate(THEMES):
        for i in range(len(THEMES) - rank):
            rows.append((theme, "negative", 2015 + i % 3, i))
        rows.append((theme, "positive", 2016, 99))
    evidence = pd.DataFrame([{
        "report_id": f"kent-{year}", "force": "Kent Police", "year": year, "page": 1, "polarity": polarity,
        "sentence_id": f"kent-{year}-{theme}-{i:02d}-{polarity}", "text": f"{theme} {polarity} {year} {i}",
        "themes": [theme], "template": False, "shared_text": False, "is_finding": True,
    } for theme, polarity, year, i in rows])
    evidence["year"] = evidence["year"].astype("Int64")
    reports = pd.DataFrame({"report_id": ["kent-2015", "kent-2016", "kent-2017"], "force": "Kent Police",
                            "year": pd.array([2015, 2016, 2017], dtype="Int64"), "programme": "PEEL",
                            "status": "ok", "overall_grade": ["good", "requires improvement", "good"]})
    errors = pd.DataFrame(columns=["path", "stage", "kind", "message"])
    return RunTables(evidence=evidence, reports=reports, errors=errors, themes=recurring_themes(evidence),
                     matrix=force_theme_matrix(evidence), n_findings=len(evidence))


def _force_page(html: str) -> str:
    return re.search(r'<section class="page" id="page-force-kent-police">.*?</section>', html, re.S).group(0)


def test_report_html_force_page_shows_the_top_concerns_most_negative_first():
    page = _force_page(render(_tables()))
    shown = re.findall(r'<div data-filter data-theme="([a-z_]+)">', page)
    assert shown == THEMES[:TOP_CONCERNS]  # 6, 5, 4, 3, 2 negative findings; the theme with 1 is left out
    assert re.search(r": 6 of 7 findings negative", page)


def test_report_html_concern_quotes_are_the_newest_and_ties_keep_reading_order():
    page = _force_page(render(_tables()))
    block = re.search(r'data-theme="crime_allocation">.*?</blockquote></div>', page, re.S).group(0)
    ids = re.findall(r"· (kent-\d{4}-crime_allocation-\d\d-negative)</div>", block)
    # six negative findings, i = 0..5 in years 2015, 2016, 2017, 2015, 2016, 2017: the newest three
    # are both of 2017 (i = 2, 5, in that order) and the first of 2016 (i = 1)
    assert ids == ["kent-2017-crime_allocation-02-negative", "kent-2017-crime_allocation-05-negative",
                   "kent-2016-crime_allocation-01-negative"]
    assert len(ids) == QUOTES_PER_CONCERN


def test_report_html_fetches_the_texts_of_exactly_the_quotes_shown():
    tables = _tables()
    asked: list[set[str]] = []

    def texts(ids: set[str]) -> dict[str, str]:
        asked.append(set(ids))
        return {i: f"TEXT OF {i}" for i in ids}

    bare = RunTables(**{**tables.__dict__, "evidence": tables.evidence.drop(columns="text")})
    html = render(bare, texts=texts)
    assert len(asked) == 1
    shown = set(re.findall(r"TEXT OF ([\w-]+)<div", html))
    assert shown == asked[0] and shown
    assert sum(i.endswith("-negative") for i in shown) >= TOP_CONCERNS
