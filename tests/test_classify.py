"""The classifier: the fixed output contract, model integrity, and training end to end."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from peel_findings import classify, load_model, train
from peel_findings.decide import CLASSIFY_COLUMNS
from peel_findings.model.store import save_model
from peel_findings.errors import ModelError
from peel_findings.model.features import CueFeatures
from peel_findings.learn.interchange import read_records

TINY = Path(__file__).parent / "fixtures" / "labels" / "tiny.jsonl"


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory):
    model = train(read_records(TINY), seed=0)
    return save_model(model, tmp_path_factory.mktemp("model") / "tiny")


@pytest.mark.parametrize("texts", [
    [],
    ["The force should improve supervision of investigations."],
    ["Les victimes ne sont pas informées — “quoted” ünïcödé ✓", "", "   "],
    ["The MASH is effective. " * 2000],
    ["b", "a", "c", "a"],
])
def test_classify_returns_fixed_columns_in_input_order(texts):
    out = classify(texts)
    assert tuple(out.columns) == CLASSIFY_COLUMNS
    assert len(out) == len(texts) and out["text"].tolist() == list(texts)
    for row in out.itertuples():
        assert isinstance(row.is_finding, (bool,)) or row.is_finding in (True, False)
        assert 0.0 <= row.finding_score <= 1.0
        assert (row.polarity is None) == (not row.is_finding)
        assert row.polarity in (None, "positive", "negative", "mixed", "neutral")
        assert isinstance(row.themes, list) and all(t in row.theme_scores for t in row.themes)
        assert all(0.0 <= v <= 1.0 for v in row.theme_scores.values())
        if not row.is_finding:
            assert row.themes == []


def test_classify_accepts_a_series_and_rejects_a_bare_string():
    assert len(classify(pd.Series(["One.", "Two."]))) == 2
    with pytest.raises(TypeError, match="wrap a single text"):
        classify("The force is good.")


def test_classify_shipped_model_reads_clear_cases():
    out = classify([
        "The force should ensure that all crimes are allocated promptly to investigators with the appropriate skills.",
        "Skip to content",
    ])
    assert out.loc[0, "is_finding"] and out.loc[0, "polarity"] == "negative" and "allocation" in out.loc[0, "themes"]
    assert not out.loc[1, "is_finding"]


def test_classify_refuses_a_tampered_model(tiny_model, tmp_path):
    copy = shutil.copytree(tiny_model, tmp_path / "copy")
    data = bytearray((copy / "model.skops").read_bytes())
    data[len(data) // 2] ^= 0xFF
    (copy / "model.skops").write_bytes(bytes(data))
    with pytest.raises(ModelError, match="does not match"):
        load_model(copy)


def test_classify_refuses_a_model_without_metadata(tiny_model, tmp_path):
    copy = shutil.copytree(tiny_model, tmp_path / "copy")
    (copy / "metadata.json").unlink()
    with pytest.raises(ModelError, match="no model here"):
        load_model(copy)


def test_classify_model_metadata_records_provenance(tiny_model):
    meta = json.loads((tiny_model / "metadata.json").read_text())
    assert len(meta["training_data_sha256"]) == 64 and len(meta["model_sha256"]) == 64
    assert {"peel_findings", "scikit_learn", "numpy", "skops"} <= set(meta["versions"])
    assert [t["id"] for t in meta["taxonomy"]][:5] == ["allocation", "supervision", "victim_code", "mash", "ocg_mapping"]


def test_classify_training_end_to_end_is_deterministic(tiny_model, tmp_path):
    again = save_model(train(read_records(TINY), seed=0), tmp_path / "again")
    texts = ["Crimes are not allocated to skilled staff.", "The MASH shares information well.", "Skip to content"]
    first, second = classify(texts, model=load_model(tiny_model)), classify(texts, model=load_model(again))
    pd.testing.assert_frame_equal(first, second)
    a, b = (json.loads((d / "metadata.json").read_text()) for d in (tiny_model, again))
    assert a["training_data_sha256"] == b["training_data_sha256"]
    assert a["theme_thresholds"] == b["theme_thresholds"] and a["polarity_weights"] == b["polarity_weights"]


def test_classify_cue_features_follow_the_estimator_contract():
    est = CueFeatures(groups=(("theme:mash", ("mash", "safeguarding hub")), ("cue:contrast", ("but",))))
    with pytest.raises(NotFittedError):
        est.transform(["x"])
    assert clone(est).get_params() == est.get_params()
    assert est.fit(["a"]) is est
    matrix = est.transform(["The MASH is good but slow.", "Nothing here.", "Safeguarding hubs work."])
    assert matrix.toarray().tolist() == [[1, 1], [0, 0], [1, 0]]
    assert list(est.get_feature_names_out()) == ["theme:mash", "cue:contrast"]
    with pytest.raises(ValueError, match="pairs"):
        CueFeatures(groups=(("bad", "not-a-tuple"),)).fit(["x"])


def test_classify_fast_char_ngrams_equal_scikit_learns():
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    from peel_findings.model.features import CharNgramTfidf

    texts = [json.loads(line)["text"] for line in TINY.read_text().splitlines()]
    texts += ["a", "", "  spaced   out  ", "Ünïcödé — “quoted” text", "The MASH. The mash!"]
    reference = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), min_df=2, sublinear_tf=True,
                                dtype=np.float32).fit(texts)
    ours = CharNgramTfidf(ngram_range=(3, 5), min_df=2, sublinear_tf=True).fit(texts)
    assert np.allclose(reference.transform(texts).toarray(), ours.transform(texts).toarray(), atol=1e-6)
    assert "_cache" not in ours.__getstate__()
