"""Which files a batch reads: the files named, and the report files inside the folders named."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..errors import ReadError
from ..read import OTHER_DOCUMENTS, SUPPORTED_SUFFIXES


def report_paths(inputs: Iterable[str | Path]) -> list[Path]:
    """Files named directly, plus the report files inside named folders (recursively), sorted.

    A file named directly is kept whatever its extension, and so are other documents found in a
    folder (.docx, .odt, .rtf, .xlsx, ...), so that each is reported as an error with advice on
    converting it rather than skipped without a word; so are pipes, devices, dangling links and
    link loops with a report's name (each gets a ``not_a_file`` row). Hidden files, images and
    other files are passed over.
    """
    found: dict[Path, None] = {}
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            for p in sorted(path.rglob("*")):
                if _wanted(p, path):
                    found.setdefault(p, None)
        else:
            found.setdefault(path, None)
    return list(found)


def _wanted(path: Path, root: Path) -> bool:
    """A report file (or something posing as one: a pipe, a dangling link, a link loop, which then get
    a row saying what they are) that is not hidden."""
    if path.suffix.lower() not in (*SUPPORTED_SUFFIXES, *OTHER_DOCUMENTS):
        return False
    if any(part.startswith(".") for part in path.relative_to(root).parts):
        return False
    try:
        return not path.is_dir()
    except OSError:  # a link loop
        return True


def no_reports_error() -> ReadError:
    """The error for inputs that hold no report file at all."""
    return ReadError(
        f"no report files found in the inputs given (looked for {', '.join(SUPPORTED_SUFFIXES)} files). "
        "Check the paths."
    )
