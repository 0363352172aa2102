"""The chain every candidate of a stack fill passes, stage by stage, with the real MiniLM embedder."""

from __future__ import annotations

import numpy as np
import pytest

from cardwriter.domain.model import VariantKind
from cardwriter.domain.word_diff import changed_share
from cardwriter.embedding.dedup_config import DedupConfig
from cardwriter.embedding.drop_reasons import DropReason
from cardwriter.generation.results import Generated
from cardwriter.services.fill_chain import MIN_CLOSE_CHANGE, STAGES, CandidateChain, Dropped, Passed
from cardwriter.services.fill_request import FillRequest
from cardwriter.services.keepability import KeepConfig

pytestmark = pytest.mark.slow

PARAGRAPH = (
    "For eleven years Margaret kept the light at Godrevy, and every Monday she rowed the two miles to St Ives for oil. "
    "She knew each of the steps by the sound they made under her boots. "
    "In the worst winter the lamp failed only once, and she never forgave herself for it."
)
REWRITE = (  # says what the paragraph says in other words: cosine to it about 0.89
    "Eleven years Margaret gave to the light at Godrevy, rowing the two miles to St Ives each Monday for oil. "
    "Every step of the tower creaked its own way beneath her, and she knew them all by ear. "
    "Once, in the cruellest of winters, the lamp went dark, and she could not forgive herself."
)
NEAR_REWRITE = REWRITE.replace("cruellest", "harshest")
# close rewrites: the paragraph copied, a few words changed
CLOSE_TINY = PARAGRAPH.replace("kept the light", "tended the light").replace("knew each", "knew every")  # 4%
CLOSE = (  # about 15%
    PARAGRAPH.replace("kept the light", "tended the lamp")
    .replace("knew each", "could tell each")
    .replace("worst winter", "hardest winter")
    .replace("the sound they", "the noise they")
    .replace("failed only", "went out only")
)
CLOSE_TWIN = CLOSE.replace("could tell each", "knew every")  # differs from CLOSE in under 8% of its words
CLOSE_OTHER = (  # differs from CLOSE in more
    PARAGRAPH.replace("rowed the two miles", "pulled the two miles")
    .replace("for oil", "to fetch oil")
    .replace("by the sound they made", "from the creak each gave")
    .replace("never forgave herself for it", "could never forgive herself")
)


@pytest.fixture(scope="module")
def plain(minilm) -> CandidateChain:
    """A rewrite fill of the paragraph with an empty stack, shared by the tests that accept nothing."""
    return chain(minilm)


def chain(embedder, scorer=lambda texts: None, **fields) -> CandidateChain:
    return CandidateChain(embedder, FillRequest.build(source=PARAGRAPH, **fields), DedupConfig(), scorer)


def candidate(text: str, *, index: int = 0, close: bool = False, log_prob: float | None = None, kind=None):
    return Generated(
        index=index,
        text=text,
        kind=kind or VariantKind.REWRITE,
        angle=None,
        preset="faithful",
        seed=7 + index,
        model="SmolLM2-135M-Instruct.Q4_1",
        tokens=60,
        finish_reason="stop",
        seconds=1.0,
        log_prob=log_prob,
        close=close,
    )


def dropped(result: Passed | Dropped) -> tuple[str, DropReason]:
    assert isinstance(result, Dropped), f"passed: {result.candidate.text!r}"
    return result.stage, result.reason


def cosine(embedder, a: str, b: str) -> float:
    va, vb = embedder.encode([a, b])
    return float(va @ vb)


def test_a_rewrite_that_keeps_the_meaning_in_other_words_passes_with_its_vector(plain):
    result = plain.judge(candidate(REWRITE))
    assert isinstance(result, Passed)
    assert result.candidate.text == REWRITE
    assert result.vector.shape == (384,) and np.isclose(np.linalg.norm(result.vector), 1.0, atol=1e-3)


def test_a_cut_off_candidate_passes_trimmed_to_its_last_whole_sentence(minilm, plain):
    result = plain.judge(candidate(REWRITE + " The gulls wheeled over the"))
    assert isinstance(result, Passed)
    assert result.candidate.text == REWRITE
    assert np.allclose(result.vector, minilm.encode([REWRITE])[0], atol=1e-5)  # the shown text's vector


def test_text_rules_drop_a_summary(plain):
    summary = "This story is about Margaret, who kept the light at Godrevy and rowed to St Ives for oil every Monday."
    result = plain.judge(candidate(summary))
    assert dropped(result) == ("text rules", DropReason.SUMMARY)
    assert "This story is" in result.detail


def test_keepability_drops_an_invented_place_and_names_it(plain):
    result = plain.judge(candidate(REWRITE.replace("to St Ives", "to Lisbon")))
    assert dropped(result) == ("keepability", DropReason.INVENTS_FACTS)
    assert result.detail == 'invents name "Lisbon"'


def test_keepability_drops_a_rewrite_that_says_other_things(plain):
    drifts = (
        "For eleven years Margaret kept the light at Godrevy, and every Monday she rowed the two miles to St Ives "
        "for oil. She had always wanted to open a small bakery and sell warm bread in the mornings. "
        "Her favourite colour was a pale shade of green, like new leaves."
    )
    assert dropped(plain.judge(candidate(drifts))) == ("keepability", DropReason.LOSES_MEANING)


def test_on_topic_drops_a_rewrite_about_something_else(minilm):
    # with the meaning check off, the whole-paragraph cosine is what stops it
    elsewhere = (
        "The quarterly figures showed strong growth in software subscriptions across every region, "
        "and the board was pleased with the results of the year."
    )
    result = chain(minilm, keep=KeepConfig(meaning=False)).judge(candidate(elsewhere))
    assert dropped(result) == ("on topic", DropReason.OFF_TOPIC)
    assert result.cosine is not None and result.cosine < 0.5
    assert result.detail.startswith("off topic: cosine")


def test_fusion_drops_a_recombination_that_ignores_the_note(minilm):
    note = "The lifeboat crew drank in the Sloop Inn after a launch and sang hymns on the quay until the small hours."
    fuse = chain(minilm, kind=VariantKind.RECOMBINE, notes=(note,))
    result = fuse.judge(candidate(REWRITE, kind=VariantKind.RECOMBINE))
    assert dropped(result) == ("fusion", DropReason.IGNORES_PARENT)
    assert "parent 2" in result.detail
    pasted = fuse.judge(candidate(PARAGRAPH + " " + note, kind=VariantKind.RECOMBINE))
    assert dropped(pasted) == ("fusion", DropReason.COPIES_SOURCE)


def test_duplicates_drop_a_near_copy_of_the_stack(minilm):
    result = chain(minilm, existing=(REWRITE,)).judge(candidate(NEAR_REWRITE))
    assert dropped(result) == ("duplicates", DropReason.DUPLICATES_STACK)


def test_an_accepted_candidate_makes_a_later_near_duplicate_a_sibling(minilm):
    fill = chain(minilm)
    first = fill.judge(candidate(REWRITE))
    assert isinstance(first, Passed)
    assert isinstance(fill.judge(candidate(NEAR_REWRITE, index=1)), Passed), "nothing accepted yet: no duplicate"
    fill.accept(first)
    result = fill.judge(candidate(NEAR_REWRITE, index=1))
    assert dropped(result) == ("duplicates", DropReason.DUPLICATES_SIBLING)
    assert "another candidate" in result.detail


def test_the_model_verdict_drops_what_the_model_finds_improbable(minilm, plain):
    harsh = chain(minilm, scorer=lambda texts: [-9.0] * len(texts))
    result = harsh.judge(candidate(REWRITE, log_prob=-3.0))
    assert dropped(result) == ("model verdict", DropReason.IMPROBABLE)
    assert "-9.00" in result.detail
    # written at a good log-probability, it is not read again; a server that cannot score drops nothing
    assert isinstance(harsh.judge(candidate(REWRITE, log_prob=-1.0)), Passed)
    assert isinstance(plain.judge(candidate(REWRITE, log_prob=-3.0)), Passed)


def test_every_stage_a_drop_names_is_one_of_the_stages(plain):
    for text in ("She climbed.", REWRITE.replace("Margaret", "Nigel"), CLOSE_TINY):
        result = plain.judge(candidate(text, close=text is CLOSE_TINY))
        assert isinstance(result, Dropped) and result.stage in STAGES


def test_a_close_rewrite_that_changes_too_little_copies_the_source(plain):
    assert changed_share(PARAGRAPH, CLOSE_TINY) < MIN_CLOSE_CHANGE
    result = plain.judge(candidate(CLOSE_TINY, close=True))
    assert dropped(result) == ("duplicates", DropReason.COPIES_SOURCE)
    assert result.detail.startswith("changes too little: 4% of the paragraph's words")


def test_a_close_rewrite_that_changes_enough_words_passes_though_its_cosine_says_duplicate(minilm, plain):
    assert 0.12 < changed_share(PARAGRAPH, CLOSE) < 0.18
    assert cosine(minilm, PARAGRAPH, CLOSE) > 0.92  # a free rewrite this close would be a duplicate of the source
    result = plain.judge(candidate(CLOSE, close=True))
    assert isinstance(result, Passed) and result.candidate.text == CLOSE
    free = plain.judge(candidate(CLOSE))
    assert dropped(free)[0] in ("text rules", "duplicates")  # the same words as a free rewrite: a copy


def test_two_close_rewrites_that_differ_in_few_words_are_duplicates(minilm):
    assert changed_share(CLOSE, CLOSE_TWIN) < MIN_CLOSE_CHANGE
    assert changed_share(PARAGRAPH, CLOSE_TWIN) >= MIN_CLOSE_CHANGE
    fill = chain(minilm)
    first = fill.judge(candidate(CLOSE, close=True))
    assert isinstance(first, Passed)
    fill.accept(first)
    twin = fill.judge(candidate(CLOSE_TWIN, index=1, close=True))
    assert dropped(twin) == ("duplicates", DropReason.DUPLICATES_SIBLING)
    assert "another candidate" in twin.detail
    assert changed_share(CLOSE, CLOSE_OTHER) >= MIN_CLOSE_CHANGE
    assert isinstance(fill.judge(candidate(CLOSE_OTHER, index=2, close=True)), Passed)


def test_a_close_rewrite_too_like_one_in_the_stack_duplicates_the_stack(minilm):
    result = chain(minilm, existing=(CLOSE,)).judge(candidate(CLOSE_TWIN, close=True))
    assert dropped(result) == ("duplicates", DropReason.DUPLICATES_STACK)
    assert "stack item 0" in result.detail


def test_a_close_rewrite_still_may_not_invent_a_name(plain):
    result = plain.judge(candidate(CLOSE.replace("St Ives", "St Just"), close=True))
    assert dropped(result) == ("keepability", DropReason.INVENTS_FACTS)
    assert '"Just"' in result.detail
