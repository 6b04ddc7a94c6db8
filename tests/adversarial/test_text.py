"""Text files: encodings found properly, bad bytes replaced with a warning, binaries refused; long paragraphs."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import generators
from peel_findings import read_report
from peel_findings.cli import app


@pytest.fixture(scope="module")
def encoded(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    folder = tmp_path_factory.mktemp("encodings")
    return folder, generators.encodings(folder)


def test_every_encoding_reads_as_the_same_text(encoded):
    folder, expected = encoded
    reference = [s.text for s in read_report(folder / "utf8-bom.txt").sentences]
    assert any("café’s “safe space”" in t for t in reference)
    for name, outcome in expected.items():
        if outcome == "ok":
            assert [s.text for s in read_report(folder / name).sentences] == reference, name


def test_one_bad_byte_keeps_utf8_and_warns(encoded):
    folder, _ = encoded
    clean = read_report(generators.GLOS)
    damaged = read_report(folder / "utf8-one-bad-byte.txt")
    assert damaged.warnings and "1 byte(s)" in damaged.warnings[0]
    texts = [s.text for s in damaged.sentences]
    assert not any("â€" in t or "Ã" in t for t in texts)  # no mojibake
    assert len(set(texts) ^ {s.text for s in clean.sentences}) <= 4  # only the sentence with the byte differs


def test_a_run_over_the_encodings_reports_each_outcome(encoded, tmp_path):
    folder, expected = encoded
    result = CliRunner().invoke(app, ["run", str(folder), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1 and "Traceback" not in result.output  # the binaries fail
    errors = pd.read_csv(tmp_path / "out" / "errors.csv")
    kinds = {Path(p).name: k for p, k in zip(errors["path"], errors["kind"])}
    assert kinds == {n: k for n, k in expected.items() if k != "ok"}
    reports = pd.read_csv(tmp_path / "out" / "reports.csv").set_index("path")
    status = {Path(p).name: s for p, s in reports["status"].items()}
    assert status["utf8-one-bad-byte.txt"] == "ok"  # read, and counted, with its warning
    assert "warning: " in result.output and "decoding" in result.output


def test_a_decoding_warning_alone_exits_0(encoded, tmp_path):
    folder, _ = encoded
    result = CliRunner().invoke(app, ["run", str(folder / "utf8-one-bad-byte.txt"), "--out", str(tmp_path / "o")])
    assert result.exit_code == 0, result.output
    assert pd.read_csv(tmp_path / "o" / "errors.csv")["kind"].tolist() == ["decoding"]


def test_a_one_megabyte_paragraph_is_split_into_sentences(tmp_path):
    path = generators.long_paragraph(tmp_path / "long.txt", 1_000_000)
    report = read_report(path)
    assert len(report.sentences) > 5000
    assert all(len(s.text) < 5000 for s in report.sentences)
    assert all(report.text[s.start:s.end] == s.text for s in report.sentences[::97])


@pytest.mark.slow
def test_a_14_megabyte_file_of_short_lines_runs_within_the_default_timeout(tmp_path):
    generators.many_short_lines(tmp_path / "in" / "table.txt", 14)
    result = CliRunner().invoke(app, ["extract", str(tmp_path / "in"), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert len(pd.read_parquet(tmp_path / "out" / "sentences.parquet")) > 1000
