"""Hostile record files for `peel classify`, `peel train` and `peel queue`: every input error is one line per
problem naming the file, the line (or task) and the field, exit code 2, never a traceback; nothing is written as
NaN; and the queue -> label -> train loop closes in all four labelling formats."""

from __future__ import annotations

import csv
import json
import warnings
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from peel_findings.cli import app
from peel_findings.learn.interchange import export_records, import_records, read_records
from peel_findings.model.store import load_model, save_model

TINY = Path(__file__).resolve().parents[1] / "fixtures" / "labels" / "tiny.jsonl"
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def _invoke(*args: object):
    result = CliRunner().invoke(app, [str(a) for a in args])
    assert "Traceback" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result


def _lines(result) -> list[str]:
    return [line.strip() for line in result.output.splitlines()]


def _strict(text: str) -> object:
    """JSON as a strict parser reads it: NaN and Infinity are errors."""
    def refuse(name: str) -> None:
        raise ValueError(f"{name} is not JSON")

    return json.loads(text, parse_constant=refuse)


def _tiny() -> list[dict]:
    return [json.loads(line) for line in TINY.read_text(encoding="utf-8").splitlines()]


def _write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory) -> Path:
    from peel_findings import train

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        model = train(read_records(TINY), seed=0)
    return save_model(model, tmp_path_factory.mktemp("model") / "tiny")


# -- peel classify --------------------------------------------------------------------------------


def test_records_classify_bad_utf8_names_the_line_and_byte_offset(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_bytes(b'{"text": "fine."}\n{"text": "caf\xe9"}\n{"text": "ok"}\n{"text": "\xff"}\n')
    result = _invoke("classify", source, "--out", tmp_path / "out.jsonl")
    assert result.exit_code == 2
    assert _lines(result) == [
        f"peel: {source}: 2 problem(s); nothing was classified:",
        f"{source}:line 2: not UTF-8 text (byte 0xe9 at offset 31 of the file, offset 13 in the line); "
        "save the file as UTF-8",
        f"{source}:line 4: not UTF-8 text (byte 0xff at offset 60 of the file, offset 10 in the line); "
        "save the file as UTF-8",
    ]
    assert not (tmp_path / "out.jsonl").exists()


@pytest.mark.parametrize("line", [
    "[" * 100_000 + "]" * 100_000,
    '{"text": "x", "a": ' + "[" * 100_000 + "]" * 100_000 + "}",
    '{"text": "x", "a": ' + "[" * 500 + "]" * 500 + "}",  # parses, but deeper than any record needs
], ids=["bare-100k", "field-100k", "field-500"])
def test_records_classify_deep_nesting_is_a_one_line_problem(tmp_path, line):
    source = tmp_path / "in.jsonl"
    source.write_text('{"text": "fine."}\n' + line + "\n", encoding="utf-8")
    result = _invoke("classify", source, "--out", tmp_path / "out.jsonl")
    assert result.exit_code == 2
    problem = _lines(result)[1]
    assert problem.startswith(f"{source}:line 2: nested too deeply") and "100 levels" in problem
    assert len(_lines(result)) == 2


def test_records_classify_reads_nan_as_null_and_writes_strict_json(tmp_path, tiny_model):
    source = tmp_path / "in.jsonl"
    source.write_text('{"text": "The force is good.", "score": NaN, "low": -Infinity, "more": [Infinity]}\n',
                      encoding="utf-8")
    result = _invoke("classify", source, "--out", tmp_path / "out.jsonl", "--model", tiny_model)
    assert result.exit_code == 0, result.output
    record = _strict((tmp_path / "out.jsonl").read_text(encoding="utf-8"))
    assert record["score"] is None and record["low"] is None and record["more"] == [None]


@pytest.mark.parametrize("line, problem", [
    ('{"text": "half \\ud800 a pair"}', "line 1: has a lone surrogate escape ('\\ud800')"),
    ('{"text": 3}', "line 1: field 'text' must be a string, got 3"),
    ('{"text": "x", "report": ["a"]}', "line 1: field 'report' must be a string or null, got ['a']"),
    ('{"text": "x", "n": ' + "9" * 5000 + "}", "line 1: not usable JSON (Exceeds the limit (4300 digits)"),
    ('"just a string"', "line 1: expected a JSON object {...}, got a string"),
], ids=["surrogate", "text-number", "report-list", "long-number", "not-object"])
def test_records_classify_names_each_kind_of_bad_line(tmp_path, line, problem):
    source = tmp_path / "in.jsonl"
    source.write_text(line + "\n", encoding="utf-8")
    result = _invoke("classify", source, "--out", tmp_path / "out.jsonl")
    assert result.exit_code == 2 and f"{source}:{problem}" in result.output


def test_records_classify_lists_fifty_problems_and_counts_the_rest(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text("not json\n" * 60, encoding="utf-8")
    result = _invoke("classify", source, "--out", tmp_path / "out.jsonl")
    lines = _lines(result)
    assert result.exit_code == 2 and len(lines) == 52
    assert lines[0] == f"peel: {source}: 60 problem(s); nothing was classified:"
    assert lines[50].startswith(f"{source}:line 50: not valid JSON") and lines[51] == "... and 10 more"


def test_records_classify_refuses_an_empty_file_and_an_out_folder(tmp_path):
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n\n", encoding="utf-8")
    result = _invoke("classify", empty, "--out", tmp_path / "out.jsonl")
    assert result.exit_code == 2 and f"peel: {empty}: no records" in result.output
    source = _write_jsonl(tmp_path / "in.jsonl", [{"text": "fine."}])
    result = _invoke("classify", source, "--out", tmp_path)
    assert result.exit_code == 2 and f"peel: {tmp_path}: --out is a folder" in result.output


# -- peel train: bad files ------------------------------------------------------------------------


def test_records_train_prints_every_problem_line_of_every_file(tmp_path):
    good = _tiny()[0]
    first = _write_jsonl(tmp_path / "a.jsonl", [{**good, "is_finding": "yes"}, {**good, "themes": ["vettin"]}])
    second = tmp_path / "b.csv"
    second.write_bytes(b"id,text,is_finding,polarity,themes\nx1,caf\xe9,true,positive,\n")
    result = _invoke("train", first, second, "--out", tmp_path / "model", "--no-cross-validate")
    lines = _lines(result)
    assert result.exit_code == 2
    assert lines[0] == f"peel: {first}: 2 problem(s); nothing was imported:"
    assert lines[1] == f"{first}:line 1: field 'is_finding' must be true or false, got 'yes'"
    assert lines[2].startswith(f"{first}:line 2: field 'themes' has 'vettin', which is not in the taxonomy")
    assert lines[3] == f"{second}: 1 problem(s); nothing was imported:"
    assert lines[4].startswith(f"{second}:line 2: not UTF-8 text (byte 0xe9 at offset 41 of the file")
    assert not (tmp_path / "model").exists()


def _task(choices: object, **data: object) -> dict:
    """A Label Studio task with one annotation choosing ``choices`` for is_finding."""
    return {"data": {"text": "x", **data},
            "annotations": [{"result": [{"from_name": "is_finding", "value": {"choices": choices}}]}]}


LABEL_STUDIO_PROBLEMS = [
    ({"data": "just text"}, "task 1: expected a task object with a 'data' object"),
    ({"data": {"text": "x"}, "annotations": "done"}, "task 1: field 'annotations' must be a list of objects"),
    (_task("finding"), "task 1: annotation result {'from_name': 'is_finding'"),
    (_task(["maybe"]), "task 1: field 'is_finding' has the choice(s) ['maybe']; choose one of finding, not_finding"),
    (_task(["not_finding"], id={"a": 1}), "task 1: field 'id' must be a non-empty string, got {'a': 1}"),
]


@pytest.mark.parametrize("task, problem", LABEL_STUDIO_PROBLEMS)
def test_records_train_names_the_label_studio_task_and_field(tmp_path, task, problem):
    path = tmp_path / "tasks.json"
    path.write_text(json.dumps([task]), encoding="utf-8")
    result = _invoke("train", path, "--out", tmp_path / "model", "--no-cross-validate")
    assert result.exit_code == 2 and f"{path}:{problem}" in result.output


@pytest.mark.parametrize("name, content, problem", [
    ("tasks.json", "[" * 100_000 + "]" * 100_000, ": nested too deeply to read"),
    ("tasks.json", '[{"data": {"text": "x"},\n "annotations": [}]', ":line 2: not valid JSON"),
    ("labels.prodigy.jsonl", '{"text": "x", "accept": "finding", "answer": "accept"}',
     ":line 1: field 'accept' must be a list of option ids, got 'finding'"),
    ("labels.prodigy.jsonl", '{"text": "x", "accept": [], "answer": "maybe"}',
     ":line 1: field 'answer' is 'maybe'; allowed: accept, reject, ignore"),
    ("labels.csv", "id,text,is_finding,polarity,themes\nx1,a,b,true,,,\n",
     ":line 2: 7 cells but the header has 5 columns; quote cells that contain commas"),
    ("labels.csv", "id,text,polarity\nx1,a,\n", ":line 1: the header has no column 'is_finding', 'themes'"),
    ("labels.csv", "id,text,is_finding,polarity,themes,uncertainty\nx1,a,false,,,lots\n",
     ":line 2: field 'uncertainty' must be a number, got 'lots'"),
    ("labels.xlsx", "PK\x03\x04", ": a spreadsheet workbook; save it as CSV UTF-8 (.csv)"),
    ("labels.jsonl", '{"id": "x", "text": "t", "is_finding": true, "polarity": "good", "themes": []}',
     ":line 1: field 'polarity' is 'good'; a finding needs one of positive, negative, mixed, neutral"),
], ids=["ls-deep", "ls-bad-json", "prodigy-accept", "prodigy-answer", "csv-extra-cells", "csv-header", "csv-number",
        "xlsx", "jsonl-polarity"])
def test_records_train_names_the_line_and_field_in_every_format(tmp_path, name, content, problem):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    result = _invoke("train", path, "--out", tmp_path / "model", "--no-cross-validate")
    assert result.exit_code == 2 and f"{path}{problem}" in result.output, result.output


def test_records_train_reads_nan_as_null_in_labels_an_old_queue_wrote(tmp_path):
    records = _tiny()
    lines = [json.dumps(r) if r["is_finding"] else json.dumps(r).replace('"polarity": null', '"polarity": NaN')
             for r in records]
    path = tmp_path / "labels.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert "NaN" in path.read_text()
    assert [r["polarity"] for r in import_records(path)] == [r["polarity"] for r in records]


# -- peel train: records that cannot be trained on ------------------------------------------------


def _without_findings(records):
    return [r for r in records if not r["is_finding"]]


def _without_non_findings(records):
    return [r for r in records if r["is_finding"]]


def _one_polarity(records):
    return [r for r in records if not r["is_finding"] or r["polarity"] == "negative"]


def _one_force(records):
    return [{**r, "force": "Force A"} for r in records]


def _fold_with_one_polarity(records):
    """Force B's findings all positive, the others' negative: holding out B leaves one polarity."""
    return [{**r, "polarity": ("positive" if r["force"] == "Force B" else "negative") if r["is_finding"] else None}
            for r in records]


@pytest.mark.parametrize("change, cross_validate, problem", [
    (_without_findings, False,
     "no records labelled as findings (is_finding true): label at least 3 findings"),
    (_without_non_findings, False,
     "no records labelled as not findings (is_finding false): label at least 3 sentences that are not findings"),
    (_one_polarity, False,
     "only one polarity among the findings ('negative'): label findings of another polarity "
     "(positive, mixed, neutral)"),
    (_one_force, True,
     "the records name one force ('Force A'), and leave-one-force-out cross-validation needs at least two: "
     "label records from another force, or train without cross-validation (--no-cross-validate)"),
    (_fold_with_one_polarity, True,
     "with 'Force B' held out, the other forces have only one polarity among the findings ('negative'): "
     "label findings of another polarity (positive, mixed, neutral); or train without cross-validation"),
], ids=["no-findings", "no-non-findings", "one-polarity", "one-force", "fold-one-polarity"])
def test_records_train_says_what_to_label_before_fitting(tmp_path, change, cross_validate, problem):
    path = _write_jsonl(tmp_path / "labels.jsonl", change(_tiny()))
    result = _invoke("train", path, "--out", tmp_path / "model",
                     "--cross-validate" if cross_validate else "--no-cross-validate")
    assert result.exit_code == 2
    assert _lines(result)[0] == f"peel: cannot train on {path}:"
    assert any(line.startswith(problem) for line in _lines(result)[1:]), result.output
    assert "scikit" not in result.output and not (tmp_path / "model").exists()


def test_records_train_checks_the_baseline_and_the_out_folder_first(tmp_path):
    path = _write_jsonl(tmp_path / "labels.jsonl", _tiny())
    baseline = _write_jsonl(tmp_path / "baseline.jsonl", _without_findings(_tiny()))
    result = _invoke("train", path, "--out", tmp_path / "model", "--no-cross-validate", "--baseline", baseline)
    assert result.exit_code == 2 and _lines(result) == [
        f"peel: cannot train on {path}:",
        "baseline records: no records labelled as findings (is_finding true): label at least 3 findings"]
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = _invoke("train", path, "--out", blocker / "model", "--no-cross-validate")
    assert result.exit_code == 2 and _lines(result) == [
        f"peel: {blocker / 'model'}: the model folder cannot be made there, because {blocker} is a file. "
        "Choose another --out."]


def test_records_train_copes_with_themes_without_examples(tmp_path):
    records = [{**r, "themes": []} for r in _tiny()]
    path = _write_jsonl(tmp_path / "labels.jsonl", records)
    result = _invoke("train", path, "--out", tmp_path / "model", "--no-cross-validate")
    assert result.exit_code == 0, result.output
    assert "Theme 'allocation' has 0 labelled example(s)" in result.output


# -- peel queue -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def findings_table(tmp_path_factory) -> Path:
    """A findings table as `peel run` writes it: tiny's sentences, a bullet starting with '-', a report id
    starting with '+', a force starting with '@', a missing year."""
    rows = []
    for r in _tiny():
        rows.append({"sentence_id": r["id"], "report_id": r["report"], "force": r["force"],
                     "year": 2015, "text": r["text"]})
    rows[4]["text"] = "- " + rows[4]["text"]
    rows[5]["report_id"] = "+" + rows[5]["report_id"]
    rows[12]["force"] = "@" + rows[12]["force"]
    frame = pd.DataFrame(rows)
    frame["year"] = frame["year"].astype("Int64")
    frame.loc[3, "year"] = pd.NA
    path = tmp_path_factory.mktemp("run") / "findings.parquet"
    frame.to_parquet(path)
    return path


QUEUE_NAMES = {"jsonl": "queue.jsonl", "csv": "queue.csv", "labelstudio": "queue.json",
               "prodigy": "queue.prodigy.jsonl"}


@pytest.mark.parametrize("fmt", list(QUEUE_NAMES))
def test_records_queue_writes_no_nan(tmp_path, findings_table, tiny_model, fmt):
    out = tmp_path / QUEUE_NAMES[fmt]
    result = _invoke("queue", findings_table, "--out", out, "--n", "18", "--model", tiny_model)
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    if fmt == "csv":
        rows = list(csv.DictReader(text.splitlines()))
        assert not any(v.lower() in ("nan", "inf", "-inf", "none") for row in rows for v in row.values())
        assert any(row["is_finding"] == "false" and row["polarity"] == "" for row in rows)
    elif fmt == "labelstudio":
        tasks = _strict(text)
        assert any(t["predictions"][0]["result"][0]["value"]["choices"] == ["not_finding"] for t in tasks)
    else:
        records = [_strict(line) for line in text.splitlines()]
        if fmt == "jsonl":
            assert any(r["is_finding"] is False and r["polarity"] is None for r in records)
            assert {r["year"] for r in records} <= {"2015", ""}
        else:
            assert not any(a.startswith("polarity:") and a[9:] not in ("positive", "negative", "mixed", "neutral")
                           for r in records for a in r["accept"])


def _gold() -> dict[str, dict]:
    """What a careful labeller decides for each sentence, by its text without the bullet."""
    return {r["text"]: r for r in _tiny()}


def _decide(text: str) -> dict:
    return _gold()[text[2:] if text.startswith("- ") else text]


def _label_jsonl(path: Path) -> None:
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    for record in records:
        gold = _decide(record["text"])
        record.update(is_finding=gold["is_finding"], polarity=gold["polarity"], themes=gold["themes"])
    _write_jsonl(path, records)


def _label_csv(path: Path) -> None:
    """Edit the label cells as a spreadsheet would, and save as Excel's 'CSV UTF-8' (with a byte-order mark)."""
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    header = rows[0]
    column = {name: header.index(name) for name in ("text", "is_finding", "polarity", "themes")}
    for row in rows[1:]:
        text = row[column["text"]]
        gold = _decide(text[1:] if text.startswith("'") else text)
        row[column["is_finding"]] = "TRUE" if gold["is_finding"] else "FALSE"
        row[column["polarity"]] = gold["polarity"] or ""
        row[column["themes"]] = ";".join(gold["themes"])
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(rows)


def _label_labelstudio(path: Path) -> None:
    """Add each task's annotation as Label Studio exports it: the labeller's choices, beside the predictions."""
    tasks = json.loads(path.read_text(encoding="utf-8"))
    for n, task in enumerate(tasks, start=1):
        gold = _decide(task["data"]["text"])
        result = [{"id": f"r{n}a", "from_name": "is_finding", "to_name": "text", "type": "choices", "origin": "manual",
                   "value": {"choices": ["finding" if gold["is_finding"] else "not_finding"]}}]
        if gold["polarity"]:
            result.append({"id": f"r{n}b", "from_name": "polarity", "to_name": "text", "type": "choices",
                           "origin": "manual", "value": {"choices": [gold["polarity"]]}})
        if gold["themes"]:
            result.append({"id": f"r{n}c", "from_name": "themes", "to_name": "text", "type": "choices",
                           "origin": "manual", "value": {"choices": gold["themes"]}})
        task["id"] = n
        task["annotations"] = [{"id": 100 + n, "completed_by": 1, "result": result, "was_cancelled": False,
                                "ground_truth": False, "lead_time": 4.2}]
    path.write_text(json.dumps(tasks, indent=1), encoding="utf-8")


def _label_prodigy(path: Path) -> None:
    """Answer each task as Prodigy's choice interface saves it: the accepted option ids and the answer."""
    tasks = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    for n, task in enumerate(tasks):
        gold = _decide(task["text"])
        task["accept"] = (["finding", f"polarity:{gold['polarity']}"] if gold["is_finding"] else []) + \
            [f"theme:{t}" for t in gold["themes"]]
        task.update(answer="accept", _view_id="choice", _input_hash=n, _task_hash=n)
    tasks.append({**tasks[0], "answer": "ignore", "_task_hash": -1})  # skipped: not a label
    _write_jsonl(path, tasks)


LABELLERS = {"jsonl": _label_jsonl, "csv": _label_csv, "labelstudio": _label_labelstudio, "prodigy": _label_prodigy}


@pytest.mark.parametrize("fmt", list(QUEUE_NAMES))
def test_records_queue_label_train_round_trip(tmp_path, findings_table, tiny_model, fmt):
    queue = tmp_path / QUEUE_NAMES[fmt]
    result = _invoke("queue", findings_table, "--out", queue, "--n", "18", "--model", tiny_model,
                     "--strategy", "random")
    assert result.exit_code == 0, result.output
    queued = pd.read_parquet(findings_table)
    LABELLERS[fmt](queue)
    labelled = import_records(queue)
    assert {r["text"] for r in labelled} <= set(queued["text"])  # text, with its '-' bullet, round-trips
    assert "- " + _tiny()[4]["text"] in {r["text"] for r in labelled}
    assert {r["force"] for r in labelled} <= set(queued["force"]) and {r["report"] for r in labelled} <= \
        set(queued["report_id"])
    assert sum(not r["is_finding"] for r in labelled) >= 3
    result = _invoke("train", queue, "--out", tmp_path / "model", "--no-cross-validate")
    assert result.exit_code == 0, result.output
    assert load_model(tmp_path / "model").metadata["n_records"] == len(labelled)


# -- CSV: every text column neutralised, and read back -------------------------------------------


def test_records_csv_neutralises_every_text_column_and_reads_it_back(tmp_path):
    record = {"id": "-1", "text": "=HYPERLINK(\"http://x\")", "report": "+report", "force": "@Force",
              "year": "\t2015", "is_finding": True, "polarity": "negative", "themes": ["allocation"],
              "note": "\rcarriage"}
    quoted = {**record, "id": "'-2", "text": "'=already quoted", "report": "''+twice", "note": "'plain"}
    path = export_records([record, quoted], tmp_path / "labels.csv")
    with open(path, encoding="utf-8", newline="") as handle:
        header, first, second = list(csv.reader(handle))
    cells = dict(zip(header, first))
    for name in ("id", "text", "report", "force", "year", "note"):
        assert cells[name].startswith("'") and cells[name][1:2] in TRIGGERS, (name, cells[name])
    assert not any(cell.startswith(TRIGGERS) for cell in [*header, *first, *second])
    back = import_records(path)
    for original, read in zip([record, quoted], back):
        assert {k: read[k] for k in original} == original


def test_records_queue_reads_a_spreadsheet_safe_findings_csv_back(tmp_path, findings_table, tiny_model):
    from peel_findings.outputs.files import csv_safe

    table = pd.read_parquet(findings_table)
    table.loc[0, "text"] = "=1+1 is what the force wrote"
    source = tmp_path / "findings.csv"
    source.write_text(csv_safe(table).to_csv(index=False), encoding="utf-8")
    assert "'=1+1" in source.read_text(encoding="utf-8")
    out = tmp_path / "queue.jsonl"
    result = _invoke("queue", source, "--out", out, "--n", "18", "--model", tiny_model, "--strategy", "random")
    assert result.exit_code == 0, result.output
    texts = {_strict(line)["text"] for line in out.read_text(encoding="utf-8").splitlines()}
    assert texts <= set(table["text"]) and "=1+1 is what the force wrote" in texts


def test_records_queue_refuses_bad_tables_before_loading_a_model(tmp_path):
    corrupt = tmp_path / "findings.parquet"
    corrupt.write_bytes(b"PAR1 not really")
    result = _invoke("queue", corrupt, "--out", tmp_path / "q.jsonl")
    assert result.exit_code == 2 and result.output.startswith(f"peel: {corrupt}: not a readable parquet table (")
    lines = tmp_path / "sentences.jsonl"
    lines.write_bytes(b'{"text": "fine."}\n{"text": "\xe9"}\n[[[1]]]\n')
    result = _invoke("queue", lines, "--out", tmp_path / "q.jsonl")
    assert result.exit_code == 2
    assert f"{lines}:line 2: not UTF-8 text" in result.output and f"{lines}:line 3: expected a JSON object" \
        in result.output
    table = tmp_path / "table.csv"
    table.write_text("sentence,force\nx,y\n", encoding="utf-8")
    result = _invoke("queue", table, "--out", tmp_path / "q.jsonl")
    assert result.exit_code == 2 and "no 'text' column (columns: sentence, force)" in result.output
    result = _invoke("queue", table, "--out", tmp_path / "q.xlsx")
    assert result.exit_code == 2 and "cannot tell the format from the name" in result.output
