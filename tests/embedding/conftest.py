"""Shared fixtures for the embedding tests: the fake embedder and (slow) the real one."""

from __future__ import annotations

import numpy as np
import pytest

from cardwriter.embedding.fake_embedder import FakeEmbedder


@pytest.fixture
def fake() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture(scope="session")
def minilm():
    """The real all-MiniLM-L6-v2, loaded once per session (slow tests only)."""
    from cardwriter.embedding.embedder import SentenceTransformerEmbedder

    embedder = SentenceTransformerEmbedder()
    embedder.encode(["warm up"])
    return embedder


def unit(*values: float) -> np.ndarray:
    v = np.asarray(values, dtype=np.float32)
    return v / np.linalg.norm(v)
