"""The findings streamed to disk, one report's rows at a time, in Arrow: nothing per row in Python.

Each report's table goes to ``findings.parquet``, in its CSV layout to ``findings.csv``, and by theme
to ``evidence/<theme>.csv``; its calibrated scores are added to the count estimates; its finding rows,
without their text or scores, are kept for the tables and pages. What stays in memory is those
slim rows and the estimates, never every sentence and never the text.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import aggregate
from ..types import ReportRows
from .tables import csv_layout, struct_matrix

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import pandas as pd

ROW_GROUP = 50_000  # rows per Parquet row group (reports are gathered until there are this many)


# What the tables and pages need of each finding; the text stays on disk (quotes are fetched by id).
KEPT = ("report_id", "force", "year", "page", "sentence_id", "is_finding", "polarity", "themes", "repeat_concern",
        "template", "shared_text")
# Of those, the ones with few distinct values: kept dictionary-encoded (categorical in pandas).
REPEATED = ("report_id", "force", "polarity")
# The columns of evidence/<theme>.csv, after ``theme``.
EVIDENCE_COLUMNS = ("force", "year", "programme", "report_id", "page", "section", "sentence_id", "polarity", "text",
                    "template", "shared_text", "repeat_concern")


@dataclass
class Streamed:
    """What streaming the findings leaves in memory: the finding rows without their text, the
    estimates, counts."""

    dispersion: float = 1.0
    parts: list[Any] = field(default_factory=list)  # Arrow tables of finding rows
    accumulators: dict[tuple[str, ...], Any] = field(default_factory=dict)
    n_sentences: int = 0
    n_template: int = 0
    n_shared: int = 0
    largest: int = 0  # the most rows of one report

    def add(self, rows: ReportRows) -> None:
        """One report's rows."""
        import pyarrow as pa
        import pyarrow.compute as pc

        table = rows.table
        self.n_sentences += table.num_rows
        template, shared = _flag(table, "template"), _flag(table, "shared_text")
        self.n_template += int(template.sum())
        self.n_shared += int(shared.sum())
        if "theme_scores" in table.column_names:
            self._estimate(table, ~shared & ~template)
        finding = pa.array(_flag(table, "is_finding"))
        kept = table.select([c for c in KEPT if c in table.column_names]).filter(finding)
        for name in REPEATED:
            if name in kept.column_names:
                kept = kept.set_column(kept.column_names.index(name), name,
                                       pc.dictionary_encode(kept.column(name)))
        self.parts.append(kept.append_column("text_key", pa.array(rows.keys, pa.uint64()).filter(finding)))

    def _estimate(self, table: Any, counted: np.ndarray) -> None:
        import pyarrow.compute as pc

        ids, themes = struct_matrix(table.column("theme_scores"))
        if not self.accumulators:
            self.accumulators = {by: aggregate.EstimateAccumulator(by, list(ids), dispersion=self.dispersion)
                                 for by in ((), ("force",))}
        polarity = polarity_matrix(table.column("polarity_scores"))
        stated = grade = None
        if "evidence" in table.column_names:
            evidence = table.column("evidence")
            stated = _mask(pc.and_(pc.is_valid(evidence), pc.not_equal(evidence, "")))
            grade = _mask(pc.equal(evidence, "grade"))
        probs = aggregate.probabilities(table.column("finding_score").to_numpy(zero_copy_only=False), themes,
                                        polarity, stated, grade)
        hard = _hard(table, ids)
        self.accumulators[()].add_arrays((), probs[counted], hard[counted])
        codes, forces = _codes(table.column("force"))  # one force per report, but a table holds several
        for code, force in enumerate(forces):
            rows = counted & (codes == code)
            self.accumulators[("force",)].add_arrays((force,), probs[rows], hard[rows])

    def evidence_frame(self) -> pd.DataFrame:
        """The finding rows of the run (no text; ``text_key`` instead), as one frame; the parts are let go."""
        import pandas as pd
        import pyarrow as pa

        from ..findings import from_arrow

        if not self.parts:
            return pd.DataFrame(columns=[*KEPT, "text_key"])
        table = pa.concat_tables(self.parts, promote_options="permissive").unify_dictionaries()
        self.parts = []
        return from_arrow(table)

    def overall(self) -> pd.DataFrame | None:
        return self.accumulators[()].table() if self.accumulators else None

    def by_force(self) -> pd.DataFrame | None:
        return self.accumulators[("force",)].table() if self.accumulators else None


class EvidenceWriter:
    """evidence/<theme>.csv, one file per theme, appended report by report: every finding with the theme
    (template and copies marked), in report order."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.writers: dict[str, Any] = {}

    def add(self, table: Any) -> None:
        import numpy as np
        import pyarrow as pa
        import pyarrow.compute as pc

        from .tables import FREE_TEXT, guard_text

        findings = table.filter(pa.array(_flag(table, "is_finding")))
        if not findings.num_rows:
            return
        themes = findings.column("themes")
        parents = pc.list_parent_indices(themes)
        flat = pc.list_flatten(themes)
        rows = findings.select([c for c in EVIDENCE_COLUMNS if c in findings.column_names]).take(parents)
        rows = pa.table({"theme": flat, **{name: guard_text(rows.column(name)) if name in FREE_TEXT else
                                           rows.column(name) for name in rows.column_names}})
        encoded = pc.dictionary_encode(flat).combine_chunks() if hasattr(flat, "combine_chunks") else \
            pc.dictionary_encode(flat)
        codes = encoded.indices.to_numpy(zero_copy_only=False)
        order = np.argsort(codes, kind="stable")  # rows grouped by theme, in report order within each
        rows = rows.take(pa.array(order))
        starts = np.searchsorted(codes[order], np.arange(len(encoded.dictionary) + 1))
        for code, theme in enumerate(encoded.dictionary.to_pylist()):
            if starts[code + 1] > starts[code]:
                self._writer(theme, rows.schema).write_table(rows.slice(starts[code], starts[code + 1] - starts[code]))

    def _writer(self, theme: str, schema: Any) -> Any:
        import pyarrow.csv as pacsv

        from .html import _slug

        if theme not in self.writers:
            self.folder.mkdir(parents=True, exist_ok=True)
            self.writers[theme] = pacsv.CSVWriter(self.folder / f"{_slug(theme)}.csv", schema)
        return self.writers[theme]

    def close(self) -> None:
        for writer in self.writers.values():
            writer.close()


def write_findings(stream: Iterable[ReportRows], folder: Path, dispersion: float,
                   evidence: Path | None = None) -> Streamed:
    """findings.parquet and findings.csv in ``folder`` (and, with ``evidence``, the evidence files there)
    from the stream of reports' rows. Reports are gathered until they hold `ROW_GROUP` rows, and each
    such batch is written and counted at once (one Parquet row group, a few Arrow calls per batch)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    streamed = Streamed(dispersion=dispersion)
    writer = csv_writer = None
    evidence_writer = EvidenceWriter(evidence) if evidence is not None else None
    tables: list[Any] = []
    keys: list[Any] = []

    def flush() -> None:
        nonlocal csv_writer
        table = pa.concat_tables(tables).combine_chunks()
        writer.write_table(table)
        layout = csv_layout(table)
        if csv_writer is None:
            csv_writer = pacsv.CSVWriter(folder / "findings.csv", layout.schema)
        csv_writer.write_table(layout)
        if evidence_writer is not None:
            evidence_writer.add(table)
        streamed.add(ReportRows(table, np.concatenate(keys)))
        tables.clear()
        keys.clear()

    try:
        for rows in stream:
            if writer is None:
                writer = pq.ParquetWriter(folder / "findings.parquet", rows.table.schema)
            tables.append(rows.table.cast(writer.schema))
            keys.append(np.asarray(rows.keys, dtype=np.uint64))
            streamed.largest = max(streamed.largest, rows.table.num_rows)
            if sum(t.num_rows for t in tables) >= ROW_GROUP:
                flush()
        if tables:
            flush()
    finally:
        for open_writer in (writer, csv_writer, evidence_writer):
            if open_writer is not None:
                open_writer.close()
    if writer is None:
        empty = _empty_findings()
        empty.to_parquet(folder / "findings.parquet", index=False)
        empty.to_csv(folder / "findings.csv", index=False)
    return streamed


def polarity_matrix(column: Any) -> np.ndarray:
    """Polarity scores as rows x 4 in `aggregate.POLARITY_ORDER` (0 where the model has no such class)."""
    import numpy as np

    names, matrix = struct_matrix(column)
    out = np.zeros((matrix.shape[0], len(aggregate.POLARITY_ORDER)))
    for k, polarity in enumerate(aggregate.POLARITY_ORDER):
        if polarity in names:
            out[:, k] = np.nan_to_num(matrix[:, names.index(polarity)])
    return out


def _hard(table: Any, ids: tuple[str, ...]) -> np.ndarray:
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    themes = table.column("themes")
    parents = pc.list_parent_indices(themes).to_numpy(zero_copy_only=False).astype(np.int64)
    flat = pc.list_flatten(themes)
    position = pc.index_in(flat, value_set=pa.array(ids, pa.string()))  # null: a theme the model does not have
    columns = pc.fill_null(position, -1).to_numpy(zero_copy_only=False).astype(np.int64)
    return aggregate.hard_counts(_flag(table, "is_finding"), table.column("polarity").to_numpy(zero_copy_only=False),
                                 parents, columns, len(ids))


def _codes(column: Any) -> tuple[np.ndarray, list[Any]]:
    """(a code per row, the distinct values in order of first appearance; None for a missing value)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    if pa.types.is_dictionary(column.type):
        column = column.cast(column.type.value_type)
    encoded = pc.dictionary_encode(column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column,
                                   null_encoding="encode")
    return encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64), encoded.dictionary.to_pylist()


def _mask(values: Any) -> np.ndarray:
    import pyarrow.compute as pc

    return pc.fill_null(values, False).to_numpy(zero_copy_only=False).astype(bool)


def _flag(table: Any, column: str) -> np.ndarray:
    import numpy as np
    import pyarrow.compute as pc

    if column not in table.column_names:
        return np.zeros(table.num_rows, dtype=bool)
    return pc.fill_null(table.column(column), False).to_numpy(zero_copy_only=False).astype(bool)


def _empty_findings() -> pd.DataFrame:
    import pandas as pd

    from ..findings import FINDING_COLUMNS

    return pd.DataFrame(columns=[*FINDING_COLUMNS, "shared_text"])
