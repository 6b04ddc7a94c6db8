"""`peel classify`: a JSON Lines file of sentences in, the same records with the `classify` columns out.

Consecutive records with the same ``report`` value are one document, read in order (each with the
one before it as context, and its ``section`` and ``section_kind`` where given); records without
``report`` stand alone.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._files import atomic_write_bytes, iter_jsonl
from ..errors import RecordsError

if TYPE_CHECKING:  # pragma: no cover
    from ..model import Model


def read_sentence_records(path: str | Path) -> list[dict[str, Any]]:
    """Records with a string ``text`` from a JSONL file; every bad line is listed in one `RecordsError`."""
    path = Path(path)
    if not path.is_file():
        raise RecordsError(f"{path}: no such file. Pass a JSON Lines file with one object per line.")
    records, problems = [], []
    try:
        for n, record, problem in iter_jsonl(path):
            if problem:
                problems.append(problem)
            elif not isinstance(record.get("text"), str):
                problems.append(f"{path}:line {n}: field 'text' must be a string, got {record.get('text')!r}")
            else:
                records.append(record)
    except UnicodeDecodeError as exc:
        raise RecordsError(f"{path}: not UTF-8 text (byte {exc.start}); save the file as UTF-8.") from exc
    if problems:
        raise RecordsError(f"{path}: {len(problems)} bad line(s); nothing was classified:\n" + "\n".join(problems))
    return records


def classify_file(path: str | Path, out: str | Path, model: Model | str | Path | None = None) -> int:
    """Classify every record of ``path`` and write them, with the `classify` columns added, to ``out``.

    Returns how many records were written.
    """
    from ..decide import classify

    import pandas as pd

    records = read_sentence_records(path)
    context = [{k: r.get(k) for k in ("text", "report", "section", "section_kind")} for r in records]
    result = classify(pd.DataFrame(context, columns=["text", "report", "section", "section_kind"]), model=model)
    lines = []
    for record, predicted in zip(records, result.to_dict("records")):
        merged = dict(record)
        merged.update({k: v for k, v in predicted.items() if k != "text"})
        merged["is_finding"] = bool(merged["is_finding"])
        merged["finding_score"] = round(float(merged["finding_score"]), 4)
        lines.append(json.dumps(_finite(merged), ensure_ascii=False, allow_nan=False))
    atomic_write_bytes(Path(out), "".join(line + "\n" for line in lines).encode("utf-8"))
    return len(lines)


def _finite(value: Any) -> Any:
    """NaN and infinities as null: JSON has no such numbers."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return value
