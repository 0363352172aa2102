"""Shared fixtures for the embedding tests: the fake embedder (the real one, ``minilm``, is in tests/conftest.py)."""

from __future__ import annotations

import numpy as np
import pytest

from cardwriter.embedding.fake_embedder import FakeEmbedder


@pytest.fixture
def fake() -> FakeEmbedder:
    return FakeEmbedder()


def unit(*values: float) -> np.ndarray:
    v = np.asarray(values, dtype=np.float32)
    return v / np.linalg.norm(v)
