"""End-to-end batch speed and memory, against raw pdfplumber on the same files.

    python benchmarks/bench_batch.py [--files 55]

Prints, in one run on this machine, beside each target:
- CPU per page of `peel run --jobs 1` (every process: start-up, reading, classifying, all outputs)
  over the Ofsted/CQC PDFs in ../shared/pdfs, with each PDF engine, as a ratio to raw pdfplumber
  `extract_text` on the same files (targets: <= 0.33 with pdfium, <= 1.2 with pdfplumber);
- wall-clock speed-up of `--jobs 2` over `--jobs 1` (target >= 1.8 on a quiet machine: the wall
  clock counts other people's work too), and the same net of the fixed cost every run pays (a run
  on one short text report);
- peak resident memory of `read_report` on a 40-page and a 400-page PDF, per engine (target: the
  400-page one within 10% of the 40-page one).
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


def raw_cpu(files: list[Path]) -> tuple[float, int]:
    """CPU seconds of pdfplumber `extract_text` over every page, and the page count."""
    import pdfplumber

    start, pages = time.process_time(), 0
    for path in files:
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                page.extract_text()
                page.close()
                pages += 1
    return time.process_time() - start, pages


def peel_run(folder: Path, engine: str, jobs: int) -> tuple[float, float]:
    """(CPU seconds of `peel run` and its workers, wall seconds) on ``folder``, nothing cached."""
    with tempfile.TemporaryDirectory() as out:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "peel_findings.cli", "run", str(folder), "--out", out, "--no-resume",
                        "--engine", engine, "--jobs", str(jobs)], capture_output=True)
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), wall


def fixed_cost() -> float:
    """Wall seconds of `peel run --jobs 1` on one short text report: what any run pays, whatever its size."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "one"
        folder.mkdir()
        (folder / "report.txt").symlink_to(ROOT / "samples" / "peel-effectiveness-2015-gloucestershire.txt")
        return peel_run(folder, "pdfium", 1)[1]


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


def peak_rss_mb(pdf: Path, engine: str) -> tuple[float, int]:
    code = ("import resource, sys; from peel_findings import read_report; r = read_report(sys.argv[1], "
            "engine=sys.argv[2]); print(r.pages, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")
    out = subprocess.run([sys.executable, "-c", code, str(pdf), engine], check=True, capture_output=True,
                         text=True).stdout
    pages, kb = out.split()
    return int(kb) / 1024, int(pages)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=55, help="how many of the shared PDFs to use")
    args = parser.parse_args()
    print("| measure | value | target |")
    print("|---|---|---|")
    if SHARED.is_dir():
        files = sorted(SHARED.rglob("*.pdf"))[: args.files]
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            for f in files:
                (folder / f.name).symlink_to(f)
            raw, pages = raw_cpu(files)
            print(f"| files / pages | {len(files)} / {pages} | |")
            print(f"| raw pdfplumber extract_text | {raw / pages * 1000:.1f} ms CPU per page | |")
            for engine, target in (("pdfium", "<= 0.33"), ("pdfplumber", "<= 1.2")):
                cpu, wall1 = peel_run(folder, engine, 1)
                print(f"| peel run --jobs 1 --engine {engine}, all processes | {cpu / pages * 1000:.1f} ms CPU per "
                      f"page = {cpu / raw:.2f}x extract_text | {target} |")
            _, wall2 = peel_run(folder, "pdfium", 2)
            _, wall1 = peel_run(folder, "pdfium", 1)
            print(f"| peel run --jobs 2 vs --jobs 1 (pdfium), wall clock | {wall1 / wall2:.2f}x ({wall1:.1f} s / "
                  f"{wall2:.1f} s) | >= 1.8 on a quiet machine |")
            fixed = fixed_cost()
            print(f"| fixed cost: peel run --jobs 1 on one short text report (start-up, warm-up, outputs), wall clock | "
                  f"{fixed:.1f} s | |")
            print(f"| --jobs 2 vs --jobs 1 net of that fixed cost, wall clock | "
                  f"{(wall1 - fixed) / (wall2 - fixed):.2f}x | |")
    with tempfile.TemporaryDirectory() as tmp:
        for engine in ("pdfium", "pdfplumber"):
            small, _ = peak_rss_mb(make_pdf(Path(tmp) / "long-40.pdf", 40), engine)
            large, pages = peak_rss_mb(make_pdf(Path(tmp) / "long-400.pdf", 400), engine)
            print(f"| peak RSS of read_report, 40 vs {pages} pages ({engine}) | {small:.0f} MB vs {large:.0f} MB "
                  f"({large / small - 1:+.0%}) | within 10% |")


if __name__ == "__main__":
    main()
