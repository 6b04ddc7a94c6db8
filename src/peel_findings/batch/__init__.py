"""Many report files: discovery, per-file isolation, limits, parallel workers, the resume cache."""

from .config import RunConfig
from .isolate import FileResult, process_file
from .run import analyse, extract, run
from .work import Job, Outcome, work_file

__all__ = ["FileResult", "Job", "Outcome", "RunConfig", "analyse", "extract", "process_file", "run", "work_file"]
