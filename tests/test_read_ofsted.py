"""The 55 real Ofsted/CQC PDFs in ../shared: read without error, no running furniture in sentences.

The furniture oracle (tests/fixtures/ofsted_furniture.json) was made independently of the
reader, by looking at the pages; see tests/fixtures/ofsted_survey.md. The footers run on
pages 2..n; page 1 has none, and its body legitimately states the inspection dates that the
footer repeats, so a furniture string counts as leaked on pages 2..n.
"""

import json
import re
from pathlib import Path

import pytest

from peel_findings import read_report

ORACLE = json.loads((Path(__file__).parent / "fixtures" / "ofsted_furniture.json").read_text(encoding="utf-8"))


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.mark.slow
def test_read_ofsted_all_pdfs_without_error_or_furniture(ofsted_pdfs):
    assert len(ofsted_pdfs) == 55
    problems = []
    for path in ofsted_pdfs:
        report = read_report(path)
        truth = ORACLE[path.name]
        assert report.pages == truth["pages"], path.name
        assert len(report.sentences) > 20, path.name
        furniture = [_norm(x) for x in truth["header_lines"] + truth["footer_lines"]]
        for sentence in report.sentences:
            for line in furniture:
                if line in _norm(sentence.text) and (sentence.page or 0) >= 2:
                    problems.append((path.name, line, sentence.text[:80]))
            # a page number glued to the end of a sentence: "... local area. 7"
            if re.search(r"[.!?]\s+\d{1,2}$", sentence.text):
                problems.append((path.name, "page number", sentence.text[-60:]))
    assert problems == []
