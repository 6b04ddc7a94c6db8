"""One file, isolated from the others: whatever goes wrong with it becomes error rows, never an exception.

`run_file` is the per-file task a batch maps over its files (in worker processes or on a
cluster): the size limit, then `process_file`, which reads, classifies and builds the
file's rows. `read_isolated` is the part `peel extract` shares.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._files import sha256_file
from ..errors import PeelError
from ..findings import FINDING_COLUMNS, REPORT_COLUMNS, findings_frame, report_row
from ..pipeline import read_report
from ..types import Report

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..model import Model

ERROR_COLUMNS = ("path", "stage", "kind", "message")


@dataclass(frozen=True)
class FileResult:
    """Everything one file contributes: findings rows, its `reports` row, error rows."""

    path: str
    findings: pd.DataFrame
    report: dict[str, Any]
    errors: tuple[dict[str, str], ...] = ()


def error_row(path: str | Path, stage: str, kind: str, message: str) -> dict[str, str]:
    return {"path": str(path), "stage": stage, "kind": kind, "message": message.splitlines()[0]}


def errors_frame(rows: Iterable[dict[str, Any]] = ()) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame(list(rows), columns=list(ERROR_COLUMNS))


def read_isolated(path: Path, reader: Callable[[Path], Report]) -> Report | dict[str, str]:
    """The report, or an error row: one bad file must never stop the others."""
    try:
        return reader(path)
    except PeelError as exc:
        return error_row(path, "read", exc.kind, str(exc))
    except MemoryError:
        return error_row(path, "read", "memory", f"{path}: reading it ran out of memory (the worker's memory cap).")
    except Exception as exc:
        return error_row(path, "read", "internal", f"{type(exc).__name__}: {exc}")


def failed(path: Path, stage: str, kind: str, message: str) -> FileResult:
    """The result of a file that could not be processed: no findings, a `reports` row with its status."""
    import pandas as pd

    try:
        sha = sha256_file(path)
    except OSError:
        sha = None
    row = {c: None for c in REPORT_COLUMNS}
    row.update(path=str(path), sha256=sha, status=kind, report_id=path.stem)
    return FileResult(str(path), pd.DataFrame(columns=list(FINDING_COLUMNS)), row, (error_row(path, stage, kind, message),))


def process_file(
    path: str | Path,
    model: Model,
    reader: Callable[[Path], Report] = read_report,
    use_structure: bool = True,
) -> FileResult:
    """One report file to its findings and `reports` row. A bad file becomes error rows, never an exception."""
    path = Path(path)
    report = read_isolated(path, reader)
    if isinstance(report, dict):
        return failed(path, "read", report["kind"], report["message"])
    try:
        findings = findings_frame(report, model, use_structure=use_structure)
    except PeelError as exc:
        return failed(path, "classify", exc.kind, str(exc))
    return FileResult(str(path), findings, report_row(report, findings))


def run_file(
    path: str,
    model: Model | str | None = None,
    reader: Callable[..., Report] | None = None,
    use_structure: bool = True,
    max_file_mb: float | None = None,
    max_pages: int | None = None,
) -> FileResult:
    """The per-file task of a batch: size and page limits, then `process_file`. Picklable."""
    from ..model import Model, load_model

    file = Path(path)
    try:
        size_mb = file.stat().st_size / 1e6
    except FileNotFoundError:
        return failed(file, "read", "not_found", f"{file}: no such file or folder. Check the path.")
    except OSError as exc:
        return failed(file, "read", "corrupt", f"{file}: cannot be opened ({exc.strerror}).")
    if max_file_mb is not None and size_mb > max_file_mb:
        return failed(file, "read", "too_large",
                      f"{file}: {size_mb:.0f} MB is over the {max_file_mb:g} MB limit; raise --max-file-mb to read it.")
    loaded = model if isinstance(model, Model) else load_model(model)
    if reader is None:
        def reader(p: Path) -> Report:
            return read_report(p, max_pages=max_pages)
    return process_file(file, loaded, reader=reader, use_structure=use_structure)
