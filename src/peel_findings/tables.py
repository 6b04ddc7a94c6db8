"""Output tables: the fixed column sets, spreadsheet-safe CSV and atomic writes."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from .types import Report

SENTENCE_COLUMNS = (
    "report_id", "force", "year", "programme", "page", "section", "section_kind", "sentence_id", "text",
)
ERROR_COLUMNS = ("path", "stage", "kind", "message")
# OWASP CSV injection: a cell starting with one of these may be run as a formula by a spreadsheet.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def sentences_frame(report: Report) -> pd.DataFrame:
    """One row per sentence of a report, with the columns that come before ``text`` in `findings`."""
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


def errors_frame(rows: Iterable[dict[str, Any]] = ()) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=list(ERROR_COLUMNS))


def safe_cell(value: Any) -> Any:
    """Neutralise a text cell a spreadsheet would read as a formula, by prefixing a quote."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def csv_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy fit for CSV: lists and dicts as JSON, formula-like text neutralised."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(_to_cell).map(safe_cell)
    return out


def _to_cell(value: Any) -> Any:
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(list(value) if isinstance(value, tuple) else value, ensure_ascii=False)
    return value


def resolve_inside(directory: str | Path, name: str) -> Path:
    """``directory/name``, refusing a name that would escape ``directory``."""
    base = Path(directory).resolve()
    target = (base / name).resolve()
    if base != target.parent and base not in target.parents:
        raise ValueError(f"Output name {name!r} would be written outside {base}; use a plain file name.")
    return target


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write to a temporary file in the same folder, fsync it, then rename over ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_table(frame: pd.DataFrame, directory: str | Path, name: str, parquet: bool = True) -> list[Path]:
    """Write ``name.csv`` (spreadsheet-safe) and, if asked, ``name.parquet`` into ``directory``."""
    written = []
    csv_path = resolve_inside(directory, f"{name}.csv")
    atomic_write_bytes(csv_path, csv_safe(frame).to_csv(index=False).encode("utf-8"))
    written.append(csv_path)
    if parquet:
        parquet_path = resolve_inside(directory, f"{name}.parquet")
        atomic_write_bytes(parquet_path, frame.to_parquet(index=False))
        written.append(parquet_path)
    return written
