"""Ablation: every model change, measured by leave-one-force-out on the labelled set.

    python training/scripts/ablation.py [--jobs 2] [--only NAME ...]

Each variant is a `Recipe` (see `peel_findings.learn.train`); the table shows its effect on every
measure the counts issue names. Forward steps add one change at a time to the first-round recipe;
"final minus X" rows take one change out of the shipped recipe. Results are cached in
training/ablation.json (a variant is re-run only when its recipe or the labelled data changes).
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import asdict
from pathlib import Path

from peel_findings.learn.evaluate import lofo_predictions, score
from peel_findings.learn.interchange import read_records
from peel_findings.learn.metrics import cell_scores
from peel_findings.learn.train import Recipe, data_sha256, records_frame
from peel_findings.taxonomy import load_taxonomy

OUT = Path("training/ablation.json")
FIRST_ROUND = dict(wide_cues=False, inner_contrast=False, context=False, joint_finding=False, polarity_rule="macro")
VARIANTS = {
    "first-round recipe (issue 3)": FIRST_ROUND,
    "+ joint finding decision (no theme veto)": {**FIRST_ROUND, "joint_finding": True},
    "+ connective rule in cues": {**FIRST_ROUND, "joint_finding": True, "inner_contrast": True},
    "+ wider theme cues": {**FIRST_ROUND, "joint_finding": True, "inner_contrast": True, "wide_cues": True},
    "+ context (finding, polarity)": {"joint_finding": True, "inner_contrast": True, "wide_cues": True,
                                      "context": True, "polarity_rule": "macro"},
    "+ context, polarity argmax": {"context": True, "polarity_rule": "none"},
    "+ context, bounded class weights": {"context": True, "polarity_rule": "bounded"},
    "+ context, two-stage polarity": {"context": True, "polarity_rule": "macro", "polarity_model": "two_stage"},
    "+ context, two-stage polarity, argmax": {"context": True, "polarity_rule": "none",
                                              "polarity_model": "two_stage"},
    "+ context for themes too": {"context": True, "context_heads": ("finding", "polarity", "themes")},
    "final minus character n-grams": {"chars": False},
    "final minus joint finding": {"joint_finding": False},
}
SCORING = 2  # 2: count intervals widened by each fold model's estimate_dispersion
CORE = ("allocation", "supervision", "victim_code", "mash", "ocg_mapping")


def row(name: str, result: dict) -> str:
    m, c = result["scores"], result["cells"]

    def v(x: dict | None) -> str:
        return "n/a" if not x or x.get("value") is None else f"{x['value']:.3f}"

    pol = " / ".join(v(m["polarity"][p]) for p in ("positive", "negative", "mixed", "neutral"))
    core = " / ".join(v(m["themes"][t]["f1"]) for t in CORE)
    return (f"| {name} | {v(m['finding']['f1'])} | {v(m['polarity_macro_f1'])} ({pol}) | {v(m['polarity_accuracy'])} "
            f"| {v(m['core_macro_f1'])} ({core}) | {v(m['frequent_macro_f1'])} | {c['cell_f1']:.3f} "
            f"| {c['share_mae_hard']:.3f} / {c['share_mae_estimate']:.3f} | {c['coverage']:.3f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--only", nargs="*")
    args = parser.parse_args()
    taxonomy = load_taxonomy()
    frame = records_frame(read_records("training/labelled.jsonl", taxonomy=taxonomy))
    data = data_sha256(frame)
    cache = json.loads(OUT.read_text()) if OUT.exists() else {}
    for name, options in VARIANTS.items():
        if args.only and name not in args.only:
            continue
        recipe = Recipe(**options)
        key = {"recipe": asdict(recipe), "data": data, "taxonomy": [t.__dict__ for t in taxonomy.themes],
               "scoring": SCORING}
        if cache.get(name, {}).get("key") == json.loads(json.dumps(key)):
            continue
        start = time.time()
        pred = lofo_predictions(frame, frame, taxonomy, n_jobs=args.jobs, recipe=recipe)
        cache[name] = {"key": key, "scores": score(frame, pred, taxonomy), "cells": cell_scores(frame, pred, taxonomy.ids),
                       "seconds": round(time.time() - start)}
        OUT.write_text(json.dumps(cache, indent=1) + "\n")
        print(f"{name}: {cache[name]['seconds']} s", flush=True)
    print("| variant | finding F1 | polarity macro-F1 (pos / neg / mixed / neutral) | polarity accuracy "
          "| core-theme macro-F1 (allocation / supervision / victim_code / mash / ocg_mapping) "
          "| frequent-theme macro-F1 | (force, theme, negative) cell F1 | negative-share MAE hard / estimate "
          "| 90% interval coverage |")
    print("|---|---|---|---|---|---|---|---|---|")
    shipped = json.loads(json.dumps(asdict(Recipe())))
    for name in VARIANTS:
        if name in cache:
            label = name + (" **(shipped)**" if cache[name]["key"]["recipe"] == shipped else "")
            line = row(label, cache[name])
            if cache[name]["key"].get("scoring") != SCORING:
                line = line[:-2] + " † |"
            print(line)
    print()
    print("† measured before intervals were widened by the model's estimate dispersion (the other columns are "
          "unaffected); the run with widened intervals was stopped for time.")


if __name__ == "__main__":
    main()
