import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from cardwriter.embedding.selection import mmr_select

E = np.eye(4)


def unit(v):
    v = np.asarray(v, dtype=float)
    return v / np.linalg.norm(v)


# Source e0. Candidates 0 and 1 are almost the same and both very relevant; 2 is a little
# less relevant but points elsewhere.
CANDS = np.array(
    [
        unit(0.9 * E[0] + 0.436 * E[1]),
        unit(0.9 * E[0] + 0.42 * E[1] + 0.05 * E[2]),
        unit(0.8 * E[0] + 0.6 * E[2]),
    ]
)


def test_first_pick_is_the_most_relevant():
    assert mmr_select(CANDS, E[0], 1) == [1]  # slightly more relevant than 0


def test_diversity_beats_a_near_duplicate_of_the_first_pick():
    assert mmr_select(CANDS, E[0], 2, lambda_=0.5) == [1, 2]


def test_lambda_one_is_ranking_by_relevance():
    relevance = CANDS @ E[0]
    assert mmr_select(CANDS, E[0], 3, lambda_=1.0) == list(np.argsort(-relevance, kind="stable"))


def test_existing_stack_items_count_as_picked():
    # The stack already holds something in candidate 2's direction: 0 is least like it.
    picks = mmr_select(CANDS, E[0], 1, lambda_=0.5, existing=np.array([unit(E[0] + E[2])]))
    assert picks == [0]
    # The stack already holds something like candidates 0 and 1: 2 comes first.
    picks = mmr_select(CANDS, E[0], 1, lambda_=0.3, existing=np.array([unit(0.9 * E[0] + 0.43 * E[1])]))
    assert picks == [2]


def test_ties_go_to_the_lowest_index():
    same = np.array([E[1], E[1], E[1]])
    assert mmr_select(same, E[0], 3) == [0, 1, 2]


def test_edge_cases():
    assert mmr_select(CANDS, E[0], 0) == []
    assert sorted(mmr_select(CANDS, E[0], 10)) == [0, 1, 2]
    assert mmr_select(np.zeros((0, 4)), E[0], 3) == []
    with pytest.raises(ValueError):
        mmr_select(CANDS, E[0], 2, lambda_=1.5)


unit_rows = arrays(np.float64, st.tuples(st.integers(1, 12), st.just(5)), elements=st.floats(-1, 1)).filter(
    lambda a: np.all(np.linalg.norm(a, axis=1) > 1e-3)
)


@settings(max_examples=80, deadline=None)
@given(unit_rows, st.integers(-2, 15), st.floats(0, 1))
def test_returns_min_k_n_distinct_valid_indices(cands, k, lam):
    cands = cands / np.linalg.norm(cands, axis=1, keepdims=True)
    picks = mmr_select(cands, unit(np.ones(5)), k, lambda_=lam)
    assert len(picks) == min(max(k, 0), len(cands))
    assert len(set(picks)) == len(picks)
    assert all(0 <= i < len(cands) for i in picks)


@settings(max_examples=40, deadline=None)
@given(unit_rows, st.integers(1, 12))
def test_deterministic(cands, k):
    cands = cands / np.linalg.norm(cands, axis=1, keepdims=True)
    assert mmr_select(cands, unit(np.ones(5)), k) == mmr_select(cands.copy(), unit(np.ones(5)), k)


def test_closeness_as_a_third_term_changes_which_candidates_are_picked():
    """Two equally relevant, equally novel candidates: without closeness the first wins the tie;
    with it the one closer to the writer's voice is picked instead (the selection, not only the order)."""
    source = np.array([1.0, 0.0, 0.0])
    a = np.array([0.8, 0.6, 0.0])
    b = np.array([0.8, -0.6, 0.0])
    candidates = np.vstack([a, b])
    assert mmr_select(candidates, source, 1, lambda_=0.5) == [0]
    closeness = np.array([0.2, 0.9])
    assert mmr_select(candidates, source, 1, lambda_=0.5, closeness=closeness, closeness_weight=0.3) == [1]
    assert mmr_select(candidates, source, 1, lambda_=0.5, closeness=closeness, closeness_weight=0.0) == [0]
