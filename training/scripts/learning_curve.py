"""The learning curve over forces: is more labelled data from more forces still paying?

    python training/scripts/learning_curve.py [--jobs 2] [--fractions 0.25 0.5 0.75 1.0]

For each held-out force (leave-one-force-out over training/labelled.jsonl), a model with the shipped
recipe is trained on a random share of the other forces (the same draw for every share, nested: the
25% forces are among the 50% ones), and labels the held-out force. Printed: finding F1, polarity
macro-F1 (with per-class F1) and core-theme macro-F1 per share, pooled over the held-out forces.
Results are kept in training/learning_curve.json.
"""

from __future__ import annotations

import argparse
import json
import random
import warnings
from pathlib import Path

import pandas as pd

from peel_findings.learn.evaluate import predictions, score
from peel_findings.learn.interchange import read_records
from peel_findings.learn.train import records_frame, train
from peel_findings.taxonomy import load_taxonomy

OUT = Path("training/learning_curve.json")


def fold(frame: pd.DataFrame, force: str, share: float, taxonomy, seed: int) -> pd.DataFrame:
    others = sorted(set(frame["force"].astype(str)) - {force})
    order = random.Random(f"{seed}-{force}").sample(others, len(others))
    kept = order[: max(1, round(share * len(others)))]
    training = frame[frame["force"].astype(str).isin(kept)]
    held = frame["force"].astype(str) == force
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        model = train(training, taxonomy=taxonomy, seed=seed)
    pred = predictions(model, frame.loc[held])
    pred.index = frame.index[held]
    return pred


def main() -> None:
    from joblib import Parallel, delayed

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--fractions", type=float, nargs="+", default=[0.25, 0.5, 0.75, 1.0])
    args = parser.parse_args()
    taxonomy = load_taxonomy()
    frame = records_frame(read_records("training/labelled.jsonl", taxonomy=taxonomy))
    forces = sorted(frame["force"].astype(str).unique())
    results = json.loads(OUT.read_text()) if OUT.exists() else {}
    for share in args.fractions:
        if str(share) in results:
            continue
        parts = Parallel(n_jobs=args.jobs)(delayed(fold)(frame, f, share, taxonomy, 0) for f in forces)
        pred = pd.concat(parts).sort_index()
        m = score(frame, pred, taxonomy, n_boot=200)
        results[str(share)] = {
            "finding_f1": m["finding"]["f1"]["value"],
            "polarity_macro_f1": m["polarity_macro_f1"]["value"],
            "polarity": {p: m["polarity"][p]["value"] for p in ("positive", "negative", "mixed", "neutral")},
            "core_macro_f1": m["core_macro_f1"]["value"],
        }
        OUT.write_text(json.dumps(results, indent=1) + "\n")
        print(f"{share:.0%} of the other forces done", flush=True)
    print("| share of training forces | finding F1 | polarity macro-F1 (pos / neg / mixed / neutral) | core-theme macro-F1 |")
    print("|---|---|---|---|")
    for share in sorted(results, key=float):
        r = results[share]
        pol = " / ".join(f"{r['polarity'][p]:.3f}" for p in ("positive", "negative", "mixed", "neutral"))
        print(f"| {float(share):.0%} | {r['finding_f1']:.3f} | {r['polarity_macro_f1']:.3f} ({pol}) | "
              f"{r['core_macro_f1']:.3f} |")


if __name__ == "__main__":
    main()
