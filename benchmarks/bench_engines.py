"""PDF engines side by side: how many sentences pdfium reads as pdfplumber does, and how fast, per PDF family.

    python benchmarks/bench_engines.py [--repeat N] [--show N] [--family NAME ...]

For each family of PDFs, `read_report(path, engine=...)` with each engine, and raw pdfplumber
`page.extract_text()` on the same files, in this process. Prints a markdown table:

* identical: the share of sentences (whitespace-normalised, compared as multisets) the two engines
  have in common, of the larger of the two counts;
* pages/s: pages over CPU seconds (`time.process_time`), the fastest of ``--repeat`` runs;
* CPU ratios: pdfium's CPU time over the pdfplumber engine's, and over raw `extract_text`'s.

Then, per family, up to ``--show`` sentences that only one engine gives.

Families: the fixture PDFs in samples/ (typeset by tests/fixtures/make_pdfs.py from the two seed
report texts, which are also in ../shared/seeds/; any PDF there is read too), the LibreOffice and
browser-printed PDFs of tests/fixtures/families/out/ (by their MANIFEST.json), and, when present, the
55 Ofsted/CQC PDFs in ../shared/pdfs/ofsted-send/. ../shared is not on users' machines: a family whose
files are absent is skipped.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from peel_findings import read_report

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
FAMILIES = ROOT / "tests" / "fixtures" / "families" / "out"


def families() -> dict[str, list[Path]]:
    """Each family's PDFs; families without files are left out."""
    manifest = json.loads((FAMILIES / "MANIFEST.json").read_text(encoding="utf-8"))
    by_family: dict[str, list[Path]] = {}
    for doc in manifest["documents"]:
        if doc["file"].endswith(".pdf"):
            by_family.setdefault(doc["family"], []).append(FAMILIES / doc["file"])
    found = {
        "fixture (samples/, make_pdfs.py)": sorted((ROOT / "samples").glob("*.pdf")),
        "seed PDFs (../shared/seeds)": sorted((SHARED / "seeds").glob("*.pdf")),
        "LibreOffice (families lo-*)": sorted(by_family.get("libreoffice", [])),
        "browser-printed (families web-*)": sorted(by_family.get("browser_pdf", [])),
        "Ofsted/CQC (../shared/pdfs/ofsted-send)": sorted((SHARED / "pdfs" / "ofsted-send").glob("*.pdf")),
    }
    return {name: [p for p in files if p.exists()] for name, files in found.items() if files}


def raw_extract_text(path: Path) -> int:
    """Raw pdfplumber: every page's `extract_text()`; the page count."""
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_text()
            page.close()
        return len(pdf.pages)


def engine_reader(engine: str) -> Callable[[Path], tuple[int, list[str]]]:
    def read(path: Path) -> tuple[int, list[str]]:
        report = read_report(path, engine=engine)
        return report.pages, [" ".join(s.text.split()) for s in report.sentences]

    return read


def cpu_time(read: Callable[[Path], object], files: list[Path], repeat: int) -> tuple[float, list[object]]:
    """The fastest CPU time of ``repeat`` passes over the files, and the first pass's results."""
    best, first = float("inf"), None
    for _ in range(repeat):
        start = time.process_time()
        results = [read(f) for f in files]
        best = min(best, time.process_time() - start)
        first = first if first is not None else results
    return best, first or []


@dataclass
class Row:
    family: str
    files: int
    pages: int
    sentences: int
    identical: float
    plumber_s: float
    pdfium_s: float
    extract_s: float
    only_plumber: list[str]
    only_pdfium: list[str]

    def markdown(self) -> str:
        return (f"| {self.family} | {self.files} | {self.pages} | {self.sentences} | {100 * self.identical:.2f}% | "
                f"{self.pages / self.plumber_s:.1f} | {self.pages / self.pdfium_s:.1f} | "
                f"{self.pages / self.extract_s:.1f} | {self.pdfium_s / self.plumber_s:.2f}x | "
                f"{self.pdfium_s / self.extract_s:.2f}x |")


def measure(family: str, files: list[Path], repeat: int) -> Row:
    plumber_s, plumber = cpu_time(engine_reader("pdfplumber"), files, repeat)
    pdfium_s, pdfium = cpu_time(engine_reader("pdfium"), files, repeat)
    extract_s, _ = cpu_time(raw_extract_text, files, repeat)
    same = total = sentences = 0
    only_plumber: list[str] = []
    only_pdfium: list[str] = []
    for (_, a), (_, b) in zip(plumber, pdfium):
        ca, cb = Counter(a), Counter(b)
        same += sum((ca & cb).values())
        total += max(len(a), len(b))
        sentences += len(a)
        only_plumber += list((ca - cb).elements())
        only_pdfium += list((cb - ca).elements())
    pages = sum(p for p, _ in plumber)
    return Row(family, len(files), pages, sentences, same / max(total, 1), plumber_s, pdfium_s, extract_s,
               only_plumber, only_pdfium)


def warm_up() -> None:
    """Load spaCy and both engines once, so that no family pays for the first import."""
    read_report(ROOT / "samples" / "peel-effectiveness-2015-gloucestershire.txt")
    first = sorted(FAMILIES.glob("web-*.pdf"))[:1]
    for path in first:
        for engine in ("pdfplumber", "pdfium"):
            read_report(path, engine=engine)
        raw_extract_text(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1, help="passes over each family; the fastest counts")
    parser.add_argument("--show", type=int, default=3, help="differing sentences to print per family")
    parser.add_argument("--family", action="append", help="only families whose name contains this")
    args = parser.parse_args()
    chosen = {name: files for name, files in families().items()
              if not args.family or any(f.lower() in name.lower() for f in args.family)}
    warm_up()
    rows = [measure(name, files, args.repeat) for name, files in chosen.items()]
    print("| family | files | pages | sentences (pdfplumber) | identical | pdfplumber engine pages/s "
          "| pdfium engine pages/s | raw extract_text pages/s | CPU pdfium / pdfplumber | CPU pdfium / extract_text |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        print(row.markdown())
    for row in rows:
        if row.only_plumber or row.only_pdfium:
            print(f"\n{row.family}: {len(row.only_plumber)} sentences only from pdfplumber, "
                  f"{len(row.only_pdfium)} only from pdfium")
            for text in row.only_plumber[: args.show]:
                print(f"  pdfplumber: {text[:160]}")
            for text in row.only_pdfium[: args.show]:
                print(f"  pdfium:     {text[:160]}")


if __name__ == "__main__":
    main()
