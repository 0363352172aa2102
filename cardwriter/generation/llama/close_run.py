"""Close rewrites: the paragraph copied token by token, reworded by the model at a few places.

A small model asked to rewrite a paragraph freely changes who did what, invents
people and numbers, and drifts (SmolLM2-135M: none of 100 free rewrites a writer
would keep, by labels on the tune half). Copying is what it does reliably, and in
the middle of a copy it proposes good local rewordings. So a close rewrite runs
the rewrite prompt, but answers it with the paragraph's own tokens, and:

1. at some word starts (``edit_share`` of the editable ones, planned per
   sequence from its seed) the source's next word is banned and the model writes
   its own words instead, one token a step;
2. as soon as its last two tokens are two consecutive tokens of the paragraph a
   little further on (within ``rejoin_window``), it *rejoins* the paragraph there:
   what it wrote replaced the words in between;
3. the model checks the seam itself: if it finds one of the next ``join_check``
   paragraph tokens after the rejoin less likely than ``min_join_log_prob``, or it
   wrote ``max_free`` tokens without rejoining, the place is *rolled back* (its KV
   cells dropped, the paragraph's own word kept).

What the model writes at a place can never start a name or a number the paragraph
lacks: tokens beginning with a capital letter or a digit are banned there unless
the paragraph has them. Names, numbers and capitalised words of the paragraph are
never places to edit. Copying is decoded many tokens at once (a span up to the
next place in one batch row each), so a close rewrite costs little more than the
tokens the model writes itself.

``CloseRun`` has ``BatchRun``'s shape (``start``, ``events``, ``release``,
``evict``) so the engine drives both the same way. The rules for a place (its
settings, sampling, rejoining) and each sequence's state are in ``close_places``;
which words may be reworded at all, in ``close_words``.
"""

from __future__ import annotations

import ctypes
import random
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from types import ModuleType

import numpy as np

from cardwriter.generation.llama.close_places import (
    CloseSequence,
    CloseSettings,
    log_prob,
    plan_places,
    rejoin_position,
    sample_own,
)
from cardwriter.generation.llama.context import DecodingContext
from cardwriter.generation.llama.run import _CTX_ROUND, _common_prefix, _round_up
from cardwriter.generation.protocol import (
    FINISH_CANCELLED,
    FINISH_EARLY,
    FINISH_STOP,
    EarlyStop,
    Event,
    SequenceDone,
    TextPiece,
)

MAX_COPY_SPAN = 32  # paragraph tokens one sequence decodes in one step


class CloseRun:
    """Close rewrites of ``source`` for each prompt, all in one batch per step."""

    def __init__(
        self,
        lib: ModuleType,
        token_lists: Sequence[Sequence[int]],
        *,
        source: Sequence[int],
        seeds: Sequence[int],
        n_vocab: int,
        piece: Callable[[int], bytes],
        allowed_new: np.ndarray,
        editable: Sequence[bool],
        protected: Sequence[bool],
        lock: threading.RLock,
        stop_requested: Callable[[], bool],
        settings: CloseSettings = CloseSettings(),
        early_stop: EarlyStop | None = None,
        eog: Sequence[int] = (),
        ramp_start: int = 0,
        ramp_hold: int = 0,
    ) -> None:
        """``allowed_new``: a bool per vocabulary token, whether the model may write it at a place
        (no capital or digit the paragraph lacks); ``editable``: per paragraph token, whether a place
        may start there (a lower-case word start, not the first); ``ramp_start`` (0: all) sequences
        start, the others join when the first finishes or after ``ramp_hold`` steps (a step of one
        costs a fraction of a step of sixteen: the first variant comes sooner); ``protected``: per paragraph token,
        whether the model's words may never replace it (a name, a number, a pronoun, a negation)."""
        self._lib = lib
        self.source = list(source)
        self.n_vocab = n_vocab
        self._piece = piece
        self._allowed = allowed_new.copy()
        for t in eog:
            self._allowed[t] = False
        self._editable = list(editable)
        self._protected = list(protected)
        self._lock = lock
        self._stop_requested = stop_requested
        self.settings = settings
        self._early_stop = early_stop
        # every sequence keeps a tail of at least one token, to have logits to sample its first token from
        self.prefix = min(_common_prefix(token_lists), min(len(t) for t in token_lists) - 1)
        self.sequences = [
            CloseSequence(
                index=i,
                slot=i,
                prompt=list(tokens),
                rng=random.Random(seed),
                draw=np.random.default_rng(seed),
                plan=plan_places(self._editable, settings.edit_share, random.Random(seed ^ 0x5EED)),
            )
            for i, (tokens, seed) in enumerate(zip(token_lists, seeds, strict=True))
        ]
        first = ramp_start if 0 < ramp_start < len(self.sequences) else len(self.sequences)
        self.live = self.sequences[:first]
        self._waiting = self.sequences[first:]
        self._ramp_hold = ramp_hold
        self._steps = 0
        n = len(self.sequences)
        self.n_seq = n
        self.n_outputs = 2 * n + 1  # logit rows a decode: a span's first and last token, per sequence
        budget = 2 * len(self.source) + settings.max_free + 8
        self.longest = max(len(t) for t in token_lists) + budget
        self.per_seq = _round_up(self.longest + 1, _CTX_ROUND)
        self.total = _round_up(self.prefix + sum(len(t) - self.prefix + budget for t in token_lists) + n, _CTX_ROUND)
        self.evicted = False
        self._ctx: DecodingContext | None = None
        self._started = 0.0
        self._budget = budget

    # -- setting up (under the lock) ------------------------------------------

    def start(self, ctx: DecodingContext, reuse_prefix: bool, started: float) -> None:
        self._ctx = ctx
        self._started = started
        try:
            for s in range(self.n_seq):
                ctx.drop(s)
            ctx.hold_prefix(self.sequences[0].prompt[: self.prefix], reuse_prefix)
            entries: list[tuple[int, int, int, bool]] = []
            for seq in self.live:
                self._add_tail(seq, entries)
            ctx.fill(entries)
            ctx.decode()
        except BaseException:
            self.release()
            raise

    def _add_tail(self, seq: CloseSequence, entries: list[tuple[int, int, int, bool]]) -> None:
        """Give ``seq``'s slot a copy of the prefix and put its prompt tail in ``entries`` (logits at its end)."""
        assert self._ctx is not None
        self._ctx.share_prefix(seq.slot)
        tail = seq.prompt[self.prefix :]
        for p, token in enumerate(tail):
            entries.append((token, self.prefix + p, seq.slot, p == len(tail) - 1))
        seq.n_past = len(seq.prompt)
        seq.rows = {0: len(entries) - 1}
        seq.pending = [tail[-1]]  # as if it had just been decoded: its logits choose the first token
        seq.joining = False

    def _ramp_up(self, finished: bool) -> None:
        """The waiting sequences join once one has finished or the hold is over."""
        if self._waiting and (finished or self._steps >= self._ramp_hold):
            for seq in self._waiting:
                seq.joining = True
            self.live.extend(self._waiting)
            self._waiting = []

    # -- the step loop ------------------------------------------------------

    def events(self) -> Iterator[Event]:
        while self.live:
            with self._lock:
                if self.evicted or self._stop_requested():
                    stop = True
                else:
                    stop = False
                    for seq in self.live:
                        if not seq.joining:
                            self._advance(seq)
            if stop:
                yield from self._cancel_live()
                return
            for seq in [s for s in self.live if not s.joining]:
                text = self._commit(seq)
                if text:
                    if self._early_stop is not None and seq.finished is None:
                        if self._early_stop(seq.index, self._text(seq.out[: seq.committed])):
                            seq.finished = FINISH_EARLY
                    yield TextPiece(seq.index, text)
                if seq.finished is not None:
                    with self._lock:
                        self._free(seq)
                    self.live.remove(seq)
                    self._ramp_up(finished=True)
                    yield self._done(seq)
            self._steps += 1
            self._ramp_up(finished=False)
            self._decode_next()

    def _advance(self, seq: CloseSequence) -> None:
        """Read the logits of ``seq``'s last batch entries and choose what goes in the next batch."""
        assert self._ctx is not None
        s = self.settings
        rows = seq.rows
        # the tokens decoded last step were chosen already: the second of a span after a rejoin is
        # checked against the first's logits
        if seq.check > 0 and seq.place is None and len(seq.pending) > 1 and 0 in rows:
            seq.check -= 1
            if self._log_prob(rows[0], seq.pending[1]) < s.min_join_log_prob:
                self._roll_back_rejoin(seq)
                return
        last_row = rows[len(seq.pending) - 1]
        seq.pending, seq.rows = [], {}
        if len(seq.out) >= self._budget:
            seq.finished = FINISH_STOP
            return
        if seq.place is not None:  # rewording: one token of the model's own
            position, o0, n0, written = seq.place
            token = self._sample(seq, last_row, ban=None)
            if token is None:
                self._roll_back(seq, position, o0, n0)
                return
            prev = seq.out[-1] if len(seq.out) > o0 else None
            rejoin = rejoin_position(self.source, self._protected, s, position, prev, token, written + 1)
            if rejoin is not None:
                seq.rejoined_at = (position, o0, n0)
                seq.place = None
                seq.edits += 1
                seq.j = rejoin
                seq.check = s.join_check
            elif written + 1 > s.max_free:
                self._roll_back(seq, position, o0, n0)
                return
            else:
                seq.place = (position, o0, n0, written + 1)
            self._push(seq, [token])
            return
        if seq.j >= len(self.source):
            seq.finished = FINISH_STOP
            return
        while seq.plan and (seq.plan[0] < seq.j or seq.plan[0] in seq.blocked):
            seq.plan.pop(0)
        if seq.plan and seq.plan[0] == seq.j and seq.check == 0:
            seq.plan.pop(0)
            token = self._sample(seq, last_row, ban=self.source[seq.j])
            if token is not None:  # else the model sees no other word here: copy on
                seq.place = (seq.j, len(seq.out), seq.n_past, 1)
                self._push(seq, [token])
                return
        stop = max(seq.plan[0] if seq.plan else len(self.source), seq.j + 1)  # a place waits for the seam check
        span = self.source[seq.j : min(stop, seq.j + MAX_COPY_SPAN)]
        if seq.check > 0:
            # the first paragraph token after a rejoin: its log-prob from this row
            lp = self._log_prob(last_row, span[0])
            seq.check -= 1
            if lp < s.min_join_log_prob:
                self._roll_back_rejoin(seq)
                return
        first_lp = self._log_prob(last_row, span[0])
        seq.j += len(span)
        self._push(seq, span, first_lp)

    def _push(self, seq: CloseSequence, tokens: list[int], first_lp: float | None = None) -> None:
        seq.pending = tokens
        seq.out.extend(tokens)
        if first_lp is not None:
            seq.log_probs.append(first_lp)

    def _roll_back(self, seq: CloseSequence, position: int, o0: int, n0: int) -> None:
        """Forget what was written at the place (``CloseSequence.roll_back``) and drop its KV cells."""
        assert self._ctx is not None and o0 >= 1
        seq.roll_back(position, o0, n0)
        self._ctx.drop_from(seq.slot, seq.n_past)

    def _roll_back_rejoin(self, seq: CloseSequence) -> None:
        assert seq.rejoined_at is not None
        position, o0, n0 = seq.rejoined_at
        seq.edits -= 1
        self._roll_back(seq, position, o0, n0)

    def _sample(self, seq: CloseSequence, row: int, ban: int | None) -> int | None:
        """A token of the model's own at a place; None when it would rather write what it may not."""
        chosen = sample_own(self._row(row), self._allowed, ban, self.settings, seq.draw)
        if chosen is None:
            return None
        token, lp = chosen
        seq.log_probs.append(lp)
        return token

    def _row(self, row: int) -> np.ndarray:
        assert self._ctx is not None
        pointer = ctypes.cast(self._lib.llama_get_logits_ith(self._ctx.ctx, row), ctypes.POINTER(ctypes.c_float))
        return np.ctypeslib.as_array(pointer, shape=(self.n_vocab,))

    def _log_prob(self, row: int, token: int) -> float:
        return log_prob(self._row(row), token)

    def _decode_next(self) -> None:
        with self._lock:
            if self.evicted or not self.live:
                return
            assert self._ctx is not None
            entries: list[tuple[int, int, int, bool]] = []
            for seq in self.live:
                if seq.joining:
                    self._add_tail(seq, entries)
                    continue
                seq.rows = {}
                last = len(seq.pending) - 1
                for k, token in enumerate(seq.pending):
                    wants = k == last or (k == 0 and seq.check > 0)  # the seam check needs the first row
                    if wants:
                        seq.rows[k] = len(entries)
                    entries.append((token, seq.n_past, seq.slot, wants))
                    seq.n_past += 1
            if entries:
                self._ctx.fill(entries)
                self._ctx.decode()

    def _commit(self, seq: CloseSequence) -> str:
        """Text that can no longer be rolled back, not streamed yet."""
        safe = seq.safe_end()
        if safe <= seq.committed:
            return ""
        text = self._text(seq.out[seq.committed : safe])
        seq.committed = safe
        return text

    def _text(self, tokens: Sequence[int]) -> str:
        return b"".join(self._piece(t) for t in tokens).decode("utf-8", errors="replace")

    def _done(self, seq: CloseSequence) -> SequenceDone:
        text = self._text(seq.out).strip()
        mean = sum(seq.log_probs) / len(seq.log_probs) if seq.log_probs else None
        return SequenceDone(
            seq.index, text, len(seq.out), seq.finished or FINISH_STOP, time.perf_counter() - self._started, mean
        )

    def _cancel_live(self) -> Iterator[Event]:
        with self._lock:
            for seq in self.live:
                self._free(seq)
        ending, self.live, self._waiting = self.live + self._waiting, [], []
        for seq in ending:
            seq.finished = FINISH_CANCELLED
            yield self._done(seq)

    # -- ending (under the lock) ------------------------------------------------

    def release(self) -> None:
        for seq in self.sequences:
            self._free(seq)

    def evict(self) -> None:
        self.release()
        self.evicted = True

    def _free(self, seq: CloseSequence) -> None:
        if self._ctx is not None and not self.evicted:
            self._ctx.drop(seq.slot)
