"""Metadata and grades of the seed reports, as a reader sees them in the seed texts.

Avon and Somerset: overall "Requires improvement" (under "Overall judgment"); the four questions
graded Good, Requires improvement, Requires Improvement, Good. Gloucestershire: overall "Requires
improvement"; its summary-page question grades were images (missing in the text), but each
question's "Summary of findings" states Good, Requires improvement, Requires improvement,
Requires improvement.
"""

import pytest

from peel_findings.read.text import parse_text
from peel_findings.structure import structure

AVON = "peel-effectiveness-2015-avon-and-somerset"
GLOS = "peel-effectiveness-2015-gloucestershire"
QUESTIONS = ("preventing crime", "investigating crime", "protecting from harm", "serious and organised crime")


def _grades_in_order(report):
    return [next(g for q, g in report.grades.items() if key in q) for key in QUESTIONS]


@pytest.mark.parametrize(
    "seed, force, overall, grades",
    [
        (AVON, "Avon and Somerset Constabulary", "requires improvement",
         ["good", "requires improvement", "requires improvement", "good"]),
        (GLOS, "Gloucestershire Constabulary", "requires improvement",
         ["good", "requires improvement", "requires improvement", "requires improvement"]),
    ],
)
def test_structure_seed_metadata_and_grades(seed_text_reports, seed, force, overall, grades):
    report = seed_text_reports[seed]
    assert report.force == force
    assert (report.programme, report.pillar, report.year, report.period) == ("PEEL 2015", "effectiveness", 2015, "2015")
    assert report.force_source == "title"
    assert report.published == "February 2016"
    assert report.overall_grade == overall
    assert _grades_in_order(report) == grades
    assert len(report.grades) == 4


def test_structure_section_kinds_of_the_seeds(seed_text_reports):
    glos = seed_text_reports[GLOS]
    by_text = {s.text: s for s in glos.sentences}
    cause = next(s for t, s in by_text.items() if t.startswith("It is a cause of concern to HMIC"))
    assert cause.section_kind == "cause_of_concern"
    rec = by_text["establish a structured approach to threat assessment at a strategic level;"]
    assert rec.section_kind == "recommendation"
    afi = next(s for s in seed_text_reports[AVON].sentences if s.text.startswith("The force should ensure that all crimes are allocated"))
    assert afi.section_kind == "area_for_improvement"
    assert "Summary of findings > Areas for improvement" in afi.section
    assert by_text["Annex A – HMIC judgments"].section_kind == "other"
    summary = next(s for s in glos.sentences if s.section.endswith("> Summary"))
    assert summary.section_kind == "summary"


def test_structure_five_tier_scale_and_missing_grade():
    text = (
        "PEEL 2021/22\n\nAn inspection of Dorset Police\n\nMay 2022\n\n"
        "How effective is the force at investigating crime?\n\nAdequate\n\nThe force investigates crime adequately.\n\n"
        "How effective is the force at preventing crime?\n\nThe force prevents crime well.\n"
    )
    info = structure(parse_text(text))
    assert (info.metadata.year, info.metadata.period, info.metadata.programme) == (2021, "2021/22", "PEEL 2021/22")
    assert info.metadata.force == "Dorset Police"
    assert info.grades == {"How effective is the force at investigating crime?": "adequate"}


def test_structure_sentences_point_into_the_cleaned_text(seed_text_reports):
    for report in seed_text_reports.values():
        assert all(report.text[s.start:s.end] == s.text for s in report.sentences)
        assert [s.index for s in report.sentences] == list(range(len(report.sentences)))
        assert len({s.sentence_id for s in report.sentences}) == len(report.sentences)
