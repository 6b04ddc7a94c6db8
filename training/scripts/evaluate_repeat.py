"""Precision and recall of the repeat-concern flag against the labelled candidates.

    python training/scripts/evaluate_repeat.py

Gold labels: training/repeat/gold.tsv (round 1: `dev` and `test` halves by force) and
training/repeat/round2-gold.tsv (round 2, `test2`), each made by two independent passes and an
adjudication. The flag (`peel_findings.decide.repeat_concern_flags`, with the sentence before and
the section) is gated, as in the findings table, on the sentence being a negative or mixed finding
(gold polarity from training/labelled.jsonl). The rule was developed on round 1's dev half, then on
all of round 1 after its test half had been seen; round 2 was labelled afterwards and measured once.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from peel_findings.decide import repeat_concern_flags

ROOT = Path("training/repeat")


def load(candidates: str, gold: str) -> pd.DataFrame:
    frame = pd.DataFrame([json.loads(line) for line in (ROOT / candidates).open(encoding="utf-8")])
    labels = dict(line.rstrip("\n").split("\t")[:2] for line in (ROOT / gold).open(encoding="utf-8"))
    frame["gold"] = frame["id"].map(lambda i: labels[i] == "1")
    return frame


def main() -> None:
    records = {r["id"]: r for r in map(json.loads, Path("training/labelled.jsonl").open(encoding="utf-8"))}
    frame = pd.concat([load("candidates.jsonl", "gold.tsv"), load("candidates-2.jsonl", "round2-gold.tsv")])
    polarity = frame["id"].map(lambda i: records[i]["polarity"])
    frame["flag"] = repeat_concern_flags(frame["text"], frame["before"], frame["section"]).to_numpy() & \
        polarity.isin(["negative", "mixed"]).to_numpy()
    print("| sentences | n | repeat concerns (gold) | flagged | precision | recall |")
    print("|---|---|---|---|---|---|")
    for label, splits in (("round 1, dev half", ["dev"]), ("round 1, test half", ["test"]), ("round 1, all", ["dev", "test"]),
                          ("round 2 (held out)", ["test2"])):
        part = frame[frame["split"].isin(splits)]
        tp = int((part["flag"] & part["gold"]).sum())
        precision = tp / max(int(part["flag"].sum()), 1)
        recall = tp / max(int(part["gold"].sum()), 1)
        print(f"| {label} | {len(part)} | {int(part['gold'].sum())} | {int(part['flag'].sum())} | {precision:.2f} | {recall:.2f} |")


if __name__ == "__main__":
    main()
