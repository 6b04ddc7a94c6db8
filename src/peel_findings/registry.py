"""Named models: the default one, and earlier ones kept by name when a new default is promoted.

A registry is a folder of model folders; ``default/`` is the one `load_model()` uses. The shipped
registry is the package's ``models`` folder (``models/`` in a checkout); ``PEEL_MODELS_DIR`` or
an explicit folder points elsewhere.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

from .classify import METADATA_FILE, MODEL_FILE, default_model_dir, load_model
from .errors import ModelError

DEFAULT = "default"


def models_dir(directory: str | Path | None = None) -> Path:
    if directory is not None:
        return Path(directory)
    if os.environ.get("PEEL_MODELS_DIR"):
        return Path(os.environ["PEEL_MODELS_DIR"])
    return default_model_dir().parent


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
    """A model folder from a path, or a model name in the registry."""
    path = Path(name_or_path)
    if (path / MODEL_FILE).exists() or path.is_file():
        return path
    named = models_dir(directory) / str(name_or_path)
    if (named / MODEL_FILE).exists():
        return named
    raise ModelError(f"{name_or_path}: neither a model folder nor a model name in {models_dir(directory)} "
                     f"(known: {', '.join(list_models(directory)) or 'none'}).")


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
