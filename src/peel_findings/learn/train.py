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
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from typing import Any

import numpy as np
import pandas as pd

from .._version import __version__
from ..errors import InvalidArgumentError
from ..model.features import INNER_CUES, OPENING_CUES, POLARITY_CUES, CharNgramTfidf, CueFeatures, model_frame
from ..model.model import MIN_EXAMPLES_FOR_CALIBRATION, Model, ThemeHeads, TwoStagePolarity, make_head
from ..taxonomy import Taxonomy, load_taxonomy

FREQUENT_THEME_MIN = 10


@dataclass(frozen=True)
class Recipe:
    """How a model is built: which features, which heads use the context, how labels are decided.

    Each choice is kept only where leave-one-force-out evaluation says it helps
    (`training/scripts/ablation.py` prints the table); the defaults are the shipped model's.
    """

    chars: bool = True  # character 3-5-grams beside word 1-2-grams
    cues: bool = True  # cue-word indicators: theme keywords, polarity cues
    wide_cues: bool = True  # theme cues from the guide's scope (taxonomy "cues"), not only name and synonyms
    inner_contrast: bool = True  # a contrast word counts only inside the sentence, not opening it
    context: bool = True  # the sentence before, the section heading and kind as features
    context_heads: tuple[str, ...] = ("finding", "polarity")
    polarity_rule: str = "bounded"  # class weights: "macro" (maximise macro-F1), "bounded" (the same, each weight
    # within 0.75-1.5, so no class is bought with another), or "none" (plain argmax)
    polarity_model: str = "lr"  # "lr", or "two_stage" (evaluative? then which way)
    joint_finding: bool = True  # a sentence with a confident theme may be a finding below 0.5
    c: float = 4.0  # inverse regularisation strength of every head

    def __post_init__(self) -> None:
        if self.polarity_rule not in ("macro", "bounded", "none"):
            raise InvalidArgumentError(
                f"polarity_rule must be 'macro', 'bounded' or 'none'; got {self.polarity_rule!r}.")
        if self.polarity_model not in ("lr", "two_stage"):
            raise InvalidArgumentError(f"polarity_model must be 'lr' or 'two_stage'; got {self.polarity_model!r}.")
        unknown = set(self.context_heads) - {"finding", "polarity", "themes"}
        if unknown:
            raise InvalidArgumentError(f"context_heads may name finding, polarity, themes; got {sorted(unknown)}.")


def _vectorizer(taxonomy: Taxonomy, recipe: Recipe) -> Any:
    """Word 1-2-grams, character 3-5-grams, and cue-word indicators (theme keywords, polarity cues)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion

    parts: list[tuple[str, Any]] = [
        ("words", TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True, dtype=np.float32)),
    ]
    if recipe.chars:
        parts.append(("chars", CharNgramTfidf(ngram_range=(3, 5), min_df=2, sublinear_tf=True)))
    if recipe.cues:
        groups = tuple((f"theme:{t.id}", (t.name, *(t.cues if recipe.wide_cues and t.cues else t.keywords)))
                       for t in taxonomy.themes)
        cues = POLARITY_CUES if recipe.inner_contrast else \
            {k: v for k, v in POLARITY_CUES.items() if k not in OPENING_CUES}
        groups += tuple((name, words) for name, words in cues.items())
        inner = INNER_CUES if recipe.inner_contrast else ()
        parts.append(("cues", CueFeatures(groups=groups, opening=OPENING_CUES if recipe.inner_contrast else (),
                                          inner=inner)))
    return FeatureUnion(parts)


def _context_vectorizer(inputs: pd.DataFrame) -> Any:
    """The context's features: the sentence before (words and polarity cues), the section heading, its kind.

    A text column with too few words to build a vocabulary from (records without reports or
    sections) is left out rather than failing.
    """
    from sklearn.compose import ColumnTransformer
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import OneHotEncoder

    def words() -> Any:
        return TfidfVectorizer(ngram_range=(1, 1), min_df=3, sublinear_tf=True, dtype=np.float32)

    parts: list[tuple[str, Any, Any]] = []
    for name, column in (("prev_words", "prev_text"), ("section_words", "section")):
        try:
            words().fit(inputs[column])
        except ValueError:  # an empty vocabulary: nothing to learn from this column
            continue
        parts.append((name, words(), column))
    polarity = tuple((f"prev:{name}", cues) for name, cues in POLARITY_CUES.items())
    parts.append(("prev_cues", CueFeatures(groups=polarity, opening=OPENING_CUES, inner=INNER_CUES), "prev_text"))
    parts.append(("section_kind", OneHotEncoder(handle_unknown="ignore", dtype=np.float32), ["section_kind"]))
    return ColumnTransformer(parts, sparse_threshold=1.0)


def _classifier(labels: np.ndarray, seed: int, c: float = 4.0) -> Any:
    return make_head(labels, seed, c)


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


def inner_folds(groups: np.ndarray, labels: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """Three inner folds, grouped by force where there are enough forces, to pick decision rules."""
    from sklearn.model_selection import GroupKFold, StratifiedKFold

    if len(set(groups.tolist())) >= 3:
        return list(GroupKFold(n_splits=3).split(labels, labels, groups))
    return list(StratifiedKFold(n_splits=3).split(labels, labels))


def _out_of_fold(features: Any, labels: np.ndarray, folds: list, seed: int, c: float = 4.0,
                 recipe: Recipe | None = None) -> np.ndarray | None:
    """Out-of-fold probabilities of the positive class (binary) or of each class (multiclass).

    Each fold's head is fitted on its ``fit`` rows and scores its ``held`` rows.
    """
    classes = sorted(set(labels.tolist()))
    out = np.zeros((len(labels), len(classes)))
    for fit_idx, held_idx in folds:
        y = labels[fit_idx]
        if len(set(y.tolist())) < 2:
            return None
        head = (_polarity_head(y, seed, recipe) if recipe else _classifier(y, seed, c)).fit(features[fit_idx], y)
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


def _best_class_weights(proba: np.ndarray, labels: np.ndarray, classes: list[str],
                        grid: tuple[float, ...] | None = None) -> np.ndarray:
    """Multiplicative weights on class probabilities that maximise macro-F1 (coordinate search over ``grid``)."""
    from sklearn.metrics import f1_score

    weights = np.ones(len(classes))
    grid = grid or (0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 4.0)

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
    recipe: Recipe | None = None,
) -> Model:
    """Fit the finding, polarity and theme heads on labelled records.

    With ``tune_decisions``, each theme's decision threshold, the polarity class weights and
    the joint finding rule are chosen by an inner cross-validation on the training records
    (grouped by force), so they never see the records a model is evaluated on. Records may
    carry ``report``, ``section`` and ``section_kind``: consecutive records of one report are
    read in order as context.
    """
    from threadpoolctl import threadpool_limits

    taxonomy = taxonomy or load_taxonomy()
    for theme, n in rare_themes(records_frame(records), taxonomy).items():
        warnings.warn(rare_theme_message(theme, n), UserWarning, stacklevel=2)
    # Many small fits: BLAS threads only contend (one fit ran 45x slower with two threads).
    with threadpool_limits(limits=1):
        return _train(records, taxonomy, seed, tune_decisions, recipe or Recipe())


def _train(
    records: Iterable[dict[str, Any]] | pd.DataFrame,
    taxonomy: Taxonomy,
    seed: int,
    tune_decisions: bool,
    recipe: Recipe,
) -> Model:
    import scipy.sparse as sp

    frame = records_frame(records)
    inputs = model_frame(frame)
    vectorizer = _vectorizer(taxonomy, recipe)
    text_features = vectorizer.fit_transform(inputs["text"].tolist())
    for _, part in vectorizer.transformer_list:
        if hasattr(part, "stop_words_"):
            part.stop_words_ = None  # every pruned n-gram: only for introspection, most of the file size
    context = None
    full = text_features
    if recipe.context:
        context = _context_vectorizer(inputs)
        full = sp.hstack([text_features, context.fit_transform(inputs)], format="csr")
        for _, part, _ in context.transformers_:
            if hasattr(part, "stop_words_"):
                part.stop_words_ = None

    def features_for(head: str) -> Any:
        return full if recipe.context and head in recipe.context_heads else text_features

    finding_labels = frame["is_finding"].to_numpy()
    finding = _classifier(finding_labels.astype(int), seed, recipe.c).fit(features_for("finding"),
                                                                          finding_labels.astype(int))
    mask = finding_labels
    polarity_labels = frame.loc[mask, "polarity"].to_numpy(object)
    polarity = _polarity_head(polarity_labels, seed, recipe).fit(features_for("polarity")[mask], polarity_labels)
    theme_x = features_for("themes")
    theme_heads, thresholds = [], []
    groups = frame["force"].astype(str).to_numpy()
    folds = inner_folds(groups, finding_labels.astype(int)) if tune_decisions else []
    finding_folds = [(f[np.isin(f, np.flatnonzero(mask))], h) for f, h in folds]
    theme_oof = np.zeros((len(frame), len(taxonomy.ids)))
    for j, theme in enumerate(taxonomy.ids):
        y_all = np.array([theme in t for t in frame["themes"]], dtype=int)
        y = y_all[mask]
        theme_heads.append(_classifier(y, seed, recipe.c).fit(theme_x[mask], y))
        threshold = 0.5
        if tune_decisions and y.sum() >= MIN_EXAMPLES_FOR_CALIBRATION:
            oof = _out_of_fold(theme_x, y_all, finding_folds, seed, recipe.c)
            if oof is not None:
                theme_oof[:, j] = oof[:, 1]
                threshold = _best_threshold(oof[mask, 1], y.astype(bool))
        thresholds.append(threshold)
    polarity_classes = sorted(set(polarity_labels.tolist()))
    polarity_weights = np.ones(len(polarity_classes))
    pol_folds = [(f[mask[f]], h[mask[h]]) for f, h in folds]
    pol_index = np.cumsum(mask) - 1  # position of each finding among the findings
    polarity_oof = None
    if tune_decisions and len(polarity_classes) > 1:
        polarity_oof = _out_of_fold(features_for("polarity")[mask], polarity_labels,
                                    [(pol_index[f], pol_index[h]) for f, h in pol_folds], seed, recipe.c, recipe)
        if polarity_oof is not None and recipe.polarity_rule != "none":
            grid = (0.75, 1.0, 1.25, 1.5) if recipe.polarity_rule == "bounded" else None
            polarity_weights = _best_class_weights(polarity_oof, polarity_labels, polarity_classes, grid)
    rescue, dispersion = None, 1.0
    if tune_decisions:
        finding_oof = _out_of_fold(features_for("finding"), finding_labels.astype(int), folds, seed, recipe.c)
        if finding_oof is not None and recipe.joint_finding:
            rescue = _best_rescue(finding_oof[:, 1], theme_oof, np.asarray(thresholds), finding_labels)
        if finding_oof is not None and polarity_oof is not None:
            dispersion = _dispersion(frame, finding_oof[:, 1], theme_oof, polarity_oof, mask, polarity_classes,
                                     taxonomy.ids)
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
        "recipe": asdict(recipe),
        "context_heads": list(recipe.context_heads) if recipe.context else [],
        "decision": {"finding_threshold": 0.5, "rescue_floor": rescue},
        "estimate_dispersion": round(dispersion, 3),
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
        context=context,
    )


def _polarity_head(labels: np.ndarray, seed: int, recipe: Recipe) -> Any:
    if recipe.polarity_model == "two_stage" and "neutral" in set(labels.tolist()):
        return TwoStagePolarity(c=recipe.c, seed=seed)
    return _classifier(labels, seed, recipe.c)


def _dispersion(frame: pd.DataFrame, finding: np.ndarray, themes: np.ndarray, polarity: np.ndarray,
                mask: np.ndarray, classes: list[str], theme_ids: tuple[str, ...]) -> float:
    """How much wider than a Poisson-binomial the spread of count estimates is on forces a model has not
    seen: squared errors of out-of-fold estimates per (force, theme, polarity) cell, over their
    Poisson-binomial variance, pooled (at least 1). Intervals on counts are widened by its square root."""
    pol = np.tile(polarity.mean(axis=0), (len(frame), 1))  # non-findings: the average polarity mix
    pol[mask] = polarity
    probs = finding[:, None, None] * themes[:, :, None] * pol[:, None, :]
    forces = frame["force"].astype(str).to_numpy()
    gold = np.zeros_like(probs)
    for i, (is_finding, found, value) in enumerate(zip(mask, frame["themes"], frame["polarity"])):
        if is_finding and value in classes:
            for theme in found:
                if theme in theme_ids:
                    gold[i, theme_ids.index(theme), classes.index(value)] = 1
    errors = variance = 0.0
    for force in np.unique(forces):
        rows = forces == force
        estimate, counted = probs[rows].sum(axis=0), gold[rows].sum(axis=0)
        cells = (counted > 0) | (estimate > 0.5)
        errors += float(((counted - estimate) ** 2)[cells].sum())
        variance += float((probs[rows] * (1 - probs[rows])).sum(axis=0)[cells].sum())
    return max(1.0, errors / variance) if variance > 0 else 1.0


def _best_rescue(finding: np.ndarray, themes: np.ndarray, thresholds: np.ndarray, gold: np.ndarray) -> float | None:
    """The lowest finding score at which a sentence with a confident theme still counts as a finding,
    chosen to maximise finding F1 on out-of-fold scores (None: no such rule helps)."""
    confident = (themes >= thresholds[None, :]).any(axis=1)

    def f1(pred: np.ndarray) -> float:
        tp = int((pred & gold).sum())
        return 2 * tp / max(int(pred.sum()) + int(gold.sum()), 1)

    best, best_f1 = None, f1(finding >= 0.5)
    for floor in (0.4, 0.3, 0.2, 0.1):
        value = f1((finding >= 0.5) | ((finding >= floor) & confident))
        if value > best_f1 + 1e-9:
            best, best_f1 = floor, value
    return best


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
