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

import hashlib
import json
import os
import re
import shutil
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._files import atomic_write_bytes, sha256_file
from ..errors import ModelError

if TYPE_CHECKING:  # pragma: no cover
    from .model import Model

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
    metadata.pop("metadata_sha256", None)
    metadata["metadata_sha256"] = metadata_sha256(metadata)
    atomic_write_bytes(directory / METADATA_FILE,
                       (json.dumps(metadata, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
    model.metadata = metadata
    return directory


def metadata_sha256(metadata: dict[str, Any]) -> str:
    """The SHA-256 of a model's metadata (all of it but this hash), in a canonical JSON form."""
    body = {k: v for k, v in metadata.items() if k != "metadata_sha256"}
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


def check_model(path: str | Path | None = None) -> dict[str, Any]:
    """A model folder's metadata, checked without loading the model: both files present, the model
    file's and the metadata's SHA-256 as recorded, the metadata in the expected shape. Raises
    `ModelError` saying what is wrong. Cheap: `peel run` checks the model before any work.
    """
    directory = resolve(path) if path is not None else default_model_dir()
    model_file, meta_file = directory / MODEL_FILE, directory / METADATA_FILE
    if not model_file.exists() or not meta_file.exists():
        raise ModelError(
            f"{directory}: no model here (expected {MODEL_FILE} and {METADATA_FILE}). "
            "Pass the folder `peel train --out` wrote, or omit it to use the shipped model."
        )
    try:
        metadata = json.loads(meta_file.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ModelError(f"{meta_file}: not valid JSON ({exc}). Re-create the model with `peel train`.") from exc
    if not isinstance(metadata, dict):
        raise ModelError(f"{meta_file}: expected a JSON object. Re-create the model with `peel train`.")
    recorded = metadata.get("metadata_sha256")
    if recorded is None:
        raise ModelError(f"{meta_file}: has no metadata_sha256 (written by an older peel-findings, or by hand), so "
                         "its theme ids and decision settings cannot be trusted. Retrain with `peel train`.")
    if recorded != metadata_sha256(metadata):
        raise ModelError(f"{meta_file}: changed after training (its SHA-256 does not match metadata_sha256). "
                         "Refusing to use it: restore the file or retrain with `peel train`.")
    expected, actual = metadata.get("model_sha256"), sha256_file(model_file)
    if expected != actual:
        raise ModelError(
            f"{model_file}: SHA-256 {actual[:12]}... does not match {str(expected)[:12]}... recorded in "
            f"{METADATA_FILE}; the file was changed after training. Refusing to load it: retrain or restore it."
        )
    problems = metadata_problems(metadata)
    if problems:
        raise ModelError(f"{meta_file}: not a model's metadata: " + "; ".join(problems) + ". Retrain with `peel train`.")
    return metadata


def metadata_problems(metadata: dict[str, Any]) -> list[str]:
    """What is wrong with a model's metadata (empty when nothing): required keys, their types, agreement."""
    problems = []
    ids = metadata.get("theme_ids")
    if not isinstance(ids, list) or not ids or not all(isinstance(t, str) and t for t in ids):
        problems.append("theme_ids must be a non-empty list of theme ids")
        ids = []
    elif len(set(ids)) != len(ids):
        problems.append("theme_ids has a theme twice")
    thresholds = metadata.get("theme_thresholds", {})
    if not isinstance(thresholds, dict) or not all(isinstance(v, (int, float)) and 0 <= v <= 1
                                                   for v in thresholds.values()):
        problems.append("theme_thresholds must map theme ids to numbers between 0 and 1")
    elif set(thresholds) - set(ids):
        problems.append(f"theme_thresholds names themes not in theme_ids: {sorted(set(thresholds) - set(ids))}")
    weights = metadata.get("polarity_weights", {})
    if not isinstance(weights, dict) or not all(isinstance(v, (int, float)) and v > 0 for v in weights.values()):
        problems.append("polarity_weights must map polarities to positive numbers")
    decision = metadata.get("decision", {})
    if not isinstance(decision, dict):
        problems.append("decision must be an object")
    dispersion = metadata.get("estimate_dispersion", 1.0)
    if not isinstance(dispersion, (int, float)) or dispersion < 1:
        problems.append("estimate_dispersion must be a number of at least 1")
    heads = metadata.get("context_heads", [])
    if not isinstance(heads, list) or set(heads) - {"finding", "polarity", "themes"}:
        problems.append("context_heads must list some of finding, polarity, themes")
    return problems


def model_identity(model: Any = None) -> dict[str, Any]:
    """What identifies a model in the resume fingerprint, and its estimate dispersion, without loading
    it: a `Model`'s metadata, or a folder's (checked by `check_model`)."""
    metadata = check_model(model) if model is None or isinstance(model, (str, Path)) else model.metadata
    return {"model": metadata.get("model_sha256"), "metadata": metadata.get("metadata_sha256"),
            "dispersion": float(metadata.get("estimate_dispersion", 1.0))}


_CACHE: dict[tuple[str, float, float], Model] = {}


def load_model(path: str | Path | None = None) -> Model:
    """Load a model folder (or a model name in the registry), checking both files' SHA-256 first.

    ``path`` is a folder holding ``model.skops`` and ``metadata.json``, the ``model.skops``
    file itself, or the name of a model in the registry; None loads the default model.
    """
    directory = resolve(path) if path is not None else default_model_dir()
    model_file, meta_file = directory / MODEL_FILE, directory / METADATA_FILE
    if model_file.exists() and meta_file.exists():
        key = (str(model_file.resolve()), model_file.stat().st_mtime, meta_file.stat().st_mtime)
        if key in _CACHE:
            return _CACHE[key]
    metadata = check_model(directory)
    import skops.io as sio

    from .model import Model, ThemeHeads

    try:
        parts = sio.load(model_file, trusted=TRUSTED_TYPES)
    except MemoryError:
        raise  # the machine's or the worker's limit, not the model's fault
    except Exception as exc:  # skops raises UntrustedTypesFoundException and others
        raise ModelError(f"{model_file}: cannot be loaded safely ({type(exc).__name__}: {exc}).") from exc
    themes = parts.get("themes") if isinstance(parts, dict) else None
    if not isinstance(themes, list) or len(themes) != len(metadata["theme_ids"]):
        raise ModelError(f"{model_file}: holds {len(themes) if isinstance(themes, list) else 'no'} theme heads but "
                         f"{METADATA_FILE} names {len(metadata['theme_ids'])} themes. Retrain with `peel train`.")
    model = Model(
        vectorizer=parts["vectorizer"],
        finding=parts["finding"],
        polarity=parts["polarity"],
        themes=ThemeHeads(themes),
        theme_ids=tuple(metadata["theme_ids"]),
        metadata=metadata,
        theme_thresholds=tuple(float(metadata.get("theme_thresholds", {}).get(t, 0.5)) for t in metadata["theme_ids"]),
        polarity_weights={k: float(v) for k, v in metadata.get("polarity_weights", {}).items()},
        context=parts.get("context"),
    )
    unknown = set(model.polarity_weights) - set(model.polarity_classes)
    if unknown:
        raise ModelError(f"{meta_file}: polarity_weights name polarities the model does not have: {sorted(unknown)}. "
                         "Retrain with `peel train`.")
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
