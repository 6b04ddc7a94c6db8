from peel_findings.read.text import parse_text
from peel_findings.read.units import normalise_space, remove_markers

REPORT = """PEEL: Police effectiveness 2015

An inspection of Testshire Constabulary

February 2016

Overview – How effective is the force at keeping people safe and reducing crime?

Overall judgment¹

Requires improvement

The constabulary is good at preventing crime.³ It works well with partners.

¹ Outstanding, Good, Requires improvement or Inadequate – see Annex A for definitions.

Rates per 1,000 population\tTestshire\tEngland and Wales
Recorded crime\t61.8\t63.0

Figure 2: Police recorded crime rates

Areas for improvement

- The force should ensure that all crimes are allocated promptly.
- The force should improve supervision.
"""


def test_read_text_keeps_footnotes_apart_and_drops_markers():
    doc = parse_text(REPORT)
    texts = [b.text for b in doc.blocks]
    assert "Overall judgment" in texts
    assert not any("¹" in t or "³" in t for t in texts)
    assert [(f.number, f.text[:11]) for f in doc.footnotes] == [("1", "Outstanding")]
    assert not any("Outstanding, Good, Requires" in t for t in texts)


def test_read_text_keeps_tables_captions_and_bullets_as_units():
    doc = parse_text(REPORT)
    assert doc.tables[0].rows[1] == ("Recorded crime", "61.8", "63.0")
    kinds = {b.text: b.kind for b in doc.blocks}
    assert kinds["Figure 2: Police recorded crime rates"] == "caption"
    assert kinds["The force should improve supervision."] == "bullet"
    assert kinds["Areas for improvement"] == "heading"
    assert not any("61.8" in b.text for b in doc.blocks)


def test_read_text_rejoins_a_paragraph_cut_by_a_page_break():
    doc = parse_text("Heading one\n\nOfficers we\n\n¹ A footnote.\n\nspoke to were positive.\n")
    assert [b.text for b in doc.blocks if b.kind == "paragraph"] == ["Officers we spoke to were positive."]


def test_read_text_joins_hard_wrapped_lines():
    text = "The constabulary has a clear policy for allocating crime to investigators\nwith the right skills and experience, and staff understand it.\n"
    doc = parse_text(text)
    assert [b.text for b in doc.blocks] == [
        "The constabulary has a clear policy for allocating crime to investigators with the right skills "
        "and experience, and staff understand it."
    ]


def test_normalise_space_is_idempotent_and_markers_are_reported():
    messy = "  a\u00a0 b\t c  "
    assert normalise_space(messy) == "a b c" == normalise_space(normalise_space(messy))
    assert remove_markers("judgment¹ and report:²³") == ("judgment and report:", ("1", "23"))
