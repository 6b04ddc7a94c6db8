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


# -- the findings table in Arrow: one schema for shards, findings.parquet and the frames read back --

_TEXT_COLUMNS = ("report_id", "force", "programme", "section", "section_kind", "sentence_id", "text", "polarity",
                 "unit", "question_grade", "evidence")
_BOOL_COLUMNS = ("is_finding", "repeat_concern", "template", "shared_text")


def arrow_schema(columns: tuple[str, ...], theme_ids: tuple[str, ...] = (), polarity_classes: tuple[str, ...] = ()):
    """The Arrow schema of a findings (or sentences) table with these columns. Score dictionaries are
    structs with one field per theme id and per polarity class, so Parquet keeps them whole."""
    import pyarrow as pa

    def kind(column: str) -> pa.DataType:
        if column in ("year", "page"):
            return pa.int64()
        if column in _BOOL_COLUMNS:
            return pa.bool_()
        if column == "finding_score":
            return pa.float64()
        if column == "themes":
            return pa.list_(pa.string())
        if column == "theme_scores":
            return pa.struct([(t, pa.float64()) for t in theme_ids])
        if column == "polarity_scores":
            return pa.struct([(p, pa.float64()) for p in polarity_classes])
        return pa.string()

    return pa.schema([(c, kind(c)) for c in columns])


def schema_for(frame: pd.DataFrame) -> Any:
    """The Arrow schema of a findings frame, its score fields taken from its first scored row."""
    def fields(column: str) -> tuple[str, ...]:
        if column not in frame:
            return ()
        return tuple(next((d for d in frame[column] if isinstance(d, dict) and d), {}))

    return arrow_schema(tuple(frame.columns), fields("theme_scores"), fields("polarity_scores"))


def to_arrow(frame: pd.DataFrame, schema: Any) -> Any:
    """A findings frame as an Arrow table of ``schema`` (the same types whatever one report holds)."""
    import pyarrow as pa

    return pa.Table.from_pandas(frame[schema.names], schema=schema, preserve_index=False)


def from_arrow(table: Any) -> pd.DataFrame:
    """An Arrow findings table as the frame `classify` and `analyse` give: lists and dicts as Python
    objects (a struct's missing scores left out), ``year`` and ``page`` nullable integers, text as
    Python strings (dictionary-encoded columns as categoricals)."""
    import pandas as pd

    frame = table.to_pandas(types_mapper=None)
    for column in ("theme_scores", "polarity_scores"):
        if column in frame:
            frame[column] = [{k: v for k, v in d.items() if v is not None} if isinstance(d, dict) else {}
                             for d in frame[column]]
    if "themes" in frame:
        frame["themes"] = [list(v) if v is not None else [] for v in frame["themes"]]
    for column in ("year", "page"):
        if column in frame:
            frame[column] = frame[column].astype("Int64")
    for column in _TEXT_COLUMNS:
        if column in frame and not isinstance(frame[column].dtype, pd.CategoricalDtype):
            frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
    return frame
