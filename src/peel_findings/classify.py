"""The sentence classifier: is it a finding, its polarity, its themes.

Three heads share one feature space (TF-IDF over word 1-2-grams and character
3-5-grams). Each head is a standard scikit-learn classifier with sigmoid
calibration, so every score is a probability. The model is stored with skops
(no code runs on load) beside a JSON metadata file that carries the SHA-256 of
the model file; `load_model` refuses a file whose hash does not match.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .errors import ModelError

MODEL_FILE = "model.skops"
METADATA_FILE = "metadata.json"
CLASSIFY_COLUMNS = ("text", "is_finding", "finding_score", "polarity", "themes", "theme_scores")

# Types a model file may contain. skops refuses anything else, so a crafted file cannot
# smuggle in code to run.
TRUSTED_TYPES = [
    "sklearn.pipeline.FeatureUnion",
    "peel_findings.features.CueFeatures",
    "peel_findings.features.CharNgramTfidf",
    "sklearn.feature_extraction.text.TfidfVectorizer",
    "sklearn.feature_extraction.text.TfidfTransformer",
    "sklearn.linear_model._logistic.LogisticRegression",
    "sklearn.calibration.CalibratedClassifierCV",
    "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._SigmoidCalibration",
    "sklearn.multiclass.OneVsRestClassifier",
    "sklearn.multiclass._ConstantPredictor",
    "sklearn.preprocessing._label.LabelBinarizer",
    "sklearn.dummy.DummyClassifier",
    "numpy.float64",
    "numpy.int64",
    "numpy.dtype",
    "builtins.slice",
]


@dataclass
class Model:
    """A trained classifier with its provenance.

    `vectorizer` turns texts into features; `finding`, `polarity` and `themes` are
    fitted scikit-learn classifiers over those features.
    """

    vectorizer: Any
    finding: Any
    polarity: Any
    themes: Any
    theme_ids: tuple[str, ...]
    metadata: dict[str, Any] = field(default_factory=dict)
    theme_thresholds: tuple[float, ...] = ()  # one per theme; 0.5 each when empty
    polarity_weights: dict[str, float] = field(default_factory=dict)  # decision weights; 1 each when empty

    def polarity_decision(self, proba: pd.DataFrame) -> np.ndarray:
        """The polarity chosen from calibrated probabilities and the tuned class weights."""
        weights = np.array([self.polarity_weights.get(c, 1.0) for c in proba.columns])
        return np.asarray(proba.columns)[(proba.to_numpy() * weights).argmax(axis=1)]

    def predict(self, texts: Sequence[str]) -> pd.DataFrame:
        """The `classify` table for ``texts``, one row per text in input order."""
        texts = [_as_text(t) for t in texts]
        if not texts:
            return pd.DataFrame({c: pd.Series(dtype=object) for c in CLASSIFY_COLUMNS}).astype(
                {"is_finding": bool, "finding_score": float}
            )
        return self.predict_with_polarity(texts)[0]

    def predict_with_polarity(self, texts: Sequence[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The `classify` table and the calibrated probability of each polarity, from one vectorisation."""
        from threadpoolctl import threadpool_limits

        texts = [_as_text(t) for t in texts]
        if not texts:
            return self.predict([]), pd.DataFrame(columns=list(self.polarity.classes_), dtype=float)
        with threadpool_limits(limits=1):
            return self._predict(texts)

    def _predict(self, texts: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
        features = self.vectorizer.transform(texts)
        finding_score = self.finding.predict_proba(features)[:, 1]
        is_finding = finding_score >= 0.5
        polarity_proba = pd.DataFrame(self.polarity.predict_proba(features), columns=list(self.polarity.classes_))
        polarity_labels = self.polarity_decision(polarity_proba)
        theme_proba = self.themes.predict_proba(features)
        ids = self.theme_ids
        thresholds = np.asarray(self.theme_thresholds or (0.5,) * len(ids))
        chosen = (theme_proba >= thresholds[None, :]) & is_finding[:, None]
        rounded = np.round(theme_proba, 4).tolist()
        table = pd.DataFrame(
            {
                "text": texts,
                "is_finding": is_finding,
                "finding_score": finding_score,
                # object dtype: pandas would otherwise infer a string column and turn None into NaN
                "polarity": pd.Series([p if f else None for p, f in zip(polarity_labels.tolist(), is_finding)],
                                      dtype=object),
                "themes": [[ids[j] for j in np.flatnonzero(row)] for row in chosen],
                "theme_scores": [dict(zip(ids, row)) for row in rounded],
            }
        )
        return table, polarity_proba

    def polarity_scores(self, texts: Sequence[str]) -> pd.DataFrame:
        """Calibrated probability of each polarity, for uncertainty sampling and analysis."""
        features = self.vectorizer.transform([_as_text(t) for t in texts])
        return pd.DataFrame(self.polarity.predict_proba(features), columns=list(self.polarity.classes_))


class ThemeHeads(list):
    """One fitted binary classifier per theme; ``predict_proba`` gives a (texts x themes) matrix."""

    def predict_proba(self, features: Any) -> np.ndarray:
        columns = []
        for head in self:
            proba = head.predict_proba(features)
            classes = list(head.classes_)
            columns.append(proba[:, classes.index(1)] if 1 in classes else np.zeros(features.shape[0]))
        return np.column_stack(columns) if columns else np.zeros((features.shape[0], 0))


def _as_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and np.isnan(value):
        return ""
    return str(value)


def classify(texts: Sequence[str] | pd.Series, model: Model | str | Path | None = None) -> pd.DataFrame:
    """Classify sentences: one row per text, in input order.

    Columns: ``text``, ``is_finding``, ``finding_score``, ``polarity`` (None when
    not a finding), ``themes`` (list of theme ids) and ``theme_scores`` (theme id ->
    probability). Uses the shipped model unless ``model`` (a `Model` or a model
    folder) is given.
    """
    if isinstance(texts, str):
        raise TypeError("classify() takes a list of texts; wrap a single text in a list: classify([text]).")
    if not isinstance(model, Model):
        model = load_model(model)
    return model.predict(list(texts))


# -- persistence ----------------------------------------------------------------------------


def default_model_dir() -> Path:
    """The shipped model folder (``models/default`` in a checkout, packaged with the library)."""
    return Path(__file__).resolve().parent / "data" / "models" / "default"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def save_model(model: Model, directory: str | Path) -> Path:
    """Write ``model.skops`` and ``metadata.json`` (with the model file's SHA-256) to ``directory``."""
    import skops.io as sio

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    parts = {
        "vectorizer": model.vectorizer,
        "finding": model.finding,
        "polarity": model.polarity,
        "themes": list(model.themes),
    }
    tmp = directory / (MODEL_FILE + ".tmp")
    sio.dump(parts, tmp, compression=zipfile.ZIP_DEFLATED, compresslevel=9)
    tmp.replace(directory / MODEL_FILE)
    metadata = dict(model.metadata)
    metadata["theme_ids"] = list(model.theme_ids)
    metadata["theme_thresholds"] = dict(zip(model.theme_ids, model.theme_thresholds or (0.5,) * len(model.theme_ids)))
    metadata["polarity_weights"] = model.polarity_weights
    metadata["model_sha256"] = sha256_of(directory / MODEL_FILE)
    (directory / METADATA_FILE).write_text(json.dumps(metadata, indent=2, ensure_ascii=False) + "\n")
    model.metadata = metadata
    return directory


_CACHE: dict[tuple[str, float], Model] = {}


def load_model(path: str | Path | None = None) -> Model:
    """Load a model folder, checking the model file against the SHA-256 in its metadata.

    ``path`` is a folder holding ``model.skops`` and ``metadata.json`` (or the
    ``model.skops`` file itself); None loads the shipped model.
    """
    directory = Path(path) if path is not None else default_model_dir()
    if directory.is_file():
        directory = directory.parent
    if path is not None and not (directory / MODEL_FILE).exists() and "/" not in str(path):
        from .registry import models_dir

        named = models_dir() / str(path)  # a model name in the registry, e.g. an earlier default
        if (named / MODEL_FILE).exists():
            directory = named
    model_file, meta_file = directory / MODEL_FILE, directory / METADATA_FILE
    if not model_file.exists() or not meta_file.exists():
        raise ModelError(
            f"{directory}: no model here (expected {MODEL_FILE} and {METADATA_FILE}). "
            "Pass the folder `peel train --out` wrote, or omit it to use the shipped model."
        )
    key = (str(model_file.resolve()), model_file.stat().st_mtime)
    if key in _CACHE:
        return _CACHE[key]
    try:
        metadata = json.loads(meta_file.read_text())
    except json.JSONDecodeError as exc:
        raise ModelError(f"{meta_file}: not valid JSON ({exc}). Re-create the model with `peel train`.") from exc
    expected = metadata.get("model_sha256")
    actual = sha256_of(model_file)
    if expected != actual:
        raise ModelError(
            f"{model_file}: SHA-256 {actual[:12]}... does not match {str(expected)[:12]}... recorded in "
            f"{METADATA_FILE}; the file was changed after training. Refusing to load it: retrain or restore it."
        )
    import skops.io as sio

    try:
        parts = sio.load(model_file, trusted=TRUSTED_TYPES)
    except Exception as exc:  # skops raises UntrustedTypesFoundException and others
        raise ModelError(f"{model_file}: cannot be loaded safely ({type(exc).__name__}: {exc}).") from exc
    model = Model(
        vectorizer=parts["vectorizer"],
        finding=parts["finding"],
        polarity=parts["polarity"],
        themes=ThemeHeads(parts["themes"]),
        theme_ids=tuple(metadata["theme_ids"]),
        metadata=metadata,
        theme_thresholds=tuple(float(metadata.get("theme_thresholds", {}).get(t, 0.5)) for t in metadata["theme_ids"]),
        polarity_weights={k: float(v) for k, v in metadata.get("polarity_weights", {}).items()},
    )
    _CACHE[key] = model
    return model
