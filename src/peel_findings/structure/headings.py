"""Headings: their level (from the contents list, the layout or the question pattern) and section kinds."""

from __future__ import annotations

import re

from ..types import Block, SectionKind

_KIND_RULES: tuple[tuple[re.Pattern[str], SectionKind], ...] = (
    (re.compile(r"^areas? for improvement\b", re.I), "area_for_improvement"),
    (re.compile(r"^causes? of concern\b", re.I), "cause_of_concern"),
    (re.compile(r"^recommendations?\b", re.I), "recommendation"),
    (re.compile(r"^(overview|summary|summary of findings|overall (judgment|summary)|key findings)\b", re.I),
     "summary"),
    (re.compile(r"^(contents|introduction|force in numbers|annex|appendix|methodology|about (this|the)|"
                r"glossary|definitions|our (judgments|approach))\b", re.I), "other"),
)
TOP_LEVEL_RE = re.compile(
    r"^(overview|introduction|force in numbers|contents|annex|appendix|"
    r"how (effective|efficient|legitimate) is the force\b)",
    re.I,
)


def explicit_kind(heading: str) -> SectionKind | None:
    """The section kind a heading names ("Areas for improvement" -> area_for_improvement), if any."""
    for pattern, kind in _KIND_RULES:
        if pattern.match(heading.strip()):
            return kind
    return None


def level(block: Block, contents: dict[str, int]) -> int:
    """A heading's level: 1 for a question or top-level part, else from the contents list or the layout."""
    key = _key(block.text)
    if TOP_LEVEL_RE.match(block.text):
        return 1
    if key in contents:
        return contents[key]
    if block.heading_level is not None:
        return max(2, block.heading_level)
    return 3


def _key(text: str) -> str:
    """Heading text without page numbers, dot leaders and case, to match contents entries."""
    text = re.sub(r"(?:[\s.…]+|(?<=[^\d\s.…]))[.…]*\d{1,3}\s*$", "", text.strip())
    return re.sub(r"\W+", " ", text).strip().lower()


def contents(blocks: tuple[Block, ...]) -> tuple[dict[str, int], set[int]]:
    """Table-of-contents entries (key -> level) and the block indexes that belong to it."""
    start = next(
        (i for i, b in enumerate(blocks[:80]) if b.text.strip().lower() in {"contents", "table of contents"}),
        None,
    )
    skip = {i for i, b in enumerate(blocks) if b.kind == "contents"}
    if start is None:
        return {}, skip
    entries: dict[str, int] = {}
    skip.add(start)
    first_key: str | None = None
    for i in range(start + 1, len(blocks)):
        block = blocks[i]
        key = _key(block.text)
        if first_key is not None and key == first_key and block.kind != "contents":
            break  # the document proper begins with the first contents entry again
        if block.kind == "paragraph" and len(block.text) > 200:
            break  # prose: the contents list has ended
        if first_key is None:
            first_key = key
        if not key:
            continue
        entries.setdefault(key, 1 if TOP_LEVEL_RE.match(block.text) else 2)
        skip.add(i)
        if len(entries) > 120:
            break
    return entries, skip
