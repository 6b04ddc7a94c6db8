"""Score sentence units against a gold file: boundary F1 and verbatim recovery.

Gold units are located, in order, in the whitespace-normalised stream of the
predicted sentences; a boundary is the end offset of a unit in that stream.
Only the stretch the gold covers is scored.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

GOLD_DIR = Path(__file__).parent / "gold"


def norm(text: str) -> str:
    """Whitespace-normalised, without the source text's markup: markdown emphasis asterisks and
    footnote markers written as ``^{4 5 6}`` (the PDF renders these as italics and superscripts)."""
    text = re.sub(r"\^\{[\d\s,]+\}", "", text).replace("*", "")
    text = re.sub(r"\s+([,.;:!?)])", r"\1", text)  # whitespace before punctuation
    return re.sub(r"\s+", " ", text).strip()


def load_gold(report: str, join_page_breaks: bool = False) -> list[str]:
    """Gold units of a seed report; optionally with the reviewed page-break pairs joined."""
    path = GOLD_DIR / f"{report}.sentences.jsonl"
    units = [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    if join_page_breaks:
        pairs = json.loads((GOLD_DIR / "page_break_joins.json").read_text(encoding="utf-8"))[report]
        joined: list[str] = []
        for unit in units:
            if joined and [joined[-1], unit] in pairs:
                joined[-1] = joined[-1] + " " + unit
            else:
                joined.append(unit)
        units = joined
    return [norm(u) for u in units]


@dataclass(frozen=True)
class Score:
    precision: float
    recall: float
    f1: float
    verbatim: float  # share of gold units found as a predicted sentence, character for character
    located: int  # gold units found in the predicted text at all
    gold: int
    missing_verbatim: tuple[str, ...]


def score(predicted: list[str], gold: list[str]) -> Score:
    predicted = [norm(p) for p in predicted if norm(p)]
    stream = " ".join(predicted)
    pred_ends, offset = set(), 0
    for sentence in predicted:
        offset += len(sentence)
        pred_ends.add(offset)
        offset += 1
    gold_ends: set[int] = set()
    cursor, first, last, located = 0, None, 0, 0
    for unit in gold:
        at = stream.find(unit, cursor)
        if at < 0 or (first is not None and at - cursor > 2000):
            continue  # not found near where it should be: its boundary counts as missed
        located += 1
        first = at if first is None else first
        cursor = at + len(unit)
        gold_ends.add(cursor)
        last = cursor
    in_region = {e for e in pred_ends if first is not None and first < e <= last}
    tp = len(in_region & gold_ends)
    precision = tp / len(in_region) if in_region else 0.0
    recall = tp / len(gold)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    available = Counter(predicted)
    missing = []
    for unit in gold:
        if available[unit] > 0:
            available[unit] -= 1
        else:
            missing.append(unit)
    return Score(precision, recall, f1, 1 - len(missing) / len(gold), located, len(gold), tuple(missing))
