"""Would a writer keep this variant? Facts and meaning, judged with the real MiniLM embedder."""

from __future__ import annotations

import pytest

from cardwriter.domain.model import VariantKind
from cardwriter.embedding.drop_reasons import DropReason
from cardwriter.services.keepability import KeepabilityJudge, KeepConfig, everyday_word

PARAGRAPH = (
    "Every evening Margaret climbed the hundred steps of the lighthouse to light the lamp. "
    "She trimmed the wick and wiped the salt from the glass with her sleeve. "
    "Far below, the sea kept up its slow argument with the rocks."
)
FAITHFUL = (
    "Each evening Margaret went up the hundred stairs of the lighthouse to light the lamp. "
    "She trimmed the wick and rubbed the salt off the glass with her sleeve. "
    "Far beneath her, the sea went on slowly arguing with the rocks."
)
DRIFTS = (  # the first sentence kept, two invented (no name, no number: only meaning can catch them)
    "Every evening Margaret climbed the hundred steps of the lighthouse to light the lamp. "
    "She had always wanted to open a small bakery and sell warm bread in the mornings. "
    "Her favourite colour was a pale shade of green, like new leaves."
)
FIRST_ONLY = "Each evening Margaret went up the hundred stairs of the lighthouse so that she could light its lamp."
IN_LISBON = FAITHFUL.replace("of the lighthouse", "of the lighthouse in Lisbon")
TWO_HUNDRED = FAITHFUL.replace("the hundred stairs", "the two hundred stairs")


def judge(embedder, kind=VariantKind.REWRITE, **kw) -> KeepabilityJudge:
    return KeepabilityJudge(embedder, source=PARAGRAPH, kind=kind, **kw)


def test_everyday_words_and_names():
    assert everyday_word("perhaps")
    assert everyday_word("beneath")
    assert everyday_word("wearily")  # an everyday ending, however rare the word
    assert not everyday_word("lisbon")
    assert not everyday_word("margaret")
    assert not everyday_word("godrevy")


@pytest.mark.slow
def test_a_faithful_rewrite_is_kept(minilm):
    assert judge(minilm).judge(FAITHFUL) is None


@pytest.mark.slow
def test_a_rewrite_that_opens_sentences_with_everyday_words_invents_no_names(minilm):
    opened = (
        "Perhaps Margaret climbed the hundred steps of the lighthouse every evening to light the lamp. "
        "Slowly she trimmed the wick and wiped the salt from the glass with her sleeve. "
        "Beneath her, the sea kept up its slow argument with the rocks."
    )
    assert judge(minilm).judge(opened) is None


@pytest.mark.slow
def test_a_rewrite_that_invents_what_the_paragraph_does_not_say_loses_its_meaning(minilm):
    found = judge(minilm).judge(DRIFTS)
    assert found is not None and found.reason is DropReason.LOSES_MEANING
    assert found.detail.startswith("sentence 2 says what the paragraph does not")
    assert found.score is not None and found.score < KeepConfig().min_support


@pytest.mark.slow
def test_a_rewrite_that_keeps_only_the_first_sentence_loses_the_rest(minilm):
    found = judge(minilm).judge(FIRST_ONLY)
    assert found is not None and found.reason is DropReason.LOSES_MEANING
    assert found.detail.startswith("leaves out what the paragraph says")
    assert found.score is not None and found.score < KeepConfig().min_coverage


@pytest.mark.slow
def test_the_alignment_shows_which_sentences_match(minilm):
    found = judge(minilm).alignment(DRIFTS)
    assert len(found.support) == 3 and len(found.coverage) == 3
    assert found.support[0] > 0.9  # the first sentence is the paragraph's own
    assert max(found.support[1:]) < 0.45


@pytest.mark.slow
def test_an_invented_place_or_number_drops_as_inventing_facts(minilm):
    place = judge(minilm).judge(IN_LISBON)
    assert place is not None and place.reason is DropReason.INVENTS_FACTS
    assert place.detail == 'invents name "Lisbon"'
    number = judge(minilm).judge(TWO_HUNDRED)
    assert number is not None and number.reason is DropReason.INVENTS_FACTS
    assert number.detail == 'invents number "200"'
    renamed = judge(minilm).judge(FAITHFUL.replace("Margaret", "Nigel"))
    assert renamed is not None and renamed.reason is DropReason.INVENTS_FACTS and '"Nigel"' in renamed.detail


@pytest.mark.slow
def test_a_name_from_a_neighbouring_paragraph_is_given(minilm):
    variant = FAITHFUL.replace("She trimmed the wick", "She trimmed the wick Nigel had brought")
    assert judge(minilm).judge(variant).reason is DropReason.INVENTS_FACTS
    assert judge(minilm, given=("On Mondays Nigel rowed out from St Ives with the oil.",)).judge(variant) is None


@pytest.mark.slow
def test_a_continuation_may_add_a_number_but_not_a_new_name(minilm):
    continuation = judge(minilm, kind=VariantKind.CONTINUE)
    ships = "At nine o'clock three ships passed, and she counted their lights until the dawn came grey over the water."
    assert continuation.judge(ships) is None
    stranger = "At nine o'clock Nigel rowed out with the oil, and she watched his boat from the gallery."
    found = continuation.judge(stranger)
    assert found is not None and found.reason is DropReason.INVENTS_FACTS and found.detail == 'invents name "Nigel"'


@pytest.mark.slow
def test_a_continuation_that_leaves_the_story_loses_its_meaning(minilm):
    found = judge(minilm, kind=VariantKind.CONTINUE).judge(
        "The quarterly figures showed strong growth in software subscriptions across every region."
    )
    assert found is not None and found.reason is DropReason.LOSES_MEANING
    assert "leaves the story" in found.detail


@pytest.mark.slow
def test_facts_off_lets_invented_facts_through_and_meaning_off_lets_lost_meaning_through(minilm):
    no_facts = judge(minilm, config=KeepConfig(facts=False))
    assert no_facts.judge(IN_LISBON) is None and no_facts.judge(TWO_HUNDRED) is None
    assert no_facts.judge(FIRST_ONLY).reason is DropReason.LOSES_MEANING  # meaning is still judged
    no_meaning = judge(minilm, config=KeepConfig(meaning=False))
    assert no_meaning.judge(DRIFTS) is None and no_meaning.judge(FIRST_ONLY) is None
    assert no_meaning.judge(IN_LISBON).reason is DropReason.INVENTS_FACTS  # facts are still judged
