"""Continuous batching with the real model: a candidate stopped early gives its slot to a fresh one."""

from __future__ import annotations

import pytest

from cardwriter.generation.protocol import FINISH_EARLY, FINISH_LENGTH, FINISH_STOP, GenerationRequest, SequenceDone
from cardwriter.generation.protocol import TextPiece as Piece

from ..conftest import SOURCE

pytestmark = pytest.mark.slow

N = 3  # sequences at once
REFILLS = 2


def first_word(text: str) -> str:
    return text.split()[0] if text.split() else ""


class BannedOpening:
    """The caller's hooks: stop any candidate opening with ``banned``; refill only the slots it freed."""

    def __init__(self, banned: str) -> None:
        self.banned = banned
        self.stopped: list[int] = []
        self.refilled = 0

    def early_stop(self, index: int, text: str) -> bool:
        if first_word(text) != self.banned or (len(text.split()) < 2 and not text.endswith(" ")):
            return False  # wait until the first word is complete: "The" may become "Then"
        self.stopped.append(index)
        return True

    def want_refill(self) -> bool:
        if self.refilled < len(self.stopped):
            self.refilled += 1
            return True
        return False


def opening_of_sequence_1(engine) -> str:
    """The first word sequence 1 writes without any hook: the opening the test bans."""
    plain = GenerationRequest(source=SOURCE, n=N, seed=21, max_tokens=24)
    done = {e.index: e.text for e in engine.stream(plain) if isinstance(e, SequenceDone)}
    word = first_word(done[1])
    assert word and sum(first_word(t) == word for t in done.values()) == 1, done
    return word


def refill_run(engine, banned: str) -> tuple[list, BannedOpening]:
    hooks = BannedOpening(banned)
    request = GenerationRequest(
        source=SOURCE,
        n=N,
        seed=21,
        max_tokens=24,
        refills=REFILLS,
        early_stop=hooks.early_stop,
        want_refill=hooks.want_refill,
    )
    return list(engine.stream(request)), hooks


def test_a_stopped_candidate_ends_early_and_a_refill_takes_its_slot(engine):
    banned = opening_of_sequence_1(engine)
    events, hooks = refill_run(engine, banned)
    done = [e for e in events if isinstance(e, SequenceDone)]
    reasons = {e.index: e.finish_reason for e in done}

    assert reasons[1] == FINISH_EARLY, reasons  # the banned opening was stopped
    assert sorted(i for i, r in reasons.items() if r == FINISH_EARLY) == sorted(hooks.stopped)
    early = [e for e in done if e.finish_reason == FINISH_EARLY]
    assert all(first_word(e.text) == banned for e in early), early
    assert all(e.tokens < 24 for e in early), "stopped at its opening, not run to its budget"

    # the refill (sequence N) started only once sequence 1 had left, and wrote to its own end
    order = [(type(e), e.index) for e in events]
    assert order.index((Piece, N)) > order.index((SequenceDone, 1))
    assert reasons[N] in (FINISH_STOP, FINISH_LENGTH) or N in hooks.stopped
    refill_text = next(e.text for e in done if e.index == N)
    assert refill_text.strip(), "the refill wrote a candidate"

    # one refill per early stop (up to REFILLS), so N candidates finish properly
    assert len(done) == N + min(len(hooks.stopped), REFILLS) == len({e.index for e in done})
    finished_properly = [e for e in done if e.finish_reason in (FINISH_STOP, FINISH_LENGTH)]
    assert len(finished_properly) == N + min(len(hooks.stopped), REFILLS) - len(early)

    # never more than N sequences at once: a refill runs in a freed slot
    open_now, most = set(), 0
    for e in events:
        if isinstance(e, Piece):
            open_now.add(e.index)
        else:
            open_now.discard(e.index)
        most = max(most, len(open_now))
    assert most <= N


def test_the_same_seeds_give_the_same_texts_with_refills(engine):
    banned = opening_of_sequence_1(engine)
    first, _ = refill_run(engine, banned)
    engine.clear_cache()  # the second run decodes its prefix again: still the same texts
    again, _ = refill_run(engine, banned)

    def ends(events):
        return sorted((e.index, e.finish_reason, e.text) for e in events if isinstance(e, SequenceDone))

    assert ends(first) == ends(again)
    assert any(reason == FINISH_EARLY for _, reason, _ in ends(first))
