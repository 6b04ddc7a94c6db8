"""Writing tables: spreadsheet-safe CSV, Parquet, names kept inside the output folder."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._files import atomic_write_bytes
from ..errors import OutputError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

# OWASP CSV injection: a cell starting with one of these may be run as a formula by a spreadsheet.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """Neutralise a text cell a spreadsheet would read as a formula, by prefixing a quote."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def csv_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy fit for CSV: lists as ``; ``-joined text, dicts as JSON, formula-like text neutralised."""
    import pandas as pd

    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(_to_cell).map(safe_cell)
    return out


def _to_cell(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return "; ".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    if hasattr(value, "tolist") and not isinstance(value, str):  # a NumPy array from Parquet
        return _to_cell(value.tolist())
    return value


def resolve_inside(directory: str | Path, name: str) -> Path:
    """``directory/name``, refusing a name that would escape ``directory``."""
    base = Path(directory).resolve()
    target = (base / name).resolve()
    if base != target.parent and base not in target.parents:
        raise OutputError(f"Output name {name!r} would be written outside {base}; use a plain file name.")
    return target


def write_table(frame: pd.DataFrame, directory: str | Path, name: str, parquet: bool = True,
                csv_frame: pd.DataFrame | None = None) -> list[Path]:
    """Write ``name.csv`` (spreadsheet-safe; ``csv_frame`` when the CSV layout differs) and, if asked,
    ``name.parquet`` into ``directory``."""
    written = []
    csv_path = resolve_inside(directory, f"{name}.csv")
    atomic_write_bytes(csv_path, csv_safe(frame if csv_frame is None else csv_frame).to_csv(index=False)
                       .encode("utf-8"))
    written.append(csv_path)
    if parquet:
        parquet_path = resolve_inside(directory, f"{name}.parquet")
        atomic_write_bytes(parquet_path, frame.to_parquet(index=False))
        written.append(parquet_path)
    return written


def prepare_out_dir(out: str | Path) -> Path:
    """Make sure ``out`` is a folder that can be written to, before any work is done.

    Raises `OutputError` naming the folder and what to do when it is a file, cannot be
    created, or cannot be written to.
    """
    import tempfile

    out = Path(out)
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out}: --out must be a folder, but this is a file. Choose another path.")
    try:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=out):
            pass
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise OutputError(f"{out}: cannot write to this folder ({reason}). Choose a folder you can write to.") from exc
    return out
