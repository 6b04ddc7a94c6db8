"""Bad inputs end in a clear `PeelError` subclass, and the CLI says so in one line."""

from __future__ import annotations

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

import badfiles  # noqa: E402


def _bad_files(tmp: Path) -> dict[str, tuple[Path, type[PeelError]]]:
    truncated = badfiles.truncated_pdf(tmp / "truncated.pdf")
    not_pdf = badfiles.not_a_pdf(tmp / "page.pdf")
    png = badfiles.png_named_pdf(tmp / "picture.pdf")
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
        "encrypted": (badfiles.encrypted_pdf(tmp / "locked.pdf"), EncryptedPdfError),
        "image_only": (badfiles.image_only_pdf(tmp / "scan.pdf"), NoTextLayerError),
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
    report = read_report(badfiles.text_pdf(tmp_path / "good.pdf"))
    assert [s.text for s in report.sentences] == ["The force is good at preventing crime."]
