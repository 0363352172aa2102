"""The diversity report as a bar chart (PNG): one panel per metric, one bar per preset.

The only module that uses matplotlib, an optional extra (``pip install -e '.[eval]'``):
it is imported when a chart is drawn, so the report's table, Markdown and JSON work
without it.
"""

from __future__ import annotations

import math
from pathlib import Path

from cardwriter.errors import UserError
from cardwriter.evaluation.diversity_scores import GOALS, OURS, REFERENCE, DiversityReport, scaled_goal
from cardwriter.safe_write import check_target, write_rendered

PLOT_METRICS: tuple[tuple[str, str], ...] = (
    ("usable_distinct", "usable distinct (of n)"),
    ("usable_share", "usable share of shown"),
    ("vendi", "Vendi score"),
    ("spread", "spread (1 − mean cosine)"),
    ("collapse_rate", "collapse rate"),
    ("distinct_2", "distinct-2"),
    ("overrepresentation", "top-10 token over-rep."),
    ("tokens_per_s", "tokens/s"),
)

MISSING_MATPLOTLIB = (
    "drawing the chart needs matplotlib, an optional extra; install it with "
    "pip install 'cardwriter[eval]' (or pip install matplotlib)"
)


def _bar_label(key: str, value: float) -> str:
    if math.isnan(value):
        return "–"
    if key == "overrepresentation":
        return f"{value:+.0%}"
    return f"{value:.2f}" if value < 10 else f"{value:.0f}"


def plot(report: DiversityReport, path: str | Path) -> Path:
    """A bar chart per metric, one bar per preset, goals as dashed lines; written as PNG."""
    path = Path(path)
    if path.suffix.lower() != ".png":
        raise UserError(f"the chart is written as PNG; give a file name ending in .png, not {path.name}")
    check_target(path)  # before drawing: a refused name costs no work
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError:
        raise UserError(MISSING_MATPLOTLIB) from None
    names = [s.preset for s in report.summaries]
    colours = ["#d95f02" if n == OURS else "#7570b3" if n == REFERENCE else "#1b9e77" for n in names]
    fig = Figure(figsize=(14, 6.5), dpi=100)
    FigureCanvasAgg(fig)
    axes = fig.subplots(2, 4)
    for ax, (key, title) in zip(axes.flat, PLOT_METRICS, strict=True):
        values = [getattr(s, key) for s in report.summaries]
        heights = [0.0 if math.isnan(v) else v for v in values]
        bars = ax.bar(range(len(names)), heights, color=colours)
        for bar, v in zip(bars, values, strict=True):
            ax.annotate(
                _bar_label(key, v),
                (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                ha="center",
                va="bottom" if bar.get_height() >= 0 else "top",
                fontsize=8,
            )
        if key in GOALS:
            ax.axhline(scaled_goal(key, GOALS[key][1], report.n), color="black", linestyle="--", linewidth=1)
        if key == "usable_distinct":
            ax.set_ylim(0, report.n)
        ax.axhline(0, color="grey", linewidth=0.5)
        ax.set_title(title, fontsize=10)
        ax.set_xticks(range(len(names)), names, rotation=25, ha="right", fontsize=8)
        ax.tick_params(axis="y", labelsize=8)
    fig.suptitle(f"{report.model}: {report.paragraphs} paragraphs, n = {report.n} (dashed: goal for ours)", fontsize=11)
    fig.tight_layout()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"cannot write the chart to {path}: {exc.strerror or exc}") from None
    # drawn into memory, then written by the one write path: matplotlib never gets the user's path
    write_rendered(path, lambda out: fig.savefig(out, format="png"))
    return path
