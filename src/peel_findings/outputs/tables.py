"""The findings table on disk and back: Parquet keeps every type; CSV is plain text a spreadsheet can open.

In CSV, list cells are ``; ``-joined text (``allocation; supervision``), and the per-theme and
per-polarity score dictionaries (which stay whole in Parquet) become plain columns: the three
highest theme scores (``theme_1`` .. ``theme_3`` with ``theme_1_score`` ..) and the chosen
polarity's probability (``polarity_score``). `read_findings` reads either back with real types.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InvalidArgumentError

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import pandas as pd

LIST_SEPARATOR = "; "
LIST_COLUMNS = ("themes", "forces", "reports", "sentence_ids", "example_sentence_ids", "shared_forces")
TOP_THEMES = 3
BOOL_COLUMNS = ("is_finding", "repeat_concern", "template", "shared_text", "small_n")

INT_COLUMNS = ("year", "page")
# Columns whose text comes from a report or a user (the rest are ids, numbers and fixed words, which
# never start like a spreadsheet formula): only these need guarding.
FREE_TEXT = ("text", "section", "force", "programme", "question_grade", "unit")


def csv_layout(table: Any) -> Any:
    """A findings table (Arrow) in its CSV layout: the score structs as plain columns (the top theme
    scores, the chosen polarity's score), lists ``; ``-joined, and every text cell spreadsheet-safe."""
    import numpy as np
    import pyarrow as pa

    n = table.num_rows
    names, columns = [], []
    for name in table.column_names:
        column = table.column(name)
        if name == "theme_scores":
            ids, matrix = struct_matrix(column)
            ranked = np.argsort(-np.nan_to_num(matrix, nan=-np.inf), axis=1, kind="stable") if len(ids) else None
            for k in range(TOP_THEMES):
                if ranked is not None and k < len(ids):
                    index = ranked[:, k]
                    score = matrix[np.arange(n), index]
                    theme = np.asarray(ids, dtype=object)[index]
                    missing = np.isnan(score)
                    names += [f"theme_{k + 1}", f"theme_{k + 1}_score"]
                    columns += [pa.array(np.where(missing, None, theme), pa.string()),
                                pa.array(np.round(score, 4), pa.float64(), mask=missing)]
                else:
                    names += [f"theme_{k + 1}", f"theme_{k + 1}_score"]
                    columns += [pa.nulls(n, pa.string()), pa.nulls(n, pa.float64())]
        elif name == "polarity_scores":
            ids, matrix = struct_matrix(column)
            chosen = table.column("polarity").to_pylist()
            position = np.array([ids.index(p) if p in ids else -1 for p in chosen], dtype=np.int64)
            score = matrix[np.arange(n), np.maximum(position, 0)] if len(ids) else np.full(n, np.nan)
            missing = (position < 0) | np.isnan(score)
            names.append("polarity_score")
            columns.append(pa.array(np.where(missing, 0.0, score), pa.float64(), mask=missing))
        else:
            names.append(name)
            columns.append(guard_text(column) if name in FREE_TEXT else _joined(column))
    return pa.table(dict(zip(names, columns)))


def _joined(column: Any) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc

    if pa.types.is_list(column.type) or pa.types.is_large_list(column.type):
        return pc.binary_join(column, LIST_SEPARATOR)
    return column


def guard_text(column: Any) -> Any:
    """An Arrow column fit for a spreadsheet: lists ``; ``-joined, text that starts like a formula
    behind a quote; other columns as they are."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from .files import FORMULA_PATTERN

    if pa.types.is_list(column.type) or pa.types.is_large_list(column.type):
        column = pc.binary_join(column, LIST_SEPARATOR)
    if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
        return pc.replace_substring_regex(column, FORMULA_PATTERN, "'\\1")
    return column


def struct_matrix(column: Any) -> tuple[tuple[str, ...], np.ndarray]:
    """A struct column of scores as (field names, rows x fields float matrix; NaN where missing)."""
    import numpy as np

    array = column.combine_chunks() if hasattr(column, "combine_chunks") else column
    names = tuple(array.type.field(i).name for i in range(array.type.num_fields))
    if not names:
        return names, np.zeros((len(array), 0))
    return names, np.column_stack([array.field(i).to_numpy(zero_copy_only=False).astype(float)
                                   for i in range(len(names))])


def join_lists(frame: pd.DataFrame) -> pd.DataFrame:
    """List cells as ``; ``-joined text, for CSV."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object and out[column].map(lambda v: isinstance(v, (list, tuple))).any():
            out[column] = out[column].map(lambda v: LIST_SEPARATOR.join(map(str, v)) if isinstance(v, (list, tuple))
                                          else v)
    return out


def read_findings(path: str | Path) -> pd.DataFrame:
    """A ``findings.parquet`` or ``findings.csv`` written by `peel run`, read back with real types.

    Lists are lists, flags are booleans, ``year`` and ``page`` nullable integers. From Parquet,
    ``theme_scores`` and ``polarity_scores`` are dictionaries; from CSV (which carries only the top
    three theme scores and the chosen polarity's score), ``theme_scores`` holds those three.
    """
    import pandas as pd

    path = Path(path)
    if not path.is_file():
        raise InvalidArgumentError(f"{path}: no such file. Pass the findings.parquet or findings.csv `peel run` wrote.")
    if path.suffix == ".parquet":
        frame = pd.read_parquet(path)
        for column in frame.columns:
            if frame[column].dtype == object and len(frame):
                frame[column] = frame[column].map(_plain)
    elif path.suffix == ".csv":
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
        frame = _typed_csv(frame)
    else:
        raise InvalidArgumentError(f"{path}: expected a .parquet or .csv findings file.")
    for column in INT_COLUMNS:
        if column in frame:
            frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("Int64")
    return frame


def _plain(value: Any) -> Any:
    """Parquet's arrays and structs as Python lists and dicts (None entries of a struct dropped)."""
    if hasattr(value, "tolist") and not isinstance(value, (str, bytes)):
        value = value.tolist()
    if isinstance(value, dict):
        return {k: v for k, v in value.items() if v is not None}
    return value


def _typed_csv(frame: pd.DataFrame) -> pd.DataFrame:
    import pandas as pd

    for column in frame.columns:  # every text cell was made spreadsheet-safe: undo that first
        frame[column] = frame[column].map(_unguard)
    for column in frame.columns:
        if column in LIST_COLUMNS:
            frame[column] = frame[column].map(lambda v: [x for x in v.split(LIST_SEPARATOR) if x]
                                              if isinstance(v, str) else [])
        elif column in BOOL_COLUMNS:
            frame[column] = frame[column].map({"True": True, "False": False, "true": True, "false": False}).astype(bool)
        elif column.endswith("_score"):
            frame[column] = pd.to_numeric(frame[column], errors="coerce")
    if "theme_1" in frame:
        frame["theme_scores"] = [
            {row[f"theme_{k}"]: row[f"theme_{k}_score"] for k in range(1, TOP_THEMES + 1)
             if isinstance(row[f"theme_{k}"], str)}
            for row in frame.to_dict("records")
        ]
    return frame


def _unguard(value: Any) -> Any:
    """Undo the quote a spreadsheet-safe CSV puts before text that starts like a formula."""
    from .files import FORMULA_TRIGGERS

    if isinstance(value, str) and value.startswith("'") and value[1:2] and value[1:2] in "".join(FORMULA_TRIGGERS):
        return value[1:]
    return value
