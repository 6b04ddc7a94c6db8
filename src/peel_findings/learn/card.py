"""The model card (MODEL_CARD.md) and the scores table it and `peel evaluate` print."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

CARD_FILE = "MODEL_CARD.md"


def _fmt(cell: dict[str, Any] | None) -> str:
    if not cell or cell.get("value") is None:
        return "n/a"
    return f"{cell['value']:.3f} [{cell['low']:.3f}, {cell['high']:.3f}]"


def metrics_table(model: dict[str, Any], baseline: dict[str, Any] | None = None) -> str:
    """A markdown table of scores (95% intervals in brackets), with the baseline beside if given."""
    head = "| measure | model | keyword baseline |\n|---|---|---|" if baseline else "| measure | model |\n|---|---|"

    def row(name: str, get: Callable[[dict[str, Any]], dict[str, Any] | None]) -> str:
        cells = [_fmt(get(model))] + ([_fmt(get(baseline))] if baseline else [])
        return f"| {name} | " + " | ".join(cells) + " |"

    lines = [
        head,
        row("finding F1", lambda m: m["finding"]["f1"]),
        row("finding precision", lambda m: m["finding"]["precision"]),
        row("finding recall", lambda m: m["finding"]["recall"]),
        row("polarity macro-F1 (on gold findings)", lambda m: m["polarity_macro_f1"]),
    ]
    lines += [row(f"polarity F1: {p}", lambda m, p=p: m["polarity"][p]) for p in model["polarity"]]
    lines += [
        row("core-theme macro-F1", lambda m: m["core_macro_f1"]),
        row(f"macro-F1, themes with >= 10 examples ({len(model['frequent_themes'])})",
            lambda m: m["frequent_macro_f1"]),
    ]
    for theme, scores in model["themes"].items():
        lines.append(row(f"theme F1: {theme} (n={scores['support']})", lambda m, t=theme: m["themes"][t]["f1"]))
    return "\n".join(lines)


def _decision(metadata: dict[str, Any]) -> str:
    floor = (metadata.get("decision") or {}).get("rescue_floor")
    rule = (metadata.get("recipe") or {}).get("polarity_rule", "macro")
    finding = ("finding when its probability is at least 0.5" + (
        f", or at least {floor} when a theme is confident (a doubtful finding head does not veto a clear theme)"
        if floor is not None else ""))
    polarity = {"bounded": "class-weighted probabilities, each weight within 0.75-1.5 (no large class is traded "
                           "for a small one)",
                "macro": "class-weighted probabilities (weights that maximise macro-F1)",
                "none": "the most probable class"}.get(rule, rule)
    return f"{finding}; a theme when its probability reaches the theme's threshold; polarity by {polarity}."


def model_card(metadata: dict[str, Any]) -> str:
    """The model card: what the model is, what it was trained on, how well it does and where it fails."""
    versions = ", ".join(f"{k} {v}" for k, v in metadata.get("versions", {}).items())
    lines = [
        "# peel-findings sentence classifier",
        "",
        "Classifies a sentence of a police inspection report: is it a finding about the inspected force,",
        "its polarity (positive, negative, mixed, neutral) and its themes (the taxonomy in `training/taxonomy.json`).",
        "",
        "## Model",
        "",
        "- Features: TF-IDF over word 1-2-grams and character 3-5-grams (within word boundaries), and",
        "  cue-word indicators: one per theme for its name, obvious synonyms and the wording its definition",
        "  uses (`keywords` and `cues` in the taxonomy, matched with hyphenated and inflected forms) and",
        "  three for the guide's polarity cues (positive, negative, and a contrast inside the sentence: an",
        "  opening \"However,\" contrasts with the sentence before, not within).",
        "- Context: " + (f"the sentence before, the section heading and the section kind are features of the "
                         f"{' and '.join(metadata.get('context_heads', []))} heads (a report is read in order)."
                         if metadata.get("context_heads") else "none (each sentence alone)."),
        "- Heads: logistic regression (class-balanced), sigmoid-calibrated with 3-fold internal CV",
        "  where a class has at least 6 examples; one binary head per theme, trained on findings only.",
        "- Decision (in `decide`): " + _decision(metadata),
        "  Thresholds and weights are chosen by a 3-fold inner cross-validation grouped by force on the",
        "  training records only (`theme_thresholds`, `polarity_weights` in metadata.json).",
        f"- Count estimates: `estimate_dispersion` {metadata.get('estimate_dispersion', 1.0)} (how much more",
        "  count estimates spread on forces the model has not seen than their Poisson-binomial interval",
        "  allows, measured on inner out-of-fold predictions); the aggregates widen 90% intervals by its",
        "  square root.",
        "- Stored with skops (`model.skops`): loading admits only a fixed list of types (scikit-learn's",
        "  and this package's transformers), so the file cannot run other code; `metadata.json` holds the",
        "  SHA-256 of the model file and of itself, both checked before loading.",
        "- Speed: `benchmarks/bench_classify.py` measures sentences per second on one core, per report",
        "  (100 sentences per call) and in bulk.",
        "",
        f"- {metadata.get('n_records')} labelled sentences, {metadata.get('n_findings')} of them findings; "
        f"SHA-256 of the labelled content: `{metadata.get('training_data_sha256')}`.",
        f"- Seed {metadata.get('seed')}; versions: {versions}.",
        "",
    ]
    evaluation = metadata.get("evaluation")
    if evaluation:
        lines += [
            "## Evaluation (leave-one-force-out)",
            "",
            f"Each of the {len(evaluation['forces'])} forces was held out in turn and labelled by a model trained on",
            "the others; scores are over the pooled held-out predictions, with 95% intervals from a bootstrap",
            "over reports (1,000 resamples). Polarity is scored on the sentences that are findings in the gold",
            "labels. The keyword baseline uses cue words for finding and polarity and each theme's name and",
            "obvious synonyms (`keywords` in the taxonomy).",
            "",
            metrics_table(evaluation["model"], evaluation["baseline"]),
            "",
        ]
    lines += [
        "## Limits",
        "",
        "- Trained on PEEL reports and inspectorate pages about 12 forces and national pages, 2011-2025;",
        "  other inspection programmes and new PEEL frameworks will score lower until their labelled",
        "  examples are added (`peel train`).",
        "- Rare themes (fewer than 10 examples) have unreliable scores; see the support column above.",
        "- Sentences are classified alone; the batch path may also use the section (an area for",
        "  improvement is negative), which this table does not include.",
        "",
    ]
    return "\n".join(lines)
