"""Embeddings cached by model name and text hash, over a pluggable store.

``CachedEmbedder`` wraps any ``Embedder``. For each ``encode`` it hashes the texts,
asks its ``EmbeddingStore`` for the vectors it already has, embeds only the rest (each
distinct text once) and writes those back. The project file implements the store in
SQLite; ``InMemoryEmbeddingStore`` serves tests and throwaway sessions.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Mapping, Sequence
from typing import Protocol, runtime_checkable

import numpy as np

from cardwriter.embedding.embedder import Embedder, SentenceTransformerEmbedder


def text_hash(text: str) -> str:
    """The cache key of a text: SHA-256 of its UTF-8 bytes, as 64 lowercase hex digits.

    The text is hashed exactly as given (no stripping or case folding), so any edit
    gives a new key.
    """
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@runtime_checkable
class EmbeddingStore(Protocol):
    """Where cached embeddings live, keyed by ``(model, text hash)``.

    Contract for implementers (the SQLite store in the project file follows it):

    - ``model`` is ``Embedder.model_name`` (e.g. ``"all-MiniLM-L6-v2"``); vectors of
      different models must never be returned for one another.
    - Hashes are ``text_hash(text)``: 64 lowercase hex characters.
    - Vectors are 1-D ``numpy.float32`` arrays of unit L2 norm (a few hundred values).
      A store that serialises them should write ``vector.astype("<f4").tobytes()``
      and read ``numpy.frombuffer(blob, dtype="<f4")`` (little-endian float32), so
      round trips are exact.
    - ``get_many(model, hashes)`` returns a dict with an entry only for the hashes it
      holds; unknown hashes are simply absent (not an error). Duplicates in ``hashes``
      are allowed. It must not return vectors the caller can mutate in place and so
      corrupt the store (return copies or read-only arrays).
    - ``put_many(model, vectors)`` inserts or replaces each ``hash -> vector`` entry.
      An empty mapping is a no-op. It should be atomic for one call.
    - Both may be called from worker threads; an implementation that is not
      thread-safe must serialise calls itself.
    """

    def get_many(self, model: str, hashes: Sequence[str]) -> dict[str, np.ndarray]: ...

    def put_many(self, model: str, vectors: Mapping[str, np.ndarray]) -> None: ...


class InMemoryEmbeddingStore:
    """An ``EmbeddingStore`` in a dict, guarded by a lock; gone when the process ends."""

    def __init__(self) -> None:
        self._vectors: dict[tuple[str, str], np.ndarray] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        with self._lock:
            return len(self._vectors)

    def get_many(self, model: str, hashes: Sequence[str]) -> dict[str, np.ndarray]:
        with self._lock:
            return {h: self._vectors[(model, h)] for h in hashes if (model, h) in self._vectors}

    def put_many(self, model: str, vectors: Mapping[str, np.ndarray]) -> None:
        frozen = {}
        for h, vec in vectors.items():
            arr = np.array(vec, dtype=np.float32).reshape(-1)
            arr.setflags(write=False)
            frozen[(model, h)] = arr
        with self._lock:
            self._vectors.update(frozen)


class CachedEmbedder:
    """An ``Embedder`` that asks ``store`` first and embeds only what it lacks.

    Same output as the wrapped embedder; each distinct text is embedded at most once per
    call. If the vectors for one call come back with mixed lengths (an older model left
    them under the same name), the whole call is re-embedded and the store overwritten.
    ``hits`` and ``misses`` count texts served from the store and texts embedded.
    """

    def __init__(self, inner: Embedder, store: EmbeddingStore | None = None) -> None:
        self.inner = inner
        self.store: EmbeddingStore = store if store is not None else InMemoryEmbeddingStore()
        self.hits = 0
        self.misses = 0
        self._count_lock = threading.Lock()

    @property
    def model_name(self) -> str:
        return self.inner.model_name

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-norm float32 rows for ``texts``, from the store where it has them."""
        texts = list(texts)
        if not texts:
            return self.inner.encode([])
        keys = [text_hash(t) for t in texts]
        text_of = dict(zip(keys, texts, strict=True))  # one text per distinct key
        found = self.store.get_many(self.model_name, list(text_of))
        lookup = {k: np.asarray(v, dtype=np.float32).reshape(-1) for k, v in found.items()}
        missing = [k for k in text_of if k not in lookup]
        lookup.update(self._embed_and_store(missing, text_of))

        if len({lookup[k].shape for k in text_of}) > 1:
            # Mixed lengths: the store holds vectors of an older model under this name.
            missing = list(text_of)
            lookup = self._embed_and_store(missing, text_of)

        embedded = set(missing)
        with self._count_lock:
            self.misses += sum(1 for k in keys if k in embedded)
            self.hits += sum(1 for k in keys if k not in embedded)
        return np.stack([lookup[k] for k in keys])

    def _embed_and_store(self, keys: list[str], text_of: Mapping[str, str]) -> dict[str, np.ndarray]:
        if not keys:
            return {}
        vectors = self.inner.encode([text_of[k] for k in keys])
        fresh = {k: np.asarray(v, dtype=np.float32) for k, v in zip(keys, vectors, strict=True)}
        self.store.put_many(self.model_name, fresh)
        return fresh


def default_embedder() -> CachedEmbedder:
    """The embedder of the app and of every command: all-MiniLM-L6-v2 (loaded on first use), cached in memory.

    Built here alone, so the window, the stack filler, notes search and the
    benchmarks embed the same way.
    """
    return CachedEmbedder(SentenceTransformerEmbedder())
