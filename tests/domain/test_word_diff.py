"""Word-level diff marks: exactly the changed words of a variant, and the text given back whole."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from cardwriter.domain.word_diff import Span, changed_words, word_diff

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
