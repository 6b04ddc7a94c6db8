"""Damaged PDFs and `peel extract`: the same isolation, limits and clean rows as `peel run`."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import generators
from peel_findings.batch import RunConfig, analyse, extract
from peel_findings.cli import app

SEED_PDF = generators.SAMPLES / "peel-effectiveness-2015-gloucestershire.pdf"
KNOWN_KINDS = {"corrupt", "not_a_pdf", "encrypted", "no_text_layer", "empty", "too_large", "timeout", "memory",
               "crashed"}


def test_extract_gives_pipes_and_broken_pdfs_a_row(tmp_path):
    folder = tmp_path / "in"
    generators.not_files(folder)
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4 truncated")
    (folder / "good.txt").write_text(generators.short_report(), encoding="utf-8")
    result = CliRunner().invoke(app, ["extract", str(folder), "--out", str(tmp_path / "out"), "--jobs", "2"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    sentences = pd.read_parquet(tmp_path / "out" / "sentences.parquet")
    assert set(sentences["report_id"]) == {"good"}


def test_extract_applies_the_time_limit(tmp_path):
    generators.many_short_lines(tmp_path / "in" / "big.txt", 14)  # some seconds of work
    (tmp_path / "in" / "good.txt").write_text(generators.short_report(), encoding="utf-8")
    sentences, errors = extract([tmp_path / "in"], config=RunConfig(timeout=2))
    assert errors["kind"].tolist() == ["timeout"]
    assert set(sentences["report_id"]) == {"good"}


def test_mutated_pdfs_end_in_clean_rows_quickly(tmp_path):
    paths = generators.mutated_pdfs(SEED_PDF.read_bytes(), tmp_path / "mutants", 20)
    results = analyse(paths, config=RunConfig(jobs=2, timeout=60, memory_mb=4096))
    assert len(results.reports) == len(paths)
    assert set(results.errors["kind"]) <= KNOWN_KINDS | {"decoding"}
    assert set(results.reports["status"]) <= KNOWN_KINDS | {"ok", "duplicate"}


@pytest.mark.slow
def test_fuzz_200_mutated_pdfs_never_crash_hang_or_poison_a_run(tmp_path):
    paths = generators.mutated_pdfs(SEED_PDF.read_bytes(), tmp_path / "mutants", 200, seed=1)
    (tmp_path / "mutants" / "good.txt").write_text(generators.short_report(), encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["run", str(tmp_path / "mutants"), "--out", str(out), "--jobs", "2",
                                      "--timeout", "60"])
    assert result.exit_code in (0, 1) and "Traceback" not in result.output
    reports = pd.read_csv(out / "reports.csv")
    assert len(reports) == len(paths) + 1
    assert set(reports["status"]) <= KNOWN_KINDS | {"ok", "duplicate"}
    assert reports.set_index(reports["path"].map(lambda p: Path(p).name)).loc["good.txt", "status"] == "ok"
    again = CliRunner().invoke(app, ["run", str(tmp_path / "mutants"), "--out", str(out), "--jobs", "2",
                                     "--timeout", "60"])  # from the cache: the same tables
    assert again.exit_code == result.exit_code
    assert pd.read_csv(out / "reports.csv").equals(reports)
    os.sync()


def test_pdfminer_warnings_do_not_flood_stderr():
    import logging

    from peel_findings import read_report

    read_report(SEED_PDF, engine="pdfplumber")
    assert logging.getLogger("pdfminer").getEffectiveLevel() >= logging.ERROR
