"""One report file to a structured, segmented `Report`: read, structure, segment."""

from __future__ import annotations

import re
from pathlib import Path

from ._files import sha256_file
from .read import DEFAULT_PDF_ENGINE, read_document
from .segment import split_sentences
from .structure import Structure, structure
from .types import Document, Report, Sentence, UnitKind

_UNIT_OF_BLOCK: dict[str, UnitKind] = {
    "heading": "heading",
    "bullet": "bullet",
    "caption": "caption",
    "paragraph": "sentence",
}
BLOCK_SEPARATOR = "\n\n"


def report_id_for(path: str | Path) -> str:
    """A stable, readable report id: the file name without extension, as a slug (letters of any script
    kept: ``报告.txt`` is ``报告``). Two files of one run with the same slug are told apart by the batch."""
    stem = Path(path).stem.lower()
    return re.sub(r"[\W_]+", "-", stem).strip("-") or "report"


def read_report(path: str | Path, max_pages: int | None = None, engine: str = DEFAULT_PDF_ENGINE) -> Report:
    """Read one report (PDF or text) into metadata, sections, grades and sentences.

    Raises a `PeelError` subclass with a message saying what was wrong with the file;
    a PDF of more than ``max_pages`` pages raises `TooLargeError`. ``engine`` names the library
    that reads a PDF's words (one of `read.PDF_ENGINES`).
    """
    doc = read_document(path, max_pages=max_pages, engine=engine)
    return build_report(doc, report_id=report_id_for(path), sha256=sha256_file(path))


def build_report(doc: Document, report_id: str, sha256: str = "") -> Report:
    """Structure and segment a document that a reader has produced."""
    info = structure(doc)
    text, sentences = _segment(doc, info, report_id)
    return Report(
        report_id=report_id,
        path=doc.path,
        sha256=sha256,
        format=doc.format,
        force=info.metadata.force,
        programme=info.metadata.programme,
        year=info.metadata.year,
        published=info.metadata.published,
        pages=doc.pages,
        text=text,
        overall_grade=info.overall_grade,
        grades=info.grades,
        sections=info.sections,
        sentences=tuple(sentences),
        footnotes=doc.footnotes,
        tables=doc.tables,
        period=info.metadata.period,
        pillar=info.metadata.pillar,
        force_source=info.metadata.force_source,
        warnings=doc.warnings,
    )


def _segment(doc: Document, info: Structure, report_id: str) -> tuple[str, list[Sentence]]:
    """The cleaned text (blocks joined by blank lines) and its sentences with offsets."""
    kept = [i for i, b in enumerate(doc.blocks) if i not in info.skip and b.kind in _UNIT_OF_BLOCK]
    paragraphs = [doc.blocks[i].text for i in kept if doc.blocks[i].kind == "paragraph"]
    para_spans = iter(split_sentences(paragraphs))
    parts: list[str] = []
    sentences: list[Sentence] = []
    offset = 0
    for i in kept:
        block = doc.blocks[i]
        spans = next(para_spans) if block.kind == "paragraph" else [(0, len(block.text))]
        section_index = info.block_section[i]
        section = info.sections[section_index] if section_index >= 0 else None
        for start, end in spans:
            index = len(sentences)
            sentences.append(
                Sentence(
                    sentence_id=f"{report_id}-{index:04d}",
                    report_id=report_id,
                    index=index,
                    text=block.text[start:end],
                    start=offset + start,
                    end=offset + end,
                    page=block.page,
                    section_path=section.path if section else (),
                    section_kind=section.kind if section else "other",
                    unit=_UNIT_OF_BLOCK[block.kind],
                )
            )
        parts.append(block.text)
        offset += len(block.text) + len(BLOCK_SEPARATOR)
    return BLOCK_SEPARATOR.join(parts), sentences
