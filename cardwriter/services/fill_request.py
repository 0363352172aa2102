"""What a stack fill is asked for, in three parts: the writer's ask, how to select, how to run the engine.

- ``WriterAsk``: what the writer asked for: the paragraph, the kind and angle,
  how many variants, the neighbours and notes, what the stack already holds.
- ``Selection``: how candidates are judged and picked: over-generation, the
  duplicate threshold, keepability, fusion and fluency checks, MMR, "keep my voice".
- ``Schedule``: how the engine is driven: streaming or classic, the pool, the
  ramp, draining, rounds and token budget.

``FillRequest.build`` takes the fields of all three by name (the command line, the
window and the benches mostly set a few of them), and ``changed`` makes a copy with
some of them changed, wherever they live.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from cardwriter.domain.model import VariantKind
from cardwriter.embedding.dedup_config import DUPLICATE_COSINE
from cardwriter.generation.presets import AUTO
from cardwriter.services.fusion_filters import FusionConfig
from cardwriter.services.keepability import KeepConfig


@dataclass(frozen=True)
class WriterAsk:
    """What the writer asked for."""

    source: str
    kind: VariantKind = VariantKind.REWRITE
    angle: str | None = None  # None: the kind's angles, mixed across candidates
    angles: tuple[str, ...] = ()  # several angles, cycled over candidates (overrides ``angle``)
    mix_rewrites: bool = True  # rewrite with no angle: cycle prompts.REWRITE_MIX's intents over candidates
    wanted: int = 4
    preset: str = AUTO  # a sampler preset, or "auto": by the model's size (presets.preset_for)
    seed: int | None = None  # None: a fresh random seed
    before: str = ""
    after: str = ""
    notes: tuple[str, ...] = ()
    note_ids: tuple[str, ...] = ()
    existing: tuple[str, ...] = ()  # texts already in the stack: never repeated
    parent_id: str | None = None  # refining a variant: the new ones are its children


@dataclass(frozen=True)
class Selection:
    """How candidates are judged and picked."""

    overgenerate: float = 2.0
    duplicate_cosine: float = DUPLICATE_COSINE
    min_source_cosine: float = 0.5  # rewrite/restyle: below this cosine to the source is off topic
    mmr_lambda: float = 0.3  # leans to novelty: measured better than DEFAULT_LAMBDA (0.5) on the dev paragraphs
    closeness: Callable[[list[str]], list[float]] | None = None  # "keep my voice": closeness of texts to the writer
    closeness_weight: float = 0.3
    fusion: FusionConfig = FusionConfig()  # fluency (every kind) and fusion (recombine) filters
    keep: KeepConfig = KeepConfig()  # facts and meaning (services.keepability)


@dataclass(frozen=True)
class Schedule:
    """How the engine is driven."""

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
    max_candidates: float = 4.0  # a round writes at most this many candidates per variant it needs


_PARTS = {
    name: part
    for part, cls in (("ask", WriterAsk), ("selection", Selection), ("schedule", Schedule))
    for name in (f.name for f in dataclasses.fields(cls))
}


@dataclass(frozen=True)
class FillRequest:
    """A stack fill: the writer's ask, how to select, how to schedule the engine."""

    ask: WriterAsk
    selection: Selection = field(default_factory=Selection)
    schedule: Schedule = field(default_factory=Schedule)

    @classmethod
    def build(cls, **fields: Any) -> FillRequest:
        """A request from the fields of its three parts by name (``source`` is needed)."""
        return cls(ask=WriterAsk(source=fields.pop("source", ""))).changed(**fields)

    def changed(self, **fields: Any) -> FillRequest:
        """A copy with the named fields changed, in whichever part they live."""
        parts: dict[str, dict[str, Any]] = {"ask": {}, "selection": {}, "schedule": {}}
        for name, value in fields.items():
            part = _PARTS.get(name)
            if part is None:
                raise TypeError(f"a fill request has no field {name!r}")
            parts[part][name] = value
        return FillRequest(
            ask=dataclasses.replace(self.ask, **parts["ask"]),
            selection=dataclasses.replace(self.selection, **parts["selection"]),
            schedule=dataclasses.replace(self.schedule, **parts["schedule"]),
        )

    @staticmethod
    def field_default(name: str) -> Any:
        """The default of a field of any part, by name (for benches that parse ``FIELD=VALUE``)."""
        part = _PARTS.get(name)
        if part is None:
            raise KeyError(name)
        template = FillRequest.build()
        return getattr(getattr(template, part), name)
