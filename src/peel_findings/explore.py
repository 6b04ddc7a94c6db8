"""Finding what the taxonomy does not name: near-identical stock phrases, and emerging themes.

Both take the `findings` frame and return tidy frames whose rows carry the sentence ids behind them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd


def _vectors(texts: Sequence[str]):
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True).fit_transform(texts)


def near_duplicates(findings: pd.DataFrame, threshold: float = 0.8) -> pd.DataFrame:
    """Groups of near-identical findings (the stock phrases inspectors reuse), one representative each.

    Findings are linked when the cosine similarity of their character n-grams is at
    least ``threshold``; a group is a connected set of links spanning two or more reports.
    """
    rows = findings[findings["is_finding"].astype(bool)].reset_index(drop=True)
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
    rows = findings[findings["is_finding"].astype(bool)]
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
