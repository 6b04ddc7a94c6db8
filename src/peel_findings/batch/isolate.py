"""One file, isolated from the others: whatever goes wrong with it becomes error rows, never an exception.

`process_file` reads and classifies one file and builds its rows; `read_isolated` is the
reading part `peel extract` shares. The per-file task of a batch (`work.work_file`) runs them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import PeelError
from ..findings import FINDING_COLUMNS, REPORT_COLUMNS, findings_frame, report_row
from ..pipeline import read_report, report_id_for
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
        if _caused_by(exc, MemoryError):  # a parser that wrapped running out of memory in its own error
            return error_row(path, "read", "memory", f"{path}: reading it ran out of memory (the worker's "
                                                     "memory cap); raise --memory-mb.")
        return error_row(path, "read", exc.kind, str(exc))
    except MemoryError:
        return error_row(path, "read", "memory", f"{path}: reading it ran out of memory (the worker's memory cap); "
                                                 "raise --memory-mb.")
    except RecursionError:
        return error_row(path, "read", "corrupt", f"{path}: nested too deeply to read (a damaged or hostile file).")
    except Exception as exc:
        return error_row(path, "read", "internal", f"{path}: {type(exc).__name__}: {exc}")


def _caused_by(exc: BaseException, kind: type[BaseException]) -> bool:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, kind):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


def failed(path: Path, stage: str, kind: str, message: str) -> FileResult:
    """The result of a file that could not be processed: no findings, a `reports` row with its status.

    The file is not opened again here (it may be a pipe, or what just failed), so ``sha256`` stays empty.
    """
    import pandas as pd

    row = {c: None for c in REPORT_COLUMNS}
    row.update(path=str(path), status=kind, report_id=report_id_for(path))
    return FileResult(str(path), pd.DataFrame(columns=list(FINDING_COLUMNS)), row, (error_row(path, stage, kind, message),))


def process_file(
    path: str | Path,
    model: Model,
    reader: Callable[[Path], Report] = read_report,
    use_structure: bool = True,
) -> FileResult:
    """One report file to its findings and `reports` row. A bad file becomes error rows, never an exception.

    What was read with a loss (bad bytes replaced) is an error row of kind ``decoding`` beside a
    report that is still counted.
    """
    path = Path(path)
    report = read_isolated(path, reader)
    if isinstance(report, dict):
        return failed(path, "read", report["kind"], report["message"])
    warnings = tuple(error_row(path, "read", "decoding", w) for w in report.warnings)
    try:
        findings = findings_frame(report, model, use_structure=use_structure)
    except PeelError as exc:
        return failed(path, "classify", exc.kind, str(exc))
    except MemoryError:
        return failed(path, "classify", "memory", f"{path}: classifying it ran out of memory; raise --memory-mb.")
    return FileResult(str(path), findings, report_row(report, findings), warnings)
