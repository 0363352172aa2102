"""Formatted runs back to Markdown, and Markdown -> runs -> Markdown round trips (no Qt, no files)."""

from __future__ import annotations

import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cardwriter.domain.markdown_runs import Run, block_from_markdown
from cardwriter.domain.markdown_writing import formatting, markdown_from_runs
from tests.domain.test_markdown_runs import BI, B, It, P  # the same shorthand for runs


@pytest.mark.parametrize(
    "runs, heading, markdown",
    [
        (
            (P("It was a "), B("dark"), P(" and "), It("stormy"), P(" night.")),
            0,
            "It was a **dark** and *stormy* night.",
        ),
        ((P("Title"),), 2, "## Title"),
        ((It("word "), P("next")), 0, "*word* next"),  # the marker hugs the word, not the space
        ((P("a"), It(" "), P("b")), 0, "a b"),  # emphasis on a space alone is dropped
        ((P("2 * 3 = 6 and snake_case, _edge_")), 0, r"2 \* 3 = 6 and snake_case, \_edge\_"),
        ((P("# not a heading"),), 0, r"\# not a heading"),
        ((It("it "), BI("both")), 0, "*it **both***"),
    ],
)
def test_markdown_from_runs(runs, heading, markdown):
    runs = runs if isinstance(runs, tuple) else (runs,)
    assert markdown_from_runs(runs, heading) == markdown


_words = st.text(alphabet="abc xyz,.'\n*_#-\"", min_size=1, max_size=8)
_runs = st.lists(st.builds(Run, _words, st.booleans(), st.booleans()), min_size=1, max_size=6)


@given(_runs)
def test_text_always_survives_markdown_and_back(runs):
    """Whatever an imported paragraph holds, its Markdown reads back to the same text."""
    text = "".join(r.text for r in runs)
    assert block_from_markdown(markdown_from_runs(runs)).text == text.strip()


_letters = st.text(alphabet="abcxyz", min_size=1, max_size=6)
_spaced = st.builds(lambda a, b, c: a + b + c, st.sampled_from(["", " "]), _letters, st.sampled_from([" ", ", ", "; "]))


@given(st.lists(st.builds(Run, _spaced, st.booleans(), st.booleans()), min_size=1, max_size=6))
def test_word_formatting_survives_markdown_and_back(runs):
    """Bold and italic on whole words (and across several) come back exactly."""
    back = block_from_markdown(markdown_from_runs(runs)).runs
    assert formatting(back) == formatting(runs)


def test_unsayable_formatting_is_dropped_not_garbled():
    """An italic quotation mark glued to a plain letter cannot be Markdown: the text stays, the italics go."""
    markdown = markdown_from_runs([It('"'), P("a")])
    assert block_from_markdown(markdown).runs == (P('"a'),)


MB = 1024 * 1024


@pytest.mark.parametrize("runs", [1, 20_000])
def test_2_mb_of_runs_become_markdown_in_linear_time(runs):
    text = ("The keeper climbed the stairs, counting every step. " * 40_000)[: 2 * MB]
    step = len(text) // runs + 1
    formatted = [Run(text[at : at + step], bold=(at // step) % 3 == 1) for at in range(0, len(text), step)]
    start = time.process_time()
    markdown = markdown_from_runs(formatted)
    assert time.process_time() - start < 3.0
    assert block_from_markdown(markdown).text == text.strip()


@pytest.mark.parametrize(
    "runs, markdown, text",
    [
        ((P("Chapter #"),), r"# Chapter \#", "Chapter #"),
        ((P("C# ##"),), r"# C# #\#", "C# ##"),
        ((P("Part\nOne"),), "# Part One", "Part One"),  # a heading is one line in Markdown
        ((P("Two\nlines "), It("and more")), "# Two lines *and more*", "Two lines and more"),
    ],
)
def test_heading_text_survives_markdown_and_back(runs, markdown, text):
    assert markdown_from_runs(runs, heading=2).removeprefix("#") == markdown
    block = block_from_markdown(markdown_from_runs(runs, heading=2))
    assert (block.heading, block.text) == (2, text)


@given(st.lists(st.builds(Run, st.text(max_size=12), st.booleans(), st.booleans()), max_size=6), st.integers(0, 6))
def test_any_text_survives_markdown_and_back(runs, heading):
    """Random Unicode too: the visible text comes back (a heading's line breaks as spaces)."""
    text = "".join(r.text for r in runs)
    block = block_from_markdown(markdown_from_runs(runs, heading))
    if heading:
        text = text.replace("\n", " ").replace("\r", " ")
    expected = text.strip().replace("\r\n", "\n").replace("\r", "\n")
    assert block.text == expected
    if heading and expected:
        assert block.heading == heading
