"""peel-findings: police inspection reports in, counted and traceable findings out.

The public API::

    read_report(path) -> Report            one report: metadata, sections, grades, sentences
    classify(texts, model=None) -> frame   finding?, polarity, themes for bare sentences
    load_model(path=None) -> Model         the shipped model, or one you trained
    train(records, ...) -> Model           fit a model on labelled records
    evaluate(model, records) -> dict       scores with bootstrap intervals
    analyse(paths, ...) -> Results         many reports: findings, reports, errors, themes tables
    recurring_themes(findings) -> frame    theme x polarity across forces, traceable to sentences
"""

__version__ = "0.1.0"

from .aggregate import recurring_themes
from .batch import Results, RunConfig, analyse
from .classify import Model, classify, load_model
from .errors import PeelError
from .pipeline import read_report
from .train import cross_validate, evaluate, train
from .types import Report, Sentence

__all__ = [
    "Model",
    "Results",
    "RunConfig",
    "PeelError",
    "Report",
    "Sentence",
    "__version__",
    "analyse",
    "classify",
    "cross_validate",
    "evaluate",
    "load_model",
    "read_report",
    "recurring_themes",
    "train",
]
