"""Build the settled label set from the two raw passes, the adjudication and the re-checks.

    python training/scripts/settle.py

For each part: where pass 1 and pass 2 agree, their label; where they differ, the
adjudicated label (training/adjudication/<part>.jsonl). Then the re-check of the
connective rule (training/recheck/connectives-verdicts.jsonl) changes a settled polarity
where it found one that breaks the rule. Writes training/labelled.jsonl in the LABELLING.md
record format, in document order, with each sentence's section heading path and kind, and its unit (sentence, bullet, heading), from
training/unlabelled/ as context. The raw passes are never edited.
"""

from __future__ import annotations

import json
from pathlib import Path

RAW = Path("training/raw")
FIELDS = ("id", "text", "report", "force", "year", "is_finding", "polarity", "themes")
CONTEXT = ("section", "section_kind", "unit")


def load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def labels(record: dict) -> tuple:
    return record["is_finding"], record["polarity"], tuple(sorted(record["themes"]))


def main() -> None:
    settled, counts = [], {}
    verdicts = Path("training/recheck/connectives-verdicts.jsonl")
    changes = {v["id"]: v["polarity_after"] for v in load(verdicts) if v["changed"]} if verdicts.exists() else {}
    for first_path in sorted((RAW / "pass1").glob("*.jsonl")):
        name = first_path.stem
        first, second = load(first_path), load(RAW / "pass2" / first_path.name)
        context = {r["id"]: r for r in load(Path("training/unlabelled") / f"{name}.jsonl")}
        decided_path = Path("training/adjudication") / f"{name}.jsonl"
        decided = {r["id"]: r for r in load(decided_path)} if decided_path.exists() else {}
        agreed = adjudicated = 0
        for a, b in zip(first, second, strict=True):
            assert a["id"] == b["id"], (a["id"], b["id"])
            record = {k: a[k] for k in FIELDS}
            if labels(a) != labels(b):
                if a["id"] not in decided:
                    raise SystemExit(f"{name}: {a['id']} differs between passes and has no adjudication")
                chosen = decided[a["id"]]
                record.update(is_finding=chosen["is_finding"], polarity=chosen["polarity"], themes=chosen["themes"])
                adjudicated += 1
            else:
                agreed += 1
            if record["id"] in changes:
                record["polarity"] = changes[record["id"]]
            record["themes"] = sorted(record["themes"])
            record.update({k: context[record["id"]][k] for k in CONTEXT})
            settled.append(record)
        counts[name] = {"agreed": agreed, "adjudicated": adjudicated}
    with open("training/labelled.jsonl", "w", encoding="utf-8") as handle:
        for record in settled:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    print(json.dumps(counts, indent=1), len(settled), f"{len(changes)} changed by the connective re-check")


if __name__ == "__main__":
    main()
