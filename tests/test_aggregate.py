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


def test_aggregate_template_text_is_left_out_of_theme_counts(findings):
    findings = findings.copy()
    findings.loc[2, "text"] = "The force is good at investigating crime."
    table = ag.recurring_themes(findings)
    assert not ((table.theme == "allocation") & (table.polarity == "positive")).any()
    kept = ag.recurring_themes(findings, template=True)
    assert ((kept.theme == "allocation") & (kept.polarity == "positive")).any()


def test_aggregate_a_sentence_in_three_forces_reports_counts_once_and_for_no_force():
    shared = "Forces should map organised crime groups consistently."
    rows = [{"force": f, "report_id": f.lower(), "text": shared, "polarity": "negative", "themes": ["ocg_mapping"]}
            for f in ("A", "B", "C")]
    rows.append({"force": "D", "report_id": "d", "text": "OCGs are not mapped.", "polarity": "negative",
                 "themes": ["ocg_mapping"]})
    frame = _frame(rows)
    assert ag.shared_text_flags(frame).tolist() == [True, True, True, False]
    row = ag.recurring_themes(frame).set_index(["theme", "polarity"]).loc[("ocg_mapping", "negative")]
    assert (row.n_forces, row.n_findings, row.n_shared) == (1, 1, 1)
    assert row.forces == ["D"] and row.shared_forces == ["A", "B", "C"]


def test_aggregate_national_reports_are_not_a_force(findings):
    findings = findings.copy()
    findings.loc[0, "force"] = "national"
    row = ag.recurring_themes(findings).set_index(["theme", "polarity"]).loc[("allocation", "negative")]
    assert row.forces == ["A", "B"] and row.n_findings == 3


def test_aggregate_matrix_shares_have_intervals_and_small_cells_are_marked(findings):
    m = ag.force_theme_matrix(findings).set_index(["force", "theme"])
    cell = m.loc[("B", "allocation")]
    assert cell.share_low < cell.negative_share < cell.share_high and bool(cell.small_n)
    assert ag.wilson_interval(0, 10) == (0.0, 0.213) and ag.wilson_interval(10, 10)[1] == 1.0
    assert ag.wilson_interval(3, 100)[0] > 0


def test_aggregate_by_year_divides_by_the_reports_of_the_year(findings):
    reports = pd.DataFrame({"report_id": ["a15", "b15", "c15", "x15", "b16"],
                            "year": ["2015", "2015", "2015", "2015", "2016"], "status": ["ok"] * 5})
    t = ag.theme_by_year(findings, reports).set_index(["theme", "year", "polarity"])
    assert t.loc[("allocation", "2015", "negative"), "per_report"] == 0.5  # 2 findings, 4 reports
    assert t.loc[("allocation", "2016", "negative"), "per_report"] == 1.0


def test_aggregate_refuses_list_columns_read_as_text(findings):
    from peel_findings.errors import InvalidArgumentError

    with pytest.raises(InvalidArgumentError, match="read_findings"):
        ag.recurring_themes(findings.assign(themes=findings.themes.map(str)))


def test_aggregate_near_duplicates_never_join_different_grades_or_polarity():
    rows = [{"report_id": "a", "force": "A", "text": "The force is good at investigating crime.", "polarity": "positive"},
            {"report_id": "b", "force": "B", "text": "The force is good at investigating crime.", "polarity": "positive"},
            {"report_id": "c", "force": "C", "text": "The force is inadequate at investigating crime.",
             "polarity": "negative"},
            {"report_id": "d", "force": "D", "text": "The force is inadequate at investigating crime.",
             "polarity": "negative"},
            {"report_id": "e", "force": "E", "text": "The force is good at investigating crime.", "polarity": "negative"}]
    groups = explore.near_duplicates(_frame([{**r, "themes": []} for r in rows]), threshold=0.7)
    assert sorted(groups["sentence_ids"].map(tuple)) == [("s00", "s01"), ("s02", "s03")]


def test_aggregate_emerging_themes_are_named_by_distinctive_terms_with_quotes_from_several_forces():
    vetting = ["There is a backlog of vetting applications.", "Vetting of new staff is delayed by a vetting backlog.",
               "The vetting unit has a large backlog of vetting checks.", "Vetting checks are not renewed on time."]
    calls = ["Non-emergency calls are abandoned before they are answered.",
             "Callers to the non-emergency number wait too long and abandoned calls are high.",
             "Too many non-emergency calls are abandoned."]
    rows = [{"force": "ABCD"[i], "report_id": f"v{i}", "year": 2016 + i, "text": t, "polarity": "negative", "themes": []}
            for i, t in enumerate(vetting)]
    rows += [{"force": "EFG"[i], "report_id": f"c{i}", "year": 2019, "text": t, "polarity": "negative", "themes": []}
             for i, t in enumerate(calls)]
    rows += [{"force": "H", "report_id": "h", "text": "The force needs to improve in this area.", "polarity": "negative",
              "themes": []}]
    table = explore.emerging_themes(_frame(rows), n_clusters=3)
    names = " ".join(table["name"])
    assert "vetting" in names and ("calls" in names or "abandoned" in names)
    assert "force" not in names and "improve" not in names
    top = table.iloc[0]
    assert len(set(top.quote_ids)) == len(top.quote_ids) and len(top.quotes) == 3  # three forces, one quote each


def test_aggregate_poisson_binomial_by_pairs_equals_the_one_at_a_time_recursion():
    import numpy as np

    from peel_findings.aggregate import poisson_binomial_interval, poisson_binomial_pmf

    rng = np.random.default_rng(7)
    for n in (1, 2, 3, 9, 60, 400, 2500):
        p = rng.beta(0.3, 3, size=n)
        dist = np.zeros(n + 1)
        dist[0] = 1.0
        for k, q in enumerate(p, start=1):
            dist[1:k + 1] = dist[1:k + 1] * (1 - q) + dist[:k] * q
            dist[0] *= 1 - q
        fast = poisson_binomial_pmf(p)
        assert np.allclose(fast, dist[: len(fast)], atol=1e-12) and dist[len(fast):].sum() < 1e-15
        cdf = np.cumsum(dist)
        assert poisson_binomial_interval(p) == (float(np.searchsorted(cdf, 0.05)), float(np.searchsorted(cdf, 0.95)))
