"""Format readers: one module per format, each returning a `Document`."""

from __future__ import annotations

from pathlib import Path

from ..errors import EmptyFileError, NotFoundError, ReadError, UnsupportedFormatError
from ..types import Document
from . import chrome

SUPPORTED_SUFFIXES = (".pdf", ".txt", ".html", ".htm")
# Documents a report folder may hold that peel-findings does not read, with how to convert each.
OTHER_DOCUMENTS = {
    ".docx": "open it in a word processor and export it as PDF (or save it as plain text)",
    ".doc": "open it in a word processor and export it as PDF (or save it as plain text)",
    ".odt": "open it in LibreOffice and export it as PDF (or save it as plain text)",
    ".rtf": "open it in a word processor and export it as PDF (or save it as plain text)",
    ".xlsx": "it is a spreadsheet, not a report; export the report itself as PDF",
    ".xls": "it is a spreadsheet, not a report; export the report itself as PDF",
    ".pptx": "export the slides as PDF",
    ".epub": "convert it to PDF or HTML",
    ".mht": "open it in a browser and save it as a web page (.html) or print it to PDF",
    ".mhtml": "open it in a browser and save it as a web page (.html) or print it to PDF",
}


def read_document(path: str | Path, max_pages: int | None = None) -> Document:
    """Read a report file with the reader its extension names."""
    path = Path(path)
    if not path.exists():
        raise NotFoundError(f"{path}: no such file or folder. Check the path.")
    if path.is_dir():
        raise ReadError(f"{path}: is a folder; pass the report files in it, or use `peel run`.")
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        advice = OTHER_DOCUMENTS.get(suffix, "convert the report to PDF, HTML or text")
        raise UnsupportedFormatError(
            f"{path}: unsupported file type {suffix or '(none)'!r}; peel-findings reads "
            f"{', '.join(SUPPORTED_SUFFIXES)}: {advice}."
        )
    if path.stat().st_size == 0:
        raise EmptyFileError(f"{path}: the file is empty (0 bytes). Download or export it again.")
    if suffix == ".pdf":
        from .pdf import read_pdf

        return chrome.apply(read_pdf(path, max_pages=max_pages))
    if suffix in (".html", ".htm"):
        from .html import read_html

        return read_html(path)
    from .text import read_text

    return chrome.apply(read_text(path))
