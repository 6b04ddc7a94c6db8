"""Scores for the classifier: precision/recall/F1 per label, macro averages, bootstrap intervals.

Everything is computed from per-report counts, so a cluster bootstrap (resampling
whole reports, not sentences) costs one matrix product per statistic.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..types import POLARITIES


def _f1(tp: np.ndarray, fp: np.ndarray, fn: np.ndarray) -> np.ndarray:
    denominator = 2 * tp + fp + fn
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(denominator > 0, 2 * tp / np.maximum(denominator, 1e-12), np.nan)


def label_counts(gold: pd.DataFrame, pred: pd.DataFrame, theme_ids: Sequence[str]) -> pd.DataFrame:
    """Per-sentence true-positive/false-positive/false-negative indicators for every scored label.

    ``gold`` and ``pred`` are aligned frames with ``is_finding``, ``polarity`` and ``themes``.
    Polarity is scored on gold findings only (one-vs-rest per polarity value).
    """
    cols: dict[str, np.ndarray] = {}
    g_find = gold["is_finding"].to_numpy(bool)
    p_find = pred["is_finding"].to_numpy(bool)
    _add(cols, "finding", g_find, p_find)
    g_pol = gold["polarity"].fillna("").to_numpy(object)
    p_pol = pred["polarity_any"].fillna("").to_numpy(object) if "polarity_any" in pred else pred["polarity"].fillna("").to_numpy(object)
    for value in POLARITIES:
        _add(cols, f"polarity:{value}", (g_pol == value) & g_find, (p_pol == value) & g_find)
    g_themes = gold["themes"].tolist()
    p_themes = pred["themes"].tolist()
    for theme in theme_ids:
        g = np.array([theme in t for t in g_themes], bool)
        p = np.array([theme in t for t in p_themes], bool)
        _add(cols, f"theme:{theme}", g, p)
    return pd.DataFrame(cols)


def _add(cols: dict[str, np.ndarray], name: str, gold: np.ndarray, pred: np.ndarray) -> None:
    cols[f"{name}|tp"] = (gold & pred).astype(np.int32)
    cols[f"{name}|fp"] = (~gold & pred).astype(np.int32)
    cols[f"{name}|fn"] = (gold & ~pred).astype(np.int32)


def summarise(
    counts: pd.DataFrame,
    groups: Sequence[str],
    theme_ids: Sequence[str],
    core: Sequence[str],
    frequent: Sequence[str],
    n_boot: int = 1000,
    seed: int = 0,
) -> dict[str, Any]:
    """Scores with 95% intervals from a bootstrap over ``groups`` (e.g. report ids)."""
    per_group = counts.groupby(np.asarray(groups), sort=True).sum()
    totals = per_group.to_numpy(float)  # groups x columns
    rng = np.random.default_rng(seed)
    weights = rng.multinomial(len(per_group), np.full(len(per_group), 1 / len(per_group)), size=n_boot)
    samples = np.vstack([totals.sum(axis=0), weights @ totals])  # row 0: the observed data
    index = {c: i for i, c in enumerate(per_group.columns)}

    def stat(label: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        tp, fp, fn = (samples[:, index[f"{label}|{k}"]] for k in ("tp", "fp", "fn"))
        with np.errstate(invalid="ignore", divide="ignore"):
            precision = np.where(tp + fp > 0, tp / np.maximum(tp + fp, 1e-12), np.nan)
            recall = np.where(tp + fn > 0, tp / np.maximum(tp + fn, 1e-12), np.nan)
        return precision, recall, _f1(tp, fp, fn)

    def interval(values: np.ndarray) -> dict[str, float | None]:
        observed, boot = values[0], values[1:]
        boot = boot[~np.isnan(boot)]
        if np.isnan(observed) or boot.size == 0:
            return {"value": None, "low": None, "high": None}
        low, high = np.percentile(boot, [2.5, 97.5])
        return {"value": round(float(observed), 4), "low": round(float(low), 4), "high": round(float(high), 4)}

    def macro(labels: Sequence[str]) -> dict[str, float | None]:
        if not labels:
            return {"value": None, "low": None, "high": None}
        f1s = np.column_stack([stat(label)[2] for label in labels])
        with np.errstate(invalid="ignore"):
            return interval(np.nanmean(np.where(np.isnan(f1s), 0.0, f1s), axis=1))

    result: dict[str, Any] = {"finding": {}, "themes": {}}
    p, r, f = stat("finding")
    result["finding"] = {"precision": interval(p), "recall": interval(r), "f1": interval(f)}
    result["polarity"] = {value: interval(stat(f"polarity:{value}")[2]) for value in POLARITIES}
    result["polarity_macro_f1"] = macro([f"polarity:{v}" for v in POLARITIES])
    hits = sum(samples[:, index[f"polarity:{v}|tp"]] for v in POLARITIES)
    gold = sum(samples[:, index[f"polarity:{v}|tp"]] + samples[:, index[f"polarity:{v}|fn"]] for v in POLARITIES)
    with np.errstate(invalid="ignore", divide="ignore"):
        result["polarity_accuracy"] = interval(np.where(gold > 0, hits / np.maximum(gold, 1e-12), np.nan))
    for theme in theme_ids:
        p, r, f = stat(f"theme:{theme}")
        support = int(totals[:, index[f"theme:{theme}|tp"]].sum() + totals[:, index[f"theme:{theme}|fn"]].sum())
        result["themes"][theme] = {
            "precision": interval(p), "recall": interval(r), "f1": interval(f), "support": support
        }
    result["core_macro_f1"] = macro([f"theme:{t}" for t in core])
    result["frequent_macro_f1"] = macro([f"theme:{t}" for t in frequent])
    result["frequent_themes"] = list(frequent)
    result["n_sentences"] = int(len(counts))
    result["n_groups"] = int(len(per_group))
    return result


def paired_difference(
    counts_a: pd.DataFrame,
    counts_b: pd.DataFrame,
    groups: Sequence[str],
    labels: Sequence[str],
    n_boot: int = 1000,
    seed: int = 0,
) -> dict[str, float | None]:
    """Macro-F1 over ``labels`` of B minus A on the same sentences, with a paired bootstrap 95% interval.

    Both models' counts are resampled with the same report weights, so the interval is for the
    difference itself, not two separate intervals.
    """
    per_a = counts_a.groupby(np.asarray(groups), sort=True).sum()
    per_b = counts_b.groupby(np.asarray(groups), sort=True).sum()
    rng = np.random.default_rng(seed)
    weights = rng.multinomial(len(per_a), np.full(len(per_a), 1 / len(per_a)), size=n_boot)

    def macro(per: pd.DataFrame) -> np.ndarray:
        totals = per.to_numpy(float)
        samples = np.vstack([totals.sum(axis=0), weights @ totals])
        index = {c: i for i, c in enumerate(per.columns)}
        f1s = []
        for label in labels:
            tp, fp, fn = (samples[:, index[f"{label}|{k}"]] for k in ("tp", "fp", "fn"))
            f1s.append(np.nan_to_num(_f1(tp, fp, fn), nan=0.0))
        return np.mean(np.column_stack(f1s), axis=1)

    diff = macro(per_b) - macro(per_a)
    low, high = np.percentile(diff[1:], [2.5, 97.5])
    return {"value": round(float(diff[0]), 4), "low": round(float(low), 4), "high": round(float(high), 4)}


def cell_scores(gold: pd.DataFrame, pred: pd.DataFrame, theme_ids: Sequence[str], min_share: int = 3) -> dict[str, Any]:
    """How well force x theme counts come out: what a researcher reads off the aggregate tables.

    ``gold`` has ``force``, ``is_finding``, ``polarity``, ``themes``; ``pred`` is aligned with it and has the
    same labels plus the scores (``finding_score``, ``theme_scores``, ``polarity_scores``). Measures:

    - ``cell_f1``: F1 over (force, theme) cells of "this force has a negative finding on this theme";
    - ``share_mae_hard`` / ``share_mae_estimate``: mean absolute error of the negative share of a
      force's findings on a theme, over cells with at least ``min_share`` gold findings, from hard
      labels (a cell with no predicted finding counts as share 0) and from the probability estimate;
    - ``coverage``: share of cells with at least one gold finding on the theme whose 90% interval
      for the number of negative findings holds the gold number.
    """
    from ..aggregate import estimate_counts

    def counts(frame: pd.DataFrame) -> pd.DataFrame:
        rows = frame[frame["is_finding"].astype(bool)]
        long = rows.assign(theme=rows["themes"]).explode("theme")
        long = long[long["theme"].isin(list(theme_ids))]
        return long.groupby(["force", "theme"]).agg(
            n=("theme", "size"), negative=("polarity", lambda p: int((p == "negative").sum())))

    frame = pred.assign(force=gold["force"].astype(str).to_numpy())
    truth, hard = counts(gold.assign(force=gold["force"].astype(str))), counts(frame)
    cells = truth.join(hard, how="outer", lsuffix="_gold", rsuffix="_pred").fillna(0)
    has_gold, has_pred = cells["negative_gold"] > 0, cells["negative_pred"] > 0
    tp = int((has_gold & has_pred).sum())
    cell_f1 = 2 * tp / max(int(has_gold.sum()) + int(has_pred.sum()), 1)
    parts = [estimate_counts(rows, by=("force",), theme_ids=list(theme_ids),
                             dispersion=float(rows["dispersion"].iloc[0]) if "dispersion" in rows else 1.0)
             for _, rows in frame.groupby("force", sort=True)]  # each force with its own fold's model
    estimates = pd.concat(parts, ignore_index=True)
    est = estimates.pivot_table(index=["force", "theme"], columns="polarity", values="estimate", aggfunc="sum",
                                fill_value=0.0)
    negative = estimates[estimates["polarity"] == "negative"].set_index(["force", "theme"])
    cells = cells.join(est.sum(axis=1).rename("est_n")).join(est.get("negative", 0.0).rename("est_negative"))
    cells = cells.join(negative[["low", "high"]]).fillna({"est_n": 0.0, "est_negative": 0.0, "low": 0.0, "high": 0.0})
    shared = cells[cells["n_gold"] >= min_share]
    gold_share = shared["negative_gold"] / shared["n_gold"]
    hard_share = (shared["negative_pred"] / shared["n_pred"].where(shared["n_pred"] > 0)).fillna(0.0)
    est_share = (shared["est_negative"] / shared["est_n"].where(shared["est_n"] > 0)).fillna(0.0)
    covered = cells[cells["n_gold"] > 0]
    inside = (covered["low"] <= covered["negative_gold"]) & (covered["negative_gold"] <= covered["high"])
    return {
        "cell_f1": round(cell_f1, 4),
        "share_mae_hard": round(float((hard_share - gold_share).abs().mean()), 4) if len(shared) else None,
        "share_mae_estimate": round(float((est_share - gold_share).abs().mean()), 4) if len(shared) else None,
        "share_cells": int(len(shared)),
        "share_off_by_more_than_0_2": round(float(((hard_share - gold_share).abs() > 0.2).mean()), 4)
        if len(shared) else None,
        "coverage": round(float(inside.mean()), 4) if len(covered) else None,
        "coverage_cells": int(len(covered)),
    }
