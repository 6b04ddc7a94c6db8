"""Choosing what to label next: the sentences the model is least sure of, spread across forces.

Uncertainty comes from the calibrated scores of the three heads:

- ``margin`` (default): one minus the smallest decision margin of the sentence: how close the
  finding score is to 0.5, the gap between the two likeliest polarities, and how close the
  nearest theme score is to that theme's threshold;
- ``least_confidence``: one minus the probability of the most likely finding decision and polarity.

The queue takes the most uncertain sentences force by force in turn (so one force's writing style
does not fill it), skips near-duplicates of sentences already queued, and carries the model's
guesses so a labeller corrects rather than starts from nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from ..decide import labels
from ..errors import InvalidArgumentError, OutputError, RecordsError
from ..model import Model, load_model

Strategy = Literal["margin", "least_confidence"]
QueueStrategy = Literal["margin", "least_confidence", "mixed", "random"]
QUEUE_COLUMNS = ("id", "text", "report", "force", "year", "is_finding", "polarity", "themes", "uncertainty")


def uncertainty(model: Model, texts: list[str], strategy: Strategy = "margin") -> np.ndarray:
    """Uncertainty in [0, 1] for each text (higher: more worth labelling)."""
    if strategy not in ("margin", "least_confidence"):
        raise InvalidArgumentError(f"strategy must be 'margin' or 'least_confidence'; got {strategy!r}.")
    scores = model.scores(texts)
    finding = scores.finding
    polarity = scores.polarity
    top = np.sort(polarity, axis=1)[:, ::-1]
    if strategy == "least_confidence":
        return 1 - np.minimum(np.maximum(finding, 1 - finding), top[:, 0])
    thresholds = model.thresholds
    themes = np.round(scores.themes, 4)  # as the table's theme_scores give them
    theme_margin = np.abs(themes - thresholds[None, :]).min(axis=1) / np.maximum(thresholds.max(), 0.5)
    polarity_margin = top[:, 0] - top[:, 1] if polarity.shape[1] > 1 else np.ones(len(texts))
    margins = np.column_stack([np.abs(2 * finding - 1), polarity_margin, np.clip(theme_margin, 0, 1)])
    return 1 - margins.min(axis=1)


def build_queue(
    sentences: pd.DataFrame,
    n: int,
    model: Model | None = None,
    strategy: QueueStrategy = "margin",
    duplicate_threshold: float = 0.8,
    seed: int = 0,
) -> pd.DataFrame:
    """The ``n`` sentences most worth labelling, in the LABELLING.md record layout, prefilled.

    ``sentences`` needs ``text`` and ideally ``force``, ``sentence_id`` (or ``id``), ``report_id``
    (or ``report``) and ``year``: a findings or sentences table from `peel run` / `peel extract`.
    ``strategy="random"`` draws at random (for comparison), still spread across forces;
    ``"mixed"`` alternates the most uncertain sentence with a random one within each force
    (exploration for a model that is still weak).
    """
    _check_arguments(n, strategy)
    if "text" not in sentences:
        raise InvalidArgumentError("The sentences table needs a 'text' column (a findings or sentences table).")
    model = model or load_model()
    pool = _normalise(sentences)
    pool = pool[pool["text"].str.strip().str.len() > 0].drop_duplicates("text").reset_index(drop=True)
    if pool.empty:
        return pd.DataFrame(columns=list(QUEUE_COLUMNS))
    rng = np.random.default_rng(seed)
    if strategy == "random":
        pool["uncertainty"] = rng.random(len(pool))
    else:
        pool["uncertainty"] = uncertainty(model, pool["text"].tolist(), "margin" if strategy == "mixed" else strategy)
    chosen = _spread(pool, n, duplicate_threshold, rng if strategy == "mixed" else None)
    texts = chosen["text"].tolist()
    guesses = labels(texts, model.scores(texts), model)
    chosen = chosen.assign(
        is_finding=guesses["is_finding"].astype(bool).to_numpy(),
        # None, not NaN, for a non-finding's polarity (JSON has no NaN): an object column keeps it
        polarity=pd.Series([p if isinstance(p, str) else None for p in guesses["polarity"]], index=chosen.index,
                           dtype=object),
        themes=pd.Series([list(t) for t in guesses["themes"]], index=chosen.index, dtype=object),
    )
    return chosen[list(QUEUE_COLUMNS)].reset_index(drop=True)


def _check_arguments(n: int, strategy: str) -> None:
    if strategy not in ("margin", "least_confidence", "mixed", "random"):
        raise InvalidArgumentError(
            f"strategy must be margin, least_confidence, mixed or random; got {strategy!r}.")
    if n < 1:
        raise InvalidArgumentError(f"n must be at least 1; got {n!r}.")


def _normalise(frame: pd.DataFrame) -> pd.DataFrame:
    """Text, id, report, force and year as strings ("" where missing: never NaN, which JSON cannot hold)."""
    def text(column: str | None) -> pd.Series:
        if column is None or column not in frame:
            return pd.Series([""] * len(frame), index=frame.index, dtype=object)
        return frame[column].map(_cell).astype(object)

    out = pd.DataFrame({"text": text("text")})
    ids = text("sentence_id" if "sentence_id" in frame else "id" if "id" in frame else None)
    out["id"] = [value or f"row-{i}" for i, value in enumerate(ids)]
    out["report"] = text("report_id" if "report_id" in frame else "report")
    out["force"] = text("force")
    out["year"] = text("year")
    return out.reset_index(drop=True)


def _cell(value: object) -> str:
    """A table cell as text: "" for a missing value, 2015 (not 2015.0) for a whole number."""
    if isinstance(value, str):
        return value
    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _spread(
    pool: pd.DataFrame, n: int, duplicate_threshold: float, explore: np.random.Generator | None = None
) -> pd.DataFrame:
    """Round-robin over forces, most uncertain first within each, skipping near-duplicates.

    With ``explore``, each force's order alternates its most uncertain sentence with a random one.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer

    ranked = {
        force: group.sort_values(["uncertainty", "id"], ascending=[False, True]).index.tolist()
        for force, group in pool.groupby("force", sort=True)
    }
    if explore is not None:
        ranked = {force: _alternate(order, explore) for force, order in ranked.items()}
    vectors = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True).fit_transform(pool["text"])
    picked: list[int] = []
    while len(picked) < n and any(ranked.values()):
        for force in list(ranked):
            while ranked[force]:
                candidate = ranked[force].pop(0)
                if picked and (vectors[picked] @ vectors[candidate].T).max() >= duplicate_threshold:
                    continue
                picked.append(candidate)
                break
            if len(picked) >= n:
                break
    return pool.loc[picked]


def _alternate(order: list[int], rng: np.random.Generator) -> list[int]:
    """Most uncertain, then a random one of the rest, and so on."""
    remaining = list(order)
    out: list[int] = []
    take_top = True
    while remaining:
        index = 0 if take_top else int(rng.integers(len(remaining)))
        out.append(remaining.pop(index))
        take_top = not take_top
    return out


def queue_file(
    findings: str | Path,
    out: str | Path,
    n: int = 100,
    strategy: QueueStrategy = "margin",
    fmt: str | None = None,
    model: Model | str | Path | None = None,
) -> pd.DataFrame:
    """`peel queue`: read a findings or sentences table (.parquet, .csv, .jsonl), queue ``n`` sentences,
    and write them in ``fmt`` (by default the format ``out``'s extension names). Returns the queue.

    A table that cannot be read raises a `RecordsError` naming the file (and the line, for JSON Lines);
    the arguments are checked before the model is loaded.
    """
    from .interchange import FORMATS, export_records, guess_format

    findings, out = Path(findings), Path(out)
    if fmt is None and out.suffix.lower() not in (".jsonl", ".csv", ".json"):
        raise InvalidArgumentError(f"{out}: cannot tell the format from the name; end it in .jsonl, .csv, .json "
                                   "(Label Studio) or .prodigy.jsonl, or pass --format.")
    if (fmt or guess_format(out)) not in FORMATS:
        raise InvalidArgumentError(f"Unknown format {fmt!r}; use one of {', '.join(FORMATS)}.")
    if out.is_dir():
        raise OutputError(f"{out}: --out is a folder; name the file to write, e.g. {out / 'queue.jsonl'}.")
    _check_arguments(n, strategy)
    table = read_sentence_table(findings)
    loaded = model if isinstance(model, Model) else load_model(model)
    picked = build_queue(table, n, model=loaded, strategy=strategy)
    export_records(picked.to_dict("records"), out, fmt)  # type: ignore[arg-type]
    return picked


def read_sentence_table(path: str | Path) -> pd.DataFrame:
    """A findings or sentences table from `peel run` / `peel extract` (.parquet, .csv or .jsonl) with a
    text column; a `RecordsError` names the file and what is wrong with it otherwise."""
    from .._files import iter_jsonl
    from .labels import problem_list

    path = Path(path)
    if not path.is_file():
        what = "a folder, not a file" if path.is_dir() else "no such file"
        raise RecordsError(f"{path}: {what}. Pass a findings.parquet/.csv from `peel run` "
                           "or sentences.parquet/.csv from `peel extract`.")
    suffix = path.suffix.lower()
    try:
        if suffix == ".parquet":
            table = pd.read_parquet(path)
        elif suffix == ".csv":
            table = _read_csv_table(path)
        elif suffix in (".jsonl", ".ndjson"):
            rows, problems = [], []
            for _, row, problem in iter_jsonl(path):
                if problem:
                    problems.append(problem)
                else:
                    rows.append(row)
            if problems:
                raise RecordsError(problem_list(f"{path}: {len(problems)} problem(s); nothing was queued:",
                                                problems))
            table = pd.DataFrame(rows)
        else:
            raise RecordsError(f"{path}: cannot tell the table's format from the name; pass a .parquet, .csv "
                               "or .jsonl file.")
    except RecordsError:
        raise
    except OSError as exc:
        raise RecordsError(f"{path}: cannot be read ({exc.strerror or exc}).") from None
    except Exception as exc:  # pyarrow and pandas raise many kinds for a damaged table
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise RecordsError(f"{path}: not a readable {suffix[1:]} table ({reason}). Pass the file `peel run` "
                           "or `peel extract` wrote.") from None
    if table.empty:
        raise RecordsError(f"{path}: no sentences (the table is empty). Pass the findings or sentences of a run.")
    if "text" not in table:
        raise RecordsError(f"{path}: no 'text' column (columns: {', '.join(map(str, table.columns)) or 'none'}). "
                           "Pass a findings or sentences table.")
    if not table["text"].map(lambda t: isinstance(t, str) and bool(t.strip())).any():
        raise RecordsError(f"{path}: no sentence has any text to queue.")
    return table


def _read_csv_table(path: Path) -> pd.DataFrame:
    """A CSV table, its spreadsheet-safe quotes taken off; bad UTF-8 is named by line and byte offset."""
    import io

    from .interchange import read_utf8, unquote_cell
    from .labels import problem_list

    problems: list[str] = []
    text = read_utf8(path, problems)
    if text is None:
        raise RecordsError(problem_list(f"{path}: {len(problems)} problem(s); nothing was queued:", problems))
    table = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    table.columns = [unquote_cell(str(c)) for c in table.columns]
    return table.map(unquote_cell)
