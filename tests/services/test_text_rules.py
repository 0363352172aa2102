"""The text rules of a stack fill: cut off, summaries, lists, labels and the degenerate, on the text alone."""

from __future__ import annotations

from cardwriter.domain.model import VariantKind
from cardwriter.embedding.drop_reasons import DropReason
from cardwriter.services.text_rules import RuleBroken, apply, list_reason, summary_reason, trim_to_sentence

KEEPER = (
    "Every evening the keeper's daughter climbed the hundred steps of the lighthouse. "
    "She trimmed the wick and wiped the salt from the glass. "
    "Far below, the sea kept up its slow argument with the rocks."
)
REWRITE = (
    "Each evening the keeper's daughter went up the hundred stairs of the lighthouse. "
    "She trimmed the wick and cleaned the salt off the glass. "
    "Far beneath her the sea argued slowly with the rocks."
)


def rules(text: str, source: str = KEEPER, parents: tuple[str, ...] | None = None) -> str | RuleBroken:
    return apply(text, source=source, parents=(source,) if parents is None else parents, kind=VariantKind.REWRITE)


def reason(result: str | RuleBroken) -> DropReason | None:
    return result.reason if isinstance(result, RuleBroken) else None


# -- trim_to_sentence -----------------------------------------------------------


def test_a_complete_text_is_kept_whole():
    assert trim_to_sentence("  " + REWRITE + "\n") == REWRITE


def test_a_text_cut_off_mid_sentence_is_trimmed_to_its_last_whole_sentence():
    cut = REWRITE + " The wind rose and the"
    assert trim_to_sentence(cut) == REWRITE


def test_a_cut_off_text_with_too_little_before_the_cut_is_dropped():
    cut = "The tide turned. Then the boats came in one by one, their lamps swinging, and the men on the quay"
    assert trim_to_sentence(cut) is None


def test_half_the_words_left_is_enough():
    assert trim_to_sentence("The tide turned at last. Then the boats came in") == "The tide turned at last."  # 5 of 10
    assert trim_to_sentence("The tide turned. Then the boats came in") is None  # 3 words of 8


def test_a_text_cut_off_after_mr_is_trimmed_before_him():
    assert trim_to_sentence("Elizabeth smiled at him. She turned to Mr.") == "Elizabeth smiled at him."


def test_a_text_with_no_whole_sentence_is_dropped():
    assert trim_to_sentence("Every evening the keeper's daughter climbed the") is None


# -- summaries and lists ----------------------------------------------------------


def test_summary_openings_are_found():
    for summary in (
        "This story is about a keeper's daughter who climbs the lighthouse each evening.",
        "A story about a keeper's daughter who climbs the lighthouse each evening.",
        "The scene unfolds at dusk as the keeper's daughter climbs the lighthouse.",
        "In this tale, the keeper's daughter climbs the lighthouse each evening.",
        "The keeper's daughter climbs the lighthouse; the narrative explores her loneliness.",
        "Her nightly climb is a poignant reminder of the sea's indifference.",
    ):
        assert summary_reason(summary, [KEEPER]) is not None, summary


def test_the_summary_reason_quotes_what_gave_it_away():
    found = summary_reason("This story is about a keeper's daughter.", [KEEPER])
    assert found is not None and "'This story is'" in found


def test_prose_that_only_mentions_a_story_is_no_summary():
    assert (
        summary_reason("Her father told a story about the wreck of 1891 while she trimmed the wick.", [KEEPER]) is None
    )
    assert summary_reason(REWRITE, [KEEPER]) is None


def test_a_summary_opening_is_allowed_when_the_source_itself_talks_that_way():
    memoir = (
        "This story is about my grandmother, who kept the light at Godrevy for eleven years and never once let it fail."
    )
    variant = (
        "This story is about my grandmother: for eleven years she tended the Godrevy lamp, and it never went dark."
    )
    assert summary_reason(variant, [memoir]) is None
    assert summary_reason(variant, [KEEPER]) is not None


def test_a_list_where_the_source_is_prose_is_found_and_a_list_source_may_have_one():
    listed = "1. The daughter climbs the hundred steps.\n2. She trims the wick and wipes the glass.\n3. The sea argues."
    assert list_reason(listed, [KEEPER]) == "a list where the paragraph is prose (3 list lines)"
    packing = "Things to pack for the commute:\n- a thermos of tea\n- the library book\n- an umbrella"
    assert list_reason("Things to take on the commute:\n- a flask of tea\n- the borrowed book", [packing]) is None


def test_a_numbered_sentence_in_prose_is_no_list():
    assert list_reason("At 6. the tide turned.", [KEEPER]) is None
    assert list_reason("She wrote 1. Milk and 2. Bread on the back of her ticket.", [KEEPER]) is None


# -- apply ------------------------------------------------------------------------


def test_a_good_rewrite_passes_as_it_is():
    assert rules(REWRITE) == REWRITE


def test_a_cut_off_rewrite_passes_trimmed():
    assert rules(REWRITE + " The wind rose and the gulls") == REWRITE


def test_each_rule_drops_with_its_reason():
    cut = "Each evening the keeper's daughter went up. She trimmed the wick and cleaned the salt off the glass while"
    assert reason(rules(cut)) is DropReason.CUT_OFF
    summary = "This story is about a keeper's daughter who climbs the lighthouse steps and trims the wick at dusk."
    assert reason(rules(summary)) is DropReason.SUMMARY
    listed = (
        "1. She climbs the hundred steps of the lighthouse.\n2. She trims the wick and wipes the salt from the glass."
    )
    assert reason(rules(listed)) is DropReason.LIST
    labelled = "Here is a new version: each evening the keeper's daughter climbed the steps and trimmed the wick."
    assert reason(rules(labelled)) is DropReason.LABEL_OPENING
    assert reason(rules("She climbed.")) is DropReason.TOO_SHORT
    assert reason(rules(KEEPER.replace("Every", "Each"))) is DropReason.COPIES_SOURCE


def test_the_reasons_come_with_a_sentence_a_writer_can_read():
    dropped = rules("She climbed.")
    assert isinstance(dropped, RuleBroken)
    assert dropped.detail.startswith("too short: 2 words")
    labelled = rules(
        "Sure! Each evening the keeper's daughter climbed the steps, trimmed the wick and wiped the glass."
    )
    assert isinstance(labelled, RuleBroken) and labelled.detail == "opens with a label: 'Sure'"


def test_a_list_is_named_a_list_even_when_it_is_also_cut_off():
    listed = "1. She climbs the hundred steps of the lighthouse.\n2. She trims the wick and wipes the salt from"
    assert reason(rules(listed)) is DropReason.LIST


def test_a_cut_off_summary_is_cut_off_when_too_little_is_left_and_a_summary_when_enough_is():
    short = (
        "This story is about a keeper's daughter. She climbs the hundred steps each evening and trims the wick while"
    )
    assert reason(rules(short)) is DropReason.CUT_OFF
    long = (
        "This story is about a keeper's daughter who climbs the hundred steps of the lighthouse each evening. "
        "She trims the"
    )
    assert reason(rules(long)) is DropReason.SUMMARY  # trimmed first, then judged


def test_a_label_is_named_before_the_summary_that_follows_it():
    text = "Sure, this story is about a keeper's daughter who climbs the lighthouse steps and trims the wick at dusk."
    assert reason(rules(text)) is DropReason.LABEL_OPENING


def test_a_short_summary_is_named_a_summary_not_too_short():
    assert reason(rules("This story is about her.")) is DropReason.SUMMARY


def test_a_source_that_does_not_end_a_sentence_is_not_held_to_the_cut_off_rule():
    fragment = "She climbed the stairs, counting each one as her father had counted them, and"
    variant = "She went up the stairs, counting every step the way her father used to count them, and then"
    assert rules(variant, source=fragment) == variant
    assert reason(rules(variant, source=KEEPER)) is DropReason.CUT_OFF  # the same text, after a whole paragraph


def test_a_summary_or_a_list_the_writer_wrote_is_allowed():
    memoir = "This story is about my grandmother, who kept the light at Godrevy for eleven years and never let it fail."
    variant = (
        "This story is about my grandmother: for eleven years she tended the Godrevy lamp, and it never went dark."
    )
    assert rules(variant, source=memoir) == variant
    packing = "Things to pack for the commute:\n- a thermos of tea\n- the library book\n- an umbrella"
    listed = "Things to bring on the commute:\n- a flask of tea\n- the borrowed book\n- a brolly"
    assert rules(listed, source=packing) == listed
