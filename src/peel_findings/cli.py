"""The `peel` command: a thin shell over the library.

Exit codes: 0 when everything was read, 1 when some files failed (the rest are
still written), 2 for a usage error or an input that cannot be used at all.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from .errors import PeelError

app = typer.Typer(
    name="peel",
    help="Read police inspection reports into counted, traceable findings.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

Inputs = Annotated[list[Path], typer.Argument(help="Report files (.pdf, .txt) or folders of them.")]
OutDir = Annotated[Path, typer.Option("--out", "-o", help="Folder to write the tables into.")]


def _fail(message: str, code: int = 2) -> None:
    typer.echo(f"peel: {message.splitlines()[0]}", err=True)
    raise typer.Exit(code)


def _say(message: str) -> None:
    typer.echo(message, err=True)


@app.command()
def run(
    inputs: Inputs,
    out: OutDir,
    model: Annotated[Optional[Path], typer.Option(help="Model folder; the shipped model by default.")] = None,
    no_structure: Annotated[
        bool, typer.Option("--no-structure", help="Classify sentences alone, ignoring section kinds and grade lines.")
    ] = False,
    jobs: Annotated[int, typer.Option("--jobs", "-j", help="Worker processes.")] = 1,
    timeout: Annotated[float, typer.Option(help="Seconds per file before it is stopped (0: no limit).")] = 300.0,
    memory_mb: Annotated[int, typer.Option(help="Memory cap per worker in MB (0: no cap).")] = 4096,
    max_file_mb: Annotated[float, typer.Option(help="Larger files are recorded as too_large (0: no limit).")] = 500.0,
    max_pages: Annotated[int, typer.Option(help="PDFs with more pages are recorded as too_large (0: no limit).")] = 5000,
    scheduler: Annotated[
        Optional[str], typer.Option(help="Dask scheduler address (tcp://host:8786): run the files on that cluster.")
    ] = None,
    resume: Annotated[
        bool, typer.Option("--resume/--no-resume", help="Keep per-file results in DIR/.peel-cache and skip files done.")
    ] = True,
) -> None:
    """Read, classify and aggregate reports: findings, reports, themes, errors tables and report.html in DIR."""
    import time

    from .batch import RunConfig, analyse, report_paths, write_results
    from .classify import load_model

    files = report_paths(inputs)
    if not files:
        _fail("no report files found in the inputs given (looked for .pdf and .txt files).")
    try:
        config = RunConfig(jobs=jobs, timeout=timeout or None, memory_mb=memory_mb or None,
                           max_file_mb=max_file_mb or None, max_pages=max_pages or None,
                           use_structure=not no_structure, scheduler=scheduler)
        loaded = load_model(model)
    except ValueError as exc:
        _fail(str(exc))
    except PeelError as exc:
        _fail(str(exc))
    started = time.time()
    with _progress(len(files)) as advance:
        results = analyse(files, model=model or loaded, config=config, cache_dir=out if resume else None,
                          on_file=lambda r: advance(r.path))
    write_results(results, out, manifest={"started": started, "finished": time.time(), "config": config.__dict__,
                                          "inputs": [str(i) for i in inputs]})
    _summary(results, out)
    raise typer.Exit(1 if results.failed else 0)


class _progress:
    """A rich progress bar on stderr when it is a terminal; silent otherwise."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.bar = None

    def __enter__(self):
        if sys.stderr.isatty():
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                TimeRemainingColumn(), transient=True)
            self.bar.start()
            self.task = self.bar.add_task("reading reports", total=self.total)
        return self._advance

    def _advance(self, path: str) -> None:
        if self.bar is not None:
            self.bar.update(self.task, advance=1, description=Path(path).name[:40])

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


def _summary(results, out: Path) -> None:
    reports = results.reports
    ok = reports[reports["status"] == "ok"]
    findings = results.findings
    n_findings = int(findings["is_finding"].sum()) if len(findings) else 0
    _say(f"{len(ok)} reports read ({ok['force'].nunique()} forces), {results.failed} failed, "
         f"{int((reports['status'] == 'duplicate').sum())} duplicates skipped")
    _say(f"{n_findings} findings in {len(findings)} sentences")
    negative = results.themes[results.themes["polarity"] == "negative"].head(5)
    if len(negative):
        _say("most recurring negative themes (forces, findings):")
        for row in negative.itertuples():
            _say(f"  {row.theme:<28} {row.n_forces:>3} {row.n_findings:>5}")
    for row in results.errors.itertuples():
        _say(f"failed: {row.path}: {row.kind}")
    _say(f"tables and report.html written to {out}")


@app.command()
def extract(inputs: Inputs, out: OutDir) -> None:
    """Read and segment reports (no model): DIR/sentences.parquet and DIR/sentences.csv."""
    from .batch import extract as run_extract
    from .tables import write_table

    try:
        sentences, errors = run_extract(inputs)
    except PeelError as exc:
        _fail(str(exc))
    for row in errors.itertuples():
        _say(f"peel: {row.message}")
    if sentences.empty and len(errors):
        raise typer.Exit(1)
    write_table(sentences, out, "sentences")
    _say(f"{len(sentences)} sentences from {sentences['report_id'].nunique()} report(s) written to {out}")
    raise typer.Exit(1 if len(errors) else 0)


@app.command()
def classify(
    file: Annotated[Path, typer.Argument(help="JSONL: one object per line with a 'text' key.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="JSONL to write, with the classify columns added.")],
    model: Annotated[Optional[Path], typer.Option(help="Model folder; the shipped model by default.")] = None,
) -> None:
    """Classify sentences from a JSONL file; other keys are kept."""
    from .classify import classify as run_classify
    from .classify import load_model

    rows = []
    try:
        with open(file, encoding="utf-8") as handle:
            for n, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as exc:
                    _fail(f"{file}:{n}: not valid JSON ({exc.msg}).")
                if not isinstance(row, dict) or not isinstance(row.get("text"), str):
                    _fail(f"{file}:{n}: each line must be a JSON object with a string 'text' key.")
                rows.append(row)
        loaded = load_model(model)
    except FileNotFoundError:
        _fail(f"{file}: no such file.")
    except PeelError as exc:
        _fail(str(exc))
    result = run_classify([r["text"] for r in rows], model=loaded)
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", encoding="utf-8") as handle:
        for row, pred in zip(rows, result.to_dict("records")):
            merged = dict(row)
            merged.update({k: v for k, v in pred.items() if k != "text"})
            merged["is_finding"] = bool(merged["is_finding"])
            merged["finding_score"] = round(float(merged["finding_score"]), 4)
            handle.write(json.dumps(merged, ensure_ascii=False) + "\n")
    _say(f"{len(rows)} sentences classified into {out}")


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
) -> None:
    """Train a model on labelled records; write it, its metadata and model card to DIR; optionally compare and promote."""
    from .interchange import import_records
    from .labels import load_taxonomy
    from .modelcard import train_and_save

    if promote and not baseline:
        _fail("--promote needs --baseline: the records the current default was trained on, to compare with.")
    try:
        tax = load_taxonomy(taxonomy)
        records = [r for path in labelled for r in import_records(path, taxonomy=tax)]
        base = [r for path in baseline or [] for r in import_records(path)]
        directory = train_and_save(records, out, taxonomy=tax, seed=seed, cross_validate=cross_validate,
                                   progress=_say, name=name)
    except PeelError as exc:
        _fail(str(exc))
    except ValueError as exc:
        _fail(str(exc))
    _say(f"model written to {directory}")
    if not baseline:
        return
    from .compare import compare, comparison_table
    from .registry import promote as make_default

    result = compare(base, records, taxonomy=tax, seed=seed, progress=_say)
    table = comparison_table(result)
    table.to_csv(directory / "comparison.csv", index=False)
    typer.echo(table.to_string(index=False))
    diff = result["macro_f1_difference"]
    verdict = (f"macro-F1 difference {diff['value']:+.3f} [{diff['low']:+.3f}, {diff['high']:+.3f}]: "
               + ("worse beyond the interval" if result["worse"] else "not worse"))
    _say(verdict)
    if promote and (not result["worse"] or force):
        previous = make_default(directory, models_dir)
        _say(f"{directory} is now the default model" + (f"; the previous one is kept as '{previous}'" if previous else ""))
    elif promote:
        _say("not promoted: the new model is worse (use --force to promote it anyway)")


@app.command()
def queue(
    findings: Annotated[Path, typer.Argument(help="findings.parquet/.csv from `peel run`, or sentences from `peel extract`.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="File to write (.jsonl, .csv, .json for Label Studio, .prodigy.jsonl).")],
    n: Annotated[int, typer.Option("--n", help="How many sentences to queue.")] = 100,
    strategy: Annotated[str, typer.Option(help="margin, least_confidence, mixed (uncertain and random in turn) or random.")] = "margin",
    fmt: Annotated[Optional[str], typer.Option("--format", help="jsonl, csv, labelstudio or prodigy (default: from --out).")] = None,
    model: Annotated[Optional[Path], typer.Option(help="Model folder or name; the default model otherwise.")] = None,
) -> None:
    """Pick the sentences most worth labelling, spread across forces, prefilled with the model's guesses."""
    import pandas as pd

    from .active import build_queue
    from .classify import load_model
    from .interchange import export_records

    if not findings.exists():
        _fail(f"{findings}: no such file.")
    try:
        table = pd.read_parquet(findings) if findings.suffix == ".parquet" else (
            pd.read_csv(findings) if findings.suffix == ".csv" else pd.read_json(findings, lines=True))
        picked = build_queue(table, n, model=load_model(model), strategy=strategy)  # type: ignore[arg-type]
        export_records(picked.to_dict("records"), out, fmt)  # type: ignore[arg-type]
    except (PeelError, ValueError) as exc:
        _fail(str(exc))
    _say(f"{len(picked)} sentences queued in {out} ({picked['force'].nunique()} forces)")


@app.command()
def evaluate(
    labelled: Annotated[list[Path], typer.Argument(help="Labelled records (JSONL or CSV).")],
    model: Annotated[Optional[Path], typer.Option(help="Model folder; the shipped model by default.")] = None,
) -> None:
    """Score a model on labelled records; prints a table and the JSON metrics."""
    from .classify import load_model
    from .labels import read_records
    from .modelcard import metrics_table
    from .train import evaluate as run_evaluate

    try:
        loaded = load_model(model)
        records = read_records(labelled)
    except PeelError as exc:
        _fail(str(exc))
    metrics = run_evaluate(loaded, records)
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
