"""The two PDF engines, pdfium and pdfplumber, read the same PDFs into the same sentences, tables and errors."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from conftest import SAMPLES, SEEDS
from peel_findings import read_report
from peel_findings.errors import (
    CorruptPdfError,
    EmptyFileError,
    EncryptedPdfError,
    InvalidArgumentError,
    NoTextLayerError,
    NotAPdfError,
    PeelError,
    TooLargeError,
)
from peel_findings.read import PDF_ENGINES, read_document

reportlab = pytest.importorskip("reportlab")

import badfiles  # noqa: E402

FAMILIES = Path(__file__).parent / "fixtures" / "families" / "out"


def _sentences(path: Path, engine: str) -> list[str]:
    return [" ".join(s.text.split()) for s in read_report(path, engine=engine).sentences]


@pytest.mark.parametrize("name", sorted(p.name for p in FAMILIES.glob("*.pdf")))
def test_read_engines_same_sentences_on_the_family_pdfs(name):
    path = FAMILIES / name
    assert _sentences(path, "pdfium") == _sentences(path, "pdfplumber")


@pytest.mark.parametrize("seed", SEEDS)
def test_read_engines_same_sentences_on_the_seed_pdfs(seed):
    """pdfminer cannot map the WinAnsi bullet at code 127 (it writes "(cid:127)"), where PDFium reads it
    as the bullet it is; so a list of three bullets that pdfplumber runs into prose is a list for
    pdfium. That is the only difference allowed: the same words, at most broken at other places."""
    path = SAMPLES / f"{seed}.pdf"
    if not path.exists():
        pytest.skip(f"fixture PDFs not generated: run python tests/fixtures/make_pdfs.py ({seed})")
    plumber, pdfium = _sentences(path, "pdfplumber"), _sentences(path, "pdfium")
    same = sum((Counter(plumber) & Counter(pdfium)).values())
    only_plumber = list((Counter(plumber) - Counter(pdfium)).elements())
    only_pdfium = list((Counter(pdfium) - Counter(plumber)).elements())
    assert same >= 0.995 * max(len(plumber), len(pdfium)), (only_plumber, only_pdfium)
    assert " ".join(only_plumber).split() == " ".join(only_pdfium).split()


def test_read_engines_same_sentence_on_a_one_line_pdf(tmp_path):
    path = badfiles.text_pdf(tmp_path / "good.pdf")
    assert _sentences(path, "pdfium") == _sentences(path, "pdfplumber") == ["The force is good at preventing crime."]


def _bad_pdfs(tmp: Path) -> dict[str, tuple[Path, type[PeelError]]]:
    empty = tmp / "empty.pdf"
    empty.write_bytes(b"")
    return {
        "truncated": (badfiles.truncated_pdf(tmp / "truncated.pdf"), CorruptPdfError),
        "not_a_pdf": (badfiles.not_a_pdf(tmp / "page.pdf"), NotAPdfError),
        "png_renamed": (badfiles.png_named_pdf(tmp / "picture.pdf"), NotAPdfError),
        "empty_pdf": (empty, EmptyFileError),
        "encrypted": (badfiles.encrypted_pdf(tmp / "locked.pdf"), EncryptedPdfError),
        "image_only": (badfiles.image_only_pdf(tmp / "scan.pdf"), NoTextLayerError),
    }


@pytest.mark.parametrize("case", ["truncated", "not_a_pdf", "png_renamed", "empty_pdf", "encrypted", "image_only"])
def test_read_engines_raise_the_same_error_with_the_same_message(tmp_path, case):
    path, expected = _bad_pdfs(tmp_path)[case]
    raised = {}
    for engine in PDF_ENGINES:
        with pytest.raises(expected) as info:
            read_report(path, engine=engine)
        raised[engine] = (type(info.value), info.value.kind, str(info.value))
    assert raised["pdfium"] == raised["pdfplumber"]
    assert str(path) in raised["pdfium"][2]


def test_read_engines_same_page_limit_error(tmp_path):
    path = SAMPLES / f"{SEEDS[0]}.pdf"
    messages = set()
    for engine in PDF_ENGINES:
        with pytest.raises(TooLargeError) as info:
            read_document(path, max_pages=3, engine=engine)
        messages.add(str(info.value))
    assert len(messages) == 1 and "over the limit of 3" in messages.pop()


def test_read_engines_unknown_engine_is_refused_with_the_choices(tmp_path):
    path = badfiles.text_pdf(tmp_path / "good.pdf")
    with pytest.raises(InvalidArgumentError, match="pdfium, pdfplumber") as info:
        read_report(path, engine="mupdf")
    assert isinstance(info.value, ValueError) and "'mupdf'" in str(info.value)
    with pytest.raises(InvalidArgumentError):
        read_document(path, engine="PDFium")


def _ruled_table_pdf(path: Path) -> Path:
    """A page of prose with a 3 x 3 grid drawn with lines below it."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    c.setFont("Helvetica", 11)
    c.drawString(72, 760, "The force is good at keeping people safe and reducing crime.")
    xs, ys = [72, 200, 330, 460], [700, 680, 660, 640]
    for x in xs:
        c.line(x, ys[0], x, ys[-1])
    for y in ys:
        c.line(xs[0], y, xs[-1], y)
    rows = [["Question", "Grade", "Change"], ["Crime", "Good", "Up"], ["Safety", "Requires improvement", "Down"]]
    for r, row in enumerate(rows):
        for k, text in enumerate(row):
            c.drawString(xs[k] + 4, ys[r] - 14, text)
    c.showPage()
    c.save()
    return path


def test_read_engines_both_find_a_ruled_table(tmp_path):
    path = _ruled_table_pdf(tmp_path / "table.pdf")
    expected = (("Question", "Grade", "Change"), ("Crime", "Good", "Up"), ("Safety", "Requires improvement", "Down"))
    for engine in PDF_ENGINES:
        doc = read_document(path, engine=engine)
        assert [t.rows for t in doc.tables] == [expected], engine
        assert [b.text for b in doc.blocks] == ["The force is good at keeping people safe and reducing crime."], engine


def test_read_engines_same_ruled_tables_in_a_word_processor_pdf():
    path = FAMILIES / "lo-101-nottinghamshire-police.pdf"
    tables = {engine: read_document(path, engine=engine).tables for engine in PDF_ENGINES}
    assert any(len(t.rows) > 1 and len(t.rows[0]) > 1 for t in tables["pdfplumber"])  # a ruled grid is there
    assert tables["pdfium"] == tables["pdfplumber"]


def test_read_engines_pdfium_text_object_addresses_match_the_ctypes_cast():
    # the character loop asks PDFium for each character's text object through a prototype returning an
    # int; it must give the address the library's own binding gives, for every character of a page
    import ctypes

    import pypdfium2
    import pypdfium2.raw as raw

    from peel_findings.read.pdfium import _object_address

    address = _object_address(raw)
    pdf = pypdfium2.PdfDocument(str(FAMILIES / "lo-101-nottinghamshire-police.pdf"))
    try:
        page = pdf[0]
        textpage = raw.FPDFText_LoadPage(page.raw)
        try:
            count = raw.FPDFText_CountChars(textpage)
            fast = [address(textpage, i) for i in range(count)]
            bound = [ctypes.cast(raw.FPDFText_GetTextObject(textpage, i), ctypes.c_void_p).value for i in range(count)]
        finally:
            raw.FPDFText_ClosePage(textpage)
        page.close()
    finally:
        pdf.close()
    assert count > 100 and fast == bound and len(set(fast) - {None}) > 1
