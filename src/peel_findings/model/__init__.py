"""The sentence model: features, the fitted heads and their scores, and models on disk.

Names are imported on first use: checking a model on disk (`store`) loads no scikit-learn.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_names

_LAZY = {"Model": "model", "Scores": "model", "ThemeHeads": "model", "load_model": "store", "save_model": "store"}

__all__ = sorted(_LAZY)

if TYPE_CHECKING:  # pragma: no cover
    from .model import Model, Scores, ThemeHeads
    from .store import load_model, save_model


__getattr__, __dir__ = lazy_names(__name__, _LAZY)
