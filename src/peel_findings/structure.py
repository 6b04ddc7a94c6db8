"""Report structure: metadata, the heading hierarchy, section kinds and grades.

Works on the blocks a reader produced, whatever the format. Grades are taken only
where the report states them in text (a grade line under a question or under
"Summary of findings"/"Overall judgment"); a grade that was an image is missing,
never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .types import GRADES, Block, Document, Section, SectionKind

GRADE_LINE_RE = re.compile(rf"^({'|'.join(GRADES)})\s*$", re.IGNORECASE)
MONTHS = (
    "January February March April May June July August September October November December".split()
)
PUBLISHED_RE = re.compile(rf"\b({'|'.join(MONTHS)})\s+(19|20)(\d\d)\b")
PROGRAMME_RE = re.compile(
    r"\b(PEEL)\s*[:–—-]?\s*((?:Police\s+)?[A-Za-z ,]*?(?:20\d\d(?:\s*[/–-]\s*\d{2,4})?))", re.IGNORECASE
)
FORCE_RE = re.compile(r"\binspection of (?:the\s+)?([A-Z][\w&'’ -]*?(?:Constabulary|Police|Service))\b")
YEAR_RE = re.compile(r"\b(20\d\d(?:\s*[/–-]\s*(?:20)?\d\d)?)\b")

# The 43 territorial forces of England and Wales, for finding the force when the title lacks it.
FORCES = (
    "Avon and Somerset Constabulary", "Bedfordshire Police", "Cambridgeshire Constabulary",
    "Cheshire Constabulary", "City of London Police", "Cleveland Police", "Cumbria Constabulary",
    "Derbyshire Constabulary", "Devon and Cornwall Police", "Dorset Police", "Durham Constabulary",
    "Dyfed-Powys Police", "Essex Police", "Gloucestershire Constabulary", "Greater Manchester Police",
    "Gwent Police", "Hampshire Constabulary", "Hertfordshire Constabulary", "Humberside Police",
    "Kent Police", "Lancashire Constabulary", "Leicestershire Police", "Lincolnshire Police",
    "Merseyside Police", "Metropolitan Police Service", "Norfolk Constabulary",
    "North Wales Police", "North Yorkshire Police", "Northamptonshire Police", "Northumbria Police",
    "Nottinghamshire Police", "South Wales Police", "South Yorkshire Police",
    "Staffordshire Police", "Suffolk Constabulary", "Surrey Police", "Sussex Police",
    "Thames Valley Police", "Warwickshire Police", "West Mercia Police", "West Midlands Police",
    "West Yorkshire Police", "Wiltshire Police",
)

_KIND_RULES: tuple[tuple[re.Pattern[str], SectionKind], ...] = (
    (re.compile(r"^areas? for improvement\b", re.I), "area_for_improvement"),
    (re.compile(r"^causes? of concern\b", re.I), "cause_of_concern"),
    (re.compile(r"^recommendations?\b", re.I), "recommendation"),
    (re.compile(r"^(overview|summary|summary of findings|overall (judgment|summary)|key findings)\b", re.I),
     "summary"),
    (re.compile(r"^(contents|introduction|force in numbers|annex|appendix|methodology|about (this|the)|"
                r"glossary|definitions|our (judgments|approach))\b", re.I), "other"),
)
_TOP_LEVEL_RE = re.compile(
    r"^(overview|introduction|force in numbers|contents|annex|appendix|"
    r"how (effective|efficient|legitimate) is the force\b)",
    re.I,
)
_OVERALL_RE = re.compile(r"^(overall judgment|overview)\b", re.I)


@dataclass(frozen=True)
class Structure:
    """What `structure()` finds: metadata, sections, and the section of every block."""

    force: str | None
    programme: str | None
    year: str | None
    published: str | None
    overall_grade: str | None
    grades: dict[str, str]
    sections: tuple[Section, ...]
    block_section: tuple[int, ...]  # index into `sections` per block, -1 before the first heading
    skip: frozenset[int]  # blocks that are not prose (table-of-contents entries)


def structure(doc: Document) -> Structure:
    """Find metadata, headings, section kinds and grades in a document's blocks."""
    blocks = doc.blocks
    contents, skip = _contents(blocks)
    force, programme, year, published = _metadata(blocks, doc.title)

    sections: list[Section] = []
    block_section: list[int] = []
    stack: list[tuple[int, str, SectionKind | None]] = []  # (level, heading, explicit kind)
    grades: dict[str, str] = {}
    overall: str | None = None
    current = -1
    # Headings before the first top-level one are the cover page; a document without
    # top-level headings (a web page, a non-PEEL report) has no cover to skip.
    seen_top = not any(
        b.kind == "heading" and _TOP_LEVEL_RE.match(b.text) for i, b in enumerate(blocks) if i not in skip
    )
    for i, block in enumerate(blocks):
        if i in skip:
            block_section.append(current)
            continue
        if block.kind == "heading" and is_grade_line(block.text) and current >= 0:
            grade = block.text.strip().lower()
            heading = sections[current]
            question = _question_of(stack)
            if _OVERALL_RE.match(heading.heading) or (question and _OVERALL_RE.match(question)):
                overall = overall or grade
            elif question:
                grades.setdefault(question, grade)
            sections[current] = Section(
                heading.heading, heading.path, heading.level, heading.kind, heading.page, grade
            )
            block_section.append(current)
            continue
        if block.kind == "heading" and not _is_data_label(block.text):
            level = _level(block, contents)
            while stack and stack[-1][0] >= level:
                stack.pop()
            seen_top = seen_top or level == 1
            explicit = _explicit_kind(block.text) if seen_top else "other"  # cover page
            stack.append((level, block.text, explicit))
            kind = next((k for _, _, k in reversed(stack) if k is not None), "body")
            sections.append(
                Section(block.text, tuple(h for _, h, _ in stack), level, kind, block.page)
            )
            current = len(sections) - 1
        block_section.append(current)
    return Structure(
        force=force,
        programme=programme,
        year=year,
        published=published,
        overall_grade=overall,
        grades=grades,
        sections=tuple(sections),
        block_section=tuple(block_section),
        skip=frozenset(skip),
    )


def is_grade_line(text: str) -> bool:
    """A line that is only a grade: "Good", "Requires improvement", ... (four- and five-tier scales)."""
    return bool(GRADE_LINE_RE.match(text.strip()))


def _explicit_kind(heading: str) -> SectionKind | None:
    for pattern, kind in _KIND_RULES:
        if pattern.match(heading.strip()):
            return kind
    return None


def _question_of(stack: list[tuple[int, str, SectionKind | None]]) -> str | None:
    """The top-level question (or overview) heading the current position sits under."""
    for level, heading, _ in stack:
        if level == 1:
            return heading
    return None


def _level(block: Block, contents: dict[str, int]) -> int:
    key = _key(block.text)
    if _TOP_LEVEL_RE.match(block.text):
        return 1
    if key in contents:
        return contents[key]
    if block.heading_level is not None:
        return max(2, block.heading_level)
    return 3


def _is_data_label(text: str) -> bool:
    """A number or percentage standing alone (chart data), which is not a heading."""
    return bool(re.fullmatch(r"[+\-–]?[\d.,]+%?", text.strip()))


def _key(text: str) -> str:
    """Heading text without page numbers, dot leaders and case, to match contents entries."""
    text = re.sub(r"(?:[\s.…]+|(?<=[^\d\s.…]))[.…]*\d{1,3}\s*$", "", text.strip())
    return re.sub(r"\W+", " ", text).strip().lower()


def _contents(blocks: tuple[Block, ...]) -> tuple[dict[str, int], set[int]]:
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
        entries.setdefault(key, 1 if _TOP_LEVEL_RE.match(block.text) else 2)
        skip.add(i)
        if len(entries) > 120:
            break
    return entries, skip


def _metadata(
    blocks: tuple[Block, ...], title: str | None
) -> tuple[str | None, str | None, str | None, str | None]:
    """Force, programme, inspection year and publication month-year from the first blocks."""
    head = [b.text for b in blocks[:25]]
    if title:
        head.insert(0, title)
    programme = year = published = force = None
    for text in head:
        if programme is None and (m := PROGRAMME_RE.search(text)):
            programme = "PEEL: " + re.sub(r"\s+", " ", m.group(2)).strip()
            if y := YEAR_RE.search(programme):
                year = re.sub(r"\s*[/–-]\s*(?:20)?", "/", y.group(1))
        if published is None and (m := PUBLISHED_RE.search(text)):
            published = f"{m.group(1)} {m.group(2)}{m.group(3)}"
        if force is None and (m := FORCE_RE.search(text)):
            force = m.group(1).strip()
    if force is None:
        joined = " ".join(b.text for b in blocks[:200])
        force = next((f for f in FORCES if f in joined), None)
    return force, programme, year, published
