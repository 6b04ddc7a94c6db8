"""Split the seed reports and the corpus excerpts into sentences to label.

Run once from the repository root, with the shared folder beside it:

    python training/scripts/prepare_unlabelled.py ../shared

Writes training/unlabelled/<part>.jsonl: one object per sentence in the LABELLING.md
record format without labels, plus `section`, `section_kind` and `unit` as context
for the labeller. Exact repeats of a sentence within one force (the corpus holds
pages published at two addresses) are kept once.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from peel_findings.pipeline import build_report, read_report
from peel_findings.read.text import parse_text

OUT = Path("training/unlabelled")


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def records_of(report, force: str, year: str, seen: set[tuple[str, str]]) -> list[dict]:
    rows = []
    for s in report.sentences:
        key = (force, s.text)
        if key in seen:
            continue
        seen.add(key)
        rows.append(
            {
                "id": s.sentence_id,
                "text": s.text,
                "report": report.report_id,
                "force": force,
                "year": year,
                "section": s.section,
                "section_kind": s.section_kind,
                "unit": s.unit,
            }
        )
    return rows


def write(name: str, rows: list[dict]) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with open(OUT / f"{name}.jsonl", "w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{name}: {len(rows)} sentences")


def main(shared: Path) -> None:
    seen: set[tuple[str, str]] = set()
    for stem in ("avon-and-somerset", "gloucestershire"):
        report = read_report(Path("samples") / f"peel-effectiveness-2015-{stem}.txt")
        write(f"seed-{stem}", records_of(report, report.force or "", report.year or "", seen))
    rows = []
    lines = (shared / "corpus" / "excerpts.jsonl").read_text(encoding="utf-8").splitlines()
    for n, line in enumerate(lines, start=1):
        page = json.loads(line)
        doc = parse_text(page["text"], path=page["url"])
        report_id = f"corpus-{n:02d}-{slug(page['force'])[:30]}-{slug(page['year'])}"
        report = build_report(doc, report_id=report_id)
        rows.extend(records_of(report, page["force"], page["year"], seen))
    write("corpus", rows)


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "../shared"))
