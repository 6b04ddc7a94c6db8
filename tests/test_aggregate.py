"""Each aggregation on small hand-made findings frames."""

import pandas as pd
import pytest

from peel_findings import aggregate as ag
from peel_findings import explore
from peel_findings.decide import repeat_concern_flags


def _frame(rows):
    base = {"report_id": "r", "force": "F", "year": "2015", "programme": "P", "page": 1, "section": "",
            "section_kind": "body", "finding_score": 0.9, "theme_scores": {}, "unit": "sentence",
            "question_grade": None, "repeat_concern": False}
    columns = [*base, "sentence_id", "is_finding", "text", "polarity", "themes"]
    out = [{**base, "sentence_id": f"s{i:02d}", "is_finding": True, **row} for i, row in enumerate(rows)]
    return pd.DataFrame(out, columns=columns)


@pytest.fixture
def findings():
    return _frame([
        {"force": "A", "report_id": "a15", "text": "Crimes are allocated to untrained staff.", "polarity": "negative", "themes": ["allocation"]},
        {"force": "A", "report_id": "a15", "text": "Supervision is weak.", "polarity": "negative", "themes": ["supervision", "allocation"]},
        {"force": "B", "report_id": "b15", "text": "Allocation works well.", "polarity": "positive", "themes": ["allocation"]},
        {"force": "B", "report_id": "b16", "year": "2016", "text": "Crimes are allocated without regard to skills.", "polarity": "negative", "themes": ["allocation"]},
        {"force": "C", "report_id": "c15", "text": "Not a finding.", "polarity": None, "themes": [], "is_finding": False},
    ])


def test_aggregate_recurring_themes_counts_forces_reports_and_findings(findings):
    table = ag.recurring_themes(findings)
    row = table[(table.theme == "allocation") & (table.polarity == "negative")].iloc[0]
    assert (row.n_forces, row.n_reports, row.n_findings) == (2, 2, 3)  # reports a15 and b16
    assert row.forces == ["A", "B"]
    assert row.sentence_ids == ["s00", "s01", "s03"]
    assert row.example_sentence_ids == ["s00", "s01", "s03"]
    assert set(table.theme) == {"allocation", "supervision"}  # the non-finding adds nothing
    assert table.iloc[0].theme == "allocation" and table.iloc[0].polarity == "negative"  # most forces first


def test_aggregate_force_theme_matrix_negative_share(findings):
    m = ag.force_theme_matrix(findings).set_index(["force", "theme"])
    assert m.loc[("B", "allocation"), "n_findings"] == 2
    assert m.loc[("B", "allocation"), "negative_share"] == 0.5
    assert m.loc[("A", "supervision"), "sentence_ids"] == ["s01"]


def test_aggregate_theme_by_year_splits_years(findings):
    t = ag.theme_by_year(findings)
    neg = t[(t.theme == "allocation") & (t.polarity == "negative")].set_index("year")
    assert neg.loc["2015", "n_findings"] == 2 and neg.loc["2016", "n_findings"] == 1


@pytest.mark.parametrize("text, flagged", [
    ("These areas have been highlighted in previous HMIC inspections.", True),
    ("This was also an area for improvement last year.", True),
    ("In 2014 we found that supervision was poor, and it still is.", True),
    ("Both shortcomings were pointed out to the constabulary in inspections over the last two years.", True),
    ("Supervision is weak.", False),
    ("The force has a new policy on allocation.", False),
])
def test_aggregate_repeat_concern_phrases(text, flagged):
    assert bool(repeat_concern_flags(pd.Series([text])).iloc[0]) is flagged


def test_aggregate_repeat_concerns_per_theme(findings):
    findings = findings.copy()
    findings.loc[0, "repeat_concern"] = True
    table = ag.repeat_concerns(findings)
    assert table.to_dict("records")[0] == {"theme": "allocation", "n_repeat": 1, "n_forces": 1, "forces": ["A"],
                                          "sentence_ids": ["s00"]}


def test_aggregate_grade_alignment_bands(findings):
    findings = findings.copy()
    findings["question_grade"] = ["requires improvement", "requires improvement", "good", "good", None]
    t = ag.grade_alignment(findings).set_index(["theme", "grade_band"])
    assert t.loc[("allocation", "poor"), "n_negative"] == 2
    assert t.loc[("allocation", "good"), "n_negative"] == 1
    assert t.loc[("allocation", "good"), "negative_share"] == 0.5


def test_aggregate_near_duplicates_groups_stock_phrases():
    stock = "The force should ensure that all crimes are allocated promptly to investigators with the appropriate skills."
    frame = _frame([
        {"force": "A", "report_id": "a", "text": stock, "polarity": "negative", "themes": ["allocation"]},
        {"force": "B", "report_id": "b", "text": stock.replace("The force", "The constabulary"), "polarity": "negative", "themes": ["allocation"]},
        {"force": "C", "report_id": "c", "text": "Neighbourhood teams patrol hotspots at night.", "polarity": "positive", "themes": []},
    ])
    groups = explore.near_duplicates(frame)
    assert len(groups) == 1
    assert groups.iloc[0]["size"] == 2 and groups.iloc[0]["forces"] == ["A", "B"]


def test_aggregate_emerging_themes_cluster_untaxonomised_negatives():
    rows = []
    for force in "ABC":
        rows.append({"force": force, "report_id": force, "text": f"Vetting backlogs leave officers unvetted in {force}.", "polarity": "negative", "themes": []})
        rows.append({"force": force, "report_id": force, "text": f"Custody suites in {force} have ligature points.", "polarity": "negative", "themes": []})
    table = explore.emerging_themes(_frame(rows), n_clusters=2)
    assert len(table) == 2
    names = " ".join(table["name"])
    assert "vetting" in names and ("custody" in names or "ligature" in names)
    assert all(table["n_forces"] == 3)


def test_aggregate_empty_frames_give_empty_tables():
    empty = _frame([])
    assert ag.recurring_themes(empty).empty and explore.near_duplicates(empty).empty and explore.emerging_themes(empty).empty
