"""Sentence splitting is linear in length: time per character from 10 kB to 10 MB.

    python benchmarks/bench_segment.py

Splits one paragraph of real report sentences (the Gloucestershire sample, repeated, no blank line)
of 10 kB, 100 kB, 1 MB and 10 MB, and a 10 MB text of short lines, with `segment.split_sentences`,
and prints CPU microseconds per character for each beside the target: flat (the largest within 2x
of the smallest). Before the fix, 50 kB took 3.3 s and 200 kB 38.5 s (quadratic).
"""

from __future__ import annotations

import time
from pathlib import Path

from peel_findings.segment import split_sentences

SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "peel-effectiveness-2015-gloucestershire.txt"


def paragraph(chars: int) -> str:
    text = SAMPLE.read_text(encoding="utf-8")
    body = text[text.index("Introduction"):].replace("\t", " ").replace("\n", " ")
    sentences = [s.strip() + "." for s in body.split(".") if len(s.split()) > 5]
    out, size, i = [], 0, 0
    while size < chars:
        out.append(sentences[i % len(sentences)])
        size += len(out[-1]) + 1
        i += 1
    return " ".join(out)[:chars]


def cpu_per_char(text: str) -> tuple[float, int]:
    start = time.process_time()
    spans = split_sentences([text])[0]
    return (time.process_time() - start) / len(text) * 1e6, len(spans)


def main() -> None:
    split_sentences(["Warm up. Now."])
    rows = []
    for size in (10_000, 100_000, 1_000_000, 10_000_000):
        rows.append((f"one paragraph, {size:,} characters", *cpu_per_char(paragraph(size))))
    lines = ("Crime recorded 12 34 56 78\n" * (10_000_000 // 27))
    rows.append(("short lines, 10 MB", *cpu_per_char(lines)))
    print("| text | CPU µs per character | sentences |")
    print("|---|---|---|")
    for name, micro, n in rows:
        print(f"| {name} | {micro:.3f} | {n:,} |")
    print(f"| cost per character at 10 MB / at 10 kB | {rows[3][1] / rows[0][1]:.2f}x | target: flat (<= 2x) |")


if __name__ == "__main__":
    main()
