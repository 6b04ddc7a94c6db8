"""Format readers: one module per format, each returning a `Document`."""

from __future__ import annotations

from pathlib import Path

from ..errors import EmptyFileError, NotFoundError, ReadError, UnsupportedFormatError
from ..types import Document

SUPPORTED_SUFFIXES = (".pdf", ".txt")


def read_document(path: str | Path, max_pages: int | None = None) -> Document:
    """Read a report file with the reader its extension names."""
    path = Path(path)
    if not path.exists():
        raise NotFoundError(f"{path}: no such file or folder. Check the path.")
    if path.is_dir():
        raise ReadError(f"{path}: is a folder; pass the report files in it, or use `peel run`.")
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise UnsupportedFormatError(
            f"{path}: unsupported file type {suffix or '(none)'!r}; "
            f"peel-findings reads {', '.join(SUPPORTED_SUFFIXES)}. Convert the report to PDF or text."
        )
    if path.stat().st_size == 0:
        raise EmptyFileError(f"{path}: the file is empty (0 bytes). Download or export it again.")
    if suffix == ".pdf":
        from .pdf import read_pdf

        return read_pdf(path, max_pages=max_pages)
    from .text import read_text

    return read_text(path)
