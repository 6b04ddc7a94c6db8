"""Retraining on your own labels: train and save a model with its card, compare it with the
current recipe, and promote it to the default only when the evidence says it is not worse."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._files import atomic_write_bytes
from ..errors import InvalidArgumentError, LabelError, OutputError
from ..model.store import promote, save_model
from ..taxonomy import Taxonomy, load_taxonomy
from .card import CARD_FILE, model_card
from .evaluate import compare, comparison_table, cross_validate
from .interchange import read_records
from .labels import problem_list, training_problems
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
    """Train on all records, optionally score by leave-one-force-out first, and write the model folder.

    Records that cannot be trained on (too few findings or non-findings, one polarity, with
    ``cross_validate_first`` one force) raise a `LabelError` saying what to label, before any fitting.
    """
    taxonomy = taxonomy or load_taxonomy()
    check_trainable(records, cross_validate=cross_validate_first)
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


def check_trainable(
    records: list[dict[str, Any]] | pd.DataFrame,
    cross_validate: bool = False,
    baseline: list[dict[str, Any]] | pd.DataFrame | None = None,
    source: str = "the labelled records",
) -> None:
    """Raise a `LabelError` listing what ``records`` lack for training (and, with ``cross_validate``, for
    each leave-one-force-out fold; with ``baseline``, what the baseline records lack on the same folds),
    each problem with what to label, so scikit-learn never sees records it cannot fit."""
    compared = baseline is not None and len(baseline) > 0
    problems = training_problems(records_frame(records), cross_validate=cross_validate or compared,
                                 instead="compare without --baseline" if compared and not cross_validate else
                                 "train without cross-validation (--no-cross-validate)")
    if compared:
        base = records_frame(baseline)
        problems += [f"baseline records: {p}" for p in training_problems(base)]
        for force in sorted(records_frame(records)["force"].astype(str).unique()) if not problems else ():
            rest = base[base["force"].astype(str) != force]
            problems += [f"baseline records without {force!r}, which the comparison trains on: {p}"
                         for p in training_problems(rest)]
    if problems:
        raise LabelError(problem_list(f"cannot train on {source}:", problems))


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
    baseline = list(baseline)
    if promote_if_not_worse and not baseline:
        raise InvalidArgumentError(
            "--promote needs --baseline: the records the current default was trained on, to compare with."
        )
    blocker = next((p for p in (Path(out), *Path(out).parents) if p.exists()), None)
    if blocker is not None and not blocker.is_dir():
        raise OutputError(f"{out}: the model folder cannot be made there, because {blocker} is a file. "
                          "Choose another --out.")
    tax = taxonomy if isinstance(taxonomy, Taxonomy) else load_taxonomy(taxonomy)
    labelled = [labelled] if isinstance(labelled, (str, Path)) else list(labelled)
    if not labelled:
        raise InvalidArgumentError("No labelled files given: pass at least one file of labelled records.")
    records = read_records(labelled, taxonomy=tax)
    base = read_records(baseline) if baseline else []
    check_trainable(records, cross_validate=cross_validate_first, baseline=base,
                    source=", ".join(str(p) for p in labelled))
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
