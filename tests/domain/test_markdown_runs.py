"""Markdown emphasis and headings as formatted runs, and back (no Qt, no files)."""

from __future__ import annotations

import re
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cardwriter.domain.markdown_runs import (
    Block,
    Run,
    block_from_markdown,
    formatting,
    markdown_from_runs,
    parse_inline,
)

P = Run  # plain


def It(text: str) -> Run:
    return Run(text, italic=True)


def B(text: str) -> Run:
    return Run(text, bold=True)


def BI(text: str) -> Run:
    return Run(text, bold=True, italic=True)


@pytest.mark.parametrize(
    "markdown, runs",
    [
        ("plain words", (P("plain words"),)),
        ("a *star* b", (P("a "), It("star"), P(" b"))),
        ("a _under_ b", (P("a "), It("under"), P(" b"))),
        ("a **star** b", (P("a "), B("star"), P(" b"))),
        ("a __under__ b", (P("a "), B("under"), P(" b"))),
        ("***both***", (BI("both"),)),
        ("*it **and bold***", (It("it "), BI("and bold"))),
        ("**bold *and it***", (B("bold "), BI("and it"))),
        ("in*side*word", (P("in"), It("side"), P("word"))),
        ("snake_case_name stays", (P("snake_case_name stays"),)),
        ("2 * 3 * 4", (P("2 * 3 * 4"),)),
        ("**not closed", (P("**not closed"),)),
        ("* not emphasis*", (P("* not emphasis*"),)),
        (r"\*escaped\* \_too\_", (P("*escaped* _too_"),)),
        ("`*code*` *yes*", (P("`*code*` "), It("yes"))),
        ("line one\n*line two*", (P("line one\n"), It("line two"))),
    ],
)
def test_inline_emphasis(markdown, runs):
    assert parse_inline(markdown) == runs


@pytest.mark.parametrize(
    "card, heading, text",
    [
        ("# Title", 1, "Title"),
        ("### Third level ###", 3, "Third level"),
        ("###### Six", 6, "Six"),
        ("####### Seven is not a heading", 0, "####### Seven is not a heading"),
        ("#hashtag", 0, "#hashtag"),
        ("# Two\nlines", 0, "# Two\nlines"),
        ("\\# not a heading", 0, "# not a heading"),
    ],
)
def test_headings(card, heading, text):
    block = block_from_markdown(card)
    assert (block.heading, block.text) == (heading, text)


def test_heading_keeps_its_emphasis():
    assert block_from_markdown("## The *Sea*") == Block((P("The "), It("Sea")), heading=2)


def test_fenced_code_stays_literal_and_line_endings_become_newlines():
    assert block_from_markdown("```\n*x*\r\n```").runs == (P("```\n*x*\n```"),)
    assert block_from_markdown("one\r\n**two**").runs == (P("one\n"), B("two"))


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


# -- long paragraphs in linear time -----------------------------------------------------------------

MB = 1024 * 1024


@pytest.mark.parametrize(
    "markdown",
    [
        "word* " * (MB // 3),  # closers with no opener: each once searched back through the whole paragraph
        "*word " * (MB // 3) + "end*",  # openers with no closer, one closer at the end
        "_a *b " * (MB // 6),  # openers of one kind that a closer of the other kind must not rescan
        "it`s " * (MB // 2),  # backticks that open no code span: each once copied the rest of the paragraph
        "``x` " * (MB // 3),
        "# " + " " * (2 * MB) + "x",  # a heading of spaces: a backtracking regular expression took minutes
        "#" + " \t" * MB + "#",
    ],
    ids=["closers", "openers", "mixed-openers", "backticks", "unclosed-double-ticks", "spaced-heading", "tabbed"],
)
def test_a_2_mb_card_reads_in_linear_time(markdown):
    start = time.process_time()
    block = block_from_markdown(markdown)
    assert time.process_time() - start < 3.0  # CPU seconds: linear code takes well under one
    assert block.heading == 1 if markdown.startswith("#") else len(block.text) > MB // 2


@pytest.mark.parametrize("runs", [1, 20_000])
def test_2_mb_of_runs_become_markdown_in_linear_time(runs):
    text = ("The keeper climbed the stairs, counting every step. " * 40_000)[: 2 * MB]
    step = len(text) // runs + 1
    formatted = [Run(text[at : at + step], bold=(at // step) % 3 == 1) for at in range(0, len(text), step)]
    start = time.process_time()
    markdown = markdown_from_runs(formatted)
    assert time.process_time() - start < 3.0
    assert block_from_markdown(markdown).text == text.strip()


# The heading rule as a regular expression (as it once was written): the reference for the linear code.
_HEADING_REFERENCE = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$", re.DOTALL)


@settings(max_examples=500)
@given(st.text(alphabet=" \t#ab\\*", max_size=14))
def test_headings_read_as_the_reference_expression_says(card):
    match = _HEADING_REFERENCE.match(card)
    expected = Block(parse_inline(match.group(2) or ""), heading=len(match.group(1))) if match else None
    block = block_from_markdown(card)
    if expected is None:
        assert block.heading == 0
    else:
        assert block == expected


def test_a_code_span_closes_only_on_a_run_of_the_same_length():
    """CommonMark: "```" does not close "`" (it once did, taking the emphasis before it for code)."""
    assert parse_inline("`*a*```") == (P("`"), It("a"), P("```"))
    assert parse_inline("`*a*` *b*") == (P("`*a*` "), It("b"))
    assert parse_inline("``a`b`` *c*") == (P("``a`b`` "), It("c"))


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
