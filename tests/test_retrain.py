"""The retraining loop: queue, interchange formats, validation, the guard against a worse model, own themes."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from peel_findings import classify, load_model, train
from peel_findings.learn.active import build_queue
from peel_findings.model.store import save_model
from peel_findings.cli import app
from peel_findings.errors import LabelError
from peel_findings.learn.interchange import export_records, import_records
from peel_findings.learn.interchange import read_records
from peel_findings.taxonomy import load_taxonomy
from peel_findings.learn.metrics import paired_difference
from peel_findings.model.store import list_models, promote

from conftest import SAMPLES

TINY = Path(__file__).parent / "fixtures" / "labels" / "tiny.jsonl"
CORE = ("id", "text", "report", "force", "year", "is_finding", "polarity", "themes")


def _core(records):
    return [{k: r[k] for k in CORE} for r in records]


@pytest.mark.parametrize("fmt, name", [("jsonl", "l.jsonl"), ("csv", "l.csv"), ("labelstudio", "l.json"),
                                       ("prodigy", "l.prodigy.jsonl")])
def test_retrain_each_format_round_trips(tmp_path, fmt, name):
    records = read_records(TINY)
    records[0] = {**records[0], "text": "=HYPERLINK(\"x\") formula-looking text, “quoted” ✓"}
    path = export_records(records, tmp_path / name, as_annotations=True)
    assert path.exists()
    back = import_records(path)
    assert _core(back) == _core(records)


def test_retrain_label_studio_export_has_predictions_and_a_config(tmp_path):
    queue = [{**r, "uncertainty": 0.4} for r in read_records(TINY)[:3]]
    path = export_records(queue, tmp_path / "tasks.json")
    tasks = json.loads(path.read_text())
    assert "predictions" in tasks[0] and "annotations" not in tasks[0]
    assert tasks[0]["predictions"][0]["score"] == 0.6
    assert "<Choices name=\"themes\"" in (tmp_path / "tasks.labelstudio.xml").read_text()
    with pytest.raises(LabelError, match="no annotation"):
        import_records(path)  # model guesses are not labels


def test_retrain_import_reports_every_problem_and_imports_nothing(tmp_path):
    good = read_records(TINY)[0]
    bad = [
        {**good, "themes": ["allocation", "vettin"]},
        {**good, "polarity": "angry"},
        {k: v for k, v in good.items() if k != "is_finding"},
        {**good, "is_finding": "yes"},
    ]
    path = tmp_path / "bad.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in [good, *bad]) + "{not json\n")
    with pytest.raises(LabelError) as info:
        import_records(path)
    message = str(info.value)
    assert "nothing was imported" in message
    assert f"{path}:line 2: field 'themes' has 'vettin'" in message and "allowed: allocation, supervision" in message
    assert f"{path}:line 3: field 'polarity' is 'angry'" in message and "positive, negative, mixed, neutral" in message
    assert f"{path}:line 4: field 'is_finding' is missing" in message
    assert f"{path}:line 5: field 'is_finding' must be true or false, got 'yes'" in message
    assert f"{path}:line 6: not valid JSON" in message


def test_retrain_paired_difference_detects_a_worse_model():
    rng = np.random.default_rng(0)
    n = 400
    gold = rng.random(n) < 0.3
    good = gold ^ (rng.random(n) < 0.05)
    bad = gold ^ (rng.random(n) < 0.4)

    def counts(pred):
        return pd.DataFrame({"theme:x|tp": gold & pred, "theme:x|fp": ~gold & pred, "theme:x|fn": gold & ~pred}).astype(int)

    groups = [f"r{i % 40}" for i in range(n)]
    worse = paired_difference(counts(good), counts(bad), groups, ["theme:x"])
    assert worse["high"] < 0 and worse["value"] < -0.2
    same = paired_difference(counts(good), counts(good), groups, ["theme:x"])
    assert same["low"] <= 0 <= same["high"]


def _registry(tmp_path: Path) -> Path:
    registry = tmp_path / "models"
    save_model(train(read_records(TINY)), registry / "default")
    return registry


@pytest.mark.parametrize("worse, force, promoted", [(True, False, False), (True, True, True), (False, False, True)])
def test_retrain_guard_promotes_only_a_model_that_is_not_worse(tmp_path, monkeypatch, worse, force, promoted):
    import peel_findings.learn.retrain as compare_module

    registry = _registry(tmp_path)
    before = load_model(registry / "default").metadata["model_sha256"]
    real = compare_module.compare

    def judged(*args, **kwargs):
        result = real(*args, **kwargs)  # the real comparison runs; the verdict is set for the test
        result["worse"] = worse
        return result

    monkeypatch.setattr(compare_module, "compare", judged)
    args = ["train", str(TINY), "--out", str(tmp_path / "new"), "--no-cross-validate", "--baseline", str(TINY),
            "--promote", "--models-dir", str(registry), "--name", "candidate"]
    result = CliRunner().invoke(app, args + (["--force"] if force else []))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "new" / "comparison.csv").exists()
    table = pd.read_csv(tmp_path / "new" / "comparison.csv")
    assert {"finding F1", "polarity macro-F1", "core-theme macro-F1", "theme F1: allocation"} <= set(table.measure)
    after = load_model(registry / "default").metadata
    assert (after.get("name") == "candidate") is promoted
    if promoted:
        earlier = [m for m in list_models(registry) if m not in ("default",)]
        assert len(earlier) == 1 and load_model(registry / earlier[0]).metadata["model_sha256"] == before
    else:
        assert after["model_sha256"] == before and "not promoted" in result.output


def test_retrain_previous_model_loads_by_name(tmp_path, monkeypatch):
    registry = _registry(tmp_path)
    candidate = save_model(train(read_records(TINY), seed=1), tmp_path / "cand")
    previous = promote(candidate, registry)
    monkeypatch.setenv("PEEL_MODELS_DIR", str(registry))
    assert load_model(previous).metadata["seed"] == 0 and load_model(registry / "default").metadata["seed"] == 1


def test_retrain_custom_theme_trains_and_warns(tmp_path):
    taxonomy = json.loads(Path(load_taxonomy.__globals__["default_taxonomy_path"]()).read_text())
    taxonomy["themes"].append({"id": "vetting", "name": "Vetting", "definition": "Vetting of officers and staff.",
                               "keywords": ["vetting", "vetted"]})
    tax_path = tmp_path / "taxonomy.json"
    tax_path.write_text(json.dumps(taxonomy))
    extra = [
        ("The force has a backlog of vetting checks for new staff.", "negative"),
        ("All officers have been vetted to the appropriate level.", "positive"),
        ("Vetting decisions are made quickly and recorded well.", "positive"),
        ("Some staff are working without up-to-date vetting.", "negative"),
        ("The vetting unit lacks capacity to clear its backlog.", "negative"),
        ("The force renews vetting for every officer in good time.", "positive"),
    ]
    records = read_records(TINY) + [
        {"id": f"v{i}", "text": t, "report": f"v-{i % 3}", "force": f"Force {'ABC'[i % 3]}", "year": "2022",
         "is_finding": True, "polarity": p, "themes": ["vetting"]} for i, (t, p) in enumerate(extra)
    ]
    path = tmp_path / "labels.jsonl"
    export_records(records, path)
    tax = load_taxonomy(tax_path)
    with pytest.warns(UserWarning, match="Theme 'vetting' has 6 labelled example"):
        model = train(import_records(path, taxonomy=tax), taxonomy=tax)
    assert "vetting" in model.theme_ids
    scores = classify(["The vetting backlog means staff work without clearance."], model=model).theme_scores[0]
    assert scores["vetting"] > scores["allocation"]
    with pytest.raises(LabelError, match="'vetting', which is not in the taxonomy"):
        import_records(path)  # the shipped taxonomy has no such theme


@pytest.fixture(scope="module")
def sample_findings():
    from peel_findings.batch import analyse

    return analyse([SAMPLES]).findings


def test_retrain_queue_spreads_across_forces_without_near_duplicates(sample_findings):
    from sklearn.feature_extraction.text import TfidfVectorizer

    picked = build_queue(sample_findings, 40)
    assert len(picked) == 40 and picked["id"].is_unique
    counts = picked["force"].value_counts()
    assert len(counts) == 2 and abs(counts.iloc[0] - counts.iloc[1]) <= 1
    vectors = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True).fit_transform(picked.text)
    similarity = (vectors @ vectors.T).toarray()
    np.fill_diagonal(similarity, 0)
    assert similarity.max() < 0.8
    for _, group in picked.groupby("force"):
        assert list(group.uncertainty) == sorted(group.uncertainty, reverse=True)
    assert set(picked.columns) >= {"is_finding", "polarity", "themes", "uncertainty"}
    assert picked.uncertainty.min() > 0


def test_retrain_queue_mixed_alternates_uncertain_and_random(sample_findings):
    uncertain = build_queue(sample_findings, 20, strategy="margin")
    mixed = build_queue(sample_findings, 20, strategy="mixed", seed=3)
    for force in uncertain.force.unique():
        top = uncertain[uncertain.force == force].iloc[0]
        first = mixed[mixed.force == force].iloc[0]
        assert first.id == top.id  # each force starts with its most uncertain sentence
    assert set(mixed.id) != set(uncertain.id)  # and then explores
    assert len(mixed) == 20 and mixed.force.value_counts().max() - mixed.force.value_counts().min() <= 1
    with pytest.raises(ValueError, match="strategy must be"):
        build_queue(sample_findings, 5, strategy="bogus")


def test_retrain_queue_cli_writes_each_format(sample_findings, tmp_path):
    source = tmp_path / "findings.parquet"
    sample_findings.to_parquet(source)
    for name in ("q.jsonl", "q.csv", "q.json", "q.prodigy.jsonl"):
        result = CliRunner().invoke(app, ["queue", str(source), "--n", "10", "--out", str(tmp_path / name)])
        assert result.exit_code == 0, result.output
        assert (tmp_path / name).stat().st_size > 0
