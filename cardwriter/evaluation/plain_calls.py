"""The baseline the benches compare with: llama-cpp-python's own ``Llama``, one chat completion at a time.

It loads the model as our engine does (without llama.cpp's AMX buffers where
they crash, see ``generation/llama/model_params.py``) and samples with the same
preset, so the only difference measured is the engine.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from cardwriter.generation.presets import SamplerPreset


def open_plain_llama(model_path: str, threads: int, n_ctx: int = 1024, repeat_last_n: int = 64) -> Any:
    """llama-cpp-python's ``Llama`` on ``model_path``, loaded as our engine loads it."""
    import llama_cpp

    from cardwriter.generation.llama.model_params import patch_default_params

    patch_default_params(llama_cpp)
    return llama_cpp.Llama(
        model_path=model_path,
        n_ctx=n_ctx,
        n_threads=threads,
        n_threads_batch=threads,
        last_n_tokens_size=repeat_last_n,
        verbose=False,
    )


def sampling(preset: SamplerPreset, banned: Iterable[int] = ()) -> dict[str, Any]:
    """``create_chat_completion`` keyword arguments that sample as ``preset`` does (as far as they can)."""
    options: dict[str, Any] = {
        "temperature": preset.temperature,
        "min_p": preset.min_p,
        "typical_p": preset.typical_p,
        "top_k": preset.top_k,
        "top_p": preset.top_p,
        "repeat_penalty": preset.repeat_penalty,
        "mirostat_mode": 2 if preset.mirostat_tau is not None else 0,
        "mirostat_tau": preset.mirostat_tau or 5.0,
        "mirostat_eta": preset.mirostat_eta,
    }
    bans = {t: float("-inf") for t in banned}
    if bans:
        options["logit_bias"] = bans
    return options


def completion(llm: Any, messages: Sequence[Any], max_tokens: int, seed: int, options: dict[str, Any]) -> dict:
    """One chat completion, not streamed: the answer as a dict."""
    out = llm.create_chat_completion(messages=list(messages), max_tokens=max_tokens, seed=seed, **options)
    if not isinstance(out, dict):  # not asked to stream, so one answer (the library's type allows both)
        raise TypeError("create_chat_completion streamed an answer it was not asked to stream")
    return out
