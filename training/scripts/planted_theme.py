"""Do emerging themes surface a real concern the taxonomy does not name? Take a theme out and see.

    python training/scripts/planted_theme.py [--themes digital_forensics wanted_suspects] [--jobs 2]

For each theme: a model is trained without it (the theme removed from the taxonomy and from every
label), and labels the labelled sentences force by force (leave-one-force-out, so no sentence is
labelled by a model that saw it). The predictions go to `explore.emerging_themes` as a findings
table. Printed: the top five clusters, and for the cluster most about the removed theme, its rank,
its name, and the share of its quotes and of all its sentences that the gold labels give the theme.
"""

from __future__ import annotations

import argparse
from dataclasses import replace

import pandas as pd

from peel_findings.explore import emerging_themes
from peel_findings.learn.evaluate import lofo_predictions
from peel_findings.learn.interchange import read_records
from peel_findings.learn.train import records_frame
from peel_findings.taxonomy import load_taxonomy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--themes", nargs="+", default=["digital_forensics", "wanted_suspects"])
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    taxonomy = load_taxonomy()
    frame = records_frame(read_records("training/labelled.jsonl", taxonomy=taxonomy))
    print("| removed theme | rank of its cluster | cluster name | quotes about it | sentences about it | cluster size |")
    print("|---|---|---|---|---|---|")
    for theme in args.themes:
        reduced = replace(taxonomy, themes=tuple(t for t in taxonomy.themes if t.id != theme),
                          core=tuple(c for c in taxonomy.core if c != theme))
        records = frame.assign(themes=frame["themes"].map(lambda ts: [t for t in ts if t != theme]))
        pred = lofo_predictions(records, records, reduced, n_jobs=args.jobs)
        findings = pd.DataFrame({
            "report_id": frame["report"].to_numpy(), "force": frame["force"].to_numpy(),
            "year": pd.to_numeric(frame["year"], errors="coerce").astype("Int64").to_numpy(),
            "sentence_id": frame["id"].to_numpy(), "text": frame["text"].to_numpy(),
            "is_finding": pred["is_finding"].to_numpy(), "polarity": pred["polarity"].to_numpy(),
            "themes": pred["themes"].to_numpy(),
        })
        gold = dict(zip(frame["id"], frame["themes"].map(lambda ts: theme in ts)))
        clusters = emerging_themes(findings).head(5)
        for row in clusters.itertuples():
            print(f"|   {theme}: cluster {row.cluster} | | {row.name} | "
                  f"{sum(gold[i] for i in row.quote_ids)}/{len(row.quote_ids)} | "
                  f"{sum(gold[i] for i in row.sentence_ids)}/{len(row.sentence_ids)} | {row.n_findings} |")
        if clusters.empty:
            print(f"| {theme} | none | | | | |")
            continue
        share = clusters["sentence_ids"].map(lambda ids: sum(gold[i] for i in ids) / len(ids))
        best = clusters.loc[share.idxmax()]
        quotes = sum(gold[i] for i in best.quote_ids) / max(len(best.quote_ids), 1)
        print(f"| {theme} | {best.cluster} | {best['name']} | {quotes:.0%} | {share.max():.0%} | {best.n_findings} |")


if __name__ == "__main__":
    main()
