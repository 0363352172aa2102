"""Batched multi-variant decoding on llama.cpp's low-level API.

- ``engine``: ``LlamaEngine``, the ``TextGenerator`` over a local GGUF model:
  prompts, the context kept between requests.
- ``loaded_model``: the model file checked, probed and loaded; its vocabulary (text <-> tokens).
- ``run``: one request's run: the shared prefix decoded once, the tails in one
  batch, then one token of every live sequence per ``llama_decode``.
- ``sequence``: one record per sequence (chain, KV position, text, budget).
- ``close_run``: close rewrites: the paragraph copied, reworded by the model at a few places;
  ``close_places`` holds the rules for a place, ``close_words`` the words never reworded.
- ``samplers``: sampler chains from a ``SamplerPreset``; the first token's bans.
- ``context``: the llama.cpp context, its batch, and the prefix on its home sequence.
- ``backend``: llama.cpp's process-wide set-up and logs.
- ``model_params``: model parameters that keep llama.cpp off its AMX path where it crashes.
- ``weights_copy``: the packaged model's weights stored again as Q8_0, once (faster batched on the CPU).

llama.cpp itself is imported only when an engine is made.
"""

from cardwriter.generation.llama.engine import LlamaEngine

__all__ = ["LlamaEngine"]
