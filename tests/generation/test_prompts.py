"""Prompts: kinds, angles, shared prefixes, budgets, cleaning."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cardwriter.domain.model import VariantKind
from cardwriter.errors import UserError
from cardwriter.generation.prompts import (
    ANGLES,
    MAX_TOKENS,
    MIN_TOKENS,
    REWRITE_ANGLES,
    REWRITE_MIX,
    VOICE,
    clean,
    paragraph_end,
    plan,
    token_budget,
)
from cardwriter.generation.protocol import GenerationRequest

PARAGRAPH = "The harbour was quiet. " * 5


def test_restyle_cycles_through_the_curated_angles_without_the_voice_angle():
    plans = plan(GenerationRequest(PARAGRAPH, kind=VariantKind.RESTYLE, n=len(ANGLES) + 1))
    angles = [p.angle for p in plans]
    assert VOICE not in angles
    assert angles[: len(ANGLES) - 1] == [a for a in ANGLES if a != VOICE]
    assert angles[-2:] == ["plainer", "more concrete"]  # cycles


def test_voice_angle_needs_examples_and_puts_them_in_the_prompt():
    with pytest.raises(UserError, match="own paragraphs"):
        plan(GenerationRequest(PARAGRAPH, kind=VariantKind.RESTYLE, angles=(VOICE,)))
    plans = plan(
        GenerationRequest(PARAGRAPH, kind=VariantKind.RESTYLE, angles=(VOICE,), voice_examples=("I write like this.",))
    )
    assert "I write like this." in plans[0].messages[1]["content"]


def test_sequences_share_the_paragraph_as_a_prefix_and_differ_only_at_the_end():
    plans = plan(GenerationRequest(PARAGRAPH, kind=VariantKind.RESTYLE, n=4))
    users = [p.messages[1]["content"] for p in plans]
    shared = users[0].rsplit("\n\n", 1)[0]
    assert PARAGRAPH.strip() in shared
    assert all(u.startswith(shared) for u in users)
    assert len(set(users)) == 4
    assert [p.seed for p in plans] == [0, 1, 2, 3]


def test_budget_scales_with_the_source_and_is_clamped():
    short = GenerationRequest("Yes.")
    longer = GenerationRequest("word " * 100)
    huge = GenerationRequest("word " * 5000)
    assert token_budget(short, None) == MIN_TOKENS
    assert token_budget(longer, None) > 100
    assert token_budget(longer, "terser") < token_budget(longer, None)
    assert token_budget(huge, None) == MAX_TOKENS
    assert token_budget(GenerationRequest("x", max_tokens=7), None) == 7


def test_recombine_with_a_note_and_with_two_notes():
    one = plan(GenerationRequest(PARAGRAPH, kind=VariantKind.RECOMBINE, notes=("A note.",), n=1))[0]
    assert "Note:\nA note." in one.messages[1]["content"] and "from the note" in one.messages[1]["content"]
    two = plan(GenerationRequest("", kind=VariantKind.RECOMBINE, notes=("First.", "Second."), n=1))[0]
    assert "Note 2:\nSecond." in two.messages[1]["content"] and "from Note 2" in two.messages[1]["content"]
    with pytest.raises(UserError, match="at least one note"):
        plan(GenerationRequest(PARAGRAPH, kind=VariantKind.RECOMBINE))
    with pytest.raises(UserError, match="two notes"):
        plan(GenerationRequest("", kind=VariantKind.RECOMBINE, notes=("Only one.",)))


def test_recombine_names_what_to_take_and_key_words_of_both_parents():
    note = "She kept her mother's letters in a drawer and read them again when the house was quiet."
    plans = plan(GenerationRequest(PARAGRAPH, kind=VariantKind.RECOMBINE, notes=(note,), n=3))
    assert [p.angle for p in plans] == ["image", "claim", "turn of phrase"]
    for p in plans:
        ask = p.messages[1]["content"].split("\n\n")[-1]
        assert '"letters"' in ask and '"drawer"' in ask, ask
        assert any(f'"{w}"' in ask for w in PARAGRAPH.lower().split()), ask
    assert "an image" in plans[0].messages[1]["content"] and "main idea" in plans[1].messages[1]["content"]


def test_association_is_its_own_prompt_from_one_note():
    p = plan(
        GenerationRequest("", kind=VariantKind.RECOMBINE, notes=("Letters in a drawer.",), angles=("association",), n=1)
    )[0]
    assert "make you think of" in p.messages[1]["content"] and "not a summary" in p.messages[1]["content"]
    assert p.angle == "association"


def test_continue_completion_prompt_is_the_text_itself():
    p = plan(GenerationRequest(PARAGRAPH, kind=VariantKind.CONTINUE, before="Earlier.", n=1))[0]
    assert p.completion_prompt == "Earlier.\n\n" + PARAGRAPH.strip() + "\n\n"
    assert "next" in p.messages[1]["content"]


def test_plain_completion_prompt_for_base_models_ends_with_a_label():
    p = plan(GenerationRequest(PARAGRAPH, kind=VariantKind.RESTYLE, n=1))[0]
    assert p.completion_prompt.endswith("New paragraph:\n")
    assert "plainer words" in p.completion_prompt


def test_bad_requests_are_user_errors():
    with pytest.raises(UserError, match="no text"):
        plan(GenerationRequest("   "))
    with pytest.raises(UserError, match="unknown angle 'sillier'"):
        plan(GenerationRequest(PARAGRAPH, angles=("sillier",)))
    with pytest.raises(UserError, match="original"):
        plan(GenerationRequest(PARAGRAPH, kind=VariantKind.ORIGINAL))
    with pytest.raises(ValueError):
        GenerationRequest(PARAGRAPH, n=0)


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("  The sea.  ", "The sea."),
        ('"The sea was calm."', "The sea was calm."),
        ("Here is a rewritten version of the paragraph:\n\nThe sea was calm.", "The sea was calm."),
        ("Sure! Here's the paragraph, plainer:\nThe sea.", "The sea."),
        ('He said "no" and "yes".', 'He said "no" and "yes".'),
        ("Paragraphs: one thing", "Paragraphs: one thing"),
        ("To rephrase this passage, I'd suggest the following:\n\nThe sea was calm.", "The sea was calm."),
        ("I'll rewrite the paragraph to convey a more nuanced message:\nThe sea was calm.", "The sea was calm."),
        ("Edited paragraph: The sea was calm.", "The sea was calm."),
        ("She had one suggestion: leave.\nThen she left.", "She had one suggestion: leave.\nThen she left."),
        ("He read the following: nothing at all.", "He read the following: nothing at all."),
    ],
)
def test_clean(raw, cleaned):
    assert clean(raw) == cleaned


def test_paragraph_end_skips_preambles_and_leading_blanks():
    assert paragraph_end("\n\nThe sea.\n\nMore") == len("\n\nThe sea.")
    assert paragraph_end("Here it is:\n\nThe sea.\n\nNote: x") == len("Here it is:\n\nThe sea.")
    assert paragraph_end("The sea.\nStill one paragraph.") is None


@given(st.text(max_size=200))
def test_paragraph_end_cuts_before_a_blank_line_with_content_before_it(text):
    end = paragraph_end(text)
    if end is not None:
        assert text[end : end + 2] == "\n\n"
        assert text[:end].strip()


def test_rewrite_intents_keep_the_meaning_and_share_the_prefix():
    plans = plan(GenerationRequest(PARAGRAPH, n=len(REWRITE_MIX), angles=REWRITE_MIX))
    assert [p.angle for p in plans] == list(REWRITE_MIX)
    users = [p.messages[1]["content"] for p in plans]
    assert len(set(users)) == len(REWRITE_MIX)
    for angle, user in zip(REWRITE_MIX, users, strict=True):
        last = user.rsplit("\n\n", 1)[1]
        assert last.startswith("Rewrite the paragraph in other words, keeping its meaning") and "words)" in last
        if angle is not None:
            assert REWRITE_ANGLES[angle].rstrip(".") in last
    assert all(a in REWRITE_ANGLES for a in REWRITE_MIX if a is not None)
    assert not set(REWRITE_ANGLES) & set(ANGLES), "rewrite intents are not restyle angles"
    restyle = [p.angle for p in plan(GenerationRequest(PARAGRAPH, kind=VariantKind.RESTYLE, n=20))]
    assert not set(restyle) & set(REWRITE_ANGLES)
