"""A deterministic stand-in embedder for logic tests.

Each text becomes a bag of hashed word uni- and bigrams (the "hashing trick"),
normalised to unit length: texts that share many words and word pairs get a high
cosine, texts that share none get a cosine near zero. It knows nothing of meaning,
so it tests the code around embeddings, never the quality of a real model.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

from cardwriter.embedding.embedder import normalise_rows
from cardwriter.embedding.tokens import ngrams, words

_EMPTY = ("<empty>",)


def _bucket(gram: tuple[str, ...], dim: int) -> int:
    digest = hashlib.blake2b(" ".join(gram).encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "little") % dim


class FakeEmbedder:
    """Hashed word n-gram bags: same text, same vector, on every run and machine.

    ``calls`` counts ``encode`` calls and ``encoded`` counts the texts they embedded,
    so tests can see whether a cache spared the work.
    """

    def __init__(self, dim: int = 512, orders: Sequence[int] = (1, 2), model_name: str = "fake-ngram-hash") -> None:
        if dim < 1:
            raise ValueError(f"dim must be at least 1, not {dim}")
        self.dim = dim
        self.orders = tuple(orders)
        self.model_name = model_name
        self.calls = 0
        self.encoded = 0

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-norm float32 rows, one per text; an empty text maps to a fixed vector."""
        texts = list(texts)
        self.calls += 1
        self.encoded += len(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            toks = words(text)
            grams = [g for n in self.orders for g in ngrams(toks, n)] or [_EMPTY]
            for gram in grams:
                out[row, _bucket(gram, self.dim)] += 1.0
        return normalise_rows(out)
