"""One report's tables: its sentences, its findings (sentences with labels), its `reports` row."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .decide import CLASSIFY_COLUMNS, labels, repeat_concern_flags, template_flags
from .structure.grades import grade_column
from .types import Report

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from .model import Model

SENTENCE_COLUMNS = (
    "report_id", "force", "year", "programme", "page", "section", "section_kind", "sentence_id", "text",
)
FINDING_COLUMNS = (*SENTENCE_COLUMNS, *CLASSIFY_COLUMNS[1:], "unit", "question_grade", "repeat_concern", "evidence",
                   "template")
REPORT_COLUMNS = (
    "report_id", "path", "sha256", "force", "year", "programme", "pages", "sentences", "findings",
    "overall_grade",
)
# After the grade columns and ``status``: what else the report says about itself.
REPORT_EXTRA_COLUMNS = ("period", "pillar", "published", "force_source")


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
    frame["year"] = frame["year"].astype("Int64")
    return frame


def findings_frame(report: Report, model: Model, use_structure: bool = True) -> pd.DataFrame:
    """Sentences of a report with the classify columns and the repeat flag.

    The report is read in order (each sentence with the one before it and its section as
    context), and, with ``use_structure``, what its structure says is used beside the text.
    """
    import pandas as pd

    frame = sentences_frame(report)
    frame["unit"] = [s.unit for s in report.sentences]
    frame["question_grade"] = [report.grades.get(s.question) for s in report.sentences]
    inputs = pd.DataFrame({"text": frame["text"], "report": frame["report_id"], "section": frame["section"],
                           "section_kind": frame["section_kind"]})
    predicted = labels(frame["text"].tolist(), model.scores(inputs), model,
                       evidence=frame if use_structure else None)
    for column in CLASSIFY_COLUMNS[1:]:
        frame[column] = predicted[column].to_numpy() if len(frame) else pd.Series(dtype=object)
    frame["evidence"] = predicted["evidence"].to_numpy() if "evidence" in predicted else None
    concern = frame["is_finding"].astype(bool) & frame["polarity"].isin(["negative", "mixed"])
    previous = frame["text"].shift(1).where(frame["report_id"].eq(frame["report_id"].shift(1)), "")
    frame["repeat_concern"] = repeat_concern_flags(frame["text"], previous, frame["section"]) & concern
    frame["template"] = template_flags(frame["text"])
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
    row.update(period=report.period, pillar=report.pillar, published=report.published, force_source=report.force_source)
    return row
