"""List the settled findings that open with a connective pointing back to the previous sentence.

    python training/scripts/connective_candidates.py

LABELLING.md section 2 gained a rule: an opening connective ("However, ...", "But ...",
"Despite this, ...") does not make a sentence `mixed`. This writes every settled finding of the
first labelling round that opens with one (training/recheck/connectives.jsonl), with its label
and the sentence before it, for a re-check by the guide.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

CONNECTIVE = re.compile(
    r"^\W*(however|but|despite (this|that|these|the)|nevertheless|nonetheless|yet|even so|that said|"
    r"on the other hand|in contrast|conversely|notwithstanding this)\b",
    re.IGNORECASE,
)


def main() -> None:
    records = [json.loads(line) for line in Path("training/labelled.jsonl").open(encoding="utf-8")]
    out = []
    for previous, record in zip([None, *records], records):
        if record["is_finding"] and CONNECTIVE.match(record["text"]):
            before = previous["text"] if previous and previous["report"] == record["report"] else None
            out.append({**record, "previous_text": before})
    target = Path("training/recheck/connectives.jsonl")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in out), encoding="utf-8")
    print(f"{target}: {len(out)} findings open with a connective")


if __name__ == "__main__":
    main()
