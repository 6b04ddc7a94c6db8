"""The `peel` command: a thin shell over the library, one library function per command.

Exit codes: 0 when everything was read, 1 when some files failed (the rest are
still written), 2 for a usage error or an input that cannot be used at all. Every
error a user can cause is a `PeelError`, printed as one line per problem, never a traceback.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from .errors import PeelError
from .types import WARNING_KINDS

DEFAULT_ENGINE = "pdfium"

app = typer.Typer(
    name="peel",
    help="Read police inspection reports into counted, traceable findings.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

Inputs = Annotated[list[Path], typer.Argument(help="Report files (.pdf, .txt, .html) or folders of them.")]
OutDir = Annotated[Path, typer.Option("--out", "-o", help="Folder to write the tables into.")]
ModelOption = Annotated[Optional[Path], typer.Option(help="Model folder or name; the shipped model by default.")]
Engine = Annotated[str, typer.Option(help="PDF engine: pdfium (fast) or pdfplumber (the reference).")]
Jobs = Annotated[int, typer.Option("--jobs", "-j", help="Worker processes.")]
Timeout = Annotated[float, typer.Option(help="Seconds per file before it is stopped (0: no limit).")]
MemoryMb = Annotated[int, typer.Option(help="Memory cap per worker in MB (0: no cap).")]
MaxFileMb = Annotated[float, typer.Option(help="Larger files are recorded as too_large (0: no limit).")]
MaxPages = Annotated[int, typer.Option(help="PDFs with more pages are recorded as too_large (0: no limit).")]


def _say(message: str) -> None:
    typer.echo(message, err=True)


@contextmanager
def _user_errors(code: int = 2) -> Iterator[None]:
    """Print a `PeelError` as ``peel: <message>`` (one line per problem) and exit with ``code``."""
    try:
        yield
    except PeelError as exc:
        first, *rest = str(exc).splitlines() or [type(exc).__name__]
        _say(f"peel: {first}")
        for line in rest:
            _say(f"  {line}")
        raise typer.Exit(code) from None


class _Progress:
    """A rich progress bar on stderr when it is a terminal; silent otherwise."""

    def __init__(self) -> None:
        self.bar: Any = None

    def start(self, total: int) -> None:
        if sys.stderr.isatty():
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                TimeRemainingColumn(), transient=True)
            self.bar.start()
            self.task = self.bar.add_task("reading reports", total=total)

    def advance(self, path: str) -> None:
        if self.bar is not None:
            self.bar.update(self.task, advance=1, description=Path(path).name[:40])

    def stop(self) -> None:
        if self.bar is not None:
            self.bar.stop()


@app.command()
def run(
    inputs: Inputs,
    out: OutDir,
    model: ModelOption = None,
    no_structure: Annotated[
        bool, typer.Option("--no-structure", help="Classify sentences alone, ignoring section kinds and grade lines.")
    ] = False,
    jobs: Jobs = 1,
    timeout: Timeout = 300.0,
    memory_mb: MemoryMb = 4096,
    max_file_mb: MaxFileMb = 500.0,
    max_pages: MaxPages = 5000,
    engine: Engine = DEFAULT_ENGINE,
    scheduler: Annotated[
        Optional[str], typer.Option(help="Dask scheduler address (tcp://host:8786): run the files on that cluster.")
    ] = None,
    resume: Annotated[
        bool, typer.Option("--resume/--no-resume", help="Keep per-file results in DIR/.peel-cache and skip files done.")
    ] = True,
    metadata: Annotated[Optional[Path], typer.Option(
        help="CSV with path,force,year,programme,url: what you know about the reports, over what they seem to say.")
    ] = None,
) -> None:
    """Read, classify and aggregate reports: findings, reports, themes, errors tables and report.html in DIR."""
    from .batch import run as run_batch

    progress = _Progress()
    with _user_errors():
        config = _config(jobs, timeout, memory_mb, max_file_mb, max_pages, engine,
                         use_structure=not no_structure, scheduler=scheduler)
        try:
            results = run_batch(inputs, out, model=model, config=config, resume=resume, metadata=metadata,
                                on_start=progress.start, on_file=lambda r: progress.advance(r.path))
        finally:
            progress.stop()
    _summary(results, out)
    raise typer.Exit(1 if results.failed else 0)


def _config(jobs: int, timeout: float, memory_mb: int, max_file_mb: float, max_pages: int, engine: str,
            **more: Any) -> Any:
    """The run settings from the command's limits (0 means no limit)."""
    from .batch import RunConfig

    return RunConfig(jobs=jobs, timeout=timeout or None, memory_mb=memory_mb or None, max_file_mb=max_file_mb or None,
                     max_pages=max_pages or None, engine=engine, **more)


def _summary(results: Any, out: Path) -> None:
    reports = results.reports
    ok = reports[reports["status"] == "ok"]
    _say(f"{len(ok)} reports read ({ok['force'].nunique()} forces), {results.failed} failed, "
         f"{int((reports['status'] == 'duplicate').sum())} duplicates skipped")
    _say(f"{results.n_findings} findings in {results.n_sentences} sentences")
    negative = results.themes[results.themes["polarity"] == "negative"].head(5)
    if len(negative):
        _say("most recurring negative themes (forces, findings):")
        for row in negative.itertuples():
            _say(f"  {row.theme:<28} {row.n_forces:>3} {row.n_findings:>5}")
    for row in results.errors.itertuples():
        _say(f"{'warning' if row.kind in WARNING_KINDS else 'failed'}: {row.path}: {row.kind}")
    if results.discarded:
        _say(f"warning: {len(results.discarded)} damaged cache shard(s) discarded and their files read again "
             "(listed in run.json)")
    unsure = ok[ok["force_source"].isin(["guessed"]) | ok["force"].isna()] if "force_source" in ok else ok.iloc[:0]
    undated = ok[ok["year"].isna()]
    if len(unsure):
        _say(f"warning: {len(unsure)} report(s) with no force or a guessed one (force_source in reports.csv); "
             "name them in a --metadata CSV")
    if len(undated):
        _say(f"warning: {len(undated)} report(s) without a year; give it in a --metadata CSV")
    _say(f"tables and report.html written to {out}")


@app.command()
def extract(
    inputs: Inputs,
    out: OutDir,
    jobs: Jobs = 1,
    timeout: Timeout = 300.0,
    memory_mb: MemoryMb = 4096,
    max_file_mb: MaxFileMb = 500.0,
    max_pages: MaxPages = 5000,
    engine: Engine = DEFAULT_ENGINE,
) -> None:
    """Read and segment reports (no model): DIR/sentences.parquet and DIR/sentences.csv."""
    from .batch import extract as run_extract

    progress = _Progress()
    with _user_errors():
        config = _config(jobs, timeout, memory_mb, max_file_mb, max_pages, engine)
        try:
            sentences, errors = run_extract(inputs, out, config=config, on_start=progress.start,
                                            on_file=progress.advance)
        finally:
            progress.stop()
    failed = errors[~errors["kind"].isin(WARNING_KINDS)] if len(errors) else errors
    for row in errors.itertuples():
        _say(f"peel: {row.message}")
    if sentences.empty and len(failed):
        raise typer.Exit(1)
    _say(f"{len(sentences)} sentences from {sentences['report_id'].nunique()} report(s) written to {out}")
    raise typer.Exit(1 if len(failed) else 0)


@app.command()
def classify(
    file: Annotated[Path, typer.Argument(help="JSONL: one object per line with a 'text' key.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="JSONL to write, with the classify columns added.")],
    model: ModelOption = None,
) -> None:
    """Classify sentences from a JSONL file; other keys are kept."""
    from .batch.records import classify_file

    with _user_errors():
        n = classify_file(file, out, model=model)
    _say(f"{n} sentences classified into {out}")


@app.command()
def train(
    labelled: Annotated[list[Path], typer.Argument(
        help="Labelled records: LABELLING.md JSONL, CSV, Label Studio JSON export or Prodigy JSONL (by extension).")],
    out: OutDir,
    taxonomy: Annotated[Optional[Path], typer.Option(help="Taxonomy JSON; the shipped one by default.")] = None,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
    cross_validate: Annotated[
        bool, typer.Option("--cross-validate/--no-cross-validate", help="Leave-one-force-out scores for the card.")
    ] = True,
    baseline: Annotated[Optional[list[Path]], typer.Option(
        help="Records the current default was trained on: compare both recipes on the same folds.")] = None,
    promote: Annotated[bool, typer.Option(help="Make the new model the default if it is not worse.")] = False,
    force: Annotated[bool, typer.Option(help="With --promote: make it the default even if it is worse.")] = False,
    name: Annotated[Optional[str], typer.Option(help="Name to keep the model under (default: its date and hash).")] = None,
    models_dir: Annotated[Optional[Path], typer.Option(help="Model registry folder (default: the shipped models).")] = None,
    jobs: Annotated[int, typer.Option("--jobs", "-j", help="Worker processes for the cross-validation folds.")] = 1,
) -> None:
    """Train a model on labelled records; write it, its metadata and model card to DIR; optionally compare and promote."""
    from .learn.retrain import retrain

    with _user_errors():
        done = retrain(labelled, out, baseline=baseline or (), taxonomy=taxonomy, seed=seed,
                       cross_validate_first=cross_validate, promote_if_not_worse=promote, force=force, name=name,
                       models_dir=models_dir, progress=_say, n_jobs=jobs)
    _say(f"model written to {done.directory}")
    if done.comparison is None:
        return
    typer.echo(done.comparison.to_string(index=False))
    diff = done.difference or {}
    _say(f"macro-F1 difference {diff['value']:+.3f} [{diff['low']:+.3f}, {diff['high']:+.3f}]: "
         + ("worse beyond the interval" if done.worse else "not worse"))
    if done.promoted:
        _say(f"{done.directory} is now the default model"
             + (f"; the previous one is kept as '{done.previous}'" if done.previous else ""))
    elif promote:
        _say("not promoted: the new model is worse (use --force to promote it anyway)")


@app.command()
def queue(
    findings: Annotated[Path, typer.Argument(help="findings.parquet/.csv from `peel run`, or sentences from `peel extract`.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="File to write (.jsonl, .csv, .json for Label Studio, .prodigy.jsonl).")],
    n: Annotated[int, typer.Option("--n", help="How many sentences to queue.")] = 100,
    strategy: Annotated[str, typer.Option(help="margin, least_confidence, mixed (uncertain and random in turn) or random.")] = "margin",
    fmt: Annotated[Optional[str], typer.Option("--format", help="jsonl, csv, labelstudio or prodigy (default: from --out).")] = None,
    model: ModelOption = None,
) -> None:
    """Pick the sentences most worth labelling, spread across forces, prefilled with the model's guesses."""
    from .learn.active import queue_file

    with _user_errors():
        picked = queue_file(findings, out, n=n, strategy=strategy, fmt=fmt, model=model)  # type: ignore[arg-type]
    _say(f"{len(picked)} sentences queued in {out} ({picked['force'].nunique()} forces)")


@app.command()
def evaluate(
    labelled: Annotated[list[Path], typer.Argument(help="Labelled records (JSONL or CSV).")],
    model: ModelOption = None,
) -> None:
    """Score a model on labelled records; prints a table and the JSON metrics."""
    from .learn.card import metrics_table
    from .learn.evaluate import evaluate_files

    with _user_errors():
        metrics = evaluate_files(labelled, model=model)
    typer.echo(metrics_table(metrics))


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("peel: interrupted", err=True)
        sys.exit(130)


if __name__ == "__main__":
    main()
