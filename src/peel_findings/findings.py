"""One report's findings table: classify its sentences, add what its structure says, its `reports` row."""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from .aggregate import repeat_concern_flags
from .classify import CLASSIFY_COLUMNS, Model
from .tables import SENTENCE_COLUMNS, sentences_frame
from .types import Report

FINDING_COLUMNS = (*SENTENCE_COLUMNS, *CLASSIFY_COLUMNS[1:], "unit", "question_grade", "repeat_concern")
REPORT_COLUMNS = (
    "report_id", "path", "sha256", "force", "year", "programme", "pages", "sentences", "findings",
    "overall_grade",
)
NEGATIVE_SECTIONS = frozenset({"area_for_improvement", "cause_of_concern", "recommendation"})
GRADE_POLARITY = {
    "outstanding": "positive", "good": "positive", "adequate": "neutral",
    "requires improvement": "negative", "inadequate": "negative",
}
_QUESTION_KEYS = (
    ("preventing crime", "preventing_crime"),
    ("investigating crime", "investigating_crime"),
    ("vulnerable", "protecting_vulnerable"),
    ("serious and organised crime", "serious_organised_crime"),
)


def grade_column(question: str) -> str:
    """`reports` column for a question's grade: grade_preventing_crime, ..."""
    low = question.lower()
    for needle, key in _QUESTION_KEYS:
        if needle in low:
            return f"grade_{key}"
    words = re.sub(r"^how (effective|efficient|legitimate|well) (is|does) the force (at )?", "", low)
    return "grade_" + re.sub(r"[^a-z0-9]+", "_", words).strip("_")[:40]


def findings_frame(report: Report, model: Model, use_structure: bool = True) -> pd.DataFrame:
    """Sentences of a report with the classify columns, the section evidence and the repeat flag."""
    frame = sentences_frame(report)
    predicted = model.predict(frame["text"].tolist())
    for column in CLASSIFY_COLUMNS[1:]:
        frame[column] = predicted[column].to_numpy() if len(frame) else pd.Series(dtype=object)
    frame["unit"] = [s.unit for s in report.sentences]
    questions = [s.section.split(" > ")[0] for s in report.sentences]
    frame["question_grade"] = [report.grades.get(q) for q in questions]
    if use_structure and len(frame):
        frame = apply_structure(frame)
    concern = frame["is_finding"].astype(bool) & frame["polarity"].isin(["negative", "mixed"])
    frame["repeat_concern"] = repeat_concern_flags(frame["text"]) & concern
    return frame[list(FINDING_COLUMNS)]


def apply_structure(frame: pd.DataFrame) -> pd.DataFrame:
    """Use what the report's structure says, beside the text classifier.

    - a sentence or list item under "Areas for improvement", "Causes of concern" or
      "Recommendations" is addressed to the force: a negative finding;
    - a grade standing alone under a question is a finding with the grade's polarity.
    """
    frame = frame.copy()
    in_negative = frame["section_kind"].isin(NEGATIVE_SECTIONS) & frame["unit"].isin(["sentence", "bullet"])
    frame.loc[in_negative, "is_finding"] = True
    frame.loc[in_negative, "polarity"] = "negative"
    grade = frame["text"].str.strip().str.lower().map(GRADE_POLARITY)
    is_grade = grade.notna() & (frame["unit"] == "heading")
    frame.loc[is_grade, "is_finding"] = True
    frame.loc[is_grade, "polarity"] = grade[is_grade]
    frame.loc[is_grade, "themes"] = pd.Series([[] for _ in range(int(is_grade.sum()))], index=frame.index[is_grade])
    return frame


def report_row(report: Report, findings: pd.DataFrame) -> dict[str, Any]:
    row: dict[str, Any] = {
        "report_id": report.report_id,
        "path": report.path,
        "sha256": report.sha256,
        "force": report.force,
        "year": report.year,
        "programme": report.programme,
        "pages": report.pages or None,
        "sentences": len(report.sentences),
        "findings": int(findings["is_finding"].sum()) if len(findings) else 0,
        "overall_grade": report.overall_grade,
    }
    for question, grade in report.grades.items():
        row.setdefault(grade_column(question), grade)
    row["status"] = "ok"
    return row
