"""What does the report's structure add to the sentence classifier, and what did the old rule cost?

    python training/scripts/evaluate_structure.py [--jobs 2]

Leave-one-force-out predictions on every labelled sentence (seeds and corpus; each with its section
kind and unit from training/labelled.jsonl), then three ways to use the structure:

- none: the classifier alone;
- every sentence: the first rule, which made every sentence and list item under an "Areas for
  improvement", "Causes of concern" or "Recommendations" heading a negative finding;
- list items and asks: the rule now in `decide.structure_evidence`, which does that only for list
  items and for sentences that ask something of the force ("should", "must", "needs to").

All three also make a grade standing alone a finding with the grade's polarity. Scores on all
sentences and on the sentences under such headings.
"""

from __future__ import annotations

import argparse
import warnings

import numpy as np
import pandas as pd

from peel_findings.decide import ASK_RE, NEGATIVE_SECTIONS, structure_evidence
from peel_findings.learn.evaluate import lofo_predictions, score
from peel_findings.learn.interchange import read_records
from peel_findings.learn.train import records_frame
from peel_findings.taxonomy import load_taxonomy


def apply(pred: pd.DataFrame, records: pd.DataFrame, rule: str) -> pd.DataFrame:
    out = pred.copy()
    if rule == "none":
        return out
    under = records["section_kind"].isin(NEGATIVE_SECTIONS).to_numpy()
    unit = records["unit"].to_numpy()
    if rule == "every sentence":
        forced = under & np.isin(unit, ["sentence", "bullet"])
    else:
        forced, _ = structure_evidence(records)
    _, grade = structure_evidence(records)
    grade = grade.to_numpy()
    out.loc[forced, "is_finding"] = True
    out.loc[forced, "polarity"] = "negative"
    has_grade = pd.notna(grade)
    out.loc[has_grade, "is_finding"] = True
    out.loc[has_grade, "polarity"] = grade[has_grade]
    out["polarity_any"] = out["polarity"].where(out["is_finding"], out["polarity_any"])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    warnings.simplefilter("ignore", UserWarning)
    taxonomy = load_taxonomy()
    records = records_frame(read_records("training/labelled.jsonl", taxonomy=taxonomy))
    records = records.assign(section_kind=records["section_kind"].fillna(""), unit=records["unit"].fillna("sentence"))
    pred = lofo_predictions(records, records, taxonomy, n_jobs=args.jobs)
    under = records["section_kind"].isin(NEGATIVE_SECTIONS)
    asks = records["text"].str.contains(ASK_RE)
    print(f"{len(records)} labelled sentences; {int(under.sum())} under such headings "
          f"({int((under & (records['unit'] == 'bullet')).sum())} list items, {int((under & asks).sum())} asks)")
    print("| rule | sentences | finding F1 | polarity macro-F1 | polarity F1: negative |\n|---|---|---|---|---|")
    for rule in ("none", "every sentence", "list items and asks"):
        scored = apply(pred, records, rule)
        for name, mask in (("all", np.ones(len(records), bool)), ("under such headings", under.to_numpy())):
            s = score(records[mask], scored[mask], taxonomy, 200)
            cells = [s["finding"]["f1"], s["polarity_macro_f1"], s["polarity"]["negative"]]
            print(f"| {rule} | {name} | " + " | ".join("n/a" if c["value"] is None else
                                                      f"{c['value']:.3f} [{c['low']:.3f}, {c['high']:.3f}]"
                                                      for c in cells) + " |")


if __name__ == "__main__":
    main()
