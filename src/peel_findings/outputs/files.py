"""Writing tables: spreadsheet-safe CSV, Parquet, names kept inside the output folder."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._files import atomic_write_bytes
from ..errors import OutputError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

# OWASP CSV injection: a cell starting with one of these may be run as a formula by a spreadsheet.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
FORMULA_PATTERN = r"^([=+\-@\t\r])"  # the same, as a regular expression (for Arrow's vectorised replace)


def safe_cell(value: Any) -> Any:
    """Neutralise a text cell a spreadsheet would read as a formula, by prefixing a quote."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def csv_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy fit for CSV: lists as ``; ``-joined text, dicts as JSON, formula-like text neutralised."""
    import numpy as np
    import pandas as pd

    out = frame.copy()
    for column in out.columns:
        values = out[column]
        if not (values.dtype == object or pd.api.types.is_string_dtype(values)):
            continue
        kind = pd.api.types.infer_dtype(values, skipna=True)
        if kind not in ("string", "empty"):
            values = values.map(_to_cell)
        text = values.astype(object)
        is_text = text.notna().to_numpy(bool) if kind in ("string", "empty") else \
            np.fromiter((isinstance(v, str) for v in text), dtype=bool, count=len(text))
        starts = pd.Series(np.where(is_text, text, ""), dtype="str").str.startswith(FORMULA_TRIGGERS).to_numpy(bool)
        out[column] = text.where(~(is_text & starts), "'" + text.where(is_text, "").astype(str))
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
    csv_path = resolve_inside(directory, f"{name}.csv")  # CRLF (RFC 4180): a lone \r in a cell is quoted too
    atomic_write_bytes(csv_path, csv_safe(frame if csv_frame is None else csv_frame).to_csv(index=False, lineterminator="\r\n")
                       .encode("utf-8"))
    written.append(csv_path)
    if parquet:
        parquet_path = resolve_inside(directory, f"{name}.parquet")
        atomic_write_bytes(parquet_path, frame.to_parquet(index=False))
        written.append(parquet_path)
    return written


def prepare_out_dir(out: str | Path, inputs: Iterable[str | Path] = ()) -> Path:
    """Make sure ``out`` is a folder that can be written to, before any work is done.

    Raises `OutputError` naming the folder and what to do when it is a file, cannot be created or
    written to, or lies inside an input folder (the next run would read its report.html back as a report).
    """
    import tempfile

    out = Path(out)
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out}: --out must be a folder, but this is a file. Choose another path.")
    resolved = out.resolve()
    for item in inputs:
        folder = Path(item).resolve()
        if Path(item).is_dir() and (resolved == folder or folder in resolved.parents):
            raise OutputError(f"{out}: --out is inside the input folder {item}, so its report.html and tables would "
                              "be read back as reports next time. Choose a folder outside the inputs.")
    try:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=out):
            pass
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise OutputError(f"{out}: cannot write to this folder ({reason}). Choose a folder you can write to.") from exc
    return out


LOCK_FILE = ".peel.lock"


@contextmanager
def locked(out: str | Path) -> Iterator[None]:
    """Hold ``out/.peel.lock`` for a run: a second run into the same folder fails at once with a
    message saying which process holds it, instead of mixing its files with this run's."""
    path = Path(out) / LOCK_FILE
    handle = open(path, "a+")
    try:
        if not _try_lock(handle):
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise OutputError(f"{out}: another peel run is writing to this folder ({holder}). Wait for it to "
                              "finish, or choose another --out.")
        handle.seek(0)
        handle.truncate()
        handle.write(f"process {os.getpid()}")
        handle.flush()
        yield
    finally:
        handle.close()  # closing releases the lock


def _try_lock(handle: Any) -> bool:
    try:
        import fcntl
    except ImportError:  # Windows
        import msvcrt

        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError:
        return False
