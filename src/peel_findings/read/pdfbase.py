"""What every PDF engine shares: the signature check, the error messages, bold font names, and the last
step from positioned words to a `Document`.

An engine (`pdf` for pdfplumber, `pdfium` for pypdfium2) opens the file and turns each page into
`layout.PageWords`; everything before and after that is here, so both engines fail the same way with
the same words for the same file.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import CorruptPdfError, EncryptedPdfError, NotAPdfError, NoTextLayerError, TooLargeError
from ..types import Document
from . import layout

BOLD_MARKERS = ("bold", "black", "heavy", "semibold", "demi")


def is_bold(fontname: str) -> bool:
    """A font whose name says bold (or black, heavy, semibold, demi)."""
    lowered = fontname.lower()
    return any(marker in lowered for marker in BOLD_MARKERS)


def check_signature(path: Path) -> None:
    """A PDF starts with %PDF- and ends with %%EOF; a file cut short loses the end marker."""
    size = path.stat().st_size
    with open(path, "rb") as handle:
        head = handle.read(1024)
        handle.seek(max(0, size - 2048))
        tail = handle.read()
    if b"%PDF-" not in head:
        raise NotAPdfError(
            f"{path}: named .pdf but its bytes are not a PDF (no %PDF- header). "
            "Check what the file really is (an HTML error page or an image, perhaps)."
        )
    if b"%%EOF" not in tail:
        raise CorruptPdfError(
            f"{path}: the PDF is truncated (no %%EOF end marker); the download or copy was cut short. "
            "Download it again."
        )


def check_page_count(path: Path, count: int, max_pages: int | None) -> None:
    """No pages means a damaged file; more than ``max_pages`` is over the caller's limit."""
    if count == 0:
        raise CorruptPdfError(f"{path}: the PDF has no pages; it is probably truncated. Download it again.")
    if max_pages is not None and count > max_pages:
        raise TooLargeError(f"{path}: {count} pages is over the limit of {max_pages}; raise the limit to read it.")


def encrypted_error(path: Path) -> EncryptedPdfError:
    return EncryptedPdfError(f"{path}: the PDF is password-protected; save an unprotected copy and read that.")


def corrupt_error(path: Path, cause: BaseException) -> CorruptPdfError:
    return CorruptPdfError(
        f"{path}: the PDF is damaged or truncated ({type(cause).__name__}: {cause}). "
        "Download it again or re-save it with a PDF tool."
    )


def finish(path: Path, pages: list[layout.PageWords], title: object) -> Document:
    """The document from every page's words; a PDF without a word on any page has no text layer."""
    if not any(p.words for p in pages):
        raise NoTextLayerError(
            f"{path}: no text layer on any of its {len(pages)} pages (a scanned or image-only PDF). "
            "Run OCR on it first (e.g. ocrmypdf) and read the result."
        )
    title = title.decode("utf-8", "replace") if isinstance(title, bytes) else title
    return layout.assemble(str(path), pages, title=str(title) if title else None)
