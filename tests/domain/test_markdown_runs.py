"""Markdown emphasis and headings as formatted runs (no Qt, no files); the way back is test_markdown_writing."""

from __future__ import annotations

import re
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cardwriter.domain.markdown_runs import Block, Run, block_from_markdown, parse_inline

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
