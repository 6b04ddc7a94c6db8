"""Grades: the two scales, grade lines, what a grade says as polarity, and where grades go in tables.

The one place for grade logic. PEEL used a four-tier scale to 2019 (outstanding, good,
requires improvement, inadequate) and a five-tier one from 2021/22 (adding adequate).
"""

from __future__ import annotations

import re

GRADES: tuple[str, ...] = ("outstanding", "good", "adequate", "requires improvement", "inadequate")
GRADE_LINE_RE = re.compile(rf"^({'|'.join(GRADES)})\s*$", re.IGNORECASE)
# A grade line under one of these headings (or under a question below one) is the overall grade.
OVERALL_RE = re.compile(r"^(overall judgment|overview)\b", re.I)

# LABELLING.md section 2: what a grade says, as the polarity of a finding.
GRADE_POLARITY: dict[str, str] = {
    "outstanding": "positive", "good": "positive", "adequate": "neutral",
    "requires improvement": "negative", "inadequate": "negative",
}
# Grades grouped for comparing findings in well- and poorly-graded questions.
GRADE_BAND: dict[str, str] = {
    "outstanding": "good", "good": "good", "adequate": "adequate",
    "requires improvement": "poor", "inadequate": "poor",
}
_QUESTION_KEYS = (
    ("preventing crime", "preventing_crime"),
    ("investigating crime", "investigating_crime"),
    ("vulnerable", "protecting_vulnerable"),
    ("serious and organised crime", "serious_organised_crime"),
)


def is_grade_line(text: str) -> bool:
    """A line that is only a grade: "Good", "Requires improvement", ... (four- and five-tier scales)."""
    return bool(GRADE_LINE_RE.match(text.strip()))


def grade_polarity(text: str) -> str | None:
    """The polarity a grade line states ("Good" -> positive), or None when the text is not a grade."""
    return GRADE_POLARITY.get(text.strip().lower())


def grade_column(question: str) -> str:
    """`reports` column for a question's grade: grade_preventing_crime, ..."""
    low = question.lower()
    for needle, key in _QUESTION_KEYS:
        if needle in low:
            return f"grade_{key}"
    words = re.sub(r"^how (effective|efficient|legitimate|well) (is|does) the force (at )?", "", low)
    return "grade_" + re.sub(r"[^a-z0-9]+", "_", words).strip("_")[:40]
