"""``cardwriter bench generation``'s two ways do the same work (real default model)."""

from __future__ import annotations

import pytest

from cardwriter.evaluation.generation_bench import run_generation_bench

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("preset", ["balanced", "llamacpp-default"])
def test_both_ways_generate_every_token_of_their_budget(preset):
    result = run_generation_bench(n=2, tokens=8, preset=preset)
    assert result.plain_tokens == result.batched_tokens == result.batched_cold_tokens == 16
    assert result.prompt_tokens > 100
    # equal token counts: the tokens/s ratio is the ratio of wall times
    # (the bench rounds its speedup to three decimals)
    assert result.speedup == pytest.approx(result.plain_seconds / result.batched_seconds, rel=0.02, abs=1e-3)
    assert result.batched_cold_seconds > 0 and result.peak_rss_mb >= result.peak_rss_mb_batched > 0
    # the decode is a part of the batched run, and alone it writes at least as fast as the whole run does
    # (the bench rounds shares to three decimals and rates to one: on a loaded machine they can round equal)
    assert result.batched_decode_share is not None and 0 < result.batched_decode_share <= 1
    assert result.decode_tokens_per_s is not None and result.decode_tokens_per_s >= result.batched_tokens_per_s
    # the warm run decodes each sequence's prompt tail; without that time it writes faster
    assert result.batched_prompt_seconds is not None and 0 < result.batched_prompt_seconds < result.batched_seconds
    assert result.generating_tokens_per_s is not None and result.generating_tokens_per_s >= result.batched_tokens_per_s


def test_a_bench_says_when_llama_cpp_runs_the_models_q8_0_copy():
    from pathlib import Path
    from types import SimpleNamespace

    from cardwriter.evaluation.stack_bench import model_label

    source = Path("/m/SmolLM2.Q4_1.gguf")
    copy = SimpleNamespace(model_name="SmolLM2.Q4_1", path=source, weights=Path("/c/SmolLM2.Q4_1.1-2.q8_0.gguf"))
    assert model_label(copy) == "SmolLM2.Q4_1 (run from its Q8_0 copy)"
    assert model_label(SimpleNamespace(model_name="mine", path=source, weights=source)) == "mine"
    assert model_label(SimpleNamespace(model_name="http://host:8080")) == "http://host:8080"  # a server
