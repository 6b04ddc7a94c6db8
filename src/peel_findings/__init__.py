"""peel-findings: police inspection reports in, counted and traceable findings out.

The public API::

    read_report(path) -> Report            one report: metadata, sections, grades, sentences
    classify(texts, model=None) -> frame   finding?, polarity, themes for bare sentences
    load_model(path=None) -> Model         the shipped model, or one you trained
    train(records, ...) -> Model           fit a model on labelled records
    evaluate(model, records) -> dict       scores with bootstrap intervals
"""

__version__ = "0.1.0"

from .classify import Model, classify, load_model
from .errors import PeelError
from .pipeline import read_report
from .train import cross_validate, evaluate, train
from .types import Report, Sentence

__all__ = [
    "Model",
    "PeelError",
    "Report",
    "Sentence",
    "__version__",
    "classify",
    "cross_validate",
    "evaluate",
    "load_model",
    "read_report",
    "train",
]
