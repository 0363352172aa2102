import random

import numpy as np
import pytest

from cardwriter.domain.likelihood import TextLikelihood
from cardwriter.generation.llama.scoring import (
    MAX_TEXTS_PER_PASS,
    ScoringContext,
    _batches,
    _fill,
    _logit_rows,
    mean_log_prob,
    token_likelihood,
)

FLUENT = (
    "The old keeper climbed the stairs of the lighthouse every evening, lit the lamp, "
    "and watched the ships pass slowly along the dark coast."
)


def test_mean_log_prob_of_hand_made_logits():
    # two rows over a vocabulary of 3: row 0 predicts token 1 with certainty, row 1 is uniform
    logits = np.array([[0.0, 100.0, 0.0], [1.0, 1.0, 1.0], [5.0, 5.0, 5.0]], dtype=np.float32)
    score = mean_log_prob(logits, [2, 1, 0])
    assert score == pytest.approx((0.0 + np.log(1 / 3)) / 2, abs=1e-6)
    assert mean_log_prob(logits, [1]) == 0.0


def test_texts_are_grouped_to_fit_a_pass():
    groups = _batches([[0] * 300, [0] * 300, [0] * 100, [0] * 500])
    assert groups == [[0], [1, 2], [3]]


def test_a_pass_holds_no_more_texts_than_the_context_has_sequences():
    groups = _batches([[0, 1]] * (MAX_TEXTS_PER_PASS + 3))
    assert [len(g) for g in groups] == [MAX_TEXTS_PER_PASS, 3]


ARRIVALS = (
    FLUENT,
    "lamp the every keeper evening stairs old climbed the",
    "Elizabeth said no more, but her mind could not acquiesce. The possibility of meeting Mr. Darcy occurred.",
    "Ana liked to watch the harbour shrink behind the wake: the crane that never moved, the café with its chairs.",
)


def _fresh_context_score(engine, text: str) -> float:
    """The old way: a context made for this one text and freed after."""
    context = ScoringContext(
        engine._lib, engine._model, engine.n_vocab, name="test", n_threads=2, n_threads_batch=2, n_seq_max=1
    )
    try:
        return context.likelihood_pass([engine.tokenize(text)])[0].log_prob
    finally:
        context.free()


@pytest.mark.slow
def test_fluent_english_scores_higher_than_the_same_words_shuffled(engine):
    words = FLUENT.split()
    shuffled = []
    for seed in range(3):
        w = words[:]
        random.Random(seed).shuffle(w)
        shuffled.append(" ".join(w))
    scores = engine.score([FLUENT, *shuffled, ""])
    assert len(scores) == 5 and scores[-1] == 0.0
    assert all(scores[0] > s + 1.0 for s in scores[1:4]), scores


@pytest.mark.slow
def test_scores_do_not_depend_on_batch_company(engine):
    alone = engine.score([FLUENT])[0]
    together = engine.score(["A short line.", FLUENT, "Another short line of text."])[1]
    assert together == pytest.approx(alone, abs=0.05)


@pytest.mark.slow
def test_the_reused_context_scores_as_a_fresh_one_did(engine):
    """Arrivals scored one call each through the kept context, with generation in between, as a stack fill does."""
    from cardwriter.generation.protocol import GenerationRequest
    from cardwriter.generation.results import collect

    reused = []
    for number, text in enumerate(ARRIVALS):
        reused.append(engine.score([text])[0])
        if number == 1:
            collect(engine, GenerationRequest(source=FLUENT, n=2, seed=5, max_tokens=8))
    fresh = [_fresh_context_score(engine, text) for text in ARRIVALS]
    assert reused == pytest.approx(fresh, abs=1e-4)
    assert engine._scoring is not None  # kept for the next call
    assert engine.score(list(ARRIVALS[:1]))[0] == pytest.approx(fresh[0], abs=1e-4)


@pytest.mark.slow
def test_scoring_leaves_generation_working(engine):
    from cardwriter.generation.protocol import GenerationRequest
    from cardwriter.generation.results import collect

    engine.score([FLUENT])
    out = collect(engine, GenerationRequest(source=FLUENT, n=2, seed=3, max_tokens=16))
    assert len(out) == 2 and all(g.text.strip() for g in out)


def test_token_likelihood_of_hand_made_logits():
    # vocabulary of 4; row i predicts token i + 1
    logits = np.array(
        [
            [0.0, 9.0, 1.0, 2.0],  # token 1 is the first choice
            [5.0, 1.0, 3.0, 4.0],  # token 2 is the third choice
            [1.0, 1.0, 1.0, 1.0],  # a four-way tie at the top: token 0 counts as a first choice
            [0.0, 0.0, 0.0, 0.0],  # the last token's row predicts nothing
        ],
        dtype=np.float32,
    )
    got = token_likelihood(logits, [3, 1, 2, 0])
    assert got.top1 == pytest.approx(2 / 3)
    assert got.top10 == pytest.approx(1.0)  # a vocabulary of 4: every token is in the top ten
    assert got.log_prob == mean_log_prob(logits, [3, 1, 2, 0])
    assert token_likelihood(logits, [2]) == TextLikelihood(0.0, 0.0, 0.0)


def test_a_token_outside_the_top_ten_is_counted_out():
    logits = np.zeros((2, 20), dtype=np.float32)
    logits[0, :10] = 5.0  # ten tokens ahead of the rest
    assert token_likelihood(logits, [0, 15]).top10 == 0.0
    assert token_likelihood(logits, [0, 9]).top10 == 1.0


def _greedy_continuation(engine, prompt: str, steps: int) -> str:
    """The prompt and the model's first choice at each of ``steps`` positions (a fresh context; one token a step)."""
    lib, tokens = engine._lib, engine.tokenize(prompt)
    added: list[int] = []
    context = ScoringContext(
        lib, engine._model, engine.n_vocab, name="test", n_threads=2, n_threads_batch=2, n_seq_max=1
    )
    try:
        _fill(context._batch, [tokens])  # the prompt, then each chosen token at the next position
        for _ in range(steps):
            assert lib.llama_decode(context.ctx, context._batch) == 0
            last = context._batch.n_tokens - 1
            best = int(_logit_rows(lib, context.ctx, last, 1, engine.n_vocab)[0].argmax())
            added.append(best)
            batch = context._batch
            batch.token[0], batch.pos[0], batch.n_seq_id[0], batch.logits[0] = (
                best,
                len(tokens) + len(added) - 1,
                1,
                True,
            )
            batch.seq_id[0][0] = 0
            batch.n_tokens = 1
    finally:
        context.free()
    return prompt + b"".join(engine.piece(t) for t in added).decode("utf-8", errors="ignore")


@pytest.mark.slow
def test_text_the_model_wrote_greedily_uses_its_first_choices_more_than_shuffled_words(engine):
    greedy = _greedy_continuation(engine, "The old keeper climbed the stairs", 40)
    words = greedy.split()
    shuffled = [" ".join(random.Random(seed).sample(words, len(words))) for seed in range(3)]
    readings = engine.likelihoods([greedy, *shuffled, FLUENT, ""])
    mine, *others = readings[:4]
    assert mine.top1 > 0.6, (greedy, mine)
    assert all(mine.top1 > o.top1 + 0.3 for o in others), readings
    assert all(mine.top10 > o.top10 for o in others), readings
    assert all(r.top10 >= r.top1 for r in readings)
    # a writer's sentence sits between: the model's first choice far less often than its own text
    assert readings[4].top1 < mine.top1 - 0.2
    assert readings[5] == TextLikelihood(0.0, 0.0, 0.0)


@pytest.mark.slow
def test_likelihoods_read_the_same_log_probability_as_score(engine):
    texts = [FLUENT, *ARRIVALS[1:], "A short line."]
    readings = engine.likelihoods(texts)
    assert [r.log_prob for r in readings] == engine.score(texts)
