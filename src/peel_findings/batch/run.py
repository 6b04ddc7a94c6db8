"""A batch over many files: map the per-file task, keep each result as a shard, assemble the tables.

`analyse` maps `isolate.run_file` over the files (in process, in a local worker pool, or on a
Dask cluster) and assembles the tables; `run` does that and writes them. The same report met
twice (as PDF and as text, say) is counted once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._files import sha256_file
from .._version import __version__
from ..aggregate import recurring_themes, shared_text_flags
from ..findings import FINDING_COLUMNS, REPORT_COLUMNS, REPORT_EXTRA_COLUMNS, SENTENCE_COLUMNS, sentences_frame
from ..outputs import write_results
from ..outputs.files import prepare_out_dir, write_table
from ..pipeline import read_report
from ..types import Report, Results
from . import shards
from .config import RunConfig
from .discover import no_reports_error, report_paths
from .isolate import FileResult, errors_frame, failed, read_isolated, run_file
from .parallel import Limits, map_dask, map_local, model_argument
from .sidecar import overrides_for, read_sidecar

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..model import Model

# Failures that may not recur (a slow machine, a busy one): not cached, so a re-run tries again.
RETRY_KINDS = frozenset({"timeout", "crashed", "memory", "internal"})


def analyse(
    paths: Iterable[str | Path],
    model: Model | str | Path | None = None,
    config: RunConfig | None = None,
    cache_dir: str | Path | None = None,
    on_file: Callable[[FileResult], None] | None = None,
    reader: Callable[..., Report] | None = None,
    use_structure: bool | None = None,
    on_start: Callable[[int], None] | None = None,
    metadata: str | Path | None = None,
) -> Results:
    """Read, classify and aggregate many reports (files or folders).

    Every failure becomes a row of ``Results.errors`` and the run goes on. With
    ``cache_dir``, each file's result is kept as a shard there and a re-run skips files
    already done (same content, same settings, same model). ``on_start`` is told how many
    files were found; ``on_file`` gets each file's result as it is done. ``metadata`` is a CSV
    (`sidecar`) whose force, year and programme replace what was read from the reports.
    """
    from ..model import Model, load_model

    overrides = read_sidecar(metadata) if metadata is not None else {}
    config = config or RunConfig(timeout=None)
    if use_structure is not None:
        config = replace(config, use_structure=use_structure)
    files = [str(p) for p in report_paths(paths)]
    if not files:
        raise no_reports_error()
    if on_start:
        on_start(len(files))
    loaded = model if isinstance(model, Model) else load_model(model)
    print_ = shards.fingerprint({"version": __version__, **config.settings(),
                                 "model": loaded.metadata.get("model_sha256"),
                                 "reader": getattr(reader, "__qualname__", None)})
    results: dict[str, FileResult] = {}
    todo: dict[str, Path | None] = {}
    for path in files:
        shard = _shard_for(path, cache_dir, print_)
        if shard is not None and shard.exists():
            results[path] = FileResult(path, *_as_tuple(shards.load(shard)))
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
    return assemble(list(results.values()), overrides)


def run(
    inputs: Iterable[str | Path],
    out: str | Path,
    model: Model | str | Path | None = None,
    config: RunConfig | None = None,
    resume: bool = True,
    on_start: Callable[[int], None] | None = None,
    on_file: Callable[[FileResult], None] | None = None,
    metadata: str | Path | None = None,
) -> Results:
    """`peel run`: `analyse` the inputs, keeping shards in ``out`` when resuming, and write the tables there.

    ``out`` is checked before any file is read: a file or a folder that cannot be written is an
    `OutputError` at once, not after the work.
    """
    import time

    prepare_out_dir(out)
    started = time.time()
    config = config or RunConfig()
    results = analyse(inputs, model=model, config=config, cache_dir=out if resume else None,
                      on_start=on_start, on_file=on_file, metadata=metadata)
    write_results(results, out, manifest={"started": started, "finished": time.time(), "config": config.__dict__,
                                          "inputs": [str(i) for i in inputs]})
    return results


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
            yield done.path, failed(Path(done.path), "read", done.failure, done.message)
        else:
            yield done.path, done.result


def _shard_for(path: str, cache_dir: str | Path | None, print_: str) -> Path | None:
    if cache_dir is None:
        return None
    try:
        return shards.shard_path(Path(cache_dir), sha256_file(path), print_)
    except OSError:
        return None


def _as_tuple(parts: tuple[pd.DataFrame, dict[str, Any], list[dict[str, str]]]) -> tuple:
    findings, report, errors = parts
    return findings, report, tuple(errors)


def _through_shard(result: FileResult, shard: Path | None) -> FileResult:
    """Store a result as a shard (when resuming is on) and return it in the shard's form, so that
    fresh and resumed results are identical."""
    if shard is not None and not any(e["kind"] in RETRY_KINDS for e in result.errors):
        shards.save(shard, shards.dumps(result.findings, result.report, list(result.errors)))
    return FileResult(result.path, *_as_tuple(shards.normalise(result.findings, result.report, list(result.errors))))


def assemble(results: list[FileResult], overrides: dict[str, dict[str, Any]] | None = None) -> Results:
    """The batch tables from per-file results, in a stable order; duplicate reports counted once.

    ``overrides`` (from a metadata sidecar) replace a report's force, year and programme. Sentences
    that stand in three or more forces' reports are marked ``shared_text``.
    """
    import pandas as pd

    rows, frames, errors = [], [], []
    seen: dict[tuple, list[tuple[str, set[str]]]] = {}
    for result in sorted(results, key=_preference):
        result = _with_overrides(result, overrides_for(result.path, overrides or {}))
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
    findings["year"] = findings["year"].astype("Int64")
    findings["shared_text"] = shared_text_flags(findings).to_numpy(dtype=bool) if len(findings) else \
        pd.Series(dtype=bool)
    reports = pd.DataFrame(rows)
    grade_columns = sorted(c for c in reports.columns if c.startswith("grade_"))
    extra = [c for c in ("duplicate_of",) if c in reports.columns]
    extra += [c for c in ("url",) if c in reports.columns]
    reports = reports.reindex(columns=[*REPORT_COLUMNS, *grade_columns, "status", *REPORT_EXTRA_COLUMNS, *extra])
    reports = reports.sort_values("path", kind="stable").reset_index(drop=True)
    for column in ("year", "pages", "sentences", "findings"):
        reports[column] = pd.to_numeric(reports[column]).astype("Int64")
    errors_table = errors_frame(errors).sort_values("path", kind="stable").reset_index(drop=True)
    return Results(findings=findings, reports=reports, errors=errors_table, themes=recurring_themes(findings))


def _with_overrides(result: FileResult, values: dict[str, Any] | None) -> FileResult:
    """A result with the sidecar's force, year and programme in its report row and every findings row."""
    if not values or result.report.get("status") != "ok":
        return result
    report = dict(result.report)
    findings = result.findings.copy()
    for column in ("force", "year", "programme"):
        if column in values:
            report[column] = values[column]
            findings[column] = values[column]
    if "force" in values:
        report["force_source"] = "sidecar"
    if "url" in values:
        report["url"] = values["url"]
    return FileResult(result.path, findings, report, result.errors)


def _overlap(a: set[str], b: set[str]) -> float:
    """Share of sentences two reports have in common (the same report in two formats: most)."""
    return len(a & b) / max(1, min(len(a), len(b)))


def _preference(result: FileResult) -> tuple[int, str]:
    """PDF before text when the same report is present in both (PDF has page numbers)."""
    return (0 if result.path.lower().endswith(".pdf") else 1, result.path)


def extract(
    inputs: Iterable[str | Path],
    out: str | Path | None = None,
    on_start: Callable[[int], None] | None = None,
    on_file: Callable[[str], None] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """`peel extract`: read and segment reports, no model: (sentences, errors) frames.

    With ``out`` (checked before any file is read), the sentences are also written there as
    ``sentences.parquet`` and ``sentences.csv``.
    """
    import pandas as pd

    if out is not None:
        prepare_out_dir(out)
    files = report_paths(inputs)
    if not files:
        raise no_reports_error()
    if on_start:
        on_start(len(files))
    frames, errors = [], []
    for path in files:
        report = read_isolated(path, read_report)
        if isinstance(report, dict):
            errors.append(report)
        else:
            frames.append(sentences_frame(report))
        if on_file:
            on_file(str(path))
    sentences = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=list(SENTENCE_COLUMNS))
    if out is not None and len(sentences):
        write_table(sentences, out, "sentences")
    return sentences, errors_frame(errors)
