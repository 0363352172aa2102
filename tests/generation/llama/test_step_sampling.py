"""Top-nσ for a whole step in numpy, the rest of each chain by llama.cpp: the same tokens (real default model)."""

from __future__ import annotations

import dataclasses

import llama_cpp
import numpy as np
import pytest

from cardwriter.generation.llama import step_sampling
from cardwriter.generation.llama.step_sampling import StepLogits
from cardwriter.generation.presets import get_preset
from cardwriter.generation.protocol import SequenceDone

PROMPT = (
    "<|im_start|>user\nWrite a long story about the sea and a lighthouse keeper.<|im_end|>\n<|im_start|>assistant\n"
)
# DRY strong enough to lower the likeliest token now and then, which moves top-nσ's threshold
HEAVY_DRY = dataclasses.replace(get_preset("balanced"), dry_multiplier=4.0, dry_allowed_length=1)


def texts(engine, preset, ban_eog: bool, split: bool, monkeypatch) -> list[str]:
    with monkeypatch.context() as patch:
        if not split:
            patch.setattr(engine.samplers, "split", lambda *args, **kwargs: None)
        events = engine.stream_prompts(
            [PROMPT] * 6,
            seeds=list(range(6)),
            preset=preset,
            max_tokens=[60] * 6,
            ban_eog=ban_eog,
            stop_at_paragraph_end=False,
        )
        done = sorted((e for e in events if isinstance(e, SequenceDone)), key=lambda e: e.index)
    return [e.text for e in done]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("preset", "ban_eog"), [(get_preset("balanced"), False), (get_preset("balanced"), True), (HEAVY_DRY, False)]
)
def test_the_step_path_writes_what_llama_cpps_own_sampling_writes(engine, monkeypatch, preset, ban_eog):
    calls = {"step": 0, "threshold fell": 0}
    sample, candidates = step_sampling.StepSampler.sample, step_sampling.StepSampler._candidates

    def counted_sample(self, *args):
        calls["step"] += 1
        return sample(self, *args)

    def counted_candidates(logits, low, high, banned):
        calls["threshold fell"] += high != np.inf
        return candidates(logits, low, high, banned)

    monkeypatch.setattr(step_sampling.StepSampler, "sample", counted_sample)
    monkeypatch.setattr(step_sampling.StepSampler, "_candidates", staticmethod(counted_candidates))
    fast = texts(engine, preset, ban_eog, split=True, monkeypatch=monkeypatch)
    assert calls["step"] > 6 * 50, "the step path sampled nearly every token"
    if preset is HEAVY_DRY:
        assert calls["threshold fell"] > 0, "DRY lowered a likeliest token, and the threshold followed it"
    calls["step"] = 0
    assert texts(engine, preset, ban_eog, split=False, monkeypatch=monkeypatch) == fast
    assert calls["step"] == 0
    assert all(len(t.split()) > 20 for t in fast)


@pytest.mark.slow
def test_the_split_names_the_samplers_around_top_n_sigma(engine):
    balanced = get_preset("balanced")
    split = engine.samplers.split(balanced)
    chain = engine.samplers.chain(balanced, seed=1)
    try:
        name = lambda i: llama_cpp.llama_sampler_name(llama_cpp.llama_sampler_chain_get(chain, i)).decode()  # noqa: E731
        assert [name(i) for i in split.before] == ["dry"]
        assert [name(i) for i in split.after] == ["min-p", "xtc", "?temp", "dist"]  # llama.cpp's names
        assert split.n_sigma == balanced.top_n_sigma and split.banned == ()
    finally:
        engine.samplers.free(chain)
    banned = engine.samplers.split(balanced, ban_eog=True)
    assert banned.banned == engine.eog_tokens and banned.before == (1,) and banned.after[0] == 3
    # no top-nσ, or samplers after it that would see the whole vocabulary differently: llama.cpp samples
    assert engine.samplers.split(get_preset("faithful")) is None
    assert engine.samplers.split(get_preset("bold")) is None  # typical right after top-nσ


def test_the_statistics_leave_banned_tokens_out():
    rng = np.random.default_rng(3)
    matrix = (rng.standard_normal((4, 1000)) * 2).astype(np.float32)
    matrix[2, 7] = 50.0  # a banned token is row 2's largest
    banned = (7, 11)
    top, spread = StepLogits(matrix).stats(banned)
    keep = np.ones(1000, bool)
    keep[list(banned)] = False
    reference = matrix[:, keep].astype(np.float64)
    assert np.allclose(top, reference.max(axis=1))
    assert np.allclose(spread, reference.std(axis=1), rtol=1e-5)
    assert top[2] < 50.0
