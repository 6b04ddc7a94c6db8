import pandas as pd
import pytest

from peel_findings.errors import OutputError
from peel_findings.outputs.files import csv_safe, resolve_inside, safe_cell, write_table


@pytest.mark.parametrize("cell", ["=SUM(A1)", "+44 1234", "-2+3", "@cmd", "\tx", "\rx"])
def test_tables_formula_cells_are_neutralised(cell):
    assert safe_cell(cell) == "'" + cell


def test_tables_csv_round_trip_keeps_text_and_lists(tmp_path):
    frame = pd.DataFrame({"text": ["=HYPERLINK(\"http://x\")", "plain"], "themes": [["a", "b"], []]})
    write_table(frame, tmp_path, "t")
    back = pd.read_csv(tmp_path / "t.csv")
    assert back.loc[0, "text"].startswith("'=")
    assert pd.isna(back.loc[1, "themes"]) and back.loc[0, "themes"] == "a; b"
    assert (tmp_path / "t.parquet").exists()
    assert list(csv_safe(frame)["text"]) == ["'=HYPERLINK(\"http://x\")", "plain"]


def test_tables_output_names_cannot_escape_the_folder(tmp_path):
    with pytest.raises(OutputError, match="outside"):
        resolve_inside(tmp_path, "../outside.csv")
