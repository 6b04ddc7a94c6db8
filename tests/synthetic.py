"""A synthetic run at archive scale: 43 forces x 10 years of findings, without reading or classifying.

Only for exercising the tables and the report at the size a researcher's archive has; the sentences
are stock phrases, not report text.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from peel_findings.aggregate import recurring_themes, shared_text_flags
from peel_findings.structure.metadata import FORCES
from peel_findings.taxonomy import load_taxonomy
from peel_findings.types import Results

POLARITY = ("negative", "positive", "mixed", "neutral")
GRADES = ("good", "requires improvement", "outstanding", "inadequate", "adequate")


def synthetic_results(n_forces: int = 43, years: range = range(2014, 2024), per_report: int = 30, seed: int = 0) -> Results:
    rng = np.random.default_rng(seed)
    themes = list(load_taxonomy().ids)
    forces = sorted(FORCES)[:n_forces]
    findings, reports = [], []
    for force in forces:
        for year in years:
            report_id = f"{force.split()[0].lower()}-{year}"
            for i in range(per_report):
                chosen = [themes[j] for j in rng.choice(len(themes), size=rng.integers(0, 3), replace=False)]
                polarity = POLARITY[int(rng.choice(4, p=[0.35, 0.4, 0.1, 0.15]))]
                text = f"{force} {polarity} finding {i} on {', '.join(chosen) or 'no theme'} in {year}."
                findings.append({
                    "report_id": report_id, "force": force, "year": year, "programme": f"PEEL {year}",
                    "page": int(rng.integers(1, 60)), "section": "Investigating crime", "section_kind": "body",
                    "sentence_id": f"{report_id}-{i:04d}", "text": text, "is_finding": True,
                    "finding_score": float(rng.uniform(0.5, 1)), "polarity": polarity, "themes": chosen,
                    "theme_scores": {t: (0.9 if t in chosen else 0.02) for t in themes},
                    "polarity_scores": {p: (0.85 if p == polarity else 0.05) for p in POLARITY},
                    "unit": "sentence", "question_grade": None, "repeat_concern": False, "evidence": None,
                    "template": False,
                })
            reports.append({"report_id": report_id, "path": f"/archive/{report_id}.pdf", "sha256": "0" * 64,
                            "force": force, "year": year, "programme": f"PEEL {year}", "pages": 40,
                            "sentences": per_report, "findings": per_report,
                            "overall_grade": GRADES[int(rng.integers(0, 5))],
                            "grade_investigating_crime": GRADES[int(rng.integers(0, 5))], "status": "ok",
                            "force_source": "title"})
    frame = pd.DataFrame(findings)
    frame["year"] = frame["year"].astype("Int64")
    frame["page"] = frame["page"].astype("Int64")
    frame["shared_text"] = shared_text_flags(frame).to_numpy()
    report_frame = pd.DataFrame(reports)
    report_frame["year"] = report_frame["year"].astype("Int64")
    errors = pd.DataFrame(columns=["path", "stage", "kind", "message"])
    return Results(findings=frame, reports=report_frame, errors=errors, themes=recurring_themes(frame))
