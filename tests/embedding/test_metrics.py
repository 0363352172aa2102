import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from cardwriter.embedding.metrics import (
    collapse_rate,
    collapsed,
    distinct_n,
    mean_pairwise_cosine,
    repetition_rate,
    self_bleu,
    sentence_bleu,
    top_k_overrepresentation,
    top_tokens,
    usable_distinct,
    usable_mask,
    vendi_score,
)
from cardwriter.embedding.tokens import words


def unit(v):
    v = np.asarray(v, dtype=float)
    return v / np.linalg.norm(v)


E = np.eye(5)

# ----------------------------------------------------------------------------- distinct-n


def test_distinct_n_by_hand():
    # bigrams: (a b) (b c) (a b) (b d) -> 3 distinct of 4
    assert distinct_n(["a b c", "a b d"], 2) == 3 / 4
    assert distinct_n(["The cat.", "the dog"], 1) == 3 / 4
    assert distinct_n(["a b", "c d"], 2) == 1.0  # n-grams never span texts
    assert math.isnan(distinct_n(["a", "b"], 2))


# ----------------------------------------------------------------------------- BLEU


def test_sentence_bleu_by_hand():
    hyp = words("the cat sat on the mat")
    ref = words("the cat sat on a mat")
    # p1 = 5/6 (clipped "the"), p2 = (3+1)/(5+1), p3 = (2+1)/(4+1), p4 = (1+1)/(3+1), BP = 1
    expected = (5 / 6 * 4 / 6 * 3 / 5 * 2 / 4) ** 0.25
    assert sentence_bleu(hyp, [ref]) == pytest.approx(expected)


def test_sentence_bleu_brevity_penalty_and_edges():
    # every n-gram of "the cat" matches; higher orders have 0/0 -> (0+1)/(0+1) = 1
    assert sentence_bleu(["the", "cat"], [words("the cat sat on the mat")]) == pytest.approx(math.exp(1 - 6 / 2))
    assert sentence_bleu(["x"], [["y"]]) == 0.0
    assert sentence_bleu([], [["y"]]) == 0.0
    assert sentence_bleu(["a", "b", "c", "d"], [["a", "b", "c", "d"]]) == 1.0


def test_sentence_bleu_clips_against_the_best_reference():
    # "the the the": reference 2 holds "the" twice, so 2 of 3 unigrams match
    score = sentence_bleu(["the", "the", "the"], [["the", "cat", "x"], ["the", "the", "y"]], max_n=1)
    assert score == pytest.approx(2 / 3)


def test_self_bleu_extremes():
    assert self_bleu(["a b c d e", "a b c d e", "a b c d e"]) == pytest.approx(1.0)
    assert self_bleu(["a b c d", "e f g h", "i j k l"]) == 0.0
    assert math.isnan(self_bleu(["only one"]))
    assert 0 < self_bleu(["the cat sat on the mat", "the cat sat on a mat"]) < 1


# ----------------------------------------------------------------------------- repetition


def test_repetition_rate_by_hand():
    # "a b c d a b c d": 5 four-grams, 4 distinct -> 0.2; "x y z" has none -> 0
    assert repetition_rate(["a b c d a b c d", "x y z"]) == pytest.approx(0.1)
    assert math.isnan(repetition_rate([]))


# ----------------------------------------------------------------------------- top-k tokens


def test_top_tokens_ties_broken_by_first_occurrence():
    assert top_tokens("b a a b c", k=3) == ["b", "a", "c"]
    assert top_tokens("The cat and the dog and THE bird", k=2) == ["the", "and"]


def test_top_k_overrepresentation_by_hand():
    source = "the cat and the dog and the bird"  # top-2 {the, and}: 5 of 8 tokens
    variants = ["The the and cat"]  # 3 of 4 tokens
    assert top_k_overrepresentation(source, variants, k=2) == pytest.approx((3 / 4 - 5 / 8) / (5 / 8))
    assert top_k_overrepresentation(source, [source], k=2) == 0.0
    assert top_k_overrepresentation(source, ["cat dog bird"], k=2) == -1.0


def test_top_k_overrepresentation_against_an_explicit_reference():
    source = "the cat and the dog and the bird"
    reference = ["the owl and a fox"]  # 2 of 5 -> 0.4
    assert top_k_overrepresentation(source, ["the the and cat"], reference, k=2) == pytest.approx((0.75 - 0.4) / 0.4)
    assert math.isnan(top_k_overrepresentation(source, [""], k=2))
    assert math.isnan(top_k_overrepresentation(source, ["x"], ["owl fox"], k=2))


# ----------------------------------------------------------------------------- cosine metrics


def test_mean_pairwise_cosine_by_hand():
    rows = np.array([[1, 0], [0, 1], [1, 1]], dtype=float)  # cosines 0, 1/sqrt2, 1/sqrt2
    assert mean_pairwise_cosine(rows) == pytest.approx(math.sqrt(2) / 3)
    assert mean_pairwise_cosine(np.array([[2.0, 0], [5.0, 0]])) == pytest.approx(1.0)
    assert math.isnan(mean_pairwise_cosine(np.array([[1.0, 0]])))


def test_vendi_identical_orthogonal_and_a_pair():
    assert vendi_score(np.tile(E[0], (6, 1))) == pytest.approx(1.0)
    assert vendi_score(E[:4]) == pytest.approx(4.0)
    # two rows at cosine 0.5: eigenvalues of K/2 are 0.75 and 0.25
    pair = np.array([E[0], 0.5 * E[0] + math.sqrt(0.75) * E[1]])
    expected = math.exp(-(0.75 * math.log(0.75) + 0.25 * math.log(0.25)))
    assert vendi_score(pair) == pytest.approx(expected)
    assert vendi_score(E[:1]) == pytest.approx(1.0)


def test_vendi_rejects_zero_rows():
    with pytest.raises(ValueError):
        vendi_score(np.zeros((2, 3)))


def test_collapse_and_collapse_rate():
    tight = np.array([unit(E[0] + 0.1 * E[i]) for i in (1, 2, 3)])  # pairwise cos ~0.99
    spread = E[:3]
    assert collapsed(tight) and not collapsed(spread)
    assert collapse_rate([tight, spread, E[:1]]) == 0.5  # the single-variant group is left out
    assert math.isnan(collapse_rate([E[:1]]))


def test_collapse_threshold_is_strictly_greater_than():
    c = 0.8
    pair = np.array([E[0], c * E[0] + math.sqrt(1 - c * c) * E[1]])
    assert not collapsed(pair, threshold=0.8 + 1e-9)
    assert collapsed(pair, threshold=0.8 - 1e-9)


finite_rows = arrays(np.float64, st.tuples(st.integers(1, 10), st.just(4)), elements=st.floats(-1, 1)).filter(
    lambda a: np.all(np.linalg.norm(a, axis=1) > 1e-2)
)


@settings(max_examples=100, deadline=None)
@given(finite_rows)
def test_vendi_is_within_one_and_n(rows):
    score = vendi_score(rows)
    assert 1 - 1e-6 <= score <= len(rows) + 1e-6


@settings(max_examples=60, deadline=None)
@given(finite_rows, st.randoms(use_true_random=False))
def test_embedding_metrics_ignore_order(rows, rnd):
    perm = list(range(len(rows)))
    rnd.shuffle(perm)
    assert vendi_score(rows[perm]) == pytest.approx(vendi_score(rows), rel=1e-6)
    if len(rows) > 1:
        assert mean_pairwise_cosine(rows[perm]) == pytest.approx(mean_pairwise_cosine(rows), rel=1e-6, abs=1e-9)


sentences = st.lists(st.text(alphabet="abcde ", min_size=0, max_size=30), min_size=2, max_size=6)


@settings(max_examples=60, deadline=None)
@given(sentences, st.randoms(use_true_random=False))
def test_text_metrics_ignore_order(texts, rnd):
    shuffled = list(texts)
    rnd.shuffle(shuffled)
    for metric in (distinct_n, self_bleu, repetition_rate):
        a, b = metric(texts), metric(shuffled)
        assert (math.isnan(a) and math.isnan(b)) or a == pytest.approx(b)


# ----------------------------------------------------------------------------- usable distinct

SOURCE = " ".join(f"s{i}" for i in range(30))  # 30 words: variants need at least 10


def variant(tag, n=12):
    return " ".join(f"{tag}{i}" for i in range(n))


def at_cos(c, direction):
    """A unit vector at cosine c to the source (e0), leaning towards ``direction``."""
    return c * E[0] + math.sqrt(1 - c * c) * unit(direction)


def test_usable_distinct_by_hand():
    texts = [
        variant("a"),  # 0: on topic, cluster A
        variant("b"),  # 1: on topic, next to 0 -> cluster A
        variant("c"),  # 2: on topic, elsewhere -> cluster B
        variant("d"),  # 3: cos 0.97 to source: a copy, not usable
        variant("e"),  # 4: cos 0.3: off topic
        variant("f", n=9),  # 5: 9 words < 30 / 3
        "and the sea " * 8,  # 6: looping
    ]
    embs = np.array(
        [
            at_cos(0.7, E[1]),
            at_cos(0.7, E[1] + 0.05 * E[2]),
            at_cos(0.7, E[3]),
            at_cos(0.97, E[1]),
            at_cos(0.3, E[4]),
            at_cos(0.7, E[4]),
            at_cos(0.7, E[2]),
        ]
    )
    assert usable_mask(SOURCE, texts, E[0], embs) == [True, True, True, False, False, False, False]
    assert usable_distinct(SOURCE, texts, E[0], embs) == 2
    assert usable_distinct(SOURCE, texts, E[0], embs, cluster_cosine=0.9999) == 3
    assert usable_distinct(SOURCE, [], E[0], np.zeros((0, 5))) == 0


def test_on_topic_band_is_half_open():
    texts = [variant("a"), variant("b")]
    embs = np.array([at_cos(0.5, E[1]), at_cos(0.95, E[2])])
    assert usable_mask(SOURCE, texts, E[0], embs) == [True, False]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.floats(0.0, 1.0), st.integers(1, 4), st.floats(-0.2, 0.2)), min_size=1, max_size=8),
    st.randoms(use_true_random=False),
)
def test_usable_distinct_ignores_order_and_never_exceeds_usable(specs, rnd):
    texts = [variant(chr(97 + i)) for i in range(len(specs))]
    embs = np.array([at_cos(c, E[d] + j * E[(d % 4) + 1]) for c, d, j in specs])
    count = usable_distinct(SOURCE, texts, E[0], embs)
    assert 0 <= count <= sum(usable_mask(SOURCE, texts, E[0], embs))
    perm = list(range(len(texts)))
    rnd.shuffle(perm)
    assert usable_distinct(SOURCE, [texts[i] for i in perm], E[0], embs[perm]) == count
