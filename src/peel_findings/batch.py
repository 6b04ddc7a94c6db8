"""Many report files: finding them, one pure function per file, and the batch that maps it.

`process_file` takes one file to its findings, its `reports` row and any error rows;
it never raises for a bad file. `analyse` maps it over many files and assembles the
tables. The same report met twice (as PDF and as text, say) is counted once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd

from . import __version__, shards
from .aggregate import recurring_themes
from .classify import Model, load_model
from .findings import FINDING_COLUMNS, REPORT_COLUMNS, findings_frame, report_row
from .errors import PeelError, ReadError
from .parallel import Limits, map_dask, map_local, model_argument
from .pipeline import file_sha256, read_report
from .read import SUPPORTED_SUFFIXES
from .tables import SENTENCE_COLUMNS, errors_frame, sentences_frame
from .types import Report

def report_paths(inputs: Iterable[str | Path]) -> list[Path]:
    """Files named directly, plus the supported report files inside named folders (recursively), sorted.

    A file named directly is kept whatever its extension, so that an unsupported
    file is reported as an error rather than silently skipped.
    """
    found: dict[Path, None] = {}
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            for p in sorted(path.rglob("*")):
                if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES and not p.name.startswith("."):
                    found.setdefault(p, None)
        else:
            found.setdefault(path, None)
    return list(found)


@dataclass(frozen=True)
class FileResult:
    """Everything one file contributes: findings rows, its `reports` row, error rows."""

    path: str
    findings: pd.DataFrame
    report: dict[str, Any]
    errors: tuple[dict[str, str], ...] = ()


@dataclass
class Results:
    """The tables of a batch run (see DESIGN.md): findings, reports, errors, themes."""

    findings: pd.DataFrame
    reports: pd.DataFrame
    errors: pd.DataFrame
    themes: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def failed(self) -> int:
        return int(len(self.errors["path"].unique())) if len(self.errors) else 0


def error_row(path: str | Path, stage: str, kind: str, message: str) -> dict[str, str]:
    return {"path": str(path), "stage": stage, "kind": kind, "message": message.splitlines()[0]}


def process_file(
    path: str | Path,
    model: Model | None = None,
    reader: Callable[[Path], Report] = read_report,
    use_structure: bool = True,
) -> FileResult:
    """One report file to its findings and `reports` row. A bad file becomes error rows, never an exception."""
    path = Path(path)
    report = _read_isolated(path, reader)
    if isinstance(report, dict):
        return _failed(path, "read", report["kind"], report["message"])
    try:
        findings = findings_frame(report, model or load_model(), use_structure=use_structure)
    except PeelError as exc:
        return _failed(path, "classify", exc.kind, str(exc))
    return FileResult(str(path), findings, report_row(report, findings))


def _read_isolated(path: Path, reader: Callable[[Path], Report]) -> Report | dict[str, str]:
    """The report, or an error row: one bad file must never stop the others."""
    try:
        return reader(path)
    except PeelError as exc:
        return error_row(path, "read", exc.kind, str(exc))
    except MemoryError:
        return error_row(path, "read", "memory", f"{path}: reading it ran out of memory (the worker's memory cap).")
    except Exception as exc:
        return error_row(path, "read", "internal", f"{type(exc).__name__}: {exc}")


def _failed(path: Path, stage: str, kind: str, message: str) -> FileResult:
    try:
        sha = file_sha256(path)
    except OSError:
        sha = None
    row = {c: None for c in REPORT_COLUMNS}
    row.update(path=str(path), sha256=sha, status=kind, report_id=path.stem)
    return FileResult(str(path), pd.DataFrame(columns=list(FINDING_COLUMNS)), row, (error_row(path, stage, kind, message),))


@dataclass(frozen=True)
class RunConfig:
    """How a batch runs. Defaults suit a laptop; every limit can be raised or switched off (None).

    jobs: worker processes (1 reads files one at a time, still in a killable worker when a
    timeout is set). timeout: seconds per file before its worker is killed. memory_mb: cap per
    worker. max_file_mb / max_pages: larger files are recorded as ``too_large``. scheduler: a
    Dask scheduler address; files then run on that cluster.
    """

    jobs: int = 1
    timeout: float | None = 300.0
    memory_mb: int | None = 4096
    max_file_mb: float | None = 500.0
    max_pages: int | None = 5000
    use_structure: bool = True
    scheduler: str | None = None

    def __post_init__(self) -> None:
        if self.jobs < 1:
            raise ValueError(f"jobs must be at least 1; got {self.jobs!r}.")
        if self.max_file_mb is not None and self.max_file_mb <= 0:
            raise ValueError(f"max_file_mb must be positive or None; got {self.max_file_mb!r}.")
        if self.max_pages is not None and self.max_pages < 1:
            raise ValueError(f"max_pages must be at least 1 or None; got {self.max_pages!r}.")
        Limits(self.timeout, self.memory_mb)  # validates both

    def settings(self) -> dict[str, Any]:
        """The settings that change a file's result (part of the resume fingerprint)."""
        return {"use_structure": self.use_structure, "max_file_mb": self.max_file_mb, "max_pages": self.max_pages}


def run_file(
    path: str,
    model: Model | str | None = None,
    reader: Callable[..., Report] | None = None,
    use_structure: bool = True,
    max_file_mb: float | None = None,
    max_pages: int | None = None,
) -> FileResult:
    """The per-file task of a batch: size and page limits, then `process_file`. Picklable."""
    file = Path(path)
    try:
        size_mb = file.stat().st_size / 1e6
    except OSError as exc:
        return _failed(file, "read", "corrupt", f"{file}: cannot be opened ({exc.strerror}).")
    if max_file_mb is not None and size_mb > max_file_mb:
        return _failed(file, "read", "too_large",
                       f"{file}: {size_mb:.0f} MB is over the {max_file_mb:g} MB limit; raise --max-file-mb to read it.")
    loaded = model if isinstance(model, Model) else load_model(model)
    if reader is None:
        def reader(p: Path) -> Report:
            return read_report(p, max_pages=max_pages)
    return process_file(file, loaded, reader=reader, use_structure=use_structure)


def analyse(
    paths: Iterable[str | Path],
    model: Model | str | Path | None = None,
    config: RunConfig | None = None,
    cache_dir: str | Path | None = None,
    on_file: Callable[[FileResult], None] | None = None,
    reader: Callable[..., Report] | None = None,
    use_structure: bool | None = None,
) -> Results:
    """Read, classify and aggregate many reports (files or folders).

    Every failure becomes a row of ``Results.errors`` and the run goes on. With
    ``cache_dir``, each file's result is kept as a shard there and a re-run skips files
    already done (same content, same settings, same model).
    """
    config = config or RunConfig(timeout=None)
    if use_structure is not None:
        config = replace(config, use_structure=use_structure)
    files = [str(p) for p in report_paths(paths)]
    if not files:
        raise ReadError("No report files found in the inputs given (looked for .pdf and .txt files).")
    loaded = model if isinstance(model, Model) else load_model(model)
    print_ = shards.fingerprint({"version": __version__, **config.settings(),
                                 "model": loaded.metadata.get("model_sha256"),
                                 "reader": getattr(reader, "__qualname__", None)})
    results: dict[str, FileResult] = {}
    todo: dict[str, Path | None] = {}
    for path in files:
        shard = _shard_for(path, cache_dir, print_)
        if shard is not None and shard.exists():
            results[path] = _from_shard(path, shard)
            if on_file:
                on_file(results[path])
        else:
            todo[path] = shard
    kwargs = {"model": model_argument(model) if not isinstance(model, Model) else loaded, "reader": reader,
              "use_structure": config.use_structure, "max_file_mb": config.max_file_mb,
              "max_pages": config.max_pages}
    for path, result in _map(list(todo), kwargs, config, loaded):
        results[path] = _through_shard(result, todo[path])
        if on_file:
            on_file(results[path])
    return assemble(list(results.values()))


def _map(paths: list[str], kwargs: dict[str, Any], config: RunConfig, loaded: Model) -> Iterator[tuple[str, FileResult]]:
    """Each file's result, computed in process, in a local pool or on a Dask cluster."""
    if not paths:
        return
    if config.scheduler:
        done_iter = map_dask(run_file, paths, kwargs, config.scheduler)
    elif config.jobs == 1 and config.timeout is None:
        for path in paths:
            yield path, run_file(path, **{**kwargs, "model": loaded})
        return
    else:
        done_iter = map_local(run_file, paths, kwargs, config.jobs, Limits(config.timeout, config.memory_mb))
    for done in done_iter:
        if done.failure:
            yield done.path, _failed(Path(done.path), "read", done.failure, done.message)
        else:
            yield done.path, done.result


def _shard_for(path: str, cache_dir: str | Path | None, print_: str) -> Path | None:
    if cache_dir is None:
        return None
    try:
        return shards.shard_path(Path(cache_dir), file_sha256(path), print_)
    except OSError:
        return None


# Failures that may not recur (a slow machine, a busy one): not cached, so a re-run tries again.
RETRY_KINDS = frozenset({"timeout", "crashed", "memory", "internal"})


def _through_shard(result: FileResult, shard: Path | None) -> FileResult:
    """Store a result as a shard (when resuming is on) and return it in the shard's form, so that
    fresh and resumed results are identical."""
    data = shards.dumps(result.findings, result.report, list(result.errors))
    if shard is not None and not any(e["kind"] in RETRY_KINDS for e in result.errors):
        shards.save(shard, data)
    findings, report, errors = shards.loads(data)
    return FileResult(result.path, findings, report, tuple(errors))


def _from_shard(path: str, shard: Path) -> FileResult:
    findings, report, errors = shards.load(shard)
    return FileResult(path, findings, report, tuple(errors))


def assemble(results: list[FileResult]) -> Results:
    """The batch tables from per-file results, in a stable order; duplicate reports counted once."""
    results = sorted(results, key=lambda r: r.path)
    rows, frames, errors = [], [], []
    seen: dict[tuple, list[tuple[str, set[str]]]] = {}
    for result in sorted(results, key=_preference):
        row = dict(result.report)
        errors.extend(result.errors)
        key = (row.get("force"), row.get("programme"), row.get("year"))
        if row.get("status") == "ok" and None not in key:
            texts = set(result.findings["text"].str.lower().str.split().str.join(" "))
            original = next((rid for rid, other in seen.get(key, []) if _overlap(texts, other) >= 0.8), None)
            if original is not None:
                row["status"] = "duplicate"
                row["duplicate_of"] = original
                rows.append(row)
                continue
            seen.setdefault(key, []).append((row["report_id"], texts))
        rows.append(row)
        frames.append(result.findings)
    findings = pd.concat([f for f in frames if len(f)], ignore_index=True) if any(len(f) for f in frames) else \
        pd.DataFrame(columns=list(FINDING_COLUMNS))
    findings = findings.sort_values(["report_id", "sentence_id"], kind="stable").reset_index(drop=True)
    reports = pd.DataFrame(rows)
    grade_columns = sorted(c for c in reports.columns if c.startswith("grade_"))
    extra = [c for c in ("duplicate_of",) if c in reports.columns]
    reports = reports.reindex(columns=[*REPORT_COLUMNS, *grade_columns, "status", *extra])
    reports = reports.sort_values("path", kind="stable").reset_index(drop=True)
    for column in ("pages", "sentences", "findings"):
        reports[column] = pd.to_numeric(reports[column]).astype("Int64")
    errors_table = errors_frame(errors).sort_values("path", kind="stable").reset_index(drop=True)
    return Results(findings=findings, reports=reports, errors=errors_table, themes=recurring_themes(findings))


def _overlap(a: set[str], b: set[str]) -> float:
    """Share of sentences two reports have in common (the same report in two formats: most)."""
    return len(a & b) / max(1, min(len(a), len(b)))


def _preference(result: FileResult) -> tuple[int, str]:
    """PDF before text when the same report is present in both (PDF has page numbers)."""
    return (0 if result.path.lower().endswith(".pdf") else 1, result.path)


def extract(
    inputs: Iterable[str | Path], on_file: Callable[[str], None] | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read and segment reports, no model: (sentences, errors) frames."""
    files = report_paths(inputs)
    if not files:
        raise ReadError("No report files found in the inputs given (looked for .pdf and .txt files).")
    frames, errors = [], []
    for path in files:
        report = _read_isolated(path, read_report)
        if isinstance(report, dict):
            errors.append(report)
        else:
            frames.append(sentences_frame(report))
        if on_file:
            on_file(str(path))
    sentences = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=list(SENTENCE_COLUMNS))
    return sentences, errors_frame(errors)


def write_results(results: Results, out: str | Path, manifest: dict[str, Any] | None = None) -> list[Path]:
    """Write findings (parquet, csv), reports, themes and errors (csv) and report.html into ``out``.

    The tables hold no times, so the same inputs give the same bytes; times and settings
    go to ``run.json`` when a ``manifest`` is given.
    """
    import json

    from . import report as html_report
    from .tables import atomic_write_bytes, resolve_inside, write_table

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
    written.append(html_report.write(results, resolve_inside(out, "report.html")))
    return written
