"""Shared fixtures: every test gets its own settings and data folders."""

from __future__ import annotations

import os
import tempfile

import pytest

# Qt must know before the first QApplication (pytest-qt's session-wide qapp) that there is no screen.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# The packaged model's Q8_0 copy (generation/llama/weights_copy) is made once for every test
# run on this machine, not in each test's own cache folder (145 MB each).
os.environ.setdefault("CARDWRITER_WEIGHTS_DIR", os.path.join(tempfile.gettempdir(), "cardwriter-test-weights"))


@pytest.fixture(autouse=True)
def isolated_home(tmp_path_factory, monkeypatch):
    """Point settings, data and caches at a fresh folder so no test touches the user's own."""
    home = tmp_path_factory.mktemp("home")
    for name, sub in (
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_DATA_HOME", "data"),
        ("XDG_CACHE_HOME", "cache"),
        ("XDG_STATE_HOME", "state"),
    ):
        (home / sub).mkdir()
        monkeypatch.setenv(name, str(home / sub))
    monkeypatch.delenv("CARDWRITER_MODEL", raising=False)
    return home


@pytest.fixture
def disk(tmp_path):
    """A real 2 MB disk (tmpfs), unmounted afterwards."""
    from tests.tmpfs import small_disk

    with small_disk(tmp_path / "disk") as folder:
        yield folder


@pytest.fixture(scope="session")
def minilm():
    """The real all-MiniLM-L6-v2, loaded once per session (slow tests only)."""
    from cardwriter.embedding.embedder import SentenceTransformerEmbedder

    embedder = SentenceTransformerEmbedder()
    embedder.encode(["warm up"])
    return embedder
