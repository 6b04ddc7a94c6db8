"""Bad inputs end in a clear `PeelError` subclass, and the CLI says so in one line."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from typer.testing import CliRunner

from peel_findings import PeelError, read_report
from peel_findings.cli import app
from peel_findings.errors import (
    CorruptPdfError,
    EmptyFileError,
    EncryptedPdfError,
    NoTextLayerError,
    NotAPdfError,
    UnsupportedFormatError,
)

reportlab = pytest.importorskip("reportlab")


def _text_pdf(path: Path, text: str = "The force is good at preventing crime.") -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    c.drawString(72, 700, text)
    c.showPage()
    c.save()
    return path


def _image_only_pdf(path: Path) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (200, 100), (200, 30, 30)).save(buffer, format="PNG")
    buffer.seek(0)
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    c.drawImage(ImageReader(buffer), 72, 600, width=200, height=100)
    c.showPage()
    c.save()
    return path


def _encrypted_pdf(path: Path, tmp: Path) -> Path:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(_text_pdf(tmp / "plain.pdf")).pages:
        writer.add_page(page)
    writer.encrypt(user_password="secret", owner_password="owner")
    with open(path, "wb") as handle:
        writer.write(handle)
    return path


def _bad_files(tmp: Path) -> dict[str, tuple[Path, type[PeelError]]]:
    good = _text_pdf(tmp / "good.pdf")
    truncated = tmp / "truncated.pdf"
    truncated.write_bytes(good.read_bytes()[: len(good.read_bytes()) // 2])
    not_pdf = tmp / "page.pdf"
    not_pdf.write_text("<html><body>404 Not Found</body></html>")
    png = tmp / "picture.pdf"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    empty = tmp / "empty.txt"
    empty.write_bytes(b"")
    empty_pdf = tmp / "empty.pdf"
    empty_pdf.write_bytes(b"")
    docx = tmp / "report.docx"
    docx.write_bytes(b"PK\x03\x04")
    return {
        "truncated": (truncated, CorruptPdfError),
        "not_a_pdf": (not_pdf, NotAPdfError),
        "png_renamed": (png, NotAPdfError),
        "empty_text": (empty, EmptyFileError),
        "empty_pdf": (empty_pdf, EmptyFileError),
        "unsupported": (docx, UnsupportedFormatError),
        "encrypted": (_encrypted_pdf(tmp / "locked.pdf", tmp), EncryptedPdfError),
        "image_only": (_image_only_pdf(tmp / "scan.pdf"), NoTextLayerError),
    }


CASES = ["truncated", "not_a_pdf", "png_renamed", "empty_text", "empty_pdf", "unsupported", "encrypted", "image_only"]


@pytest.mark.parametrize("case", CASES)
def test_read_errors_raise_the_right_peel_error(tmp_path, case):
    path, error = _bad_files(tmp_path)[case]
    with pytest.raises(error) as info:
        read_report(path)
    assert str(path) in str(info.value)  # the message names the file


def test_read_errors_kinds_match_the_errors_table():
    assert NoTextLayerError.kind == "no_text_layer"
    assert EncryptedPdfError.kind == "encrypted"
    assert NotAPdfError.kind == "not_a_pdf"
    assert UnsupportedFormatError.kind == "unsupported_format"


@pytest.mark.parametrize("case", CASES)
def test_read_errors_cli_prints_one_line_and_exits_nonzero(tmp_path, case):
    path, _ = _bad_files(tmp_path)[case]
    result = CliRunner().invoke(app, ["extract", str(path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("peel: ")
    assert "Traceback" not in result.output


def test_read_errors_good_pdf_still_reads(tmp_path):
    report = read_report(_text_pdf(tmp_path / "good.pdf"))
    assert [s.text for s in report.sentences] == ["The force is good at preventing crime."]
