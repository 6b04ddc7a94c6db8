"""How much does the report's structure add to the bare-sentence classifier? (batch path rules)

    python training/scripts/evaluate_structure.py

Leave-one-force-out predictions on all labelled sentences; on the seed-report sentences (whose
section kind and unit are known from training/unlabelled/seed-*.jsonl), scores with and without
`findings.apply_structure` (areas for improvement, causes of concern and recommendations are
negative findings; a lone grade is a finding with the grade's polarity).
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

from peel_findings.decide import apply_structure
from peel_findings.taxonomy import load_taxonomy
from peel_findings.learn.evaluate import cross_validate, score as _score
from peel_findings.learn.train import records_frame


def main() -> None:
    warnings.simplefilter("ignore", UserWarning)
    taxonomy = load_taxonomy()
    records = records_frame([json.loads(line) for line in Path("training/labelled.jsonl").read_text().splitlines()])
    context = {}
    for path in Path("training/unlabelled").glob("seed-*.jsonl"):
        for line in path.read_text().splitlines():
            row = json.loads(line)
            context[row["id"]] = (row["section_kind"], row["unit"])
    pred = cross_validate(records, taxonomy=taxonomy, n_boot=10)["predictions"]
    seeds = records["id"].isin(context)
    gold, bare = records[seeds], pred[seeds.to_numpy()].copy()
    bare["section_kind"] = [context[i][0] for i in gold["id"]]
    bare["unit"] = [context[i][1] for i in gold["id"]]
    with_structure = apply_structure(bare)
    with_structure["polarity_any"] = with_structure["polarity"].where(with_structure["is_finding"], bare["polarity_any"])
    print(f"{int(seeds.sum())} seed-report sentences, leave-one-force-out predictions")
    print("| measure | sentence alone | with structure |\n|---|---|---|")
    a, b = _score(gold, bare, taxonomy, 1000), _score(gold, with_structure, taxonomy, 1000)
    for name, get in (("finding F1", lambda s: s["finding"]["f1"]), ("polarity macro-F1", lambda s: s["polarity_macro_f1"]),
                      ("polarity F1: negative", lambda s: s["polarity"]["negative"])):
        x, y = get(a), get(b)
        print(f"| {name} | {x['value']:.3f} [{x['low']:.3f}, {x['high']:.3f}] | {y['value']:.3f} [{y['low']:.3f}, {y['high']:.3f}] |")


if __name__ == "__main__":
    main()
