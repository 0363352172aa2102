import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cardwriter.domain.model import VariantKind
from cardwriter.embedding.dedup import degenerate_reason, filter_candidates
from cardwriter.embedding.dedup_config import DedupConfig
from cardwriter.embedding.drop_reasons import DropReason

SOURCE = (
    "The old keeper climbed the stairs of the lighthouse at dusk, counting each step "
    "as his father had taught him, and paused at the window to watch the fishing boats "
    "come home across the darkening bay."
)  # 36 words


def reason(text, kind=VariantKind.REWRITE, **config):
    found = degenerate_reason(text, SOURCE, kind, DedupConfig(**config))
    return None if found is None else found[0]


GOOD = (
    "At nightfall the aged lighthouse warden went up the tower, step by counted step "
    "the way he had learned as a boy, and stopped by the glass to see the trawlers "
    "returning over the dimming water."
)


def test_a_real_rewrite_is_not_degenerate():
    assert reason(GOOD) is None


@pytest.mark.parametrize("text", ["", "   \n ", "...", "\u2014"])
def test_empty_texts(text):
    assert reason(text) is DropReason.EMPTY


def test_too_short_is_under_a_third_of_the_source_in_words():
    eleven = "one two three four five six seven eight nine ten eleven"
    twelve = eleven + " twelve"
    assert reason(eleven) is DropReason.TOO_SHORT  # 11 < 36 / 3
    assert reason(twelve) is None


def test_looping_output_is_dropped():
    loop = "The keeper climbed the stairs and " + "the boats came home and " * 5
    assert reason(loop) is DropReason.LOOPING


def test_echo_phrases_anywhere_and_openings_only_at_the_start():
    assert reason("Rewrite the following paragraph: " + GOOD) is DropReason.ECHOES_PROMPT
    assert reason("Here is a rewritten version. " + GOOD) is DropReason.ECHOES_PROMPT
    assert reason('"Sure! ' + GOOD) is DropReason.ECHOES_PROMPT
    inside = GOOD + ' "Here is the key," he said.'
    assert reason(inside) is None


@pytest.mark.parametrize(
    "text",
    [
        "In 57 words, you've rewritten the paragraph so that the keeper climbs the tower at dusk and counts each step.",
        "The Lighthouse, written by Elizabeth Bennet, is a classic example of a keeper who counts his steps at dusk.",
        "To rephrase it: the keeper climbed the tower at dusk, counting each step as his father taught him to.",
        "In this passage the keeper climbs the tower at dusk and counts each step as his father taught him, then watches.",
        "I'd suggest a version where the keeper climbs the tower at dusk and counts each step like his father did.",
    ],
)
def test_meta_commentary_is_an_echo(text):
    assert reason(text) is DropReason.ECHOES_PROMPT


def test_a_phrase_the_source_uses_itself_is_no_echo():
    source = "The author of the letter, written by candlelight, never signed it; in 40 words she said everything."
    text = "Nobody knew the author of the note she wrote by candlelight; it ran to 40 words and said it all, unsigned."
    assert degenerate_reason(text, source, VariantKind.REWRITE) is None
    assert degenerate_reason(text, SOURCE, VariantKind.REWRITE)[0] is DropReason.ECHOES_PROMPT


def test_echo_phrase_list_is_a_parameter():
    assert reason(GOOD + " Trawlers!", echo_phrases=("trawlers!",)) is DropReason.ECHOES_PROMPT
    assert reason("Here is " + GOOD, echo_openings=()) is None


def test_a_copy_of_the_source_is_degenerate_for_rewrites_only():
    copy = SOURCE.replace("dusk", "nightfall")
    assert reason(copy, VariantKind.REWRITE) is DropReason.COPIES_SOURCE
    assert reason(copy, VariantKind.RESTYLE) is DropReason.COPIES_SOURCE
    assert reason(copy, VariantKind.CONTINUE) is None


# ----------------------------------------------------------------------------- near-duplicates

E = np.eye(6, dtype=np.float32)


def unit(v):
    v = np.asarray(v, dtype=np.float32)
    return v / np.linalg.norm(v)


def text(i):
    """A long, valid text whose words share nothing with text(j) for j != i."""
    return " ".join(f"w{i}x{k}" for k in range(20))


def run(cands, embs, stack=(), stack_embs=None, **config):
    return filter_candidates(
        cands,
        np.array(embs),
        source="a b c d e f g h i",
        source_embedding=E[0],
        kind=VariantKind.CONTINUE,
        stack=stack,
        stack_embeddings=stack_embs,
        config=DedupConfig(**config),
    )


def test_near_duplicate_siblings_keep_the_first():
    a, b, c = unit(E[1]), unit(E[1] + 0.2 * E[2]), unit(E[3])  # cos(a, b) = 0.981
    result = run([text(0), text(1), text(2)], [a, b, c])
    assert result.kept == [0, 2]
    (drop,) = result.dropped
    assert drop.index == 1 and drop.reason is DropReason.DUPLICATES_SIBLING and drop.other == 0
    assert drop.cosine == pytest.approx(0.981, abs=1e-3)


def test_near_duplicate_of_the_source_is_dropped():
    close = unit(E[0] + 0.3 * E[1])  # cos 0.958
    result = run([text(0), text(1)], [close, unit(E[2])])
    assert result.kept == [1]
    assert result.reasons() == {0: DropReason.DUPLICATES_SOURCE}


def test_near_duplicate_of_the_stack_is_dropped():
    result = run(
        [text(0), text(1)],
        [unit(E[1]), unit(E[2])],
        stack=[text(9)],
        stack_embs=np.array([unit(E[2] + 0.1 * E[3])]),
    )
    assert result.kept == [0]
    assert result.dropped[0].reason is DropReason.DUPLICATES_STACK and result.dropped[0].other == 0


def test_grey_zone_needs_word_overlap_too():
    a, b = unit(E[1]), unit(E[1] + 0.5 * E[2])  # cos 0.894: between 0.85 and 0.92
    shared = text(0)
    rewritten = " ".join(shared.split()[:14]) + " " + " ".join(f"new{k}" for k in range(6))
    overlapping = run([shared, rewritten], [a, b])
    assert overlapping.kept == [0]
    assert overlapping.dropped[0].overlap == pytest.approx(12 / 18)
    different = run([shared, text(1)], [a, b])
    assert different.kept == [0, 1]


def test_thresholds_are_parameters():
    a, b = unit(E[1]), unit(E[1] + 0.2 * E[2])  # cos 0.981
    assert run([text(0), text(1)], [a, b], duplicate_cosine=0.99, overlap_cosine=0.99).kept == [0, 1]
    with pytest.raises(ValueError):
        DedupConfig(overlap_cosine=0.95, duplicate_cosine=0.9)


def test_degenerate_candidates_are_dropped_before_they_can_shadow_others():
    a = unit(E[1])
    result = run(["", text(1)], [a, a])
    assert result.kept == [1]
    assert result.reasons() == {0: DropReason.EMPTY}


def test_every_drop_has_a_readable_detail():
    a, b = unit(E[1]), unit(E[1] + 0.1 * E[2])
    result = run([text(0), text(1), "short"], [a, b, unit(E[3])])
    assert {d.reason for d in result.dropped} == {DropReason.DUPLICATES_SIBLING, DropReason.TOO_SHORT}
    assert all(d.detail for d in result.dropped)
    assert "cosine 0.995" in result.dropped[0].detail


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(0, 4), min_size=1, max_size=12),
    st.lists(st.floats(-0.3, 0.3), min_size=72, max_size=72),
)
def test_never_keeps_two_items_at_or_above_the_threshold(bases, noise):
    rng_noise = np.array(noise, dtype=np.float32).reshape(12, 6)
    embs = np.array([unit(E[1 + b] + 0.6 * rng_noise[i]) for i, b in enumerate(bases)])
    cands = [text(i) for i in range(len(bases))]
    result = run(cands, embs)
    kept = result.kept
    assert sorted(kept + [d.index for d in result.dropped]) == list(range(len(cands)))
    sims = embs[kept] @ embs[kept].T
    assert np.all(sims[np.triu_indices(len(kept), 1)] < 0.92)
    assert np.all(embs[kept] @ E[0] < 0.92)


@pytest.mark.slow
def test_real_model_drops_a_near_duplicate_and_keeps_a_different_rewrite(minilm):
    near_dup = GOOD.replace("aged", "old").replace("trawlers", "fishing boats")
    different = (
        "Evening had come. Step after step, just as his father once showed him, the old man "
        "made his way to the top of the tower, where he lingered at the pane and followed "
        "the small boats crossing the bay toward the harbour."
    )
    cands = [GOOD, near_dup, different]
    embs = minilm.encode(cands)
    result = filter_candidates(
        cands, embs, source=SOURCE, source_embedding=minilm.encode([SOURCE])[0], kind=VariantKind.REWRITE
    )
    assert result.kept == [0, 2]
    assert result.reasons() == {1: DropReason.DUPLICATES_SIBLING}
