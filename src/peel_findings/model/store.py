"""Models on disk: save and load with an integrity check, and named models in a registry.

A model folder holds ``model.skops`` (the fitted parts, stored with skops: loading admits only
a fixed list of types, so a crafted file cannot run code, unlike a joblib or pickle file) and
``metadata.json`` (provenance, decision parameters, evaluation, and the SHA-256 of the model
file, checked before loading).

A registry is a folder of model folders; ``default/`` is the one `load_model()` uses. The shipped
registry is the package's ``models`` folder (``models/`` in a checkout); ``PEEL_MODELS_DIR`` or an
explicit folder points elsewhere. Promoting a model keeps the previous default under its name.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import zipfile
from pathlib import Path

from .._files import atomic_write_bytes, sha256_file
from ..errors import ModelError
from .model import Model, ThemeHeads

MODEL_FILE = "model.skops"
METADATA_FILE = "metadata.json"
DEFAULT = "default"

# Types a model file may contain. skops refuses anything else, so a crafted file cannot
# smuggle in code to run.
TRUSTED_TYPES = [
    "sklearn.pipeline.FeatureUnion",
    "sklearn.pipeline.Pipeline",
    "sklearn.compose._column_transformer.ColumnTransformer",
    "sklearn.preprocessing._encoders.OneHotEncoder",
    "sklearn.svm._classes.LinearSVC",
    "peel_findings.model.model.TwoStagePolarity",
    "builtins.NoneType",
    "peel_findings.model.features.CueFeatures",
    "peel_findings.model.features.CharNgramTfidf",
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


def default_model_dir() -> Path:
    """The shipped model folder (``models/default`` in a checkout, packaged with the library)."""
    return models_dir() / DEFAULT


def models_dir(directory: str | Path | None = None) -> Path:
    """The registry folder: ``directory``, else ``$PEEL_MODELS_DIR``, else the shipped models."""
    if directory is not None:
        return Path(directory)
    if os.environ.get("PEEL_MODELS_DIR"):
        return Path(os.environ["PEEL_MODELS_DIR"])
    return Path(__file__).resolve().parents[1] / "data" / "models"


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
        "context": model.context,
    }
    tmp = directory / (MODEL_FILE + ".tmp")
    sio.dump(parts, tmp, compression=zipfile.ZIP_DEFLATED, compresslevel=9)
    tmp.replace(directory / MODEL_FILE)
    metadata = dict(model.metadata)
    metadata["theme_ids"] = list(model.theme_ids)
    metadata["theme_thresholds"] = dict(zip(model.theme_ids, model.thresholds.tolist()))
    metadata["polarity_weights"] = model.polarity_weights
    metadata["model_sha256"] = sha256_file(directory / MODEL_FILE)
    atomic_write_bytes(directory / METADATA_FILE,
                       (json.dumps(metadata, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
    model.metadata = metadata
    return directory


_CACHE: dict[tuple[str, float], Model] = {}


def load_model(path: str | Path | None = None) -> Model:
    """Load a model folder (or a model name in the registry), checking the model file's SHA-256.

    ``path`` is a folder holding ``model.skops`` and ``metadata.json``, the ``model.skops``
    file itself, or the name of a model in the registry; None loads the default model.
    """
    directory = resolve(path) if path is not None else default_model_dir()
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
    actual = sha256_file(model_file)
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
        context=parts.get("context"),
    )
    _CACHE[key] = model
    return model


# -- the registry ------------------------------------------------------------------------------


def model_name(model_dir: str | Path) -> str:
    """A model's name: ``name`` in its metadata, else its creation time and hash."""
    meta = json.loads((Path(model_dir) / METADATA_FILE).read_text())
    if meta.get("name"):
        return str(meta["name"])
    stamp = re.sub(r"[^0-9]", "", str(meta.get("created", "")))[:12] or "unknown"
    return f"model-{stamp}-{str(meta.get('model_sha256', ''))[:8]}"


def list_models(directory: str | Path | None = None) -> list[str]:
    root = models_dir(directory)
    return sorted(p.name for p in root.iterdir() if (p / MODEL_FILE).exists()) if root.is_dir() else []


def resolve(name_or_path: str | Path, directory: str | Path | None = None) -> Path:
    """A model folder from a folder path, a ``model.skops`` path, or a model name in the registry."""
    path = Path(name_or_path)
    if path.is_file():
        return path.parent
    if path.is_dir():
        return path
    named = models_dir(directory) / str(name_or_path)
    if "/" not in str(name_or_path) and (named / MODEL_FILE).exists():
        return named
    raise ModelError(f"{name_or_path}: neither a model folder nor a model name in {models_dir(directory)} "
                     f"(known: {', '.join(list_models(directory)) or 'none'}). Pass a folder `peel train` wrote.")


def promote(candidate: str | Path, directory: str | Path | None = None) -> str:
    """Make ``candidate`` the default; the previous default stays available under its own name.

    Returns the previous default's name.
    """
    load_model(candidate)  # refuse a model that does not verify
    root = models_dir(directory)
    current = root / DEFAULT
    previous = ""
    if (current / MODEL_FILE).exists():
        previous = model_name(current)
        archive = root / previous
        if not archive.exists():
            shutil.copytree(current, archive)
        shutil.rmtree(current)
    shutil.copytree(candidate, current)
    return previous
