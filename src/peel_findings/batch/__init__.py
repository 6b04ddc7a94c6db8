"""Many report files: discovery, per-file isolation, limits, parallel workers, the resume cache."""

from .config import RunConfig
from .isolate import FileResult, process_file, run_file
from .run import analyse, assemble, extract, run

__all__ = ["FileResult", "RunConfig", "analyse", "assemble", "extract", "process_file", "run", "run_file"]
