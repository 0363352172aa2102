"""The style profile: features a reader hears, and a distance scaled by the writer's own spread."""

from __future__ import annotations

import json

import pytest

from cardwriter.domain.style import (
    MIN_BASELINE,
    build_profile,
    features,
    sentences,
    words,
)

from ..support import DEV_PARAGRAPHS

DEV = DEV_PARAGRAPHS

TERSE = [
    "He walked in. The room was cold. Nobody spoke. He sat down.",
    "She left early. The car would not start. She walked home. It rained.",
    "The dog barked. Then it stopped. The street was empty again. I waited.",
    "We ate bread. The soup was thin. Nobody complained. Night came on.",
    "He read the letter twice. Then he burned it. The ash blew away. He smiled.",
]
ORNATE = (
    "It was, I confess, with a melancholy that I could neither explain nor entirely resist, that I "
    "wandered; for the evening, which had promised so much, and which had been anticipated by all of "
    "us with a degree of eagerness that now seems almost absurd, had dissolved into a long and "
    "wearisome silence, broken only by the fire, and by the slow, persistent ticking of the clock."
)


def test_words_and_sentences_are_cut_as_a_reader_would():
    assert words("Don't stop, Mr. Darcy's dog!") == ["don't", "stop", "mr", "darcy's", "dog"]
    assert [words(s) for s in sentences("One two. Three? Four five six!")] == [
        ["one", "two"],
        ["three"],
        ["four", "five", "six"],
    ]


def test_features_measure_sentence_length_and_punctuation():
    terse, ornate = features(TERSE[0]), features(ORNATE)
    assert terse["sentence length"][0] < ornate["sentence length"][0]  # log mean sentence length
    assert terse["sentence length"][2] == 1.0  # every sentence under 10 words
    assert ornate["punctuation"][0] > terse["punctuation"][0]  # commas per word
    assert ornate["punctuation"][1] > 0 == terse["punctuation"][1]  # semicolons


def test_too_few_paragraphs_make_no_profile():
    assert build_profile(TERSE[: MIN_BASELINE - 1]) is None
    assert build_profile(["Yes.", "No.", "Maybe.", "Fine."]) is None  # under three words each


def test_the_writers_own_paragraphs_sit_near_one_and_a_foreign_voice_far_beyond():
    profile = build_profile(TERSE[:4])
    own = profile.distance(TERSE[4])
    assert own < 2.0
    assert profile.distance(ORNATE) > 2 * own
    assert profile.closeness(TERSE[4]) > profile.closeness(ORNATE)


def test_the_scale_is_the_writers_own_spread():
    """Leave-one-out over the baseline averages 1.0 by construction of the normalisation."""
    profile = build_profile(TERSE)
    loo = [build_profile(TERSE[:i] + TERSE[i + 1 :]) for i in range(len(TERSE))]
    assert profile.paragraphs == 5
    # each held-out paragraph against the others' profile is about as far as that profile's own spread
    mean = sum(p.distance(TERSE[i]) for i, p in enumerate(loo)) / len(loo)
    assert 0.5 < mean < 1.6


def test_a_scorer_adds_the_model_likelihood_feature():
    """A text the 'model' finds far more likely than the writer's usual text moves further away."""
    calls = []

    def scorer(texts):
        calls.append(len(texts))
        return [-0.5 if "likely" in t else -3.0 for t in texts]

    plain = build_profile(TERSE[:4])
    scored = build_profile(TERSE[:4], scorer=scorer)
    text = TERSE[4].replace("smiled", "smiled likely")
    assert calls == [4]
    assert scored.distance(text) > plain.distance(text)
    assert calls[-1] == 1


def test_austen_is_told_from_doyle():
    if not DEV.exists():
        pytest.fail(f"the dev paragraphs are missing: {DEV}")
    rows = [json.loads(line) for line in DEV.read_text().splitlines()]
    austen = [r["text"] for r in rows if "Austen" in r["source"]]
    doyle = [r["text"] for r in rows if "Doyle" in r["source"]]
    profile = build_profile(austen[:7])
    own = profile.distances(austen[7:])
    other = profile.distances(doyle)
    assert sum(own) / len(own) < sum(other) / len(other)


def test_leave_one_out_from_totals_matches_the_others_own_profile():
    """The profile's spread comes from totals less one row; it must equal building the others' profile."""
    import math
    import statistics

    from cardwriter.domain.style import _FLOORS, _raw_distance, _Scales, _totals, features

    def naive(rows):  # the textbook way: means and population spreads of the rows given
        columns = {g: list(zip(*(r[g] for r in rows), strict=True)) for g in rows[0]}
        return _Scales(
            {g: [statistics.fmean(c) for c in cs] for g, cs in columns.items()},
            {g: [math.hypot(statistics.pstdev(c), _FLOORS[g]) for c in cs] for g, cs in columns.items()},
        )

    rows = [features(t) for t in TERSE + [ORNATE]]
    totals = _totals(rows)
    for i, row in enumerate(rows):
        fast, slow = totals.scales(without=row), naive(rows[:i] + rows[i + 1 :])
        for group in slow.mean:
            assert fast.mean[group] == pytest.approx(slow.mean[group], abs=1e-12)
            assert fast.scale[group] == pytest.approx(slow.scale[group], rel=1e-9)
        assert _raw_distance(row, fast) == pytest.approx(_raw_distance(row, slow), rel=1e-9)
