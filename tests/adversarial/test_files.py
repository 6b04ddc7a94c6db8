"""The filesystem: pipes, links, missing and unreadable files, bad --out folders, two runs at once, ids."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import generators
from peel_findings.cli import app
from peel_findings.outputs.files import locked

PEEL = [sys.executable, "-m", "peel_findings.cli"]


def _errors(out: Path) -> dict[str, str]:
    errors = pd.read_csv(out / "errors.csv")
    return {Path(p).name: k for p, k in zip(errors["path"], errors["kind"])}


@pytest.mark.parametrize("limits", [[], ["--timeout", "0"], ["--jobs", "2"]], ids=["default", "no-timeout", "jobs-2"])
def test_a_fifo_named_on_the_command_line_is_a_row_not_a_hang(tmp_path, limits):
    os.mkfifo(tmp_path / "x.pdf")
    (tmp_path / "good.txt").write_text(generators.short_report(), encoding="utf-8")
    done = subprocess.run([*PEEL, "run", str(tmp_path / "x.pdf"), str(tmp_path / "good.txt"), "--out",
                           str(tmp_path / "out"), *limits], capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    assert _errors(tmp_path / "out") == {"x.pdf": "not_a_file"}
    assert "Traceback" not in done.stderr


def test_pipes_and_links_in_a_folder_each_get_a_row(tmp_path):
    expected = generators.not_files(tmp_path / "in")
    (tmp_path / "in" / "good.txt").write_text(generators.short_report(), encoding="utf-8")
    result = CliRunner().invoke(app, ["run", str(tmp_path / "in"), str(tmp_path / "gone.pdf"),
                                      "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert _errors(tmp_path / "out") == {**expected, "gone.pdf": "not_found"}
    reports = pd.read_csv(tmp_path / "out" / "reports.csv")
    assert reports.set_index(reports.path.map(lambda p: Path(p).name)).status["good.txt"] == "ok"


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file")
def test_an_unreadable_file_is_a_clean_row(tmp_path):
    secret = tmp_path / "in" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text(generators.short_report(), encoding="utf-8")
    secret.chmod(0)
    result = CliRunner().invoke(app, ["run", str(secret.parent), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1 and _errors(tmp_path / "out") == {"secret.txt": "unreadable"}


@pytest.mark.parametrize("case", ["file", "unwritable", "inside-input"])
def test_a_bad_out_folder_is_refused_before_any_work(tmp_path, case):
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "good.txt").write_text(generators.short_report(), encoding="utf-8")
    if case == "file":
        out = tmp_path / "out.txt"
        out.write_text("not a folder")
    elif case == "unwritable":
        out = Path("/proc/peel-out")  # nobody, root included, may create a folder here
    else:
        out = inputs / "out"
    result = CliRunner().invoke(app, ["run", str(inputs), "--out", str(out), "--no-resume"])
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("peel: ") and str(out) in lines[0]
    assert "Traceback" not in result.output


def test_a_second_run_into_a_locked_folder_fails_with_a_clear_message(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "good.txt").write_text(generators.short_report(), encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    with locked(out):
        result = CliRunner().invoke(app, ["run", str(tmp_path / "in"), "--out", str(out)])
    assert result.exit_code == 2 and "another peel run is writing to this folder" in result.output
    assert not (out / "findings.csv").exists()
    again = CliRunner().invoke(app, ["run", str(tmp_path / "in"), "--out", str(out)])  # the lock is released
    assert again.exit_code == 0, again.output


def test_runs_one_after_another_leave_one_runs_files(tmp_path):
    """The second run's inputs differ: every table and the report must be the second run's only."""
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir(), second.mkdir()
    (first / "kent.txt").write_text(generators.short_report("Kent Police"), encoding="utf-8")
    (first / "essex.txt").write_text(generators.short_report("Essex Police"), encoding="utf-8")
    (second / "surrey.txt").write_text(generators.short_report("Surrey Police"), encoding="utf-8")
    out = tmp_path / "out"
    assert CliRunner().invoke(app, ["run", str(first), "--out", str(out)]).exit_code == 0
    assert CliRunner().invoke(app, ["run", str(second), "--out", str(out)]).exit_code == 0
    assert set(pd.read_csv(out / "reports.csv")["force"]) == {"Surrey Police"}
    assert set(pd.read_parquet(out / "findings.parquet")["force"]) == {"Surrey Police"}
    assert set(pd.read_csv(out / "findings.csv")["force"]) == {"Surrey Police"}
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "Surrey Police" in html and "Kent Police" not in html
    for evidence in (out / "evidence").glob("*.csv"):
        assert set(pd.read_csv(evidence)["force"]) <= {"Surrey Police"}
    assert not [p for p in out.iterdir() if p.name.startswith(".peel-staging")]


def test_ids_are_unique_when_file_names_collide(tmp_path):
    paths = generators.colliding_names(tmp_path / "in")
    result = CliRunner().invoke(app, ["run", str(tmp_path / "in"), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    reports = pd.read_csv(tmp_path / "out" / "reports.csv")
    assert len(reports) == len(paths) and reports["report_id"].is_unique
    findings = pd.read_parquet(tmp_path / "out" / "findings.parquet")
    assert findings["sentence_id"].is_unique and set(findings["report_id"]) == set(reports["report_id"])
    assert "报告" in set(reports["report_id"]) or any("报告" in r for r in reports["report_id"])
    for row in findings.groupby("report_id")["sentence_id"].first().items():
        assert row[1].startswith(row[0] + "-")
