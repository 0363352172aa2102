"""The batch ramp with the real model: few sequences start, the others join one by one behind them."""

from __future__ import annotations

import pytest

from cardwriter.generation.protocol import GenerationRequest, SequenceDone, TextPiece

from ..conftest import SOURCE

pytestmark = pytest.mark.slow


def ramped(**kw) -> GenerationRequest:
    return GenerationRequest(**{"source": SOURCE, "n": 4, "seed": 11, "max_tokens": 8, "ramp_start": 1, **kw})


def first_piece(events: list, index: int) -> int:
    return next(at for at, e in enumerate(events) if isinstance(e, TextPiece) and e.index == index)


def done_at(events: list, index: int) -> int:
    return next(at for at, e in enumerate(events) if isinstance(e, SequenceDone) and e.index == index)


def test_sequences_join_one_by_one_and_the_first_finishes_before_the_last_starts(engine):
    events = list(engine.stream(ramped(ramp_every=4)))
    starts = [first_piece(events, i) for i in range(4)]
    assert starts == sorted(starts), starts  # they start in order, one after the other
    # sequence 3 joins at step 12, sequence 0 has spent its 8 tokens by step 8
    assert done_at(events, 0) < starts[3]
    done = {e.index: e for e in events if isinstance(e, SequenceDone)}
    assert sorted(done) == [0, 1, 2, 3] and all(d.text.strip() and d.tokens <= 8 for d in done.values())


def test_without_a_ramp_every_sequence_starts_in_the_first_step(engine):
    events = list(engine.stream(ramped(ramp_start=0)))
    pieces_before_any_end = {
        e.index for e in events[: min(done_at(events, i) for i in range(4))] if isinstance(e, TextPiece)
    }
    assert pieces_before_any_end == {0, 1, 2, 3}


def test_a_ramped_run_is_deterministic(engine):
    def texts() -> dict[int, str]:
        return {
            e.index: e.text for e in engine.stream(ramped(ramp_every=2, max_tokens=24)) if isinstance(e, SequenceDone)
        }

    first = texts()
    engine.clear_cache()
    assert texts() == first  # cold (prefix decoded) and warm (prefix reused) alike
    assert texts() == first


def test_a_ramp_stops_growing_when_the_caller_wants_no_more(engine):
    asked = []

    def want_refill() -> bool:
        asked.append(True)
        return len(asked) < 2  # one more sequence may join, then none

    events = list(engine.stream(ramped(ramp_every=2, want_refill=want_refill)))
    done = {e.index for e in events if isinstance(e, SequenceDone)}
    assert done == {0, 1}


def test_a_bad_ramp_is_refused(engine):
    with pytest.raises(ValueError, match="ramp_every"):
        list(engine.stream(ramped(ramp_every=0)))


def test_a_held_ramp_adds_nobody_until_the_hold_is_over(engine):
    events = list(engine.stream(ramped(n=3, ramp_hold=6, ramp_every=1, max_tokens=12)))
    starts = [first_piece(events, i) for i in range(3)]
    pieces_of_0_before_1 = sum(1 for e in events[: starts[1]] if isinstance(e, TextPiece) and e.index == 0)
    assert pieces_of_0_before_1 >= 6  # sequence 1 joined after the sixth step, not before
    assert starts[1] < starts[2]


def test_a_slot_left_empty_is_filled_again_when_the_caller_asks_once_more(engine):
    answers = iter([False])  # "no more" when the first sequence ends, then "yes" (StopIteration -> default)

    def want_refill() -> bool:
        return next(answers, True)

    request = ramped(ramp_start=0, n=1, refills=2, want_refill=want_refill)
    done = [e.index for e in engine.stream(request) if isinstance(e, SequenceDone)]
    assert done == [0, 1, 2]  # the batch of one ran dry, and still the caller got what it asked for next


def test_the_first_sequence_to_finish_ends_the_hold(engine):
    events = list(engine.stream(ramped(n=3, ramp_hold=1000, ramp_every=1, max_tokens=8)))
    done = {e.index for e in events if isinstance(e, SequenceDone)}
    assert done == {0, 1, 2}  # not held for 1000 steps: the ramp went on once sequence 0 was done
    assert done_at(events, 0) < first_piece(events, 1) < first_piece(events, 2)


def test_the_caller_can_hold_the_ramp_past_a_finish_and_end_it_at_will(engine):
    finished: list[int] = []

    def hold_while() -> bool:
        return len(finished) < 2  # held until two sequences are done (as a filler holds until one passes)

    request = ramped(n=3, refills=3, ramp_hold=1000, max_tokens=6, hold_while=hold_while)
    events = []
    for event in engine.stream(request):
        events.append(event)
        if isinstance(event, SequenceDone):
            finished.append(event.index)
    # one at a time while held: sequence 0 finished, the next prompt took its slot alone
    assert done_at(events, 0) < first_piece(events, 1) and done_at(events, 1) < first_piece(events, 2)
    # then the hold ended (not after 1000 steps): the batch widened, 2 and 3 ran side by side
    assert first_piece(events, 3) < done_at(events, 2)
