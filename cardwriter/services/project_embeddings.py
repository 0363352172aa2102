"""Embeddings cached in the project file, usable from one thread or split across two.

One thread (the command line, tests)::

    embedder = CachedEmbedder(SentenceTransformerEmbedder(), ProjectEmbeddingStore(project))
    vectors = embedder.encode(texts)          # or: embed_with_project(project, embedder, texts)

A GUI whose thread owns the project and whose worker does the slow part::

    lookup = lookup_cached(store, embedder.model_name, texts)   # GUI thread: a quick read
    lookup = embed_missing(embedder, lookup)                    # worker: pure, no project
    store_fresh(store, lookup)                                  # GUI thread: one write
    vectors = lookup.vectors()                                  # rows in the order of texts

The SQLite connection is shared by everything that uses the project, and a transaction
belongs to the connection, not to a thread: a write from a worker could land inside a
transaction the GUI thread has open (and be rolled back with it). So
``ProjectEmbeddingStore`` refuses calls from any thread but the one that made it.
Vectors are stored as little-endian float32 bytes, keyed by model name and
``text_hash(text)``, as ``EmbeddingStore`` describes.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from cardwriter.embedding.cache import CachedEmbedder, EmbeddingStore, text_hash
from cardwriter.embedding.embedder import Embedder
from cardwriter.storage.project import Project

_DTYPE = np.dtype("<f4")


def vector_to_bytes(vector: np.ndarray) -> bytes:
    """A 1-D vector as little-endian float32 bytes (the BLOB the project file holds)."""
    return np.asarray(vector, dtype=_DTYPE).reshape(-1).tobytes()


def vector_from_bytes(blob: bytes) -> np.ndarray:
    """The read-only float32 vector stored as ``blob``."""
    arr = np.frombuffer(blob, dtype=_DTYPE).astype(np.float32)
    arr.setflags(write=False)
    return arr


class ProjectEmbeddingStore:
    """An ``EmbeddingStore`` over ``Project.embeddings`` / ``put_embeddings``.

    Use it on the thread that created it (the one that owns the project); a call from
    another thread raises ``RuntimeError`` rather than sharing the connection. For work
    in a worker thread use ``lookup_cached`` / ``embed_missing`` / ``store_fresh``.
    A stored BLOB that is not a whole number of float32 values counts as missing.
    """

    def __init__(self, project: Project) -> None:
        self.project = project
        self._owner = threading.get_ident()

    def _check_thread(self) -> None:
        if threading.get_ident() != self._owner:
            raise RuntimeError(
                "ProjectEmbeddingStore used from a thread other than the one that owns the project; "
                "look up and store on that thread and only embed in the worker (embed_missing)"
            )

    def get_many(self, model: str, hashes: Sequence[str]) -> dict[str, np.ndarray]:
        self._check_thread()
        wanted = list(dict.fromkeys(hashes))
        if not wanted:
            return {}
        found = self.project.embeddings(model, wanted)
        return {
            h: vector_from_bytes(blob)
            for h, blob in found.items()
            if len(blob) and len(blob) % _DTYPE.itemsize == 0
        }

    def put_many(self, model: str, vectors: Mapping[str, np.ndarray]) -> None:
        self._check_thread()
        if not vectors:
            return
        rows = {h: np.asarray(v, dtype=np.float32).reshape(-1) for h, v in vectors.items()}
        dims = {v.shape[0] for v in rows.values()}
        if len(dims) != 1:
            raise ValueError(f"vectors of one call must share a length, got lengths {sorted(dims)}")
        self.project.put_embeddings(model, {h: vector_to_bytes(v) for h, v in rows.items()}, dims.pop())


@dataclass(frozen=True)
class VectorLookup:
    """Vectors for ``texts`` under ``model``: those found in the store and those embedded since.

    A plain value: safe to hand to a worker and back. ``cached`` and ``fresh`` map
    ``text_hash(text)`` to a vector.
    """

    model: str
    texts: tuple[str, ...]
    cached: Mapping[str, np.ndarray] = field(default_factory=dict)
    fresh: Mapping[str, np.ndarray] = field(default_factory=dict)

    @property
    def missing(self) -> tuple[str, ...]:
        """The distinct texts that have no vector yet, in first-seen order."""
        have = set(self.cached) | set(self.fresh)
        out: dict[str, str] = {}
        for text in self.texts:
            key = text_hash(text)
            if key not in have and key not in out:
                out[key] = text
        return tuple(out.values())

    @property
    def complete(self) -> bool:
        return not self.missing

    def vectors(self) -> np.ndarray:
        """One float32 row per text, in order. Raises ``ValueError`` while any is missing."""
        if not self.complete:
            raise ValueError(f"{len(self.missing)} texts have no vector yet; call embed_missing first")
        rows = [self.fresh.get(k, self.cached.get(k)) for k in map(text_hash, self.texts)]
        if not rows:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack([np.asarray(r, dtype=np.float32) for r in rows])


def lookup_cached(store: EmbeddingStore, model: str, texts: Sequence[str]) -> VectorLookup:
    """Step 1, on the thread that owns the store: the vectors it already holds for ``texts``."""
    texts = tuple(texts)
    hashes = list(dict.fromkeys(text_hash(t) for t in texts))
    found = store.get_many(model, hashes) if hashes else {}
    return VectorLookup(model=model, texts=texts, cached=dict(found))


def embed_missing(embedder: Embedder, lookup: VectorLookup) -> VectorLookup:
    """Step 2, anywhere (a worker): embed the texts the lookup lacks; touches no project.

    Returns a new lookup whose ``fresh`` holds the new vectors. If the cached vectors
    disagree in length with each other or with the new ones (an older model stored
    under the same name), every text is embedded afresh and the cached ones are ignored.
    """
    if embedder.model_name != lookup.model:
        raise ValueError(f"the lookup is for model {lookup.model!r}, the embedder is {embedder.model_name!r}")
    fresh = dict(lookup.fresh)
    todo = lookup.missing
    if todo:
        fresh.update(zip(map(text_hash, todo), _rows(embedder.encode(list(todo)))))
    cached = dict(lookup.cached)
    lengths = {np.asarray(v).reshape(-1).shape[0] for v in (*cached.values(), *fresh.values())}
    if len(lengths) > 1:
        distinct = tuple(dict.fromkeys(lookup.texts))
        fresh = dict(zip(map(text_hash, distinct), _rows(embedder.encode(list(distinct)))))
        cached = {}
    return dataclasses.replace(lookup, cached=cached, fresh=fresh)


def store_fresh(store: EmbeddingStore, lookup: VectorLookup) -> int:
    """Step 3, on the thread that owns the store: write the new vectors; returns how many."""
    if lookup.fresh:
        store.put_many(lookup.model, lookup.fresh)
    return len(lookup.fresh)


def embed_with_project(project: Project, embedder: Embedder, texts: Sequence[str]) -> VectorLookup:
    """All three steps on this thread; the returned lookup says what was cached and what was new."""
    store = ProjectEmbeddingStore(project)
    lookup = embed_missing(embedder, lookup_cached(store, embedder.model_name, texts))
    store_fresh(store, lookup)
    return lookup


def project_embedder(project: Project, embedder: Embedder) -> CachedEmbedder:
    """``embedder`` behind the project's cache, for single-threaded callers."""
    return CachedEmbedder(embedder, ProjectEmbeddingStore(project))


def _rows(matrix: np.ndarray) -> list[np.ndarray]:
    out = []
    for row in np.asarray(matrix, dtype=np.float32):
        row = row.copy()
        row.setflags(write=False)
        out.append(row)
    return out
