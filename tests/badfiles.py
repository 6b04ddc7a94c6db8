"""Bad inputs made at test time: truncated, not a PDF, empty, encrypted, image-only PDFs."""

from __future__ import annotations

import io
from pathlib import Path


def text_pdf(path: Path, text: str = "The force is good at preventing crime.") -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    c.drawString(72, 700, text)
    c.showPage()
    c.save()
    return path


def image_only_pdf(path: Path) -> Path:
    from PIL import Image
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    Image.new("RGB", (200, 100), (200, 30, 30)).save(buffer, format="PNG")
    buffer.seek(0)
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    c.drawImage(ImageReader(buffer), 72, 600, width=200, height=100)
    c.showPage()
    c.save()
    return path


def encrypted_pdf(path: Path) -> Path:
    from pypdf import PdfReader, PdfWriter

    plain = text_pdf(path.with_name(path.stem + "-plain.tmp"))
    writer = PdfWriter()
    for page in PdfReader(plain).pages:
        writer.add_page(page)
    writer.encrypt(user_password="secret", owner_password="owner")
    with open(path, "wb") as handle:
        writer.write(handle)
    plain.unlink()
    return path


def truncated_pdf(path: Path) -> Path:
    data = text_pdf(path.with_name(path.stem + "-whole.tmp")).read_bytes()
    path.with_name(path.stem + "-whole.tmp").unlink()
    path.write_bytes(data[: len(data) // 2])
    return path


def png_named_pdf(path: Path) -> Path:
    buffer = io.BytesIO()
    from PIL import Image

    Image.new("RGB", (20, 20), (0, 0, 0)).save(buffer, format="PNG")
    path.write_bytes(buffer.getvalue())
    return path


def not_a_pdf(path: Path) -> Path:
    path.write_text("<html><body>404 Not Found</body></html>")
    return path
