"""Findings to tidy tables: which themes recur, where, with which polarity.

Every function takes the `findings` frame (one row per sentence, as `analyse`
returns it) and returns a long DataFrame whose rows carry the sentence ids, and
where useful the reports and pages, behind each number.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

THEME_COLUMNS = ("theme", "polarity", "n_forces", "n_reports", "n_findings", "forces", "example_sentence_ids",
                 "reports", "sentence_ids")
N_EXAMPLES = 5

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


def repeat_concern_flags(texts: pd.Series) -> pd.Series:
    """True where a sentence says the shortcoming was raised in an earlier inspection."""
    return texts.fillna("").astype(str).map(lambda text: REPEAT_RE.search(text) is not None).astype(bool)


def _findings_only(findings: pd.DataFrame) -> pd.DataFrame:
    return findings[findings["is_finding"].astype(bool)]


def theme_rows(findings: pd.DataFrame) -> pd.DataFrame:
    """One row per (finding, theme): the long form every theme aggregate starts from."""
    rows = _findings_only(findings)
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
    band = long["question_grade"].map(
        {"requires improvement": "poor", "inadequate": "poor", "good": "good", "outstanding": "good",
         "adequate": "adequate"}
    )
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


def _vectors(texts: Sequence[str]):
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True).fit_transform(texts)


def near_duplicates(findings: pd.DataFrame, threshold: float = 0.8) -> pd.DataFrame:
    """Groups of near-identical findings (the stock phrases inspectors reuse), one representative each.

    Findings are linked when the cosine similarity of their character n-grams is at
    least ``threshold``; a group is a connected set of links spanning two or more reports.
    """
    rows = _findings_only(findings).reset_index(drop=True)
    columns = ["group", "representative", "representative_id", "size", "n_forces", "n_reports", "forces",
               "sentence_ids"]
    if len(rows) < 2:
        return pd.DataFrame(columns=columns)
    from scipy.sparse.csgraph import connected_components

    vectors = _vectors(rows["text"].tolist())
    similarity = (vectors @ vectors.T).tocsr()
    similarity.data[similarity.data < threshold] = 0
    similarity.eliminate_zeros()
    _, labels = connected_components(similarity, directed=False)
    out = []
    for label in np.unique(labels):
        members = rows[labels == label]
        if len(members) < 2 or members["report_id"].nunique() < 2:
            continue
        index = members.index.to_numpy()
        centre = np.asarray(similarity[index][:, index].sum(axis=1)).ravel().argmax()
        rep = members.iloc[centre]
        out.append({
            "representative": rep["text"],
            "representative_id": rep["sentence_id"],
            "size": len(members),
            "n_forces": members["force"].nunique(),
            "n_reports": members["report_id"].nunique(),
            "forces": sorted(members["force"].dropna().unique().tolist()),
            "sentence_ids": sorted(members["sentence_id"].tolist()),
        })
    table = pd.DataFrame(out, columns=columns[1:])
    table = table.sort_values(["size", "representative_id"], ascending=[False, True]).reset_index(drop=True)
    table.insert(0, "group", range(1, len(table) + 1))
    return table[columns]


def emerging_themes(
    findings: pd.DataFrame, n_clusters: int | None = None, min_forces: int = 2, top_terms: int = 4, seed: int = 0
) -> pd.DataFrame:
    """Negative findings that no theme covers, clustered across forces and named by their top terms.

    A concern outside the taxonomy that recurs in ``min_forces`` or more forces shows up
    here as a cluster; each row lists its sentences.
    """
    columns = ["cluster", "name", "n_findings", "n_forces", "forces", "example", "sentence_ids"]
    rows = _findings_only(findings)
    rows = rows[(rows["polarity"] == "negative") & (rows["themes"].map(len) == 0)].reset_index(drop=True)
    if len(rows) < 3:
        return pd.DataFrame(columns=columns)
    from sklearn.cluster import KMeans
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(stop_words="english", ngram_range=(1, 2), min_df=1, sublinear_tf=True)
    vectors = vectorizer.fit_transform(rows["text"].tolist())
    k = n_clusters or max(2, min(12, len(rows) // 5))
    k = min(k, len(rows))
    labels = KMeans(n_clusters=k, n_init=10, random_state=seed).fit_predict(vectors)
    terms = np.asarray(vectorizer.get_feature_names_out())
    out = []
    for label in range(k):
        members = rows[labels == label]
        if members["force"].nunique() < min_forces:
            continue
        centroid = np.asarray(vectors[labels == label].mean(axis=0)).ravel()
        name = ", ".join(terms[centroid.argsort()[::-1][:top_terms]])
        out.append({
            "name": name,
            "n_findings": len(members),
            "n_forces": members["force"].nunique(),
            "forces": sorted(members["force"].dropna().unique().tolist()),
            "example": members.iloc[0]["text"],
            "sentence_ids": sorted(members["sentence_id"].tolist()),
        })
    table = pd.DataFrame(out, columns=columns[1:])
    table = table.sort_values(["n_forces", "n_findings", "name"], ascending=[False, False, True]).reset_index(drop=True)
    table.insert(0, "cluster", range(1, len(table) + 1))
    return table[columns]
