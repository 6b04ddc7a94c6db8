"""`peel classify`: a JSON Lines file of sentences in, the same records with the `classify` columns out.

Consecutive records with the same ``report`` value are one document, read in order (each with the
one before it as context, and its ``section`` and ``section_kind`` where given); records without
``report`` stand alone.
"""

from __future__ import annotations

import json
import math
import reprlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._files import atomic_write_bytes, iter_jsonl
from ..errors import OutputError, RecordsError

if TYPE_CHECKING:  # pragma: no cover
    from ..model import Model

MAX_PROBLEMS = 50  # problems listed in one error; the rest are counted


def read_sentence_records(path: str | Path) -> list[dict[str, Any]]:
    """Records with a string ``text`` from a JSONL file; every bad line is listed in one `RecordsError`.

    ``report``, ``section`` and ``section_kind``, which give a sentence its context, may not be arrays
    or objects. NaN and infinities in the file are read as null (see `iter_jsonl`).
    """
    path = Path(path)
    if not path.is_file():
        what = "a folder, not a file" if path.is_dir() else "no such file"
        raise RecordsError(f"{path}: {what}. Pass a JSON Lines file with one object per line.")
    records, problems = [], []
    try:
        for n, record, problem in iter_jsonl(path):
            if problem:
                problems.append(problem)
                continue
            bad = [] if isinstance(record.get("text"), str) else \
                [f"{path}:line {n}: field 'text' must be a string, got {_shown(record.get('text'))}"]
            bad += [f"{path}:line {n}: field '{key}' must be a string or null, got {_shown(record[key])}"
                    for key in ("report", "section", "section_kind") if isinstance(record.get(key), (dict, list))]
            problems.extend(bad)
            records.append(record)
    except OSError as exc:
        raise RecordsError(f"{path}: cannot be read ({exc.strerror or exc}). Check the file's permissions.") from None
    if problems:
        more = [f"... and {len(problems) - MAX_PROBLEMS} more"] if len(problems) > MAX_PROBLEMS else []
        raise RecordsError("\n".join([f"{path}: {len(problems)} problem(s); nothing was classified:",
                                      *problems[:MAX_PROBLEMS], *more]))
    return records


def _shown(value: Any) -> str:
    """A value for a one-line message: JSON's null, true, false, or the repr cut short (never many lines)."""
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    short = reprlib.Repr()
    short.maxstring = short.maxother = 60
    return short.repr(value)


def classify_file(path: str | Path, out: str | Path, model: Model | str | Path | None = None) -> int:
    """Classify every record of ``path`` and write them, with the `classify` columns added, to ``out``.

    Returns how many records were written.
    """
    from ..decide import classify

    import pandas as pd

    out = Path(out)
    if out.is_dir():
        raise OutputError(f"{out}: --out is a folder; name the JSON Lines file to write, "
                          f"e.g. {out / 'classified.jsonl'}.")
    records = read_sentence_records(path)
    if not records:
        raise RecordsError(f"{path}: no records (the file is empty or has only blank lines); "
                           "pass one JSON object with a 'text' key per line.")
    context = [{k: r.get(k) for k in ("text", "report", "section", "section_kind")} for r in records]
    result = classify(pd.DataFrame(context, columns=["text", "report", "section", "section_kind"]), model=model)
    lines = []
    for record, predicted in zip(records, result.to_dict("records")):
        merged = dict(record)
        merged.update({k: v for k, v in predicted.items() if k != "text"})
        merged["is_finding"] = bool(merged["is_finding"])
        merged["finding_score"] = round(float(merged["finding_score"]), 4)
        lines.append(json.dumps(_finite(merged), ensure_ascii=False, allow_nan=False))
    try:
        atomic_write_bytes(out, "".join(line + "\n" for line in lines).encode("utf-8"))
    except OSError as exc:
        blocker = next((p for p in out.parents if p.exists()), None)
        reason = f"{blocker} is a file, not a folder" if blocker is not None and not blocker.is_dir() else \
            exc.strerror or str(exc)
        raise OutputError(f"{out}: cannot be written ({reason}). Choose a path you can write to.") from None
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
