"""Attribution letters follow the words through accepts, edits, splits and joins."""

from __future__ import annotations

from cardwriter.domain.attribution import (
    MODEL,
    WRITER,
    carry,
    counts,
    join,
    split,
    valid,
    writer_only,
)


def test_accepting_marks_only_the_changed_words_as_the_models():
    old = "The cat sat on the mat."
    assert carry(old, writer_only(old), "The dog sat on the old mat.", MODEL) == "wmwwwmw"


def test_an_edit_keeps_the_models_untouched_words_and_gives_typed_ones_to_the_writer():
    after_accept = carry("a b c d", None, "a X Y d", MODEL)
    assert after_accept == "wmmw"
    assert carry("a X Y d", after_accept, "a X Z d e", WRITER) == "wmwww"


def test_an_unknown_or_stale_attribution_counts_as_the_writers():
    assert valid("one two three", None) == "www"
    assert valid("one two three", "mm") == "www"  # does not fit the text
    assert counts("one two three", "mwm") == (1, 2)


def test_split_between_words_and_inside_a_word():
    text = "alpha beta gamma"
    assert split(text, "wmw", 11) == ("wm", "w")  # "alpha beta " | "gamma"
    assert split(text, "wmw", 8) == ("wm", "mw")  # "alpha be" | "ta gamma": beta cut in two
    assert split(text, "wmw", 0) == ("", "wmw")


def test_join_glues_word_halves():
    assert join("alpha be", "wm", "ta gamma", "mw") == "wmw"
    assert join("alpha ", "w", "gamma", "m") == "wm"
    assert join("alpha be", "ww", "ta", "w") == "ww"
