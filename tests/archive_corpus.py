"""A synthetic archive of text reports for scale tests and benchmarks: real report text, recombined.

Each report takes the title and a random ~60% of the paragraphs of one of the two sample reports
(Crown copyright, Open Government Licence v3.0), in order, with the force and year replaced by one
of the 43 forces and a year from 2014 to 2024. No two reports share enough sentences to count as
the same report, and every file has its own bytes (so none is taken from another's cache shard).
"""

from __future__ import annotations

import random
import re
from pathlib import Path

from peel_findings.structure.metadata import FORCES

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
SOURCES = {
    "peel-effectiveness-2015-gloucestershire.txt": "Gloucestershire Constabulary",
    "peel-effectiveness-2015-avon-and-somerset.txt": "Avon and Somerset Constabulary",
}


def _paragraphs(name: str) -> list[str]:
    text = (SAMPLES / name).read_text(encoding="utf-8")
    return [p for p in re.split(r"\n\s*\n", text) if p.strip()]


def write_corpus(folder: Path, n: int, seed: int = 0, keep: float = 0.6) -> list[Path]:
    """``n`` text reports in ``folder``; returns their paths."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    sources = {name: _paragraphs(name) for name in SOURCES}
    forces = sorted(FORCES)
    paths = []
    for i in range(n):
        name = sorted(sources)[i % len(sources)]
        paragraphs = sources[name]
        force, year = forces[i % len(forces)], 2014 + (i // len(forces)) % 11
        head, body = paragraphs[:3], [p for p in paragraphs[3:] if rng.random() < keep]
        text = "\n\n".join(head + body).replace(SOURCES[name], force).replace("2015", str(year))
        path = folder / f"report-{i:05d}-{force.lower().replace(' ', '-')}-{year}.txt"
        path.write_text(f"{text}\n\nReport {i} of the synthetic archive.\n", encoding="utf-8")
        paths.append(path)
    return paths
