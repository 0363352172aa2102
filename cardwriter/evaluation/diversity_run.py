"""Running the diversity report: our stack-filling pipeline against other apps' default samplers.

For each paragraph of an input file and each compared preset, get ``n`` variants:

- ``ours`` (``OURS``): the full stack-filling pipeline (``services.stack_filling``):
  over-generate, drop off-topic, degenerate and near-duplicate candidates, pick by
  MMR, top up a bounded number of times. It may show fewer than ``n``.
- any other name: one plain rewrite request for ``n`` sequences sampled with that
  preset (``generation.presets.BASELINES`` holds llama.cpp's, Ollama's and a neutral
  sampler), shown unfiltered, as those apps would show them. Sibling openings are not
  banned for them: no other app does that.

Scoring is ``diversity_scores``; the table and Markdown are ``diversity_render``; the
chart is ``diversity_plot``. No Qt here: the command line (``cli.diversity_commands``)
and tests drive it.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from cardwriter.domain.model import VariantKind
from cardwriter.embedding.drop_reasons import DropReason
from cardwriter.embedding.embedder import Embedder
from cardwriter.errors import UserError
from cardwriter.evaluation.diversity_input import Paragraph
from cardwriter.evaluation.diversity_scores import OURS, DiversityReport, ParagraphResult, score, summarise
from cardwriter.evaluation.keep_judge import KeepJudge
from cardwriter.generation.presets import AUTO, BASELINES, PRESETS
from cardwriter.generation.protocol import Event, GenerationRequest, SequenceDone, TextGenerator
from cardwriter.services.stack_filling import FillRequest, StackFiller

DEFAULT_PRESETS: tuple[str, ...] = (OURS, "llamacpp-default", "ollama-default", "neutral")

# How the report runs ``ours`` by default: the bold preset's candidates, three times as
# many as wanted, MMR leaning to novelty. Measured on dev paragraphs against balanced,
# 2x and lambda 0.5 (see docs/diversity-report.md); each is a command-line option.
OURS_PRESET = AUTO  # the app's own: faithful close rewrites for a small model, balanced for a larger one
OURS_OVERGENERATE = 3.0
OURS_MMR_LAMBDA = 0.3


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
    ours: FillRequest = FillRequest.build(
        source="",
        preset=OURS_PRESET,
        overgenerate=OURS_OVERGENERATE,
        mmr_lambda=OURS_MMR_LAMBDA,
        streaming=False,  # the whole over-generated pool, then selection: the report's published setting
    )
    """Template for ``ours``: its settings apply, its source, wanted and seed are replaced."""

    def __post_init__(self) -> None:
        if self.n < 2:
            raise UserError(f"-n must be at least 2 for pairwise measures, not {self.n}")


class _TimedGenerator:
    """Passes a generator through, adding up the wall time spent inside its streams."""

    def __init__(self, inner: TextGenerator) -> None:
        self.inner = inner
        self.seconds = 0.0

    @property
    def model_name(self) -> str:
        return self.inner.model_name

    def __getattr__(self, name: str) -> object:
        """Everything else is the generator's own: its size (``n_params``, which chooses the preset and close
        rewrites under "auto") and whether it can score texts."""
        return getattr(self.inner, name)

    def stream(self, request: GenerationRequest, cancel: threading.Event | None = None) -> Iterator[Event]:
        started = time.perf_counter()
        try:
            yield from self.inner.stream(request, cancel)
        finally:
            self.seconds += time.perf_counter() - started


@dataclass
class _Generated:
    """What one (paragraph, preset) step produced, before scoring."""

    texts: list[str]
    tokens: int
    candidates: int
    dropped: Counter[DropReason]


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
    keep: KeepJudge | None = None,
) -> DiversityReport:
    """Generate and score ``config.n`` variants per paragraph and preset.

    ``keep`` judges every shown variant as a writer would (``keep_judge``).

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
            if preset == OURS:
                made = _run_ours(filler, timed, config, paragraph, seed, cancel)
            else:
                made = _run_baseline(timed, config, paragraph, preset, seed, cancel)
            total = time.perf_counter() - started
            result = score(paragraph, preset, made.texts, source_vec, embedder, n=config.n, keep=keep)
            result.tokens, result.seconds, result.total_seconds = made.tokens, timed.seconds, total
            result.candidates, result.dropped = made.candidates, dict(made.dropped)
            results.append(result)
            if on_result is not None:
                on_result(result)
            if progress is not None:
                progress(f"{paragraph.id} {preset}")
        if cancel.is_set():
            break
    return DiversityReport(
        model=generator.model_name,
        embedder=getattr(embedder, "model_name", type(embedder).__name__),
        n=config.n,
        presets=presets,
        results=results,
        summaries=summarise(results, presets, config.n),
        ours_settings=ours_settings(config.ours),
        cancelled=cancel.is_set(),
    )


def ours_settings(ours: FillRequest) -> dict[str, object]:
    """The pipeline settings the report names (in its JSON and under its Markdown table)."""
    return {
        "preset": ours.ask.preset,
        "overgenerate": ours.selection.overgenerate,
        "max_rounds": ours.schedule.max_rounds,
        "mmr_lambda": ours.selection.mmr_lambda,
        "min_source_cosine": ours.selection.min_source_cosine,
        "duplicate_cosine": ours.selection.duplicate_cosine,
    }


def _run_ours(
    filler: StackFiller,
    generator: TextGenerator,
    config: ReportConfig,
    paragraph: Paragraph,
    seed: int,
    cancel: threading.Event,
) -> _Generated:
    request = config.ours.changed(source=paragraph.text, wanted=config.n, seed=seed, kind=VariantKind.REWRITE)
    fill = filler.fill(generator, request, cancel)
    return _Generated(
        texts=[v.text for v in fill.variants],
        tokens=fill.tokens,
        candidates=len(fill.candidates),
        dropped=Counter(d.reason for d in fill.dropped),
    )


def _run_baseline(
    generator: TextGenerator,
    config: ReportConfig,
    paragraph: Paragraph,
    preset: str,
    seed: int,
    cancel: threading.Event,
) -> _Generated:
    request = GenerationRequest(
        source=paragraph.text,
        kind=VariantKind.REWRITE,
        n=config.n,
        preset=preset,
        seed=seed,
        distinct_openings=False,
    )
    done = sorted((e for e in generator.stream(request, cancel) if isinstance(e, SequenceDone)), key=lambda e: e.index)
    return _Generated(
        texts=[e.text for e in done], tokens=sum(e.tokens for e in done), candidates=len(done), dropped=Counter()
    )
