"""Retraining on your own labels: train and save a model with its card, compare it with the
current recipe, and promote it to the default only when the evidence says it is not worse."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._files import atomic_write_bytes
from ..model.store import promote, save_model
from ..taxonomy import Taxonomy, load_taxonomy
from .card import CARD_FILE, model_card
from .evaluate import compare, comparison_table, cross_validate
from .interchange import read_records
from .train import rare_theme_message, rare_themes, records_frame, train

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd


def train_and_save(
    records: list[dict[str, Any]] | pd.DataFrame,
    out: str | Path,
    taxonomy: Taxonomy | None = None,
    seed: int = 0,
    cross_validate_first: bool = True,
    progress: Callable[[str], None] | None = None,
    name: str | None = None,
    n_jobs: int = 1,
) -> Path:
    """Train on all records, optionally score by leave-one-force-out first, and write the model folder."""
    taxonomy = taxonomy or load_taxonomy()
    if progress:
        for theme, n in rare_themes(records_frame(records), taxonomy).items():
            progress("warning: " + rare_theme_message(theme, n))
    evaluation = None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # rare themes: reported once above
        if cross_validate_first:
            evaluation = cross_validate(records, taxonomy=taxonomy, seed=seed, progress=progress, n_jobs=n_jobs)
        if progress:
            progress("training the final model on all records")
        model = train(records, taxonomy=taxonomy, seed=seed)
    if name:
        model.metadata["name"] = name
    if evaluation is not None:
        model.metadata["evaluation"] = {key: evaluation[key] for key in ("protocol", "forces", "model", "baseline")}
    directory = save_model(model, out)
    atomic_write_bytes(Path(directory) / CARD_FILE, model_card(model.metadata).encode("utf-8"))
    return Path(directory)


@dataclass(frozen=True)
class Retrained:
    """What `retrain` did: where the model went, how it compared, whether it became the default."""

    directory: Path
    comparison: pd.DataFrame | None = None  # one row per measure, baseline vs candidate
    difference: dict[str, float | None] | None = None  # macro-F1 difference with its paired 95% interval
    worse: bool = False
    promoted: bool = False
    previous: str = ""  # the name the previous default is kept under


def retrain(
    labelled: Iterable[str | Path],
    out: str | Path,
    baseline: Iterable[str | Path] = (),
    taxonomy: Taxonomy | str | Path | None = None,
    seed: int = 0,
    cross_validate_first: bool = True,
    promote_if_not_worse: bool = False,
    force: bool = False,
    name: str | None = None,
    models_dir: str | Path | None = None,
    progress: Callable[[str], None] | None = None,
    n_jobs: int = 1,
) -> Retrained:
    """`peel train`: train on ``labelled`` files and save; with ``baseline`` files (the records the
    current default was trained on), compare both recipes on the same folds and, if asked, promote the
    new model unless its macro-F1 is worse beyond the paired 95% interval (``force`` overrides)."""
    from ..errors import InvalidArgumentError

    baseline = list(baseline)
    if promote_if_not_worse and not baseline:
        raise InvalidArgumentError(
            "--promote needs --baseline: the records the current default was trained on, to compare with."
        )
    tax = taxonomy if isinstance(taxonomy, Taxonomy) else load_taxonomy(taxonomy)
    records = read_records(labelled, taxonomy=tax)
    base = read_records(baseline) if baseline else []
    directory = train_and_save(records, out, taxonomy=tax, seed=seed, cross_validate_first=cross_validate_first,
                               progress=progress, name=name, n_jobs=n_jobs)
    if not baseline:
        return Retrained(directory)
    result = compare(base, records, taxonomy=tax, seed=seed, progress=progress, n_jobs=n_jobs)
    table = comparison_table(result)
    atomic_write_bytes(directory / "comparison.csv", table.to_csv(index=False).encode("utf-8"))
    promoted, previous = False, ""
    if promote_if_not_worse and (not result["worse"] or force):
        previous, promoted = promote(directory, models_dir), True
    return Retrained(directory, table, result["macro_f1_difference"], result["worse"], promoted, previous)
