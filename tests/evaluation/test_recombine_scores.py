import math

import numpy as np

from cardwriter.evaluation.recombine_scores import (
    between,
    closeness,
    mean_over_seeds,
    score_stack,
    summarise,
    words_from_both,
)


def unit(*xs):
    v = np.array(xs, dtype=np.float32)
    return v / np.linalg.norm(v)


A, B = unit(1, 0, 0), unit(0, 1, 0)
MIDDLE, NEAR_A = unit(1, 1, 0), unit(1, -0.05, 1)


def test_between_needs_to_be_closer_to_each_parent_than_they_are_to_each_other():
    assert between(MIDDLE, A, B)
    assert not between(NEAR_A, A, B)  # close to A, turned away from B
    assert not between(unit(0, 0, 1), A, B)


def test_words_from_both_needs_content_words_of_each_parent():
    a = "The keeper climbed the lighthouse stairs at dusk."
    b = "She kept the letters in a drawer beside her window."
    assert words_from_both("The keeper climbed to his window with letters.", a, b)
    assert not words_from_both("The keeper climbed the stairs again.", a, b)  # nothing from b
    assert not words_from_both("It was a long and quiet night in the town.", a, b)


def test_closeness_groups():
    assert closeness(0.5) == "close" and closeness(0.1) == "far" and closeness(0.3) == "middle"


def test_score_and_summarise_a_stack():
    a = "The keeper climbed the lighthouse stairs at dusk."
    b = "She kept the letters in a drawer beside her window."
    texts = [
        "The keeper climbed to his window with letters.",
        "Original: El faro estaba lejos de la casa, y el mar se movía despacio bajo la luna.",
    ]
    rows = np.stack([MIDDLE, NEAR_A])
    scores = score_stack(texts, a, b, (rows, A, B), (rows, A, B))
    assert scores[0].between_both and scores[0].words_from_both and scores[0].boilerplate is None
    assert not scores[1].between_both and scores[1].boilerplate and scores[1].wrong_language
    summary = summarise([{"scores": scores, "group": "far", "vendi": 1.5, "shortfall": 1}])
    assert summary["between_both"] == 0.5 and summary["words_from_both"] == 0.5
    assert summary["boilerplate"] == 1 and summary["wrong_language"] == 1 and summary["shortfall"] == 1
    assert summary["far_variants"] == 2 and math.isnan(summary["close_between_minilm"])


def test_mean_over_seeds_gives_mean_and_spread():
    mean = mean_over_seeds([{"between_both": 0.5, "variants": 4}, {"between_both": 0.7, "variants": 4}])
    assert abs(mean["between_both"] - 0.6) < 1e-9 and abs(mean["between_both_sd"] - 0.1) < 1e-9
    assert mean["variants"] == 4
