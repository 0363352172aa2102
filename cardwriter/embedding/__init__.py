"""Embeddings and what is built on them: near-duplicate removal, diverse selection, metrics.

- ``embedder``: the ``Embedder`` protocol and the offline all-MiniLM-L6-v2 embedder.
- ``fake_embedder``: a deterministic stand-in for logic tests (never for quality claims).
- ``cache``: ``CachedEmbedder`` over a pluggable ``EmbeddingStore`` keyed by model and text hash.
- ``tokens``: the one definition of "word" and "n-gram" the other modules share.
- ``dedup``: drops degenerate candidates and near-duplicates, recording a reason for each;
  ``dedup_config`` holds its thresholds and word lists, ``drop_reasons`` the reasons.
- ``selection``: maximal marginal relevance.
- ``metrics``: diversity metrics as small pure functions.

Imports only ``cardwriter.domain``, ``cardwriter.errors``, the standard library, numpy and
(lazily, inside the real embedder) sentence-transformers.
"""
