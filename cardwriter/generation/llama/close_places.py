"""A close rewrite's places: where the model rewords, what it may write there, where it rejoins.

``close_run`` copies the paragraph token by token; at a *place* the model writes
words of its own until it *rejoins* the paragraph further on. The rules for that
are here, apart from the run that decodes: ``CloseSettings`` (how far a rewrite
may stray), the places planned per sequence, a token sampled at a place from one
row of logits, the paragraph position a rejoin lands on, and the log-probability
the seam check reads, and each sequence's state (``CloseSequence``: its planned
places, the one open now, the last rejoin and how to roll it back). Pure
functions over token ids and logits (numpy); the KV cache is ``close_run``'s.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class CloseSettings:
    """How far a close rewrite may stray (a stronger model may be given more)."""

    edit_share: float = 0.5
    """Share of the paragraph's editable word starts where the model is asked for its own words."""
    max_free: int = 10
    """Tokens the model may write at one place before it must rejoin the paragraph."""
    rejoin_window: int = 10
    """How far ahead in the paragraph (tokens) it may rejoin: the words it may replace."""
    max_dropped: int = 2
    """A place may replace at most this many paragraph tokens more than it writes."""
    join_check: int = 3
    """Paragraph tokens after a rejoin that the model must find likely enough."""
    min_join_log_prob: float = -4.0
    """A seam where the model finds a rejoined token less likely than this (nats) is rolled back."""
    min_allowed_mass: float = 0.25
    """A place is given up when what the model may write there holds less of its probability than this
    (it wanted a name, a number, the paragraph's own word, a quotation mark)."""
    temperature: float = 0.7
    min_p: float = 0.15


@dataclass(eq=False)
class CloseSequence:
    """One close rewrite's state: where it is in the paragraph, what it wrote, its open place."""

    index: int
    slot: int
    prompt: list[int]
    rng: random.Random
    draw: np.random.Generator
    plan: list[int]  # paragraph positions to edit, in order
    n_past: int = 0
    j: int = 0  # next paragraph token to copy
    out: list[int] = field(default_factory=list)
    log_probs: list[float] = field(default_factory=list)
    # an open place: (paragraph position, len(out), n_past, free tokens written) when rewording
    place: tuple[int, int, int, int] | None = None
    check: int = 0  # paragraph tokens after a rejoin still to check
    rejoined_at: tuple[int, int, int] | None = None  # (place position, len(out), n_past) of the last rejoin
    blocked: set[int] = field(default_factory=set)
    pending: list[int] = field(default_factory=list)  # tokens in this step's batch
    rows: dict[int, int] = field(default_factory=dict)  # pending token -> its batch entry, where it has logits
    committed: int = 0  # out tokens already streamed
    finished: str | None = None
    edits: int = 0
    joining: bool = False  # waited for the ramp: its prompt tail goes into the next batch

    def roll_back(self, position: int, o0: int, n0: int) -> None:
        """Forget what was written at the place: the paragraph's own word stays there.

        The KV cells from the place on are to be dropped (from ``n_past``, by the run), and the
        token before it is decoded again (its logits were overwritten since), so copying resumes
        from ``position``.
        """
        del self.out[o0:]
        self.n_past = n0 - 1
        self.j = position
        self.place = None
        self.check = 0
        self.rejoined_at = None
        self.blocked.add(position)
        self.pending = [self.out[-1]]  # decoded again, not added again

    def safe_end(self) -> int:
        """How many ``out`` tokens can no longer be rolled back (all, once finished)."""
        if self.finished is not None:
            return len(self.out)
        if self.place is not None:
            return self.place[1]
        if self.check > 0 and self.rejoined_at is not None:
            return self.rejoined_at[1]
        return len(self.out)


def plan_places(editable: Sequence[bool], edit_share: float, rng: random.Random) -> list[int]:
    """The paragraph positions one sequence will try to reword, in order: ``edit_share`` of the editable ones."""
    return [p for p, ok in enumerate(editable) if ok and rng.random() < edit_share]


def rejoin_position(
    source: Sequence[int],
    protected: Sequence[bool],
    settings: CloseSettings,
    position: int,
    prev: int | None,
    token: int,
    written: int,
) -> int | None:
    """The paragraph position after a rejoin where ``prev, token`` are two consecutive paragraph tokens.

    The words replaced may be at most ``max_dropped`` tokens more than the ``written`` ones
    that replace them: a place rewords, it does not cut a clause.
    """
    if prev is None:
        return None
    end = min(
        len(source),
        position + 1 + settings.rejoin_window,
        position + written + settings.max_dropped + 1,
    )
    for k in range(position + 1, end):
        if source[k] == token and source[k - 1] == prev:
            return k + 1
        if protected[k - 1]:
            return None  # the words replaced would include a protected one
    return None


def sample_own(
    logits: np.ndarray,
    allowed: np.ndarray,
    ban: int | None,
    settings: CloseSettings,
    draw: np.random.Generator,
) -> tuple[int, float] | None:
    """A token of the model's own at a place and its log-probability; None when it would rather write
    what it may not (``allowed`` False, or ``ban``: the paragraph's own word)."""
    raw = np.exp(logits - logits.max(), dtype=np.float64)  # one pass over the vocabulary
    total = float(raw.sum())
    n_vocab = len(logits)
    allowed = allowed if ban is None else np.where(np.arange(n_vocab) == ban, False, allowed)
    weights = np.where(allowed, raw, 0.0)
    # of what the model would write here besides the paragraph's own word, too little may be written
    rest = total - (float(raw[ban]) if ban is not None else 0.0)
    if weights.sum() < settings.min_allowed_mass * rest:
        return None
    weights **= 1.0 / settings.temperature
    weights[weights < settings.min_p * weights.max()] = 0.0
    token = int(draw.choice(n_vocab, p=weights / weights.sum()))
    return token, float(np.log(raw[token] / total))


def log_prob(logits: np.ndarray, token: int) -> float:
    """The log-probability of ``token`` under one row of logits (the seam check)."""
    top = float(logits.max())
    return float(logits[token]) - top - float(np.log(np.exp(logits - top).sum(dtype=np.float64)))
