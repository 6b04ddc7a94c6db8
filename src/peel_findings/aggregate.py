"""Findings to tidy tables: which themes recur, where, with which polarity.

Every function takes the `findings` frame (one row per sentence, as `analyse`
returns it) and returns a long DataFrame whose rows carry the sentence ids, and
where useful the reports and pages, behind each number.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import pandas as pd

from .structure.grades import GRADE_BAND
from .structure.metadata import NATIONAL

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

THEME_COLUMNS = ("theme", "polarity", "n_forces", "n_reports", "n_findings", "estimate", "estimate_low",
                 "estimate_high", "n_shared", "shared_forces", "forces", "example_sentence_ids", "reports",
                 "sentence_ids")
N_EXAMPLES = 5
SHARED_MIN_FORCES = 3
LIST_COLUMNS = ("themes",)
DICT_COLUMNS = ("theme_scores", "polarity_scores")


def check_findings(findings: pd.DataFrame) -> None:
    """Refuse a findings table whose list and dict columns are still text (a CSV read with pandas)."""
    from .errors import InvalidArgumentError

    for column in (*LIST_COLUMNS, *DICT_COLUMNS):
        if column in findings and len(findings) and findings[column].map(lambda v: isinstance(v, str)).any():
            raise InvalidArgumentError(
                f"The findings column {column!r} holds text, not {'lists' if column in LIST_COLUMNS else 'dicts'}: "
                "the table was read from CSV without converting it. Read it with "
                "peel_findings.read_findings(path), which restores the real types."
            )


def normalise_text(text: object) -> str:
    """A sentence for comparing copies: lower case, single spaces, no quotes or final punctuation."""
    return " ".join(str(text or "").lower().replace("’", "'").replace("“", '"').replace("”", '"').split()).strip(" .;:'\"")


def text_keys(texts: Iterable[object]) -> np.ndarray:
    """A 64-bit hash of each text's `normalise_text` form: copies of a sentence share a key."""
    import hashlib

    import numpy as np

    return np.fromiter((int.from_bytes(hashlib.blake2b(normalise_text(t).encode("utf-8"), digest_size=8).digest(),
                                       "little") for t in texts), dtype=np.uint64)


def shared_text_flags(findings: pd.DataFrame, min_forces: int = SHARED_MIN_FORCES) -> pd.Series:
    """True where the same sentence stands in the reports of ``min_forces`` or more forces (a national
    recommendation copied onto every force's page, stock wording): evidence of one thing, not of many."""
    if findings.empty:
        return pd.Series(dtype=bool)
    key = findings["text"].map(normalise_text)
    forces = pd.DataFrame({"key": key, "force": findings["force"]}).dropna().groupby("key")["force"].nunique()
    return key.map(forces).fillna(0).ge(min_forces).astype(bool)


def _flag(findings: pd.DataFrame, column: str) -> pd.Series:
    if column in findings:
        return findings[column].fillna(False).astype(bool)
    if column == "template":
        from .decide import template_flags

        return template_flags(findings["text"])
    return shared_text_flags(findings)


def findings_only(findings: pd.DataFrame) -> pd.DataFrame:
    return findings[findings["is_finding"].astype(bool)]


def evidence(findings: pd.DataFrame, template: bool = False, shared: bool = False,
             only_shared: bool = False) -> pd.DataFrame:
    """The findings that count as evidence: by default without template text and without shared text
    (which `recurring_themes` counts once, apart; ``only_shared`` gives those)."""
    check_findings(findings)
    if findings.empty:
        return findings
    keep = findings["is_finding"].astype(bool)
    if not template:
        keep &= ~_flag(findings, "template")
    if only_shared:
        keep &= _flag(findings, "shared_text")
    elif not shared:
        keep &= ~_flag(findings, "shared_text")
    return findings[keep]


def theme_rows(findings: pd.DataFrame, **options: bool) -> pd.DataFrame:
    """One row per (finding, theme) of the evidence: the long form every theme aggregate starts from."""
    rows = evidence(findings, **options)
    if rows.empty:
        return rows.assign(theme=pd.Series(dtype=object))
    exploded = rows.assign(theme=rows["themes"]).explode("theme")
    return exploded[exploded["theme"].notna()].reset_index(drop=True)


def recurring_themes(findings: pd.DataFrame, min_forces: int = 1, template: bool = False,
                     dispersion: float = 1.0, estimates: pd.DataFrame | None = None) -> pd.DataFrame:
    """Theme x polarity: how many forces, reports and findings, which forces, and the sentences behind it.

    Template text is left out (``template=True`` keeps it). National reports' findings count as findings
    but not as a force. Sentences shared by three or more forces' reports are counted once, apart: ``n_shared`` distinct shared sentences, on ``shared_forces``' pages;
    they add to no force's count. ``estimate`` and its 90% interval come from the calibrated probabilities
    of the same evidence (see `estimate_counts`), or from ``estimates`` when given (an `estimate_counts`
    table with ``by=()``, accumulated while the findings were streamed).
    """
    long = theme_rows(findings, template=template)
    shared_long = theme_rows(findings, template=template, only_shared=True)
    if long.empty and shared_long.empty:
        return pd.DataFrame(columns=list(THEME_COLUMNS))
    table = long.assign(force=long["force"].where(long["force"] != NATIONAL)).groupby(["theme", "polarity"], sort=True).agg(
        n_forces=("force", "nunique"),
        n_reports=("report_id", "nunique"),
        n_findings=("sentence_id", "size"),
        forces=("force", lambda s: sorted(s.dropna().unique().tolist())),
        reports=("report_id", lambda s: sorted(s.unique().tolist())),
        sentence_ids=("sentence_id", lambda s: sorted(s.tolist())),
    ) if len(long) else pd.DataFrame(columns=["n_forces", "n_reports", "n_findings", "forces", "reports",
                                               "sentence_ids"])
    if len(shared_long):
        key = shared_long["text_key"] if "text_key" in shared_long else shared_long["text"].map(normalise_text)
        shared = shared_long.assign(key=key).groupby(["theme", "polarity"]).agg(
            n_shared=("key", "nunique"), shared_forces=("force", lambda s: sorted(s.dropna().unique().tolist())))
        table = table.join(shared, how="outer")
    table = table.reset_index()
    for column in ("n_forces", "n_reports", "n_findings", "n_shared"):
        table[column] = table[column].fillna(0).astype(int) if column in table else 0
    for column in ("forces", "reports", "sentence_ids", "shared_forces"):
        values = table[column] if column in table else pd.Series([None] * len(table), index=table.index)
        table[column] = values.map(lambda v: v if isinstance(v, list) else [])
    table["example_sentence_ids"] = table["sentence_ids"].map(lambda ids: ids[:N_EXAMPLES])
    table = table[(table["n_forces"] >= min_forces) | (table["n_shared"] > 0)]
    if estimates is None and {"theme_scores", "polarity_scores", "finding_score"} <= set(findings.columns):
        estimates = estimate_counts(counted_rows(findings, template), by=(), dispersion=dispersion)
    if estimates is not None:
        estimates = estimates.set_index(["theme", "polarity"])
        keys = list(zip(table["theme"], table["polarity"]))
        for column, source in (("estimate", "estimate"), ("estimate_low", "low"), ("estimate_high", "high")):
            table[column] = [estimates[source].get(k) for k in keys]
    table = table.sort_values(["n_forces", "n_findings", "theme", "polarity"], ascending=[False, False, True, True])
    return table.reindex(columns=list(THEME_COLUMNS)).reset_index(drop=True)


def wilson_interval(successes: int, n: int, level: float = 0.9) -> tuple[float, float]:
    """The Wilson score interval for a proportion (sound for small n and shares near 0 or 1)."""
    from statistics import NormalDist

    if n <= 0:
        return 0.0, 1.0
    z = NormalDist().inv_cdf(1 - (1 - level) / 2)
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * ((p * (1 - p) / n + z * z / (4 * n * n)) ** 0.5) / (1 + z * z / n)
    return round(max(0.0, centre - half), 3), round(min(1.0, centre + half), 3)


SMALL_N = 3
MATRIX_COLUMNS = ("force", "theme", "n_findings", "n_negative", "negative_share", "share_low", "share_high",
                  "small_n", "estimate_negative", "estimate_low", "estimate_high", "estimated_share", "sentence_ids")


def counted_rows(findings: pd.DataFrame, template: bool = False) -> pd.DataFrame:
    """The sentences whose probabilities the count estimates sum over: every sentence but shared text
    and (unless ``template``) template text."""
    if findings.empty:
        return findings
    return findings[~_flag(findings, "shared_text") & (template | ~_flag(findings, "template"))]


def force_theme_matrix(findings: pd.DataFrame, template: bool = False, dispersion: float = 1.0,
                       estimates: pd.DataFrame | None = None) -> pd.DataFrame:
    """Force x theme: findings, negative findings and the negative share with its 90% interval.

    ``share_low``/``share_high``: a Wilson interval on the hard labels; ``small_n``: fewer than three
    findings, too few to read a share from. Where the scores are in the table, ``estimate_negative``
    (with its interval) and ``estimated_share`` come from the calibrated probabilities
    (`estimate_counts`; or ``estimates``, a table of it by force, when given). Evidence only: template
    and shared text are left out.
    """
    long = theme_rows(findings, template=template)
    if long.empty:
        return pd.DataFrame(columns=list(MATRIX_COLUMNS))
    long = long.assign(negative=long["polarity"].eq("negative"))
    table = long.groupby(["force", "theme"], sort=True).agg(
        n_findings=("sentence_id", "size"),
        n_negative=("negative", "sum"),
        sentence_ids=("sentence_id", lambda s: sorted(s.tolist())),
    ).reset_index()
    table["n_negative"] = table["n_negative"].astype(int)
    table["negative_share"] = (table["n_negative"] / table["n_findings"]).round(3)
    bounds = [wilson_interval(k, n) for k, n in zip(table["n_negative"], table["n_findings"])]
    table["share_low"], table["share_high"] = [b[0] for b in bounds], [b[1] for b in bounds]
    table["small_n"] = table["n_findings"] < SMALL_N
    if estimates is None and {"theme_scores", "polarity_scores", "finding_score"} <= set(findings.columns):
        estimates = estimate_counts(counted_rows(findings, template), by=("force",), dispersion=dispersion)
    if estimates is not None:
        if len(estimates):
            total = estimates.groupby(["force", "theme"])["estimate"].sum()
            negative = estimates[estimates["polarity"] == "negative"].set_index(["force", "theme"])
            keys = list(zip(table["force"], table["theme"]))
            table["estimate_negative"] = [negative["estimate"].get(k, 0.0) for k in keys]
            table["estimate_low"] = [negative["low"].get(k, 0.0) for k in keys]
            table["estimate_high"] = [negative["high"].get(k, 0.0) for k in keys]
            table["estimated_share"] = [round(negative["estimate"].get(k, 0.0) / total[k], 3) if total.get(k) else None
                                        for k in keys]
    return table.reindex(columns=list(MATRIX_COLUMNS))


def theme_by_year(findings: pd.DataFrame, reports: pd.DataFrame | None = None) -> pd.DataFrame:
    """Theme x year x polarity: forces and findings per inspection year, and findings per report.

    Raw counts follow how many reports a year has; ``per_report`` divides by the reports read for
    that year (from ``reports`` when given, else the reports with sentences in ``findings``).
    """
    long = theme_rows(findings)
    columns = ["theme", "year", "polarity", "n_forces", "n_findings", "n_reports_year", "per_report", "sentence_ids"]
    if long.empty:
        return pd.DataFrame(columns=columns)
    table = long.groupby(["theme", "year", "polarity"], sort=True).agg(
        n_forces=("force", "nunique"),
        n_findings=("sentence_id", "size"),
        sentence_ids=("sentence_id", lambda s: sorted(s.tolist())),
    ).reset_index()
    if reports is not None and "year" in reports:
        ok = reports[reports["status"] == "ok"] if "status" in reports else reports
        per_year = ok.groupby("year")["report_id"].nunique()
    else:
        per_year = findings.groupby("year")["report_id"].nunique()
    table["n_reports_year"] = table["year"].map(per_year).fillna(0).astype(int)
    table["per_report"] = (table["n_findings"] / table["n_reports_year"].where(table["n_reports_year"] > 0)).round(3)
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


# -- counts with uncertainty ----------------------------------------------------------------------

ESTIMATE_COLUMNS = ("n_findings", "estimate", "low", "high")
POLARITY_ORDER = ("positive", "negative", "mixed", "neutral")


def finding_probabilities(findings: pd.DataFrame, theme_ids: list[str] | None = None) -> tuple:
    """Per sentence, the probability that it is a finding with each theme and each polarity.

    Returns (probabilities of shape sentences x themes x polarities, theme ids). From the
    calibrated scores: P(finding) x P(theme | finding) x P(polarity | finding). Where the report's
    structure decided the label (column ``evidence``), that decision is certain: a finding, with
    its stated polarity, and no theme for a grade line.
    """
    import numpy as np

    ids = theme_ids or sorted({t for scores in findings["theme_scores"] for t in (scores or {})})
    n = len(findings)
    themes = np.array([[(s or {}).get(t, 0.0) for t in ids] for s in findings["theme_scores"]], dtype=float)
    polarity = np.array([[(s or {}).get(p, 0.0) for p in POLARITY_ORDER] for s in findings["polarity_scores"]],
                        dtype=float).reshape(n, len(POLARITY_ORDER))
    stated = grade = None
    if "evidence" in findings:
        evidence = findings["evidence"]
        stated = (evidence.notna() & evidence.astype(object).ne("")).to_numpy(bool)
        grade = evidence.astype(object).eq("grade").to_numpy(bool)
    return probabilities(findings["finding_score"].to_numpy(dtype=float), themes.reshape(n, len(ids)), polarity,
                         stated, grade), ids


def probabilities(finding: np.ndarray, themes: np.ndarray, polarity: np.ndarray,
                  stated: np.ndarray | None = None, grade: np.ndarray | None = None) -> np.ndarray:
    """`finding_probabilities` from arrays: P(finding) (n), P(theme) (n x themes), P(polarity) (n x 4, in
    `POLARITY_ORDER`; missing scores as NaN or 0), and where the structure decided the label
    (``stated``: any rule, ``grade``: a grade line), as boolean masks."""
    import numpy as np

    finding = np.nan_to_num(np.asarray(finding, dtype=float))
    themes = np.nan_to_num(np.asarray(themes, dtype=float))
    if stated is not None and stated.any():
        finding = np.where(stated, 1.0, finding)
    if grade is not None and grade.any():
        themes = np.where(grade[:, None], 0.0, themes)
    return finding[:, None, None] * themes[:, :, None] * np.nan_to_num(np.asarray(polarity, dtype=float))[:, None, :]


def poisson_binomial_interval(p: np.ndarray, level: float = 0.9) -> tuple[float, float]:
    """The central ``level`` interval of a sum of independent Bernoulli(p_i): exact for up to a few
    thousand non-negligible p_i, a normal approximation beyond."""
    import numpy as np

    p = p[p > 1e-6]
    tail = (1 - level) / 2
    if len(p) == 0:
        return 0.0, 0.0
    if len(p) > 3000:
        mean, sd = p.sum(), np.sqrt((p * (1 - p)).sum())
        return max(0.0, float(np.floor(mean - 1.645 * sd))), float(np.ceil(mean + 1.645 * sd))
    cdf = np.cumsum(poisson_binomial_pmf(p))
    return float(np.searchsorted(cdf, tail * cdf[-1])), float(np.searchsorted(cdf, (1 - tail) * cdf[-1]))


def poisson_binomial_pmf(p: np.ndarray) -> np.ndarray:
    """P(S = k) for the sum S of independent Bernoulli(p_i), for k up to where less than 1e-20 of the
    mass lies beyond: the product of the polynomials (1 - p_i + p_i z), multiplied in pairs, level by
    level (a few NumPy operations per level rather than one per probability)."""
    import numpy as np

    top = min(len(p), int(np.ceil(p.sum() + 12 * np.sqrt((p * (1 - p)).sum()) + 12)))
    polys = np.stack([1 - p, p], axis=1)
    while len(polys) > 1:
        if len(polys) % 2:  # an odd one out is paired with the polynomial 1
            one = np.zeros((1, polys.shape[1]))
            one[0, 0] = 1.0
            polys = np.vstack([polys, one])
        a, b = polys[0::2], polys[1::2]
        width = a.shape[1] + b.shape[1] - 1
        if b.shape[1] <= 8:  # short: multiply directly
            product = np.zeros((len(a), width))
            for j in range(b.shape[1]):
                product[:, j:j + a.shape[1]] += a * b[:, j:j + 1]
        else:  # long: by FFT
            size = 1 << int(np.ceil(np.log2(width)))
            product = np.fft.irfft(np.fft.rfft(a, size, axis=1) * np.fft.rfft(b, size, axis=1), size, axis=1)
        polys = np.clip(product[:, : min(width, top + 1)], 0.0, None)
    return polys[0]


class EstimateAccumulator:
    """Sums per group x theme x polarity, fed a findings table piece by piece (memory bounded by the pieces).

    Keeps, per cell, the hard-label count, the sum of probabilities and of their variances, and the
    probabilities themselves while there are few enough for an exact interval.
    """

    EXACT_LIMIT = 3000

    def __init__(self, by: tuple[str, ...], theme_ids: list[str], level: float = 0.9, dispersion: float = 1.0) -> None:
        self.by, self.theme_ids, self.level, self.dispersion = tuple(by), list(theme_ids), level, dispersion
        self.cells: dict[tuple, dict] = {}

    def add(self, findings: pd.DataFrame) -> None:
        """Add a findings frame (any number of groups)."""
        import numpy as np

        if findings.empty:
            return
        probs, _ = finding_probabilities(findings, self.theme_ids)
        hard = _hard_counts(findings, self.theme_ids)
        if self.by:
            keys = findings[list(self.by)].astype(object).where(findings[list(self.by)].notna(), None)
            groups = keys.groupby(list(self.by), sort=False, dropna=False).indices
        else:
            groups = {(): np.arange(len(findings))}
        for key, index in groups.items():
            self.add_arrays(key if isinstance(key, tuple) else (key,), probs[index], hard[index])

    def add_arrays(self, key: tuple, probs: np.ndarray, hard: np.ndarray) -> None:
        """Add sentences of one group: their `probabilities` and hard-label indicators (both n x themes x 4)."""
        import numpy as np

        cell = self.cells.setdefault(key, {"sum": 0.0, "var": 0.0, "hard": 0, "p": {}})
        cell["sum"] = cell["sum"] + probs.sum(axis=0)
        cell["var"] = cell["var"] + (probs * (1 - probs)).sum(axis=0)
        cell["hard"] = cell["hard"] + hard.sum(axis=0)
        counts = cell.setdefault("n", {})
        above = probs > 1e-4
        for j, k in zip(*np.nonzero(above.any(axis=0))):
            kept = cell["p"].setdefault((j, k), [])
            if kept is not None:
                kept.append(probs[above[:, j, k], j, k])
                counts[(j, k)] = counts.get((j, k), 0) + len(kept[-1])
                if counts[(j, k)] > self.EXACT_LIMIT:
                    cell["p"][(j, k)] = None  # too many for the exact interval: normal approximation

    def table(self) -> pd.DataFrame:
        import numpy as np

        rows = []
        for key in sorted(self.cells, key=lambda k: tuple("" if v is None else str(v) for v in k)):
            cell = self.cells[key]
            for j, theme in enumerate(self.theme_ids):
                for k, polarity in enumerate(POLARITY_ORDER):
                    expected, counted = float(cell["sum"][j, k]), int(cell["hard"][j, k])
                    if counted == 0 and expected < 0.05:
                        continue
                    kept = cell["p"].get((j, k), [])
                    if kept is not None:
                        low, high = poisson_binomial_interval(np.concatenate(kept) if kept else np.zeros(0),
                                                              self.level)
                    else:
                        sd = float(np.sqrt(cell["var"][j, k]))
                        z = _normal_quantile(1 - (1 - self.level) / 2)
                        low, high = max(0.0, float(np.floor(expected - z * sd))), float(np.ceil(expected + z * sd))
                    if self.dispersion > 1:  # widened by what the model's errors on unseen forces add
                        widen = self.dispersion ** 0.5
                        low = max(0.0, float(np.floor(expected - widen * (expected - low))))
                        high = float(np.ceil(expected + widen * (high - expected)))
                    rows.append((*key, theme, polarity, counted, round(expected, 2), low, high))
        return pd.DataFrame(rows, columns=[*self.by, "theme", "polarity", *ESTIMATE_COLUMNS])


def _normal_quantile(q: float) -> float:
    from statistics import NormalDist

    return NormalDist().inv_cdf(q)


def _hard_counts(findings: pd.DataFrame, theme_ids: list[str]) -> np.ndarray:
    """Per sentence, 1 where its labels say: a finding with this theme and this polarity."""
    import numpy as np

    position = {t: j for j, t in enumerate(theme_ids)}
    parents, columns = [], []
    for i, themes in enumerate(findings["themes"]):
        for t in themes if themes is not None else ():
            parents.append(i)
            columns.append(position.get(t, -1))
    return hard_counts(findings["is_finding"].to_numpy(dtype=bool), findings["polarity"].to_numpy(dtype=object),
                       np.asarray(parents, dtype=np.int64), np.asarray(columns, dtype=np.int64), len(theme_ids))


def hard_counts(is_finding: np.ndarray, polarity: np.ndarray, parents: np.ndarray, themes: np.ndarray,
                n_themes: int) -> np.ndarray:
    """`_hard_counts` from arrays: each (sentence, theme position) pair of its themes as ``parents`` and
    ``themes`` (-1 for a theme not counted), the sentences' finding flags and polarities."""
    import numpy as np

    order = {p: k for k, p in enumerate(POLARITY_ORDER)}
    pol = np.array([order.get(p, -1) if isinstance(p, str) else -1 for p in polarity], dtype=np.int64)
    hard = np.zeros((len(is_finding), n_themes, len(POLARITY_ORDER)), dtype=np.int64)
    if len(parents):
        keep = (themes >= 0) & is_finding[parents] & (pol[parents] >= 0)
        hard[parents[keep], themes[keep], pol[parents[keep]]] = 1
    return hard


def estimate_counts(
    findings: pd.DataFrame, by: tuple[str, ...] = ("force",), level: float = 0.9,
    theme_ids: list[str] | None = None, chunk: int = 20_000, dispersion: float = 1.0,
) -> pd.DataFrame:
    """Per group x theme x polarity: the hard-label count and an estimate from the calibrated probabilities.

    ``estimate`` is probabilistic classify-and-count (the sum of each sentence's probability of being
    a finding with that theme and polarity); ``low``/``high`` the central ``level`` interval of that
    sum (a Poisson-binomial: exact while a cell has at most a few thousand non-negligible
    probabilities, a normal approximation beyond), widened by the square root of ``dispersion``: how
    much more the model's counts vary on forces it has not seen than that interval allows (the
    model's ``estimate_dispersion``, measured in training). ``by`` names the grouping columns
    ("force", or () for the whole run). Cells with neither a finding nor an expected count of 0.05
    are left out.
    """
    if findings.empty:
        return pd.DataFrame(columns=[*by, "theme", "polarity", *ESTIMATE_COLUMNS])
    ids = theme_ids or sorted({t for scores in findings["theme_scores"] for t in (scores or {})})
    accumulator = EstimateAccumulator(by, ids, level, dispersion)
    for start in range(0, len(findings), chunk):
        accumulator.add(findings.iloc[start:start + chunk])
    return accumulator.table()
