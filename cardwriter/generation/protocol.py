"""What every text generator takes, what it streams back, and the protocol itself.

A generator turns one ``GenerationRequest`` into N sequences, streamed as
events tagged by sequence index: ``TextPiece`` for each piece of text as it is
sampled, then one ``SequenceDone`` per sequence with its whole (cleaned) text.
Events of different sequences interleave; events of one sequence arrive in
order. A ``threading.Event`` passed as ``cancel`` may be set from any thread;
the generator then stops within one token and ends the open sequences with
``finish_reason == "cancelled"``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from cardwriter.domain.model import VariantKind
from cardwriter.generation.presets import DEFAULT_PRESET

FINISH_STOP = "stop"  # the model ended the text itself
FINISH_LENGTH = "length"  # the token budget ran out
FINISH_CANCELLED = "cancelled"  # cancel was set
FINISH_EARLY = "early_stop"  # the request's ``early_stop`` judged its first tokens to be going wrong

EarlyStop = Callable[[int, str], bool]
"""``(sequence index, its raw text so far) -> stop it now?``, asked after each token."""


@dataclass(frozen=True)
class GenerationRequest:
    """N variants of one paragraph (or of notes, for recombine).

    ``angles`` gives each sequence its own angle, cycled over the N sequences;
    empty means the kind's default (see ``prompts.default_angles``). Sequence
    ``i`` samples with seed ``seed + i``. ``max_tokens`` None means a budget
    scaled with the source's length.
    """

    source: str
    kind: VariantKind = VariantKind.REWRITE
    n: int = 4
    angles: tuple[str | None, ...] = ()
    notes: tuple[str, ...] = ()
    before: str = ""  # the paragraph(s) before the card, for context
    after: str = ""  # the paragraph(s) after it
    voice_examples: tuple[str, ...] = ()  # the writer's own paragraphs, for the "own voice" angle
    preset: str = DEFAULT_PRESET
    seed: int = 0
    max_tokens: int | None = None
    distinct_openings: bool = True  # a first token taken by a sibling is banned
    # Close rewrites (rewrite and restyle; generators that can, the llama.cpp engine): the answer copies
    # the paragraph and the model rewords it at a few places (``llama.close_run``); others write freely
    close: bool = False
    # Continuous batching (generators that can, the llama.cpp engine; others ignore these):
    # when a sequence ends, up to ``refills`` more sequences (indices n, n+1, ..., with
    # their own seeds and the next angles) take its slot in the batch, each only while
    # ``want_refill()`` says the caller still needs candidates.
    refills: int = 0
    want_refill: Callable[[], bool] | None = field(default=None, compare=False, repr=False)
    early_stop: EarlyStop | None = field(default=None, compare=False, repr=False)
    # Ramp (the llama.cpp engine): ``ramp_start`` sequences start (0: all n); after ``ramp_hold``
    # steps, one more joins every ``ramp_every`` steps. The hold ends sooner: when the first
    # sequence finishes or, if ``hold_while`` is given, instead as soon as it says False
    ramp_start: int = 0
    ramp_every: int = 1
    ramp_hold: int = 0
    hold_while: Callable[[], bool] | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.n < 1:
            raise ValueError(f"n must be at least 1, not {self.n}")
        if self.max_tokens is not None and self.max_tokens < 1:
            raise ValueError(f"max_tokens must be at least 1, not {self.max_tokens}")
        if self.refills < 0:
            raise ValueError(f"refills must be at least 0, not {self.refills}")

    @property
    def total(self) -> int:
        """How many sequences the request may make in all: ``n`` at once, then the refills."""
        return self.n + self.refills


@dataclass(frozen=True)
class TextPiece:
    """A piece of sequence ``index``'s text, as sampled (raw, not cleaned)."""

    index: int
    text: str


@dataclass(frozen=True)
class SequenceDone:
    """Sequence ``index`` has ended; ``text`` is its whole cleaned text.

    ``log_prob`` is the mean log-probability the model gave the tokens it wrote,
    each under its raw distribution at that point (before the samplers reshaped
    it), given the prompt: how far the samplers pushed it off its own course.
    None when the backend cannot say (a server, a fake).
    """

    index: int
    text: str
    tokens: int
    finish_reason: str
    seconds: float
    log_prob: float | None = None


Event = TextPiece | SequenceDone


@runtime_checkable
class TextGenerator(Protocol):
    """Anything that streams N sequences for a request: llama.cpp, a server, a fake."""

    @property
    def model_name(self) -> str:
        """A short name for provenance: the model file's stem or the server's model id."""
        ...

    def stream(self, request: GenerationRequest, cancel: threading.Event | None = None) -> Iterator[Event]:
        """Yield events for the request's N sequences until all are done or cancel is set."""
        ...


def sequence_seed(seed: int, index: int) -> int:
    """The seed sequence ``index`` samples with (kept within 32 bits, as llama.cpp wants)."""
    return (seed + index) & 0xFFFFFFFF
