"""``cardwriter bench stack``: how fast a card's stack fills, and how good it is, against plain calls.

For each paragraph of a JSON Lines file, the same stack (``n`` shown variants)
is made in up to three ways, in one run, on one loaded model:

- ``stack``: the app's stack filler with its defaults (``FillRequest``'s, which
  are the app's ``Preferences``: balanced preset, two candidates per shown
  variant), streaming: variants are shown as they pass the filters, early
  stopping and continuous batching on;
- ``stack-classic`` (with ``compare``): the same filler with early stopping and
  continuous batching off, every candidate generated to its end (today's way);
- ``plain``: ``n`` plain calls of llama-cpp-python's ``create_chat_completion``,
  one after the other, as looms and swipes do it (shown as they come, unfiltered),
  with llama.cpp's default sampler (``llamacpp-default``) and the plain rewrite
  instruction: what a writer gets from llama.cpp without Cardwriter.

Per paragraph and way: seconds to the first shown variant and to the full
stack (from the request, the model loaded), candidates and tokens per shown
variant, tokens/s, and the quality of what was shown, scored with the
diversity report's own functions (``diversity_scores.score`` and
``summarise``, so no threshold is retyped here), with every shown variant
judged as a writer would (``keep_judge``: our rule and a second judge, when
``keep`` is given). The summary gives medians of the times and the report's
means of the quality figures.
"""

from __future__ import annotations

import dataclasses
import gc
import math
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from cardwriter.domain.model import Variant, VariantKind
from cardwriter.embedding.embedder import Embedder
from cardwriter.evaluation.diversity_input import Paragraph
from cardwriter.evaluation.diversity_scores import (
    ParagraphResult,
    json_ready,
    score,
    summarise,
)
from cardwriter.evaluation.keep_judge import KeepJudge
from cardwriter.evaluation.plain_calls import completion, sampling
from cardwriter.generation import prompts
from cardwriter.generation.presets import get_preset, preset_for
from cardwriter.generation.protocol import GenerationRequest, TextGenerator
from cardwriter.services.stack_filling import FillRequest, StackFiller, WriterAsk

PLAIN_PRESET = "llamacpp-default"
"""The plain calls sample as llama.cpp does by default."""

STACK = "stack"
CLASSIC = "stack-classic"
PLAIN = "plain"


@dataclass
class WayResult:
    """One paragraph's stack made one way: its timings and its scored variants."""

    way: str
    paragraph: str
    first_seconds: float  # request -> first shown variant (nan: none shown)
    full_seconds: float  # request -> the whole stack (or the fill's end when it fell short)
    shown: int
    candidates: int
    tokens: int
    quality: ParagraphResult

    def as_dict(self) -> dict[str, object]:
        row = {k: v for k, v in dataclasses.asdict(self).items() if k != "quality"}
        row["variants"] = self.quality.variants
        row["usable"] = self.quality.usable
        row["usable_distinct"] = self.quality.usable_distinct
        row["vendi"] = self.quality.vendi
        row["keepable"] = self.quality.keepable
        row["keepable_distinct"] = self.quality.keepable_distinct
        row["verdicts"] = self.quality.verdicts
        return json_ready(row)  # type: ignore[return-value]


@dataclass
class WaySummary:
    way: str
    paragraphs: int
    first_median: float
    full_median: float
    candidates_per_shown: float
    tokens_per_shown: float
    tokens_per_s: float
    usable_distinct: float
    usable_share: float
    vendi: float
    shown: float = math.nan  # mean variants shown per stack
    keepable_distinct: float = math.nan
    keepable_share: float = math.nan
    rule_share: float = math.nan
    second_share: float = math.nan
    invents_share: float = math.nan
    label_share: float = math.nan


@dataclass
class StackBench:
    model: str
    n: int
    preset: str
    overgenerate: float
    results: list[WayResult] = field(default_factory=list)
    summaries: list[WaySummary] = field(default_factory=list)

    def summary(self, way: str) -> WaySummary | None:
        return next((s for s in self.summaries if s.way == way), None)

    def as_dict(self) -> dict[str, object]:
        return {
            "model": self.model,
            "n": self.n,
            "preset": self.preset,
            "overgenerate": self.overgenerate,
            "summary": [json_ready(dataclasses.asdict(s)) for s in self.summaries],
            "details": [r.as_dict() for r in self.results],
        }


class _Clock:
    """Seconds from the request to each shown variant (called from the filler's callback)."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.arrivals: list[float] = []

    def arrived(self, _variant: Variant | None = None) -> None:
        self.arrivals.append(time.perf_counter() - self.started)


def fill_timed(
    filler: StackFiller, generator: TextGenerator, request: FillRequest
) -> tuple[list[str], float, float, int, int, float]:
    """One fill: (shown texts, first s, full s, candidates started, tokens, the fill's seconds)."""
    clock = _Clock()
    result = filler.fill(generator, request, on_variant=clock.arrived)
    full = time.perf_counter() - clock.started
    first = clock.arrivals[0] if clock.arrivals else float("nan")
    wanted = request.ask.wanted
    if len(result.variants) >= wanted and len(clock.arrivals) >= wanted:
        full = clock.arrivals[wanted - 1]  # the stack was full then, whatever came after
    total = time.perf_counter() - clock.started
    return (
        [v.text for v in result.variants],
        first,
        full,
        len(result.candidates) + result.stopped_early,
        result.tokens,
        total,
    )


def model_label(engine: object) -> str:
    """The model's name, and when llama.cpp runs another file of it (the Q8_0 copy), which."""
    name = str(getattr(engine, "model_name", "?"))
    weights, path = getattr(engine, "weights", None), getattr(engine, "path", None)
    if weights is not None and path is not None and weights != path:
        return f"{name} (run from its Q8_0 copy)"
    return name


def run_stack_bench(
    engine: TextGenerator,
    embedder: Embedder,
    paragraphs: Sequence[Paragraph],
    *,
    n: int = WriterAsk.wanted,
    seed: int = 1234,
    compare: bool = False,
    plain: Callable[[], object] | None = None,
    progress: Callable[[str], None] | None = None,
    keep: KeepJudge | None = None,
) -> StackBench:
    """Bench the filler (and, with ``compare``, its classic way) on ``engine``; then the plain calls.

    ``plain`` makes llama-cpp-python's ``Llama`` (called after ``engine`` is
    closed, so the two never hold memory at once); None skips the baseline.
    """
    template = FillRequest.build(source="", wanted=n)
    filler = StackFiller(embedder)
    preset = preset_for(template.ask.preset, engine)
    bench = StackBench(model=model_label(engine), n=n, preset=preset, overgenerate=template.selection.overgenerate)
    ways = [STACK, CLASSIC] if compare else [STACK]
    vectors = {p.id: embedder.encode([p.text])[0] for p in paragraphs}
    filler.fill(
        engine,
        template.changed(source=paragraphs[0].text, wanted=1, max_rounds=1, max_tokens=4, seed=seed),
    )  # warm-up
    for number, paragraph in enumerate(paragraphs):
        para_seed = (seed + 1009 * number) & 0x3FFFFFFF
        for way in ways:
            request = template.changed(
                source=paragraph.text, seed=para_seed, kind=VariantKind.REWRITE, streaming=(way == STACK)
            )
            texts, first, full, candidates, tokens, gen_seconds = fill_timed(filler, engine, request)
            bench.results.append(
                _scored(way, paragraph, texts, first, full, candidates, tokens, gen_seconds, vectors, embedder, n, keep)
            )
            if progress is not None:
                progress(f"{paragraph.id} {way}")
    close = getattr(engine, "close", None)
    if close is not None:
        close()
    if plain is not None:
        gc.collect()
        llm = plain()
        try:
            _plain_calls(llm, paragraphs, seed, vectors, embedder, bench, progress, keep)
        finally:
            llm.close()  # type: ignore[attr-defined]
    bench.summaries = summarise_ways(bench.results, [*ways, PLAIN], n)
    return bench


def _scored(
    way: str,
    paragraph: Paragraph,
    texts: list[str],
    first: float,
    full: float,
    candidates: int,
    tokens: int,
    gen_seconds: float,
    vectors: dict,
    embedder: Embedder,
    n: int,
    keep: KeepJudge | None = None,
) -> WayResult:
    quality = score(paragraph, way, texts, vectors[paragraph.id], embedder, n=n, keep=keep)
    quality.tokens, quality.seconds, quality.total_seconds, quality.candidates = tokens, gen_seconds, full, candidates
    return WayResult(way, paragraph.id, first, full, len(texts), candidates, tokens, quality)


def _plain_calls(
    llm: object,
    paragraphs: Sequence[Paragraph],
    seed: int,
    vectors: dict,
    embedder: Embedder,
    bench: StackBench,
    progress: Callable[[str], None] | None,
    keep: KeepJudge | None,
) -> None:
    """``n`` plain chat completions per paragraph, one after the other: the plain rewrite instruction,
    llama.cpp's default sampler, the stack's seeds."""
    options = sampling(get_preset(PLAIN_PRESET))
    for number, paragraph in enumerate(paragraphs):
        para_seed = (seed + 1009 * number) & 0x3FFFFFFF
        request = GenerationRequest(
            source=paragraph.text,
            kind=VariantKind.REWRITE,
            n=bench.n,
            seed=para_seed,
            preset=PLAIN_PRESET,
            angles=(None,),
        )
        started = time.perf_counter()
        texts: list[str] = []
        arrivals: list[float] = []
        tokens = 0
        for plan in prompts.plan(request):
            out = completion(llm, plan.messages, plan.max_tokens, plan.seed, options)
            raw = out["choices"][0]["message"]["content"] or ""
            end = prompts.paragraph_end(raw)
            texts.append(prompts.clean(raw[:end] if end is not None else raw))
            tokens += out["usage"]["completion_tokens"]
            arrivals.append(time.perf_counter() - started)
        elapsed = time.perf_counter() - started
        bench.results.append(
            _scored(
                PLAIN,
                paragraph,
                texts,
                arrivals[0],
                arrivals[-1],
                len(texts),
                tokens,
                elapsed,
                vectors,
                embedder,
                bench.n,
                keep,
            )
        )
        if progress is not None:
            progress(f"{paragraph.id} {PLAIN}")


def _median(values: Sequence[float]) -> float:
    vals = [v for v in values if not math.isnan(v)]
    return statistics.median(vals) if vals else float("nan")


def summarise_ways(results: Sequence[WayResult], ways: Sequence[str], n: int) -> list[WaySummary]:
    """Per way: median times, per-shown costs, and the diversity report's quality means."""
    quality = {s.preset: s for s in summarise([r.quality for r in results], ways, n)}
    summaries = []
    for way in ways:
        rows = [r for r in results if r.way == way]
        if not rows:
            continue
        shown = sum(r.shown for r in rows) or float("nan")
        q = quality[way]
        summaries.append(
            WaySummary(
                way=way,
                paragraphs=len(rows),
                first_median=_median([r.first_seconds for r in rows]),
                full_median=_median([r.full_seconds for r in rows]),
                candidates_per_shown=sum(r.candidates for r in rows) / shown,
                tokens_per_shown=sum(r.tokens for r in rows) / shown,
                tokens_per_s=q.tokens_per_s,
                usable_distinct=q.usable_distinct,
                usable_share=q.usable_share,
                vendi=q.vendi,
                shown=q.shown,
                keepable_distinct=q.keepable_distinct,
                keepable_share=q.keepable_share,
                rule_share=q.rule_share,
                second_share=q.second_share,
                invents_share=q.invents_share,
                label_share=q.label_share,
            )
        )
    return summaries


def format_table(bench: StackBench) -> str:
    """The summary as a fixed-width table (one row per way); the keep columns when variants were judged."""
    head = (
        f"{'way':<14}{'paras':>6}{'first s':>9}{'full s':>8}{'shown':>7}{'cand/shown':>11}{'tok/s':>7}"
        f"{'keep dist':>10}{'keep %':>8}{'rule %':>8}{'2nd %':>7}{'invent %':>9}{'label %':>8}{'vendi':>7}"
    )
    lines = [
        f"model {bench.model}, stack of {bench.n}, preset {bench.preset}, overgenerate {bench.overgenerate:g}",
        head,
    ]
    for s in bench.summaries:
        lines.append(
            f"{s.way:<14}{s.paragraphs:>6}{s.first_median:>9.2f}{s.full_median:>8.2f}{s.shown:>7.2f}"
            f"{s.candidates_per_shown:>11.2f}{s.tokens_per_s:>7.1f}{s.keepable_distinct:>10.2f}"
            f"{s.keepable_share:>8.0%}{s.rule_share:>8.0%}{s.second_share:>7.0%}{s.invents_share:>9.1%}"
            f"{s.label_share:>8.1%}{s.vendi:>7.2f}"
        )
    stack, plain = bench.summary(STACK), bench.summary(PLAIN)
    if stack is not None and plain is not None and plain.keepable_distinct > 0:
        ratio = stack.keepable_distinct / plain.keepable_distinct
        lines.append(f"distinct keepable variants per stack: {ratio:.2f}x plain llama.cpp-default requests")
    return "\n".join(lines)
