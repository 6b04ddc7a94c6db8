"""The layout rules one at a time, on hand-placed words: columns by region, justified lines, dashes in
prose, word-processor footnotes, small markers after punctuation."""

from __future__ import annotations

from peel_findings.read.layout import PageWords, Word, assemble
from peel_findings.read.layout.columns import columns
from peel_findings.read.layout.lines import cluster_lines

SIZE = 10.0


def _line(text: str, x0: float, bottom: float, size: float = SIZE, gap: float = 3.0, bold: bool = False) -> list[Word]:
    """Words of one line, left to right from ``x0``, 5 points per character."""
    words, x = [], x0
    for token in text.split():
        width = 5.0 * len(token)
        words.append(Word(token, x, x + width, bottom - size, bottom, size, bold))
        x += width + gap
    return words


def _column(lines: list[str], x0: float, top: float, pitch: float = 14.0) -> list[Word]:
    return [w for n, text in enumerate(lines) for w in _line(text, x0, top + n * pitch)]


def test_read_layouts_a_two_column_section_mid_page_is_read_column_by_column():
    above = _column(["Full width text runs across the whole page from the left margin to the right margin of it",
                     "to margin before the columns start."], 50, 100)
    left = _column([f"left column line {n} here" for n in range(6)], 50, 150)
    right = _column([f"right column line {n} here" for n in range(6)], 320, 150)
    below = _column(["Full width text again after the section, right across the page from margin to margin",
                     "the page to the other margin."], 50, 250)
    regions = columns(above + left + right + below, 595)
    texts = [" ".join(w.text for w in sorted(r, key=lambda w: (w.bottom, w.x0))) for r in regions]
    assert len(regions) == 4
    assert texts[0].startswith("Full width text runs") and "left column line 0" in texts[1]
    assert "right column line 5" in texts[2] and "left" not in texts[2] and texts[3].startswith("Full width text again")


def test_read_layouts_three_columns_after_a_short_line():
    short = _line("Short last line.", 50, 120)
    cols = [_column([f"col{c} line {n} words" for n in range(5)], x, 140) for c, x in enumerate((50, 230, 410))]
    regions = columns(short + [w for col in cols for w in col], 595)
    names = [{w.text for w in r if w.text.startswith("col")} for r in regions]
    assert [n for n in names if n] == [{"col0"}, {"col1"}, {"col2"}]
    assert any("Short" in {w.text for w in r} for r in regions)


def test_read_layouts_a_heading_after_the_section_is_not_in_its_first_column():
    left = _column([f"left line {n} text" for n in range(6)], 50, 150)
    right = _column([f"right line {n} text" for n in range(4)], 320, 150)
    heading = _line("Next section", 50, 260, size=13, bold=True)
    regions = columns(left + right + heading, 595)
    assert {w.text for w in regions[-1]} == {"Next", "section"}


def test_read_layouts_justified_spaces_are_not_table_cells_but_cell_gaps_are():
    justified = cluster_lines(_line("and tackling anti-social", 390, 100, size=12, gap=24), 1, 12)[0]
    assert len(justified.cells()) == 1
    row = cluster_lines(_line("Prevention and ASB", 50, 100) + _line("17", 200, 100) + _line("13", 300, 100), 1, 10)[0]
    assert row.cells() == ["Prevention and ASB", "17", "13"]


def _page(words: list[Word], number: int = 1) -> PageWords:
    return PageWords(number=number, width=595, height=842, words=tuple(words))


def test_read_layouts_a_dash_opening_a_line_of_prose_is_not_a_list_item():
    words = _line("Cheshire borders two major metropolitan areas", 50, 100) + _line(
        "– Manchester and Liverpool – and the airports.", 50, 114)
    doc = assemble("x.pdf", [_page(words)])
    assert [b.kind for b in doc.blocks] == ["paragraph"]
    assert doc.blocks[0].text == "Cheshire borders two major metropolitan areas – Manchester and Liverpool – and the airports."


def test_read_layouts_word_processor_footnotes_lose_their_glued_number_and_small_markers_leave_the_prose():
    body = _line("The force records crime well.", 50, 100)
    marker = Word("1", body[-1].x1 + 0.5, body[-1].x1 + 4, 92, 100, 6.5, False)  # small, after the full stop
    prose = _line("It is good at investigating crime and works with partners.", 50, 114)
    notes = [Word("1This", 50, 75, 770, 778, 8, False), *(_line("is drawn from force data.", 78, 778, size=8))]
    doc = assemble("x.pdf", [_page([*body, marker, *prose, *notes])])
    assert "The force records crime well." in doc.blocks[0].text and "1" not in doc.blocks[0].text
    assert [(f.number, f.text) for f in doc.footnotes] == [("1", "This is drawn from force data.")]
