"""Generators of what a user's disk and a long project hold, one function per category.

Each writes small files into a folder and returns what it wrote; the tests in this folder run
`peel` on them and assert a clean row, a clear message, or a correct result.
"""

from __future__ import annotations

import os
import random
from pathlib import Path

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
GLOS = SAMPLES / "peel-effectiveness-2015-gloucestershire.txt"


def short_report(force: str = "Kent Police", extra: str = "") -> str:
    """A short report in plain text: a title naming the force, a few findings."""
    return (
        f"PEEL: Police effectiveness 2016\n\nAn inspection of {force}\n\n"
        "How effective is the force at investigating crime?\n\n"
        f"{force} does not always allocate crimes to investigators with the right skills. "
        "Supervisors do not review investigations often enough. "
        "Victims are not always given the information the Victims' Code requires.\n\n"
        "The force works well with partners in its multi-agency safeguarding hub. "
        f"{extra}\n"
    )


# -- the filesystem ------------------------------------------------------------------------------

def not_files(folder: Path) -> dict[str, str]:
    """A FIFO, a dangling link and a link loop with report names; the kind each should get."""
    folder.mkdir(parents=True, exist_ok=True)
    os.mkfifo(folder / "pipe.pdf")
    (folder / "dangling.txt").symlink_to(folder / "nowhere.txt")
    (folder / "loop.txt").symlink_to(folder / "loop.txt")
    return {"pipe.pdf": "not_a_file", "dangling.txt": "not_a_file", "loop.txt": "not_a_file"}


# -- identity ------------------------------------------------------------------------------------

def colliding_names(folder: Path) -> list[Path]:
    """Files whose names make the same slug: in two folders, with spaces, dashes, underscores, in Chinese."""
    paths = [folder / "a" / "report.txt", folder / "b" / "report.txt", folder / "Report A.txt",
             folder / "report-a.txt", folder / "report_a.txt", folder / "报告.txt", folder / "评估.txt"]
    forces = ["Kent Police", "Essex Police", "Surrey Police", "Dorset Police", "Gwent Police", "Suffolk Constabulary",
              "Cleveland Police"]
    for path, force in zip(paths, forces):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(short_report(force), encoding="utf-8")
    return paths


# -- text encodings ------------------------------------------------------------------------------

def encodings(folder: Path) -> dict[str, str]:
    """The same report in UTF-16/32 with and without a byte-order mark, UTF-8 with one bad byte, and
    binaries posing as text; returns each file's expected outcome ("ok", "decoding" or an error kind)."""
    folder.mkdir(parents=True, exist_ok=True)
    text = short_report("Kent Police", "Officers said the café’s “safe space” worked.")
    cases = {
        "utf16-bom.txt": ("utf-16", "ok"), "utf16le.txt": ("utf-16-le", "ok"), "utf16be.txt": ("utf-16-be", "ok"),
        "utf32-bom.txt": ("utf-32", "ok"), "utf32le.txt": ("utf-32-le", "ok"), "utf32be.txt": ("utf-32-be", "ok"),
        "utf8-bom.txt": ("utf-8-sig", "ok"), "cp1252.txt": ("cp1252", "ok"),
    }
    for name, (codec, _) in cases.items():
        (folder / name).write_bytes(text.encode(codec))
    long_text = GLOS.read_text(encoding="utf-8")
    data = bytearray(long_text.encode("utf-8"))
    data[len(data) // 2] = 0xFF  # one bad byte in the middle of a long UTF-8 report
    (folder / "utf8-one-bad-byte.txt").write_bytes(bytes(data))
    rng = random.Random(0)
    (folder / "binary.txt").write_bytes(bytes(rng.choice([b for b in range(1, 256) if b not in (10, 13)])
                                              for _ in range(20000)))
    (folder / "nul-binary.txt").write_bytes(bytes(rng.randrange(256) for _ in range(20000)))
    expected = {name: outcome for name, (_, outcome) in cases.items()}
    expected.update({"utf8-one-bad-byte.txt": "decoding", "binary.txt": "not_text", "nul-binary.txt": "not_text"})
    return expected


# -- long paragraphs -----------------------------------------------------------------------------

def long_paragraph(path: Path, chars: int) -> Path:
    """One paragraph of ``chars`` characters of report sentences, no blank line anywhere."""
    text = GLOS.read_text(encoding="utf-8")
    body = text[text.index("Introduction"):].replace("\t", " ").replace("\n", " ")  # prose, not the contents
    sentences = [s.strip() + "." for s in body.split(".") if len(s.split()) > 5]
    parts, size, i = [], 0, 0
    while size < chars:
        parts.append(sentences[i % len(sentences)])
        size += len(parts[-1]) + 1
        i += 1
    path.write_text("An inspection of Kent Police\n\n" + " ".join(parts) + "\n", encoding="utf-8")
    return path


def many_short_lines(path: Path, megabytes: float) -> Path:
    """A big file of short lines (a table dumped as text)."""
    line = "Crime recorded 12 34 56 78\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("An inspection of Kent Police\n\n" + line * int(megabytes * 1e6 / len(line)), encoding="utf-8")
    return path


# -- damaged PDFs --------------------------------------------------------------------------------

def mutated_pdfs(source: bytes, folder: Path, n: int, seed: int = 0) -> list[Path]:
    """``n`` mutations of a PDF: byte flips, truncations, spliced and repeated regions, zeroed runs."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        data = bytearray(source)
        kind = i % 5
        if kind == 0:  # byte flips
            for _ in range(rng.randint(1, 50)):
                data[rng.randrange(len(data))] = rng.randrange(256)
        elif kind == 1:  # cut short (keeping the end marker sometimes)
            data = data[: rng.randrange(len(data))] + (b"\n%%EOF\n" if rng.random() < 0.5 else b"")
        elif kind == 2:  # a region spliced in from elsewhere
            a, b = sorted(rng.sample(range(len(data)), 2))
            at = rng.randrange(len(data))
            data = data[:at] + data[a:b] + data[at:]
        elif kind == 3:  # a run of zeros
            at = rng.randrange(len(data))
            data[at:at + rng.randint(16, 4096)] = bytes(min(len(data) - at, 4096))
        else:  # a region repeated many times
            at = rng.randrange(len(data) - 64)
            data = data[:at] + data[at:at + 64] * rng.randint(10, 2000) + data[at:]
        path = folder / f"mutant-{i:03d}.pdf"
        path.write_bytes(bytes(data))
        paths.append(path)
    return paths
