"""Read plain-text reports (.txt), such as text extracted from a published PDF.

Paragraphs are separated by blank lines. Within a paragraph, lines are joined
unless a line is a list item, a table row (tab-separated) or a footnote body.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import EmptyFileError
from ..types import Block, Document, Footnote, Table
from . import units
from .encoding import decode


def read_text(path: str | Path) -> Document:
    """Read a .txt report into blocks, footnotes and tables."""
    path = Path(path)
    data = path.read_bytes()
    if not data.strip():
        raise EmptyFileError(f"{path}: the file is empty. Check that the export worked and try again.")
    decoded = decode(data, str(path))
    if not decoded.text.strip(" \t\r\n\ufeff\x00"):
        raise EmptyFileError(f"{path}: the file holds no text. Check that the export worked and try again.")
    doc = parse_text(decoded.text.replace("\x00", ""), path=str(path))
    if decoded.replaced:
        from dataclasses import replace

        doc = replace(doc, warnings=(f"{path}: {decoded.replaced} byte(s) are not valid UTF-8 and were replaced "
                                     "with \ufffd; the rest of the file was read as UTF-8. Re-save the file as UTF-8 "
                                     "to keep every character.",))
    return doc


def parse_text(text: str, path: str = "<text>") -> Document:
    """Split report text into blocks. Used for .txt files and for text already in memory."""
    blocks: list[Block] = []
    footnotes: list[Footnote] = []
    tables: list[Table] = []
    table_rows: list[tuple[str, ...]] = []
    in_contents = False

    def flush_table() -> None:
        if table_rows:
            tables.append(Table(rows=tuple(table_rows)))
            table_rows.clear()

    for paragraph in _paragraphs(text):
        for kind, line in _lines_of(paragraph):
            if kind != "table":
                flush_table()
            if kind == "table":
                if in_contents or units.is_contents_line(line):
                    blocks.append(Block(units.normalise_space(line.split("\t")[0]), "contents"))
                else:
                    table_rows.append(tuple(units.normalise_space(c) for c in line.split("\t")))
                continue
            if kind == "footnote":
                number, body = units.footnote_body(line) or ("", line)
                footnotes.append(Footnote(number=number, text=units.normalise_space(body)))
                continue
            clean, _markers = units.remove_markers(line)
            clean = units.normalise_space(units.strip_emphasis(clean))
            if not clean:
                continue
            if units.is_number_only(clean):
                tables.append(Table(rows=((clean,),)))
            elif kind == "bullet":
                blocks.append(Block(units.strip_bullet(clean) or clean, "bullet"))
            elif units.is_caption(clean):
                blocks.append(Block(clean, "caption"))
            elif kind == "line" and units.looks_like_heading(clean):
                blocks.append(Block(clean, "heading"))
                in_contents = clean.lower() == "contents"
                continue
            else:
                blocks.append(Block(clean, "paragraph"))
            in_contents = False
    flush_table()
    if not blocks:
        raise EmptyFileError(f"{path}: no text found. Check that the file holds the report's text.")
    return Document(
        path=path,
        format="text",
        pages=0,
        blocks=tuple(units.merge_continuations(blocks)),
        footnotes=tuple(footnotes),
        tables=tuple(tables),
    )


def _paragraphs(text: str) -> list[list[str]]:
    """Groups of consecutive non-blank lines."""
    groups: list[list[str]] = [[]]
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if line.strip():
            groups[-1].append(line.rstrip())
        elif groups[-1]:
            groups.append([])
    return [g for g in groups if g]


def _lines_of(paragraph: list[str]) -> list[tuple[str, str]]:
    """(kind, text) units of one paragraph: kinds are table, footnote, bullet, line, paragraph.

    Wrapped lines of one paragraph are joined; a single-line unit keeps kind "line"
    so that it may be read as a heading.
    """
    out: list[tuple[str, str]] = []
    current: list[str] = []

    def flush() -> None:
        if current:
            out.append(("line" if len(current) == 1 else "paragraph", _join(current)))
            current.clear()

    for line in paragraph:
        if "\t" in line.strip("\t ") or units.is_contents_line(line):
            flush()
            out.append(("table", line))
        elif units.footnote_body(line):
            flush()
            out.append(("footnote", line))
        elif units.strip_bullet(line) is not None:
            flush()
            out.append(("bullet", line))
        elif out and out[-1][0] == "bullet" and not current and line.startswith((" ", "\t")):
            kind, text = out.pop()
            out.append((kind, text + " " + line.strip()))
        else:
            if current and not _continues(current[-1], line):
                flush()
            current.append(line)
    flush()
    return out


def _continues(previous: str, line: str) -> bool:
    """Whether ``line`` is a hard-wrapped continuation of ``previous`` (not a new unit)."""
    previous = previous.rstrip()
    if line.strip()[:1].islower():
        return True
    if re.search(r"\D\s?\d{1,3}$", previous):
        return False  # a contents entry ending in its page number
    return len(previous) >= 50 and previous[-1:] not in ".?!:"


def _join(lines: list[str]) -> str:
    """Join wrapped lines with spaces; a line-end hyphen is kept as written (no vocabulary to judge by)."""
    text = lines[0].strip()
    for line in lines[1:]:
        text = units.join_fragments(text, line.strip(), vocabulary=None)
    return text
