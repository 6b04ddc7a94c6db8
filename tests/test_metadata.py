"""Report metadata across report families: force (never the first force a national report names),
programme and pillar from a canonical list, year as an integer start year with the period as written."""

from __future__ import annotations

import pytest

from peel_findings.read.text import parse_text
from peel_findings.structure import structure
from peel_findings.structure.metadata import canonical_force


def meta(text: str, title: str | None = None):
    doc = parse_text(text)
    if title:
        from dataclasses import replace

        doc = replace(doc, title=title)
    return structure(doc).metadata


@pytest.mark.parametrize("name, official", [
    ("Kent", "Kent Police"), ("Devon & Cornwall", "Devon and Cornwall Police"), ("the Met", "Metropolitan Police Service"),
    ("Dyfed Powys Police", "Dyfed-Powys Police"), ("GMP", "Greater Manchester Police"),
    ("British Transport Police", "British Transport Police"), ("England and Wales (national, not force-level)", "national"),
    ("Testshire Police", None),
])
def test_metadata_force_names_are_normalised(name, official):
    assert canonical_force(name) == official


def test_metadata_a_national_report_is_national_whatever_forces_it_names():
    text = ("State of Policing: The Annual Assessment of Policing in England and Wales 2018\n\n"
            "© Sussex Police\n\nSussex Police and Essex Police took part. Kent Police did well. Essex Police improved.\n")
    m = meta(text)
    assert (m.force, m.force_source) == ("national", "title")


@pytest.mark.parametrize("text, expected", [
    ("Kent PEEL 2018 – Efficiency\n\nLast updated 27/09/2019\n\nThe force is efficient.\n",
     ("Kent Police", "PEEL 2018/19", "efficiency", 2018, "2018")),
    ("PEEL 2023–2025 – An inspection of Essex Police\n\nOur judgments\n",
     ("Essex Police", "PEEL 2023-25", None, 2023, "2023-25")),
    ("Cheshire Constabulary: Crime Data Integrity inspection 2017\n\nPublished on: 15 June 2017\n\nThe force records crime.\n",
     ("Cheshire Constabulary", "crime data integrity", None, 2017, "2017")),
    ("Report on an unannounced inspection visit to police custody suites in Cheshire\n\n"
     "Inspection dates: 3–13 September 2018\n\nPublished: 12 February 2019\n",
     ("Cheshire Constabulary", "custody", None, 2018, "2018")),
    ("Kent – National child protection inspection post-inspection review\n\nPublished on: 6 June 2023\n",
     ("Kent Police", "child protection", None, 2023, "2023")),
    ("Police response to violence against women and girls: Final inspection report\n\nContents\n\n"
     "Published on: 14 September 2021\n",
     ("national", "thematic", None, 2021, "2021")),
])
def test_metadata_programme_pillar_and_year_across_report_families(text, expected):
    m = meta(text)
    assert (m.force, m.programme, m.pillar, m.year, m.period) == expected


def test_metadata_the_text_names_the_force_when_the_title_does_not():
    m = meta("Summary\n\nNottinghamshire Police is good. Nottinghamshire Police has improved. Kent Police helped.\n")
    assert (m.force, m.force_source) == ("Nottinghamshire Police", "text")
    assert meta("Summary\n\nThe force is good.\n").force is None


def test_metadata_a_web_page_title_and_dates_feed_the_metadata():
    doc = parse_text("How effective is the force?\n\nThe force is good.\n")
    from dataclasses import replace

    doc = replace(doc, title="Surrey PEEL 2016 – Effectiveness", dates=(("updated", "2017-03-02"),))
    m = structure(doc).metadata
    assert (m.force, m.programme, m.pillar, m.year) == ("Surrey Police", "PEEL 2016", "effectiveness", 2016)
    undated = replace(doc, title="Surrey: news", dates=(("published", "2019-05-01"),))
    assert structure(undated).metadata.year == 2019


def test_metadata_force_and_year_right_across_a_44_force_corpus(tmp_path):
    """400 pages of 44 forces and national pages: the force almost always right; the year right where the
    page states it (pages whose excerpt carries no date cannot be dated from their text)."""
    from corpus_run import build
    from peel_findings import read_report

    truths = build(tmp_path / "corpus")
    results = [(t, read_report(t.path)) for t in truths]
    assert len({t.force for t in truths}) == 44
    force_right = sum(r.force == t.force for t, r in results) / len(results)
    stated = [(t, r) for t, r in results if t.year and str(t.year) in t.path.read_text(encoding="utf-8")]
    year_right = sum(r.year == t.year for t, r in results) / len(results)
    year_right_stated = sum(r.year == t.year for t, r in stated) / len(stated)
    print(f"force right {force_right:.3f}; year right {year_right:.3f} of all, {year_right_stated:.3f} of "
          f"{len(stated)} pages that state it")
    assert force_right >= 0.99 and year_right_stated >= 0.95 and year_right >= 0.85
    national = [r for t, r in results if t.force == "national"]
    assert sum(r.force == "national" for r in national) >= len(national) - 1  # never a force it names
    assert not any(r.force == "national" for t, r in results if t.force != "national")
