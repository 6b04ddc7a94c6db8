"""The parent's side of a batch: the files' outcomes to a `Plan`, and the run's rows streamed from shards.

The parent never holds the findings rows of the run. Each outcome brings a `reports` row, error
rows and one hash per sentence; from those the plan settles, in memory that grows only with those
hashes: each report's id (unique within the run), which reports are the same report met twice
(counted once), the sidecar's force, year and programme, and which sentences stand in three or
more forces' reports (``shared_text``). `stream` then yields each kept report's rows, one report
at a time, read back from its shard with all of that applied.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..aggregate import SHARED_MIN_FORCES
from ..errors import OutputError
from ..findings import REPORT_COLUMNS, REPORT_EXTRA_COLUMNS
from ..pipeline import report_id_for
from ..types import ReportRows
from . import shards
from .isolate import errors_frame
from .sidecar import overrides_for
from .work import Outcome

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import pandas as pd

# Duplicate reports: the same force, programme and year, and this share of sentences in common.
DUPLICATE_OVERLAP = 0.8


@dataclass(frozen=True)
class Part:
    """One kept report: where its rows are, and what the plan changes in them."""

    shard: str
    report_id: str  # its id in this run
    stored_id: str  # the id its rows carry in the shard
    keys: Any  # numpy uint64, one per row
    values: dict[str, Any] = field(default_factory=dict)  # sidecar force, year, programme
    data: bytes | None = None  # the shard's bytes, when a cluster worker sent them


@dataclass
class Plan:
    """Everything about a run but its rows: the reports and errors tables, and the parts to stream."""

    reports: pd.DataFrame
    errors: pd.DataFrame
    parts: list[Part]
    shared: np.ndarray  # sorted keys of sentences in three or more forces' reports
    mode: str = "findings"
    discarded: list[str] = field(default_factory=list)  # damaged cache shards removed (their files redone)

    @property
    def n_rows(self) -> int:
        return sum(len(p.keys) for p in self.parts)


def unique_report_ids(paths: list[str]) -> dict[str, str]:
    """A report id per path: the file name as a slug, with a short hash of the path where two files of
    the run would otherwise share one (``a/report.txt`` and ``b/report.txt``)."""
    slugs = {p: report_id_for(p) for p in paths}
    counts: dict[str, int] = {}
    for slug in slugs.values():
        counts[slug] = counts.get(slug, 0) + 1
    return {p: slug if counts[slug] == 1 else f"{slug}-{hashlib.sha1(str(Path(p).resolve()).encode()).hexdigest()[:6]}"
            for p, slug in slugs.items()}


def plan(outcomes: list[Outcome], overrides: dict[str, dict[str, Any]] | None = None,
         mode: str = "findings") -> Plan:
    """The run's plan from every file's outcome (in any order): stable, whatever order files finished in."""
    import numpy as np

    ids = unique_report_ids([o.path for o in outcomes])
    rows, parts, errors, discarded = [], [], [], []
    seen: dict[tuple, list[tuple[str, np.ndarray]]] = {}
    for outcome in sorted(outcomes, key=_preference):
        errors.extend(outcome.errors)
        if outcome.discarded:
            discarded.append(outcome.discarded)
        values = overrides_for(outcome.path, overrides or {}) if outcome.ok else None
        row = _row(outcome, ids[outcome.path], values)
        if outcome.ok and mode == "findings":
            key = (row.get("force"), row.get("programme"), row.get("year"))
            keys = np.unique(outcome.keys) if outcome.keys is not None else np.zeros(0, np.uint64)
            original = next((rid for rid, other in seen.get(key, []) if _overlap(keys, other) >= DUPLICATE_OVERLAP),
                            None) if None not in key else None
            if original is not None:
                rows.append({**row, "status": "duplicate", "duplicate_of": original})
                continue
            if None not in key:
                seen.setdefault(key, []).append((row["report_id"], keys))
        rows.append(row)
        if outcome.ok and outcome.shard is not None:
            stored = str(outcome.report.get("report_id"))
            parts.append(Part(outcome.shard, row["report_id"], stored, outcome.keys, _columns(values), outcome.data))
    parts.sort(key=lambda p: p.report_id)
    forces = {r["report_id"]: r.get("force") for r in rows}
    shared = _shared(parts, forces) if mode == "findings" else np.zeros(0, np.uint64)
    reports = _reports_table(rows, mode)
    errors_table = errors_frame(errors).sort_values("path", kind="stable").reset_index(drop=True)
    return Plan(reports, errors_table, parts, shared, mode, discarded)


def stream(plan: Plan) -> Iterator[ReportRows]:
    """Each kept report's rows, in report id order, with the plan applied."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    for part in plan.parts:
        try:
            stored = shards.loads(part.data, verify=False) if part.data is not None else \
                shards.load(Path(part.shard), verify=False)  # checked or written by its worker this run
        except shards.ShardError as exc:
            raise OutputError(f"{part.shard}: the stored result of {part.report_id} changed during the run ({exc}). "
                              "Run again: its file will be read afresh.") from None
        table = stored.table
        n = table.num_rows
        if part.report_id != part.stored_id:
            suffix = pc.utf8_slice_codeunits(table.column("sentence_id"), len(part.stored_id))
            table = _set(table, "report_id", pa.array([part.report_id] * n, pa.string()))
            table = _set(table, "sentence_id", pc.binary_join_element_wise(part.report_id, suffix, ""))
        for column, value in part.values.items():
            if column in table.column_names:
                table = _set(table, column, pa.array([value] * n, table.schema.field(column).type))
        if plan.mode == "findings":
            flags = np.isin(part.keys, plan.shared) if len(plan.shared) else np.zeros(n, dtype=bool)
            table = table.append_column("shared_text", pa.array(flags, pa.bool_()))
        yield ReportRows(table, part.keys)


def _set(table: Any, column: str, values: Any) -> Any:
    return table.set_column(table.column_names.index(column), column, values)


def _row(outcome: Outcome, report_id: str, values: dict[str, Any] | None) -> dict[str, Any]:
    row = {**outcome.report, "report_id": report_id, "path": outcome.path}
    for column in ("force", "year", "programme", "url"):
        if values and column in values:
            row[column] = values[column]
    if values and "force" in values:
        row["force_source"] = "sidecar"
    return row


def _columns(values: dict[str, Any] | None) -> dict[str, Any]:
    return {c: values[c] for c in ("force", "year", "programme") if values and c in values}


def _overlap(a: np.ndarray, b: np.ndarray) -> float:
    """Share of sentences two reports have in common (the same report in two formats: most)."""
    import numpy as np

    return len(np.intersect1d(a, b, assume_unique=True)) / max(1, min(len(a), len(b)))


def _preference(outcome: Outcome) -> tuple[int, str]:
    """PDF before text when the same report is present in both (PDF has page numbers)."""
    return (0 if outcome.path.lower().endswith(".pdf") else 1, outcome.path)


def _shared(parts: list[Part], forces: dict[str, Any]) -> np.ndarray:
    """The keys of sentences that stand in the reports of `SHARED_MIN_FORCES` or more forces."""
    import numpy as np

    names = sorted({str(f) for f in forces.values() if f is not None})
    code = {name: i for i, name in enumerate(names)}
    keys, owners = [], []
    for part in parts:
        force = forces.get(part.report_id)
        if force is None or not len(part.keys):
            continue
        keys.append(np.asarray(part.keys, dtype=np.uint64))
        owners.append(np.full(len(part.keys), code[str(force)], dtype=np.int64))
    if not keys:
        return np.zeros(0, dtype=np.uint64)
    pairs = np.unique(np.rec.fromarrays([np.concatenate(keys), np.concatenate(owners)], names="key,force"))
    unique_keys, n_forces = np.unique(pairs["key"], return_counts=True)
    return np.sort(unique_keys[n_forces >= SHARED_MIN_FORCES])


def _reports_table(rows: list[dict[str, Any]], mode: str) -> pd.DataFrame:
    import pandas as pd

    reports = pd.DataFrame(rows)
    if mode != "findings":
        columns = ["report_id", "path", "sha256", "status"]
        return reports.reindex(columns=columns).sort_values("path", kind="stable").reset_index(drop=True)
    grade_columns = sorted(c for c in reports.columns if c.startswith("grade_"))
    extra = [c for c in ("duplicate_of", "url") if c in reports.columns]
    reports = reports.reindex(columns=[*REPORT_COLUMNS, *grade_columns, "status", *REPORT_EXTRA_COLUMNS, *extra])
    reports = reports.sort_values("path", kind="stable").reset_index(drop=True)
    for column in ("year", "pages", "sentences", "findings"):
        reports[column] = pd.to_numeric(reports[column]).astype("Int64")
    return reports
