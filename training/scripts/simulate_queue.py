"""Simulation: does the uncertainty queue beat a random queue of the same size?

    python training/scripts/simulate_queue.py [--n 200] [--seeds 3]

On the settled labels: test forces held out for scoring; an initial labelled set; a pool of
other forces whose labels are hidden until queued. A model trained on the initial set queues
--n sentences from the pool (uncertainty, or random with several seeds); the queued labels are
"revealed" from the settled set, the model retrained, and scored on the test forces.
Prints one table row per strategy.
"""

from __future__ import annotations

import argparse
import json
import warnings
from pathlib import Path

import pandas as pd

from peel_findings.learn.active import build_queue
from peel_findings.taxonomy import load_taxonomy
from peel_findings.learn.evaluate import predictions, score as _score
from peel_findings.learn.train import records_frame, train

SPLITS = {
    "A": (["Gloucestershire Constabulary", "Bedfordshire Police", "Lincolnshire Police", "Humberside Police"],
          ["Kent Police", "Essex Police", "Cheshire Constabulary", "Nottinghamshire Police",
           "England and Wales (national, not force-level)"]),
    "B": (["Avon and Somerset Constabulary", "Kent Police", "Surrey Police", "Cleveland Police"],
          ["Bedfordshire Police", "Devon and Cornwall Police", "Cheshire Constabulary", "Nottinghamshire Police",
           "England and Wales (national, not force-level)"]),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--split", choices=sorted(SPLITS), default="A", help="which test/initial forces")
    args = parser.parse_args()
    TEST, INITIAL = SPLITS[args.split]
    warnings.simplefilter("ignore", UserWarning)
    taxonomy = load_taxonomy()
    records = records_frame([json.loads(line) for line in Path("training/labelled.jsonl").read_text().splitlines()])
    test = records[records.force.isin(TEST)]
    initial = records[records.force.isin(INITIAL)]
    pool = records[~records.force.isin(TEST + INITIAL)]
    pool_view = pool.rename(columns={"id": "sentence_id", "report": "report_id"})[["sentence_id", "report_id", "force", "year", "text"]]
    base = train(initial)

    def score(model) -> dict:
        s = _score(test, predictions(model, test.text.tolist()), taxonomy, n_boot=200)
        return {"finding F1": s["finding"]["f1"]["value"], "polarity macro-F1": s["polarity_macro_f1"]["value"],
                "core macro-F1": s["core_macro_f1"]["value"], "frequent-theme macro-F1": s["frequent_macro_f1"]["value"]}

    rows = [{"strategy": f"initial only ({len(initial)} labelled)", **score(base)}]
    runs = [("margin", 0), ("least_confidence", 0)] + [("mixed", seed) for seed in range(args.seeds)] + \
        [("random", seed) for seed in range(args.seeds)]
    for strategy, seed in runs:
        queued = build_queue(pool_view, args.n, model=base, strategy=strategy, seed=seed)
        revealed = pool[pool.id.isin(queued.id)]
        model = train(pd.concat([initial, revealed]))
        rows.append({"strategy": f"{strategy} (seed {seed})" if strategy in ("random", "mixed") else strategy,
                     **score(model)})
    table = pd.DataFrame(rows)
    for name in ("mixed", "random"):
        mean = table[table.strategy.str.startswith(name)].mean(numeric_only=True)
        table = pd.concat([table, pd.DataFrame([{"strategy": f"{name} (mean of {args.seeds})", **mean}])])
    print(f"split {args.split}: pool: {len(pool)} sentences from {pool.force.nunique()} forces; queue size {args.n}; "
          f"test: {len(test)} sentences from {len(TEST)} forces")
    columns = list(table.columns)
    print("| " + " | ".join(columns) + " |\n|" + "---|" * len(columns))
    for row in table.round(3).itertuples(index=False):
        print("| " + " | ".join(str(v) for v in row) + " |")


if __name__ == "__main__":
    main()
