"""Split the second corpus file (excerpts-2.jsonl) into sentences to label.

Run once from the repository root, with the shared folder beside it:

    python training/scripts/prepare_unlabelled_2.py ../shared

Writes training/unlabelled/corpus2-{a,b,c,d}.jsonl: one object per sentence in the LABELLING.md
record format without labels, plus context for the labeller (`section`, `section_kind`, `unit`,
the page's `title` and `report_type`). Pages are kept whole and dealt into four parts of about
the same size. A sentence already in training/labelled.jsonl for the same force, or met earlier
for the same force (pages published at two addresses), is kept once.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from peel_findings.pipeline import build_report
from peel_findings.read.text import parse_text

OUT = Path("training/unlabelled")
PARTS = "abcd"


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def main(shared: Path) -> None:
    seen = {(r["force"], r["text"]) for r in map(json.loads, Path("training/labelled.jsonl").open(encoding="utf-8"))}
    pages = []
    lines = (shared / "corpus" / "excerpts-2.jsonl").read_text(encoding="utf-8").splitlines()
    for n, line in enumerate(lines, start=1):
        page = json.loads(line)
        year = "" if page["year"] is None else str(page["year"])
        report_id = f"corpus2-{n:03d}-{slug(page['force'])[:30]}-{year or 'undated'}"
        report = build_report(parse_text(page["text"], path=page["url"]), report_id=report_id)
        rows = []
        for s in report.sentences:
            if (page["force"], s.text) in seen:
                continue
            seen.add((page["force"], s.text))
            rows.append({"id": s.sentence_id, "text": s.text, "report": report_id, "force": page["force"],
                         "year": year, "section": s.section, "section_kind": s.section_kind, "unit": s.unit,
                         "title": page["title"], "report_type": page["report_type"]})
        pages.append(rows)
    total = sum(map(len, pages))
    part, written, out = 0, 0, {p: [] for p in PARTS}
    for rows in pages:
        if written >= (part + 1) * total / len(PARTS) and part < len(PARTS) - 1:
            part += 1
        out[PARTS[part]].extend(rows)
        written += len(rows)
    OUT.mkdir(parents=True, exist_ok=True)
    for name, rows in out.items():
        with open(OUT / f"corpus2-{name}.jsonl", "w", encoding="utf-8") as handle:
            for row in rows:
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
        print(f"corpus2-{name}: {len(rows)} sentences, {len({r['report'] for r in rows})} pages")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "../shared"))
