"""A model folder whose metadata was edited or is malformed is refused with one clear line."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

import generators
from peel_findings.cli import app
from peel_findings.errors import ModelError
from peel_findings.model.store import check_model, default_model_dir, load_model, metadata_sha256


@pytest.fixture()
def model_copy(tmp_path) -> Path:
    return Path(shutil.copytree(default_model_dir(), tmp_path / "model"))


def _edit(folder: Path, change, reseal: bool) -> None:
    path = folder / "metadata.json"
    meta = json.loads(path.read_text(encoding="utf-8"))
    change(meta)
    if reseal:  # as a careful forger would: the metadata hash recomputed
        meta["metadata_sha256"] = metadata_sha256(meta)
    path.write_text(json.dumps(meta), encoding="utf-8")


def _rename_theme(meta: dict) -> None:
    meta["theme_ids"][0] = "renamed"


CASES = {
    "renamed theme id": (_rename_theme, False, "changed after training"),
    "no metadata hash": (lambda m: m.pop("metadata_sha256"), False, "no metadata_sha256"),
    "missing theme ids": (lambda m: m.pop("theme_ids"), True, "theme_ids must be"),
    "theme ids of the wrong type": (lambda m: m.update(theme_ids="allocation"), True, "theme_ids must be"),
    "a threshold out of range": (lambda m: m["theme_thresholds"].update(allocation=7), True, "theme_thresholds"),
    "one theme too few": (lambda m: (m["theme_ids"].pop(), m["theme_thresholds"].popitem()), True, "theme heads"),
    "a polarity weight of the wrong type": (lambda m: m.update(polarity_weights={"negative": "high"}), True,
                                            "polarity_weights"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_an_edited_or_malformed_model_is_refused(model_copy, case):
    change, reseal, says = CASES[case]
    _edit(model_copy, change, reseal)
    with pytest.raises(ModelError, match=says):
        load_model(model_copy)


@pytest.mark.parametrize("case", ["renamed theme id", "one theme too few"])
def test_peel_run_refuses_it_with_one_line_and_exit_2(model_copy, tmp_path, case):
    change, reseal, says = CASES[case]
    _edit(model_copy, change, reseal)
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "r.txt").write_text(generators.short_report(), encoding="utf-8")
    result = CliRunner().invoke(app, ["run", str(tmp_path / "in"), "--out", str(tmp_path / "out"),
                                      "--model", str(model_copy)])
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert result.exit_code == 2 and len(lines) == 1 and says in lines[0], result.output
    assert not (tmp_path / "out" / "findings.csv").exists()


def test_the_shipped_model_passes_the_check():
    meta = check_model()
    assert meta["metadata_sha256"] == metadata_sha256(meta)
