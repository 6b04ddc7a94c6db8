"""Start-up cost: `import peel_findings` and `peel --help`, as whole processes.

    python benchmarks/bench_startup.py [--runs 7] [--src DIR]

Runs each command ``--runs`` times in a fresh interpreter and prints the median CPU time (user +
system, of the child process) and wall time beside the target. ``--src`` points at another
checkout's ``src`` folder, to measure an earlier version in the same run on the same machine.
Targets: ``import peel_findings`` <= 0.2 s, ``peel --help`` <= 0.4 s. A bare ``python -c pass``
is measured too: the interpreter's own start-up, which every command pays.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COMMANDS = (
    ("python -c pass (interpreter alone)", "pass", None),
    ("import peel_findings", "import peel_findings", 0.2),
    ("peel --help", "import sys; sys.argv = ['peel', '--help']\nfrom peel_findings.cli import main\nmain()", 0.4),
)


def measure(code: str, env: dict[str, str]) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of one fresh interpreter running ``code``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], env=env, check=False, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--src", type=Path, default=ROOT / "src")
    args = parser.parse_args()
    env = {**os.environ, "PYTHONPATH": str(args.src.resolve())}
    print(f"| command ({args.runs} runs, {args.src}) | median CPU s | median wall s | target |")
    print("|---|---|---|---|")
    for label, code, target in COMMANDS:
        measure(code, env)  # warm the file cache
        runs = [measure(code, env) for _ in range(args.runs)]
        cpu = statistics.median(r[0] for r in runs)
        wall = statistics.median(r[1] for r in runs)
        goal = f"<= {target} s: {'met' if cpu <= target else 'not met'}" if target else ""
        print(f"| {label} | {cpu:.3f} | {wall:.3f} | {goal} |")


if __name__ == "__main__":
    main()
