"""One streaming round of a stack fill: candidates judged as they finish, variants shown as they pass.

``StackFiller.fill`` runs a ``StreamingRound`` per round when
``Schedule.streaming`` is on. The round consumes the generator's stream:

- while a candidate is being written, ``early_stop`` (asked by the engine after
  each token) stops it when ``early_stop.early_stop_reason`` finds its first
  tokens going wrong (a label, talk about the task, a taken opening, a loop,
  another script, a name or number it was not given); the engine then gives its
  slot to a fresh candidate (``GenerationRequest.refills``) while ``want_refill``
  says more are needed;
- when a candidate finishes it goes through the fill's one chain
  (``fill_chain.CandidateChain``), the same the classic way uses;
- the first ``eager`` candidates that pass become variants at once (``on_variant``);
- once ``target`` candidates passed, or the round wrote ``Schedule.max_candidates``
  per variant it needs, the stream is closed; the remaining places go to an MMR
  pick among the kept ones, next to what is already shown, never replacing it.
"""

from __future__ import annotations

import dataclasses
import math
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from cardwriter.generation.protocol import (
    FINISH_CANCELLED,
    FINISH_EARLY,
    GenerationRequest,
    SequenceDone,
    TextGenerator,
    TextPiece,
)
from cardwriter.generation.results import from_done
from cardwriter.services.early_stop import FactGuard, early_stop_reason, opening
from cardwriter.services.fill_chain import CandidateChain, Dropped, Passed
from cardwriter.services.fill_request import FillRequest

if TYPE_CHECKING:
    from cardwriter.services.stack_filling import FillResult, Picker

ROUND_OFFSET = 1000  # streamed sequence numbers of different rounds stay apart (on_piece)


class StreamingRound:
    """One round: ``need`` more variants, judged by the fill's ``chain`` and shown through its ``picker``."""

    def __init__(
        self, chain: CandidateChain, picker: Picker, request: FillRequest, need: int, result: FillResult
    ) -> None:
        self.chain = chain
        self.picker = picker
        self.request = request
        self.need = need
        self.result = result
        schedule = request.schedule
        self.eager = math.ceil(need / 2)  # shown at once; the rest chosen by MMR at the round's end
        self.target = max(need, math.ceil(need * schedule.pool))
        self.budget = max(need, math.ceil(need * schedule.max_candidates))  # candidates this round may write
        self.kept: list[Passed] = []  # passed every stage, not shown yet
        self.shown = 0
        self.texts: dict[int, str] = {}
        self.stopped: set[int] = set()
        # each candidate's first words once it has them (they never change after): asked after every token
        self.openings: dict[int, tuple[str, ...]] = {}
        self.ended: set[int] = set()  # candidates that finished or were stopped
        self.judged = 0  # finished candidates judged (stopped early ones count as failed)
        ask = request.ask
        self.facts = FactGuard(
            (ask.source, ask.before, ask.after, *ask.notes), kind=ask.kind, enabled=request.selection.keep.facts
        )

    # -- asked by the engine while it writes ---------------------------------

    def early_stop(self, index: int, text: str) -> bool:
        """Should candidate ``index``, whose text so far is ``text``, stop now (the engine asks per token)?

        The openings of the siblings still running or finished are kept, not
        recomputed from their texts at every token (that was most of this
        check's cost, which grew with the square of the batch).
        """
        taken = [o for i, o in self.openings.items() if i != index and i not in self.stopped]
        reason = early_stop_reason(text, source=self.request.ask.source, taken_openings=taken)
        if reason is None:
            reason = self.facts.reason(index, text)
        if reason is None:
            if index not in self.openings:
                mine = opening(text)
                if mine is not None:
                    self.openings[index] = mine
            return False
        self.stopped.add(index)
        return True

    def want_refill(self) -> bool:
        """Start another candidate? Not once ``target`` passed or the round's budget is written, nor
        (``Schedule.drain``) while the candidates running will likely make up the rest.

        "Likely": each running candidate counts at the pass rate seen so far in the
        round (a prior of one half: (passed + 1) / (judged + 2); a stopped one
        failed). A fresh candidate started then would mostly be cut off when the
        pool fills; without it the batch is narrower and each step quicker, so
        the running ones finish sooner. If they fail, the rate falls and the free
        slots fill again. On the tune half (10 paragraphs, the same candidates
        written either way): full stack 15.07 -> 14.08 s median.
        """
        if self.enough() or len(self.texts) >= self.budget:
            return False
        if not self.request.schedule.drain:
            return True
        running = len(self.texts.keys() - self.ended - self.stopped)
        return self.passed + (self.passed + 1) / (self.judged + 2) * running < self.target

    def no_variant_yet(self) -> bool:
        """The ramp holds the batch narrow until the round showed its first variant."""
        return self.shown == 0

    @property
    def passed(self) -> int:
        """Candidates of this round that passed every stage: each is shown or kept."""
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
    ) -> None:
        """Generate, judge and show."""
        generation = dataclasses.replace(
            generation,
            refills=max(0, self.budget - generation.n),
            early_stop=self.early_stop,
            want_refill=self.want_refill,
            ramp_start=self.request.schedule.ramp_start,
            ramp_every=self.request.schedule.ramp_every,
            ramp_hold=self.request.schedule.ramp_hold,
            hold_while=self.no_variant_yet,
        )
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
            self.picker.pick(self.kept, self.need - self.shown)
            self.kept = []

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
            event, generation, model, text=event.text.strip(), note_ids=self.request.ask.note_ids, round_no=round_no
        )
        result.candidates.append(candidate)
        verdict = self.chain.judge(candidate)
        if isinstance(verdict, Dropped):
            result.dropped.append(verdict)
            return
        self.chain.accept(verdict)
        if self.shown < self.eager:
            self.picker.show(verdict)
            self.shown += 1
        else:
            self.kept.append(verdict)
