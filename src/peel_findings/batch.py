"""Many report files: finding them, reading each in isolation, collecting errors."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .errors import PeelError, ReadError
from .pipeline import read_report
from .read import SUPPORTED_SUFFIXES
from .tables import errors_frame, sentences_frame
from .types import Report


def report_paths(inputs: Iterable[str | Path]) -> list[Path]:
    """Files named directly, plus the supported report files inside named folders (recursively), sorted.

    A file named directly is kept whatever its extension, so that an unsupported
    file is reported as an error rather than silently skipped.
    """
    found: list[Path] = []
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            found.extend(
                p for p in sorted(path.rglob("*"))
                if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES and not p.name.startswith(".")
            )
        else:
            found.append(path)
    unique: dict[Path, None] = {}
    for p in found:
        unique.setdefault(p, None)
    return list(unique)


@dataclass(frozen=True)
class Outcome:
    """What happened to one file: a report, or an error row."""

    path: Path
    report: Report | None = None
    error: dict[str, str] | None = None


def read_each(paths: Iterable[Path], reader: Callable[[Path], Report] = read_report) -> Iterator[Outcome]:
    """Read every file, turning each failure into an error row instead of stopping."""
    for path in paths:
        try:
            yield Outcome(path, report=reader(path))
        except PeelError as exc:
            yield Outcome(path, error=_error_row(path, "read", exc.kind, str(exc)))
        except Exception as exc:  # one unexpected failure must not lose the other files
            yield Outcome(path, error=_error_row(path, "read", "internal", f"{type(exc).__name__}: {exc}"))


def _error_row(path: Path, stage: str, kind: str, message: str) -> dict[str, str]:
    return {"path": str(path), "stage": stage, "kind": kind, "message": message.splitlines()[0]}


def extract(
    inputs: Iterable[str | Path], on_file: Callable[[Outcome], None] | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read and segment reports: (sentences, errors) frames. No model is involved."""
    paths = report_paths(inputs)
    if not paths:
        raise ReadError("No report files found in the inputs given (looked for .pdf and .txt).")
    frames, errors = [], []
    for outcome in read_each(paths):
        if on_file:
            on_file(outcome)
        if outcome.report is not None:
            frames.append(sentences_frame(outcome.report))
        elif outcome.error is not None:
            errors.append(outcome.error)
    sentences = pd.concat(frames, ignore_index=True) if frames else sentences_frame_empty()
    return sentences, errors_frame(errors)


def sentences_frame_empty() -> pd.DataFrame:
    from .tables import SENTENCE_COLUMNS

    return pd.DataFrame(columns=list(SENTENCE_COLUMNS))
