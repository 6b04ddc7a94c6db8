"""The parent stays lean at archive scale: it holds one report's rows at a time, however many reports."""

from __future__ import annotations

import gc
import importlib
import json
import weakref
from pathlib import Path

import pandas as pd
import pytest

from archive_corpus import write_corpus
from peel_findings.batch import RunConfig, analyse

run_module = importlib.import_module("peel_findings.batch.run")


ROW_GROUP = 500  # rows gathered into one Parquet row group before writing (smaller than in use, to see it)


def _tracked_run(monkeypatch, corpus: Path, out: Path) -> tuple[int, int]:
    """Run `peel run` on ``corpus``; (the most full-table rows alive at once in the parent, the largest report)."""
    monkeypatch.setattr("peel_findings.outputs.stream.ROW_GROUP", ROW_GROUP)
    alive: list[weakref.ref] = []
    peak = {"rows": 0}
    original = run_module.stream

    def watched(plan):
        for rows in original(plan):
            gc.collect()
            live = [ref() for ref in alive if ref() is not None]
            peak["rows"] = max(peak["rows"], rows.table.num_rows + sum(t.num_rows for t in live))
            del live
            alive.append(weakref.ref(rows.table))
            yield rows

    monkeypatch.setattr(run_module, "stream", watched)
    run_module.run([corpus], out, config=RunConfig(jobs=1, timeout=None))
    record = json.loads((out / "run.json").read_text())
    return peak["rows"], record["parent"]["largest_report_rows"]


def test_the_parent_holds_a_bounded_number_of_rows_at_any_archive_size(tmp_path, monkeypatch):
    small = write_corpus(tmp_path / "small", 4, seed=0)
    large = write_corpus(tmp_path / "large", 12, seed=0)
    held_small, largest_small = _tracked_run(monkeypatch, small[0].parent, tmp_path / "out-small")
    held_large, largest_large = _tracked_run(monkeypatch, large[0].parent, tmp_path / "out-large")
    # at most a row group in the making and the report at hand, however many reports
    assert held_small <= ROW_GROUP + largest_small and held_large <= ROW_GROUP + largest_large
    findings = pd.read_parquet(tmp_path / "out-large" / "findings.parquet")
    assert findings["report_id"].nunique() == 12 and len(findings) > 3 * largest_large


def test_a_streamed_run_writes_what_analyse_computes(tmp_path):
    corpus = write_corpus(tmp_path / "in", 5, seed=3)[0].parent
    in_memory = analyse([corpus])
    run_module.run([corpus], tmp_path / "out", config=RunConfig(jobs=1, timeout=None))
    written = pd.read_parquet(tmp_path / "out" / "findings.parquet")
    assert written["sentence_id"].tolist() == in_memory.findings["sentence_id"].tolist()
    assert written["is_finding"].tolist() == in_memory.findings["is_finding"].tolist()
    assert written["shared_text"].tolist() == in_memory.findings["shared_text"].tolist()
    themes = pd.read_csv(tmp_path / "out" / "themes.csv")
    expected = in_memory.themes
    assert themes[["theme", "polarity", "n_forces", "n_findings"]].values.tolist() == \
        expected[["theme", "polarity", "n_forces", "n_findings"]].values.tolist()
    assert themes["estimate"].round(2).tolist() == pytest.approx(expected["estimate"].round(2).tolist())


@pytest.mark.parametrize("writer", ["run", "write_results"])
def test_the_force_by_theme_estimates_written_are_the_in_memory_ones(tmp_path, writer):
    from peel_findings import aggregate
    from peel_findings.outputs import write_results

    corpus = write_corpus(tmp_path / "in", 4, seed=5)[0].parent
    in_memory = analyse([corpus])
    if writer == "run":
        run_module.run([corpus], tmp_path / "out", config=RunConfig(jobs=1, timeout=None))
    else:  # every report's rows in one table
        write_results(in_memory, tmp_path / "out")
    written = pd.read_excel(tmp_path / "out" / "evidence.xlsx", sheet_name="force x theme")
    expected = aggregate.force_theme_matrix(in_memory.findings, dispersion=in_memory.dispersion)
    key = ["force", "theme"]
    both = written.merge(expected, on=key, suffixes=("_written", "_expected"))
    assert len(both) == len(expected) > 10 and both["force"].nunique() == 4
    assert both["estimate_negative_written"].round(2).tolist() == \
        both["estimate_negative_expected"].astype(float).round(2).tolist()
