"""A batch over many files: map the per-file task, keep each result as a shard, assemble, write.

`analyse` maps `work.work_file` over the files (in process, in a local worker pool, or on a Dask
cluster), plans the run from the outcomes (`assemble.plan`) and gathers the findings into one
frame for a notebook. `run` (`peel run`) does the same but never gathers them: it streams them
from the shards into the output files, so its memory does not grow with the archive. `extract`
(`peel extract`) is the same path without the model. The same report met twice (as PDF and as
text, say) is counted once.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._version import __version__
from ..aggregate import recurring_themes
from ..findings import FINDING_COLUMNS, SENTENCE_COLUMNS
from ..outputs import write_run
from ..outputs.files import locked, prepare_out_dir, write_table
from ..types import Results, RunTables
from . import shards
from .assemble import Plan, plan, stream
from .config import RunConfig
from .discover import no_reports_error, report_paths
from .isolate import failed
from .parallel import Limits, map_dask, map_local, model_argument
from .sidecar import read_sidecar
from .work import Job, Outcome, StatIndex, work_file

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..model import Model

OnFile = Callable[[Outcome], None]


def analyse(
    paths: Iterable[str | Path],
    model: Model | str | Path | None = None,
    config: RunConfig | None = None,
    cache_dir: str | Path | None = None,
    on_file: OnFile | None = None,
    reader: Callable[..., Any] | None = None,
    use_structure: bool | None = None,
    on_start: Callable[[int], None] | None = None,
    metadata: str | Path | None = None,
) -> Results:
    """Read, classify and aggregate many reports (files or folders) into frames.

    Every failure becomes a row of ``Results.errors`` and the run goes on. With ``cache_dir``,
    each file's result is kept as a shard in its ``.peel-cache`` and a re-run skips files already done (same
    content, same settings, same model). ``on_start`` is told how many files were found;
    ``on_file`` gets each file's `Outcome` as it is done. ``metadata`` is a CSV (`sidecar`) whose
    force, year and programme replace what was read from the reports. ``reader`` replaces the
    report reader (a picklable function of a path).
    """
    import pandas as pd

    from ..findings import from_arrow

    config = config or RunConfig(timeout=None)
    if use_structure is not None:
        config = replace(config, use_structure=use_structure)
    with _cache(Path(cache_dir) / shards.SHARD_DIR if cache_dir is not None else None) as cache:
        the_plan, dispersion = _execute(paths, "findings", model, config, cache, reader, on_start, on_file, metadata)
        frames = [from_arrow(rows.table) for rows in stream(the_plan)]
    findings = pd.concat(frames, ignore_index=True) if frames else \
        pd.DataFrame(columns=[*FINDING_COLUMNS, "shared_text"])
    findings["year"] = findings["year"].astype("Int64")
    return Results(findings=findings, reports=the_plan.reports, errors=the_plan.errors,
                   themes=recurring_themes(findings, dispersion=dispersion), dispersion=dispersion)


def run(
    inputs: Iterable[str | Path],
    out: str | Path,
    model: Model | str | Path | None = None,
    config: RunConfig | None = None,
    resume: bool = True,
    on_start: Callable[[int], None] | None = None,
    on_file: OnFile | None = None,
    metadata: str | Path | None = None,
) -> RunTables:
    """`peel run`: read, classify and aggregate the inputs, and write every output into ``out``.

    ``out`` is checked before any file is read (a file, a folder that cannot be written, a folder
    inside an input: `OutputError` at once) and locked for the run. With ``resume``, shards stay
    in ``out/.peel-cache`` and a re-run skips the files already done. Returns the tables the
    outputs were written from (not every sentence: those are in ``out/findings.parquet``).
    """
    import time

    inputs = list(inputs)
    out = prepare_out_dir(out, inputs)
    started = time.time()
    config = config or RunConfig()
    with locked(out), _cache(out / shards.SHARD_DIR if resume else None, scratch_in=out) as cache:
        the_plan, dispersion = _execute(inputs, "findings", model, config, cache, None, on_start, on_file, metadata)
        manifest = {"started": started, "files_done": time.time(), "config": config.__dict__,
                    "inputs": [str(i) for i in inputs], "resume": resume}
        tables, _ = write_run(stream(the_plan), the_plan.reports, the_plan.errors, out, manifest, dispersion,
                              the_plan.discarded)
    return tables


def extract(
    inputs: Iterable[str | Path],
    out: str | Path | None = None,
    on_start: Callable[[int], None] | None = None,
    on_file: Callable[[str], None] | None = None,
    config: RunConfig | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """`peel extract`: read and segment reports, no model: (sentences, errors) frames.

    Each file is read as in `peel run`: in a worker under the same time and memory limits. With
    ``out`` (checked before any file is read), the sentences are also written there as
    ``sentences.parquet`` and ``sentences.csv``.
    """
    import pandas as pd

    from ..findings import from_arrow

    inputs = list(inputs)
    if out is not None:
        out = prepare_out_dir(out, inputs)
    config = config or RunConfig(timeout=None)
    report_file = (lambda outcome: on_file(outcome.path)) if on_file else None
    with _cache(None, scratch_in=out) as cache:
        the_plan, _ = _execute(inputs, "sentences", None, config, cache, None, on_start, report_file, None)
        frames = [from_arrow(rows.table) for rows in stream(the_plan)]
    sentences = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=list(SENTENCE_COLUMNS))
    if out is not None and len(sentences):
        with locked(out):
            write_table(sentences, out, "sentences")
    return sentences, the_plan.errors


def _execute(
    inputs: Iterable[str | Path], mode: str, model: Any, config: RunConfig, cache: Path,
    reader: Callable[..., Any] | None, on_start: Callable[[int], None] | None, on_file: OnFile | None,
    metadata: str | Path | None,
) -> tuple[Plan, float]:
    """Every file through `work_file`; the run's `Plan` and the model's estimate dispersion."""
    from ..model.store import model_identity

    overrides = read_sidecar(metadata) if metadata is not None else {}
    files = [str(p) for p in report_paths(inputs)]
    if not files:
        raise no_reports_error()
    identity = model_identity(model) if mode == "findings" else {"dispersion": 1.0}
    print_ = shards.fingerprint({"version": __version__, "mode": mode, **config.settings(), **identity,
                                 "reader": getattr(reader, "__qualname__", None)})
    job = Job(cache=str(cache), print_=print_, mode=mode, model=model_argument(model), reader=reader,
              use_structure=config.use_structure, max_file_mb=config.max_file_mb, max_pages=config.max_pages,
              engine=config.engine, inline=bool(config.scheduler))
    if on_start:
        on_start(len(files))
    index = StatIndex(cache)
    outcomes, todo = [], []
    for path in files:
        known = index.lookup(path, job.print_)
        if known is None:
            todo.append(path)
            continue
        outcomes.append(known)
        if on_file:
            on_file(known)
    for outcome in _map(todo, job, config, cache):
        outcomes.append(outcome)
        if on_file:
            on_file(outcome)
    index.save(outcomes)
    return plan(outcomes, overrides, mode), identity["dispersion"]


def _map(paths: list[str], job: Job, config: RunConfig, cache: Path) -> Iterator[Outcome]:
    """Each file's outcome, computed in process, in a local pool or on a Dask cluster."""
    if config.scheduler:
        done_iter = map_dask(work_file, paths, job, config.scheduler)
    elif config.jobs == 1 and config.timeout is None:  # no limits to enforce: in this process
        for path in paths:
            yield work_file(path, job)
        return
    else:
        logs = tempfile.mkdtemp(prefix=".peel-logs-", dir=cache)
        done_iter = _removing(map_local(work_file, paths, job, config.jobs, Limits(config.timeout, config.memory_mb),
                                        logs=logs), logs)
    for done in done_iter:
        if done.failure:
            result = failed(Path(done.path), "read", done.failure, done.message)
            yield Outcome(done.path, result.report, result.errors)
        elif done.result.data is not None:  # a cluster worker's shard: stored here, so resuming works
            shards.save(Path(done.result.shard), done.result.data)
            yield replace(done.result, data=None)
        else:
            yield done.result


def _removing(items: Iterator[Any], folder: str) -> Iterator[Any]:
    """``items``, then ``folder`` removed (the workers' stderr logs)."""
    import shutil

    try:
        yield from items
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def _cache(folder: str | Path | None, scratch_in: str | Path | None = None) -> Iterator[Path]:
    """The folder shards go to: ``folder`` (the resume cache, kept), or a scratch folder removed after."""
    import shutil

    if folder is not None:
        Path(folder).mkdir(parents=True, exist_ok=True)
        yield Path(folder)
        return
    scratch = Path(tempfile.mkdtemp(prefix=".peel-work-", dir=scratch_in))
    try:
        yield scratch
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
