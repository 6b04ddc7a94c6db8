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
import math
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal

from .._files import atomic_write_bytes, iter_jsonl
from ..errors import LabelError, OutputError
from ..outputs.files import FORMULA_TRIGGERS, csv_safe, safe_cell
from ..taxonomy import Taxonomy, load_taxonomy
from ..types import POLARITIES
from .labels import RECORD_FIELDS, REQUIRED_FIELDS, problem_list, shown, validate_record

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
    or as finished annotations with ``as_annotations=True``.

    Missing values (None, NaN, pandas' NA) are written as null, or an empty cell in CSV: never as NaN,
    which is not JSON. Every CSV text cell a spreadsheet would run as a formula is neutralised with a
    leading quote (`outputs.files.csv_safe`), which `import_records` takes off again.
    """
    fmt = fmt or guess_format(path)
    _check_format(fmt)
    path = Path(path)
    if path.is_dir():
        raise OutputError(f"{path}: a folder; name the file to write, e.g. {path / ('queue' + _SUFFIX[fmt])}.")
    taxonomy = taxonomy or load_taxonomy()
    rows = [_plain(dict(r)) for r in records]
    if fmt == "jsonl":
        data = "".join(_dumps(_record(r)) + "\n" for r in rows)
    elif fmt == "csv":
        data = _csv_text(rows)
    elif fmt == "labelstudio":
        tasks = [_labelstudio_task(r, as_annotations) for r in rows]
        data = json.dumps(tasks, ensure_ascii=False, indent=1, allow_nan=False, default=str)
        _write(path.with_suffix(".labelstudio.xml"), labelstudio_config(taxonomy))
    else:
        data = "".join(_dumps(_prodigy_task(r, taxonomy)) + "\n" for r in rows)
    _write(path, data)
    return path


_SUFFIX = {"jsonl": ".jsonl", "csv": ".csv", "labelstudio": ".json", "prodigy": ".prodigy.jsonl"}


def _write(path: Path, text: str) -> None:
    """Write ``text`` as UTF-8, atomically; an `OutputError` says why it cannot be written."""
    try:
        atomic_write_bytes(path, text.encode("utf-8"))
    except OSError as exc:
        blocker = next((p for p in path.parents if p.exists()), None)
        reason = f"{blocker} is a file, not a folder" if blocker is not None and not blocker.is_dir() else \
            exc.strerror or str(exc)
        raise OutputError(f"{path}: cannot be written ({reason}). Choose a path you can write to.") from None


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=False, default=str)


def _plain(value: Any) -> Any:
    """``value`` with NumPy and pandas values as Python ones and every missing value (NaN, NA) as None."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if value is None or isinstance(value, (str, int)):
        return value
    if hasattr(value, "tolist"):  # a NumPy array or scalar
        return _plain(value.tolist())
    import pandas as pd

    return None if pd.api.types.is_scalar(value) and pd.isna(value) else value


def _csv_text(rows: list[dict[str, Any]]) -> str:
    """Records as CSV text: themes joined by ``;``, is_finding as true/false, every text cell spreadsheet-safe."""
    import pandas as pd

    fields = [*RECORD_FIELDS, *sorted({k for r in rows for k in r} - set(RECORD_FIELDS))]
    cells = []
    for r in rows:
        out = {k: r.get(k) for k in fields}
        out["themes"] = ";".join(map(str, r.get("themes") or []))
        out["is_finding"] = "" if r.get("is_finding") is None else str(bool(r["is_finding"])).lower()
        cells.append({k: _keep_quote(v) for k, v in out.items()})
    frame = pd.DataFrame(cells, columns=fields, dtype=object)
    frame.columns = [safe_cell(_keep_quote(name)) for name in fields]
    return csv_safe(frame).to_csv(index=False, lineterminator="\r\n")  # a lone \r in a cell is quoted too


def _quoted(cell: str) -> bool:
    """A cell that starts with quotes and then a formula trigger: one quote more on writing, one less on reading."""
    return cell.startswith("'") and cell.lstrip("'").startswith(FORMULA_TRIGGERS)


def _keep_quote(value: Any) -> Any:
    """One more quote before text that already starts with quotes and a formula trigger, so that taking
    one quote off every such cell on reading gives the text back (`csv_safe` quotes the rest)."""
    return "'" + value if isinstance(value, str) and _quoted(value) else value


def unquote_cell(cell: str) -> str:
    """A CSV cell as it was before `export_records` (or `outputs.files.csv_safe`) neutralised it."""
    return cell[1:] if _quoted(cell) else cell


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
    task: dict[str, Any] = {"data": {"text": row.get("text"), **{k: row.get(k) for k in META_FIELDS}}}
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
    return {"text": row.get("text"), "meta": {k: row.get(k) for k in META_FIELDS}, "options": options,
            "accept": accept, "answer": "accept"}


# -- import ---------------------------------------------------------------------------------------

SPREADSHEETS = (".xlsx", ".xls", ".xlsm", ".ods", ".numbers")


def import_records(
    path: str | Path, fmt: Format | None = None, taxonomy: Taxonomy | None = None
) -> list[dict[str, Any]]:
    """Read labelled records from ``path``; every record is validated and all problems reported together,
    one line each naming the file, the line (or Label Studio task) and the field."""
    path = Path(path)
    fmt = fmt or guess_format(path)
    _check_format(fmt)
    taxonomy = taxonomy or load_taxonomy()
    if not path.exists():
        raise LabelError(f"{path}: no such file.")
    if not path.is_file():
        raise LabelError(f"{path}: a folder, not a file; pass the labelled files themselves.")
    if path.suffix.lower() in SPREADSHEETS:
        raise LabelError(f"{path}: a spreadsheet workbook; save it as CSV UTF-8 (.csv) and pass that.")
    problems: list[str] = []
    parsed = {"jsonl": _read_jsonl, "csv": _read_csv, "labelstudio": _read_labelstudio,
              "prodigy": _read_prodigy}[fmt](path, problems)
    records = []
    for where, record in parsed:
        problems.extend(validate_record(record, taxonomy, where=f"{path}:{where}"))
        if isinstance(record.get("id"), int) and not isinstance(record["id"], bool):
            record["id"] = str(record["id"])  # ids are text; 7 and "7" are one record
        records.append(record)
    if not records and not problems:
        problems.append(f"{path}: no labelled records in the file (is it empty?)")
    if problems:
        raise LabelError(problem_list(f"{path}: {len(problems)} problem(s); nothing was imported:", problems))
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


def read_utf8(path: Path, problems: list[str]) -> str | None:
    """The whole file's text (a UTF-8 byte-order mark dropped), or None with a problem for each line that is
    not UTF-8, naming the byte and its offset."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        problems.append(f"{path}: cannot be read ({exc.strerror or exc}); check the file's permissions")
        return None
    data = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    offset = 0
    for n, line in enumerate(data.splitlines(keepends=True), start=1):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError as exc:
            problems.append(f"{path}:line {n}: not UTF-8 text (byte 0x{line[exc.start]:02x} at offset "
                            f"{offset + exc.start} of the file, offset {exc.start} in the line); save the file "
                            "as UTF-8 (in a spreadsheet: CSV UTF-8)")
        offset += len(line)
    return None


def _read_csv(path: Path, problems: list[str]) -> list[tuple[str, dict[str, Any]]]:
    text = read_utf8(path, problems)
    if text is None:
        return []
    reader = csv.reader(io.StringIO(text, newline=""))
    out: list[tuple[str, dict[str, Any]]] = []
    header: list[str] | None = None
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(f"{path}:line {reader.line_num}: not readable as CSV ({exc})")
            break
        if not cells:
            continue
        if header is None:
            header = [unquote_cell(c.strip()) for c in cells]
            missing = [f for f in REQUIRED_FIELDS if f not in header]
            if missing:
                problems.append(f"{path}:line {reader.line_num}: the header has no column "
                                f"{', '.join(repr(m) for m in missing)}; it has {', '.join(map(repr, header))}")
                return []
            continue
        where = f"line {reader.line_num}"
        if len(cells) > len(header):
            problems.append(f"{path}:{where}: {len(cells)} cells but the header has {len(header)} columns; "
                            "quote cells that contain commas")
            continue
        record: dict[str, Any] = dict(zip(header, [unquote_cell(c) for c in cells]))
        record.update({name: "" for name in header[len(cells):]})
        flag = record["is_finding"].strip().lower()
        record["is_finding"] = {"true": True, "false": False, "1": True, "0": False}.get(
            flag, None if not flag else record["is_finding"])
        # an older `peel queue` wrote a non-finding's missing polarity as "nan"
        record["polarity"] = None if record["polarity"].strip().lower() in ("", "nan") else record["polarity"].strip()
        record["themes"] = [t.strip() for t in record["themes"].split(";") if t.strip()]
        uncertainty = record.pop("uncertainty", "").strip()
        if uncertainty:
            try:
                record["uncertainty"] = float(uncertainty)
            except ValueError:
                problems.append(f"{path}:{where}: field 'uncertainty' must be a number, got {shown(uncertainty)}")
        out.append((where, record))
    return out


def _read_labelstudio(path: Path, problems: list[str]) -> list[tuple[str, dict[str, Any]]]:
    text = read_utf8(path, problems)
    if text is None:
        return []
    try:
        tasks = json.loads(text, parse_constant=lambda _: None)
    except json.JSONDecodeError as exc:
        problems.append(f"{path}:line {exc.lineno}: not valid JSON ({exc.msg}, column {exc.colno})")
        return []
    except RecursionError:
        problems.append(f"{path}: nested too deeply to read (arrays or objects inside each other); "
                        "export the tasks from Label Studio again")
        return []
    except ValueError as exc:
        problems.append(f"{path}: not usable JSON ({str(exc).split(':')[0]})")
        return []
    if not isinstance(tasks, list):
        problems.append(f"{path}: expected a JSON list [...] of Label Studio tasks, got {shown(tasks)}")
        return []
    out = []
    for n, task in enumerate(tasks, start=1):
        where = f"task {n}"
        record = _labelstudio_record(task, f"{path}:{where}", problems)
        if record is not None:
            out.append((where, record))
    return out


def _labelstudio_record(task: Any, where: str, problems: list[str]) -> dict[str, Any] | None:
    """The labelled record of one Label Studio task (its last annotation not cancelled), or None with a problem."""
    if not isinstance(task, dict) or not isinstance(task.get("data"), dict):
        problems.append(f"{where}: expected a task object with a 'data' object holding the text, got {shown(task)}")
        return None
    annotations = task.get("annotations") or []
    if not isinstance(annotations, list) or not all(isinstance(a, dict) for a in annotations):
        problems.append(f"{where}: field 'annotations' must be a list of objects, got {shown(annotations)}")
        return None
    annotations = [a for a in annotations if not a.get("was_cancelled")]
    if not annotations:
        problems.append(f"{where}: no annotation (only model predictions); label it or leave it out")
        return None
    result = annotations[-1].get("result", [])
    if not isinstance(result, list):
        problems.append(f"{where}: field 'annotations.result' must be a list, got {shown(result)}")
        return None
    chosen: dict[str, list[str]] = {}
    for item in result:
        value = item.get("value") if isinstance(item, dict) else None
        choices = value.get("choices") if isinstance(value, dict) else None
        if not isinstance(choices, list) or not all(isinstance(c, str) for c in choices):
            problems.append(f"{where}: annotation result {shown(item)} has no 'value.choices' list of strings")
            return None
        chosen[str(item.get("from_name", ""))] = list(choices)
    data = task["data"]
    if _has_surrogate(data.get("text")):
        problems.append(f"{where}: field 'text' has a lone surrogate escape, half of a character pair and no text")
        return None
    flag = chosen.get("is_finding", [])
    if len(flag) != 1 or flag[0] not in ("finding", "not_finding"):
        problems.append(f"{where}: field 'is_finding' has the choice(s) {shown(flag)}; choose one of finding, "
                        "not_finding")
        return None
    polarity = chosen.get("polarity") or [None]
    record = {k: data.get(k) for k in META_FIELDS}
    if record["id"] is None:
        record["id"] = task.get("id")  # tasks not made by `peel queue`: Label Studio's own task id
    record["text"] = data.get("text")
    record["is_finding"] = flag[0] == "finding"
    record["polarity"] = polarity[0] if len(polarity) == 1 else polarity
    record["themes"] = chosen.get("themes", [])
    return record


def _has_surrogate(value: Any) -> bool:
    return isinstance(value, str) and any("\ud800" <= c <= "\udfff" for c in value)


def _read_prodigy(path: Path, problems: list[str]) -> list[tuple[str, dict[str, Any]]]:
    out = []
    for where, task in _read_jsonl(path, problems):
        answer = task.get("answer", "accept")
        if answer in ("reject", "ignore"):
            continue  # rejected or ignored in Prodigy: not a label
        accept, meta = task.get("accept") or [], task.get("meta") or {}
        bad = [f"field 'answer' is {shown(answer)}; allowed: accept, reject, ignore"] if answer != "accept" else []
        if not isinstance(accept, list) or not all(isinstance(a, str) for a in accept):
            bad.append(f"field 'accept' must be a list of option ids, got {shown(accept)}")
        if not isinstance(meta, dict):
            bad.append(f"field 'meta' must be an object, got {shown(meta)}")
        if bad:
            problems.extend(f"{path}:{where}: {problem}" for problem in bad)
            continue
        accept = [a for a in accept if a != "polarity:nan"]  # an older `peel queue` offered it for non-findings
        polarities = [a.split(":", 1)[1] for a in accept if a.startswith("polarity:")]
        record = {k: meta.get(k) for k in META_FIELDS}
        record["text"] = task.get("text")
        record["is_finding"] = "finding" in accept
        record["polarity"] = polarities[0] if len(polarities) == 1 else (polarities or None)
        record["themes"] = [a.split(":", 1)[1] for a in accept if a.startswith("theme:")]
        unknown = [a for a in accept if a != "finding" and not a.startswith(("polarity:", "theme:"))]
        if unknown:
            problems.append(f"{path}:{where}: field 'accept' has {shown(unknown)}; allowed: finding, "
                            "polarity:<value>, theme:<id>")
        out.append((where, record))
    return out
