"""Scores and structure evidence to labels: is it a finding, its polarity, its themes.

The one place a label is decided. A `Model` gives calibrated scores; the rules here turn
them into the `classify` columns, and, where the report's structure says more than the
sentence alone (`apply_structure`), adjust them. The repeat-concern flag is decided here too.

- finding: ``finding_score >= 0.5``;
- polarity: the class with the largest weighted probability (weights chosen in training);
  None when the sentence is not a finding;
- themes: every theme whose probability reaches its threshold (chosen in training), for
  findings only.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import InvalidTypeError
from .structure.grades import grade_polarity

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import pandas as pd

    from .model import Model, Scores

CLASSIFY_COLUMNS = ("text", "is_finding", "finding_score", "polarity", "themes", "theme_scores")
NEGATIVE_SECTIONS = frozenset({"area_for_improvement", "cause_of_concern", "recommendation"})

# A shortcoming the inspectorate says it has raised before.
REPEAT_RE = re.compile(
    r"previous(ly)? (inspection|report|year)s?|highlighted (in|by) (previous|earlier|our)|"
    r"in (our )?(19|20)\d\d\b[^.]{0,40}\b(we|hmic|hmicfrs|inspectors) (found|reported|said|recommended|identified)|"
    r"(also|again) (an|a) (area for improvement|cause of concern)|last year|since (our|the) (last|previous)|"
    r"(pointed out|raised|identified|reported|highlighted) [^.]{0,60}\b(before|previously|in (the )?(past|earlier))|"
    r"over the last (two|three|few|\d) years|remains? (an? )?(area for improvement|cause of concern)|"
    r"has not (yet )?(been )?(addressed|acted on|resolved)",
    re.IGNORECASE,
)


def polarity_labels(proba: np.ndarray, classes: Sequence[str], weights: dict[str, float]) -> np.ndarray:
    """The polarity chosen from calibrated probabilities and the tuned class weights (1 where unset)."""
    import numpy as np

    w = np.array([weights.get(c, 1.0) for c in classes])
    return np.asarray(classes)[(proba * w).argmax(axis=1)]


def labels(texts: Sequence[str], scores: Scores, model: Model) -> pd.DataFrame:
    """The `classify` table: one row per text, the model's scores turned into labels."""
    import numpy as np
    import pandas as pd

    if not len(scores):
        return pd.DataFrame({c: pd.Series(dtype=object) for c in CLASSIFY_COLUMNS}).astype(
            {"is_finding": bool, "finding_score": float}
        )
    is_finding = scores.finding >= 0.5
    polarity = polarity_labels(scores.polarity, scores.polarity_classes, model.polarity_weights)
    chosen = (scores.themes >= model.thresholds[None, :]) & is_finding[:, None]
    ids = scores.theme_ids
    rounded = np.round(scores.themes, 4).tolist()
    return pd.DataFrame(
        {
            "text": list(texts),
            "is_finding": is_finding,
            "finding_score": scores.finding,
            # object dtype: pandas would otherwise infer a string column and turn None into NaN
            "polarity": pd.Series([p if f else None for p, f in zip(polarity.tolist(), is_finding)], dtype=object),
            "themes": [[ids[j] for j in np.flatnonzero(row)] for row in chosen],
            "theme_scores": [dict(zip(ids, row)) for row in rounded],
        }
    )


def classify(texts: Sequence[str] | pd.Series, model: Model | str | Path | None = None) -> pd.DataFrame:
    """Classify sentences: one row per text, in input order.

    Columns: ``text``, ``is_finding``, ``finding_score``, ``polarity`` (None when
    not a finding), ``themes`` (list of theme ids) and ``theme_scores`` (theme id ->
    probability). Uses the shipped model unless ``model`` (a `Model`, a model folder
    or a model name) is given.
    """
    from .model import Model, load_model

    if isinstance(texts, str):
        raise InvalidTypeError(
            "classify() takes a list of texts; wrap a single text in a list: classify([text])."
        )
    if not isinstance(model, Model):
        model = load_model(model)
    texts = [as_text(t) for t in texts]
    return labels(texts, model.scores(texts), model)


def as_text(value: object) -> str:
    """A classifier input as text: None and NaN become the empty string."""
    if value is None:
        return ""
    if isinstance(value, float) and value != value:
        return ""
    return str(value)


def apply_structure(frame: pd.DataFrame) -> pd.DataFrame:
    """Use what the report's structure says, beside the text classifier.

    - a sentence or list item under "Areas for improvement", "Causes of concern" or
      "Recommendations" is addressed to the force: a negative finding;
    - a grade standing alone under a question is a finding with the grade's polarity.
    """
    import pandas as pd

    frame = frame.copy()
    in_negative = frame["section_kind"].isin(NEGATIVE_SECTIONS) & frame["unit"].isin(["sentence", "bullet"])
    frame.loc[in_negative, "is_finding"] = True
    frame.loc[in_negative, "polarity"] = "negative"
    grade = frame["text"].map(grade_polarity)
    is_grade = grade.notna() & (frame["unit"] == "heading")
    frame.loc[is_grade, "is_finding"] = True
    frame.loc[is_grade, "polarity"] = grade[is_grade]
    frame.loc[is_grade, "themes"] = pd.Series([[] for _ in range(int(is_grade.sum()))], index=frame.index[is_grade])
    return frame


def repeat_concern_flags(texts: pd.Series) -> pd.Series:
    """True where a sentence says the shortcoming was raised in an earlier inspection."""
    return texts.fillna("").astype(str).map(lambda text: REPEAT_RE.search(text) is not None).astype(bool)
