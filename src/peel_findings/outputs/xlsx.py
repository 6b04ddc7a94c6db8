"""A minimal Excel workbook writer: sheets of plain values, streamed straight into the zip.

An .xlsx file is a zip of XML parts (ECMA-376). Writing the few parts a workbook of plain values
needs, with inline strings, is several times faster than a general library at the sizes an archive
run produces (hundreds of thousands of cells), and needs no dependency. No styles, formulas or
shared strings: a value is a number, a boolean, text, or empty.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

MAX_CELL = 32_767  # Excel's limit on the characters in a cell
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # characters XML 1.0 cannot hold
_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def write_xlsx(path: str | Path, sheets: Iterable[tuple[str, list[str], Iterable[tuple[Any, ...]]]]) -> Path:
    """Write ``sheets`` — (name, column names, rows) — as a workbook at ``path``. Names are cut to
    Excel's 31 characters and made unique; text longer than a cell holds is cut, saying so."""
    path = Path(path)
    names: list[str] = []
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as book:
        for columns_rows in sheets:
            name, columns, rows = columns_rows
            names.append(_sheet_name(name, names))
            with book.open(f"xl/worksheets/sheet{len(names)}.xml", "w") as part:
                part.write(f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet {_NS}><sheetData>'
                           .encode())
                part.write(_row(1, columns).encode("utf-8"))
                for number, row in enumerate(rows, start=2):
                    part.write(_row(number, row).encode("utf-8"))
                part.write(b"</sheetData></worksheet>")
        book.writestr(_entry("[Content_Types].xml"), _content_types(len(names)))
        book.writestr(_entry("_rels/.rels"), '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
                      'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
                      'openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
                      "</Relationships>")
        book.writestr(_entry("xl/workbook.xml"), f'<?xml version="1.0" encoding="UTF-8"?><workbook {_NS} xmlns:r="{_REL}">'
                      "<sheets>" + "".join(f'<sheet name="{escape(n, {chr(34): "&quot;"})}" sheetId="{i}" r:id="rId{i}"/>'
                                           for i, n in enumerate(names, start=1)) + "</sheets></workbook>")
        book.writestr(_entry("xl/_rels/workbook.xml.rels"), '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="'
                      'http://schemas.openxmlformats.org/package/2006/relationships">' + "".join(
                          f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                          for i in range(1, len(names) + 1)) + "</Relationships>")
    return path


def _entry(name: str) -> zipfile.ZipInfo:
    """A part of the workbook, dated like the sheets (1980-01-01), so the same tables give the same bytes."""
    info = zipfile.ZipInfo(name)
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def _row(number: int, values: Iterable[Any]) -> str:
    return f'<row r="{number}">' + "".join(_cell(v) for v in values) + "</row>"


def _cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and value != value) or type(value).__name__ in ("NAType", "NaTType"):
        return "<c/>"
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return f'<c t="b"><v>{int(bool(value))}</v></c>'
    if isinstance(value, (int, float)) or hasattr(value, "dtype"):
        number = float(value)
        return f"<c><v>{value}</v></c>" if number - number == 0 else "<c/>"  # no inf: Excel has none
    text = _ILLEGAL.sub("", str(value))
    if len(text) > MAX_CELL:
        text = text[: MAX_CELL - 40] + " … (cut: see the CSV for the whole cell)"
    return f'<c t="inlineStr"><is><t xml:space="preserve">{escape(text)}</t></is></c>'


def _sheet_name(name: str, taken: list[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", " ", name)[:31] or "sheet"
    candidate, n = base, 2
    while candidate.lower() in (t.lower() for t in taken):
        candidate, n = f"{base[:28]} {n}", n + 1
    return candidate


def _content_types(n: int) -> str:
    sheets = "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/vnd.openxmlformats-'
                     'officedocument.spreadsheetml.worksheet+xml"/>' for i in range(1, n + 1))
    return ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
            'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            + sheets + "</Types>")
