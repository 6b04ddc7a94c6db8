"""Scores and structure evidence to labels: is it a finding, its polarity, its themes.

The one place a label is decided. A `Model` gives calibrated scores; the rules here turn
them into the `classify` columns, and, where the report's structure says more than the
sentence alone (`structure_evidence`), adjust them. The repeat-concern flag is decided here too.

- finding: ``finding_score >= 0.5``; or, when training chose a rescue floor, at or above that
  floor with some theme over its threshold (a confident theme is not vetoed by a hesitant
  finding head);
- polarity: the class with the largest weighted probability (weights chosen in training);
  None when the sentence is not a finding;
- themes: every theme whose probability reaches its threshold (chosen in training), for
  findings only.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import compress
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import InvalidTypeError
from .structure.grades import grade_polarity

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import pandas as pd

    from .model import Model, Scores

CLASSIFY_COLUMNS = ("text", "is_finding", "finding_score", "polarity", "themes", "theme_scores", "polarity_scores")
NEGATIVE_SECTIONS = frozenset({"area_for_improvement", "cause_of_concern", "recommendation"})

# A shortcoming said to persist from an earlier inspection (training/repeat/ holds the labelled
# evaluation). Either stated outright ("highlighted in our last inspection", "has not yet addressed",
# "remains a cause of concern"), or a persistence word ("still", "more to do", "remains a concern")
# with a link to an earlier inspection in the sentence, the sentence before it, or the section (a
# revisit, a re-inspection). Grade comparisons and improvements alone are not flagged.
_EARLIER = re.compile(
    r"since (?:our|the|its|we|last|this|that|(?:19|20)\d\d)|last year|previous(?:ly)?|earlier (?:inspection|report|visit)|"
    r"(?:19|20)\d\d (?:inspection|report|assessment|visit)|our (?:last|original|first|initial) (?:inspection|report|visit)|"
    r"recommendations? (?:made|we made|from)|re-?inspection|revisit|post-inspection|\bin (?:our )?(?:19|20)\d\d\b|"
    r"assurances|(?:has|have) (?:improved|progressed)|made (?:some |good |limited )?progress|progress (?:has been made|made)|"
    r"improving|improvements? (?:have been |has been )?made|\badvances\b|\bbetter\b",
    re.IGNORECASE,
)
_PERSISTS = re.compile(
    r"\bstill\b|\bremains? (?:a |an )?(?:concern|problem|issue|challenge|weakness|gap|backlog|inconsistent|limited|poor|"
    r"inadequate|unclear|unresolved|outstanding|to be (?:done|made|addressed))|\b(?:work|much|more) (?:still )?remains\b|"
    r"\bcontinues? to (?:be|have|lack|struggle|fail)|more to do|work to do|room for improvement|yet to|persist|recurring",
    re.IGNORECASE,
)
_RAISED_BEFORE = re.compile(
    r"highlighted (?:in|by|during) (?:our|the|its|previous|earlier|last)|(?:also|again) (?:an? )?(?:area for improvement|"
    r"cause of concern)|pointed out [^.]{0,60}\b(?:inspections?|last year|previous(?:ly)?|before)\b|"
    r"(?:raised|identified|reported|found) "
    r"(?:in|during|at) (?:our|the) (?:previous|last|earlier|(?:19|20)\d\d)[^.]{0,40}\b(?:still|remains?|not)|"
    r"(?:no|little|limited|insufficient|slow) progress (?:has been made )?(?:since|against|on)|"
    r"(?:has|have)(?: still)?(?: not|n[’']t) (?:yet )?(?:been )?(?:addressed|acted on|resolved|implemented|improved)|"
    r"remains? (?:an? )?(?:area for improvement|cause of concern)|remains? (?:in|under|at) [^.]{0,30}enhanced monitoring|"
    r"still (?:an? )?(?:area for improvement|cause of concern)|same areas? for improvement|"
    r"(?:only|just) (?:\w+|\d+) (?:out )?of the (?:\w+|\d+) [^.]{0,30}recommendations|"
    r"(?:yet|failed|not) to (?:implement|complete|address) [^.]{0,40}recommendation",
    re.IGNORECASE,
)
_IMPROVED = re.compile(r"\b(?:is|are|has been|have been) addressing|\baddressed\b|has acted on|has implemented|"
                       r"good progress|made progress (?:in|on|against)", re.IGNORECASE)
_REVIEW = re.compile(r"revisit|re-?inspection|post-inspection", re.IGNORECASE)


# Template text every report of a programme carries: grade sentences, judgment comparisons,
# question headings, methodology and programme boilerplate. Counted apart from the evidence.
_GRADE_WORD = r"(?:outstanding|good|adequate|inadequate|requires? improvement|requiring improvement|poor)"
_SUBJECT = r"(?:the force|the constabulary|it|[A-Z][\w&'’ -]{2,60}?(?:Police|Constabulary|Service))"
TEMPLATE_RE = re.compile(
    rf"^{_SUBJECT}(?:'s? [^.]{{0,40}})? (?:is|was|remains|has been|continues to be)(?: (?:judged|graded|assessed)(?: as| to be)?)? "
    rf"{_GRADE_WORD}(?: overall)?(?: (?:at|in|for) [^,;:.]*)?\.?$|"
    rf"\bgraded\b[^.]{{0,40}}\b{_GRADE_WORD}\b|^overall judgment\b|"
    r"\b(?:our|this|the) (?:overall )?(?:judgment|grade)(?: this year)? is the same as\b|"
    r"\bsame (?:judgment|grade) as (?:last year|in (?:19|20)\d\d)|"
    r"\b(?:an improvement|a deterioration|a decline) (?:on|from) (?:last year|our last)|"
    r"\bjudgment from [^.]* has been carried over|"
    r"^\d?\.?\s*how (?:well|effective(?:ly)?|efficient(?:ly)?|legitimate|good)\b[^.]*\?$|"
    r"^how well the force\b|"
    r"\bpeel is designed to\b|\bthis is hmic(?:frs)?[’']s (?:first|second|third|fourth|fifth|sixth) peel\b|"
    r"\bthe assessment is updated\b|^read more about\b|\bour inspection assessed how (?:good|well)\b|"
    r"\bwe make graded judgments\b|\bduring (?:our|the) inspection,? we (?:collected|reviewed|interviewed|spoke|"
    r"surveyed|examined|analysed|will|also)\b|\bas part of (?:hmic|hmicfrs)[’']?s? annual\b|"
    r"\bhas graded [^.]* performance across\b|\bgraded [^.]* performance across\b|"
    r"\bwe don[’']?t make a graded judgment\b|\bnot yet graded\b|^to be graded$|\bjudgment is made against\b",
    re.IGNORECASE,
)


def template_flags(texts: pd.Series) -> pd.Series:
    """True where a sentence is template text rather than evidence: a grade sentence ("The force is good at
    investigating crime."), a judgment comparison ("Our overall judgment this year is the same as last year."),
    a question heading, or methodology and programme boilerplate."""
    return texts.fillna("").astype(str).map(lambda text: TEMPLATE_RE.search(text.strip()) is not None).astype(bool)


def polarity_labels(proba: np.ndarray, classes: Sequence[str], weights: dict[str, float]) -> np.ndarray:
    """The polarity chosen from calibrated probabilities and the tuned class weights (1 where unset)."""
    import numpy as np

    w = np.array([weights.get(c, 1.0) for c in classes])
    return np.asarray(classes)[(proba * w).argmax(axis=1)]


def labels(texts: Sequence[str], scores: Scores, model: Model, evidence: pd.DataFrame | None = None) -> pd.DataFrame:
    """The `classify` table: one row per text, the model's scores turned into labels.

    ``evidence`` (a frame with ``text``, ``section_kind`` and ``unit``, from a report) adds what the
    structure says (`structure_evidence`) before themes are chosen; where it decides a polarity,
    ``polarity_scores`` says so with certainty, and an ``evidence`` column names the rule
    ("section" or "grade"; None where the text alone decided).
    """
    import numpy as np
    import pandas as pd

    if not len(scores):
        return pd.DataFrame({c: pd.Series(dtype=object) for c in CLASSIFY_COLUMNS}).astype(
            {"is_finding": bool, "finding_score": float}
        )
    decision = model.metadata.get("decision") or {}
    confident = scores.themes >= model.thresholds[None, :]
    is_finding = scores.finding >= float(decision.get("finding_threshold", 0.5))
    if decision.get("rescue_floor") is not None:
        is_finding |= (scores.finding >= float(decision["rescue_floor"])) & confident.any(axis=1)
    classes = np.asarray(scores.polarity_classes)
    polarity = polarity_labels(scores.polarity, classes, model.polarity_weights).astype(object)
    polarity_proba = scores.polarity.copy()
    no_themes = np.zeros(len(scores), dtype=bool)
    stated_by: np.ndarray | None = None
    if evidence is not None:
        forced, grade = structure_evidence(evidence)
        is_finding = is_finding | forced | grade.notna().to_numpy()
        stated = np.where(forced, "negative", grade.fillna("").to_numpy(dtype=object))
        for row in np.flatnonzero(stated != ""):
            polarity[row] = stated[row]
            polarity_proba[row] = (classes == stated[row]).astype(float)
        no_themes = grade.notna().to_numpy()  # a grade line names no theme
        stated_by = np.where(no_themes, "grade", np.where(forced, "section", None)).astype(object)
    chosen = confident & is_finding[:, None] & ~no_themes[:, None]
    ids = scores.theme_ids
    table = pd.DataFrame(
        {
            "text": list(texts),
            "is_finding": is_finding,
            "finding_score": scores.finding,
            # object dtype: pandas would otherwise infer a string column and turn None into NaN
            "polarity": pd.Series([p if f else None for p, f in zip(polarity.tolist(), is_finding)], dtype=object),
            "themes": [list(compress(ids, row)) for row in chosen.tolist()],
            "theme_scores": [dict(zip(ids, row)) for row in np.round(scores.themes, 4).tolist()],
            "polarity_scores": [dict(zip(classes.tolist(), row)) for row in np.round(polarity_proba, 4).tolist()],
        }
    )
    if stated_by is not None:
        table["evidence"] = pd.Series(stated_by, dtype=object)  # what decided the label: "section", "grade"
    return table


def classify(texts: Sequence[str] | pd.Series | pd.DataFrame, model: Model | str | Path | None = None) -> pd.DataFrame:
    """Classify sentences: one row per text, in input order.

    Columns: ``text``, ``is_finding``, ``finding_score``, ``polarity`` (None when not a finding),
    ``themes`` (list of theme ids), ``theme_scores`` (theme id -> probability) and
    ``polarity_scores`` (polarity -> probability, summing to 1). ``texts`` is a list of texts,
    each read alone, or a frame with a ``text`` column and, where known, ``report``, ``section``
    and ``section_kind``: consecutive rows of one report are read in order, each with the one
    before it as context. Uses the shipped model unless ``model`` (a `Model`, a model folder or
    a model name) is given.
    """
    from .model import Model, load_model
    from .model.features import model_frame

    if isinstance(texts, str):
        raise InvalidTypeError(
            "classify() takes a list of texts; wrap a single text in a list: classify([text])."
        )
    if not isinstance(model, Model):
        model = load_model(model)
    frame = model_frame(texts)
    return labels(frame["text"].tolist(), model.scores(frame), model)


# An ask addressed to the force: what makes a sentence under such a heading an area for improvement.
ASK_RE = re.compile(r"\b(?:should|must|needs? to|ought to|has to|have to|is required to|are required to)\b",
                    re.IGNORECASE)


def structure_evidence(frame: pd.DataFrame) -> tuple[np.ndarray, pd.Series]:
    """What a report's structure says about each sentence: (forced negative findings, grade polarity or None).

    - under an "Areas for improvement", "Causes of concern" or "Recommendations" heading, a list item,
      or a sentence that asks something of the force ("should", "must", "needs to"), is a negative
      finding; other prose there (a summary, a note of progress) is left to the classifier;
    - a grade standing alone under a question is a finding with the grade's polarity.
    """
    under = frame["section_kind"].isin(NEGATIVE_SECTIONS)
    asks = frame["text"].fillna("").astype(str).str.contains(ASK_RE)
    negative = (under & ((frame["unit"] == "bullet") | ((frame["unit"] == "sentence") & asks))).to_numpy()
    grade = frame["text"].map(grade_polarity).where(frame["unit"] == "heading")
    return negative, grade


def repeat_concern_flags(texts: pd.Series, previous: pd.Series | None = None,
                         sections: pd.Series | None = None) -> pd.Series:
    """True where a sentence says a shortcoming persists from an earlier inspection.

    ``previous`` (the sentence before each, in its report) and ``sections`` (the heading path) help
    where the link to the earlier inspection is made there. Gate it on negative or mixed findings.
    """
    import pandas as pd

    texts = texts.fillna("").astype(str)
    previous = previous.fillna("").astype(str) if previous is not None else pd.Series("", index=texts.index)
    sections = sections.fillna("").astype(str) if sections is not None else pd.Series("", index=texts.index)

    def flag(text: str, before: str, section: str) -> bool:
        if _RAISED_BEFORE.search(text):
            return not (_IMPROVED.search(text) and not _PERSISTS.search(text))
        return bool(_PERSISTS.search(text) and (_EARLIER.search(text) or _EARLIER.search(before)
                                                or _REVIEW.search(section)))

    return pd.Series([flag(t, b, s) for t, b, s in zip(texts, previous, sections)], index=texts.index, dtype=bool)
