"""The style profile: features a reader hears, and a distance scaled by the writer's own spread."""

from __future__ import annotations

import json
import math
import statistics

import pytest

from cardwriter.domain.likelihood import TextLikelihood
from cardwriter.domain.style import (
    MIN_BASELINE,
    MODEL_LIKELIHOOD,
    MODEL_TOP1,
    MODEL_TOP10,
    WEIGHTS,
    WORD_HABITS,
    _raw_distances,
    _totals,
    _with_likelihood,
    build_profile,
    features,
    sentences,
    words,
)
from cardwriter.domain.word_habits import known_words
from cardwriter.services.english_reference import english_reference

from ..support import DEV_PARAGRAPHS

DEV = DEV_PARAGRAPHS
REFERENCE = english_reference()  # the real everyday-English word list the app uses

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
    """Each baseline paragraph against the profile of the others averages 1.0 (geometric mean) by construction."""
    loo = [build_profile(TERSE[:i] + TERSE[i + 1 :]) for i in range(len(TERSE))]
    own = [p.distance(TERSE[i]) for i, p in enumerate(loo)]
    assert build_profile(TERSE).paragraphs == 5
    geometric = math.exp(statistics.fmean(math.log(d) for d in own))
    assert 0.5 < geometric < 2.0
    assert all(d > 0 for d in own)


def test_a_profile_of_itself_scores_its_baseline_at_one_in_the_geometric_mean():
    """The spread is measured leave-one-out, so the baseline's own leave-one-out distances are exactly 2 ** 0 on average."""
    profile = build_profile(TERSE, reference=REFERENCE)
    rows = _with_likelihood(TERSE, None)
    totals = _totals(rows)
    zs = []
    for row, text in zip(rows, TERSE, strict=True):
        known = known_words(words(text), REFERENCE)
        raw = _raw_distances(row, known, totals.scales(without=row), profile.habits, leave_out=True)
        zs.append(math.log2(profile._combine(raw)))
    assert statistics.fmean(zs) == pytest.approx(0.0, abs=1e-9)


def test_a_scorer_adds_the_model_likelihood_feature():
    """A text the 'model' finds far more likely than the writer's usual text moves further away, when it weighs."""
    calls = []

    def scorer(texts):
        calls.append(len(texts))
        return [-0.5 if "likely" in t else -3.0 - 0.1 * (len(t) % 3) for t in texts]

    plain = build_profile(TERSE[:4])
    scored = build_profile(TERSE[:4], scorer=scorer, weights={MODEL_LIKELIHOOD: 1.0})
    text = TERSE[4].replace("smiled", "smiled likely")
    assert calls == [4]
    assert scored.distance(text) > plain.distance(text)
    assert calls[-1] == 1
    # the tuned weights give the log-probability alone nothing: it did not tell authors apart
    assert WEIGHTS[MODEL_LIKELIHOOD] == 0.0
    assert build_profile(TERSE[:4], scorer=scorer).distance(text) == pytest.approx(plain.distance(text))


def _readings(top10_of):
    """A scorer of ``TextLikelihood``: every reading the same but the top-10 share, ``top10_of(text)``."""
    return lambda texts: [TextLikelihood(-3.5, 0.3, top10_of(t)) for t in texts]


def test_text_in_the_models_top_ten_far_more_often_than_the_writers_moves_away():
    """The writer's paragraphs hold about 60 % of the model's top-ten tokens; a text with 85 % sits further away."""
    usual = {text: 0.58 + 0.01 * i for i, text in enumerate(TERSE[:4])}
    text = TERSE[4]
    plain = build_profile(TERSE[:4], reference=REFERENCE)
    writerly = build_profile(TERSE[:4], scorer=_readings(lambda t: usual.get(t, 0.6)), reference=REFERENCE)
    modelish = build_profile(TERSE[:4], scorer=_readings(lambda t: usual.get(t, 0.85)), reference=REFERENCE)
    assert WEIGHTS[MODEL_TOP10] > 0
    assert modelish.distance(text) > plain.distance(text) * 1.2
    assert writerly.distance(text) < modelish.distance(text)
    rows = _with_likelihood([text], _readings(lambda t: 0.7))
    assert rows[0][MODEL_LIKELIHOOD] == [-3.5] and rows[0][MODEL_TOP1] == [0.3] and rows[0][MODEL_TOP10] == [0.7]


def test_weights_replace_the_defaults_group_by_group():
    usual = {text: 0.58 + 0.01 * i for i, text in enumerate(TERSE[:4])}
    scorer = _readings(lambda t: usual.get(t, 0.85))
    off = build_profile(TERSE[:4], scorer=scorer, reference=REFERENCE, weights={MODEL_TOP10: 0.0})
    plain = build_profile(TERSE[:4], reference=REFERENCE)
    assert off.weights[WORD_HABITS] == WEIGHTS[WORD_HABITS] and off.weights[MODEL_TOP10] == 0.0
    assert off.distance(TERSE[4]) == pytest.approx(plain.distance(TERSE[4]))
    heavier = build_profile(TERSE[:4], scorer=scorer, reference=REFERENCE, weights={MODEL_TOP10: 2.0})
    assert heavier.distance(TERSE[4]) > build_profile(TERSE[:4], scorer=scorer, reference=REFERENCE).distance(TERSE[4])


def test_word_habits_bring_the_writers_favourite_words_near():
    """Same sentence shapes and punctuation: only the words differ, and the writer's own words are nearer."""
    writer = [
        "Upon the hill the old mill stood. Upon its roof the rain fell.",
        "Upon waking she went down. The mill was quiet upon the hill.",
        "He called upon the miller. The old man sat upon a sack.",
        "Upon the road they met. The mill wheel turned upon its axle.",
    ]
    profile = build_profile(writer, reference=REFERENCE)
    assert profile.habits is not None
    theirs = "Upon the bridge the old cart stood. Upon its seat the dog slept."
    plain = "You know the thing the man said. I think it was like that."
    assert profile.distance(theirs) < profile.distance(plain)
    without = build_profile(writer)  # no reference: style features only, and the two texts look alike
    assert without.habits is None
    assert abs(without.distance(theirs) - without.distance(plain)) < profile.distance(plain) - profile.distance(theirs)


def _auc(own, other):
    return sum((a < b) + 0.5 * (a == b) for a in own for b in other) / (len(own) * len(other))


def _dev_by_author():
    if not DEV.exists():
        pytest.fail(f"the dev paragraphs are missing: {DEV}")
    found: dict[str, list[str]] = {}
    for line in DEV.read_text().splitlines():
        row = json.loads(line)
        found.setdefault(row["source"].split("(")[1].split(")")[0], []).append(row["text"])
    return found


def test_austen_is_told_from_doyle():
    authors = _dev_by_author()
    austen, doyle = authors["Jane Austen"], authors["Arthur Conan Doyle"]
    profile = build_profile(austen[:7], reference=REFERENCE)
    own = profile.distances(austen[7:])
    other = profile.distances(doyle)
    assert sum(own) / len(own) < sum(other) / len(other)


def test_held_out_paragraphs_of_an_author_are_closer_than_other_authors_paragraphs():
    """The benchmark's report split: the even-numbered five of an author are the baseline, the odd five are held out.

    The profile was tuned on the even half only. Held out, it tells Austen, Conan
    Doyle and Morris from the rest (AUC 1.0, 0.91, 0.67 in README); Shelley's
    paragraphs are not told apart (0.43), so she is measured but not asserted.
    """
    authors = _dev_by_author()
    aucs = {}
    for author, texts in authors.items():
        profile = build_profile(texts[0::2], reference=REFERENCE)
        own = profile.closenesses(texts[1::2])
        others = profile.closenesses([t for a, ts in authors.items() if a != author for t in ts[1::2]])
        aucs[author] = _auc([-c for c in own], [-c for c in others])
    assert aucs["Jane Austen"] > 0.9
    assert aucs["Arthur Conan Doyle"] > 0.8
    assert aucs["William Morris"] > 0.6
    assert statistics.fmean(aucs.values()) > 0.7
    # closeness itself orders them: Austen's held-out paragraphs are closer to her than any of Doyle's
    austen = build_profile(authors["Jane Austen"][0::2], reference=REFERENCE)
    assert min(austen.closenesses(authors["Jane Austen"][1::2])) > max(
        austen.closenesses(authors["Arthur Conan Doyle"][1::2])
    )


def test_leave_one_out_from_totals_matches_the_others_own_profile():
    """The profile's spread comes from totals less one row; it must equal building the others' profile."""
    from cardwriter.domain.style import _FLOORS, _Scales

    def naive(rows):  # the textbook way: means and population spreads of the rows given
        columns = {g: list(zip(*(r[g] for r in rows), strict=True)) for g in rows[0]}
        return _Scales(
            {g: [statistics.fmean(c) for c in cs] for g, cs in columns.items()},
            {g: [math.hypot(statistics.pstdev(c), _FLOORS[g]) for c in cs] for g, cs in columns.items()},
        )

    texts = TERSE + [ORNATE]
    rows = [features(t) for t in texts]
    totals = _totals(rows)
    for i, row in enumerate(rows):
        fast, slow = totals.scales(without=row), naive(rows[:i] + rows[i + 1 :])
        for group in slow.mean:
            assert fast.mean[group] == pytest.approx(slow.mean[group], abs=1e-12)
            assert fast.scale[group] == pytest.approx(slow.scale[group], rel=1e-9)
        assert _raw_distances(row, [], fast, None) == pytest.approx(_raw_distances(row, [], slow, None))
