"""One streaming round of a stack fill: candidates judged as they finish, variants shown as they pass.

``StackFiller.fill`` runs a ``StreamingRound`` per round when
``FillRequest.streaming`` is on. The round consumes the generator's stream:

- while a candidate is being written, ``early_stop`` (asked by the engine after
  each token) stops it when ``early_stop.early_stop_reason`` finds its first
  tokens going wrong; the engine then gives its slot to a fresh candidate
  (``GenerationRequest.refills``) while ``want_refill`` says more are needed;
- when a candidate finishes it is filtered at once (on topic, degenerate,
  near-duplicate of the source, the stack or a candidate kept before it) with
  the same ``filter_candidates`` the classic way uses, and last by the model's
  own judgement (``improbable``): a decode of the text while the batch waits, so
  asked only of a candidate that passed everything else, and only when the
  engine wrote it at a low log-probability (it reports that as it writes);
- the first ``eager`` kept candidates become variants at once (``on_variant``);
- once ``target`` candidates were kept the stream is closed (the rest of the
  batch is not needed); the remaining places go to an MMR pick among the kept
  ones, next to what is already shown, never replacing it.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from cardwriter.embedding.dedup import DedupConfig, DropReason, filter_candidates
from cardwriter.embedding.selection import mmr_select
from cardwriter.generation.protocol import (
    FINISH_CANCELLED,
    FINISH_EARLY,
    GenerationRequest,
    SequenceDone,
    TextGenerator,
    TextPiece,
)
from cardwriter.generation.results import Generated, from_done
from cardwriter.services.early_stop import early_stop_reason, opening
from cardwriter.services.fusion_filters import Screened

if TYPE_CHECKING:
    from cardwriter.services.stack_filling import FillRequest, FillResult, StackFiller

# texts and their embeddings -> indices kept, and why each other one was dropped
ScreenTexts = Callable[[list[str], np.ndarray], tuple[list[int], list[Screened]]]
# candidates -> the ones the model finds improbable (a decode each for the doubtful: asked last)
Unlikely = Callable[[list[Generated]], list[Screened]]

ROUND_OFFSET = 1000  # streamed sequence numbers of different rounds stay apart (on_piece)


class StreamingRound:
    """One round: ``need`` more variants for a stack that holds ``held_texts`` (with ``held_vecs``)."""

    def __init__(
        self,
        filler: StackFiller,
        request: FillRequest,
        config: DedupConfig,
        source_vec: np.ndarray,
        held_texts: list[str],
        held_vecs: np.ndarray,
        need: int,
        result: FillResult,
        on_variant: Callable | None,
        *,
        screen_texts: ScreenTexts,
        unlikely: Unlikely,
        reference: str,
    ) -> None:
        self.filler = filler
        self.screen_texts = screen_texts  # language, label and (recombine) fusion checks
        self.unlikely = unlikely  # the model's verdict, last: it pauses generation for a decode
        self.reference = reference  # the source, or for two notes combined, the notes
        self.request = request
        self.config = config
        self.source_vec = source_vec
        self.held_texts = list(held_texts)
        self.held_vecs = held_vecs
        self.need = need
        self.result = result
        self.on_variant = on_variant
        self.eager = math.ceil(need / 2)  # shown at once; the rest chosen by MMR at the round's end
        self.target = max(need, math.ceil(need * request.pool))
        self.kept: list[Generated] = []  # passed every filter, not shown yet
        self.kept_vecs: list[np.ndarray] = []
        self.shown = 0
        self.texts: dict[int, str] = {}
        self.stopped: set[int] = set()
        # each candidate's first words once it has them (they never change after): asked after every token
        self.openings: dict[int, tuple[str, ...]] = {}
        self.ended: set[int] = set()  # candidates that finished or were stopped
        self.judged = 0  # finished candidates judged (stopped early ones count as failed)

    # -- asked by the engine while it writes ---------------------------------

    def early_stop(self, index: int, text: str) -> bool:
        """Should candidate ``index``, whose text so far is ``text``, stop now (the engine asks per token)?

        The openings of the siblings still running or finished are kept, not
        recomputed from their texts at every token (that was most of this
        check's cost, which grew with the square of the batch).
        """
        taken = [o for i, o in self.openings.items() if i != index and i not in self.stopped]
        if early_stop_reason(text, source=self.request.source, taken_openings=taken) is None:
            if index not in self.openings:
                mine = opening(text)
                if mine is not None:
                    self.openings[index] = mine
            return False
        self.stopped.add(index)
        return True

    def want_refill(self) -> bool:
        """Start another candidate? Not once ``target`` passed, nor (``FillRequest.drain``)
        while the candidates running will likely make up the rest.

        "Likely": each running candidate counts at the pass rate seen so far in the
        round (a prior of one half: (passed + 1) / (judged + 2); a stopped one
        failed). A fresh candidate started then would mostly be cut off when the
        pool fills; without it the batch is narrower and each step quicker, so
        the running ones finish sooner. If they fail, the rate falls and the free
        slots fill again. On the tune half (10 paragraphs, the same candidates
        written either way): full stack 15.07 -> 14.08 s median.
        """
        if self.enough():
            return False
        if not self.request.drain:
            return True
        running = len(self.texts.keys() - self.ended - self.stopped)
        return self.passed + (self.passed + 1) / (self.judged + 2) * running < self.target

    def no_variant_yet(self) -> bool:
        """The ramp holds the batch narrow until the round showed its first variant."""
        return self.shown == 0

    @property
    def passed(self) -> int:
        """Candidates of this round that passed every filter: each is shown or kept."""
        return self.shown + len(self.kept)

    def enough(self) -> bool:
        return self.passed >= self.target

    # -- the round ---------------------------------------------------------------

    def run(
        self,
        generator: TextGenerator,
        generation: GenerationRequest,
        cancel: threading.Event,
        on_piece: Callable[[int, str], None] | None,
        round_no: int,
    ) -> tuple[list[str], np.ndarray]:
        """Generate, filter and show; returns the stack's texts and vectors after the round."""
        stream = generator.stream(generation, cancel)
        try:
            for event in stream:
                if isinstance(event, TextPiece):
                    self.texts[event.index] = self.texts.get(event.index, "") + event.text
                    if on_piece is not None:
                        on_piece(round_no * ROUND_OFFSET + event.index, self.texts[event.index])
                elif isinstance(event, SequenceDone):
                    self._finished(event, generation, generator.model_name, round_no)
                    if self.enough():
                        break  # enough candidates passed: the others are not needed
        finally:
            close = getattr(stream, "close", None)
            if close is not None:
                close()  # frees the engine's batch now
        if not cancel.is_set():
            self._pick_the_rest()
        return self.held_texts, self.held_vecs

    def _finished(self, event: SequenceDone, generation: GenerationRequest, model: str, round_no: int) -> None:
        result = self.result
        result.tokens += event.tokens
        result.seconds += event.seconds
        self.ended.add(event.index)
        if event.finish_reason == FINISH_CANCELLED:
            return
        self.judged += 1
        if event.finish_reason == FINISH_EARLY:
            result.stopped_early += 1
            return
        candidate = from_done(
            event, generation, model, text=event.text.strip(), note_ids=self.request.note_ids, round_no=round_no
        )
        result.candidates.append(candidate)
        if self._passes(candidate):
            self.kept.append(candidate)
            if self.shown < self.eager:
                self._show(len(self.kept) - 1)

    def _passes(self, candidate: Generated) -> bool:
        """Filter one candidate against the source, the stack and the candidates kept before it.

        Cheapest first: the text checks, the topic and the duplicates take
        milliseconds; the model's verdict (a decode of the text, while the batch
        waits) is asked only of a candidate that passed them all.
        """
        from cardwriter.services.stack_filling import ON_TOPIC_KINDS, Dropped

        request, result = self.request, self.result
        vec = self.filler.embedder.encode([candidate.text])[0]
        _, screened = self.screen_texts([candidate.text], vec[None, :])
        if screened:
            unfit = screened[0]
            result.dropped.append(Dropped(candidate, unfit.reason, unfit.detail, unfit.cosine))
            return False
        if request.kind in ON_TOPIC_KINDS and request.source.strip():
            cos = float(vec @ self.source_vec)
            if cos < request.min_source_cosine:
                detail = f"off topic: cosine {cos:.3f} to the source, needs {request.min_source_cosine}"
                result.dropped.append(Dropped(candidate, DropReason.OFF_TOPIC, detail, cos))
                return False
        others = self.held_texts + [c.text for c in self.kept]
        other_vecs = np.vstack([self.held_vecs, *self.kept_vecs]) if others else None
        verdict = filter_candidates(
            [candidate.text],
            vec[None, :],
            source=self.reference,
            source_embedding=self.source_vec,
            kind=request.kind,
            stack=others,
            stack_embeddings=other_vecs,
            config=self.config,
        )
        if verdict.dropped:
            drop = verdict.dropped[0]
            reason, detail = drop.reason, drop.detail
            if reason is DropReason.DUPLICATES_STACK and drop.other is not None and drop.other >= len(self.held_texts):
                reason = DropReason.DUPLICATES_SIBLING  # a candidate kept earlier in this round
                detail = detail.replace(f"stack item {drop.other}", "another candidate")
            result.dropped.append(Dropped(candidate, reason, detail, drop.cosine))
            return False
        doubts = self.unlikely([candidate])
        if doubts:
            result.dropped.append(Dropped(candidate, doubts[0].reason, doubts[0].detail))
            return False
        self.kept_vecs.append(vec)
        return True

    def _show(self, at: int) -> None:
        """Kept candidate ``at`` becomes a variant now: into the result and the stack."""
        candidate, vec = self.kept.pop(at), self.kept_vecs.pop(at)
        variant = candidate.to_variant(self.request.parent_id)
        self.result.variants.append(variant)
        self.result.picked.append(candidate)
        self.held_texts.append(candidate.text)
        self.held_vecs = np.vstack([self.held_vecs, vec[None, :]])
        self.shown += 1
        if self.on_variant is not None:
            self.on_variant(variant)

    def _pick_the_rest(self) -> None:
        """MMR among the kept candidates for the places left, next to what the stack holds now."""
        from cardwriter.services.stack_filling import Dropped

        left = self.need - self.shown
        if left > 0 and self.kept:
            existing = self.held_vecs if len(self.held_texts) else None
            closeness = self.request.closeness
            close = np.asarray(closeness([c.text for c in self.kept])) if closeness else None
            order = mmr_select(
                np.vstack(self.kept_vecs),
                self.source_vec,
                left,
                lambda_=self.request.mmr_lambda,
                existing=existing,
                closeness=close,
                closeness_weight=self.request.closeness_weight,
            )
            chosen = [self.kept[i] for i in order]
            for candidate in chosen:
                self._show(self.kept.index(candidate))
        for candidate in self.kept:
            self.result.dropped.append(Dropped(candidate, DropReason.NOT_PICKED, DropReason.NOT_PICKED.label))
        self.kept, self.kept_vecs = [], []
