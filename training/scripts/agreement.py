"""Agreement between the two independent labelling passes, and the list of disagreements.

    python training/scripts/agreement.py

Reads training/raw/pass1/*.jsonl and training/raw/pass2/*.jsonl (same ids, same order),
writes training/agreement.json and training/disagreements/<part>.jsonl (records where the
passes differ in is_finding, polarity or themes, with both labels, for adjudication).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

RAW = Path("training/raw")
THEMES = [t["id"] for t in json.loads(Path("training/taxonomy.json").read_text())["themes"]]


def load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def kappa(a: list, b: list) -> float:
    n = len(a)
    observed = sum(x == y for x, y in zip(a, b)) / n
    ca, cb = Counter(a), Counter(b)
    expected = sum(ca[k] * cb[k] for k in set(ca) | set(cb)) / (n * n)
    return (observed - expected) / (1 - expected) if expected < 1 else 1.0


def f1(a: list[bool], b: list[bool]) -> float | None:
    tp = sum(x and y for x, y in zip(a, b))
    denominator = sum(a) + sum(b)
    return 2 * tp / denominator if denominator else None


def figures(first: list[dict], second: list[dict]) -> dict:
    """Agreement between two passes over the same records."""
    both = [(x, y) for x, y in zip(first, second) if x["is_finding"] and y["is_finding"]]
    report = {
        "n_sentences": len(first),
        "finding": {
            "kappa": round(kappa([r["is_finding"] for r in first], [r["is_finding"] for r in second]), 4),
            "agreement": round(sum(x["is_finding"] == y["is_finding"] for x, y in zip(first, second)) / len(first), 4),
        },
        "polarity_on_common_findings": {
            "n": len(both),
            "kappa": round(kappa([x["polarity"] for x, _ in both], [y["polarity"] for _, y in both]), 4),
        },
        "polarity_with_not_finding_as_a_category": {
            "kappa": round(kappa([r["polarity"] or "none" for r in first], [r["polarity"] or "none" for r in second]), 4),
        },
        "themes_f1": {},
    }
    for theme in THEMES:
        a = [theme in r["themes"] for r in first]
        b = [theme in r["themes"] for r in second]
        value = f1(a, b)
        report["themes_f1"][theme] = {"f1": None if value is None else round(value, 4),
                                      "pass1": sum(a), "pass2": sum(b)}
    return report


def main() -> None:
    first, second, parts = [], [], {}
    for path in sorted((RAW / "pass1").glob("*.jsonl")):
        other = RAW / "pass2" / path.name
        if not other.exists():
            print(f"skipping {path.name}: no second pass yet")
            continue
        a, b = load(path), load(other)
        if [r["id"] for r in a] != [r["id"] for r in b]:
            raise SystemExit(f"{path.name}: the two passes do not cover the same ids in the same order")
        first += a
        second += b
        parts[path.stem] = (a, b)
    report = figures(first, second)
    rounds = {"round 1 (seeds and excerpts.jsonl)": [n for n in parts if not n.startswith("corpus2-")],
              "round 2 (excerpts-2.jsonl)": [n for n in parts if n.startswith("corpus2-")]}
    report["rounds"] = {
        label: figures([r for n in names for r in parts[n][0]], [r for n in names for r in parts[n][1]])
        for label, names in rounds.items() if names
    }
    out_dir = Path("training/disagreements")
    out_dir.mkdir(exist_ok=True)
    total = 0
    for name, (a, b) in parts.items():
        rows = []
        for x, y in zip(a, b):
            if (x["is_finding"], x["polarity"], sorted(x["themes"])) != (y["is_finding"], y["polarity"], sorted(y["themes"])):
                rows.append({"id": x["id"], "text": x["text"], "report": x["report"], "force": x["force"],
                             "pass1": {k: x[k] for k in ("is_finding", "polarity", "themes")},
                             "pass2": {k: y[k] for k in ("is_finding", "polarity", "themes")}})
        total += len(rows)
        (out_dir / f"{name}.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    report["n_disagreements"] = total
    Path("training/agreement.json").write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
