"""Read PDF reports. The only module that imports pdfplumber.

pdfplumber gives positioned words with their font size and font name; `layout`
turns those into clean blocks. Each page is closed as soon as its words are
taken, so memory does not grow with the page count.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import CorruptPdfError, EncryptedPdfError, NotAPdfError, NoTextLayerError, TooLargeError
from ..types import Document
from . import layout

_BOLD_MARKERS = ("bold", "black", "heavy", "semibold", "demi")


def read_pdf(path: str | Path, max_pages: int | None = None) -> Document:
    """Read a PDF into a `Document`; raise a `ReadError` subclass saying what is wrong."""
    path = Path(path)
    _check_signature(path)
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    pages: list[layout.PageWords] = []
    try:
        with pdfplumber.open(path) as pdf:
            count = len(pdf.pages)
            if count == 0:
                raise CorruptPdfError(f"{path}: the PDF has no pages; it is probably truncated. Download it again.")
            if max_pages is not None and count > max_pages:
                raise TooLargeError(
                    f"{path}: {count} pages is over the limit of {max_pages}; raise the limit to read it."
                )
            title = (pdf.metadata or {}).get("Title")
            for number, page in enumerate(pdf.pages, start=1):
                pages.append(_page_words(page, number))
                page.close()
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise EncryptedPdfError(
            f"{path}: the PDF is password-protected; save an unprotected copy and read that."
        ) from exc
    except (CorruptPdfError, TooLargeError):
        raise
    except Exception as exc:  # pdfminer raises many unrelated types on damaged files
        cause = _unwrap(exc)
        if isinstance(cause, (PDFPasswordIncorrect, PDFEncryptionError)) or "password" in str(cause).lower():
            raise EncryptedPdfError(
                f"{path}: the PDF is password-protected; save an unprotected copy and read that."
            ) from exc
        raise CorruptPdfError(
            f"{path}: the PDF is damaged or truncated ({type(cause).__name__}: {cause}). "
            "Download it again or re-save it with a PDF tool."
        ) from exc
    if not any(p.words for p in pages):
        raise NoTextLayerError(
            f"{path}: no text layer on any of its {len(pages)} pages (a scanned or image-only PDF). "
            "Run OCR on it first (e.g. ocrmypdf) and read the result."
        )
    title = title.decode("utf-8", "replace") if isinstance(title, bytes) else title
    return layout.assemble(str(path), pages, title=str(title) if title else None)


def _unwrap(exc: BaseException) -> BaseException:
    """pdfplumber wraps pdfminer's exception in its own; the inner one says what went wrong."""
    if exc.args and isinstance(exc.args[0], BaseException):
        return exc.args[0]
    return exc.__cause__ or exc


def _check_signature(path: Path) -> None:
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
            bold=any(m in str(w["fontname"]).lower() for m in _BOLD_MARKERS),
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

