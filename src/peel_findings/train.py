"""Training, evaluation and the model card.

- `train(records)` fits the three heads of `classify.Model` on labelled records.
- `evaluate(model, records)` scores a fitted model.
- `cross_validate(records)` holds out every force in turn (leave-one-force-out),
  pools the held-out predictions, and scores them with 95% intervals from a
  bootstrap over reports; beside it, the keyword baseline on the same sentences.

Same records and seed give the same model: every estimator is deterministic
(lbfgs, unshuffled calibration folds) and records are sorted by id first.
"""

from __future__ import annotations

import hashlib
import json
import platform
import re
import warnings
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timezone
from typing import Any

import numpy as np
import pandas as pd

from . import __version__
from .classify import Model, ThemeHeads
from .features import POLARITY_CUES, CharNgramTfidf, CueFeatures
from .labels import Taxonomy, load_taxonomy
from .metrics import label_counts, summarise

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
        raise ValueError("No labelled records given: pass at least one record with text and labels.")
    for column, default in (("report", ""), ("force", ""), ("year", "")):
        if column not in frame:
            frame[column] = default
    frame["themes"] = frame["themes"].apply(lambda t: list(t) if isinstance(t, (list, tuple, np.ndarray)) else [])
    frame["is_finding"] = frame["is_finding"].astype(bool)
    return frame.sort_values("id", kind="stable").reset_index(drop=True)


def theme_support(frame: pd.DataFrame, taxonomy: Taxonomy) -> dict[str, int]:
    return {t: int(sum(t in x for x in frame["themes"])) for t in taxonomy.ids}


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
    for theme, n in theme_support(records_frame(records), taxonomy).items():
        if n < FREQUENT_THEME_MIN:
            warnings.warn(
                f"Theme '{theme}' has {n} labelled example(s) (fewer than {FREQUENT_THEME_MIN}); the model will "
                "rarely predict it and its scores are unreliable. Label more sentences with this theme.",
                UserWarning, stacklevel=2,
            )
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


def predictions(model: Model, texts: Sequence[str]) -> pd.DataFrame:
    """Model output plus ``polarity_any``: the polarity head's choice even where no finding is predicted."""
    out, proba = model.predict_with_polarity(list(texts))
    if len(out):
        out["polarity_any"] = model.polarity_decision(proba)
    return out


def evaluate(
    model: Model,
    records: Iterable[dict[str, Any]] | pd.DataFrame,
    taxonomy: Taxonomy | None = None,
    n_boot: int = 1000,
) -> dict[str, Any]:
    """Score a model on labelled records (intervals from a bootstrap over reports)."""
    taxonomy = taxonomy or _taxonomy_of(model)
    frame = records_frame(records)
    pred = predictions(model, frame["text"].tolist())
    return _score(frame, pred, taxonomy, n_boot)


def _taxonomy_of(model: Model) -> Taxonomy:
    base = load_taxonomy()
    known = {t.id: t for t in base.themes}
    from .labels import Theme

    themes = tuple(known.get(i, Theme(i, i, i)) for i in model.theme_ids)
    core = tuple(c for c in model.metadata.get("core_themes", base.core) if c in model.theme_ids)
    return Taxonomy(themes=themes, core=core)


def _score(frame: pd.DataFrame, pred: pd.DataFrame, taxonomy: Taxonomy, n_boot: int) -> dict[str, Any]:
    support = theme_support(frame, taxonomy)
    frequent = [t for t in taxonomy.ids if support[t] >= FREQUENT_THEME_MIN]
    counts = label_counts(frame, pred, taxonomy.ids)
    groups = (frame["report"].astype(str).where(frame["report"].astype(str) != "", frame["id"])).tolist()
    return summarise(counts, groups, taxonomy.ids, taxonomy.core, frequent, n_boot=n_boot)


def cross_validate(
    records: Iterable[dict[str, Any]] | pd.DataFrame,
    taxonomy: Taxonomy | None = None,
    seed: int = 0,
    n_boot: int = 1000,
    progress: Callable[[str], None] | None = None,
    **train_options: Any,
) -> dict[str, Any]:
    """Leave-one-force-out evaluation of `train`, with the keyword baseline beside it.

    Every force is held out in turn; the model trained on the other forces labels
    its sentences. Scores are computed on the pooled held-out predictions.
    """
    taxonomy = taxonomy or load_taxonomy()
    frame = records_frame(records)
    forces = sorted(frame["force"].astype(str).unique())
    if len(forces) < 2:
        raise ValueError("Leave-one-force-out needs records from at least two forces (the 'force' field).")
    pooled = []
    for n, force in enumerate(forces, start=1):
        if progress:
            progress(f"fold {n}/{len(forces)}: holding out {force}")
        held = frame["force"].astype(str) == force
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # rare-theme warnings: once, not per fold
            model = train(frame[~held], taxonomy=taxonomy, seed=seed, **train_options)
        pred = predictions(model, frame.loc[held, "text"].tolist())
        pred.index = frame.index[held]
        pooled.append(pred)
    pred = pd.concat(pooled).sort_index()
    baseline = keyword_baseline(frame["text"].tolist(), taxonomy)
    return {
        "protocol": "leave-one-force-out",
        "forces": forces,
        "model": _score(frame, pred, taxonomy, n_boot),
        "baseline": _score(frame, baseline, taxonomy, n_boot),
        "predictions": pred,
        "train_options": train_options,
    }


# -- the keyword baseline ------------------------------------------------------------------------

_FINDING_CUES = re.compile(
    r"\b(force|constabulary|hmic|hmicfrs|we found|inspectors found|should|requires? improvement|good|"
    r"outstanding|inadequate|adequate)\b",
    re.I,
)
_NEGATIVE_CUES = re.compile(
    r"\b(not|lacks?|lack of|inconsistent|backlogs?|concern|should|requires? improvement|inadequate|"
    r"poor|insufficient|limited|weak|fail|unable|delays?)\b",
    re.I,
)
_POSITIVE_CUES = re.compile(
    r"\b(good|outstanding|effective(ly)?|well|strong|encouraged|improved|impressive|positive)\b", re.I
)


def keyword_baseline(texts: Sequence[str], taxonomy: Taxonomy | None = None) -> pd.DataFrame:
    """A transparent baseline: cue words for finding and polarity, theme names and synonyms for themes."""
    taxonomy = taxonomy or load_taxonomy()
    patterns = {
        t.id: re.compile("|".join(re.escape(k.lower()) for k in (t.name.lower(), *t.keywords)))
        for t in taxonomy.themes
    }
    rows = []
    for text in texts:
        low = text.lower()
        finding = bool(_FINDING_CUES.search(text))
        negative, positive = bool(_NEGATIVE_CUES.search(text)), bool(_POSITIVE_CUES.search(text))
        polarity = "mixed" if negative and positive else "negative" if negative else "positive" if positive else "neutral"
        themes = [t for t, p in patterns.items() if p.search(low)] if finding else []
        rows.append({"text": text, "is_finding": finding, "polarity": polarity if finding else None,
                     "polarity_any": polarity, "themes": themes})
    return pd.DataFrame(rows, columns=["text", "is_finding", "polarity", "polarity_any", "themes"])
