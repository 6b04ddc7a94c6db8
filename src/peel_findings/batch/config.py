"""How a batch runs: limits, parallelism, and the settings that change a file's result."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import InvalidArgumentError

from ..read import PDF_ENGINES


@dataclass(frozen=True)
class RunConfig:
    """How a batch runs. Defaults suit a laptop; every limit can be raised or switched off (None).

    jobs: worker processes (1 reads files one at a time, still in a killable worker when a
    timeout is set). timeout: seconds per file before its worker is killed. memory_mb: cap per
    worker. max_file_mb / max_pages: larger files are recorded as ``too_large``. scheduler: a
    Dask scheduler address; files then run on that cluster. engine: the PDF engine, "pdfium" or
    "pdfplumber" (see `read`).
    """

    jobs: int = 1
    timeout: float | None = 300.0
    memory_mb: int | None = 4096
    max_file_mb: float | None = 500.0
    max_pages: int | None = 5000
    use_structure: bool = True
    scheduler: str | None = None
    engine: str = "pdfium"

    def __post_init__(self) -> None:
        problems = []
        if self.jobs < 1:
            problems.append(f"jobs must be at least 1; got {self.jobs!r}.")
        if self.timeout is not None and self.timeout <= 0:
            problems.append(f"timeout must be a positive number of seconds or None; got {self.timeout!r}.")
        if self.memory_mb is not None and self.memory_mb < 256:
            problems.append(f"memory_mb must be at least 256 (or None for no cap); got {self.memory_mb!r}.")
        if self.max_file_mb is not None and self.max_file_mb <= 0:
            problems.append(f"max_file_mb must be positive or None; got {self.max_file_mb!r}.")
        if self.max_pages is not None and self.max_pages < 1:
            problems.append(f"max_pages must be at least 1 or None; got {self.max_pages!r}.")
        if self.engine not in PDF_ENGINES:
            problems.append(f"engine must be one of {', '.join(PDF_ENGINES)}; got {self.engine!r}.")
        if problems:
            raise InvalidArgumentError(" ".join(problems))

    def settings(self) -> dict[str, Any]:
        """The settings that change a file's result (part of the resume fingerprint)."""
        return {"use_structure": self.use_structure, "engine": self.engine}
