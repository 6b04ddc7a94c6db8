"""The sentence model: features, the fitted heads and their scores, and models on disk."""

from .model import Model, Scores, ThemeHeads
from .store import load_model, save_model

__all__ = ["Model", "Scores", "ThemeHeads", "load_model", "save_model"]
