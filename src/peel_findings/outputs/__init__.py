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
from .tables import findings_for_csv, read_findings

__all__ = ["read_findings", "write_results"]

EVIDENCE_DIR = "evidence"


def write_results(results: Results, out: str | Path, manifest: dict[str, Any] | None = None) -> list[Path]:
    """Write findings (parquet, csv), reports, themes and errors (csv), the evidence behind each theme
    (evidence/<theme>.csv), evidence.xlsx and report.html into ``out``.

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
    written = write_table(results.findings, out, "findings", parquet=True,
                          csv_frame=findings_for_csv(results.findings))
    written += write_table(results.reports, out, "reports", parquet=False)
    written += write_table(results.themes, out, "themes", parquet=False)
    written += write_table(results.errors, out, "errors", parquet=False)
    for theme, table in html.evidence_tables(results).items():
        written += write_table(table, out / EVIDENCE_DIR, html._slug(theme), parquet=False)
    written.append(write_workbook(results, resolve_inside(out, "evidence.xlsx")))
    written.append(html.write(results, resolve_inside(out, "report.html")))
    return written


def write_workbook(results: Results, path: Path) -> Path:
    """evidence.xlsx, for analysts in Excel: one sheet per table, one per core theme with its quotes."""
    import io

    import pandas as pd

    from .. import aggregate
    from ..taxonomy import load_taxonomy
    from .files import csv_safe

    findings = results.findings
    sheets = {
        "themes": results.themes,
        "force x theme": aggregate.force_theme_matrix(findings) if len(findings) else pd.DataFrame(),
        "by year": aggregate.theme_by_year(findings, results.reports) if len(findings) else pd.DataFrame(),
        "repeat concerns": aggregate.repeat_concerns(findings) if len(findings) else pd.DataFrame(),
        "reports": results.reports,
        "errors": results.errors,
    }
    evidence = html.evidence_tables(results)
    for theme in load_taxonomy().core:
        sheets[theme[:31]] = evidence.get(theme, pd.DataFrame(columns=["force", "year", "polarity", "text"]))
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            csv_safe(frame).to_excel(writer, sheet_name=name[:31], index=False)
    atomic_write_bytes(path, buffer.getvalue())
    return path
