"""Choosing what to label next: the sentences the model is least sure of, spread across forces.

Uncertainty comes from the calibrated scores of the three heads:

- ``margin`` (default): one minus the smallest decision margin of the sentence: how close the
  finding score is to 0.5, the gap between the two likeliest polarities, and how close the
  nearest theme score is to that theme's threshold;
- ``least_confidence``: one minus the probability of the most likely finding decision and polarity.

The queue takes the most uncertain sentences force by force in turn (so one force's writing style
does not fill it), skips near-duplicates of sentences already queued, and carries the model's
guesses so a labeller corrects rather than starts from nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from ..decide import labels
from ..errors import InvalidArgumentError
from ..model import Model, load_model

Strategy = Literal["margin", "least_confidence"]
QueueStrategy = Literal["margin", "least_confidence", "mixed", "random"]
QUEUE_COLUMNS = ("id", "text", "report", "force", "year", "is_finding", "polarity", "themes", "uncertainty")


def uncertainty(model: Model, texts: list[str], strategy: Strategy = "margin") -> np.ndarray:
    """Uncertainty in [0, 1] for each text (higher: more worth labelling)."""
    if strategy not in ("margin", "least_confidence"):
        raise InvalidArgumentError(f"strategy must be 'margin' or 'least_confidence'; got {strategy!r}.")
    scores = model.scores(texts)
    finding = scores.finding
    polarity = scores.polarity
    top = np.sort(polarity, axis=1)[:, ::-1]
    if strategy == "least_confidence":
        return 1 - np.minimum(np.maximum(finding, 1 - finding), top[:, 0])
    thresholds = model.thresholds
    themes = np.round(scores.themes, 4)  # as the table's theme_scores give them
    theme_margin = np.abs(themes - thresholds[None, :]).min(axis=1) / np.maximum(thresholds.max(), 0.5)
    polarity_margin = top[:, 0] - top[:, 1] if polarity.shape[1] > 1 else np.ones(len(texts))
    margins = np.column_stack([np.abs(2 * finding - 1), polarity_margin, np.clip(theme_margin, 0, 1)])
    return 1 - margins.min(axis=1)


def build_queue(
    sentences: pd.DataFrame,
    n: int,
    model: Model | None = None,
    strategy: QueueStrategy = "margin",
    duplicate_threshold: float = 0.8,
    seed: int = 0,
) -> pd.DataFrame:
    """The ``n`` sentences most worth labelling, in the LABELLING.md record layout, prefilled.

    ``sentences`` needs ``text`` and ideally ``force``, ``sentence_id`` (or ``id``), ``report_id``
    (or ``report``) and ``year``: a findings or sentences table from `peel run` / `peel extract`.
    ``strategy="random"`` draws at random (for comparison), still spread across forces;
    ``"mixed"`` alternates the most uncertain sentence with a random one within each force
    (exploration for a model that is still weak).
    """
    if strategy not in ("margin", "least_confidence", "mixed", "random"):
        raise InvalidArgumentError(
            f"strategy must be margin, least_confidence, mixed or random; got {strategy!r}.")
    if n < 1:
        raise InvalidArgumentError(f"n must be at least 1; got {n!r}.")
    if "text" not in sentences:
        raise InvalidArgumentError("The sentences table needs a 'text' column (a findings or sentences table).")
    model = model or load_model()
    pool = _normalise(sentences)
    pool = pool[pool["text"].str.strip().str.len() > 0].drop_duplicates("text").reset_index(drop=True)
    if pool.empty:
        return pd.DataFrame(columns=list(QUEUE_COLUMNS))
    rng = np.random.default_rng(seed)
    if strategy == "random":
        pool["uncertainty"] = rng.random(len(pool))
    else:
        pool["uncertainty"] = uncertainty(model, pool["text"].tolist(), "margin" if strategy == "mixed" else strategy)
    chosen = _spread(pool, n, duplicate_threshold, rng if strategy == "mixed" else None)
    texts = chosen["text"].tolist()
    guesses = labels(texts, model.scores(texts), model)
    chosen = chosen.assign(
        is_finding=guesses["is_finding"].to_numpy(),
        polarity=guesses["polarity"].to_numpy(),
        themes=guesses["themes"].to_numpy(),
    )
    return chosen[list(QUEUE_COLUMNS)].reset_index(drop=True)


def _normalise(frame: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame({"text": frame["text"].astype(str)})
    out["id"] = frame["sentence_id"] if "sentence_id" in frame else frame.get("id", pd.Series(range(len(frame))))
    out["report"] = frame["report_id"] if "report_id" in frame else frame.get("report", "")
    out["force"] = frame.get("force", "").fillna("") if "force" in frame else ""
    out["year"] = frame.get("year", "").fillna("") if "year" in frame else ""
    out["id"] = out["id"].astype(str)
    return out


def _spread(
    pool: pd.DataFrame, n: int, duplicate_threshold: float, explore: np.random.Generator | None = None
) -> pd.DataFrame:
    """Round-robin over forces, most uncertain first within each, skipping near-duplicates.

    With ``explore``, each force's order alternates its most uncertain sentence with a random one.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer

    ranked = {
        force: group.sort_values(["uncertainty", "id"], ascending=[False, True]).index.tolist()
        for force, group in pool.groupby("force", sort=True)
    }
    if explore is not None:
        ranked = {force: _alternate(order, explore) for force, order in ranked.items()}
    vectors = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True).fit_transform(pool["text"])
    picked: list[int] = []
    while len(picked) < n and any(ranked.values()):
        for force in list(ranked):
            while ranked[force]:
                candidate = ranked[force].pop(0)
                if picked and (vectors[picked] @ vectors[candidate].T).max() >= duplicate_threshold:
                    continue
                picked.append(candidate)
                break
            if len(picked) >= n:
                break
    return pool.loc[picked]


def _alternate(order: list[int], rng: np.random.Generator) -> list[int]:
    """Most uncertain, then a random one of the rest, and so on."""
    remaining = list(order)
    out: list[int] = []
    take_top = True
    while remaining:
        index = 0 if take_top else int(rng.integers(len(remaining)))
        out.append(remaining.pop(index))
        take_top = not take_top
    return out


def queue_file(
    findings: str | Path,
    out: str | Path,
    n: int = 100,
    strategy: QueueStrategy = "margin",
    fmt: str | None = None,
    model: Model | str | Path | None = None,
) -> pd.DataFrame:
    """`peel queue`: read a findings or sentences table (.parquet, .csv, .jsonl), queue ``n`` sentences,
    and write them in ``fmt`` (by default the format ``out``'s extension names). Returns the queue."""
    from .interchange import export_records

    findings = Path(findings)
    if not findings.is_file():
        raise InvalidArgumentError(f"{findings}: no such file. Pass a findings.parquet/.csv from `peel run`.")
    if findings.suffix == ".parquet":
        table = pd.read_parquet(findings)
    elif findings.suffix == ".csv":
        table = pd.read_csv(findings)
    else:
        table = pd.read_json(findings, lines=True)
    loaded = model if isinstance(model, Model) else load_model(model)
    picked = build_queue(table, n, model=loaded, strategy=strategy)
    export_records(picked.to_dict("records"), out, fmt)  # type: ignore[arg-type]
    return picked
