"""Sampler presets are named, documented and complete."""

import pytest

from cardwriter.errors import UserError
from cardwriter.generation import presets
from cardwriter.generation.presets import DEFAULT_PRESET, PRESETS, get_preset


def test_the_named_presets_exist_and_are_documented():
    assert {"faithful", "balanced", "bold", "steady"} <= set(PRESETS)
    assert DEFAULT_PRESET in PRESETS
    for name in PRESETS:
        assert f"``{name}``" in presets.__doc__


def test_presets_grow_bolder():
    f, b, x = (get_preset(n) for n in ("faithful", "balanced", "bold"))
    assert f.temperature < b.temperature < x.temperature
    assert f.min_p > b.min_p > x.min_p
    assert f.xtc_probability < b.xtc_probability < x.xtc_probability


def test_the_chain_uses_the_modern_samplers_somewhere():
    used = {
        "min_p": any(p.min_p > 0 for p in PRESETS.values()),
        "top_n_sigma": any(p.top_n_sigma for p in PRESETS.values()),
        "xtc": any(p.xtc_probability > 0 for p in PRESETS.values()),
        "dry": any(p.dry_multiplier > 0 for p in PRESETS.values()),
        "typical": any(p.typical_p < 1 for p in PRESETS.values()),
        "mirostat": any(p.mirostat_tau for p in PRESETS.values()),
    }
    assert all(used.values()), used


def test_unknown_preset_is_a_user_error():
    with pytest.raises(UserError, match="unknown sampler preset 'wild'.*faithful"):
        get_preset("wild")


def test_settings_are_plain_data():
    assert get_preset("bold").settings()["temperature"] == 1.3


def test_baselines_are_other_apps_defaults_and_not_offered_in_the_app():
    llama, ollama, neutral = (get_preset(n) for n in ("llamacpp-default", "ollama-default", "neutral"))
    assert (llama.temperature, llama.top_k, llama.top_p, llama.min_p, llama.repeat_penalty) == (
        0.8,
        40,
        0.95,
        0.05,
        1.0,
    )
    assert (ollama.temperature, ollama.top_k, ollama.top_p, ollama.min_p, ollama.repeat_penalty) == (
        0.8,
        40,
        0.9,
        0.0,
        1.1,
    )
    assert (neutral.temperature, neutral.top_k, neutral.top_p, neutral.min_p) == (1.0, 0, 1.0, 0.0)
    for p in (llama, ollama, neutral):
        assert p.dry_multiplier == 0 and p.xtc_probability == 0 and p.top_n_sigma is None and p.mirostat_tau is None
        assert p.typical_p == 1.0
        assert f"``{p.name}``" in presets.__doc__
    assert not set(presets.BASELINES) & set(PRESETS)
    # our own presets leave the older samplers off
    assert all(p.top_k == 0 and p.top_p == 1.0 and p.repeat_penalty == 1.0 for p in PRESETS.values())


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "samplers"),
    [("llamacpp-default", 5), ("ollama-default", 5), ("neutral", 2), ("faithful", 4), ("balanced", 6)],
)
def test_the_engine_builds_each_chain_in_full(engine, name, samplers):
    """Samplers in the chain: penalties, DRY, top-nσ, top-k, typical, top-p, min-p, XTC as set, then temp and dist."""
    import llama_cpp

    chain = engine.samplers.chain(get_preset(name), seed=1)
    try:
        assert llama_cpp.llama_sampler_chain_n(chain) == samplers
    finally:
        llama_cpp.llama_sampler_free(chain)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["llamacpp-default", "ollama-default", "neutral"])
def test_baselines_generate_with_the_real_model(engine, name):
    from cardwriter.generation.protocol import GenerationRequest
    from cardwriter.generation.results import collect

    request = GenerationRequest(
        "The harbour was quiet at dawn and the boats lay still.", n=2, preset=name, seed=3, max_tokens=12
    )
    first, again = collect(engine, request), collect(engine, request)
    assert all(r.tokens > 0 for r in first)
    assert [r.text for r in first] == [r.text for r in again], "same seed and settings, same text"
