"""`classify` throughput on one core, and what each feature family costs.

    python benchmarks/bench_classify.py [--n 50000]

Prints sentences per second for the shipped model's `classify` (all columns built) and for
its feature steps alone. Target: >= 50,000 sentences/s. Sentences: the labelled sentences
in training/labelled.jsonl (or the unlabelled ones), repeated to --n.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from functools import partial
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from peel_findings import classify  # noqa: E402
from peel_findings.model import load_model  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def sentences(n: int) -> list[str]:
    source = ROOT / "training" / "labelled.jsonl"
    files = [source] if source.exists() else sorted((ROOT / "training" / "unlabelled").glob("*.jsonl"))
    texts = [json.loads(line)["text"] for f in files for line in f.read_text(encoding="utf-8").splitlines()]
    return (texts * (n // len(texts) + 1))[:n]


def rate(fn, texts: list[str], repeat: int = 2) -> float:
    best = min(_time(fn, texts) for _ in range(repeat))
    return len(texts) / best


def _time(fn, texts: list[str]) -> float:
    start = time.perf_counter()
    fn(texts)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=50_000)
    args = parser.parse_args()
    model = load_model()
    texts = sentences(args.n)
    predict = partial(classify, model=model)
    predict(texts[:100])
    print(f"| step | sentences/s ({args.n} sentences, one core) |")
    print("|---|---|")
    print(f"| classify (all columns) | {rate(predict, texts):,.0f} |")
    for name, part in model.vectorizer.transformer_list:
        print(f"| features: {name} | {rate(part.transform, texts):,.0f} |")
    features = model.vectorizer.transform(texts)
    print(f"| heads only (given features) | {rate(lambda _: (model.finding.predict_proba(features), model.polarity.predict_proba(features), model.themes.predict_proba(features)), texts):,.0f} |")


if __name__ == "__main__":
    main()
