"""`peel run` / `analyse` on the bundled sample reports (both seeds, as PDF and as text).

What a careful reader sees in them: crime allocation and supervision of investigations are
criticised in both forces; OCG mapping is praised in Avon and Somerset ("organised crime groups
are consistently mapped and scored") and criticised in Gloucestershire (mapped OCGs not subject
to regular scrutiny); both say shortcomings were raised in earlier inspections.
"""

from __future__ import annotations

import pandas as pd
import pytest
from typer.testing import CliRunner

from peel_findings.batch import analyse
from peel_findings.cli import app

from conftest import SAMPLES

AVON, GLOS = "Avon and Somerset Constabulary", "Gloucestershire Constabulary"


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    out = tmp_path_factory.mktemp("run")
    result = CliRunner().invoke(app, ["run", str(SAMPLES), "--out", str(out)])
    return result, out


def _forces(themes: pd.DataFrame, theme: str, polarity: str) -> list[str]:
    row = themes[(themes.theme == theme) & (themes.polarity == polarity)]
    return row.iloc[0].forces.split("; ") if len(row) else []


def test_batch_run_writes_every_table_and_exits_0(run):
    result, out = run
    assert result.exit_code == 0, result.output
    for name in ("findings.parquet", "findings.csv", "reports.csv", "themes.csv", "errors.csv", "report.html"):
        assert (out / name).stat().st_size > 0, name
    assert (out / "errors.csv").read_text().strip() == "path,stage,kind,message"


def test_batch_run_themes_match_a_careful_reading(run):
    _, out = run
    themes = pd.read_csv(out / "themes.csv")
    assert set(_forces(themes, "allocation", "negative")) == {AVON, GLOS}
    assert set(_forces(themes, "supervision", "negative")) == {AVON, GLOS}
    assert AVON in _forces(themes, "ocg_mapping", "positive")
    assert GLOS in _forces(themes, "ocg_mapping", "negative")


def test_batch_run_reports_grades_and_counts_each_report_once(run):
    _, out = run
    reports = pd.read_csv(out / "reports.csv")
    ok = reports[reports.status == "ok"].set_index("force")
    assert len(ok) == 2 and (reports.status == "duplicate").sum() == 2
    assert ok.loc[AVON, "overall_grade"] == ok.loc[GLOS, "overall_grade"] == "requires improvement"
    assert ok.loc[AVON, "grade_serious_organised_crime"] == "good"
    assert ok.loc[GLOS, "grade_serious_organised_crime"] == "requires improvement"
    assert ok.loc[AVON, "grade_preventing_crime"] == ok.loc[GLOS, "grade_preventing_crime"] == "good"
    assert ok.loc[AVON, "pages"] == 34  # the PDF is kept over the text copy


def test_batch_run_findings_are_traceable_and_flag_repeat_concerns(run):
    _, out = run
    findings = pd.read_parquet(out / "findings.parquet")
    assert findings["sentence_id"].is_unique
    assert findings["page"].notna().all()  # every kept report is the PDF copy
    repeat = findings[findings.repeat_concern]
    texts = " ".join(repeat.text)
    assert "highlighted in previous HMIC inspections" in texts
    assert "pointed out to the constabulary in inspections over the last two years" in texts
    assert set(repeat.force) == {AVON, GLOS}


def test_batch_structure_evidence_marks_areas_for_improvement_negative(run):
    _, out = run
    findings = pd.read_parquet(out / "findings.parquet")
    afi = findings[(findings.section_kind == "area_for_improvement") & (findings.unit == "bullet")]
    assert len(afi) >= 5
    assert afi.is_finding.all() and (afi.polarity == "negative").all()
    grades = findings[(findings.unit == "heading") & (findings.text.str.lower() == "good")]
    assert (grades.polarity == "positive").all() and len(grades) >= 2


def test_batch_run_with_a_bad_file_exits_1_and_keeps_the_rest(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "broken.pdf").write_bytes(b"%PDF-1.4 truncated")
    (tmp_path / "in" / "good.txt").write_text((SAMPLES / "peel-effectiveness-2015-gloucestershire.txt").read_text())
    result = CliRunner().invoke(app, ["run", str(tmp_path / "in"), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    errors = pd.read_csv(tmp_path / "out" / "errors.csv")
    assert errors.to_dict("records")[0]["kind"] == "corrupt"
    assert pd.read_csv(tmp_path / "out" / "reports.csv").status.tolist() == ["corrupt", "ok"]
    assert len(pd.read_parquet(tmp_path / "out" / "findings.parquet")) > 300


def test_batch_run_without_reports_is_a_usage_error(tmp_path):
    (tmp_path / "in").mkdir()
    result = CliRunner().invoke(app, ["run", str(tmp_path / "in"), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2 and "no report files" in result.output


def test_batch_analyse_is_deterministic():
    first = analyse([SAMPLES / "peel-effectiveness-2015-gloucestershire.txt"])
    second = analyse([SAMPLES / "peel-effectiveness-2015-gloucestershire.txt"])
    pd.testing.assert_frame_equal(first.findings, second.findings)
    pd.testing.assert_frame_equal(first.themes, second.themes)


def test_batch_other_documents_in_a_folder_get_a_row_and_hidden_files_and_images_none(tmp_path):
    (tmp_path / "report.txt").write_text((SAMPLES / "peel-effectiveness-2015-gloucestershire.txt").read_text())
    (tmp_path / "notes.docx").write_bytes(b"PK\x03\x04 not really a document")
    (tmp_path / "figures.xlsx").write_bytes(b"PK\x03\x04")
    (tmp_path / ".hidden.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / "chart.png").write_bytes(b"\x89PNG\r\n")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "old.txt").write_text("ignored")
    results = analyse([tmp_path])
    errors = {row.path.split("/")[-1]: row for row in results.errors.itertuples()}
    assert set(errors) == {"notes.docx", "figures.xlsx"}
    assert errors["notes.docx"].kind == "unsupported_format" and "export it as PDF" in errors["notes.docx"].message
    assert "spreadsheet" in errors["figures.xlsx"].message
    assert results.reports[results.reports.status == "ok"].path.str.endswith("report.txt").all()
