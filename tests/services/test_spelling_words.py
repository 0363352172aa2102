"""The spelling word splitter and the checker on real pyspellchecker dictionaries."""

from __future__ import annotations

import pytest

from cardwriter.errors import UserError
from cardwriter.services.spell_checker import SpellChecker, languages
from cardwriter.services.spelling_words import stem, words


def test_words_keep_inner_apostrophes_and_split_at_hyphens():
    assert [w for _s, _e, w in words("Don't go, keeper’s sea-green lamp.")] == [
        "Don't",
        "go",
        "keeper's",
        "sea",
        "green",
        "lamp",
    ]


def test_words_give_their_place_in_the_text():
    text = "The  keeper"
    assert [(s, e) for s, e, _w in words(text)] == [(0, 3), (5, 11)]
    assert [text[s:e] for s, e, _w in words(text)] == ["The", "keeper"]


def test_numbers_capitals_and_addresses_are_not_checked():
    assert [w for *_, w in words("NASA sent 3rd mp3 to a@b.org via https://x.example/page ok")] == [
        "sent",
        "to",
        "via",
        "ok",
    ]


def test_possessives_are_checked_without_their_ending():
    assert stem("keeper's") == "keeper" and stem("keepers'") == "keepers" and stem("it") == "it"


def test_checker_finds_misspellings_and_suggests_the_fix():
    checker = SpellChecker("en")
    text = "The keeper's lamp was teh brightest."
    assert checker.misspelt(text) == [(22, 25, "teh")]
    assert "the" in checker.suggestions("teh")
    assert checker.suggestions("Teh")[0][0].isupper()


def test_own_words_are_accepted():
    checker = SpellChecker("en", ["Cardwriter"])
    assert checker.misspelt("Cardwriter and Quillbox") == [(15, 23, "Quillbox")]
    checker.add("Quillbox")
    assert checker.misspelt("Cardwriter and quillbox") == []


def test_languages_ship_with_the_package():
    assert {"en", "de", "fr"} <= set(languages())
    assert SpellChecker("de").misspelt("Der Leuchtturm steht am Meer") == []
    with pytest.raises(UserError, match="no spelling dictionary"):
        SpellChecker("xx")
