"""Words and characters of cards, drafts and projects, counted on hand-made text."""

from __future__ import annotations

import pytest

from cardwriter.domain.counts import Counts, count_card, count_draft, count_project, count_text
from cardwriter.domain.model import Card, Draft
from cardwriter.domain.paragraphs import draft_from_text


@pytest.mark.parametrize(
    "text, words",
    [
        ("", 0),
        ("   \n ", 0),
        ("one", 1),
        ("The old keeper climbed the stairs.", 6),
        ("don't stop — it's well-known", 4),  # the dash is not a word; contractions and hyphenations are one
        ("1,000 gulls at 3.5 knots", 5),
        ("Ça va? Très bien, merci.", 5),
        ("tab\tseparated\nlines", 3),
    ],
)
def test_words(text, words):
    assert count_text(text).words == words


def test_characters_count_spaces_but_not_line_breaks():
    assert count_text("ab c\r\nd") == Counts(words=3, characters=5, characters_no_spaces=4)


def test_markdown_formatting_is_not_counted():
    assert count_card("# *The* End") == Counts(words=2, characters=7, characters_no_spaces=6)
    assert count_card("It was **very** _dark_.") == count_text("It was very dark.")
    assert count_card("snake_case") == Counts(1, 10, 10)  # a literal underscore is text


def test_draft_and_project_add_up_their_cards():
    draft = draft_from_text("d", "# Chapter\n\nOne two three.\n\nFour *five*.\n")
    assert count_draft(draft) == Counts(
        words=6, characters=len("Chapter") + len("One two three.") + len("Four five."), characters_no_spaces=7 + 12 + 9
    )
    other = Draft("e", [Card("Six seven")])
    assert count_project([draft, other]).words == 8
    assert count_project([]) == Counts()
