"""The stacked heads (`model.stacked`): the same scores as each scikit-learn head's own, from the same features."""

from __future__ import annotations

import json
import pickle
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.calibration import CalibratedClassifierCV
from sklearn.dummy import DummyClassifier
from sklearn.linear_model import LogisticRegression, SGDClassifier

from peel_findings import train
from peel_findings.learn.train import Recipe
from peel_findings.model import load_model
from peel_findings.model.features import CharNgramTfidf, CueFeatures, model_columns
from peel_findings.model.model import TwoStagePolarity, limit_threads

LABELLED = Path(__file__).resolve().parents[1] / "training" / "labelled.jsonl"
TOLERANCE = 1e-9
ODD_TEXTS = ["", "   ", "a\u00a0\u00a0b  c\t\nd e", "Well-established MASH; OCGs, CSE and social care",
             "However, the force should improve. But it is good.", "x" * 300, "é ü ✓ “quoted” — don’t"]


@pytest.fixture(scope="module")
def records() -> list[dict]:
    if not LABELLED.exists():
        pytest.skip("training/labelled.jsonl is not here")
    return [json.loads(line) for line in LABELLED.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def sentences(records) -> pd.DataFrame:
    """A few hundred labelled sentences in report order, with their context, and some odd texts."""
    rows = records[1000:1300] + [{"text": t, "report": "odd", "section": t, "section_kind": "body"} for t in ODD_TEXTS]
    return pd.DataFrame({"text": [r["text"] for r in rows], "report": [r.get("report") for r in rows],
                         "section": [r.get("section") for r in rows],
                         "section_kind": [r.get("section_kind") for r in rows]})


@pytest.fixture(scope="module")
def small_models(records) -> dict:
    """Models trained here on 600 records: some themes with no positives (constant heads), some rare
    (uncalibrated logistic regression), two-stage or multinomial polarity, context for some heads or all."""
    part = records[:600]
    recipes = {
        "two-stage polarity, context for finding and polarity": Recipe(polarity_model="two_stage"),
        "context for every head": Recipe(context_heads=("finding", "polarity", "themes")),
        "no context": Recipe(context=False),
    }
    return {name: train(part, seed=0, tune_decisions=False, recipe=recipe) for name, recipe in recipes.items()}


def _max_differences(model, data) -> dict[str, float]:
    fast, reference = model.scores(data), model.reference_scores(data)
    assert fast.polarity_classes == reference.polarity_classes and fast.theme_ids == reference.theme_ids
    differences = {}
    for name in ("finding", "polarity", "themes"):
        a, b = getattr(fast, name), getattr(reference, name)
        assert a.shape == b.shape and a.dtype == b.dtype, name
        differences[name] = float(np.abs(a - b).max()) if a.size else 0.0
    return differences


def test_stacked_shipped_model_matches_each_head(sentences):
    model = load_model()
    assert model.stacked_heads() is not None  # the fast path is the one taken
    for data in (sentences, sentences["text"].tolist()):  # with context, and each text alone
        assert max(_max_differences(model, data).values()) <= TOLERANCE


def test_stacked_small_models_match_each_head(small_models, sentences):
    for name, model in small_models.items():
        assert model.stacked_heads() is not None, name
        for data in (sentences, sentences["text"].tolist()):
            differences = _max_differences(model, data)
            assert max(differences.values()) <= TOLERANCE, (name, differences)


def test_stacked_small_models_cover_every_kind_of_head(small_models):
    themes = [head for model in small_models.values() for head in model.themes]
    assert any(type(h) is DummyClassifier for h in themes)  # a theme with no positives
    assert any(type(h) is LogisticRegression for h in themes)  # a rare theme: not calibrated
    assert any(type(h) is CalibratedClassifierCV for h in themes)
    polarity = [model.polarity for model in small_models.values()]
    assert any(type(p) is TwoStagePolarity for p in polarity)
    assert any(type(p) is CalibratedClassifierCV and len(p.classes_) > 2 for p in polarity)
    assert any(model.context is not None and "themes" in model.context_heads for model in small_models.values())


def test_stacked_features_are_the_vectorizers_own_bit_for_bit(small_models, sentences):
    """Each block's matrix, side by side, is `Model.features` exactly: values, columns, and their order
    within a row (float32 sums over a row depend on it)."""
    for model in [load_model(), *small_models.values()]:
        stacked = model.stacked_heads()
        ours = stacked.features(model_columns(sentences))
        text, full = model.features(sentences)
        theirs = sp.csr_matrix(full if model.context_heads else text)
        for attribute in ("data", "indices", "indptr"):
            assert np.array_equal(getattr(ours, attribute), getattr(theirs, attribute)), attribute
        assert ours.dtype == theirs.dtype and ours.shape == theirs.shape


def test_stacked_empty_input_and_model_columns(sentences):
    model = load_model()
    assert len(model.scores([])) == 0 and model.scores([]).themes.shape == (0, len(model.theme_ids))
    frame = pd.DataFrame(model_columns(sentences))
    from peel_findings.model.features import model_frame

    pd.testing.assert_frame_equal(frame, model_frame(sentences))
    pd.testing.assert_frame_equal(pd.DataFrame(model_columns(["a", None, float("nan"), 3])),
                                  model_frame(["a", None, float("nan"), 3]))


def test_stacked_unknown_head_falls_back_to_scikit_learn(small_models, sentences):
    model = small_models["no context"]
    texts = sentences["text"].tolist()
    original = model.themes[0]
    other = SGDClassifier(loss="log_loss", random_state=0).fit(model.features(texts)[0], np.arange(len(texts)) % 2)
    try:
        model.themes[0] = other
        assert model.stacked_heads() is None  # rebuilt for the new part, which it cannot stack
        assert max(_max_differences(model, texts).values()) == 0.0
    finally:
        model.themes[0] = original
    assert model.stacked_heads() is not None


def test_stacked_heads_are_not_pickled(small_models):
    model = small_models["no context"]
    assert model.stacked_heads() is not None
    copy = pickle.loads(pickle.dumps(model))
    assert copy._stacked is None and copy.stacked_heads() is not None


def test_limit_threads_is_idempotent():
    limit_threads()
    limit_threads()


# -- the custom transformers give what they gave before this rewrite --------------------------------------


def _previous_char_transform(est: CharNgramTfidf, texts: list[str]) -> sp.csr_matrix:
    """`CharNgramTfidf.transform` as it was (scipy operations, a row's features in the order they left)."""
    indices, indptr, cache = [], [0], {}
    for text in texts:
        for word in re.sub(r"\s\s+", " ", str(text).lower()).split():
            if word not in cache:
                cache[word] = est._word_indices(word)
            indices.extend(cache[word])
        indptr.append(len(indices))
    matrix = sp.csr_matrix((np.ones(len(indices), dtype=np.float32), np.asarray(indices, dtype=np.int32),
                            np.asarray(indptr)), shape=(len(indptr) - 1, len(est.idf_)))
    matrix.sum_duplicates()
    if est.sublinear_tf:
        np.log(matrix.data, matrix.data)
        matrix.data += 1
    matrix = matrix.multiply(est.idf_).tocsr()
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1
    return sp.csr_matrix(sp.diags(1 / norms) @ matrix, dtype=np.float32)


def _previous_cue_transform(est: CueFeatures, texts: list[str]) -> sp.csr_matrix:
    """`CueFeatures.transform` as it was (every single-word cue tried on each new word, one alternation
    of all phrases sorted longest first)."""
    token, hyphen = re.compile(r"\w[\w'’]*"), re.compile(r"[-‐‑–]")
    single, phrases = {}, {}
    for column, (_, cues) in enumerate(est.groups):
        for cue in cues:
            whole = cue.strip().isupper()
            cue = hyphen.sub(" ", cue.lower().strip())
            target = phrases if " " in cue or "," in cue else single
            target.setdefault(cue if target is phrases or not whole else "=" + cue, set()).add(column)
    phrase_re = re.compile(r"\b(?:" + "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True)) + ")")
    names = [name for name, _ in est.groups]
    opening = {i for i, n in enumerate(names) if n in set(getattr(est, "opening", ()))}
    inner = {i for i, n in enumerate(names) if n in set(getattr(est, "inner", ()))}

    def matches(word: str, cue: str) -> bool:
        return word in (cue[1:], cue[1:] + "s") if cue.startswith("=") else word.startswith(cue)

    rows, cols = [], []
    for i, text in enumerate(texts):
        low, found = hyphen.sub(" ", str(text).lower()), set()
        for position, word in enumerate(token.findall(low)):
            hit = {c for cue, columns in single.items() if matches(word, cue) for c in columns}
            found.update(c for c in hit if (c not in opening or position == 0) and (c not in inner or position))
        first = token.search(low)
        for match in phrase_re.finditer(low) if phrases else ():
            at_start = match.start() == (first.start() if first else 0)
            found.update(c for c in phrases[match.group(0)]
                         if (c not in opening or at_start) and (c not in inner or not at_start))
        rows += [i] * len(found)
        cols += sorted(found)
    return sp.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(len(texts), len(est.groups)))


def test_custom_transformers_unchanged_bit_for_bit(small_models, records):
    texts = [r["text"] for r in records[:1500]] + ODD_TEXTS
    parts = [part for model in [load_model(), *small_models.values()] for _, part in model.vectorizer.transformer_list]
    for _, part, _ in small_models["context for every head"].context.transformers_:
        parts.append(part)
    checked = 0
    for part in parts:
        previous = {CharNgramTfidf: _previous_char_transform, CueFeatures: _previous_cue_transform}.get(type(part))
        if previous is None:
            continue
        ours, theirs = part.transform(texts), previous(part, texts)
        for attribute in ("data", "indices", "indptr"):
            assert np.array_equal(getattr(ours, attribute), getattr(theirs, attribute)), (type(part), attribute)
        checked += 1
    assert checked >= 5
