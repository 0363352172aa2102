"""The diversity report as text: a table for a terminal, and Markdown for docs.

The thresholds the Markdown explains come from ``embedding.metrics``, where the
metrics use them, so the words can never disagree with the numbers.
"""

from __future__ import annotations

import math
from fractions import Fraction

from cardwriter.embedding import metrics
from cardwriter.evaluation.diversity_scores import OURS, DiversityReport, PresetSummary

COLUMNS: tuple[tuple[str, str], ...] = (
    ("preset", "preset"),
    ("usable_distinct", "usable distinct of {n}"),
    ("usable_share", "usable share"),
    ("collapse_rate", "collapse"),
    ("vendi", "Vendi"),
    ("spread", "spread (× llama.cpp)"),
    ("distinct_2", "distinct-2"),
    ("overrepresentation", "top-10 over-rep."),
    ("tokens_per_s", "tokens/s"),
    ("seconds_per_paragraph", "s/paragraph"),
)

PERCENT_METRICS = frozenset({"usable_share", "collapse_rate"})


def _cell(s: PresetSummary, key: str) -> str:
    value = getattr(s, key)
    if key == "preset":
        return value
    if isinstance(value, float) and math.isnan(value):
        return "–"
    if key == "usable_distinct":
        shown = f" ({s.shown:.1f} shown)" if s.shown < s.n - 1e-9 else ""
        return f"{value:.2f}{shown}"
    if key in PERCENT_METRICS:
        return f"{value:.0%}"
    if key == "overrepresentation":
        return f"{value:+.1%}"
    if key == "spread":
        rel = "" if math.isnan(s.spread_relative) else f" ({s.spread_relative:.2f}×)"
        return f"{value:.3f}{rel}"
    if key == "distinct_2":
        return f"{value:.3f}"
    if key in ("tokens_per_s", "seconds_per_paragraph"):
        return f"{value:.1f}"
    return f"{value:.2f}"


def table_rows(report: DiversityReport) -> tuple[list[str], list[list[str]]]:
    header = [title.format(n=report.n) for _, title in COLUMNS]
    rows = [[_cell(s, key) for key, _ in COLUMNS] for s in report.summaries]
    return header, rows


def format_table(report: DiversityReport) -> str:
    """A plain-text table for a terminal."""
    header, rows = table_rows(report)
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = [
        "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True)))
        for r in [header, *rows]
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    lines.append("")
    lines.append(f"{report.model}, {report.paragraphs} paragraphs, n = {report.n}")
    for name, op, goal, value, met in report.goal_checks():
        lines.append(f"goal {name} {op} {goal:g}: ours {value:.3f} {'met' if met else 'NOT met'}")
    return "\n".join(lines)


def definitions() -> list[str]:
    """What each column means, with the thresholds the metrics use."""
    low, high = metrics.ON_TOPIC
    length = Fraction(metrics.USABLE_MIN_LENGTH_RATIO).limit_denominator(20)
    return [
        f"- **usable distinct**: variants on topic (cosine to the source in [{low:g}, {high:g})), not looping and at "
        f"least {length} of the source's length, counted after greedy clustering at cosine "
        f"{metrics.CLUSTER_COSINE:.2f}; a stack that shows fewer than n loses the missing ones. "
        "**usable share**: usable / shown.",
        f"- **collapse**: share of paragraphs whose variants have mean pairwise cosine > {metrics.COLLAPSE_COSINE:g}. "
        "**Vendi**: effective number of distinct variants (1 to n). **spread**: 1 − mean pairwise cosine, and "
        "relative to llama.cpp's default sampler.",
        "- **distinct-2**: distinct word bigrams / all bigrams over a paragraph's variants. **top-10 over-rep.**: "
        "how much more the variants use the source's 10 most frequent words than the source does.",
        "- **tokens/s**: all tokens generated (for ours: every candidate, kept or not) over the wall time spent "
        "generating; **s/paragraph**: wall time to fill one stack of n, embedding and selection included.",
    ]


def _goal_value(name: str, value: float) -> str:
    if name == "overrepresentation":
        return f"{value:+.1%}"
    return f"{value:.0%}" if name in PERCENT_METRICS else f"{value:.2f}"


def _goal_target(name: str, goal: float) -> str:
    if name == "overrepresentation":
        return f"{goal:+.0%}"
    return f"{goal:.0%}" if name in PERCENT_METRICS else f"{goal:g}"


def format_markdown(report: DiversityReport, command: str | None = None) -> str:
    """The report as Markdown: settings, the table, the goals, and what the pipeline dropped."""
    header, rows = table_rows(report)
    out = [
        "# Diversity report",
        "",
        f"Model `{report.model}`, embedder `{report.embedder}`, {report.paragraphs} paragraphs, "
        f"n = {report.n} variants per paragraph and preset.",
    ]
    if command:
        out += ["", "```", command, "```"]
    if report.cancelled:
        out += ["", "**Cancelled before the end: partial results.**"]
    out += [
        "",
        "| " + " | ".join(header) + " |",
        "|" + "|".join("---" if i == 0 else "---:" for i in range(len(header))) + "|",
    ]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    out += ["", *definitions()]
    out.append(
        f"- Embeddings: {report.embedder}. `ours` is the stack-filling pipeline with "
        + ", ".join(f"{k} {v}" for k, v in report.ours_settings.items())
        + "; the others are one plain rewrite request for n sequences with that app's default sampler."
    )
    judged = [sm for sm in report.summaries if not math.isnan(sm.keepable_share)]
    if judged:
        out += [
            "",
            "## As a writer would judge them (our keepability rule and all-mpnet-base-v2)",
            "",
            "| preset | shown | keepable distinct | keepable | our rule | second judge | invents a name or number | label |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
        ]
        out += [
            f"| {sm.preset} | {sm.shown:.2f} | {sm.keepable_distinct:.2f} | {sm.keepable_share:.0%} | "
            f"{sm.rule_share:.0%} | {sm.second_share:.0%} | {sm.invents_share:.1%} | {sm.label_share:.1%} |"
            for sm in judged
        ]
    checks = report.goal_checks()
    if checks:
        out += ["", "## Goals (ours)", "", "| goal | target | ours | met |", "|---|---:|---:|---|"]
        for name, op, goal, value, met in checks:
            target = _goal_target(name, goal)
            out.append(
                f"| {name.replace('_', ' ')} | {op} {target} | {_goal_value(name, value)} | {'yes' if met else 'no'} |"
            )
    ours = report.summary(OURS)
    if ours is not None and ours.dropped:
        out += [
            "",
            f"## What the pipeline dropped (ours: {ours.candidates:.1f} candidates per paragraph)",
            "",
            "| reason | candidates |",
            "|---|---:|",
        ]
        out += [f"| {reason.label} | {count} |" for reason, count in ours.dropped.items()]
    return "\n".join(out) + "\n"
