"""End-to-end batch speed and memory.

    python benchmarks/bench_batch.py [--files N]

Prints, in one run on this machine:
- pages/s of raw pdfplumber `extract_text` (one process) and of `peel run`'s per-file work
  (read, structure, segment, classify) with 1 and 2 worker processes over ../shared/pdfs;
- end-to-end cost per page as a ratio to raw `extract_text` (target <= 1.3x);
- peak resident memory reading a 40-page and a 400-page PDF (target: flat, under 300 MB).
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "pdfs"


def raw_pages_per_second(files: list[Path]) -> tuple[float, int]:
    import pdfplumber

    start, pages = time.perf_counter(), 0
    for path in files:
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                page.extract_text()
                page.close()
                pages += 1
    return pages / (time.perf_counter() - start), pages


def batch_pages_per_second(files: list[Path], jobs: int) -> float:
    from peel_findings.batch import RunConfig, analyse

    start = time.perf_counter()
    results = analyse(files, config=RunConfig(jobs=jobs, timeout=600))
    elapsed = time.perf_counter() - start
    pages = int(results.reports["pages"].fillna(0).sum())
    return pages / elapsed


def make_pdf(path: Path, pages: int) -> Path:
    """A long report: the Avon and Somerset seed's paragraphs, typeset over and over."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate

    paragraphs = [p for p in (ROOT / "samples" / "peel-effectiveness-2015-avon-and-somerset.txt")
                  .read_text(encoding="utf-8").split("\n\n") if len(p) > 200 and "\t" not in p][:40]
    style = getSampleStyleSheet()["BodyText"]
    story = []
    for i in range(pages):
        story += [Paragraph(paragraphs[(i + k) % len(paragraphs)].replace("&", "&amp;"), style) for k in range(2)]
        story.append(PageBreak())
    SimpleDocTemplate(str(path), pagesize=A4).build(story)
    return path


def peak_rss_mb(pdf: Path) -> tuple[float, int]:
    code = ("import resource, sys; from peel_findings import read_report; r = read_report(sys.argv[1]); "
            "print(r.pages, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")
    out = subprocess.run([sys.executable, "-c", code, str(pdf)], check=True, capture_output=True, text=True).stdout
    pages, kb = out.split()
    return int(kb) / 1024, int(pages)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=20, help="how many of the shared PDFs to use")
    args = parser.parse_args()
    print("| measure | value |")
    print("|---|---|")
    if SHARED.is_dir():
        files = sorted(SHARED.rglob("*.pdf"))[: args.files]
        from peel_findings.model import load_model

        load_model()
        raw, pages = raw_pages_per_second(files)
        one = batch_pages_per_second(files, 1)
        two = batch_pages_per_second(files, 2)
        print(f"| files / pages | {len(files)} / {pages} |")
        print(f"| raw extract_text, 1 process | {raw:.1f} pages/s |")
        print(f"| peel run work, 1 process | {one:.1f} pages/s ({raw / one:.2f}x the cost of extract_text per page) |")
        print(f"| peel run work, 2 processes | {two:.1f} pages/s ({two / one:.2f}x one process) |")
    with tempfile.TemporaryDirectory() as tmp:
        for n in (40, 400):
            rss, pages = peak_rss_mb(make_pdf(Path(tmp) / f"long-{n}.pdf", n))
            print(f"| peak RSS, read_report on a {pages}-page PDF | {rss:.0f} MB |")


if __name__ == "__main__":
    main()
