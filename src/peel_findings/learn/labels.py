"""Labelled records (the LABELLING.md format): the fields, validation of one record, and whether a set
of records can be trained on.

Validation reports every problem of a record, each naming place, field, the bad value and
the allowed values; `interchange` collects them over whole files so nothing is half-imported.
`training_problems` says what a set of valid records lacks for training (findings, non-findings,
a second polarity, shared words) before scikit-learn sees it.
"""

from __future__ import annotations

import re
import reprlib
from collections import Counter
from typing import TYPE_CHECKING, Any

from ..taxonomy import Taxonomy
from ..types import POLARITIES

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

REQUIRED_FIELDS = ("id", "text", "is_finding", "polarity", "themes")
RECORD_FIELDS = ("id", "text", "report", "force", "year", "is_finding", "polarity", "themes")
MAX_PROBLEMS = 50  # problems listed in one error message; the rest are counted
MIN_PER_CLASS = 3  # findings and non-findings each: training tunes its decisions on three stratified folds
_WORD = re.compile(r"(?u)\b\w\w+\b")  # a word as the model's vectoriser sees one
_SHORT = reprlib.Repr()
_SHORT.maxstring = _SHORT.maxother = 60


def shown(value: Any) -> str:
    """A value for a one-line message: null, true and false as JSON writes them, anything else as its
    Python repr cut short (long strings and deep or long lists never make a problem span lines)."""
    if value is None or isinstance(value, bool):
        return {None: "null", True: "true", False: "false"}[value]
    return _SHORT.repr(value)


def problem_list(header: str, problems: list[str]) -> str:
    """``header`` and one line per problem, the first `MAX_PROBLEMS` of them and a count of the rest."""
    more = len(problems) - MAX_PROBLEMS
    return "\n".join([header, *problems[:MAX_PROBLEMS], *([f"... and {more} more"] if more > 0 else [])])


def validate_record(record: dict[str, Any], taxonomy: Taxonomy, where: str = "record") -> list[str]:
    """Problems with one record, as messages naming place, field, value and what is allowed."""
    problems = []
    for name in REQUIRED_FIELDS:
        if name not in record:
            problems.append(f"{where}: field '{name}' is missing")
    if problems:
        return problems
    record_id = record["id"]
    if isinstance(record_id, bool) or not (isinstance(record_id, int) or isinstance(record_id, str) and record_id):
        problems.append(f"{where}: field 'id' must be a non-empty string, got {shown(record_id)}")
    if not isinstance(record["text"], str) or not record["text"].strip():
        problems.append(f"{where}: field 'text' must be a non-empty string, got {shown(record['text'])}")
    for name in ("report", "force", "year"):
        value = record.get(name)
        if value is not None and (isinstance(value, bool) or not isinstance(value, (str, int, float))):
            problems.append(f"{where}: field '{name}' must be a string or null, got {shown(value)}")
    finding = record["is_finding"]
    if not isinstance(finding, bool):
        problems.append(f"{where}: field 'is_finding' must be true or false, got {shown(finding)}")
    polarity = record["polarity"]
    if finding is True and (not isinstance(polarity, str) or polarity not in POLARITIES):
        problems.append(
            f"{where}: field 'polarity' is {shown(polarity)}; a finding needs one of {', '.join(POLARITIES)}"
        )
    if finding is False and polarity is not None:
        problems.append(f"{where}: field 'polarity' is {shown(polarity)}; it must be null when is_finding is false")
    themes = record["themes"]
    if not isinstance(themes, list):
        problems.append(f"{where}: field 'themes' must be a list, got {shown(themes)}")
    else:
        for theme in themes:
            if not isinstance(theme, str) or theme not in taxonomy.ids:
                problems.append(
                    f"{where}: field 'themes' has {shown(theme)}, which is not in the taxonomy; "
                    f"allowed: {', '.join(taxonomy.ids)}"
                )
        if finding is False and themes:
            problems.append(f"{where}: field 'themes' must be [] when is_finding is false, got {shown(themes)}")
    return problems


def training_problems(frame: pd.DataFrame, cross_validate: bool = False,
                      instead: str = "train without cross-validation (--no-cross-validate)") -> list[str]:
    """What valid labelled records (a `train.records_frame`) lack for training, one line each with the fix.

    Training needs `MIN_PER_CLASS` findings and as many non-findings, two polarities among the
    findings and some word shared by two texts. With ``cross_validate`` (leave-one-force-out), it
    also needs two forces, and the records left when each force is held out must pass the same checks;
    those problems end with ``instead``, the other way out.
    Themes without examples are fine: the model never predicts them (a warning says so).
    """
    words = frame["text"].map(lambda text: set(_WORD.findall(str(text).lower())))
    problems = _class_problems(frame, words, "")
    if not cross_validate or problems:
        return problems
    forces = sorted(frame["force"].astype(str).unique())
    if len(forces) < 2:
        return [f"the records name one force ({forces[0]!r}), and leave-one-force-out cross-validation needs at "
                f"least two: label records from another force, or {instead}"]
    for force in forces:
        rest = (frame["force"].astype(str) != force).to_numpy()
        problems += [f"{problem}; or {instead}" for problem in
                     _class_problems(frame[rest], words[rest], f"with {force!r} held out, the other forces have ")]
    return problems


def _class_problems(frame: pd.DataFrame, words: pd.Series, prefix: str) -> list[str]:
    findings = frame["is_finding"].astype(bool).to_numpy()
    problems = []
    for n, what, examples in (
        (int(findings.sum()), "records labelled as findings (is_finding true)", "findings"),
        (int((~findings).sum()), "records labelled as not findings (is_finding false)",
         "sentences that are not findings (methodology, context, headings)"),
    ):
        if n < MIN_PER_CLASS:
            have = f"{prefix}no {what}" if n == 0 else f"{prefix}only {n} {what}"
            problems.append(f"{have}: label at least {MIN_PER_CLASS} {examples}")
    polarities = sorted(set(frame.loc[findings, "polarity"].dropna().astype(str)))
    if len(polarities) == 1:
        others = ", ".join(p for p in POLARITIES if p != polarities[0])
        problems.append(f"{prefix}only one polarity among the findings ({polarities[0]!r}): label findings of "
                        f"another polarity ({others})")
    documents = Counter(word for found in words for word in found)
    if len(frame) and max(documents.values(), default=0) < 2:
        problems.append(f"{prefix}no word in more than one text, so nothing to learn from: label more sentences")
    if not problems:
        problems += _inner_fold_problems(frame, findings, prefix)
    return problems


def _inner_fold_problems(frame: pd.DataFrame, findings: Any, prefix: str) -> list[str]:
    """Training tunes its decisions on three inner folds, whole forces held out together when there are
    three or more; a held-out part without findings leaves the polarity tuning nothing to score."""
    from .train import inner_folds  # the folds training uses, not a copy that could drift from them

    forces = frame["force"].astype(str).to_numpy()
    problems = []
    for _, held in inner_folds(forces, findings.astype(int)):
        if not findings[held].any():
            names = ", ".join(repr(f) for f in sorted(set(forces[held].tolist())))
            problems.append(f"{prefix}no findings among the records of {names}, which training holds out together "
                            "to tune its decisions: label findings of these forces too")
    return problems
