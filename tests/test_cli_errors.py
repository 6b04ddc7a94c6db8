"""Errors a user can cause: one line (one per problem), exit code 2 for unusable input, never a traceback."""

from __future__ import annotations

import pandas as pd
import pytest
from typer.testing import CliRunner

from peel_findings.cli import app

from conftest import SAMPLES

GLOS_TEXT = SAMPLES / "peel-effectiveness-2015-gloucestershire.txt"


def _invoke(*args: str):
    result = CliRunner().invoke(app, [str(a) for a in args])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result


def test_cli_errors_out_that_is_a_file_is_refused_before_any_work(tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("not a folder")
    result = _invoke("run", GLOS_TEXT, "--out", target)
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [f"peel: {target}: --out must be a folder, but this is a file. "
                                                  "Choose another path."]
    assert not (tmp_path / ".peel-cache").exists()


def test_cli_errors_out_that_cannot_be_created_is_refused(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = _invoke("extract", GLOS_TEXT, "--out", blocker / "sub")
    assert result.exit_code == 2 and "cannot write to this folder" in result.output


def test_cli_errors_bad_settings_are_usage_errors(tmp_path):
    result = _invoke("run", GLOS_TEXT, "--out", tmp_path / "o", "--jobs", "0", "--memory-mb", "10")
    assert result.exit_code == 2
    assert "jobs must be at least 1" in result.output and "memory_mb must be at least 256" in result.output


def test_cli_errors_a_missing_input_is_not_found(tmp_path):
    result = _invoke("run", tmp_path / "missing.pdf", GLOS_TEXT, "--out", tmp_path / "o", "--timeout", "0")
    assert result.exit_code == 1
    errors = pd.read_csv(tmp_path / "o" / "errors.csv")
    assert errors.kind.tolist() == ["not_found"] and "no such file" in errors.message[0]


def test_cli_errors_evaluate_on_an_empty_file(tmp_path):
    empty = tmp_path / "labels.jsonl"
    empty.write_text("")
    result = _invoke("evaluate", empty)
    assert result.exit_code == 2 and "no labelled records" in result.output


@pytest.mark.parametrize("command", ["classify", "train"])
def test_cli_errors_every_bad_jsonl_line_is_listed(tmp_path, command):
    bad = tmp_path / "in.jsonl"
    bad.write_text('{"text": "fine."}\nnot json\n[1, 2]\n', encoding="utf-8")
    args = ("classify", bad, "--out", tmp_path / "out.jsonl") if command == "classify" else \
        ("train", bad, "--out", tmp_path / "model", "--no-cross-validate")
    result = _invoke(*args)
    assert result.exit_code == 2
    assert "line 2: not valid JSON" in result.output and "line 3: expected a JSON object" in result.output
    assert not (tmp_path / "out.jsonl").exists() and not (tmp_path / "model").exists()
