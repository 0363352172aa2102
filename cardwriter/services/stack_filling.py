"""Filling a card's stack: over-generate, drop the degenerate and the near-duplicate, pick a diverse set.

1. Ask the generator for ``ceil(need * overgenerate)`` candidates, mixing
   angles and seeds.
2. For kinds that must stay on the source's subject (rewrite, restyle), drop
   candidates whose cosine to the source is below ``min_source_cosine`` (0.5):
   the small default model drifts off topic. Then drop degenerate ones and
   near-duplicates of the source, of each other and of what the stack already
   holds (``embedding.dedup``).
3. Pick the kept ones by maximal marginal relevance (``embedding.selection``).
4. If fewer than wanted survive, go again with fresh seeds, at most
   ``max_rounds`` times in all; the result says how many are missing.

Streaming (``FillRequest.streaming``, the default): each candidate is filtered
the moment it finishes, against the source, the stack and the candidates kept
before it (``_Round``); the first half of the stack is shown at once through
``on_variant``, the rest is picked by MMR from the kept ones when the round
ends, next to (never instead of) what was shown. Meanwhile a candidate whose
first tokens go wrong is stopped (``early_stop``) and a fresh one takes its
slot in the batch (continuous batching) until enough candidates passed
(``pool`` times the variants needed); then generation stops.
``streaming=False`` is the classic way: every candidate to its end, then all
filters and MMR at once (kept for comparison: ``cardwriter bench stack --compare``).

The GUI runs ``StackFiller.fill`` in its worker thread; the command line
calls it directly. Nothing here touches the project file: the caller adds
the variants to the card it snapshotted, if that card is still the same.
"""

from __future__ import annotations

import dataclasses
import math
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from cardwriter.domain.model import Variant, VariantKind
from cardwriter.embedding.dedup import (
    DUPLICATE_COSINE,
    DedupConfig,
    DropReason,
    filter_candidates,
)
from cardwriter.embedding.embedder import Embedder
from cardwriter.embedding.selection import mmr_select
from cardwriter.generation.presets import DEFAULT_PRESET
from cardwriter.generation.prompts import REWRITE_MIX
from cardwriter.generation.protocol import (
    FINISH_CANCELLED,
    GenerationRequest,
    SequenceDone,
    TextGenerator,
    TextPiece,
)
from cardwriter.generation.results import Generated, from_done
from cardwriter.services.fusion_filters import FusionConfig, Screened, improbable, model_scores, screen

ROUND_SEED_STEP = 7919  # seeds of a top-up round start far from the last round's

ON_TOPIC_KINDS = frozenset({VariantKind.REWRITE, VariantKind.RESTYLE})
"""Kinds whose variants must stay about what the source is about (continue and recombine move on)."""


@dataclass(frozen=True)
class FillRequest:
    source: str
    kind: VariantKind = VariantKind.REWRITE
    angle: str | None = None  # None: the kind's angles, mixed across candidates
    angles: tuple[str, ...] = ()  # several angles, cycled over candidates (overrides ``angle``)
    mix_rewrites: bool = True  # rewrite with no angle: cycle prompts.REWRITE_MIX's intents over candidates
    wanted: int = 4
    overgenerate: float = 2.0
    preset: str = DEFAULT_PRESET
    seed: int | None = None  # None: a fresh random seed
    before: str = ""
    after: str = ""
    notes: tuple[str, ...] = ()
    note_ids: tuple[str, ...] = ()
    existing: tuple[str, ...] = ()  # texts already in the stack: never repeated
    parent_id: str | None = None  # refining a variant: the new ones are its children
    duplicate_cosine: float = DUPLICATE_COSINE
    min_source_cosine: float = 0.5  # rewrite/restyle: below this cosine to the source is off topic
    mmr_lambda: float = 0.3  # leans to novelty: measured better than DEFAULT_LAMBDA (0.5) on the dev paragraphs
    max_rounds: int = 3
    max_tokens: int | None = None
    streaming: bool = True  # filter as candidates finish, show variants as they pass, stop early, refill
    pool: float = 1.5  # streaming: stop generating once this many times the variants needed passed
    # streaming: the batch starts with ramp_start candidates (0: all at once); after ramp_hold steps, or
    # once the round showed its first variant, one more joins every ramp_every steps. One alone first
    # (a failed one is replaced by the next, still alone): a step of one costs a fifth of a step of
    # sixteen, so the first variant shows sooner (tune half, benchmarks/stack_ab.py: first 2.72 -> 1.92 s
    # against three held as long, full stack 13.90 -> 13.12 s). A hold of 250 steps rather than 120: a
    # first candidate of 150-185 tokens is no longer slowed fivefold by the widening near its end (tune
    # half, 20 paragraphs: the four slowest firsts 3.44-7.41 -> 2.76-5.18 s, medians 1.55 and 1.72 s,
    # full 11.34 and 11.41 s)
    ramp_start: int = 1
    ramp_every: int = 1
    ramp_hold: int = 250
    drain: bool = True  # streaming: no fresh candidate while those running will likely fill the pool
    closeness: Callable[[list[str]], list[float]] | None = None  # "keep my voice": closeness of texts to the writer
    closeness_weight: float = 0.3
    fusion: FusionConfig = FusionConfig()  # fluency (every kind) and fusion (recombine) filters


VariantCallback = Callable[[Variant], None]


@dataclass(frozen=True)
class Dropped:
    """A candidate the stack did not take: why (an enum), and the sentence a writer can read."""

    candidate: Generated
    reason: DropReason
    detail: str = ""  # e.g. "off topic: cosine 0.412 to the source, needs 0.5"
    cosine: float | None = None  # to the source (off topic) or to what it duplicates


@dataclass
class FillResult:
    variants: list[Variant] = field(default_factory=list)
    picked: list[Generated] = field(default_factory=list)  # the candidate behind each variant, in order
    candidates: list[Generated] = field(default_factory=list)
    dropped: list[Dropped] = field(default_factory=list)
    rounds: int = 0
    wanted: int = 0
    tokens: int = 0
    seconds: float = 0.0
    cancelled: bool = False
    stopped_early: int = 0  # candidates stopped by their first tokens (streaming)

    @property
    def shortfall(self) -> int:
        return max(0, self.wanted - len(self.variants))


class StackFiller:
    def __init__(self, embedder: Embedder, dedup: DedupConfig = DedupConfig()):
        self.embedder = embedder
        self.dedup = dedup

    def fill(
        self,
        generator: TextGenerator,
        request: FillRequest,
        cancel: threading.Event | None = None,
        on_piece: Callable[[int, str], None] | None = None,
        on_variant: VariantCallback | None = None,
    ) -> FillResult:
        """Fill the stack; ``on_variant`` gets each variant the moment it joins the result.

        A variant given to ``on_variant`` stays in the result: later ones are only added.
        """
        from cardwriter.services.stack_streaming import (
            StreamingRound,  # it builds on this module's types
        )

        cancel = cancel or threading.Event()
        config = self._config(request)
        seed = request.seed if request.seed is not None else random.randrange(1 << 30)
        result = FillResult(wanted=request.wanted)
        # combining two notes has no paragraph: the notes are the parents, and stand in for the source
        parents = ((request.source,) if request.source.strip() else ()) + tuple(n for n in request.notes if n.strip())
        reference = request.source if request.source.strip() else "\n\n".join(parents)
        source_vec = self.embedder.encode([reference])[0]
        parent_vecs = self.embedder.encode(list(parents)) if parents else np.zeros((0, source_vec.shape[0]), np.float32)
        fuse = request.kind is VariantKind.RECOMBINE and len(parents) >= 2
        held_texts = [t for t in request.existing if t.strip()]
        held_vecs = self.embedder.encode(held_texts) if held_texts else np.zeros((0, source_vec.shape[0]), np.float32)

        def screen_texts(texts: list[str], vecs: np.ndarray) -> tuple[list[int], list[Screened]]:
            """Language and labels for every kind, and the fusion checks for a recombine of two parents."""
            return screen(texts, vecs, parents, parent_vecs, fuse=fuse, config=request.fusion)

        def unlikely(candidates: list[Generated]) -> list[Screened]:
            """The model's verdict on the candidates the engine wrote off its course (a decode each: asked last)."""
            texts, written = [c.text for c in candidates], [c.log_prob for c in candidates]
            return improbable(texts, written, lambda t: model_scores(generator, t), request.fusion)

        for round_no in range(request.max_rounds):
            need = request.wanted - len(result.variants)
            if need <= 0 or cancel.is_set():
                break
            result.rounds += 1
            generation = GenerationRequest(
                source=request.source,
                kind=request.kind,
                n=max(need, math.ceil(need * request.overgenerate)),
                angles=self._angles(request),
                notes=request.notes,
                before=request.before,
                after=request.after,
                preset=request.preset,
                seed=(seed + round_no * ROUND_SEED_STEP) & 0x3FFFFFFF,
                max_tokens=request.max_tokens,
            )
            if request.streaming:
                streaming = StreamingRound(
                    self,
                    request,
                    config,
                    source_vec,
                    held_texts,
                    held_vecs,
                    need,
                    result,
                    on_variant,
                    screen_texts=screen_texts,
                    unlikely=unlikely,
                    reference=reference,
                )
                generation = dataclasses.replace(
                    generation,
                    refills=generation.n,
                    early_stop=streaming.early_stop,
                    want_refill=streaming.want_refill,
                    ramp_start=request.ramp_start,
                    ramp_every=request.ramp_every,
                    ramp_hold=request.ramp_hold,
                    hold_while=streaming.no_variant_yet,
                )
                held_texts, held_vecs = streaming.run(generator, generation, cancel, on_piece, round_no)
                continue
            fresh = self._generate(generator, generation, cancel, on_piece, round_no, request, result)
            if not fresh:
                continue
            vecs = self.embedder.encode([c.text for c in fresh])
            texts = [c.text for c in fresh]
            fluent, screened = screen_texts(texts, vecs)
            result.dropped.extend(Dropped(fresh[d.index], d.reason, d.detail, d.cosine) for d in screened)
            if not fluent:
                continue
            fresh, vecs = [fresh[i] for i in fluent], vecs[fluent]
            on_topic = self._on_topic(request, vecs @ source_vec, fresh, result)
            if not on_topic:
                continue
            fresh, vecs = [fresh[i] for i in on_topic], vecs[on_topic]
            # scored before dedup: a near-duplicate must not be dropped for a sibling the model then drops
            unfit = {d.index: d for d in unlikely(fresh)}
            result.dropped.extend(Dropped(fresh[i], d.reason, d.detail) for i, d in unfit.items())
            likely = [i for i in range(len(fresh)) if i not in unfit]
            if not likely:
                continue
            fresh, vecs = [fresh[i] for i in likely], vecs[likely]
            verdict = filter_candidates(
                [c.text for c in fresh],
                vecs,
                source=reference,
                source_embedding=source_vec,
                kind=request.kind,
                stack=held_texts,
                stack_embeddings=held_vecs,
                config=config,
            )
            result.dropped.extend(Dropped(fresh[d.index], d.reason, d.detail, d.cosine) for d in verdict.dropped)
            survivors = verdict.kept
            close = (
                np.asarray(request.closeness([fresh[i].text for i in survivors]))
                if request.closeness and survivors
                else None
            )
            picked = (
                mmr_select(
                    vecs[survivors],
                    source_vec,
                    need,
                    lambda_=request.mmr_lambda,
                    existing=held_vecs if len(held_texts) else None,
                    closeness=close,
                    closeness_weight=request.closeness_weight,
                )
                if survivors
                else []
            )
            chosen = [survivors[p] for p in picked]
            for index in chosen:
                result.variants.append(fresh[index].to_variant(request.parent_id))
                result.picked.append(fresh[index])
                if on_variant is not None:
                    on_variant(result.variants[-1])
            result.dropped.extend(
                Dropped(fresh[i], DropReason.NOT_PICKED, DropReason.NOT_PICKED.label)
                for i in survivors
                if i not in chosen
            )
            if chosen:
                held_texts = held_texts + [fresh[i].text for i in chosen]
                held_vecs = np.vstack([held_vecs, vecs[chosen]])
        result.cancelled = cancel.is_set()
        return result

    @staticmethod
    def _angles(request: FillRequest) -> tuple[str | None, ...]:
        if request.angles:
            return request.angles
        if request.angle:
            return (request.angle,)
        if request.kind is VariantKind.REWRITE and request.mix_rewrites:
            return REWRITE_MIX
        return ()

    @staticmethod
    def _on_topic(request: FillRequest, cosines: np.ndarray, fresh: list[Generated], result: FillResult) -> list[int]:
        """Indices of the candidates on the source's topic; the others are recorded as dropped."""
        if request.kind not in ON_TOPIC_KINDS or not request.source.strip():
            return list(range(len(fresh)))
        kept = []
        for i, cos in enumerate(cosines):
            if float(cos) >= request.min_source_cosine:
                kept.append(i)
            else:
                detail = f"off topic: cosine {float(cos):.3f} to the source, needs {request.min_source_cosine}"
                result.dropped.append(Dropped(fresh[i], DropReason.OFF_TOPIC, detail, float(cos)))
        return kept

    def _config(self, request: FillRequest) -> DedupConfig:
        overlap = min(self.dedup.overlap_cosine, request.duplicate_cosine)
        return dataclasses.replace(self.dedup, duplicate_cosine=request.duplicate_cosine, overlap_cosine=overlap)

    def _generate(
        self,
        generator: TextGenerator,
        generation: GenerationRequest,
        cancel: threading.Event,
        on_piece: Callable[[int, str], None] | None,
        round_no: int,
        request: FillRequest,
        result: FillResult,
    ) -> list[Generated]:
        so_far: dict[int, str] = {}
        done: dict[int, SequenceDone] = {}
        offset = round_no * 1000  # keep streamed sequences of different rounds apart
        for event in generator.stream(generation, cancel):
            if isinstance(event, TextPiece):
                so_far[event.index] = so_far.get(event.index, "") + event.text
                if on_piece is not None:
                    on_piece(offset + event.index, so_far[event.index])
            elif isinstance(event, SequenceDone):
                done[event.index] = event
        fresh = []
        for _, event in sorted(done.items()):
            result.tokens += event.tokens
            result.seconds += event.seconds
            if event.finish_reason == FINISH_CANCELLED:
                continue
            candidate = from_done(
                event,
                generation,
                generator.model_name,
                text=event.text.strip(),
                note_ids=request.note_ids,
                round_no=round_no,
            )
            fresh.append(candidate)
            result.candidates.append(candidate)
        return fresh
