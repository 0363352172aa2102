"""Filling a card's stack: over-generate, keep what a writer would keep, pick a diverse set among it.

Faithful first, then different. Every candidate runs through one chain
(``fill_chain.CandidateChain``): text rules, keepability (no invented facts,
the meaning kept), on topic, fusion, duplicates, the model's verdict. Only then
is a diverse set picked among the survivors by maximal marginal relevance
(``embedding.selection``). A stack shows fewer variants rather than worse ones:
the result says how many are missing.

Two ways to drive the engine, both through the same chain:

- **streaming** (``Schedule.streaming``, the default): each candidate is judged
  the moment it finishes; the first half of the stack is shown at once through
  ``on_variant``, the rest is picked by MMR from the kept ones when the round
  ends, next to (never instead of) what was shown. A candidate whose first
  tokens go wrong is stopped (``early_stop``) and a fresh one takes its slot in
  the batch (continuous batching) until ``pool`` times the variants needed
  passed or ``max_candidates`` per variant were written (``stack_streaming``);
- **classic** (``streaming=False``): every candidate to its end, then the chain
  over them in order and MMR at once (kept for comparison: ``cardwriter bench stack --compare``).

A round that leaves places empty is followed by another with fresh seeds, at
most ``max_rounds`` in all.

The GUI runs ``StackFiller.fill`` in its worker thread; the command line
calls it directly. Nothing here touches the project file: the caller adds
the variants to the card it snapshotted, if that card is still the same.
"""

from __future__ import annotations

import math
import random
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from cardwriter.domain.model import Variant, VariantKind
from cardwriter.embedding.dedup_config import REWRITE_KINDS, DedupConfig
from cardwriter.embedding.drop_reasons import DropReason
from cardwriter.embedding.embedder import Embedder
from cardwriter.embedding.selection import mmr_select
from cardwriter.generation.presets import AUTO, is_small_model, preset_for
from cardwriter.generation.prompts import REWRITE_MIX
from cardwriter.generation.protocol import (
    FINISH_CANCELLED,
    GenerationRequest,
    SequenceDone,
    TextGenerator,
    TextPiece,
)
from cardwriter.generation.results import Generated, from_done
from cardwriter.services.fill_chain import ON_TOPIC_KINDS, CandidateChain, Dropped, Passed, scorer_for
from cardwriter.services.fill_request import FillRequest, Schedule, Selection, WriterAsk

__all__ = [
    "ON_TOPIC_KINDS",
    "Dropped",
    "FillRequest",
    "FillResult",
    "Schedule",
    "Selection",
    "StackFiller",
    "WriterAsk",
]

CLOSE_KINDS = REWRITE_KINDS
"""Kinds a small model writes as close rewrites."""

ROUND_SEED_STEP = 7919  # seeds of a top-up round start far from the last round's

VariantCallback = Callable[[Variant], None]


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

    def shortfall_message(self) -> str:
        """What a writer is told when fewer variants passed than were asked for: how many, and the
        two commonest reasons the others were not shown (a stack shows fewer rather than worse)."""
        reasons = Counter(d.reason for d in self.dropped if d.reason is not DropReason.NOT_PICKED)
        why = " and ".join(r.label for r, _ in reasons.most_common(2)) or "none was different enough"
        found = len(self.variants)
        return f"Found {found} variant{'s' if found != 1 else ''} worth keeping of {self.wanted} asked for; the others: {why}."


class Picker:
    """What the fill has shown so far, and the MMR pick of more among kept candidates."""

    def __init__(self, chain: CandidateChain, request: FillRequest, result: FillResult, on_variant) -> None:
        self.chain = chain
        self.request = request
        self.result = result
        self.on_variant = on_variant
        self.shown_vecs = chain.held_vecs.copy()  # the stack before the fill, then every variant shown

    def show(self, passed: Passed) -> None:
        """``passed`` becomes a variant now: into the result, and to ``on_variant``."""
        variant = passed.candidate.to_variant(self.request.ask.parent_id)
        self.result.variants.append(variant)
        self.result.picked.append(passed.candidate)
        self.shown_vecs = np.vstack([self.shown_vecs, passed.vector[None, :]])
        if self.on_variant is not None:
            self.on_variant(variant)

    def pick(self, kept: list[Passed], places: int) -> None:
        """Show up to ``places`` of ``kept`` by MMR next to what is shown; the others are not picked."""
        chosen: list[int] = []
        if places > 0 and kept:
            selection = self.request.selection
            close = np.asarray(selection.closeness([p.candidate.text for p in kept])) if selection.closeness else None
            chosen = mmr_select(
                np.vstack([p.vector for p in kept]),
                self.chain.source_vec,
                places,
                lambda_=selection.mmr_lambda,
                existing=self.shown_vecs if len(self.shown_vecs) else None,
                closeness=close,
                closeness_weight=selection.closeness_weight,
            )
        for index in chosen:
            self.show(kept[index])
        label = DropReason.NOT_PICKED.label
        self.result.dropped.extend(
            Dropped(p.candidate, DropReason.NOT_PICKED, label, stage="selection")
            for i, p in enumerate(kept)
            if i not in chosen
        )


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
        from cardwriter.services.stack_streaming import StreamingRound  # it builds on this module's types

        ask, schedule = request.ask, request.schedule
        cancel = cancel or threading.Event()
        seed = ask.seed if ask.seed is not None else random.randrange(1 << 30)
        preset = preset_for(ask.preset, generator)
        # a small model rewrites closely (it copies the paragraph and rewords it at a few places):
        # its free rewrites change who did what (fill_chain, generation.llama.close_run)
        close = ask.preset == AUTO and is_small_model(generator) and ask.kind in CLOSE_KINDS
        result = FillResult(wanted=ask.wanted)
        chain = CandidateChain(self.embedder, request, self.dedup, scorer_for(generator))
        picker = Picker(chain, request, result, on_variant)
        for round_no in range(schedule.max_rounds):
            need = ask.wanted - len(result.variants)
            if need <= 0 or cancel.is_set():
                break
            result.rounds += 1
            n = max(need, math.ceil(need * request.selection.overgenerate))
            generation = GenerationRequest(
                source=ask.source,
                kind=ask.kind,
                n=n,
                angles=self.angles(ask),
                notes=ask.notes,
                before=ask.before,
                after=ask.after,
                preset=preset,
                seed=(seed + round_no * ROUND_SEED_STEP) & 0x3FFFFFFF,
                max_tokens=schedule.max_tokens,
                close=close,
            )
            if schedule.streaming:
                StreamingRound(chain, picker, request, need, result).run(
                    generator, generation, cancel, on_piece, round_no
                )
                continue
            fresh = self._generate(generator, generation, cancel, on_piece, round_no, ask, result)
            kept: list[Passed] = []
            for candidate in fresh:
                verdict = chain.judge(candidate)
                if isinstance(verdict, Dropped):
                    result.dropped.append(verdict)
                    continue
                chain.accept(verdict)
                kept.append(verdict)
            picker.pick(kept, need)
        result.cancelled = cancel.is_set()
        return result

    @staticmethod
    def angles(ask: WriterAsk) -> tuple[str | None, ...]:
        """The angles the candidates cycle through for ``ask``."""
        if ask.angles:
            return ask.angles
        if ask.angle:
            return (ask.angle,)
        if ask.kind is VariantKind.REWRITE and ask.mix_rewrites:
            return REWRITE_MIX
        return ()

    def _generate(
        self,
        generator: TextGenerator,
        generation: GenerationRequest,
        cancel: threading.Event,
        on_piece: Callable[[int, str], None] | None,
        round_no: int,
        ask: WriterAsk,
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
                note_ids=ask.note_ids,
                round_no=round_no,
            )
            fresh.append(candidate)
            result.candidates.append(candidate)
        return fresh
