from hypothesis import given, settings
from hypothesis import strategies as st

from cardwriter.domain.paragraphs import BOM, draft_from_text, newline_style, split_paragraphs


def cards_of(text):
    return [card.text for card in draft_from_text("t", text).cards]


# Text made of the pieces that matter to splitting, so hypothesis finds the edge cases fast.
markdownish = st.lists(
    st.sampled_from(
        [
            "\n",
            "\r\n",
            "\r",
            " ",
            "\t",
            "word",
            "# ",
            "## Head",
            "- item",
            "1. item",
            "```",
            "~~~",
            "    ",
            "> ",
            BOM,
            "é",
            "\u2028",
        ]
    )
    | st.text(max_size=8),
    max_size=40,
).map("".join)


@settings(max_examples=400)
@given(st.text())
def test_any_text_round_trips_exactly(text):
    assert draft_from_text("t", text).text() == text


@settings(max_examples=400)
@given(markdownish)
def test_markdown_like_text_round_trips_exactly(text):
    draft = draft_from_text("t", text)
    assert draft.text() == text
    # a card never starts with a blank line: blank lines live in separators
    for card in draft.cards:
        assert card.text.strip() != ""


def test_paragraphs_become_cards_and_blank_lines_become_separators():
    draft = draft_from_text("t", "First para\nstill first.\n\n\nSecond.\n")
    assert [c.text for c in draft.cards] == ["First para\nstill first.", "Second."]
    assert [c.separator for c in draft.cards] == ["\n\n\n", "\n"]


def test_crlf_and_bom_are_kept():
    text = BOM + "One.\r\n\r\nTwo.\r\n"
    draft = draft_from_text("t", text)
    assert draft.leading == BOM
    assert [c.text for c in draft.cards] == ["One.", "Two."]
    assert draft.text().encode("utf-8") == text.encode("utf-8")
    assert newline_style(text) == "\r\n"


def test_heading_is_its_own_card_even_without_blank_line():
    assert cards_of("# Title\nBody text.\n## Sub\nMore.") == ["# Title", "Body text.", "## Sub", "More."]


def test_hash_without_space_is_not_a_heading():
    assert cards_of("#hashtag\nstill the same paragraph") == ["#hashtag\nstill the same paragraph"]


def test_list_is_one_card():
    assert cards_of("Intro.\n\n- one\n- two\n  - nested\n\nAfter.") == ["Intro.", "- one\n- two\n  - nested", "After."]


def test_fenced_code_block_with_blank_lines_is_one_card():
    text = "Before.\n\n```python\ndef f():\n\n    return 1\n```\n\nAfter.\n"
    assert cards_of(text) == ["Before.", "```python\ndef f():\n\n    return 1\n```", "After."]


def test_fence_closes_only_with_its_own_kind_and_length():
    text = "````\n```\n\n~~~\n````\nnext"
    assert cards_of(text) == ["````\n```\n\n~~~\n````", "next"]


def test_unclosed_fence_runs_to_the_end():
    assert cards_of("```\ncode\n\nmore code\n") == ["```\ncode\n\nmore code"]


def test_leading_blank_lines_and_whitespace_only_text():
    draft = draft_from_text("t", "\n\n  \nText")
    assert draft.leading == "\n\n  \n"
    assert [c.text for c in draft.cards] == ["Text"]
    assert draft_from_text("t", " \n\t\n").cards == []


def test_split_paragraphs_partitions_the_text():
    leading, blocks = split_paragraphs("a\n\nb")
    assert leading == "" and blocks == [("a", "\n\n"), ("b", "")]
