"""Turn a labelling pass written compactly (TSV) into LABELLING.md records, checking every line.

    python training/scripts/expand_pass.py training/raw/pass1/corpus2-a.tsv

The TSV has one line per sentence of training/unlabelled/<part>.jsonl, in the same order:

    id <TAB> finding (1 or 0) <TAB> polarity (positive|negative|mixed|neutral, or - ) <TAB> themes (comma-separated ids, or - )

Writes <part>.jsonl beside the TSV (id, text, report, force, year, is_finding, polarity, themes).
Exits with a list of problems, and writes nothing, if any line is wrong or missing.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

POLARITIES = {"positive", "negative", "mixed", "neutral"}
THEMES = {t["id"] for t in json.loads(Path("training/taxonomy.json").read_text(encoding="utf-8"))["themes"]}
FIELDS = ("id", "text", "report", "force", "year")


def main(tsv: Path) -> None:
    sentences = [json.loads(line) for line in (Path("training/unlabelled") / f"{tsv.stem}.jsonl").open(encoding="utf-8")]
    lines = [line.rstrip("\n") for line in tsv.open(encoding="utf-8") if line.strip()]
    problems, records = [], []
    if len(lines) != len(sentences):
        problems.append(f"{len(lines)} lines for {len(sentences)} sentences")
    for n, (line, sentence) in enumerate(zip(lines, sentences), start=1):
        cells = line.split("\t")
        if len(cells) != 4:
            problems.append(f"line {n}: expected 4 tab-separated cells, got {len(cells)}: {line!r}")
            continue
        ident, finding, polarity, themes = (c.strip() for c in cells)
        if ident != sentence["id"]:
            problems.append(f"line {n}: id {ident!r}, expected {sentence['id']!r} (same order as the unlabelled file)")
        if finding not in ("0", "1"):
            problems.append(f"line {n}: finding must be 1 or 0, got {finding!r}")
        is_finding = finding == "1"
        theme_list = [] if themes in ("", "-") else [t.strip() for t in themes.split(",") if t.strip()]
        if is_finding and polarity not in POLARITIES:
            problems.append(f"line {n}: a finding needs a polarity ({', '.join(sorted(POLARITIES))}), got {polarity!r}")
        if not is_finding and (polarity not in ("", "-") or theme_list):
            problems.append(f"line {n}: not a finding, so polarity and themes must be '-'")
        for theme in theme_list:
            if theme not in THEMES:
                problems.append(f"line {n}: unknown theme {theme!r}")
        record = {k: sentence[k] for k in FIELDS}
        record.update(is_finding=is_finding, polarity=polarity if is_finding else None, themes=sorted(set(theme_list)))
        records.append(record)
    if problems:
        raise SystemExit(f"{tsv}: {len(problems)} problem(s):\n" + "\n".join(problems[:100]))
    out = tsv.with_suffix(".jsonl")
    out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    print(f"{out}: {len(records)} records, {sum(r['is_finding'] for r in records)} findings")


if __name__ == "__main__":
    for arg in sys.argv[1:]:
        main(Path(arg))
