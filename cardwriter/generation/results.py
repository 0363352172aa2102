"""Finished sequences as results, with what their provenance needs."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass

from cardwriter.domain.model import Provenance, Variant, VariantKind
from cardwriter.generation.prompts import angle_for
from cardwriter.generation.protocol import Event, GenerationRequest, SequenceDone, TextGenerator, sequence_seed


@dataclass(frozen=True)
class Generated:
    """One finished sequence with what is needed to record its provenance."""

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

    def to_variant(self, parent_id: str | None = None) -> Variant:
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
    return [
        Generated(
            index=i,
            text=d.text,
            kind=request.kind,
            angle=angle_for(request, i),
            preset=request.preset,
            seed=sequence_seed(request.seed, i),
            model=generator.model_name,
            tokens=d.tokens,
            finish_reason=d.finish_reason,
            seconds=d.seconds,
            note_ids=note_ids,
        )
        for i, d in sorted(done.items())
    ]


def finished(events: Iterable[Event]) -> dict[int, SequenceDone]:
    """The ``SequenceDone`` events of a stream, by sequence index."""
    return {e.index: e for e in events if isinstance(e, SequenceDone)}
