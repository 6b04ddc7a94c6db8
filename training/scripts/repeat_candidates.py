"""Candidate sentences for the repeat-concern evaluation (issue: repeat concerns that a researcher can trust).

    python training/scripts/repeat_candidates.py

Writes training/repeat/candidates.jsonl: findings from training/labelled.jsonl that mention an
earlier inspection, persistence or a comparison over time (a broad pattern, wider than any flag
rule), plus a random sample of other findings, each with the sentences before and after it.
Forces are split in two halves (`split`: dev or test): a flag rule may be developed on the dev
half; its precision and recall are reported on the test half.

A second round (training/repeat/candidates-2.jsonl, `split` test2) draws 130 more pattern matches
and 20 other findings, none of them in the first round: once the first round's test half had been
looked at, the rule was developed on all of round 1 and measured on round 2 alone.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

BROAD = re.compile(
    r"previous|previously|last (year|inspection|time)|earlier|again|\bstill\b|remains?\b|continu|"
    r"since (our|the|its|we)|in (our )?(19|20)\d\d|repeat|same as|not yet|has not|have not|had not|"
    r"highlighted|raised|recurr|persist|outstanding|ongoing|identified (in|during|at)|we (found|reported|recommended)",
    re.IGNORECASE,
)


def main() -> None:
    records = [json.loads(line) for line in Path("training/labelled.jsonl").open(encoding="utf-8")]
    forces = sorted({r["force"] for r in records})
    rng = random.Random(20261201)
    dev = set(rng.sample(forces, len(forces) // 2))
    neighbours = {}
    for i, r in enumerate(records):
        before = records[i - 1]["text"] if i and records[i - 1]["report"] == r["report"] else ""
        after = records[i + 1]["text"] if i + 1 < len(records) and records[i + 1]["report"] == r["report"] else ""
        neighbours[r["id"]] = (before, after)
    findings = [r for r in records if r["is_finding"]]
    broad = [r for r in findings if BROAD.search(r["text"])]
    chosen = rng.sample(broad, min(150, len(broad)))
    others = [r for r in findings if not BROAD.search(r["text"])]
    chosen += rng.sample(others, 30)
    chosen.sort(key=lambda r: r["id"])
    out = Path("training/repeat/candidates.jsonl")
    with out.open("w", encoding="utf-8") as handle:
        for r in chosen:
            before, after = neighbours[r["id"]]
            handle.write(json.dumps({"id": r["id"], "text": r["text"], "report": r["report"], "force": r["force"],
                                     "year": r["year"], "section": r.get("section", ""), "before": before,
                                     "after": after, "split": "dev" if r["force"] in dev else "test"},
                                    ensure_ascii=False) + "\n")
    print(f"{out}: {len(chosen)} candidates ({sum(r['force'] in dev for r in chosen)} dev); dev forces: {sorted(dev)}")
    used = {r["id"] for r in chosen}
    rng = random.Random(20261202)
    pool = [r for r in broad if r["id"] not in used]
    rest = [r for r in others if r["id"] not in used]
    second = sorted(rng.sample(pool, min(130, len(pool))) + rng.sample(rest, 20), key=lambda r: r["id"])
    out = Path("training/repeat/candidates-2.jsonl")
    with out.open("w", encoding="utf-8") as handle:
        for r in second:
            before, after = neighbours[r["id"]]
            handle.write(json.dumps({"id": r["id"], "text": r["text"], "report": r["report"], "force": r["force"],
                                     "year": r["year"], "section": r.get("section", ""), "before": before,
                                     "after": after, "split": "test2"}, ensure_ascii=False) + "\n")
    print(f"{out}: {len(second)} candidates")


if __name__ == "__main__":
    main()
