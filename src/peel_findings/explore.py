"""Finding what the taxonomy does not name: near-identical stock phrases, and emerging themes.

Both take the `findings` frame and return tidy frames whose rows carry the sentence ids behind them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from .aggregate import evidence
from .structure.grades import GRADES
from .structure.metadata import FORCES

# Words every inspection report uses, whatever it is about: they name no concern.
GENRE_STOP_WORDS = frozenset("""
force forces constabulary police policing officers staff hmic hmicfrs inspection inspections inspectorate inspected
improvement improvements improve improving areas area requires require required needs need needed ensure should
must good effective effectively work working works approach approaches however also status comment comments
recommendation recommendations progress year years month months report reports found find finding findings judgment
outstanding adequate inadequate poor concern concerns cause causes way ways make makes made does doing done
including include includes number range level levels time times important example examples well better best
""".split())
_YEARS = re.compile(r"^(?:19|20)\d\d$|^\d+$")


def _stop_words() -> list[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    names = {w.lower() for force, aliases in FORCES.items() for name in (force, *aliases) for w in re.findall(r"\w+", name)}
    return sorted(set(ENGLISH_STOP_WORDS) | GENRE_STOP_WORDS | names | {"english", "wales"})


def _vectors(texts: Sequence[str]):
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True).fit_transform(texts)


def _label_key(row: pd.Series) -> tuple:
    """What two sentences must share to be one stock phrase: polarity, and the grades they name."""
    text = str(row["text"]).lower()
    return row.get("polarity"), tuple(g for g in GRADES if g in text)


def near_duplicates(findings: pd.DataFrame, threshold: float = 0.8) -> pd.DataFrame:
    """Groups of near-identical findings (the stock phrases inspectors reuse), one representative each.

    Findings are linked when the cosine similarity of their character n-grams is at least
    ``threshold`` and they have the same polarity and name the same grades ("is good at" and "requires
    improvement in" are never one phrase); a group is a connected set of links spanning two or more
    reports.
    """
    rows = findings[findings["is_finding"].astype(bool)].reset_index(drop=True)
    columns = ["group", "representative", "representative_id", "size", "n_forces", "n_reports", "forces",
               "sentence_ids"]
    if len(rows) < 2:
        return pd.DataFrame(columns=columns)
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import connected_components

    vectors = _vectors(rows["text"].tolist())
    similarity = (vectors @ vectors.T).tocoo()
    keys = pd.Series([_label_key(r) for _, r in rows.iterrows()]).factorize()[0]
    keep = (similarity.data >= threshold) & (keys[similarity.row] == keys[similarity.col])
    linked = csr_matrix((similarity.data[keep], (similarity.row[keep], similarity.col[keep])), shape=similarity.shape)
    _, labels = connected_components(linked, directed=False)
    out = []
    for label in np.unique(labels):
        members = rows[labels == label]
        if len(members) < 2 or members["report_id"].nunique() < 2:
            continue
        index = members.index.to_numpy()
        centre = np.asarray(linked[index][:, index].sum(axis=1)).ravel().argmax()
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
    findings: pd.DataFrame, n_clusters: int | None = None, min_forces: int = 2, top_terms: int = 4, seed: int = 0,
    n_quotes: int = 3,
) -> pd.DataFrame:
    """Negative findings that no theme covers, clustered across forces and named by their distinctive terms.

    Template and shared text are left out first. Each cluster is named by class-based TF-IDF: the terms
    most frequent in it relative to all findings, with stop words, the genre's stock words ("force",
    "improvement", "inspection", ...) and force names removed. A cluster is kept when it spans
    ``min_forces`` forces; each row gives quotes from different forces, newest first.
    """
    columns = ["cluster", "name", "n_findings", "n_forces", "forces", "quotes", "quote_ids", "sentence_ids"]
    every = evidence(findings)
    rows = every[(every["polarity"] == "negative") & (every["themes"].map(len) == 0)].reset_index(drop=True)
    if len(rows) < 3:
        return pd.DataFrame(columns=columns)
    from sklearn.cluster import KMeans
    from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

    stop = _stop_words()
    vectorizer = TfidfVectorizer(stop_words=stop, ngram_range=(1, 2), min_df=1, sublinear_tf=True,
                                 token_pattern=r"(?u)\b[a-zA-Z][a-zA-Z'’-]+\b")
    try:
        vectors = vectorizer.fit_transform(rows["text"].tolist())
    except ValueError:  # nothing but stop words
        return pd.DataFrame(columns=columns)
    k = min(n_clusters or max(2, min(20, len(rows) // 6)), len(rows))
    labels = KMeans(n_clusters=k, n_init=10, random_state=seed).fit_predict(vectors)
    counter = CountVectorizer(stop_words=stop, ngram_range=(1, 2), token_pattern=r"(?u)\b[a-zA-Z][a-zA-Z'’-]+\b")
    counter.fit(every["text"].tolist() + rows["text"].tolist())
    background = np.asarray(counter.transform(every["text"].tolist()).sum(axis=0)).ravel() + 1.0
    terms = np.asarray(counter.get_feature_names_out())
    ctf = _class_tfidf(counter.transform(rows["text"].tolist()), labels, k, background)
    out = []
    for label in range(k):
        members = rows[labels == label]
        if members["force"].nunique() < min_forces:
            continue
        ranked = [t for t in terms[ctf[label].argsort()[::-1]] if not _YEARS.match(t)]
        name = ", ".join(_distinct(ranked, top_terms))
        quotes = _spread(members, n_quotes)
        out.append({
            "name": name,
            "n_findings": len(members),
            "n_forces": members["force"].nunique(),
            "forces": sorted(members["force"].dropna().unique().tolist()),
            "quotes": quotes["text"].tolist(),
            "quote_ids": quotes["sentence_id"].tolist(),
            "sentence_ids": sorted(members["sentence_id"].tolist()),
        })
    table = pd.DataFrame(out, columns=columns[1:])
    table = table.sort_values(["n_forces", "n_findings", "name"], ascending=[False, False, True]).reset_index(drop=True)
    table.insert(0, "cluster", range(1, len(table) + 1))
    return table[columns]


def _class_tfidf(counts, labels: np.ndarray, k: int, background: np.ndarray) -> np.ndarray:
    """c-TF-IDF: a term's share of a cluster's words, weighted by how rare it is across all findings."""
    per_class = np.vstack([np.asarray(counts[labels == c].sum(axis=0)).ravel() for c in range(k)])
    tf = per_class / np.maximum(per_class.sum(axis=1, keepdims=True), 1)
    idf = np.log(1 + background.sum() / len(background) / background)
    return tf * idf


def _distinct(terms: list[str], n: int) -> list[str]:
    """The first ``n`` terms, skipping any that repeats a word of one already chosen."""
    chosen: list[str] = []
    for term in terms:
        words = set(term.split())
        if any(words & set(c.split()) for c in chosen):
            continue
        chosen.append(term)
        if len(chosen) == n:
            break
    return chosen


def _spread(members: pd.DataFrame, n: int) -> pd.DataFrame:
    """Up to ``n`` quotes from different forces, newest first."""
    order = members.sort_values(["year", "sentence_id"], ascending=[False, True], na_position="last")
    return order.drop_duplicates("force").head(n)
