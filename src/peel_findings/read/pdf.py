"""Read PDF reports. The only module that imports pdfplumber.

pdfplumber gives positioned words with their font size and font name; `layout`
turns those into clean blocks. Each page is closed as soon as its words are
taken, so memory does not grow with the page count.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import ReadError
from ..types import Document
from . import layout
from .pdfbase import check_page_count, check_signature, corrupt_error, encrypted_error, finish, is_bold


def read_pdf(path: str | Path, max_pages: int | None = None) -> Document:
    """Read a PDF into a `Document`; raise a `ReadError` subclass saying what is wrong."""
    path = Path(path)
    check_signature(path)
    import pdfplumber

    _quiet_pdfminer()
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    pages: list[layout.PageWords] = []
    try:
        with pdfplumber.open(path) as pdf:
            check_page_count(path, len(pdf.pages), max_pages)
            title = (pdf.metadata or {}).get("Title")
            for number, page in enumerate(pdf.pages, start=1):
                pages.append(_page_words(page, number))
                page.close()
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise encrypted_error(path) from exc
    except ReadError:
        raise
    except Exception as exc:  # pdfminer raises many unrelated types on damaged files
        cause = _unwrap(exc)
        if isinstance(cause, (PDFPasswordIncorrect, PDFEncryptionError)) or "password" in str(cause).lower():
            raise encrypted_error(path) from exc
        raise corrupt_error(path, cause) from exc
    return finish(path, pages, title)


def _unwrap(exc: BaseException) -> BaseException:
    """pdfplumber wraps pdfminer's exception in its own; the inner one says what went wrong."""
    if exc.args and isinstance(exc.args[0], BaseException):
        return exc.args[0]
    return exc.__cause__ or exc


def _page_words(page: object, number: int) -> layout.PageWords:
    raw = page.extract_words(extra_attrs=["size", "fontname"])  # type: ignore[attr-defined]
    words = tuple(
        layout.Word(
            text=w["text"],
            x0=float(w["x0"]),
            x1=float(w["x1"]),
            top=float(w["top"]),
            bottom=float(w["bottom"]),
            size=round(float(w["size"]), 2),
            bold=is_bold(str(w["fontname"])),
        )
        for w in raw
        if w["text"].strip()
    )
    return layout.PageWords(
        number=number,
        width=float(page.width),  # type: ignore[attr-defined]
        height=float(page.height),  # type: ignore[attr-defined]
        words=words,
        tables=_ruled_tables(page),
    )


def _ruled_tables(page: object) -> tuple[layout.RuledTable, ...]:
    """Grids drawn with lines: two or more columns of short cells. A ruled box holding paragraphs
    (a cell over 200 characters) is prose in a frame, and stays prose."""
    if not page.edges:  # type: ignore[attr-defined]
        return ()
    found = []
    for table in page.find_tables():  # type: ignore[attr-defined]
        rows = table.extract()
        if not rows or max(len(r) for r in rows) < 2:
            continue
        if any(len(cell or "") > 200 for row in rows for cell in row):
            continue
        cells = tuple(tuple(" ".join((c or "").split()) for c in row) for row in rows)
        found.append(layout.RuledTable(bbox=tuple(float(v) for v in table.bbox), rows=cells))  # type: ignore[arg-type]
    return tuple(found)


def _quiet_pdfminer() -> None:
    """pdfminer logs a warning for every odd font or object in real PDFs ("Could not get FontBBox");
    they say nothing a user can act on, and a damaged file still ends in its error row."""
    import logging

    logging.getLogger("pdfminer").setLevel(logging.ERROR)
