"""Writing a run's results: the tables (CSV, Parquet), the HTML report, the run manifest."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .._files import atomic_write_bytes
from .._version import __version__
from ..types import Results
from . import html
from .files import resolve_inside, write_table

__all__ = ["write_results"]


def write_results(results: Results, out: str | Path, manifest: dict[str, Any] | None = None) -> list[Path]:
    """Write findings (parquet, csv), reports, themes and errors (csv) and report.html into ``out``.

    The tables hold no times, so the same inputs give the same bytes; times and settings
    go to ``run.json`` when a ``manifest`` is given.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    if manifest is not None:
        record = {**manifest, "version": __version__, "reports": int((results.reports["status"] == "ok").sum()),
                  "failed": results.failed, "findings": int(results.findings["is_finding"].sum())}
        atomic_write_bytes(resolve_inside(out, "run.json"),
                           json.dumps(record, indent=2, default=str).encode("utf-8"))
    written = write_table(results.findings, out, "findings", parquet=True)
    written += write_table(results.reports, out, "reports", parquet=False)
    written += write_table(results.themes, out, "themes", parquet=False)
    written += write_table(results.errors, out, "errors", parquet=False)
    written.append(html.write(results, resolve_inside(out, "report.html")))
    return written
