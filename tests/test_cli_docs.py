"""Docs that cannot rot: every CLI command has help text and a README section."""

from pathlib import Path

from typer.main import get_command
from typer.testing import CliRunner

from peel_findings.cli import app

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_cli_docs_every_command_has_help_and_a_readme_section():
    commands = get_command(app).commands
    assert {"extract", "classify", "train", "evaluate"} <= set(commands)
    for name in commands:
        result = CliRunner().invoke(app, [name, "--help"])
        assert result.exit_code == 0 and "Usage" in result.output, name
        assert f"peel {name}" in README, f"README has no section for `peel {name}`"


def test_cli_docs_usage_error_exits_2():
    result = CliRunner().invoke(app, ["extract"])
    assert result.exit_code == 2


def test_cli_docs_readme_shows_the_shipped_models_scores():
    import json

    from peel_findings.model.store import default_model_dir
    from peel_findings.learn.card import metrics_table

    evaluation = json.loads((default_model_dir() / "metadata.json").read_text())["evaluation"]
    table = metrics_table(evaluation["model"], evaluation["baseline"])
    assert table in README, "README's evaluation table is not the shipped model's: regenerate it"
    assert table in (default_model_dir() / "MODEL_CARD.md").read_text()
