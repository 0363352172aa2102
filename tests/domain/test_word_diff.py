"""Word-level diff marks: exactly the changed words of a variant, and the text given back whole."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from cardwriter.domain.word_diff import Span, changed_share, changed_words, word_diff, word_distance

PARAGRAPH = "The old keeper climbed the winding stairs every evening."


def test_a_replaced_word_and_an_added_phrase_are_marked_and_nothing_else():
    variant = "The old keeper climbed the narrow stairs every single evening."
    assert word_diff(PARAGRAPH, variant) == [
        Span("The old keeper climbed the ", False),
        Span("narrow", True),
        Span(" stairs every ", False),
        Span("single", True),
        Span(" evening.", False),
    ]


def test_neighbouring_changed_words_make_one_mark_with_their_space():
    variant = "The old keeper slowly went up the winding stairs every evening."
    assert changed_words(PARAGRAPH, variant) == ["slowly", "went", "up"]
    assert Span("slowly went up", True) in word_diff(PARAGRAPH, variant)


def test_an_identical_variant_has_no_marks_and_a_new_one_is_all_marked():
    assert word_diff(PARAGRAPH, PARAGRAPH) == [Span(PARAGRAPH, False)]
    assert word_diff("", "Fresh words.") == [Span("Fresh words.", True)]
    assert word_diff(PARAGRAPH, "") == []


def test_punctuation_and_case_count_as_changes():
    assert changed_words("He came home.", "he came home!") == ["he", "home!"]


def test_deleted_words_leave_no_mark_in_the_variant():
    assert changed_words(PARAGRAPH, "The keeper climbed the stairs every evening.") == []


@given(st.text(alphabet="ab \n.", max_size=40), st.text(alphabet="abc \n.", max_size=40))
def test_the_spans_give_the_variant_back_exactly(original, variant):
    spans = word_diff(original, variant)
    assert "".join(s.text for s in spans) == variant
    assert all(a.changed != b.changed for a, b in itertools.pairwise(spans))


# -- word_distance and changed_share: how much a close rewrite changed ----------


def test_word_distance_counts_replaced_and_added_words():
    variant = "The old keeper climbed the narrow stairs every single evening."
    assert word_distance(PARAGRAPH, variant) == 2


def test_word_distance_counts_deleted_words_too():
    # unlike the marks on a card, a dropped word is a change
    assert word_distance(PARAGRAPH, "The keeper climbed the stairs every evening.") == 2


def test_a_stretch_replaced_by_a_longer_one_counts_the_longer_side():
    assert word_distance(PARAGRAPH, "The old keeper slowly went up the winding stairs every evening.") == 3
    assert word_distance("The old keeper slowly went up the winding stairs every evening.", PARAGRAPH) == 3


def test_the_same_text_is_no_distance_whatever_its_spacing():
    assert word_distance(PARAGRAPH, PARAGRAPH) == 0
    assert word_distance(PARAGRAPH, PARAGRAPH.replace(" ", "\n  ")) == 0
    assert changed_share(PARAGRAPH, PARAGRAPH) == 0.0
    assert changed_share("", "") == 0.0


def test_case_and_punctuation_are_changes():
    assert word_distance("He came home.", "he came home!") == 2


def test_changed_share_is_the_distance_over_the_longer_text():
    assert changed_share(PARAGRAPH, "The old keeper climbed the narrow stairs every single evening.") == 2 / 10
    assert changed_share(PARAGRAPH, "The keeper climbed the stairs every evening.") == 2 / 9
    assert changed_share(PARAGRAPH, "") == 1.0
    assert changed_share(PARAGRAPH, "A fox crossed the frozen field at dawn.") > 0.8


def test_one_word_in_a_long_paragraph_is_a_small_share_and_a_dozen_a_large_one():
    paragraph = (
        "For eleven years Margaret kept the light at Godrevy, and every Monday she rowed the two miles "
        "to St Ives for oil, whatever the weather and whatever her father said about the sea."
    )
    one = paragraph.replace("rowed", "pulled")
    assert changed_share(paragraph, one) == 1 / len(paragraph.split()) < 0.05
    reworded = (
        "For eleven years Margaret tended the lamp at Godrevy, and each Monday she pulled the two miles "
        "to St Ives for fuel, whatever the season and however loudly her father warned her about the sea."
    )
    assert 0.2 < changed_share(paragraph, reworded) < 0.4


@given(st.text(alphabet="ab \n.", max_size=40), st.text(alphabet="abc \n.", max_size=40))
def test_the_distance_is_zero_only_for_the_same_words_and_never_below_the_length_gap(original, variant):
    distance = word_distance(original, variant)
    assert (distance == 0) == (original.split() == variant.split())
    assert distance >= abs(len(original.split()) - len(variant.split()))
    assert changed_share(original, variant) >= 0.0
