"""Scoring the diversity report: one paragraph's variants, and the per-preset summary.

Each paragraph's shown variants are scored with the metrics of ``embedding.metrics``;
the per-preset summary averages them over paragraphs. ``usable distinct`` counts
against ``n`` (a stack that shows fewer than ``n`` loses the missing ones), the usable
share against what was shown. Spread is ``1 - mean pairwise cosine``, also given
relative to the reference preset (llama.cpp's default). Tokens/s is every generated
token (for ``ours``: every candidate, kept or not) over the wall time spent generating.

Drop reasons stay ``DropReason`` members here; ``json_ready`` turns them into their
names only for JSON output.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from enum import Enum

import numpy as np

from cardwriter.embedding import metrics
from cardwriter.embedding.drop_reasons import DropReason
from cardwriter.embedding.embedder import Embedder
from cardwriter.evaluation.diversity_input import Paragraph
from cardwriter.evaluation.keep_judge import KeepJudge

OURS = "ours"
"""The name of our own stack-filling pipeline among the compared presets."""
REFERENCE = "llamacpp-default"
"""The preset spread is measured against (llama.cpp's default sampler)."""

GOALS = {
    "usable_distinct": (">=", 7.5),  # at n = 8
    "usable_share": (">=", 0.95),
    "vendi": (">=", 4.5),
    "collapse_rate": ("<=", 0.10),
    "overrepresentation": ("<=", 0.05),
}
"""Issue 4's goals for ``ours`` with the default model at n = 8."""


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
    dropped: dict[DropReason, int] = field(default_factory=dict)
    # judged as a writer would (``keep_judge``), when a judge was given; nan otherwise
    keepable: float = math.nan  # shown variants our rule and the second judge both keep
    keepable_distinct: float = math.nan  # ... counted once among near-duplicates
    rule_kept: float = math.nan  # shown variants our rule keeps
    second_kept: float = math.nan  # shown variants whose meaning the second judge finds kept
    invents: float = math.nan  # shown variants that invent a name, number or title
    labels: float = math.nan  # shown variants that open with a label
    verdicts: list[str] = field(default_factory=list)  # per shown variant: "keep", or why not

    @property
    def shown(self) -> int:
        return len(self.variants)

    def as_dict(self) -> dict[str, object]:
        """Plain JSON-ready data (NaN as None, drop reasons by name)."""
        return {key: json_ready(value) for key, value in {**asdict(self), "shown": self.shown}.items()}


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
    dropped: dict[DropReason, int]
    keepable_distinct: float = math.nan  # mean per paragraph
    keepable_share: float = math.nan  # of what was shown
    rule_share: float = math.nan
    second_share: float = math.nan
    invents_share: float = math.nan
    label_share: float = math.nan


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

    @property
    def paragraphs(self) -> int:
        """How many paragraphs have results."""
        return len({r.paragraph for r in self.results})

    def as_dict(self) -> dict[str, object]:
        return {
            "model": self.model,
            "embedder": self.embedder,
            "n": self.n,
            "presets": list(self.presets),
            "paragraphs": self.paragraphs,
            "cancelled": self.cancelled,
            "reference": REFERENCE if REFERENCE in self.presets else None,
            "ours_settings": self.ours_settings,
            "goals": {k: {"op": op, "value": v} for k, (op, v) in GOALS.items()},
            "summary": [json_ready(asdict(s)) for s in self.summaries],
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
            goal = scaled_goal(name, goal, self.n)
            met = not math.isnan(value) and (value >= goal if op == ">=" else value <= goal)
            checks.append((name, op, goal, value, met))
        return checks


def scaled_goal(name: str, goal: float, n: int) -> float:
    """A goal at ``n`` variants: usable distinct is stated for n = 8 and scales with n."""
    return goal * n / 8 if name == "usable_distinct" else goal


def score(
    paragraph: Paragraph,
    preset: str,
    texts: Sequence[str],
    source_vec: np.ndarray,
    embedder: Embedder,
    *,
    n: int,
    keep: KeepJudge | None = None,
) -> ParagraphResult:
    """The metrics of one paragraph's shown variants (timings and counts are the caller's).

    With ``keep``, each shown variant is also judged as a writer would (``keep_judge``).
    """
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
    result = ParagraphResult(
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
    if keep is not None:
        _judge(result, keep, paragraph.text, texts)
    return result


def _judge(result: ParagraphResult, keep: KeepJudge, source: str, texts: list[str]) -> None:
    """Fill ``result``'s keep figures: each shown variant judged by our rule and the second judge."""
    judged = keep.judge(source, texts)
    result.keepable = sum(j.keepable for j in judged)
    result.keepable_distinct = keep.distinct_keepable(judged)
    result.rule_kept = sum(j.rule is None for j in judged)
    result.second_kept = sum(j.second_keeps_meaning for j in judged)
    result.invents = sum(j.invents for j in judged)
    result.labels = sum(j.label for j in judged)
    result.verdicts = [
        "keep"
        if j.keepable
        else (j.rule or f"second judge: support {j.second_support:.2f}, coverage {j.second_coverage:.2f}")
        for j in judged
    ]


def _mean(values: Sequence[float]) -> float:
    vals = [v for v in values if not math.isnan(v)]
    return float(np.mean(vals)) if vals else math.nan


def _share(rows: Sequence[ParagraphResult], name: str) -> float:
    """Of all variants shown in ``rows``, the share counted by field ``name`` (nan when not judged)."""
    judged = [r for r in rows if not math.isnan(getattr(r, name))]
    shown = sum(r.shown for r in judged)
    return sum(getattr(r, name) for r in judged) / shown if shown else math.nan


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
        dropped: Counter[DropReason] = Counter()
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
                keepable_distinct=_mean([r.keepable_distinct for r in rows]),
                keepable_share=_share(rows, "keepable"),
                rule_share=_share(rows, "rule_kept"),
                second_share=_share(rows, "second_kept"),
                invents_share=_share(rows, "invents"),
                label_share=_share(rows, "labels"),
            )
        )
    reference = next((s for s in summaries if s.preset == REFERENCE), None)
    for s in summaries:
        if reference is not None and reference.spread > 0:
            s.spread_relative = s.spread / reference.spread
    return summaries


def json_ready(value: object) -> object:
    """Data JSON can hold: NaN becomes None, floats are rounded for reading, enums become their names."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, float):
        return None if math.isnan(value) else round(value, 4)
    if isinstance(value, dict):
        return {json_ready(k): json_ready(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_ready(v) for v in value]
    return value
