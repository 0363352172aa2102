"""A close rewrite's places without a model: planning, rejoining, sampling, rolling back."""

from __future__ import annotations

import math
import random

import numpy as np

from cardwriter.generation.llama.close_places import (
    CloseSequence,
    CloseSettings,
    log_prob,
    plan_places,
    rejoin_position,
    sample_own,
)

SOURCE = [10, 11, 12, 13, 14, 15, 16]


def test_places_are_planned_among_the_editable_positions_only():
    editable = [False, True, True, False, True, True, True]
    assert plan_places(editable, 1.0, random.Random(1)) == [1, 2, 4, 5, 6]
    assert plan_places(editable, 0.0, random.Random(1)) == []
    assert set(plan_places(editable, 0.5, random.Random(7))) <= {1, 2, 4, 5, 6}


def test_a_rejoin_lands_after_two_consecutive_paragraph_tokens():
    free = [False] * len(SOURCE)
    settings = CloseSettings()
    assert rejoin_position(SOURCE, free, settings, 1, 12, 13, written=1) == 4
    assert rejoin_position(SOURCE, free, settings, 1, None, 13, written=1) is None  # nothing written before
    assert rejoin_position(SOURCE, free, settings, 1, 12, 99, written=1) is None


def test_a_rejoin_may_not_drop_a_protected_token_nor_too_many():
    free = [False] * len(SOURCE)
    guarded = [False, False, True, False, False, False, False]  # the token at 2 is a name, say
    assert rejoin_position(SOURCE, free, CloseSettings(), 1, 13, 14, written=1) == 5
    assert rejoin_position(SOURCE, guarded, CloseSettings(), 1, 13, 14, written=1) is None
    # three written tokens replace four paragraph tokens (1 to 4): one more than max_dropped 0 allows
    assert rejoin_position(SOURCE, free, CloseSettings(), 1, 14, 15, written=3) == 6
    assert rejoin_position(SOURCE, free, CloseSettings(max_dropped=0), 1, 14, 15, written=3) is None


def test_log_prob_is_a_log_softmax():
    logits = np.array([0.0, math.log(3.0)], dtype=np.float32)
    assert math.isclose(log_prob(logits, 1), math.log(0.75), rel_tol=1e-6)


def test_sampling_keeps_to_the_allowed_tokens_and_gives_up_when_they_hold_too_little():
    logits = np.array([5.0, 5.0, 0.0, 0.0], dtype=np.float32)
    allowed = np.array([True, True, False, True])
    draw = np.random.default_rng(1)
    for _ in range(20):
        chosen = sample_own(logits, allowed, ban=0, settings=CloseSettings(), draw=draw)
        assert chosen is not None and chosen[0] == 1  # the ban and the tiny ones are never written
        assert math.isclose(chosen[1], log_prob(logits, 1), rel_tol=1e-5)
    only_unlikely = np.array([False, False, False, True])
    assert sample_own(logits, only_unlikely, ban=None, settings=CloseSettings(), draw=draw) is None


def test_a_roll_back_forgets_the_place_and_keeps_the_paragraph_word():
    seq = CloseSequence(0, 0, [1, 2], random.Random(0), np.random.default_rng(0), plan=[])
    seq.out = [10, 11, 90, 91]
    seq.place, seq.n_past, seq.j = (2, 2, 5, 2), 7, 2
    assert seq.safe_end() == 2  # the open place can still be rolled back
    seq.roll_back(2, 2, 5)
    assert (seq.out, seq.n_past, seq.j, seq.place, seq.pending) == ([10, 11], 4, 2, None, [11])
    assert 2 in seq.blocked and seq.safe_end() == 2
