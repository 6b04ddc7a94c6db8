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
    import pandas as pd

LIST_SEPARATOR = "; "
LIST_COLUMNS = ("themes", "forces", "reports", "sentence_ids", "example_sentence_ids", "shared_forces")
TOP_THEMES = 3
BOOL_COLUMNS = ("is_finding", "repeat_concern", "template", "shared_text", "small_n")
INT_COLUMNS = ("year", "page")


def findings_for_csv(findings: pd.DataFrame) -> pd.DataFrame:
    """The findings table in its CSV layout: score dictionaries as plain columns, lists joined."""
    import pandas as pd

    out = findings.copy()
    if "theme_scores" in out:
        ranked = [sorted((s or {}).items(), key=lambda kv: -kv[1])[:TOP_THEMES] for s in out["theme_scores"]]
        position = list(out.columns).index("theme_scores")
        for k in range(TOP_THEMES):
            out.insert(position + 2 * k, f"theme_{k + 1}", [r[k][0] if len(r) > k else None for r in ranked])
            out.insert(position + 2 * k + 1, f"theme_{k + 1}_score",
                       [round(float(r[k][1]), 4) if len(r) > k else None for r in ranked])
        out = out.drop(columns=["theme_scores"])
    if "polarity_scores" in out:
        chosen = [(s or {}).get(p) if isinstance(p, str) else None for s, p in zip(out["polarity_scores"], out["polarity"])]
        out.insert(list(out.columns).index("polarity_scores"), "polarity_score", pd.Series(chosen, dtype="Float64"))
        out = out.drop(columns=["polarity_scores"])
    return join_lists(out)


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

    for column in frame.columns:
        if column in LIST_COLUMNS:
            frame[column] = frame[column].map(lambda v: [x for x in v.split(LIST_SEPARATOR) if x]
                                              if isinstance(v, str) else [])
        elif column in BOOL_COLUMNS:
            frame[column] = frame[column].map({"True": True, "False": False, "true": True, "false": False}).astype(bool)
        elif column.endswith("_score"):
            frame[column] = pd.to_numeric(frame[column], errors="coerce")
    if "text" in frame:
        frame["text"] = frame["text"].map(_unguard)
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
