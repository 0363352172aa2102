"""The voice benchmark's AUC, its split of the dev paragraphs, and the tuning of the model groups' weights."""

from __future__ import annotations

import statistics

import pytest

from cardwriter.domain.likelihood import TextLikelihood
from cardwriter.domain.style import MODEL_LIKELIHOOD, MODEL_TOP1, MODEL_TOP10
from cardwriter.evaluation.voice_auc import (
    NO_MODEL,
    RememberedScorer,
    auc,
    author_of,
    baseline_then_scored,
    by_author,
    halves,
    leave_one_out,
    profile_maker,
    tune_model_weights,
)
from cardwriter.services.english_reference import english_reference

from ..support import DEV_PARAGRAPHS


def test_auc_counts_pairs_where_the_own_paragraph_is_closer():
    assert auc([1.0, 2.0], [3.0, 4.0]) == 1.0
    assert auc([3.0, 4.0], [1.0, 2.0]) == 0.0
    assert auc([1.0, 3.0], [2.0]) == 0.5
    assert auc([2.0], [2.0, 2.0]) == 0.5  # ties count half
    assert auc([1.0, 2.0, 5.0], [1.5, 3.0, 2.0]) == pytest.approx(4.5 / 9)  # 1 beats all three; 2 beats 3, ties 2
    with pytest.raises(ValueError, match="at least one"):
        auc([], [1.0])


def test_the_dev_paragraphs_split_into_even_and_odd_halves_per_author():
    authors = by_author(DEV_PARAGRAPHS)
    assert len(authors) == 4 and all(len(texts) == 10 for texts in authors.values())
    tune, report = halves(authors)
    for author, texts in authors.items():
        assert tune[author] == texts[0::2] and report[author] == texts[1::2]
        assert not set(tune[author]) & set(report[author])
    assert author_of("Emma (Jane Austen)") == "Jane Austen"
    assert author_of("Anonymous") == "Anonymous"


def _length_profile(seen: list[list[str]]):
    """A profile that knows only text length: distance = how far a text's length is from the baseline's mean."""

    def make(texts: list[str]):
        seen.append(list(texts))
        centre = statistics.fmean(len(t) for t in texts)
        return lambda xs: [abs(len(x) - centre) for x in xs]

    return make


SHORT = ["a" * n for n in (10, 11, 12, 13, 14)]
LONG = ["b" * n for n in (100, 101, 102, 103, 104)]
MIXED = ["c" * n for n in (12, 102, 13, 101, 50)]


def test_leave_one_out_never_measures_a_paragraph_against_a_baseline_holding_it():
    seen: list[list[str]] = []
    got = leave_one_out({"short": SHORT, "long": LONG}, _length_profile(seen))
    assert got == {"short": 1.0, "long": 1.0}
    assert len(seen) == 10 and all(len(baseline) == 4 for baseline in seen)
    assert [text for baseline, text in zip(seen[:5], SHORT, strict=True) if text in baseline] == []
    # an author whose paragraphs are as often short as long is told apart from neither
    mixed = leave_one_out({"short": SHORT, "long": LONG, "mixed": MIXED}, _length_profile([]))
    assert mixed["mixed"] < 0.6 < mixed["short"]


def test_baseline_then_scored_measures_the_held_out_half_against_the_others_held_out_half():
    seen: list[list[str]] = []
    baseline = {"short": SHORT[:3], "long": LONG[:3]}
    scored = {"short": SHORT[3:], "long": LONG[3:]}
    assert baseline_then_scored(baseline, scored, _length_profile(seen)) == {"short": 1.0, "long": 1.0}
    assert seen == [SHORT[:3], LONG[:3]]
    swapped = {"short": LONG[3:], "long": SHORT[3:]}
    assert baseline_then_scored(baseline, swapped, _length_profile([])) == {"short": 0.0, "long": 0.0}


def test_the_remembered_scorer_reads_each_text_once():
    calls: list[list[str]] = []

    def read(texts):
        calls.append(list(texts))
        return [TextLikelihood(-float(len(t)), 0.1, 0.5) for t in texts]

    scorer = RememberedScorer(read)
    assert [r.log_prob for r in scorer(["ab", "abc", "ab"])] == [-2.0, -3.0, -2.0]
    assert [r.log_prob for r in scorer(["abc", "abcd"])] == [-3.0, -4.0]
    assert calls == [["ab", "abc"], ["abcd"]]


def _even_half():
    tune, _ = halves(by_author(DEV_PARAGRAPHS))
    return tune


def test_tuning_gives_weight_to_a_model_group_that_tells_the_authors_apart():
    """A 'model' whose top-10 share is each author's own (a perfect signal) earns weight; the others do not need it."""
    tune = _even_half()
    level = {
        text: 0.5 + 0.1 * number + 0.002 * i
        for number, texts in enumerate(tune.values())
        for i, text in enumerate(texts)
    }
    scorer = RememberedScorer(lambda texts: [TextLikelihood(-3.5, 0.3, level[t]) for t in texts])
    reference = english_reference()
    tried = tune_model_weights(tune, reference, scorer, grid=(0.0, 1.0))
    assert len(tried) == 8
    best, without = tried[0], next(t for t in tried if not any(t.weights.values()))
    assert best.weights[MODEL_TOP10] == 1.0
    assert best.mean > without.mean + 0.05
    assert best.aucs == leave_one_out(tune, profile_maker(reference, scorer, best.weights))


def test_tuning_keeps_the_profile_without_the_model_when_the_model_says_nothing():
    """Every text reads the same: no setting does better, and on a tie the least model weight wins."""
    tune = _even_half()
    scorer = RememberedScorer(lambda texts: [TextLikelihood(-3.5, 0.3, 0.6) for _ in texts])
    tried = tune_model_weights(tune, english_reference(), scorer, grid=(0.0, 1.0))
    assert tried[0].weights == NO_MODEL
    assert {MODEL_LIKELIHOOD, MODEL_TOP1, MODEL_TOP10} == set(tried[0].weights)
    assert all(t.mean <= tried[0].mean + 1e-9 for t in tried)
