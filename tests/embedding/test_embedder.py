import os
import socket
import subprocess
import sys
import threading
import time

import numpy as np
import pytest

from cardwriter.embedding.embedder import (
    MODEL_PACKAGE,
    Embedder,
    SentenceTransformerEmbedder,
    find_model_dir,
    normalise_rows,
)
from cardwriter.errors import UserError


def test_normalise_rows_gives_unit_rows_and_keeps_zero_rows():
    out = normalise_rows(np.array([[3.0, 4.0], [0.0, 0.0]]))
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, [[0.6, 0.8], [0.0, 0.0]])


def test_missing_package_is_a_user_error_naming_the_fix():
    with pytest.raises(UserError, match="pip install no-such-model-package-xyz"):
        find_model_dir("no-such-model-package-xyz")


def test_construction_is_cheap_and_a_missing_folder_fails_on_first_encode(tmp_path):
    emb = SentenceTransformerEmbedder(tmp_path / "nowhere")
    assert isinstance(emb, Embedder)
    assert not emb.loaded
    with pytest.raises(UserError, match="nowhere"):
        emb.encode(["hello"])


def test_lazy_load_happens_once_under_concurrent_first_calls(monkeypatch):
    builds = []

    def slow_build(self):
        builds.append(threading.get_ident())
        time.sleep(0.05)
        return object()

    monkeypatch.setattr(SentenceTransformerEmbedder, "_build", slow_build)
    emb = SentenceTransformerEmbedder()
    results = []
    threads = [threading.Thread(target=lambda: results.append(emb._load())) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(builds) == 1
    assert len({id(r) for r in results}) == 1 and emb.loaded


def test_rejects_a_silly_batch_size():
    with pytest.raises(ValueError):
        SentenceTransformerEmbedder(batch_size=0)


# ----------------------------------------------------------------------------- real model


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a network connection fails the test."""

    def refuse(*args, **kwargs):
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


@pytest.mark.slow
def test_real_model_loads_from_the_package_with_no_network(monkeypatch, no_network):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    folder = find_model_dir()
    assert MODEL_PACKAGE.replace("-", "_") in str(folder)
    assert (folder / "modules.json").is_file()
    emb = SentenceTransformerEmbedder()
    out = emb.encode(["The keeper lit the lamp.", "Night fell over the sea."])
    assert emb.loaded
    assert out.shape == (2, 384) and out.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(out, axis=1), 1.0, rtol=1e-5)
    assert os.environ["HF_HUB_OFFLINE"] == "1"


@pytest.mark.slow
def test_loading_the_real_model_prints_no_progress_bars():
    """A writer running `cardwriter variants` sees the variants, not a "Loading weights" bar."""
    code = (
        "from cardwriter.embedding.embedder import SentenceTransformerEmbedder\n"
        "print(SentenceTransformerEmbedder().encode(['The keeper lit the lamp.']).shape)\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "(1, 384)"
    assert "Loading" not in run.stderr and "%|" not in run.stderr, run.stderr


@pytest.mark.slow
def test_real_model_puts_a_paraphrase_closer_than_an_unrelated_sentence(minilm):
    source, paraphrase, unrelated = minilm.encode(
        [
            "The old keeper climbed the stairs of the lighthouse at dusk.",
            "At nightfall the elderly lighthouse keeper went up the steps.",
            "Quarterly revenue grew by eight percent in the retail sector.",
        ]
    )
    assert source @ paraphrase > 0.6
    assert source @ unrelated < 0.2
    assert source @ paraphrase > source @ unrelated + 0.4


@pytest.mark.slow
def test_real_model_batches_give_the_same_vectors(minilm):
    texts = [f"Sentence number {i} about the harbour and its boats." for i in range(7)]
    small = SentenceTransformerEmbedder(batch_size=2)
    np.testing.assert_allclose(small.encode(texts), minilm.encode(texts), atol=1e-5)
    assert minilm.encode([]).shape == (0, 384)
