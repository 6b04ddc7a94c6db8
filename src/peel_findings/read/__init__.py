"""Format readers: one module per format, each returning a `Document`."""

from __future__ import annotations

from pathlib import Path

from ..errors import EmptyFileError, InvalidArgumentError, NotFoundError, ReadError, UnsupportedFormatError
from ..types import Document
from . import chrome

SUPPORTED_SUFFIXES = (".pdf", ".txt", ".html", ".htm")
# The engines that can read a PDF's words: PDFium (pypdfium2) or pdfplumber (pdfminer.six).
PDF_ENGINES = ("pdfium", "pdfplumber")
# pdfium by default: the same sentences as pdfplumber on every family measured (>= 99.65%), at a third of
# the CPU (benchmarks/bench_engines.py); pdfplumber stays the reference engine.
DEFAULT_PDF_ENGINE = "pdfium"
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


def read_document(path: str | Path, max_pages: int | None = None, engine: str = DEFAULT_PDF_ENGINE) -> Document:
    """Read a report file with the reader its extension names; ``engine`` (one of `PDF_ENGINES`) reads
    a PDF's words."""
    if engine not in PDF_ENGINES:
        raise InvalidArgumentError(f"unknown PDF engine {engine!r}; choose one of: {', '.join(PDF_ENGINES)}.")
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
        return chrome.apply(_read_pdf(path, max_pages, engine))
    if suffix in (".html", ".htm"):
        from .html import read_html

        return read_html(path)
    from .text import read_text

    return chrome.apply(read_text(path))


def _read_pdf(path: Path, max_pages: int | None, engine: str) -> Document:
    if engine == "pdfium":
        from .pdfium import read_pdf_pdfium

        return read_pdf_pdfium(path, max_pages=max_pages)
    from .pdf import read_pdf

    return read_pdf(path, max_pages=max_pages)
