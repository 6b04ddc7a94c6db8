"""Writing a run's results: findings (Parquet, CSV) streamed report by report, the tables, the evidence
files, the HTML report and the run manifest, written aside and moved into place as one set.

The findings are never all in memory: each report's rows go to ``findings.parquet``,
``findings.csv`` and the evidence files as they come, and feed the count estimates; what stays is
the finding rows without their text or scores, which every table and page is built from (the
report's quotes are read back from ``findings.parquet`` by id).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .._files import atomic_write_bytes
from .._version import __version__
from ..types import ReportRows, Results, RunTables
from . import html
from .files import resolve_inside, write_table
from .stream import write_findings
from .tables import read_findings

__all__ = ["read_findings", "write_results", "write_run"]

EVIDENCE_DIR = "evidence"


def write_results(results: Results, out: str | Path, manifest: dict[str, Any] | None = None) -> list[Path]:
    """Write an in-memory `Results` (from `analyse`) into ``out`` as `peel run` does."""
    from ..aggregate import text_keys
    from ..findings import schema_for, to_arrow

    findings = results.findings
    stream = []
    if len(findings):
        stream = [ReportRows(to_arrow(findings, schema_for(findings)), text_keys(findings["text"]))]
    _, written = write_run(stream, results.reports, results.errors, out, manifest, results.dispersion)
    return written


def write_run(
    stream: Iterable[ReportRows], reports: Any, errors: Any, out: str | Path, manifest: dict[str, Any] | None = None,
    dispersion: float = 1.0, discarded: Iterable[str] = (),
) -> tuple[RunTables, list[Path]]:
    """Write a run into ``out``: findings (parquet, csv) and the evidence behind each theme
    (evidence/<theme>.csv) from ``stream`` (one report's rows at a time), reports, themes and errors
    (csv), evidence.xlsx, report.html and, with a ``manifest``, run.json.

    Everything is written into a folder beside the outputs and moved into place at the end, so
    ``out`` holds one run's files, never a mix. The tables hold no times, so the same inputs give
    the same bytes; times and settings go to ``run.json``. The workbook is written by a second
    process while this one writes the report, where the platform can fork.
    """
    from .. import aggregate

    started = time.time()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".peel-staging-", dir=out))
    try:
        streamed = write_findings(stream, staging, dispersion, evidence=staging / EVIDENCE_DIR)
        evidence = streamed.evidence_frame()
        tables = RunTables(
            evidence=evidence, reports=reports, errors=errors,
            themes=aggregate.recurring_themes(evidence, dispersion=dispersion, estimates=streamed.overall()),
            matrix=aggregate.force_theme_matrix(evidence, dispersion=dispersion, estimates=streamed.by_force()),
            n_sentences=streamed.n_sentences, n_findings=len(evidence), n_template=streamed.n_template,
            n_shared=streamed.n_shared, discarded=tuple(discarded),
        )
        write_table(reports, staging, "reports", parquet=False)
        write_table(tables.themes, staging, "themes", parquet=False)
        write_table(errors, staging, "errors", parquet=False)
        workbook = _in_parallel(write_workbook, workbook_sheets(tables, staging), staging)
        write_report(tables, staging)
        workbook()
        if manifest is not None:
            finished = time.time()
            record = {**manifest, "finished": finished, "version": __version__,
                      "reports": int((reports["status"] == "ok").sum()), "failed": tables.failed,
                      "findings": tables.n_findings, "sentences": tables.n_sentences,
                      "cache_discarded": list(tables.discarded),
                      "parent": {"peak_rss_mb": _peak_rss_mb(), "cpu_seconds": round(time.process_time(), 2),
                                 "largest_report_rows": streamed.largest,
                                 "outputs_seconds": round(finished - started, 3)}}
            atomic_write_bytes(staging / "run.json", json.dumps(record, indent=2, default=str).encode("utf-8"))
        written = _publish(staging, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return tables, written


def write_report(tables: RunTables, folder: Path) -> Path:
    """report.html in ``folder``, its quotes' texts read from the findings.parquet there."""
    return html.write(tables, resolve_inside(folder, "report.html"),
                      texts=lambda ids: quote_texts(folder / "findings.parquet", ids))


def quote_texts(findings: Path, ids: set[str]) -> dict[str, str]:
    """The text of each sentence in ``ids``, read from findings.parquet a row group at a time."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    if not ids or not findings.exists():
        return {}
    wanted = pa.array(sorted(ids), pa.string())
    texts: dict[str, str] = {}
    for batch in pq.ParquetFile(findings).iter_batches(columns=["sentence_id", "text"]):
        hit = batch.filter(pc.is_in(batch.column("sentence_id"), value_set=wanted))
        texts.update(zip(hit.column("sentence_id").to_pylist(), hit.column("text").to_pylist()))
    return texts


def _in_parallel(write: Any, sheets: Any, folder: Path) -> Any:
    """Start ``write(sheets, folder)`` in a forked process (Linux, macOS) and return a function that waits
    for it; where forking is not available, or the process fails, write in this one. ``write`` must
    use plain Python only: a forked child must not touch the thread pools of Arrow or BLAS."""
    import multiprocessing

    if "fork" not in multiprocessing.get_all_start_methods():
        write(sheets, folder)
        return lambda: None
    process = multiprocessing.get_context("fork").Process(target=write, args=(sheets, folder), daemon=True)
    process.start()

    def wait() -> None:
        process.join()
        if process.exitcode != 0:  # write it here instead, so the error (if any) is ours to report
            write(sheets, folder)

    return wait


def _peak_rss_mb() -> float | None:
    """This process's peak resident memory in MB (None where the platform does not say)."""
    try:
        import resource
    except ImportError:  # Windows
        return None
    import sys

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)


def _publish(staging: Path, out: Path) -> list[Path]:
    """Move the staged outputs into ``out``, the evidence folder whole, run.json last."""
    written = []
    names = sorted(p.name for p in staging.iterdir())
    if EVIDENCE_DIR in names:
        target = out / EVIDENCE_DIR
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=".peel-old-", dir=out))
            os.replace(target, old / EVIDENCE_DIR)
            shutil.rmtree(old, ignore_errors=True)
        os.replace(staging / EVIDENCE_DIR, target)
        written += sorted(target.iterdir())
    elif (out / EVIDENCE_DIR).exists():
        shutil.rmtree(out / EVIDENCE_DIR, ignore_errors=True)
    for name in sorted(n for n in names if n not in (EVIDENCE_DIR, "run.json")) + \
            [n for n in names if n == "run.json"]:
        os.replace(staging / name, out / name)
        written.append(out / name)
    return written


def workbook_sheets(tables: RunTables, folder: Path) -> list[tuple[str, list[str], Any]]:
    """The sheets of evidence.xlsx: the tables as rows of plain values, then one sheet per core theme
    whose rows are read, when written, from the evidence file already in ``folder``."""
    import pandas as pd

    from .. import aggregate
    from ..taxonomy import load_taxonomy
    from .files import csv_safe

    findings = tables.evidence
    frames = {
        "themes": tables.themes,
        "force x theme": tables.matrix,
        "by year": aggregate.theme_by_year(findings, tables.reports) if len(findings) else pd.DataFrame(),
        "repeat concerns": aggregate.repeat_concerns(findings) if len(findings) else pd.DataFrame(),
        "reports": tables.reports,
        "errors": tables.errors,
    }
    sheets: list[tuple[str, list[str], Any]] = []
    for name, frame in frames.items():
        safe = csv_safe(frame)
        sheets.append((name, [str(c) for c in safe.columns], list(safe.itertuples(index=False, name=None))))
    for theme in load_taxonomy().core:
        sheets.append((theme, [], folder / EVIDENCE_DIR / f"{html._slug(theme)}.csv"))
    return sheets


def write_workbook(sheets: list[tuple[str, list[str], Any]], folder: Path) -> Path:
    """evidence.xlsx in ``folder`` from `workbook_sheets`. Plain Python only (the standard library's csv,
    zipfile), so that it is safe to run in a forked process."""
    from .xlsx import write_xlsx

    def expanded() -> Any:
        for name, columns, rows in sheets:
            if isinstance(rows, Path):
                columns, rows = _evidence_rows(rows)
            yield name, columns, rows

    return write_xlsx(folder / "evidence.xlsx", expanded())


def _evidence_rows(path: Path) -> tuple[list[str], Any]:
    """An evidence file's columns (without ``theme``) and rows, typed back: numbers, flags (already
    spreadsheet-safe as written)."""
    import csv

    if not path.exists():
        return ["force", "year", "polarity", "text"], iter(())
    handle = open(path, encoding="utf-8", newline="")
    reader = csv.reader(handle)
    header = next(reader, [])

    def rows() -> Any:
        with handle:
            for row in reader:
                yield tuple(_typed(v) for v in row[1:])

    return header[1:], rows()


def _typed(value: str) -> Any:
    if value in ("true", "false"):
        return value == "true"
    if value.isdigit() and len(value) < 10:
        return int(value)
    return value if value != "" else None
