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


def test_tables_workbook_reads_back_and_carries_no_time(tmp_path):
    import zipfile

    from peel_findings.outputs.xlsx import write_xlsx

    rows = [("Kent Police", 2019, 0.25, "=HYPERLINK(\"x\")"), ("Surrey Police", None, float("nan"), "a & <b>")]
    path = write_xlsx(tmp_path / "t.xlsx", [("a sheet name longer than thirty-one characters", ["force", "year",
                                                                                               "share", "text"], rows)])
    with zipfile.ZipFile(path) as book:
        assert {info.date_time for info in book.infolist()} == {(1980, 1, 1, 0, 0, 0)}  # same tables, same bytes
        assert all(info.compress_type == zipfile.ZIP_DEFLATED for info in book.infolist())
    back = pd.read_excel(path, sheet_name=None)
    (name, frame), = back.items()
    assert len(name) <= 31
    assert frame["force"].tolist() == ["Kent Police", "Surrey Police"]
    assert frame["text"].tolist()[1] == "a & <b>"
