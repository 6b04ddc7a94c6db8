"""One report's tables: its sentences, its findings (sentences with labels), its `reports` row."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .decide import CLASSIFY_COLUMNS, apply_structure, labels, repeat_concern_flags
from .structure.grades import grade_column
from .types import Report

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from .model import Model

SENTENCE_COLUMNS = (
    "report_id", "force", "year", "programme", "page", "section", "section_kind", "sentence_id", "text",
)
FINDING_COLUMNS = (*SENTENCE_COLUMNS, *CLASSIFY_COLUMNS[1:], "unit", "question_grade", "repeat_concern")
REPORT_COLUMNS = (
    "report_id", "path", "sha256", "force", "year", "programme", "pages", "sentences", "findings",
    "overall_grade",
)


def sentences_frame(report: Report) -> pd.DataFrame:
    """One row per sentence of a report, with the columns that come before ``text`` in `findings`."""
    import pandas as pd

    rows = [
        {
            "report_id": report.report_id,
            "force": report.force,
            "year": report.year,
            "programme": report.programme,
            "page": s.page,
            "section": s.section,
            "section_kind": s.section_kind,
            "sentence_id": s.sentence_id,
            "text": s.text,
        }
        for s in report.sentences
    ]
    frame = pd.DataFrame(rows, columns=list(SENTENCE_COLUMNS))
    frame["page"] = frame["page"].astype("Int64")
    return frame


def findings_frame(report: Report, model: Model, use_structure: bool = True) -> pd.DataFrame:
    """Sentences of a report with the classify columns, the section evidence and the repeat flag."""
    import pandas as pd

    frame = sentences_frame(report)
    texts = frame["text"].tolist()
    predicted = labels(texts, model.scores(texts), model)
    for column in CLASSIFY_COLUMNS[1:]:
        frame[column] = predicted[column].to_numpy() if len(frame) else pd.Series(dtype=object)
    frame["unit"] = [s.unit for s in report.sentences]
    frame["question_grade"] = [report.grades.get(s.question) for s in report.sentences]
    if use_structure and len(frame):
        frame = apply_structure(frame)
    concern = frame["is_finding"].astype(bool) & frame["polarity"].isin(["negative", "mixed"])
    frame["repeat_concern"] = repeat_concern_flags(frame["text"]) & concern
    return frame[list(FINDING_COLUMNS)]


def report_row(report: Report, findings: pd.DataFrame) -> dict[str, Any]:
    """The report's row of the `reports` table: metadata, counts, grades, status ``ok``."""
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
