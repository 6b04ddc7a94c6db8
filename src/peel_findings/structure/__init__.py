"""Report structure: metadata, the heading hierarchy, section kinds and grades.

Works on the blocks a reader produced, whatever the format. Grades are taken only
where the report states them in text (a grade line under a question or under
"Summary of findings"/"Overall judgment"); a grade that was an image is missing,
never guessed.

- `metadata`: force, programme, year, publication month;
- `headings`: contents list, heading levels, section kinds;
- `grades`: the grade scales and everything that reads or maps a grade.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..types import Document, Section, SectionKind
from .grades import OVERALL_RE, is_grade_line
from ..read.units import is_number_only
from .headings import TOP_LEVEL_RE, contents, explicit_kind, level
from .metadata import Metadata, metadata


@dataclass(frozen=True)
class Structure:
    """What `structure()` finds: metadata, sections, and the section of every block."""

    metadata: Metadata
    overall_grade: str | None
    grades: dict[str, str]
    sections: tuple[Section, ...]
    block_section: tuple[int, ...]  # index into `sections` per block, -1 before the first heading
    skip: frozenset[int]  # blocks that are not prose (table-of-contents entries)


def structure(doc: Document) -> Structure:
    """Find metadata, headings, section kinds and grades in a document's blocks."""
    blocks = doc.blocks
    contents_levels, skip = contents(blocks)
    about = metadata(blocks, doc.title, dict(doc.dates))

    sections: list[Section] = []
    block_section: list[int] = []
    stack: list[tuple[int, str, SectionKind | None]] = []  # (level, heading, explicit kind)
    grades: dict[str, str] = {}
    overall: str | None = None
    current = -1
    # Headings before the first top-level one are the cover page; a document without
    # top-level headings (a web page, a non-PEEL report) has no cover to skip.
    seen_top = not any(
        b.kind == "heading" and TOP_LEVEL_RE.match(b.text) for i, b in enumerate(blocks) if i not in skip
    )
    for i, block in enumerate(blocks):
        if i in skip:
            block_section.append(current)
            continue
        if block.kind == "heading" and is_grade_line(block.text) and current >= 0:
            grade = block.text.strip().lower()
            heading = sections[current]
            question = _question_of(stack)
            if OVERALL_RE.match(heading.heading) or (question and OVERALL_RE.match(question)):
                overall = overall or grade
            elif question:
                grades.setdefault(question, grade)
            sections[current] = Section(
                heading.heading, heading.path, heading.level, heading.kind, heading.page, grade
            )
            block_section.append(current)
            continue
        if block.kind == "heading" and not is_number_only(block.text):  # chart data, not a heading
            depth = level(block, contents_levels)
            while stack and stack[-1][0] >= depth:
                stack.pop()
            seen_top = seen_top or depth == 1
            explicit = explicit_kind(block.text) if seen_top else "other"  # cover page
            stack.append((depth, block.text, explicit))
            kind = next((k for _, _, k in reversed(stack) if k is not None), "body")
            sections.append(
                Section(block.text, tuple(h for _, h, _ in stack), depth, kind, block.page)
            )
            current = len(sections) - 1
        block_section.append(current)
    for label, grade in doc.grades:  # grades a web page states in widgets, not in its text
        if OVERALL_RE.match(label):
            overall = overall or grade
        else:
            grades.setdefault(label, grade)
    return Structure(
        metadata=about,
        overall_grade=overall,
        grades=grades,
        sections=tuple(sections),
        block_section=tuple(block_section),
        skip=frozenset(skip),
    )


def _question_of(stack: list[tuple[int, str, SectionKind | None]]) -> str | None:
    """The top-level question (or overview) heading the current position sits under."""
    for depth, heading, _ in stack:
        if depth == 1:
            return heading
    return None
