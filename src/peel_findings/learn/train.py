"""Training: fit the model's heads on labelled records, and choose its decision parameters.

`train(records)` fits the three heads of `model.Model` on labelled records; each theme's
threshold and the polarity class weights (applied by `decide`) are chosen by an inner
cross-validation grouped by force, on the training records only.

Same records and seed give the same model: every estimator is deterministic
(lbfgs, unshuffled calibration folds) and records are sorted by id first.
"""

from __future__ import annotations

import hashlib
import json
import platform
import warnings
from collections import Counter
from collections.abc import Iterable
from datetime import datetime, timezone
from typing import Any

import numpy as np
import pandas as pd

from .._version import __version__
from ..errors import InvalidArgumentError
from ..model.features import POLARITY_CUES, CharNgramTfidf, CueFeatures
from ..model.model import Model, ThemeHeads
from ..taxonomy import Taxonomy, load_taxonomy

MIN_EXAMPLES_FOR_CALIBRATION = 6
FREQUENT_THEME_MIN = 10


def _vectorizer(taxonomy: Taxonomy, chars: bool = True, cues: bool = True) -> Any:
    """Word 1-2-grams, character 3-5-grams, and cue-word indicators (theme keywords, polarity cues)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion

    parts: list[tuple[str, Any]] = [
        ("words", TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True, dtype=np.float32)),
    ]
    if chars:
        parts.append(("chars", CharNgramTfidf(ngram_range=(3, 5), min_df=2, sublinear_tf=True)))
    if cues:
        groups = tuple((f"theme:{t.id}", (t.name, *t.keywords)) for t in taxonomy.themes)
        groups += tuple((name, words) for name, words in POLARITY_CUES.items())
        parts.append(("cues", CueFeatures(groups=groups)))
    return FeatureUnion(parts)


def _classifier(labels: np.ndarray, seed: int, c: float = 4.0) -> Any:
    """Logistic regression, sigmoid-calibrated when each class has enough examples."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.dummy import DummyClassifier
    from sklearn.linear_model import LogisticRegression

    counts = Counter(labels.tolist())
    if len(counts) < 2:
        return DummyClassifier(strategy="prior")
    base = LogisticRegression(C=c, max_iter=3000, class_weight="balanced", random_state=seed)
    if min(counts.values()) < MIN_EXAMPLES_FOR_CALIBRATION:
        return base
    return CalibratedClassifierCV(base, method="sigmoid", cv=3, ensemble=False)


def records_frame(records: Iterable[dict[str, Any]] | pd.DataFrame) -> pd.DataFrame:
    """Labelled records as a frame sorted by id, with list-valued ``themes``."""
    frame = records.copy() if isinstance(records, pd.DataFrame) else pd.DataFrame(list(records))
    if frame.empty:
        raise InvalidArgumentError("No labelled records given: pass at least one record with text and labels.")
    for column, default in (("report", ""), ("force", ""), ("year", "")):
        if column not in frame:
            frame[column] = default
    frame["themes"] = frame["themes"].apply(lambda t: list(t) if isinstance(t, (list, tuple, np.ndarray)) else [])
    frame["is_finding"] = frame["is_finding"].astype(bool)
    return frame.sort_values("id", kind="stable").reset_index(drop=True)


def theme_support(frame: pd.DataFrame, taxonomy: Taxonomy) -> dict[str, int]:
    return {t: int(sum(t in x for x in frame["themes"])) for t in taxonomy.ids}


def rare_themes(frame: pd.DataFrame, taxonomy: Taxonomy) -> dict[str, int]:
    """Themes with fewer than `FREQUENT_THEME_MIN` labelled examples, and how many each has."""
    return {t: n for t, n in theme_support(frame, taxonomy).items() if n < FREQUENT_THEME_MIN}


def rare_theme_message(theme: str, n: int) -> str:
    return (f"Theme '{theme}' has {n} labelled example(s) (fewer than {FREQUENT_THEME_MIN}); the model will "
            "rarely predict it and its scores are unreliable. Label more sentences with this theme.")


def data_sha256(frame: pd.DataFrame) -> str:
    """SHA-256 over the labelled content (id, text, labels), independent of file layout."""
    digest = hashlib.sha256()
    for row in frame[["id", "text", "is_finding", "polarity", "themes"]].itertuples(index=False):
        digest.update(json.dumps(list(row), ensure_ascii=False, default=list).encode())
        digest.update(b"\n")
    return digest.hexdigest()


def _inner_folds(groups: np.ndarray, labels: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """Three inner folds, grouped by force where there are enough forces, to pick decision rules."""
    from sklearn.model_selection import GroupKFold, StratifiedKFold

    if len(set(groups.tolist())) >= 3:
        return list(GroupKFold(n_splits=3).split(labels, labels, groups))
    return list(StratifiedKFold(n_splits=3).split(labels, labels))


def _out_of_fold(features: Any, labels: np.ndarray, folds: list, seed: int) -> np.ndarray | None:
    """Out-of-fold probabilities of the positive class (binary) or of each class (multiclass)."""
    classes = sorted(set(labels.tolist()))
    out = np.zeros((len(labels), len(classes)))
    for fit_idx, held_idx in folds:
        y = labels[fit_idx]
        if len(set(y.tolist())) < 2:
            return None
        head = _classifier(y, seed).fit(features[fit_idx], y)
        proba = head.predict_proba(features[held_idx])
        for j, c in enumerate(head.classes_):
            out[np.ix_(held_idx, [classes.index(c)])] = proba[:, [j]]
    return out


def _best_threshold(scores: np.ndarray, labels: np.ndarray) -> float:
    """The threshold on calibrated scores that maximises F1 (ties: the one nearest 0.5)."""
    best, best_f1 = 0.5, -1.0
    for t in sorted(np.arange(0.10, 0.61, 0.05), key=lambda x: abs(x - 0.5)):
        pred = scores >= t
        tp = int((pred & labels).sum())
        f1 = 2 * tp / max(int(pred.sum()) + int(labels.sum()), 1)
        if f1 > best_f1 + 1e-9:
            best, best_f1 = float(round(t, 2)), f1
    return best


def _best_class_weights(proba: np.ndarray, labels: np.ndarray, classes: list[str]) -> np.ndarray:
    """Multiplicative weights on class probabilities that maximise macro-F1 (coordinate search)."""
    from sklearn.metrics import f1_score

    weights = np.ones(len(classes))
    grid = (0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 4.0)

    def score(w: np.ndarray) -> float:
        pred = np.asarray(classes)[(proba * w).argmax(axis=1)]
        return f1_score(labels, pred, labels=classes, average="macro", zero_division=0)

    best = score(weights)
    for _ in range(2):
        for j in range(len(classes)):
            for g in grid:
                trial = weights.copy()
                trial[j] = g
                value = score(trial)
                if value > best + 1e-9:
                    best, weights = value, trial
    return weights


def train(
    records: Iterable[dict[str, Any]] | pd.DataFrame,
    taxonomy: Taxonomy | None = None,
    seed: int = 0,
    tune_decisions: bool = True,
    feature_set: dict[str, bool] | None = None,
) -> Model:
    """Fit the finding, polarity and theme heads on labelled records.

    With ``tune_decisions``, each theme's decision threshold and the polarity class
    weights are chosen by an inner cross-validation on the training records (grouped
    by force), so they never see the records a model is evaluated on.
    """
    from threadpoolctl import threadpool_limits

    taxonomy = taxonomy or load_taxonomy()
    for theme, n in rare_themes(records_frame(records), taxonomy).items():
        warnings.warn(rare_theme_message(theme, n), UserWarning, stacklevel=2)
    # Many small fits: BLAS threads only contend (one fit ran 45x slower with two threads).
    with threadpool_limits(limits=1):
        return _train(records, taxonomy, seed, tune_decisions, feature_set)


def _train(
    records: Iterable[dict[str, Any]] | pd.DataFrame,
    taxonomy: Taxonomy | None,
    seed: int,
    tune_decisions: bool,
    feature_set: dict[str, bool] | None,
) -> Model:
    taxonomy = taxonomy or load_taxonomy()
    frame = records_frame(records)
    texts = frame["text"].tolist()
    vectorizer = _vectorizer(taxonomy, **(feature_set or {}))
    features = vectorizer.fit_transform(texts)
    for _, part in vectorizer.transformer_list:
        if hasattr(part, "stop_words_"):
            part.stop_words_ = None  # every pruned n-gram: only for introspection, most of the file size
    finding_labels = frame["is_finding"].to_numpy()
    finding = _classifier(finding_labels.astype(int), seed).fit(features, finding_labels.astype(int))
    mask = finding_labels
    polarity_labels = frame.loc[mask, "polarity"].to_numpy(object)
    polarity = _classifier(polarity_labels, seed).fit(features[mask], polarity_labels)
    theme_heads, thresholds = [], []
    groups = frame.loc[mask, "force"].astype(str).to_numpy()
    folds = _inner_folds(groups, polarity_labels) if tune_decisions else []
    for theme in taxonomy.ids:
        y = np.array([theme in t for t in frame.loc[mask, "themes"]], dtype=int)
        theme_heads.append(_classifier(y, seed).fit(features[mask], y))
        threshold = 0.5
        if tune_decisions and y.sum() >= MIN_EXAMPLES_FOR_CALIBRATION:
            oof = _out_of_fold(features[mask], y, folds, seed)
            if oof is not None:
                threshold = _best_threshold(oof[:, 1], y.astype(bool))
        thresholds.append(threshold)
    polarity_classes = sorted(set(polarity_labels.tolist()))
    polarity_weights = np.ones(len(polarity_classes))
    if tune_decisions and len(polarity_classes) > 1:
        oof = _out_of_fold(features[mask], polarity_labels, folds, seed)
        if oof is not None:
            polarity_weights = _best_class_weights(oof, polarity_labels, polarity_classes)
    metadata = {
        "created": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "versions": _versions(),
        "seed": seed,
        "n_records": int(len(frame)),
        "n_findings": int(mask.sum()),
        "training_data_sha256": data_sha256(frame),
        "polarities": sorted(set(polarity_labels.tolist())),
        "taxonomy": [{"id": t.id, "name": t.name} for t in taxonomy.themes],
        "core_themes": list(taxonomy.core),
        "theme_support": theme_support(frame, taxonomy),
    }
    return Model(
        vectorizer=vectorizer,
        finding=finding,
        polarity=polarity,
        themes=ThemeHeads(theme_heads),
        theme_ids=taxonomy.ids,
        metadata=metadata,
        theme_thresholds=tuple(thresholds),
        polarity_weights=dict(zip(polarity_classes, polarity_weights.tolist())),
    )


def _versions() -> dict[str, str]:
    import sklearn
    import skops

    return {
        "peel_findings": __version__,
        "python": platform.python_version(),
        "scikit_learn": sklearn.__version__,
        "numpy": np.__version__,
        "pandas": pd.__version__,
        "skops": skops.__version__,
    }
