"""Classification throughput on one core: per-report calls and bulk, before and after the stacked heads.

    nice python benchmarks/bench_classify.py [--n 20000] [--per-report 5000] [--model PATH] [--steps]

``peel run`` scores each report in one call (100-500 sentences), so what counts there is the
rate of many small calls, with their fixed cost per call. For calls of 100 and of 500
sentences (labelled sentences in report order, with their context, as `findings_frame` passes
them), and for one bulk call, the table gives sentences per second of CPU time
(`time.process_time`, one process, thread pools limited to one thread):

- before: `Model.reference_scores`, each scikit-learn head's own ``predict_proba`` (the path
  `Model.scores` took until the heads were stacked);
- after: `Model.scores`, the stacked heads (see `peel_findings.model.stacked`).

Target: >= 20,000 sentences/s for per-report calls of 100 sentences. ``--steps`` adds where
the time goes in a call of 100 (each feature block, the product, the heads). Sentences:
training/labelled.jsonl (or the unlabelled ones), repeated as needed.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import pandas as pd  # noqa: E402

from peel_findings.decide import labels  # noqa: E402
from peel_findings.model import load_model  # noqa: E402
from peel_findings.model.features import model_columns  # noqa: E402
from peel_findings.model.model import limit_threads  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
TARGET = 20_000  # sentences/s, per-report calls of 100 sentences


def sentences(n: int) -> pd.DataFrame:
    """``n`` labelled sentences in report order, with their report, section and section kind."""
    source = ROOT / "training" / "labelled.jsonl"
    files = [source] if source.exists() else sorted((ROOT / "training" / "unlabelled").glob("*.jsonl"))
    rows = [json.loads(line) for f in files for line in f.read_text(encoding="utf-8").splitlines()]
    rows = (rows * (n // len(rows) + 1))[:n]
    return pd.DataFrame({column: [r.get(column) for r in rows] for column in ("text", "report", "section",
                                                                              "section_kind")})


def chunks(frame: pd.DataFrame, size: int) -> list[pd.DataFrame]:
    """The frame cut into calls of ``size`` sentences."""
    return [frame.iloc[start:start + size].reset_index(drop=True) for start in range(0, len(frame), size)]


def rate(score: Callable[[pd.DataFrame], Any], calls: list[pd.DataFrame], repeat: int) -> float:
    """Sentences per CPU second over all calls, best of ``repeat`` runs."""
    n = sum(len(call) for call in calls)
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        for call in calls:
            score(call)
        best = min(best, time.process_time() - start)
    return n / best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20_000, help="sentences in the bulk call")
    parser.add_argument("--per-report", type=int, default=5_000, help="sentences scored in per-report calls")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--model", default=None, help="model folder or name (default: the shipped model)")
    parser.add_argument("--steps", action="store_true", help="also time each step of a call of 100")
    args = parser.parse_args()
    limit_threads()
    model = load_model(args.model)
    frame = sentences(max(args.n, args.per_report))
    start = time.process_time()
    model.scores(frame.iloc[:10])
    print(f"model: {args.model or 'shipped'}; stacked heads built in {time.process_time() - start:.2f} s CPU "
          f"(once per process); stacked: {model.stacked_heads() is not None}\n")

    def classify(call: pd.DataFrame) -> Any:  # scores and the label columns, as findings_frame makes them
        return labels(call["text"].tolist(), model.scores(call), model)

    print("| calls | sentences per call | before (sklearn heads) | after (stacked) | after, with labels | target |")
    print("|---|---|---|---|---|---|")
    for size in (100, 500):
        calls = chunks(frame.iloc[:args.per_report], size)
        print(f"| per report | {size} | {rate(model.reference_scores, calls, args.repeat):,.0f} "
              f"| {rate(model.scores, calls, args.repeat):,.0f} | {rate(classify, calls, args.repeat):,.0f} "
              f"| {'>= 20,000' if size == 100 else ''} |")
    bulk = [frame.iloc[:args.n]]
    print(f"| bulk | {args.n:,} | {rate(model.reference_scores, bulk, 1):,.0f} | "
          f"{rate(model.scores, bulk, args.repeat):,.0f} | {rate(classify, bulk, 1):,.0f} | |")
    if args.steps:
        steps(model, chunks(frame.iloc[:args.per_report], 100), args.repeat)


def steps(model: Any, calls: list[pd.DataFrame], repeat: int) -> None:
    """Where a call of 100 sentences spends its time, on the stacked path."""
    stacked = model.stacked_heads()
    if stacked is None:
        return
    columns = [model_columns(call) for call in calls]
    decisions = [stacked.decision(c) for c in columns]
    features = [stacked.features(c) for c in columns]
    parts: list[tuple[str, Callable[[Any], Any], list[Any]]] = [("input columns (model_columns)", model_columns, calls)]
    for block in stacked.blocks:
        name = type(getattr(block, "transformer", block)).__name__
        parts.append((f"features: {name} ({getattr(block, 'column', 'text')})", block.transform, columns))
    parts += [
        ("features side by side", stacked.features, columns),
        ("X @ W + b", lambda x: {g: x @ w + b for g, (w, b) in stacked.linear.items()}, features),
        ("heads' post-processing", lambda d: (stacked.finding.positive(d), stacked.polarity.proba(d),
                                              [h.positive(d) for h in stacked.themes]), decisions),
    ]
    print("\n| step (calls of 100, stacked path) | ms per call |")
    print("|---|---|")
    for name, fn, inputs in parts:
        best = float("inf")
        for _ in range(repeat):
            start = time.process_time()
            for item in inputs:
                fn(item)
            best = min(best, time.process_time() - start)
        print(f"| {name} | {1000 * best / len(inputs):.3f} |")


if __name__ == "__main__":
    main()
