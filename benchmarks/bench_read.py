"""Reader speed: `read_report` beside raw pdfplumber `page.extract_text()` on the same files, same run.

    python benchmarks/bench_read.py [--repeat N]

Prints pages per second for both and their ratio (target: read_report costs at most 1.3x raw
extract_text). read_report includes structure and sentence segmentation. Files: the fixture
PDFs in samples/ and, when present, the 55 Ofsted PDFs in ../shared/pdfs/ofsted-send/.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import pdfplumber

from peel_findings import read_report

ROOT = Path(__file__).resolve().parents[1]


def raw_extract(path: Path) -> int:
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_text()
            page.close()
        return len(pdf.pages)


def timed(fn, files: list[Path]) -> tuple[float, int]:
    start = time.perf_counter()
    pages = sum(fn(f) for f in files)
    return time.perf_counter() - start, pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2, help="runs of each; the fastest counts")
    args = parser.parse_args()
    sets = {"fixture PDFs (samples/)": sorted((ROOT / "samples").glob("*.pdf"))}
    ofsted = ROOT.parent / "shared" / "pdfs" / "ofsted-send"
    if ofsted.is_dir():
        sets["Ofsted/CQC PDFs (../shared)"] = sorted(ofsted.glob("*.pdf"))
    read_report(ROOT / "samples" / "peel-effectiveness-2015-gloucestershire.txt")  # load spaCy once
    print("| files | pages | extract_text pages/s | read_report pages/s | ratio (read_report / extract_text) |")
    print("|---|---|---|---|---|")
    for name, files in sets.items():
        raw = min(timed(raw_extract, files)[0] for _ in range(args.repeat))
        ours, pages = min((timed(lambda f: read_report(f).pages, files) for _ in range(args.repeat)))
        print(f"| {name} | {pages} | {pages / raw:.1f} | {pages / ours:.1f} | {ours / raw:.2f}x |")


if __name__ == "__main__":
    main()
