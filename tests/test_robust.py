"""Robust at scale: per-file isolation, time limits, resume after SIGKILL, Dask, properties, fuzzing."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from peel_findings.batch import RunConfig, analyse
from peel_findings.cli import app
from peel_findings.pipeline import build_report, read_report
from peel_findings.read.text import parse_text
from peel_findings.read.units import normalise_space
from peel_findings.outputs.files import FORMULA_TRIGGERS, csv_safe

import badfiles
from conftest import SAMPLES

GLOS_TEXT = SAMPLES / "peel-effectiveness-2015-gloucestershire.txt"
AVON_TEXT = SAMPLES / "peel-effectiveness-2015-avon-and-somerset.txt"


def hanging_reader(path: Path):
    """A reader hook that never returns for files named hang*: simulates a parser stuck on a file."""
    if Path(path).name.startswith("hang"):
        time.sleep(3600)
    return read_report(path)


def greedy_reader(path: Path):
    """A reader hook that tries to hold far more memory than the worker's cap allows."""
    if Path(path).name.startswith("greedy"):
        hoard = [bytearray(64 * 1024 * 1024) for _ in range(64)]  # 4 GB
        return hoard
    return read_report(path)


def test_robust_memory_cap_stops_one_file_only(tmp_path):
    (tmp_path / "greedy.txt").write_text("x")
    (tmp_path / "good.txt").write_text(GLOS_TEXT.read_text(encoding="utf-8"), encoding="utf-8")
    results = analyse([tmp_path], config=RunConfig(jobs=1, timeout=60, memory_mb=1536), reader=greedy_reader)
    assert results.errors.kind.tolist() == ["memory"]
    assert results.reports.set_index(results.reports.path.map(lambda p: Path(p).name)).status["good.txt"] == "ok"


@pytest.fixture(scope="module")
def bad_folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("mixed")
    badfiles.truncated_pdf(folder / "corrupt.pdf")
    (folder / "empty.pdf").write_bytes(b"")
    badfiles.encrypted_pdf(folder / "locked.pdf")
    badfiles.image_only_pdf(folder / "scan.pdf")
    badfiles.png_named_pdf(folder / "picture.pdf")
    # different bytes from good-glos.txt: a file with the same content would be taken from the cache
    (folder / "hang.txt").write_text(GLOS_TEXT.read_text(encoding="utf-8") + "\nA stuck file.\n", encoding="utf-8")
    (folder / "good-avon.txt").write_text(AVON_TEXT.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "good-glos.txt").write_text(GLOS_TEXT.read_text(encoding="utf-8"), encoding="utf-8")
    return folder


EXPECTED_KINDS = {"corrupt.pdf": "corrupt", "empty.pdf": "empty", "locked.pdf": "encrypted",
                  "scan.pdf": "no_text_layer", "picture.pdf": "not_a_pdf", "hang.txt": "timeout"}


@pytest.mark.slow
def test_robust_bad_files_are_isolated_and_the_good_ones_survive(bad_folder):
    results = analyse([bad_folder], config=RunConfig(jobs=2, timeout=20), reader=hanging_reader)
    kinds = {Path(p).name: k for p, k in zip(results.errors["path"], results.errors["kind"])}
    assert kinds == EXPECTED_KINDS
    ok = results.reports[results.reports.status == "ok"]
    assert sorted(Path(p).name for p in ok.path) == ["good-avon.txt", "good-glos.txt"]
    by_report = results.findings.groupby("report_id")["is_finding"].sum()
    assert by_report["good-avon"] > 200 and by_report["good-glos"] > 200
    assert results.failed == 6


def test_robust_cli_exit_code_1_when_files_fail(bad_folder, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("corrupt.pdf", "picture.pdf", "good-glos.txt"):
        (folder / name).write_bytes((bad_folder / name).read_bytes())
    result = CliRunner().invoke(app, ["run", str(folder), "--out", str(tmp_path / "out"), "--timeout", "60"])
    assert result.exit_code == 1
    assert sorted(pd.read_csv(tmp_path / "out" / "errors.csv").kind) == ["corrupt", "not_a_pdf"]


def hangs_while_marked(path: Path):
    """A reader hook that hangs while a marker file sits beside the report (a transient stall)."""
    if Path(path).with_suffix(".stall").exists():
        time.sleep(3600)
    return read_report(path)


def test_robust_a_timed_out_file_is_retried_on_resume(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    report = folder / "report.txt"
    report.write_text(GLOS_TEXT.read_text(encoding="utf-8"), encoding="utf-8")
    report.with_suffix(".stall").write_text("")
    config = RunConfig(timeout=5)
    first = analyse([report], config=config, cache_dir=tmp_path / "out", reader=hangs_while_marked)
    assert first.errors.kind.tolist() == ["timeout"]
    assert not list((tmp_path / "out" / ".peel-cache").glob("*.shard"))  # a timeout is not cached
    report.with_suffix(".stall").unlink()
    second = analyse([report], config=config, cache_dir=tmp_path / "out", reader=hangs_while_marked)
    assert second.errors.empty and second.reports.status.tolist() == ["ok"]
    assert len(list((tmp_path / "out" / ".peel-cache").glob("*.shard"))) == 1


def test_robust_too_large_files_are_recorded(tmp_path):
    (tmp_path / "big.txt").write_text(GLOS_TEXT.read_text(encoding="utf-8"), encoding="utf-8")
    results = analyse([tmp_path], config=RunConfig(timeout=None, max_file_mb=0.01))
    assert results.errors.kind.tolist() == ["too_large"] and "limit" in results.errors.message[0]


def _corpus(folder: Path, n: int = 6) -> Path:
    """n distinct text reports: the Gloucestershire seed attributed to different forces."""
    text = GLOS_TEXT.read_text(encoding="utf-8")
    forces = ["Kent Police", "Essex Police", "Surrey Police", "Dorset Police", "Gwent Police", "Wiltshire Police",
              "Cleveland Police", "Suffolk Constabulary"]
    folder.mkdir(parents=True, exist_ok=True)
    for force in forces[:n]:
        slug = force.lower().replace(" ", "-")
        (folder / f"peel-2015-{slug}.txt").write_text(text.replace("Gloucestershire Constabulary", force), encoding="utf-8")
    return folder


OUTPUTS = ("findings.csv", "findings.parquet", "reports.csv", "themes.csv", "errors.csv", "report.html")


@pytest.mark.slow
def test_robust_resume_after_sigkill_is_byte_identical(tmp_path):
    corpus = _corpus(tmp_path / "in")
    command = [sys.executable, "-m", "peel_findings.cli", "run", str(corpus), "--jobs", "1", "--timeout", "120"]
    subprocess.run([*command, "--out", str(tmp_path / "clean")], check=True, capture_output=True)

    killed = tmp_path / "killed"
    process = subprocess.Popen([*command, "--out", str(killed)], start_new_session=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    cache = killed / ".peel-cache"
    deadline = time.time() + 120
    while time.time() < deadline and len(list(cache.glob("*.shard"))) < 2:
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    done_before = len(list(cache.glob("*.shard")))
    assert 2 <= done_before < 6, "the run was not interrupted part-way"
    assert not (killed / "findings.csv").exists()

    subprocess.run([*command, "--out", str(killed)], check=True, capture_output=True)
    for name in OUTPUTS:
        assert (killed / name).read_bytes() == (tmp_path / "clean" / name).read_bytes(), name


@pytest.mark.slow
def test_robust_dask_cluster_matches_a_sequential_run(tmp_path):
    distributed = pytest.importorskip("dask.distributed")
    corpus = _corpus(tmp_path / "in", n=4)
    sequential = analyse([corpus])
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        on_dask = analyse([corpus], config=RunConfig(scheduler=cluster.scheduler_address, timeout=None))
    pd.testing.assert_frame_equal(sequential.findings, on_dask.findings)
    pd.testing.assert_frame_equal(sequential.reports, on_dask.reports)


# -- properties ----------------------------------------------------------------------------------

WORDS = st.sampled_from(["The", "force", "is", "good", "e.g.", "No.", "4.6%", "“quoted.”", "(MASH).", "crime.",
                         "However,", "victims", "should", "?", "!", "- item", "Figure 2:", "¹", "a-", "b", "\t", "  "])
TEXTS = st.lists(st.lists(WORDS, min_size=1, max_size=25).map(" ".join), min_size=1, max_size=8).map("\n\n".join)


@settings(max_examples=60, deadline=None)
@given(TEXTS)
def test_robust_sentence_spans_rejoin_to_the_cleaned_text(text):
    try:
        report = build_report(parse_text(text), report_id="prop")
    except Exception as exc:  # an input with no text at all is refused with a PeelError
        from peel_findings.errors import PeelError

        assert isinstance(exc, PeelError)
        return
    rest, cursor = [], 0
    for s in report.sentences:
        assert report.text[s.start:s.end] == s.text and s.start >= cursor
        rest.append(report.text[cursor:s.start])
        cursor = s.end
    rest.append(report.text[cursor:])
    assert "".join(rest).strip() == ""  # nothing but whitespace between and around sentences


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_robust_normalisation_is_idempotent(text):
    once = normalise_space(text)
    assert normalise_space(once) == once


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(), min_size=1, max_size=5))
def test_robust_no_csv_cell_starts_with_a_formula_trigger(cells):
    frame = pd.DataFrame({"text": cells, "themes": [[c] for c in cells]})
    for value in csv_safe(frame).to_numpy().ravel():
        assert not str(value).startswith(FORMULA_TRIGGERS)


# -- bounded fuzzing ---------------------------------------------------------------------------------

@pytest.mark.slow
def test_robust_fuzzed_pdfs_end_in_a_result_or_a_clean_error(tmp_path):
    rng = random.Random(20261124)
    source = (SAMPLES / "peel-effectiveness-2015-gloucestershire.pdf").read_bytes()
    folder = tmp_path / "fuzz"
    folder.mkdir()
    for i in range(16):
        data = bytearray(source)
        if i % 2:
            data = data[: rng.randrange(len(data) // 10, len(data))]
        for _ in range(rng.randrange(1, 200)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        (folder / f"mutant-{i:02d}.pdf").write_bytes(bytes(data))
    start = time.time()
    results = analyse([folder], config=RunConfig(jobs=2, timeout=60))
    assert time.time() - start < 600
    assert set(results.reports.path.map(lambda p: Path(p).name)) == {f"mutant-{i:02d}.pdf" for i in range(16)}
    failed = set(results.errors.path.map(lambda p: Path(p).name))
    ok = set(results.reports[results.reports.status.isin(["ok", "duplicate"])].path.map(lambda p: Path(p).name))
    assert failed | ok == {f"mutant-{i:02d}.pdf" for i in range(16)} and not failed & ok
    assert set(results.errors.kind) <= {"corrupt", "not_a_pdf", "no_text_layer", "encrypted", "timeout", "crashed",
                                        "memory", "internal", "empty"}
