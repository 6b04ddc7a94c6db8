"""A corpus of 44 forces and national pages, built from the committed inspectorate pages, with the truth.

Each page becomes a text file headed by its title (as a page saved from the site is). For the 32
forces the pages do not cover, pages of a covered force are copied with the force's names replaced.
The truth: the force (official name, or ``national``), and the year: the PEEL cycle's start year
where the page's address or title names a cycle, else the year the page gives (publication or
inspection).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from peel_findings.structure.metadata import FORCES, canonical_force

PAGES = Path(__file__).parent / "fixtures" / "corpus" / "pages.jsonl"


@dataclass(frozen=True)
class Truth:
    path: Path
    force: str
    year: int | None


def _cycle(page: dict) -> int | None:
    match = re.search(r"peel-(20\d\d)", page["url"]) or re.search(r"\bPEEL\b[^0-9]{0,40}(20\d\d)", page["title"]) \
        or re.search(r"\bPEEL\b[^0-9]{0,40}(20\d\d)", page["report_type"] or "")
    return int(match.group(1)) if match else None


def _year(page: dict) -> int | None:
    cycle = _cycle(page)
    if cycle:
        return cycle
    match = re.match(r"\s*((?:19|20)\d\d)", str(page["year"] or ""))
    return int(match.group(1)) if match else None


def _swap(text: str, old: str, new: str) -> str:
    """Replace a force's official and short names with another force's."""
    pairs = [(old, new)] + list(zip(FORCES[old], FORCES[new]))
    for a, b in sorted(pairs, key=lambda p: -len(p[0])):
        text = re.sub(rf"(?<![\w-]){re.escape(a)}(?![\w-])", b, text)
    return text


def build(folder: Path) -> list[Truth]:
    pages = [json.loads(line) for line in PAGES.read_text(encoding="utf-8").splitlines()]
    covered = sorted({canonical_force(p["force"]) for p in pages} - {"national"})
    others = [f for f in sorted(FORCES) if f not in covered and f != "British Transport Police"]
    truths = []
    folder.mkdir(parents=True, exist_ok=True)
    for n, page in enumerate(pages):
        force = canonical_force(page["force"])
        path = folder / f"page-{n:03d}.txt"
        path.write_text(f"{page['title']}\n\n{page['text']}\n", encoding="utf-8")
        truths.append(Truth(path, force, _year(page)))
    by_force = {f: [p for p in pages if canonical_force(p["force"]) == f] for f in covered}
    for k, other in enumerate(others):
        source = covered[k % len(covered)]
        for m, page in enumerate(by_force[source][:4]):
            path = folder / f"copy-{k:02d}-{m}.txt"
            path.write_text(_swap(f"{page['title']}\n\n{page['text']}\n", source, other), encoding="utf-8")
            truths.append(Truth(path, other, _year(page)))
    return truths
