"""The whole archive: a lean parent, a short serial tail, a fast resume.

    python benchmarks/bench_archive.py [--n 1000] [--jobs 2] [--also 3000]

Writes a synthetic archive of N text reports (real report text recombined: tests/archive_corpus.py),
runs `peel run --jobs J` on it in a subprocess and prints, beside each target:
- the parent's peak resident memory (target <= 1 GB, and the same at 3,000 reports with --also);
- the serial tail: from the last file done to every output written (target <= 10 s at 1,000 reports);
- the parent's share of all CPU, and CPU per file;
- a resume of 100 files that are all cached (target <= 3 s, and no model load).
Figures come from the run's run.json (the parent records its own peak memory and CPU) and from
resource usage of the subprocesses; wall times are noisy on a shared machine, CPU times less so.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from archive_corpus import write_corpus  # noqa: E402


def peel_run(inputs: Path, out: Path, jobs: int) -> tuple[dict, float, float]:
    """Run `peel run`; (run.json, wall seconds, CPU seconds of the run and its workers)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "peel_findings.cli", "run", str(inputs), "--out", str(out),
                    "--jobs", str(jobs)], check=True, capture_output=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return json.loads((out / "run.json").read_text()), wall, cpu


def archive(n: int, jobs: int, work: Path) -> dict:
    corpus = work / f"corpus-{n}"
    if not corpus.exists():
        write_corpus(corpus, n)
    record, wall, cpu = peel_run(corpus, work / f"out-{n}", jobs)
    parent = record["parent"]
    return {"n": n, "wall": wall, "cpu": cpu, "peak_mb": parent["peak_rss_mb"], "parent_cpu": parent["cpu_seconds"],
            "tail": record["finished"] - record["files_done"], "sentences": record["sentences"]}


def resume(jobs: int, work: Path) -> tuple[float, float]:
    corpus = work / "corpus-100"
    if not corpus.exists():
        write_corpus(corpus, 100, seed=1)
    out = work / "out-resume"
    peel_run(corpus, out, jobs)
    _, wall, cpu = peel_run(corpus, out, jobs)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--also", type=int, nargs="*", default=[], help="more archive sizes, e.g. 3000")
    parser.add_argument("--work", type=Path, help="folder for corpora and outputs (default: a temporary one)")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="peel-archive-"))
    rows = [archive(n, args.jobs, work) for n in (args.n, *args.also)]
    resume_wall, resume_cpu = resume(args.jobs, work)
    print(f"| measure ({args.jobs} workers) | value | target |")
    print("|---|---|---|")
    for r in rows:
        print(f"| {r['n']:,} reports ({r['sentences']:,} sentences): wall / CPU of all processes | "
              f"{r['wall']:.0f} s / {r['cpu']:.0f} s ({r['cpu'] / r['n']:.2f} s CPU per report) | linear |")
        print(f"| {r['n']:,} reports: parent peak memory | {r['peak_mb']:.0f} MB | <= 1,024 MB |")
        print(f"| {r['n']:,} reports: parent CPU share | {r['parent_cpu'] / r['cpu']:.0%} ({r['parent_cpu']:.0f} s) | small |")
        target = "<= 10 s" if r["n"] == 1000 else "(10 s at 1,000)"
        print(f"| {r['n']:,} reports: serial tail (last file done to outputs written) | {r['tail']:.1f} s | {target} |")
    print(f"| resume, 100 files all cached: wall / CPU | {resume_wall:.1f} s / {resume_cpu:.1f} s | <= 3 s |")


if __name__ == "__main__":
    main()
