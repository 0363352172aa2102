"""The diversity report: our stack-filling pipeline against other apps' default samplers.

For each paragraph of an input file and each compared preset, get ``n`` variants:

- ``ours`` (``OURS``): the full stack-filling pipeline (``services.stack_filling``):
  over-generate, drop off-topic, degenerate and near-duplicate candidates, pick by
  MMR, top up a bounded number of times. It may show fewer than ``n``.
- any other name: one plain rewrite request for ``n`` sequences sampled with that
  preset (``generation.presets.BASELINES`` holds llama.cpp's, Ollama's and a neutral
  sampler), shown unfiltered, as those apps would show them. Sibling openings are not
  banned for them: no other app does that.

Each paragraph's variants are scored with the metrics of ``embedding.metrics``; the
per-preset summary averages them over paragraphs. ``usable distinct`` counts against
``n`` (a stack that shows fewer than ``n`` loses the missing ones), the usable share
against what was shown. Spread is ``1 - mean pairwise cosine``, also given relative to
the reference preset (llama.cpp's default). Tokens/s is every generated token (for
``ours``: every candidate, kept or not) over the wall time spent generating.

No Qt here: the command line (``cli.diversity_commands``) and tests drive it.
"""

from __future__ import annotations

import dataclasses
import json
import math
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from cardwriter.domain.model import VariantKind
from cardwriter.embedding import metrics
from cardwriter.embedding.embedder import Embedder
from cardwriter.errors import UserError
from cardwriter.generation.presets import BASELINES, PRESETS
from cardwriter.generation.protocol import GenerationRequest, SequenceDone, TextGenerator
from cardwriter.services.stack_filling import FillRequest, StackFiller

OURS = "ours"
REFERENCE = "llamacpp-default"
DEFAULT_PRESETS: tuple[str, ...] = (OURS, "llamacpp-default", "ollama-default", "neutral")

# How the report runs ``ours`` by default: the bold preset's candidates, three times as
# many as wanted, MMR leaning to novelty. Measured on dev paragraphs against balanced,
# 2x and lambda 0.5 (see docs/diversity-report.md); each is a command-line option.
OURS_PRESET = "bold"
OURS_OVERGENERATE = 3.0
OURS_MMR_LAMBDA = 0.3

GOALS = {
    "usable_distinct": (">=", 7.5),  # at n = 8
    "usable_share": (">=", 0.95),
    "vendi": (">=", 4.5),
    "collapse_rate": ("<=", 0.10),
    "overrepresentation": ("<=", 0.05),
}
"""Issue 4's goals for ``ours`` with the default model at n = 8."""


@dataclass(frozen=True)
class Paragraph:
    id: str
    text: str


def load_paragraphs(path: str | Path, limit: int | None = None) -> list[Paragraph]:
    """Paragraphs from a JSON Lines file: one object a line with ``text`` (and ``id``).

    A line may also be a bare JSON string. Blank lines are skipped. Raises
    ``UserError`` for a missing or malformed file.
    """
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise UserError(f"input file {path} does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"cannot read input file {path}: {exc}") from None
    found: list[Paragraph] = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise UserError(f"{path}, line {number}: not JSON ({exc.msg}); expected one object with \"text\" a line") from None
        if isinstance(item, str):
            item = {"text": item}
        if not isinstance(item, dict) or not isinstance(item.get("text"), str) or not item["text"].strip():
            raise UserError(f"{path}, line {number}: expected an object with a non-empty \"text\" string")
        found.append(Paragraph(str(item.get("id", number)), item["text"].strip()))
        if limit is not None and len(found) >= limit:
            break
    if not found:
        raise UserError(f"input file {path} holds no paragraphs")
    return found


def check_presets(names: Sequence[str]) -> tuple[str, ...]:
    """The preset names, validated: ``ours``, a baseline or one of our own presets."""
    names = tuple(dict.fromkeys(n.strip() for n in names if n.strip()))
    if not names:
        raise UserError("no presets to compare; e.g. --presets ours,llamacpp-default")
    known = (OURS, *BASELINES, *PRESETS)
    for name in names:
        if name not in known:
            raise UserError(f"unknown preset {name!r} for the report; choose from: {', '.join(known)}")
    return names


@dataclass(frozen=True)
class ReportConfig:
    n: int = 8
    presets: tuple[str, ...] = DEFAULT_PRESETS
    seed: int = 1234
    ours: FillRequest = FillRequest(
        source="", preset=OURS_PRESET, overgenerate=OURS_OVERGENERATE, mmr_lambda=OURS_MMR_LAMBDA
    )
    """Template for ``ours``: its settings apply, its source, wanted and seed are replaced."""

    def __post_init__(self) -> None:
        if self.n < 2:
            raise UserError(f"-n must be at least 2 for pairwise measures, not {self.n}")


@dataclass
class ParagraphResult:
    """One paragraph's variants under one preset, and their scores."""

    paragraph: str
    preset: str
    variants: list[str]
    n: int
    tokens: int
    seconds: float  # wall time spent generating
    total_seconds: float  # wall time for the whole stack (for ours: embedding and selection too)
    usable: int
    usable_distinct: int
    mean_cosine: float
    vendi: float
    distinct_2: float
    overrepresentation: float
    collapsed: bool
    candidates: int = 0
    dropped: dict[str, int] = field(default_factory=dict)

    @property
    def shown(self) -> int:
        return len(self.variants)

    def as_dict(self) -> dict[str, object]:
        """Plain JSON-ready data (NaN as None)."""
        return _clean_floats({**asdict(self), "shown": self.shown})


@dataclass
class PresetSummary:
    preset: str
    paragraphs: int
    n: int
    shown: float
    usable_distinct: float
    usable_share: float
    collapse_rate: float
    vendi: float
    spread: float
    spread_relative: float
    distinct_2: float
    overrepresentation: float
    tokens_per_s: float
    seconds_per_paragraph: float
    candidates: float
    dropped: dict[str, int]


@dataclass
class DiversityReport:
    model: str
    embedder: str
    n: int
    presets: tuple[str, ...]
    results: list[ParagraphResult]
    summaries: list[PresetSummary]
    ours_settings: dict[str, object] = field(default_factory=dict)
    cancelled: bool = False

    def as_dict(self) -> dict[str, object]:
        return {
            "model": self.model,
            "embedder": self.embedder,
            "n": self.n,
            "presets": list(self.presets),
            "paragraphs": len({r.paragraph for r in self.results}),
            "cancelled": self.cancelled,
            "reference": REFERENCE if REFERENCE in self.presets else None,
            "ours_settings": self.ours_settings,
            "goals": {k: {"op": op, "value": v} for k, (op, v) in GOALS.items()},
            "summary": [_clean_floats(asdict(s)) for s in self.summaries],
            "details": [r.as_dict() for r in self.results],
        }

    def summary(self, preset: str) -> PresetSummary | None:
        return next((s for s in self.summaries if s.preset == preset), None)

    def goal_checks(self) -> list[tuple[str, str, float, float, bool]]:
        """(metric, op, goal, ours, met) for each goal, when ``ours`` was run."""
        ours = self.summary(OURS)
        if ours is None:
            return []
        checks = []
        for name, (op, goal) in GOALS.items():
            value = getattr(ours, name)
            if name == "usable_distinct":
                goal = goal * self.n / 8  # the goal is stated for n = 8
            met = not math.isnan(value) and (value >= goal if op == ">=" else value <= goal)
            checks.append((name, op, goal, value, met))
        return checks


# ----------------------------------------------------------------------------- running


class _TimedGenerator:
    """Passes a generator through, adding up the wall time spent inside its streams."""

    def __init__(self, inner: TextGenerator) -> None:
        self.inner = inner
        self.seconds = 0.0

    @property
    def model_name(self) -> str:
        return self.inner.model_name

    def stream(self, request: GenerationRequest, cancel: threading.Event | None = None) -> Iterator:
        started = time.perf_counter()
        try:
            yield from self.inner.stream(request, cancel)
        finally:
            self.seconds += time.perf_counter() - started


Progress = Callable[[str], None]


def run_report(
    generator: TextGenerator,
    embedder: Embedder,
    paragraphs: Sequence[Paragraph],
    config: ReportConfig = ReportConfig(),
    *,
    progress: Progress | None = None,
    on_result: Callable[[ParagraphResult], None] | None = None,
    cancel: threading.Event | None = None,
) -> DiversityReport:
    """Generate and score ``config.n`` variants per paragraph and preset.

    ``progress`` is called after each (paragraph, preset) step with a short label;
    there are ``len(paragraphs) * len(config.presets)`` steps. ``on_result`` gets each
    ``ParagraphResult`` as soon as it is scored (to save partial results).
    """
    presets = check_presets(config.presets)
    cancel = cancel or threading.Event()
    filler = StackFiller(embedder)
    results: list[ParagraphResult] = []
    for p_index, paragraph in enumerate(paragraphs):
        seed = (config.seed + 1009 * p_index) & 0x3FFFFFFF
        source_vec = embedder.encode([paragraph.text])[0]
        for preset in presets:
            if cancel.is_set():
                break
            timed = _TimedGenerator(generator)
            started = time.perf_counter()
            dropped: Counter[str] = Counter()
            if preset == OURS:
                fill = filler.fill(
                    timed, _replace_fill(config.ours, paragraph.text, config.n, seed), cancel
                )
                texts = [v.text for v in fill.variants]
                tokens = fill.tokens
                candidates = len(fill.candidates)
                dropped.update(_reason_key(why) for _, why in fill.dropped)
            else:
                request = GenerationRequest(
                    source=paragraph.text,
                    kind=VariantKind.REWRITE,
                    n=config.n,
                    preset=preset,
                    seed=seed,
                    distinct_openings=False,
                )
                done = [e for e in timed.stream(request, cancel) if isinstance(e, SequenceDone)]
                done.sort(key=lambda e: e.index)
                texts = [e.text for e in done]
                tokens = sum(e.tokens for e in done)
                candidates = len(done)
            total = time.perf_counter() - started
            result = score(paragraph, preset, texts, source_vec, embedder, n=config.n)
            result.tokens, result.seconds, result.total_seconds = tokens, timed.seconds, total
            result.candidates, result.dropped = candidates, dict(dropped)
            results.append(result)
            if on_result is not None:
                on_result(result)
            if progress is not None:
                progress(f"{paragraph.id} {preset}")
        if cancel.is_set():
            break
    ours = config.ours
    return DiversityReport(
        model=generator.model_name,
        embedder=getattr(embedder, "model_name", type(embedder).__name__),
        n=config.n,
        presets=presets,
        results=results,
        summaries=summarise(results, presets, config.n),
        ours_settings={
            "preset": ours.preset,
            "overgenerate": ours.overgenerate,
            "max_rounds": ours.max_rounds,
            "mmr_lambda": ours.mmr_lambda,
            "min_source_cosine": ours.min_source_cosine,
            "duplicate_cosine": ours.duplicate_cosine,
        },
        cancelled=cancel.is_set(),
    )


def _replace_fill(template: FillRequest, source: str, n: int, seed: int) -> FillRequest:
    return dataclasses.replace(template, source=source, wanted=n, seed=seed, kind=VariantKind.REWRITE)


def _reason_key(why: str) -> str:
    """A drop reason's category: the part of its sentence before the first ':'."""
    return why.split(":", 1)[0].strip()


def score(
    paragraph: Paragraph, preset: str, texts: Sequence[str], source_vec: np.ndarray, embedder: Embedder, *, n: int
) -> ParagraphResult:
    """The metrics of one paragraph's shown variants."""
    texts = list(texts)
    if texts:
        vecs = embedder.encode(texts)
        usable = sum(metrics.usable_mask(paragraph.text, texts, source_vec, vecs))
        distinct = metrics.usable_distinct(paragraph.text, texts, source_vec, vecs)
        mean_cos = metrics.mean_pairwise_cosine(vecs)
        vendi = metrics.vendi_score(vecs)
        collapsed = metrics.collapsed(vecs)
    else:
        usable = distinct = 0
        mean_cos = vendi = math.nan
        collapsed = False
    return ParagraphResult(
        paragraph=paragraph.id,
        preset=preset,
        variants=texts,
        n=n,
        tokens=0,
        seconds=0.0,
        total_seconds=0.0,
        usable=int(usable),
        usable_distinct=int(distinct),
        mean_cosine=mean_cos,
        vendi=vendi,
        distinct_2=metrics.distinct_n(texts, 2),
        overrepresentation=metrics.top_k_overrepresentation(paragraph.text, texts, k=10),
        collapsed=collapsed,
    )


def _mean(values: Sequence[float]) -> float:
    vals = [v for v in values if not math.isnan(v)]
    return float(np.mean(vals)) if vals else math.nan


def summarise(results: Sequence[ParagraphResult], presets: Sequence[str], n: int) -> list[PresetSummary]:
    """One summary per preset (in ``presets`` order) over the paragraphs it was run on."""
    summaries = []
    for preset in presets:
        rows = [r for r in results if r.preset == preset]
        if not rows:
            continue
        shown = sum(r.shown for r in rows)
        seconds = sum(r.seconds for r in rows)
        with_pairs = [r for r in rows if r.shown >= 2]
        dropped: Counter[str] = Counter()
        for r in rows:
            dropped.update(r.dropped)
        summaries.append(
            PresetSummary(
                preset=preset,
                paragraphs=len(rows),
                n=n,
                shown=shown / len(rows),
                usable_distinct=_mean([r.usable_distinct for r in rows]),
                usable_share=sum(r.usable for r in rows) / shown if shown else math.nan,
                collapse_rate=sum(r.collapsed for r in with_pairs) / len(with_pairs) if with_pairs else math.nan,
                vendi=_mean([r.vendi for r in rows]),
                spread=1.0 - _mean([r.mean_cosine for r in rows]),
                spread_relative=math.nan,
                distinct_2=_mean([r.distinct_2 for r in rows]),
                overrepresentation=_mean([r.overrepresentation for r in rows]),
                tokens_per_s=sum(r.tokens for r in rows) / seconds if seconds > 0 else math.nan,
                seconds_per_paragraph=sum(r.total_seconds for r in rows) / len(rows),
                candidates=sum(r.candidates for r in rows) / len(rows),
                dropped=dict(dropped.most_common()),
            )
        )
    reference = next((s for s in summaries if s.preset == REFERENCE), None)
    for s in summaries:
        if reference is not None and reference.spread > 0:
            s.spread_relative = s.spread / reference.spread
    return summaries


def _clean_floats(value: object) -> object:
    """NaN becomes None (JSON has no NaN); floats are rounded for reading."""
    if isinstance(value, float):
        return None if math.isnan(value) else round(value, 4)
    if isinstance(value, dict):
        return {k: _clean_floats(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean_floats(v) for v in value]
    return value


# ----------------------------------------------------------------------------- output

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


def _cell(s: PresetSummary, key: str) -> str:
    value = getattr(s, key)
    if key == "preset":
        return value
    if isinstance(value, float) and math.isnan(value):
        return "–"
    if key == "usable_distinct":
        shown = f" ({s.shown:.1f} shown)" if s.shown < s.n - 1e-9 else ""
        return f"{value:.2f}{shown}"
    if key in ("usable_share", "collapse_rate"):
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
    lines = ["  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))) for r in [header, *rows]]
    lines.insert(1, "  ".join("-" * w for w in widths))
    lines.append("")
    lines.append(f"{report.model}, {len({r.paragraph for r in report.results})} paragraphs, n = {report.n}")
    for name, op, goal, value, met in report.goal_checks():
        lines.append(f"goal {name} {op} {goal:g}: ours {value:.3f} {'met' if met else 'NOT met'}")
    return "\n".join(lines)


def format_markdown(report: DiversityReport, command: str | None = None) -> str:
    """The report as Markdown: settings, the table, the goals, and what the pipeline dropped."""
    header, rows = table_rows(report)
    paragraphs = len({r.paragraph for r in report.results})
    out = [
        "# Diversity report",
        "",
        f"Model `{report.model}`, embedder `{report.embedder}`, {paragraphs} paragraphs, "
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
    out += [
        "",
        "- **usable distinct**: variants on topic (cosine to the source in [0.5, 0.95)), not looping and at "
        "least a third of the source's length, counted after greedy clustering at cosine 0.90; a stack that "
        "shows fewer than n loses the missing ones. **usable share**: usable / shown.",
        "- **collapse**: share of paragraphs whose variants have mean pairwise cosine > 0.8. **Vendi**: "
        "effective number of distinct variants (1 to n). **spread**: 1 − mean pairwise cosine, and relative "
        "to llama.cpp's default sampler.",
        "- **distinct-2**: distinct word bigrams / all bigrams over a paragraph's variants. **top-10 over-rep.**: "
        "how much more the variants use the source's 10 most frequent words than the source does.",
        "- **tokens/s**: all tokens generated (for ours: every candidate, kept or not) over the wall time spent "
        "generating; **s/paragraph**: wall time to fill one stack of n, embedding and selection included.",
        "- Embeddings: all-MiniLM-L6-v2. `ours` is the stack-filling pipeline with "
        + ", ".join(f"{k} {v}" for k, v in report.ours_settings.items())
        + "; the others are one plain rewrite request for n sequences with that app's default sampler.",
    ]
    checks = report.goal_checks()
    if checks:
        out += ["", "## Goals (ours)", "", "| goal | target | ours | met |", "|---|---:|---:|---|"]
        for name, op, goal, value, met in checks:
            shown = f"{value:+.1%}" if name == "overrepresentation" else (f"{value:.0%}" if name in ("usable_share", "collapse_rate") else f"{value:.2f}")
            target = f"{goal:+.0%}" if name == "overrepresentation" else (f"{goal:.0%}" if name in ("usable_share", "collapse_rate") else f"{goal:g}")
            out.append(f"| {name.replace('_', ' ')} | {op} {target} | {shown} | {'yes' if met else 'no'} |")
    ours = report.summary(OURS)
    if ours is not None and ours.dropped:
        out += [
            "",
            f"## What the pipeline dropped (ours: {ours.candidates:.1f} candidates per paragraph)",
            "",
            "| reason | candidates |",
            "|---|---:|",
        ]
        out += [f"| {why} | {count} |" for why, count in ours.dropped.items()]
    return "\n".join(out) + "\n"


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


def plot(report: DiversityReport, path: str | Path) -> Path:
    """A bar chart per metric, one bar per preset, goals as dashed lines; written as PNG."""
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError:
        raise UserError("matplotlib is not installed; install it with 'pip install matplotlib' to draw the chart") from None
    path = Path(path)
    if path.suffix.lower() != ".png":
        raise UserError(f"the chart is written as PNG; give a file name ending in .png, not {path.name}")
    names = [s.preset for s in report.summaries]
    colours = ["#d95f02" if n == OURS else "#7570b3" if n == REFERENCE else "#1b9e77" for n in names]
    fig = Figure(figsize=(14, 6.5), dpi=100)
    FigureCanvasAgg(fig)
    axes = fig.subplots(2, 4)
    for ax, (key, title) in zip(axes.flat, PLOT_METRICS):
        values = [getattr(s, key) for s in report.summaries]
        heights = [0.0 if math.isnan(v) else v for v in values]
        bars = ax.bar(range(len(names)), heights, color=colours)
        for bar, v in zip(bars, values):
            label = "–" if math.isnan(v) else (f"{v:+.0%}" if key == "overrepresentation" else f"{v:.2f}" if v < 10 else f"{v:.0f}")
            ax.annotate(label, (bar.get_x() + bar.get_width() / 2, bar.get_height()), ha="center",
                        va="bottom" if bar.get_height() >= 0 else "top", fontsize=8)
        if key in GOALS:
            goal = GOALS[key][1] * (report.n / 8 if key == "usable_distinct" else 1)
            ax.axhline(goal, color="black", linestyle="--", linewidth=1)
        if key == "usable_distinct":
            ax.set_ylim(0, report.n)
        ax.axhline(0, color="grey", linewidth=0.5)
        ax.set_title(title, fontsize=10)
        ax.set_xticks(range(len(names)), names, rotation=25, ha="right", fontsize=8)
        ax.tick_params(axis="y", labelsize=8)
    paragraphs = len({r.paragraph for r in report.results})
    fig.suptitle(f"{report.model}: {paragraphs} paragraphs, n = {report.n} (dashed: goal for ours)", fontsize=11)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fig.savefig(path, format="png")
    except OSError as exc:
        raise UserError(f"cannot write the chart to {path}: {exc}") from None
    return path
