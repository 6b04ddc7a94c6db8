"""Is a retrained model better? Both training recipes on the same leave-one-force-out folds.

For every force, the baseline (trained on the baseline records minus that force) and the
candidate (trained on the candidate records minus that force) label the same held-out
sentences: the candidate's records for that force. Scores for both, and the paired bootstrap
interval of the macro-F1 difference, decide whether the candidate may replace the default.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable
from typing import Any

import pandas as pd

from .labels import Taxonomy, load_taxonomy
from .metrics import label_counts, paired_difference
from .train import FREQUENT_THEME_MIN, _score, predictions, records_frame, theme_support, train


def compare(
    baseline_records: Iterable[dict[str, Any]] | pd.DataFrame,
    candidate_records: Iterable[dict[str, Any]] | pd.DataFrame,
    taxonomy: Taxonomy | None = None,
    baseline_taxonomy: Taxonomy | None = None,
    seed: int = 0,
    n_boot: int = 1000,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Scores of both recipes on the same folds and sentences, and the macro-F1 difference (candidate - baseline)."""
    taxonomy = taxonomy or load_taxonomy()
    baseline_taxonomy = baseline_taxonomy or taxonomy
    base, cand = records_frame(baseline_records), records_frame(candidate_records)
    forces = sorted(cand["force"].astype(str).unique())
    pooled_a, pooled_b = [], []
    for n, force in enumerate(forces, start=1):
        if progress:
            progress(f"fold {n}/{len(forces)}: holding out {force}")
        held = cand["force"].astype(str) == force
        texts = cand.loc[held, "text"].tolist()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            model_a = train(base[base["force"].astype(str) != force], taxonomy=baseline_taxonomy, seed=seed)
            model_b = train(cand[~held], taxonomy=taxonomy, seed=seed)
        for pooled, model in ((pooled_a, model_a), (pooled_b, model_b)):
            pred = predictions(model, texts)
            pred.index = cand.index[held]
            pooled.append(pred)
    pred_a, pred_b = pd.concat(pooled_a).sort_index(), pd.concat(pooled_b).sort_index()
    scores_a, scores_b = _score(cand, pred_a, taxonomy, n_boot), _score(cand, pred_b, taxonomy, n_boot)
    groups = cand["report"].astype(str).where(cand["report"].astype(str) != "", cand["id"]).tolist()
    counts_a, counts_b = label_counts(cand, pred_a, taxonomy.ids), label_counts(cand, pred_b, taxonomy.ids)
    support = theme_support(cand, taxonomy)
    frequent = [f"theme:{t}" for t in taxonomy.ids if support[t] >= FREQUENT_THEME_MIN] or \
        [f"theme:{t}" for t in taxonomy.ids if support[t] > 0]  # small data: every theme present
    difference = paired_difference(counts_a, counts_b, groups, frequent, n_boot=n_boot, seed=seed)
    return {"forces": forces, "baseline": scores_a, "candidate": scores_b, "macro_f1_difference": difference,
            "worse": difference["high"] is not None and difference["high"] < 0}


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
