"""Scoring the reader against the document families' ground truth (tests/fixtures/families/out/*.truth.json).

For one document: how many truth sentences come out as a sentence verbatim (whitespace-normalised),
how many sentences hold page furniture, and how many headings and list items are glued into prose.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from peel_findings import read_report
from peel_findings.types import Report

FAMILIES = Path(__file__).parent / "fixtures" / "families" / "out"


def _norm(text: str) -> str:
    return " ".join(str(text).replace("\u00ad", "").split())


@dataclass(frozen=True)
class Score:
    file: str
    family: str
    sentences: int
    recovered: int
    furniture_in_sentences: int
    headings_glued: int
    items_glued: int
    footnotes: int
    footnotes_found: int
    missing: tuple[str, ...]
    furniture_hits: tuple[str, ...]

    @property
    def recall(self) -> float:
        return self.recovered / max(self.sentences, 1)


def truths(family: str | None = None) -> list[dict]:
    found = []
    for path in sorted(FAMILIES.glob("*.truth.json")):
        truth = json.loads(path.read_text(encoding="utf-8"))
        if family is None or truth["family"] == family:
            found.append(truth)
    return found


def furniture_in(text: str, furniture: list[str]) -> str | None:
    """The furniture string a sentence holds: short strings only as the whole sentence, long ones anywhere."""
    norm = _norm(text)
    for item in furniture:
        item = _norm(item)
        if not item:
            continue
        if len(item) < 12 or re.fullmatch(r"[\d/ ]+", item):
            if norm == item:
                return item
        elif item in norm:
            return item
    return None


def score(truth: dict, report: Report | None = None) -> Score:
    report = report or read_report(FAMILIES / truth["file"])
    out = [_norm(s.text) for s in report.sentences]
    have = set(out)
    missing = tuple(s for s in truth["sentences"] if _norm(s) not in have)
    hits = tuple(h for s in out if (h := furniture_in(s, truth["furniture"])))
    prose = [s.text for s in report.sentences if s.unit in ("sentence", "bullet", "caption")]

    units = {_norm(s.text) for s in report.sentences}

    def glued(items: list[str]) -> int:
        """Items that are not a unit of their own but stand inside a longer unit of prose."""
        return sum(1 for item in items if _norm(item) not in units
                   and any(_norm(item) in _norm(p) and _norm(item) != _norm(p) for p in prose))

    notes = {(_norm(f.number), _norm(f.text)) for f in report.footnotes}
    found = sum((_norm(f["number"]), _norm(f["text"])) in notes for f in truth["footnotes"])
    return Score(truth["file"], truth["family"], len(truth["sentences"]), len(truth["sentences"]) - len(missing),
                 len(hits), glued(truth["headings"]), glued(truth["list_items"]), len(truth["footnotes"]), found,
                 missing, hits)
