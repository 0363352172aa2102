"""Word habits: the writer's favourite words bring a text near, everyday words leave it further out."""

from __future__ import annotations

import math

import pytest

from cardwriter.domain.word_habits import ALPHA, WordHabits, known_words

# A made-up everyday English: "the" is common, "upon" and "whilst" are rare.
ENGLISH = {"the": 0.4, "a": 0.2, "you": 0.2, "upon": 0.01, "whilst": 0.01, "sat": 0.09, "don't": 0.09}
WRITER = [["upon", "the", "sat", "upon"], ["whilst", "the", "upon", "sat"]]


def test_known_words_skip_what_the_reference_does_not_know_and_read_curly_apostrophes():
    assert known_words(["Zanzibar".lower(), "upon", "don\u2019t"], ENGLISH) == ["upon", "don't"]


def test_the_score_is_the_mean_log_ratio_of_the_writers_rate_to_englishs():
    habits = WordHabits.of(WRITER, ENGLISH)
    assert habits.total == 8 and habits.counts["upon"] == 3
    writer_upon = (3 + ALPHA * 0.01) / (8 + ALPHA)
    writer_you = (0 + ALPHA * 0.2) / (8 + ALPHA)
    expected = -(math.log(writer_upon / 0.01) + math.log(writer_you / 0.2)) / 2
    assert habits.distance(["upon", "you", "unknownword"]) == pytest.approx(expected)


def test_the_writers_favourite_words_are_near_and_words_they_never_use_are_far():
    habits = WordHabits.of(WRITER, ENGLISH)
    favourite, everyday = habits.distance(["upon", "whilst"]), habits.distance(["you", "a"])
    assert favourite < 0 < everyday
    assert habits.distance([]) == 0.0 == habits.distance(["zanzibar"])  # nothing known: as plain as English


def test_leaving_a_paragraph_out_is_the_model_of_the_others():
    habits = WordHabits.of(WRITER, ENGLISH)
    others = WordHabits.of(WRITER[1:], ENGLISH)
    assert habits.distance_of_known(WRITER[0], leave_out=True) == habits.distance(WRITER[0], leave_out=True)
    assert habits.distance(WRITER[0], leave_out=True) == pytest.approx(others.distance(WRITER[0]))
    assert habits.distance(WRITER[0], leave_out=True) > habits.distance(WRITER[0])  # its own words no longer help
