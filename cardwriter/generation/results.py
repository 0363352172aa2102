"""Finished sequences as results, with what their provenance and selection need.

``Generated`` is the one record of a finished sequence: ``collect`` makes them for a
plain request, and the stack filler (``services.stack_filling``) makes them for its
candidates, keeping the ones it picks and saying why it dropped the others.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass

from cardwriter.domain.model import Provenance, Variant, VariantKind
from cardwriter.generation.prompts import angle_for
from cardwriter.generation.protocol import Event, GenerationRequest, SequenceDone, TextGenerator, sequence_seed


@dataclass(frozen=True)
class Generated:
    """One finished sequence with what is needed to record its provenance and to select it.

    ``index`` is the sequence's place in its request; ``round`` is the stack filler's
    top-up round that asked for it (0 for a single request).
    """

    index: int
    text: str
    kind: VariantKind
    angle: str | None
    preset: str
    seed: int
    model: str
    tokens: int
    finish_reason: str
    seconds: float
    note_ids: tuple[str, ...] = ()
    round: int = 0
    log_prob: float | None = None  # mean over its tokens, as the model wrote them (``SequenceDone.log_prob``)
    close: bool = False  # a close rewrite: the paragraph copied, reworded at a few places

    def to_variant(self, parent_id: str | None = None) -> Variant:
        """A stack variant holding this text, its provenance recorded (a child of ``parent_id``)."""
        provenance = Provenance(
            kind=self.kind,
            angle=self.angle,
            model=self.model,
            preset=self.preset,
            seed=self.seed,
            parent_id=parent_id,
            note_ids=self.note_ids,
        )
        return Variant(text=self.text, provenance=provenance)


def collect(
    generator: TextGenerator,
    request: GenerationRequest,
    cancel: threading.Event | None = None,
    note_ids: tuple[str, ...] = (),
) -> list[Generated]:
    """Run a request to the end and return its sequences in index order."""
    done = finished(generator.stream(request, cancel))
    return [from_done(d, request, generator.model_name, note_ids=note_ids) for _, d in sorted(done.items())]


def from_done(
    done: SequenceDone,
    request: GenerationRequest,
    model: str,
    *,
    text: str | None = None,
    note_ids: tuple[str, ...] = (),
    round_no: int = 0,
) -> Generated:
    """The record of one finished sequence of ``request`` (``text`` overrides its text)."""
    return Generated(
        index=done.index,
        text=done.text if text is None else text,
        kind=request.kind,
        angle=angle_for(request, done.index),
        preset=request.preset,
        seed=sequence_seed(request.seed, done.index),
        model=model,
        tokens=done.tokens,
        finish_reason=done.finish_reason,
        seconds=done.seconds,
        note_ids=note_ids,
        round=round_no,
        log_prob=done.log_prob,
        close=request.close and request.kind in (VariantKind.REWRITE, VariantKind.RESTYLE),
    )


def finished(events: Iterable[Event]) -> dict[int, SequenceDone]:
    """The ``SequenceDone`` events of a stream, by sequence index."""
    return {e.index: e for e in events if isinstance(e, SequenceDone)}
