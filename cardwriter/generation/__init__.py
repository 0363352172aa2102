"""Text generation: the ``TextGenerator`` protocol and its backends.

- ``protocol``: ``GenerationRequest``, the streamed events (``TextPiece``,
  ``SequenceDone``) and the ``TextGenerator`` protocol every backend follows.
- ``prompts``: variant kinds and the curated angles, turned into chat messages
  (or a plain completion prompt for base models), with budgets that scale with
  the source paragraph.
- ``presets``: named sampler presets (faithful, balanced, bold, steady).
- ``model_files``: finding the default model from its installed package, the
  ``CARDWRITER_MODEL`` variable and the user's models folder; checking a file is
  GGUF before llama.cpp sees it.
- ``gguf_header``: a small reader of a GGUF file's metadata (no llama.cpp).
- ``chat_template``: the model's own chat template, rendered in Jinja's sandbox.
- ``llama``: batched multi-sequence decoding on llama.cpp's low-level API.
- ``http_backend``: any OpenAI-compatible server, K concurrent streams; what the
  server sends is checked by ``http_events``, read within ``http_limits``.
- ``fake``: a deterministic generator for testing the logic around generation.

This package imports only ``cardwriter.domain``, ``cardwriter.errors`` and
third-party libraries; llama.cpp is imported lazily by ``llama``.
"""
