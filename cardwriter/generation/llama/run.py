"""One request's batched run: the shared prefix once, the tails in one batch, then one token per step.

A run is made by ``LlamaEngine.stream_prompts`` and driven by its generator:

1. ``start`` (under the engine's lock): the common token prefix of the
   prompts is held on the context's home sequence (decoded unless the cache
   already holds exactly it), copied to every working sequence, and the N
   short tails decoded together in one ``llama_decode`` with logits at each
   tail's last token. A tail that several prompts share (the same angle's
   instruction) is decoded once, but for its last token, on a sequence of its
   own (its *tail home*); a sequence with that tail starts from a copy of it
   and decodes only the last token, at the start and at every refill. A home
   is decoded when a sequence first needs it: at the start only those of the
   first batch (with a ramp of one, one home of about 18 tokens instead of four),
   so the first token comes sooner.
2. ``events``: each step samples every live sequence, emits its new text,
   retires the sequences that finished (their KV cells and sampler chain are
   freed at once, so they leave the batch), then decodes the next token of
   every live sequence in one ``llama_decode``.
3. Continuous batching: when a sequence ends (finished, or stopped early by
   the request's ``early_stop`` check) and the caller still wants candidates
   (``want_refill``), the next waiting prompt takes its slot: a copy of the
   prefix, and its tail decoded in the same ``llama_decode`` as the others'
   next tokens, so the batch stays full.
4. Ramp (``ramp_start`` > 0): only that many sequences start; after
   ``ramp_hold`` steps, or as soon as one of them finishes (not stopped
   early), or, when the caller gives ``hold_while``, as soon as that says
   False (the stack filler: once it showed a variant), one more joins every ``ramp_every`` steps (in a free
   slot, the same way as a refill) until ``n`` run at once. A step costs more
   the more sequences it holds, so the first sequences finish sooner and the
   rest arrive behind them. A slot left empty because the caller wanted no
   refill then is free again: a later step fills it if the caller asks again.

Who may touch the context. The engine's lock guards every llama.cpp call of
a run, and is never held while an event is out with the consumer. A run owns
the context from ``start`` until it ends; a newer run (from any thread) takes
the context over and *evicts* the older one: the evicted run's chains and KV
cells are freed at once, and when its consumer next asks for an event it gets
``cancelled`` ends for its open sequences, without llama.cpp being touched
again. So a consumer that stops iterating, or iterates slowly, never blocks
another request, ``close()`` or ``cancel()``.
"""

from __future__ import annotations

import threading
import time
from bisect import insort
from collections import Counter
from collections.abc import Callable, Iterator, Sequence

from cardwriter.generation.llama.context import DecodingContext
from cardwriter.generation.llama.samplers import SamplerFactory
from cardwriter.generation.llama.sequence import SequenceState
from cardwriter.generation.llama.step_sampling import StepLogits
from cardwriter.generation.presets import SamplerPreset
from cardwriter.generation.protocol import (
    FINISH_CANCELLED,
    FINISH_EARLY,
    EarlyStop,
    Event,
    TextPiece,
)

_CTX_ROUND = 256


class BatchRun:
    """Sequences generated together from prompts (as token lists) that share a prefix.

    ``width`` (default: all of them) is how many run at once; the other prompts
    wait for a slot (continuous batching). ``ramp_start`` (0: no ramp) of them
    start, and after ``ramp_hold`` steps (or the first to finish) one more every ``ramp_every``
    steps until ``width`` run.
    """

    def __init__(
        self,
        token_lists: Sequence[Sequence[int]],
        *,
        seeds: Sequence[int],
        max_tokens: Sequence[int],
        preset: SamplerPreset,
        samplers: SamplerFactory,
        piece: Callable[[int], bytes],
        lock: threading.RLock,
        stop_requested: Callable[[], bool],
        distinct_openings: bool,
        stop_at_paragraph_end: bool,
        ban_eog: bool,
        width: int | None = None,
        early_stop: EarlyStop | None = None,
        want_refill: Callable[[], bool] | None = None,
        ramp_start: int = 0,
        ramp_every: int = 1,
        ramp_hold: int = 0,
        hold_while: Callable[[], bool] | None = None,
    ) -> None:
        n = min(width or len(token_lists), len(token_lists))
        if ramp_start < 0 or ramp_every < 1 or ramp_hold < 0:
            raise ValueError(
                "ramp_start and ramp_hold must be at least 0 and ramp_every at least 1, "
                f"not {ramp_start}, {ramp_hold}, {ramp_every}"
            )
        self.token_lists = token_lists
        self.n = n  # slots: sequences at once
        self._starting = min(ramp_start, n) if ramp_start else n  # sequences in the first batch
        self._ramp_every = ramp_every
        self._ramp_hold = ramp_hold if ramp_start else 0
        self._hold_while = hold_while  # None: the hold ends at the first finish
        self._free_slots = list(range(self._starting, n))  # slots no sequence has taken yet (the ramp)
        self._steps = 0
        self._early_stop = early_stop
        self._want_refill = want_refill or (lambda: True)
        self._waiting = list(range(self._starting, len(token_lists)))  # prompts that start when a slot frees
        self._seeds = seeds
        self._max_tokens = max_tokens
        self._preset = preset
        self._samplers = samplers
        self._piece = piece
        self._eog = frozenset(samplers.eog_tokens)
        self._lock = lock
        self._stop_requested = stop_requested
        self._distinct_openings = distinct_openings
        self._stop_at_paragraph_end = stop_at_paragraph_end
        self._ban_eog = ban_eog
        self._split = samplers.split(preset, ban_eog)  # None: every token through llama_sampler_sample
        # the logits of the context's decode number N, read once a sequence of that step asked
        self._step_logits: tuple[int, StepLogits] | None = None
        # every sequence keeps a tail of at least one token, to have logits to sample from
        self.prefix = min(_common_prefix(token_lists), min(len(t) for t in token_lists) - 1)
        # tails that two or more prompts share get a home sequence each, after the n slots
        counts = Counter(tuple(t[self.prefix :]) for t in token_lists)
        shared = [tail for tail, count in counts.items() if count > 1 and len(tail) > 1]
        self._tail_homes = {tail: n + k for k, tail in enumerate(shared)}
        self._held_homes: list[int] = []  # tail homes holding cells now
        self.n_seq = n + len(shared)  # sequences the context must hold, besides the prefix's home
        lengths = sorted((len(t) + m for t, m in zip(token_lists, max_tokens, strict=True)), reverse=True)
        self.longest = lengths[0]
        self.per_seq = _round_up(self.longest + 1, _CTX_ROUND)  # cells a sequence needs of its own stream
        # of a unified stream: the n longest at once (a refill reuses the cells of the one it replaces)
        self.total = _round_up(
            self.prefix + sum(lengths[:n]) - self.prefix * n + n + sum(len(t) for t in shared), _CTX_ROUND
        )
        self.sequences: list[SequenceState] = []
        self.live: list[SequenceState] = []
        self.evicted = False
        self._ctx: DecodingContext | None = None
        self._first_tokens: list[int] = []
        self._started = 0.0

    # -- setting up (under the lock) -------------------------------------------

    def start(self, ctx: DecodingContext, reuse_prefix: bool, started: float) -> None:
        """Decode what the prompts need before the first token (the caller holds the lock)."""
        self._ctx = ctx
        self._started = started
        try:
            for s in range(self.n_seq):  # left over only if an earlier run died half-way (or a ramp's slot)
                ctx.drop(s)
            ctx.hold_prefix(self.token_lists[0][: self.prefix], reuse_prefix)
            self.sequences = [self._new_sequence(s, slot=s) for s in range(self._starting)]
            self._decode_tail_homes([seq.tail for seq in self.sequences])
            self.live = list(self.sequences)
            self._decode_tails()
        except BaseException:
            self.release()
            raise

    def _new_sequence(self, index: int, slot: int) -> SequenceState:
        tokens = self.token_lists[index]
        chain = self._samplers.chain(self._preset, self._seeds[index], self._ban_eog)
        return SequenceState(
            index, chain, self._max_tokens[index], n_past=len(tokens), slot=slot, tail=tuple(tokens[self.prefix :])
        )

    def _decode_tail_homes(self, tails: Sequence[tuple[int, ...]]) -> None:
        """Those of ``tails`` that are shared and not on their home yet, but their last token,
        each on its home sequence after a copy of the prefix (one ``llama_decode``).

        Called between steps (the last step's logits were sampled already), so the
        batch is free.
        """
        assert self._ctx is not None
        entries: list[tuple[int, int, int, bool]] = []
        for tail in dict.fromkeys(tails):
            home = self._tail_homes.get(tail)
            if home is None or home in self._held_homes:
                continue
            self._held_homes.append(home)
            self._ctx.share_prefix(home)
            entries.extend((token, self.prefix + p, home, False) for p, token in enumerate(tail[:-1]))
        if entries:
            self._ctx.fill(entries)
            self._ctx.decode()

    def _decode_tails(self) -> None:
        """Every sequence starts from a copy of the prefix; all tails then go in one batch."""
        assert self._ctx is not None
        entries: list[tuple[int, int, int, bool]] = []
        for seq in self.sequences:
            self._add_tail(seq, entries)
        self._ctx.fill(entries)
        self._ctx.decode()

    def _add_tail(self, seq: SequenceState, entries: list[tuple[int, int, int, bool]]) -> None:
        """Give ``seq``'s slot a copy of the prefix and put its prompt tail in ``entries``.

        A shared tail is on its home but for its last token (decoded there first if no
        sequence needed it before): the slot gets a copy of the home, and only that
        token goes in.
        """
        assert self._ctx is not None
        home = self._tail_homes.get(seq.tail)
        if home is not None:
            self._decode_tail_homes([seq.tail])  # the first sequence with this tail: its home now
            self._ctx.copy(home, seq.slot)
            entries.append((seq.tail[-1], seq.n_past - 1, seq.slot, True))
        else:
            self._ctx.share_prefix(seq.slot)
            start = seq.n_past - len(seq.tail)
            last = len(seq.tail) - 1  # logits only at the tail's last token
            entries.extend((token, start + p, seq.slot, p == last) for p, token in enumerate(seq.tail))
        seq.row = len(entries) - 1
        seq.tail = ()

    # -- the step loop ----------------------------------------------------------

    def events(self) -> Iterator[Event]:
        """Sample each live sequence, emit its piece, retire it if finished; decode the next batch."""
        while self.live:
            for seq in list(self.live):
                token = self._sample(seq)
                if token is None:  # cancelled, or a newer run took the context
                    yield from self._cancel_live()
                    return
                text = seq.take(token, None if token in self._eog else self._piece(token), self._stop_at_paragraph_end)
                if (
                    text
                    and seq.finish_reason is None
                    and self._early_stop is not None
                    and self._early_stop(seq.index, seq.text)
                ):
                    seq.finish_reason = FINISH_EARLY
                if text:
                    yield TextPiece(seq.index, text)
                if seq.finish_reason is not None:
                    if seq.finish_reason != FINISH_EARLY and self._hold_while is None:
                        self._ramp_hold = min(self._ramp_hold, self._steps)  # a finished one ends the hold
                    self._retire(seq)
                    yield seq.done(seq.finish_reason, self._elapsed())
            self._decode_next()

    def _sample(self, seq: SequenceState) -> int | None:
        """The next token of ``seq``; None when the run must stop (checked before every token)."""
        with self._lock:
            if self.evicted or self._stop_requested():
                return None
            assert self._ctx is not None and seq.chain is not None
            if seq.tokens > 0 and self._split is not None and self._ctx.step_rows:
                if self._step_logits is None or self._step_logits[0] != self._ctx.decodes:
                    step = self._samplers.step_logits(self._ctx.ctx, self._ctx.step_rows)
                    self._step_logits = (self._ctx.decodes, step)
                token = self._samplers.step.sample(seq.chain, self._split, self._step_logits[1], seq.row)
            elif seq.tokens > 0:
                token = self._samplers.sample(seq.chain, self._ctx.ctx, seq.row)
            else:
                # the first token: never end-of-generation, never a sibling's first token
                taken = self._first_tokens if self._distinct_openings else ()
                token = self._samplers.sample_first(seq.chain, self._ctx.ctx, seq.row, taken)
                self._first_tokens.append(token)
            if token not in self._eog:  # read now: the next decode overwrites the row
                seq.log_prob_sum += self._samplers.log_prob(self._ctx.ctx, seq.row, token)
            return token

    def _decode_next(self) -> None:
        """Decode the token each live sequence just took, all in one batch."""
        with self._lock:
            if self.evicted:
                return
            assert self._ctx is not None
            self._steps += 1
            self._ramp_up()
            if not self.live:
                return
            entries: list[tuple[int, int, int, bool]] = []
            for seq in self.live:
                if seq.tail:  # joined the batch in a freed slot: its prompt tail first
                    self._add_tail(seq, entries)
                else:
                    entries.append((seq.next_token, seq.n_past, seq.slot, True))
                    seq.row = len(entries) - 1
                    seq.n_past += 1
            self._ctx.fill(entries)
            self._ctx.decode()

    def _ramp_up(self) -> None:
        """After ``ramp_hold`` steps, on every ``ramp_every``-th, one waiting prompt joins in a free slot.

        Also the way back for a slot left empty when the caller wanted no refill: if it asks
        again later, a step fills it (at once when nothing else runs).
        """
        if self._hold_while is not None and self._steps < self._ramp_hold and not self._hold_while():
            self._ramp_hold = self._steps
        held = self._steps - self._ramp_hold
        if not self._free_slots or not self._waiting:
            return
        if self.live and (held < 0 or held % self._ramp_every):  # an empty batch refills at once
            return
        if self._want_refill():
            fresh = self._new_sequence(self._waiting.pop(0), slot=self._free_slots.pop(0))
            self.sequences.append(fresh)
            self.live.append(fresh)

    def _retire(self, seq: SequenceState) -> None:
        """A finished sequence leaves the batch and frees its KV cells and sampler chain.

        A waiting prompt takes its slot when the caller still wants candidates.
        """
        with self._lock:
            self._free(seq)
            at = self.live.index(seq)
            if self._waiting and not self.evicted and self._want_refill():
                fresh = self._new_sequence(self._waiting.pop(0), slot=seq.slot)
                self.sequences.append(fresh)
                self.live[at] = fresh
                return
            del self.live[at]
            insort(self._free_slots, seq.slot)  # a later step may fill it, if the caller asks again

    def _cancel_live(self) -> Iterator[Event]:
        with self._lock:
            for seq in self.live:
                self._free(seq)
        ending, self.live = self.live, []
        for seq in ending:
            yield seq.done(FINISH_CANCELLED, self._elapsed())

    def _elapsed(self) -> float:
        return time.perf_counter() - self._started

    # -- ending (under the lock) ------------------------------------------------

    def release(self) -> None:
        """Free every chain and KV cell the run still holds (the caller holds the lock)."""
        for seq in self.sequences:
            self._free(seq)
        if self._ctx is not None:  # once only: after an eviction these sequences are another run's
            for home in self._held_homes:
                self._ctx.drop(home)
        self._held_homes = []

    def evict(self) -> None:
        """A newer run takes the context: free what this run holds; its open sequences end cancelled."""
        self.release()
        self.evicted = True

    def _free(self, seq: SequenceState) -> None:
        if seq.chain is not None:
            self._samplers.free(seq.chain)
            seq.chain = None
            if self._ctx is not None:
                self._ctx.drop(seq.slot)


def _round_up(value: int, step: int) -> int:
    return -(-value // step) * step


def _common_prefix(token_lists: Sequence[Sequence[int]]) -> int:
    first = token_lists[0]
    n = min(len(t) for t in token_lists)
    for i in range(n):
        t = first[i]
        if any(other[i] != t for other in token_lists[1:]):
            return i
    return n
