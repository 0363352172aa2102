"""Find and replace logic on plain strings: what the find bar relies on."""

from __future__ import annotations

import pytest

from cardwriter.domain.model import Note
from cardwriter.errors import UserError
from cardwriter.services.find_replace import (
    BadPattern,
    FindOptions,
    Match,
    compile_pattern,
    find_all,
    find_in_text,
    replace_in_notes,
    replace_in_text,
    replace_one,
    step,
)

CARDS = [("a", "The sea was grey. The Sea!"), ("b", "Seagulls over the sea."), ("c", "Nothing here.")]


def spans(text, find, **options):
    return find_in_text(text, compile_pattern(FindOptions(find, **options)))


def test_plain_text_ignores_case_unless_asked():
    assert spans("The sea, the Sea.", find="sea") == [(4, 7), (13, 16)]
    assert spans("The sea, the Sea.", find="Sea", match_case=True) == [(13, 16)]


def test_whole_word_skips_words_that_only_contain_it():
    assert spans("sea seagull undersea sea.", find="sea", whole_word=True) == [(0, 3), (21, 24)]
    assert spans("it's its", find="it's", whole_word=True) == [(0, 4)]


def test_plain_text_is_literal_even_with_regex_characters():
    assert spans("a.b axb (c)", find="a.b") == [(0, 3)]
    assert spans("a.b axb (c)", find="(c)") == [(8, 11)]


def test_regular_expression_with_groups():
    assert spans("grey gray", find=r"gr[ae]y", regex=True) == [(0, 4), (5, 9)]


def test_a_bad_regular_expression_is_a_user_error_with_a_message():
    with pytest.raises(BadPattern, match="Not a valid regular expression") as caught:
        compile_pattern(FindOptions("(unclosed", regex=True))
    assert isinstance(caught.value, UserError)
    with pytest.raises(BadPattern, match="empty"):
        compile_pattern(FindOptions("x*", regex=True))


def test_nothing_to_find_is_no_pattern():
    assert compile_pattern(FindOptions("")) is None


def test_find_all_in_reading_order_across_cards():
    pattern = compile_pattern(FindOptions("sea"))
    assert find_all(CARDS, pattern) == [Match("a", 4, 7), Match("a", 22, 25), Match("b", 0, 3), Match("b", 18, 21)]


def test_step_forwards_and_backwards_wraps_round_the_draft():
    matches = find_all(CARDS, compile_pattern(FindOptions("sea")))
    order = {"a": 0, "b": 1, "c": 2}
    assert step(matches, order, "a", 0) == Match("a", 4, 7)
    assert step(matches, order, "a", 7) == Match("a", 22, 25)  # from the end of the selected match
    assert step(matches, order, "b", 21) is not None and step(matches, order, "c", 0) == Match("a", 4, 7)
    assert step(matches, order, "b", 18, backwards=True) == Match("b", 0, 3)  # from the start of the selection
    assert step(matches, order, "a", 4, backwards=True) == Match("b", 18, 21)
    assert step([], order, "a", 0) is None


def test_replace_in_text_counts_and_is_literal_without_regex():
    pattern = compile_pattern(FindOptions("sea"))
    assert replace_in_text("sea and Sea", pattern, r"ocean\1", regex=False) == (r"ocean\1 and ocean\1", 2)


def test_replace_with_regex_groups():
    pattern = compile_pattern(FindOptions(r"(\w+) (\w+)", regex=True))
    assert replace_in_text("old keeper", pattern, r"\2 \1", regex=True) == ("keeper old", 1)
    with pytest.raises(BadPattern):
        replace_in_text("old keeper", pattern, r"\5", regex=True)


def test_replace_one_changes_only_the_match_given():
    pattern = compile_pattern(FindOptions("sea"))
    assert replace_one("sea, sea", Match("x", 5, 8), pattern, "ocean", regex=False) == "sea, ocean"
    assert replace_one("sea, sea", Match("x", 1, 4), pattern, "ocean", regex=False) == "sea, sea"  # stale


def test_matches_in_notes_come_after_the_cards_and_say_they_are_in_a_note():
    pattern = compile_pattern(FindOptions("sea", whole_word=True))
    found = find_all(CARDS, pattern, notes=[("n1", "The sea, the sea."), ("n2", "Dry land.")])
    assert [(m.card_id, m.in_note) for m in found] == [("a", False), ("a", False), ("b", False)] + [("n1", True)] * 2
    order = {"a": 0, "b": 1, "c": 2, "n1": 3, "n2": 4}
    assert step(found, order, "b", 22) == Match("n1", 4, 7, in_note=True), "after the last card, on into the notes"
    assert step(found, order, "n1", 17) == found[0], "and round to the draft again"


def test_replace_in_notes_gives_each_changed_note_before_and_after_keeping_its_identity():
    notes = [Note("The sea, the sea.", source="Murdoch", tags=("sea",)), Note("Dry land.")]
    changes, total = replace_in_notes(notes, compile_pattern(FindOptions("sea")), "ocean", regex=False)
    assert total == 2 and len(changes) == 1
    before, after = changes[0]
    assert before is notes[0] and after.text == "The ocean, the ocean."
    assert (after.id, after.source, after.tags, after.created) == (before.id, "Murdoch", ("sea",), before.created)
