"""Embeddings cached in the project file.

One thread (the command line, tests)::

    embedder = project_embedder(project, SentenceTransformerEmbedder())
    vectors = embedder.encode(texts)          # embeds only the texts the file lacks

The SQLite connection is shared by everything that uses the project, and a transaction
belongs to the connection, not to a thread: a write from a worker could land inside a
transaction the GUI thread has open (and be rolled back with it). So
``ProjectEmbeddingStore`` refuses calls from any thread but the one that made it; the
GUI's note finder embeds in its worker with an in-memory cache instead.
Vectors are stored as little-endian float32 bytes, keyed by model name and
``text_hash(text)``, as ``EmbeddingStore`` describes.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence

import numpy as np

from cardwriter.embedding.cache import CachedEmbedder
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
    another thread raises ``RuntimeError`` rather than sharing the connection.
    A stored BLOB that is not a whole number of float32 values counts as missing.
    """

    def __init__(self, project: Project) -> None:
        self.project = project
        self._owner = threading.get_ident()

    def _check_thread(self) -> None:
        if threading.get_ident() != self._owner:
            raise RuntimeError(
                "ProjectEmbeddingStore used from a thread other than the one that owns the project; "
                "use it on that thread, or give the worker an in-memory cache"
            )

    def get_many(self, model: str, hashes: Sequence[str]) -> dict[str, np.ndarray]:
        self._check_thread()
        wanted = list(dict.fromkeys(hashes))
        if not wanted:
            return {}
        found = self.project.embeddings(model, wanted)
        return {
            h: vector_from_bytes(blob) for h, blob in found.items() if len(blob) and len(blob) % _DTYPE.itemsize == 0
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


def project_embedder(project: Project, embedder: Embedder) -> CachedEmbedder:
    """``embedder`` behind the project's cache, for single-threaded callers.

    Its ``misses`` and ``hits`` count the texts embedded now and those the file held.
    """
    return CachedEmbedder(embedder, ProjectEmbeddingStore(project))
