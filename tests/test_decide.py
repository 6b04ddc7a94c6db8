"""The decision module: scores and structure to labels, context, connectives, polarity scores, estimates."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from peel_findings.aggregate import estimate_counts, poisson_binomial_interval
from peel_findings.decide import classify, labels
from peel_findings.learn.train import Recipe, train
from peel_findings.model.features import CueFeatures, model_frame
from peel_findings.model.model import Model, Scores

THEMES = ("allocation", "mash")
CLASSES = ("mixed", "negative", "neutral", "positive")


def _model(rescue: float | None = None, weights: dict[str, float] | None = None) -> Model:
    return Model(vectorizer=None, finding=None, polarity=None, themes=None, theme_ids=THEMES,
                 metadata={"decision": {"finding_threshold": 0.5, "rescue_floor": rescue}},
                 theme_thresholds=(0.5, 0.4), polarity_weights=weights or {})


def _scores(finding, themes, polarity) -> Scores:
    return Scores(np.asarray(finding, float), np.asarray(polarity, float), CLASSES, np.asarray(themes, float), THEMES)


NEGATIVE = [0.1, 0.6, 0.1, 0.2]


def test_decide_a_confident_theme_is_not_vetoed_by_a_hesitant_finding_head():
    scores = _scores([0.35, 0.35, 0.1], [[0.9, 0.0], [0.1, 0.2], [0.9, 0.0]], [NEGATIVE] * 3)
    vetoed = labels(["a", "b", "c"], scores, _model(rescue=None))
    assert vetoed.is_finding.tolist() == [False, False, False] and vetoed.themes.tolist() == [[], [], []]
    joint = labels(["a", "b", "c"], scores, _model(rescue=0.3))
    assert joint.is_finding.tolist() == [True, False, False]  # no confident theme, or below the floor
    assert joint.themes.tolist() == [["allocation"], [], []] and joint.polarity.tolist() == ["negative", None, None]


def test_decide_polarity_weights_and_polarity_scores():
    scores = _scores([0.9], [[0.0, 0.0]], [[0.0, 0.4, 0.35, 0.25]])
    assert labels(["x"], scores, _model()).polarity[0] == "negative"
    table = labels(["x"], scores, _model(weights={"neutral": 2.0}))
    assert table.polarity[0] == "neutral"
    assert table.polarity_scores[0] == {"mixed": 0.0, "negative": 0.4, "neutral": 0.35, "positive": 0.25}


def test_decide_structure_makes_an_area_for_improvement_negative_and_a_grade_line_a_finding():
    scores = _scores([0.2, 0.3, 0.9], [[0.8, 0.0], [0.9, 0.9], [0.6, 0.0]], [[0.1, 0.1, 0.2, 0.6]] * 3)
    evidence = pd.DataFrame({"text": ["Review how crimes are allocated.", "Good", "The force allocates well."],
                             "section_kind": ["area_for_improvement", "body", "body"],
                             "unit": ["bullet", "heading", "sentence"]})
    table = labels(evidence.text.tolist(), scores, _model(), evidence=evidence)
    assert table.is_finding.tolist() == [True, True, True]
    assert table.polarity.tolist() == ["negative", "positive", "positive"]
    assert table.themes.tolist() == [["allocation"], [], ["allocation"]]  # a grade line names no theme
    assert table.evidence.tolist() == ["section", "grade", None]
    assert table.polarity_scores[0]["negative"] == 1.0 and table.polarity_scores[2]["positive"] == 0.6


def test_decide_context_is_the_previous_sentence_of_the_same_report():
    frame = model_frame(pd.DataFrame({"text": ["A.", "B.", "C.", "D."], "report": ["r1", "r1", "r2", None],
                                      "section": ["S", None, "T", "U"]}))
    assert frame.prev_text.tolist() == ["", "A.", "", ""]
    assert frame.section.tolist() == ["S", "", "T", "U"] and frame.section_kind.tolist() == ["", "", "", ""]
    assert model_frame(["A.", "B."]).prev_text.tolist() == ["", ""]


def test_decide_connectives_count_as_contrast_only_inside_a_sentence():
    cues = CueFeatures(groups=(("contrast", ("but", "however", "despite")), ("opening", ("however", "despite this"))),
                       opening=("opening",), inner=("contrast",)).fit(["x"])
    matrix = cues.transform(["However, the force does not review cases.", "The MASH works well, but slowly.",
                             "Despite this, it is good.", "It is good; however, it is slow."]).toarray()
    assert matrix.tolist() == [[0, 1], [1, 0], [0, 1], [1, 0]]


@pytest.fixture(scope="module")
def context_model() -> Model:
    """A model that can only tell the polarity of an identical bullet from the lead-in before it."""
    rows = []
    bullets = ["crimes are allocated to investigators", "the MASH shares information", "victims are updated",
               "supervisors review investigations", "the force maps organised crime groups", "officers attend calls"]
    for force in ("Force A", "Force B", "Force C"):
        for lead, polarity in (("Inspectors were pleased to find:", "positive"),
                               ("Inspectors were concerned to find:", "negative")):
            report = f"{force}-{polarity}"
            rows.append({"id": f"{report}-00", "text": lead, "report": report, "force": force,
                         "is_finding": True, "polarity": polarity, "themes": []})
            rows += [{"id": f"{report}-{i + 1:02d}", "text": b, "report": report, "force": force,
                      "is_finding": True, "polarity": polarity, "themes": []} for i, b in enumerate(bullets)]
    return train(rows, recipe=Recipe(context=True, context_heads=("finding", "polarity")), tune_decisions=False)


def test_decide_context_changes_polarity_where_only_the_context_differs(context_model):
    frame = pd.DataFrame({"text": ["Inspectors were pleased to find:", "victims are updated",
                                   "Inspectors were concerned to find:", "victims are updated"],
                          "report": ["r1", "r1", "r2", "r2"]})
    table = classify(frame, model=context_model)
    assert table.polarity.tolist()[1] == "positive" and table.polarity.tolist()[3] == "negative"
    for scores in table.polarity_scores:
        assert set(scores) == {"negative", "positive"} and abs(sum(scores.values()) - 1) < 1e-3


def _findings(rows):
    return pd.DataFrame(rows, columns=["force", "is_finding", "polarity", "themes", "finding_score", "theme_scores",
                                       "polarity_scores"])


def test_decide_estimates_are_probabilistic_classify_and_count():
    rows = [("A", True, "negative", ["mash"], 0.9, {"mash": 0.8}, {"negative": 0.75, "positive": 0.25}),
            ("A", False, None, [], 0.4, {"mash": 0.5}, {"negative": 0.5, "positive": 0.5}),
            ("B", True, "positive", ["mash"], 1.0, {"mash": 1.0}, {"negative": 0.0, "positive": 1.0})]
    table = estimate_counts(_findings(rows), by=("force",)).set_index(["force", "theme", "polarity"])
    assert table.loc[("A", "mash", "negative"), "estimate"] == round(0.9 * 0.8 * 0.75 + 0.4 * 0.5 * 0.5, 2)
    assert table.loc[("A", "mash", "negative"), "n_findings"] == 1
    assert table.loc[("B", "mash", "positive"), ["estimate", "low", "high"]].tolist() == [1.0, 1.0, 1.0]
    for row in table.itertuples():
        assert row.low <= row.estimate <= row.high


def test_decide_estimate_matches_quapy_pcc():
    quapy = pytest.importorskip("quapy")
    from quapy.method.aggregative import PCC

    rng = np.random.default_rng(3)
    p = rng.random(200)
    rows = [("A", True, "negative", ["mash"], 1.0, {"mash": 1.0}, {"negative": q, "positive": 1 - q}) for q in p]
    ours = estimate_counts(_findings(rows), by=()).set_index(["theme", "polarity"]).loc[("mash", "negative"), "estimate"]
    reference = PCC(classifier=None).aggregate(np.column_stack([1 - p, p]))[1] * len(p)
    assert quapy.__version__ and ours == pytest.approx(reference, abs=0.01)


def test_decide_interval_is_the_poisson_binomial_one():
    rng = np.random.default_rng(0)
    p = rng.random(40) * 0.4
    low, high = poisson_binomial_interval(p, level=0.9)
    draws = (rng.random((40_000, len(p))) < p).sum(axis=1)
    assert (low, high) == tuple(np.percentile(draws, [5, 95]))
    assert poisson_binomial_interval(np.zeros(3)) == (0.0, 0.0)
