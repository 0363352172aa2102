"""The sampler settings a generation server is sent, under the names the servers use."""

from __future__ import annotations

from cardwriter.generation.presets import DRY_SEQUENCE_BREAKERS, SamplerPreset


def sampler_fields(preset: SamplerPreset) -> dict[str, object]:
    """Every sampler setting of ``preset`` under the names OpenAI-compatible servers use.

    Standard and widely known: ``temperature``, ``top_p``; vLLM and llama-server: ``min_p``, ``top_k``;
    the repetition penalty as llama-server names it (``repeat_penalty``, ``repeat_last_n``) and as vLLM
    does (``repetition_penalty``); llama-server: ``typical_p``, DRY, XTC, ``top_n_sigma`` and mirostat
    (``mirostat``; llama-cpp-python's server calls it ``mirostat_mode``). Off is sent as off.
    """
    fields: dict[str, object] = {
        "temperature": preset.temperature,
        "top_p": preset.top_p,
        "min_p": preset.min_p,
        "top_k": preset.top_k,
        "typical_p": preset.typical_p,
        "repeat_penalty": preset.repeat_penalty,
        "repeat_last_n": preset.repeat_last_n,
        "repetition_penalty": preset.repeat_penalty,
        "dry_multiplier": preset.dry_multiplier,
        "dry_base": preset.dry_base,
        "dry_allowed_length": preset.dry_allowed_length,
        "dry_penalty_last_n": preset.dry_penalty_last_n,
        "dry_sequence_breakers": list(DRY_SEQUENCE_BREAKERS),
        "xtc_probability": preset.xtc_probability,
        "xtc_threshold": preset.xtc_threshold,
        "top_n_sigma": preset.top_n_sigma if preset.top_n_sigma is not None else -1.0,  # llama-server: -1 is off
    }
    if preset.mirostat_tau is not None:
        fields.update(mirostat=2, mirostat_mode=2, mirostat_tau=preset.mirostat_tau, mirostat_eta=preset.mirostat_eta)
    else:
        fields.update(mirostat=0, mirostat_mode=0)
    return fields
