"""peel-findings: police inspection reports in, counted and traceable findings out.

The public API::

    read_report(path) -> Report            one report: metadata, sections, grades, sentences
    classify(texts, model=None) -> frame   finding?, polarity, themes for bare sentences
    load_model(path=None) -> Model         the shipped model, or one you trained
    train(records, ...) -> Model           fit a model on labelled records
    evaluate(model, records) -> dict       scores with bootstrap intervals
    analyse(paths, ...) -> Results         many reports: findings, reports, errors, themes tables
    recurring_themes(findings) -> frame    theme x polarity across forces, traceable to sentences
    read_findings(path) -> frame           a findings.parquet or .csv read back with real types

Names are imported on first use, so ``import peel_findings`` loads no heavy library.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._lazy import lazy_names
from ._version import __version__
from .errors import PeelError

_LAZY = {
    "read_report": "pipeline",
    "classify": "decide",
    "load_model": "model.store",
    "Model": "model.model",
    "train": "learn.train",
    "evaluate": "learn.evaluate",
    "cross_validate": "learn.evaluate",
    "analyse": "batch.run",
    "RunConfig": "batch.config",
    "recurring_themes": "aggregate",
    "read_findings": "outputs.tables",
    "Results": "types",
    "Report": "types",
    "Sentence": "types",
}

__all__ = ["PeelError", "__version__", *sorted(_LAZY)]

if TYPE_CHECKING:  # pragma: no cover
    from .aggregate import recurring_themes
    from .batch.config import RunConfig
    from .batch.run import analyse
    from .decide import classify
    from .learn.evaluate import cross_validate, evaluate
    from .learn.train import train
    from .model.model import Model
    from .model.store import load_model
    from .outputs.tables import read_findings
    from .pipeline import read_report
    from .types import Report, Results, Sentence


__getattr__, __dir__ = lazy_names(__name__, _LAZY)
