"""The context and the prompt prefix kept on its home sequence between requests."""

from __future__ import annotations

import pytest

from cardwriter.generation.presets import get_preset

pytestmark = pytest.mark.slow


def test_the_cached_prefix_lives_on_its_own_sequence(engine):
    preset = get_preset("faithful")
    texts = ["Shared words here, then one", "Shared words here, then two"]
    shared = len(engine.tokenize("Shared words here, then"))
    list(
        engine.stream_prompts(
            texts, seeds=[1, 2], preset=preset, max_tokens=[4, 4], ban_eog=True, stop_at_paragraph_end=False
        )
    )
    context = engine.context
    assert context.home >= 2
    assert engine.cached_prefix_tokens == shared
    assert context.last_position(context.home) == shared - 1
    assert [context.last_position(s) for s in range(2)] == [-1, -1]
    engine.clear_cache()
    assert engine.cached_prefix_tokens == 0
    assert context.last_position(context.home) == -1


def test_smaller_requests_reuse_the_context_and_larger_ones_get_a_new_one(engine):
    preset = get_preset("faithful")
    list(engine.stream_prompts(["Tell me about the sea."] * 6, seeds=list(range(6)), preset=preset, max_tokens=[3] * 6))
    context = engine.context
    assert context.unified  # the engine's default: one KV stream for all
    assert context.fits(6, 64, context.n_ctx, unified=True)
    list(engine.stream_prompts(["Tell me about the sea."] * 2, seeds=[1, 2], preset=preset, max_tokens=[3] * 2))
    assert engine.context is context
    assert not context.fits(context.n_seq_max, 64, 64, unified=True)  # one more than it has room for
    assert not context.fits(2, 64, context.n_ctx + 1, unified=True)  # more cells than it has
    list(engine.stream_prompts(["Tell me about the sea."] * 9, seeds=list(range(9)), preset=preset, max_tokens=[3] * 9))
    assert engine.context is not context
    assert engine.context.n_seq_max == 10
