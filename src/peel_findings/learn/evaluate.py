"""How good is a model? Scores on labelled records, leave-one-force-out, comparing two recipes.

- `evaluate(model, records)` scores a fitted model.
- `cross_validate(records)` holds out every force in turn (leave-one-force-out), pools the
  held-out predictions, and scores them with 95% intervals from a bootstrap over reports;
  beside it, the keyword baseline on the same sentences.
- `compare(baseline, candidate)` scores two training recipes on the same folds and the same
  held-out sentences, with a paired bootstrap interval for the macro-F1 difference: the evidence
  for promoting a retrained model.

Folds can run in parallel worker processes (joblib), each training one model.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from ..decide import labels, polarity_labels
from ..model.features import model_frame
from ..model.model import Model
from ..taxonomy import Taxonomy, Theme, load_taxonomy
from .metrics import label_counts, paired_difference, summarise
from .train import FREQUENT_THEME_MIN, records_frame, theme_support, train

Records = Iterable[dict[str, Any]] | pd.DataFrame


def predictions(model: Model, records: Sequence[str] | pd.DataFrame) -> pd.DataFrame:
    """The `classify` table plus ``polarity_any``: the polarity head's choice even where no finding is predicted.

    ``records`` is a list of texts or a records frame (read with its context, see `model_frame`).
    """
    frame = model_frame(records)
    scores = model.scores(frame)
    out = labels(frame["text"].tolist(), scores, model)
    if len(out):
        out["polarity_any"] = polarity_labels(scores.polarity, scores.polarity_classes, model.polarity_weights)
        out["dispersion"] = float(model.metadata.get("estimate_dispersion", 1.0))
    return out


def evaluate(model: Model, records: Records, taxonomy: Taxonomy | None = None, n_boot: int = 1000) -> dict[str, Any]:
    """Score a model on labelled records (intervals from a bootstrap over reports)."""
    taxonomy = taxonomy or taxonomy_of(model)
    frame = records_frame(records)
    return score(frame, predictions(model, frame), taxonomy, n_boot)


def evaluate_files(paths: Iterable[str | Path], model: Model | str | Path | None = None) -> dict[str, Any]:
    """`peel evaluate`: score a model (the shipped one by default) on labelled record files."""
    from ..model.store import load_model
    from .interchange import read_records

    loaded = model if isinstance(model, Model) else load_model(model)
    return evaluate(loaded, read_records(paths, taxonomy=taxonomy_of(loaded)))


def taxonomy_of(model: Model) -> Taxonomy:
    """The taxonomy a model was trained with (the shipped one's names where its ids match)."""
    base = load_taxonomy()
    known = {t.id: t for t in base.themes}
    themes = tuple(known.get(i, Theme(i, i, i)) for i in model.theme_ids)
    core = tuple(c for c in model.metadata.get("core_themes", base.core) if c in model.theme_ids)
    return Taxonomy(themes=themes, core=core)


def score(frame: pd.DataFrame, pred: pd.DataFrame, taxonomy: Taxonomy, n_boot: int = 1000) -> dict[str, Any]:
    """Scores of predictions against labelled records, with bootstrap intervals over reports."""
    support = theme_support(frame, taxonomy)
    frequent = [t for t in taxonomy.ids if support[t] >= FREQUENT_THEME_MIN]
    counts = label_counts(frame, pred, taxonomy.ids)
    return summarise(counts, report_groups(frame), taxonomy.ids, taxonomy.core, frequent, n_boot=n_boot)


def report_groups(frame: pd.DataFrame) -> list[str]:
    """The bootstrap unit of each record: its report, or the record itself when it names none."""
    report = frame["report"].astype(str)
    return report.where(report != "", frame["id"]).tolist()


def lofo_predictions(
    evaluated: pd.DataFrame,
    training: pd.DataFrame,
    taxonomy: Taxonomy,
    seed: int = 0,
    n_jobs: int = 1,
    progress: Callable[[str], None] | None = None,
    **train_options: Any,
) -> pd.DataFrame:
    """Leave-one-force-out predictions for ``evaluated``: for each of its forces, a model trained on
    ``training`` minus that force labels that force's sentences. Pooled, in ``evaluated``'s order."""
    from joblib import Parallel, delayed

    forces = sorted(evaluated["force"].astype(str).unique())
    jobs = (delayed(_fold)(evaluated, training, force, taxonomy, seed, train_options) for force in forces)
    pooled = []
    for n, (force, pred) in enumerate(Parallel(n_jobs=n_jobs, return_as="generator")(jobs), start=1):
        if progress:
            progress(f"fold {n}/{len(forces)}: held out {force}")
        pooled.append(pred)
    return pd.concat(pooled).sort_index()


def _fold(evaluated: pd.DataFrame, training: pd.DataFrame, force: str, taxonomy: Taxonomy, seed: int,
          train_options: dict[str, Any]) -> tuple[str, pd.DataFrame]:
    held = evaluated["force"].astype(str) == force
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # rare-theme warnings: once, not per fold
        model = train(training[training["force"].astype(str) != force], taxonomy=taxonomy, seed=seed,
                      **train_options)
    pred = predictions(model, evaluated.loc[held])
    pred.index = evaluated.index[held]
    return force, pred


def cross_validate(
    records: Records,
    taxonomy: Taxonomy | None = None,
    seed: int = 0,
    n_boot: int = 1000,
    progress: Callable[[str], None] | None = None,
    n_jobs: int = 1,
    **train_options: Any,
) -> dict[str, Any]:
    """Leave-one-force-out evaluation of `train`, with the keyword baseline beside it.

    Every force is held out in turn; the model trained on the other forces labels
    its sentences. Scores are computed on the pooled held-out predictions.
    """
    from ..errors import InvalidArgumentError

    taxonomy = taxonomy or load_taxonomy()
    frame = records_frame(records)
    forces = sorted(frame["force"].astype(str).unique())
    if len(forces) < 2:
        raise InvalidArgumentError(
            "Leave-one-force-out needs records from at least two forces (the 'force' field); "
            f"these records name {len(forces)}."
        )
    pred = lofo_predictions(frame, frame, taxonomy, seed=seed, n_jobs=n_jobs, progress=progress, **train_options)
    baseline = keyword_baseline(frame["text"].tolist(), taxonomy)
    return {
        "protocol": "leave-one-force-out",
        "forces": forces,
        "model": score(frame, pred, taxonomy, n_boot),
        "baseline": score(frame, baseline, taxonomy, n_boot),
        "predictions": pred,
        "train_options": train_options,
    }


def compare(
    baseline_records: Records,
    candidate_records: Records,
    taxonomy: Taxonomy | None = None,
    baseline_taxonomy: Taxonomy | None = None,
    seed: int = 0,
    n_boot: int = 1000,
    progress: Callable[[str], None] | None = None,
    n_jobs: int = 1,
) -> dict[str, Any]:
    """Scores of both recipes on the same folds and sentences, and the macro-F1 difference (candidate - baseline).

    For every force, the baseline (trained on the baseline records minus that force) and the
    candidate (trained on the candidate records minus that force) label the same held-out
    sentences: the candidate's records for that force.
    """
    taxonomy = taxonomy or load_taxonomy()
    base, cand = records_frame(baseline_records), records_frame(candidate_records)
    pred_a = lofo_predictions(cand, base, baseline_taxonomy or taxonomy, seed=seed, n_jobs=n_jobs, progress=progress)
    pred_b = lofo_predictions(cand, cand, taxonomy, seed=seed, n_jobs=n_jobs, progress=progress)
    scores_a, scores_b = score(cand, pred_a, taxonomy, n_boot), score(cand, pred_b, taxonomy, n_boot)
    counts_a, counts_b = label_counts(cand, pred_a, taxonomy.ids), label_counts(cand, pred_b, taxonomy.ids)
    support = theme_support(cand, taxonomy)
    frequent = [f"theme:{t}" for t in taxonomy.ids if support[t] >= FREQUENT_THEME_MIN] or \
        [f"theme:{t}" for t in taxonomy.ids if support[t] > 0]  # small data: every theme present
    difference = paired_difference(counts_a, counts_b, report_groups(cand), frequent, n_boot=n_boot, seed=seed)
    return {"forces": sorted(cand["force"].astype(str).unique()), "baseline": scores_a, "candidate": scores_b,
            "macro_f1_difference": difference, "worse": difference["high"] is not None and difference["high"] < 0}


def comparison_table(result: dict[str, Any]) -> pd.DataFrame:
    """One row per measure: baseline, candidate and the difference (for the comparison file)."""
    a, b = result["baseline"], result["candidate"]
    rows = [
        ("finding F1", a["finding"]["f1"], b["finding"]["f1"]),
        ("polarity macro-F1", a["polarity_macro_f1"], b["polarity_macro_f1"]),
        ("core-theme macro-F1", a["core_macro_f1"], b["core_macro_f1"]),
        ("macro-F1, themes with >= 10 examples", a["frequent_macro_f1"], b["frequent_macro_f1"]),
    ]
    rows += [(f"polarity F1: {p}", a["polarity"][p], b["polarity"][p]) for p in b["polarity"]]
    rows += [(f"theme F1: {t}", a["themes"].get(t, {}).get("f1"), s["f1"]) for t, s in b["themes"].items()]
    out = pd.DataFrame(
        [{"measure": m, "baseline": (x or {}).get("value"), "candidate": (y or {}).get("value")} for m, x, y in rows]
    )
    out["difference"] = (out["candidate"] - out["baseline"]).round(4)
    diff = result["macro_f1_difference"]
    summary = pd.DataFrame([{"measure": "macro-F1 difference, paired 95% interval",
                             "baseline": diff["low"], "candidate": diff["high"], "difference": diff["value"]}])
    return pd.concat([out, summary], ignore_index=True)


# -- the keyword baseline ------------------------------------------------------------------------

_FINDING_CUES = re.compile(
    r"\b(force|constabulary|hmic|hmicfrs|we found|inspectors found|should|requires? improvement|good|"
    r"outstanding|inadequate|adequate)\b",
    re.I,
)
_NEGATIVE_CUES = re.compile(
    r"\b(not|lacks?|lack of|inconsistent|backlogs?|concern|should|requires? improvement|inadequate|"
    r"poor|insufficient|limited|weak|fail|unable|delays?)\b",
    re.I,
)
_POSITIVE_CUES = re.compile(
    r"\b(good|outstanding|effective(ly)?|well|strong|encouraged|improved|impressive|positive)\b", re.I
)


def keyword_baseline(texts: Sequence[str], taxonomy: Taxonomy | None = None) -> pd.DataFrame:
    """A transparent baseline: cue words for finding and polarity, theme names and synonyms for themes."""
    taxonomy = taxonomy or load_taxonomy()
    patterns = {
        t.id: re.compile("|".join(re.escape(k.lower()) for k in (t.name.lower(), *t.keywords)))
        for t in taxonomy.themes
    }
    rows = []
    for text in texts:
        low = text.lower()
        finding = bool(_FINDING_CUES.search(text))
        negative, positive = bool(_NEGATIVE_CUES.search(text)), bool(_POSITIVE_CUES.search(text))
        polarity = "mixed" if negative and positive else "negative" if negative else "positive" if positive else "neutral"
        themes = [t for t, p in patterns.items() if p.search(low)] if finding else []
        rows.append({"text": text, "is_finding": finding, "polarity": polarity if finding else None,
                     "polarity_any": polarity, "themes": themes})
    return pd.DataFrame(rows, columns=["text", "is_finding", "polarity", "polarity_any", "themes"])
