"""Findings to tidy tables: which themes recur, where, with which polarity.

Every function takes the `findings` frame (one row per sentence, as `analyse`
returns it) and returns a long DataFrame whose rows carry the sentence ids, and
where useful the reports and pages, behind each number.
"""

from __future__ import annotations

import pandas as pd

from .structure.grades import GRADE_BAND

THEME_COLUMNS = ("theme", "polarity", "n_forces", "n_reports", "n_findings", "forces", "example_sentence_ids",
                 "reports", "sentence_ids")
N_EXAMPLES = 5


def findings_only(findings: pd.DataFrame) -> pd.DataFrame:
    return findings[findings["is_finding"].astype(bool)]


def theme_rows(findings: pd.DataFrame) -> pd.DataFrame:
    """One row per (finding, theme): the long form every theme aggregate starts from."""
    rows = findings_only(findings)
    if rows.empty:
        return rows.assign(theme=pd.Series(dtype=object))
    exploded = rows.assign(theme=rows["themes"]).explode("theme")
    return exploded[exploded["theme"].notna()].reset_index(drop=True)


def recurring_themes(findings: pd.DataFrame, min_forces: int = 1) -> pd.DataFrame:
    """Theme x polarity: how many forces, reports and findings, which forces, and the sentences behind it."""
    long = theme_rows(findings)
    if long.empty:
        return pd.DataFrame(columns=list(THEME_COLUMNS))
    grouped = long.groupby(["theme", "polarity"], sort=True)
    table = grouped.agg(
        n_forces=("force", "nunique"),
        n_reports=("report_id", "nunique"),
        n_findings=("sentence_id", "size"),
        forces=("force", lambda s: sorted(s.dropna().unique().tolist())),
        reports=("report_id", lambda s: sorted(s.unique().tolist())),
        sentence_ids=("sentence_id", lambda s: sorted(s.tolist())),
    ).reset_index()
    table["example_sentence_ids"] = table["sentence_ids"].map(lambda ids: ids[:N_EXAMPLES])
    table = table[table["n_forces"] >= min_forces]
    table = table.sort_values(["n_forces", "n_findings", "theme", "polarity"], ascending=[False, False, True, True])
    return table[list(THEME_COLUMNS)].reset_index(drop=True)


def force_theme_matrix(findings: pd.DataFrame) -> pd.DataFrame:
    """Force x theme: findings, negative findings and the negative share, with the sentence ids."""
    long = theme_rows(findings)
    columns = ["force", "theme", "n_findings", "n_negative", "negative_share", "sentence_ids"]
    if long.empty:
        return pd.DataFrame(columns=columns)
    long = long.assign(negative=long["polarity"].eq("negative"))
    table = long.groupby(["force", "theme"], sort=True).agg(
        n_findings=("sentence_id", "size"),
        n_negative=("negative", "sum"),
        sentence_ids=("sentence_id", lambda s: sorted(s.tolist())),
    ).reset_index()
    table["negative_share"] = (table["n_negative"] / table["n_findings"]).round(3)
    return table[columns]


def theme_by_year(findings: pd.DataFrame) -> pd.DataFrame:
    """Theme x year x polarity: forces and findings per inspection year."""
    long = theme_rows(findings)
    columns = ["theme", "year", "polarity", "n_forces", "n_findings", "sentence_ids"]
    if long.empty:
        return pd.DataFrame(columns=columns)
    table = long.groupby(["theme", "year", "polarity"], sort=True).agg(
        n_forces=("force", "nunique"),
        n_findings=("sentence_id", "size"),
        sentence_ids=("sentence_id", lambda s: sorted(s.tolist())),
    ).reset_index()
    return table[columns]


def repeat_concerns(findings: pd.DataFrame) -> pd.DataFrame:
    """Per theme: findings flagged as raised before, with the forces and sentences."""
    long = theme_rows(findings)
    columns = ["theme", "n_repeat", "n_forces", "forces", "sentence_ids"]
    if long.empty or "repeat_concern" not in long:
        return pd.DataFrame(columns=columns)
    flagged = long[long["repeat_concern"].astype(bool)]
    if flagged.empty:
        return pd.DataFrame(columns=columns)
    table = flagged.groupby("theme", sort=True).agg(
        n_repeat=("sentence_id", "size"),
        n_forces=("force", "nunique"),
        forces=("force", lambda s: sorted(s.dropna().unique().tolist())),
        sentence_ids=("sentence_id", lambda s: sorted(s.tolist())),
    ).reset_index()
    return table[columns].sort_values(["n_repeat", "theme"], ascending=[False, True]).reset_index(drop=True)


def grade_alignment(findings: pd.DataFrame) -> pd.DataFrame:
    """Negative findings by theme in questions graded poorly (requires improvement, inadequate) versus well."""
    long = theme_rows(findings)
    columns = ["theme", "grade_band", "n_negative", "n_findings", "negative_share", "n_reports", "sentence_ids"]
    if long.empty or "question_grade" not in long:
        return pd.DataFrame(columns=columns)
    band = long["question_grade"].map(GRADE_BAND)
    long = long.assign(grade_band=band, negative=long["polarity"].eq("negative"))
    long = long[long["grade_band"].notna()]
    if long.empty:
        return pd.DataFrame(columns=columns)
    table = long.groupby(["theme", "grade_band"], sort=True).agg(
        n_negative=("negative", "sum"),
        n_findings=("sentence_id", "size"),
        n_reports=("report_id", "nunique"),
        sentence_ids=("sentence_id", lambda s: sorted(s[long.loc[s.index, "negative"]].tolist())),
    ).reset_index()
    table["negative_share"] = (table["n_negative"] / table["n_findings"]).round(3)
    return table[columns]
