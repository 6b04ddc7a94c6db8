import pytest

from peel_findings import read_report
from peel_findings.segment import split_sentences

from conftest import SAMPLES, SEEDS
from segmentation_scoring import load_gold, score


def _split(text):
    return [text[a:b] for a, b in split_sentences([text])[0]]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("HMIC found 4.6% more crime, e.g. burglary. It is a concern.",
         ["HMIC found 4.6% more crime, e.g. burglary.", "It is a concern."]),
        ("See para. 12 of the report, i.e. the annex. No. 5 was high.",
         ["See para. 12 of the report, i.e. the annex.", "No. 5 was high."]),
        ("Staff said “it works.” The force agreed.", ["Staff said “it works.”", "The force agreed."]),
        ("Crime fell (by 1,200 offences.) Then it rose.", ["Crime fell (by 1,200 offences.)", "Then it rose."]),
        ("Is it effective? HMIC thinks so!", ["Is it effective?", "HMIC thinks so!"]),
        ("Visit www.gov.uk/hmic for more. The report is there.",
         ["Visit www.gov.uk/hmic for more.", "The report is there."]),
        ("", []),
    ],
)
def test_segment_rules(text, expected):
    assert _split(text) == expected


@pytest.mark.parametrize("seed", SEEDS)
def test_segment_boundary_f1_against_gold_on_text(seed):
    report = read_report(SAMPLES / f"{seed}.txt")
    result = score([s.text for s in report.sentences], load_gold(seed))
    assert result.located == result.gold  # every gold unit is found in the reader's text
    assert result.f1 >= 0.98, result
