"""Labelling records in and out: LABELLING.md JSONL, CSV, Label Studio tasks, Prodigy-style JSONL.

`export_records` writes records (a labelling queue with the model's guesses, or finished labels);
`import_records` reads labels back, validates every record against the taxonomy and raises one
`LabelError` listing every problem (file, line or task, field, bad value, allowed values):
nothing is half-imported.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal

from .._files import atomic_write_bytes, iter_jsonl
from ..errors import LabelError
from ..outputs.files import safe_cell
from ..taxonomy import Taxonomy, load_taxonomy
from ..types import POLARITIES
from .labels import RECORD_FIELDS, validate_record

Format = Literal["jsonl", "csv", "labelstudio", "prodigy"]
FORMATS: tuple[str, ...] = ("jsonl", "csv", "labelstudio", "prodigy")
META_FIELDS = ("id", "report", "force", "year")


def guess_format(path: str | Path) -> Format:
    """The format a file name suggests: .csv, .json (Label Studio), .prodigy.jsonl, else JSONL."""
    name = str(path).lower()
    if name.endswith(".csv"):
        return "csv"
    if name.endswith(".json"):
        return "labelstudio"
    if name.endswith(".prodigy.jsonl"):
        return "prodigy"
    return "jsonl"


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise LabelError(f"Unknown format {fmt!r}; use one of {', '.join(FORMATS)}.")


# -- export ---------------------------------------------------------------------------------------


def export_records(
    records: Iterable[dict[str, Any]],
    path: str | Path,
    fmt: Format | None = None,
    taxonomy: Taxonomy | None = None,
    as_annotations: bool = False,
) -> Path:
    """Write records in ``fmt``. Label Studio tasks carry the labels as predictions (pre-annotations),
    or as finished annotations with ``as_annotations=True``."""
    fmt = fmt or guess_format(path)
    _check_format(fmt)
    taxonomy = taxonomy or load_taxonomy()
    rows = [dict(r) for r in records]
    if fmt == "jsonl":
        data = "".join(json.dumps(_record(r), ensure_ascii=False) + "\n" for r in rows)
    elif fmt == "csv":
        buffer = io.StringIO()
        fields = [*RECORD_FIELDS, *sorted({k for r in rows for k in r} - set(RECORD_FIELDS))]
        writer = csv.DictWriter(buffer, fieldnames=fields)
        writer.writeheader()
        for r in rows:
            out = {k: r.get(k) for k in fields}
            out["themes"] = ";".join(r.get("themes") or [])
            out["is_finding"] = "" if r.get("is_finding") is None else str(bool(r["is_finding"])).lower()
            writer.writerow({k: safe_cell(v) if k == "text" else v for k, v in out.items()})
        data = buffer.getvalue()
    elif fmt == "labelstudio":
        tasks = [_labelstudio_task(r, as_annotations) for r in rows]
        data = json.dumps(tasks, ensure_ascii=False, indent=1)
        config = Path(path).with_suffix(".labelstudio.xml")
        atomic_write_bytes(config, labelstudio_config(taxonomy).encode("utf-8"))
    else:
        data = "".join(json.dumps(_prodigy_task(r, taxonomy), ensure_ascii=False) + "\n" for r in rows)
    path = Path(path)
    atomic_write_bytes(path, data.encode("utf-8"))
    return path


def _record(row: dict[str, Any]) -> dict[str, Any]:
    out = {k: row.get(k) for k in RECORD_FIELDS}
    out["themes"] = list(row.get("themes") or [])
    out.update({k: v for k, v in row.items() if k not in out})
    return out


def labelstudio_config(taxonomy: Taxonomy) -> str:
    """The Label Studio labelling interface for these records (import it with the tasks)."""
    themes = "\n".join(f'    <Choice value="{t.id}" hint="{t.name}"/>' for t in taxonomy.themes)
    polarities = "\n".join(f'    <Choice value="{p}"/>' for p in POLARITIES)
    return f"""<View>
  <Text name="text" value="$text"/>
  <Choices name="is_finding" toName="text" choice="single" required="true">
    <Choice value="finding"/>
    <Choice value="not_finding"/>
  </Choices>
  <Choices name="polarity" toName="text" choice="single">
{polarities}
  </Choices>
  <Choices name="themes" toName="text" choice="multiple">
{themes}
  </Choices>
</View>
"""


def _labelstudio_task(row: dict[str, Any], as_annotations: bool) -> dict[str, Any]:
    result = [{"from_name": "is_finding", "to_name": "text", "type": "choices",
               "value": {"choices": ["finding" if row.get("is_finding") else "not_finding"]}}]
    if row.get("polarity"):
        result.append({"from_name": "polarity", "to_name": "text", "type": "choices",
                       "value": {"choices": [row["polarity"]]}})
    if row.get("themes"):
        result.append({"from_name": "themes", "to_name": "text", "type": "choices",
                       "value": {"choices": list(row["themes"])}})
    task: dict[str, Any] = {"data": {"text": row["text"], **{k: row.get(k) for k in META_FIELDS}}}
    key = "annotations" if as_annotations else "predictions"
    entry: dict[str, Any] = {"result": result}
    if not as_annotations:
        entry["model_version"] = "peel-findings"
        if row.get("uncertainty") is not None:
            entry["score"] = round(1 - float(row["uncertainty"]), 4)
    task[key] = [entry]
    return task


def _prodigy_task(row: dict[str, Any], taxonomy: Taxonomy) -> dict[str, Any]:
    options = [{"id": "finding", "text": "finding"}]
    options += [{"id": f"polarity:{p}", "text": f"polarity: {p}"} for p in POLARITIES]
    options += [{"id": f"theme:{t.id}", "text": t.name} for t in taxonomy.themes]
    accept = (["finding"] if row.get("is_finding") else []) + \
        ([f"polarity:{row['polarity']}"] if row.get("polarity") else []) + \
        [f"theme:{t}" for t in row.get("themes") or []]
    return {"text": row["text"], "meta": {k: row.get(k) for k in META_FIELDS}, "options": options,
            "accept": accept, "answer": "accept"}


# -- import ---------------------------------------------------------------------------------------


def import_records(
    path: str | Path, fmt: Format | None = None, taxonomy: Taxonomy | None = None
) -> list[dict[str, Any]]:
    """Read labelled records from ``path``; every record is validated and all problems reported together."""
    path = Path(path)
    fmt = fmt or guess_format(path)
    _check_format(fmt)
    taxonomy = taxonomy or load_taxonomy()
    if not path.exists():
        raise LabelError(f"{path}: no such file.")
    problems: list[str] = []
    parsed = {"jsonl": _read_jsonl, "csv": _read_csv, "labelstudio": _read_labelstudio,
              "prodigy": _read_prodigy}[fmt](path, problems)
    records = []
    for where, record in parsed:
        problems.extend(validate_record(record, taxonomy, where=f"{path}:{where}"))
        records.append(record)
    if not records and not problems:
        problems.append(f"{path}: no labelled records in the file (is it empty?)")
    if problems:
        shown = "\n".join(problems[:50])
        more = f"\n... and {len(problems) - 50} more" if len(problems) > 50 else ""
        raise LabelError(f"{path}: {len(problems)} problem(s); nothing was imported:\n{shown}{more}")
    return records


def read_records(paths: str | Path | Iterable[str | Path], taxonomy: Taxonomy | None = None) -> list[dict[str, Any]]:
    """Read and validate labelled records from files in any supported format (by extension); every
    problem in every file is reported together and nothing is returned unless all records pass."""
    if isinstance(paths, (str, Path)):
        paths = [paths]
    taxonomy = taxonomy or load_taxonomy()
    records: list[dict[str, Any]] = []
    problems: list[str] = []
    for path in paths:
        try:
            records.extend(import_records(path, taxonomy=taxonomy))
        except LabelError as exc:
            problems.append(str(exc))
    if problems:
        raise LabelError("\n".join(problems))
    return records


def _read_jsonl(path: Path, problems: list[str]) -> list[tuple[str, dict[str, Any]]]:
    out = []
    for n, record, problem in iter_jsonl(path):
        if problem:
            problems.append(problem)
        else:
            out.append((f"line {n}", record))
    return out


def _read_csv(path: Path, problems: list[str]) -> list[tuple[str, dict[str, Any]]]:
    out = []
    with open(path, encoding="utf-8", newline="") as handle:
        for n, row in enumerate(csv.DictReader(handle), start=2):
            record: dict[str, Any] = dict(row)
            text = row.get("text") or ""
            record["text"] = text[1:] if text.startswith("'") and text[1:2] in ("=", "+", "-", "@", "\t", "\r") else text
            flag = (row.get("is_finding") or "").strip().lower()
            record["is_finding"] = {"true": True, "false": False, "1": True, "0": False}.get(flag, row.get("is_finding"))
            record["polarity"] = (row.get("polarity") or "").strip() or None
            record["themes"] = [t.strip() for t in (row.get("themes") or "").split(";") if t.strip()]
            for key in ("uncertainty",):
                if record.get(key) in ("", None):
                    record.pop(key, None)
                else:
                    record[key] = float(record[key])
            out.append((f"line {n}", record))
    return out


def _read_labelstudio(path: Path, problems: list[str]) -> list[tuple[str, dict[str, Any]]]:
    try:
        tasks = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        problems.append(f"{path}: not valid JSON ({exc.msg})")
        return []
    if not isinstance(tasks, list):
        problems.append(f"{path}: expected a JSON list of Label Studio tasks")
        return []
    out = []
    for n, task in enumerate(tasks, start=1):
        annotations = [a for a in task.get("annotations") or [] if not a.get("was_cancelled")]
        if not annotations:
            problems.append(f"{path}:task {n}: no annotation (only model predictions); label it or leave it out")
            continue
        chosen: dict[str, list[str]] = {}
        for item in annotations[-1].get("result", []):
            chosen[item.get("from_name", "")] = list(item.get("value", {}).get("choices", []))
        data = task.get("data", {})
        flag = chosen.get("is_finding", [])
        record = {k: data.get(k) for k in META_FIELDS}
        record["text"] = data.get("text")
        record["is_finding"] = {"finding": True, "not_finding": False}.get(flag[0]) if len(flag) == 1 else flag
        record["polarity"] = chosen.get("polarity", [None])[0] if chosen.get("polarity") else None
        record["themes"] = chosen.get("themes", [])
        out.append((f"task {n}", record))
    return out


def _read_prodigy(path: Path, problems: list[str]) -> list[tuple[str, dict[str, Any]]]:
    out = []
    for where, task in _read_jsonl(path, problems):
        if task.get("answer", "accept") != "accept":
            continue  # rejected or ignored in Prodigy: not a label
        accept = list(task.get("accept") or [])
        polarities = [a.split(":", 1)[1] for a in accept if a.startswith("polarity:")]
        record = {k: (task.get("meta") or {}).get(k) for k in META_FIELDS}
        record["text"] = task.get("text")
        record["is_finding"] = "finding" in accept
        record["polarity"] = polarities[0] if len(polarities) == 1 else (polarities or None)
        record["themes"] = [a.split(":", 1)[1] for a in accept if a.startswith("theme:")]
        unknown = [a for a in accept if a != "finding" and not a.startswith(("polarity:", "theme:"))]
        if unknown:
            problems.append(f"{path}:{where}: field 'accept' has {unknown!r}; allowed: finding, polarity:<value>, theme:<id>")
        out.append((where, record))
    return out
