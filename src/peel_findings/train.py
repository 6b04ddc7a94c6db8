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
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timezone
from typing import Any

import numpy as np
import pandas as pd

from . import __version__
from .classify import Model, ThemeHeads
from .labels import Taxonomy, load_taxonomy
from .metrics import label_counts, summarise

MIN_EXAMPLES_FOR_CALIBRATION = 6
FREQUENT_THEME_MIN = 10


def _vectorizer() -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion

    return FeatureUnion(
        [
            ("words", TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True, dtype=np.float32)),
            (
                "chars",
                TfidfVectorizer(
                    analyzer="char_wb", ngram_range=(3, 5), min_df=2, sublinear_tf=True, dtype=np.float32
                ),
            ),
        ]
    )


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


def data_sha256(frame: pd.DataFrame) -> str:
    """SHA-256 over the labelled content (id, text, labels), independent of file layout."""
    digest = hashlib.sha256()
    for row in frame[["id", "text", "is_finding", "polarity", "themes"]].itertuples(index=False):
        digest.update(json.dumps(list(row), ensure_ascii=False, default=list).encode())
        digest.update(b"\n")
    return digest.hexdigest()


def train(
    records: Iterable[dict[str, Any]] | pd.DataFrame,
    taxonomy: Taxonomy | None = None,
    seed: int = 0,
) -> Model:
    """Fit the finding, polarity and theme heads on labelled records."""
    taxonomy = taxonomy or load_taxonomy()
    frame = records_frame(records)
    texts = frame["text"].tolist()
    vectorizer = _vectorizer()
    features = vectorizer.fit_transform(texts)
    for _, part in vectorizer.transformer_list:
        part.stop_words_ = None  # every pruned n-gram: only for introspection, most of the file size
    finding_labels = frame["is_finding"].to_numpy()
    finding = _classifier(finding_labels.astype(int), seed).fit(features, finding_labels.astype(int))
    mask = finding_labels
    polarity_labels = frame.loc[mask, "polarity"].to_numpy(object)
    polarity = _classifier(polarity_labels, seed).fit(features[mask], polarity_labels)
    theme_heads = []
    for theme in taxonomy.ids:
        y = np.array([theme in t for t in frame.loc[mask, "themes"]], dtype=int)
        theme_heads.append(_classifier(y, seed).fit(features[mask], y))
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
        "theme_support": {t: int(sum(t in x for x in frame["themes"])) for t in taxonomy.ids},
    }
    return Model(
        vectorizer=vectorizer,
        finding=finding,
        polarity=polarity,
        themes=ThemeHeads(theme_heads),
        theme_ids=taxonomy.ids,
        metadata=metadata,
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
    out = model.predict(list(texts))
    if len(out):
        proba = model.polarity_scores(list(texts))
        out["polarity_any"] = proba.idxmax(axis=1).to_numpy()
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
    support = {t: int(sum(t in x for x in frame["themes"])) for t in taxonomy.ids}
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
        model = train(frame[~held], taxonomy=taxonomy, seed=seed)
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
