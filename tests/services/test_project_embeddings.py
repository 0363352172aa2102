"""Embeddings cached in a real project file: the store and the cached embedder over it."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from cardwriter.embedding.cache import EmbeddingStore, text_hash
from cardwriter.embedding.fake_embedder import FakeEmbedder
from cardwriter.services.project_embeddings import (
    ProjectEmbeddingStore,
    project_embedder,
    vector_from_bytes,
    vector_to_bytes,
)
from cardwriter.storage.project import Project

TEXTS = ["The sea is calm tonight.", "A quote from a book.", "My own note about lighthouses."]


@pytest.fixture
def path(tmp_path):
    path = tmp_path / "notes.cardwriter"
    Project.create(path).close()
    return path


def test_bytes_are_little_endian_float32_and_round_trip_exactly():
    vec = np.array([1.0, -0.5, 3.25], dtype=np.float32)
    blob = vector_to_bytes(vec)
    assert blob == bytes.fromhex("0000803f000000bf00005040")  # written out by hand
    back = vector_from_bytes(blob)
    assert back.dtype == np.float32 and np.array_equal(back, vec)
    assert not back.flags.writeable


def test_store_follows_the_protocol_and_survives_reopening(path):
    vectors = FakeEmbedder(dim=16).encode(TEXTS)
    hashes = [text_hash(t) for t in TEXTS]
    with Project.open(path) as project:
        store = ProjectEmbeddingStore(project)
        assert isinstance(store, EmbeddingStore)
        store.put_many("m", dict(zip(hashes, vectors, strict=True)))
        store.put_many("m", {})  # a no-op
    with Project.open(path) as project:
        store = ProjectEmbeddingStore(project)
        got = store.get_many("m", [hashes[0], "f" * 64, hashes[2], hashes[0]])
        assert set(got) == {hashes[0], hashes[2]}  # unknown hashes are absent, duplicates fine
        assert np.array_equal(got[hashes[0]], vectors[0]) and np.array_equal(got[hashes[2]], vectors[2])
        assert not got[hashes[0]].flags.writeable  # callers cannot corrupt what they were given
        assert store.get_many("other-model", hashes) == {}  # models never mix
        assert store.get_many("m", []) == {}
        dims = project.db.execute("SELECT DISTINCT dim FROM embeddings").fetchall()
        assert dims == [(16,)]


def test_put_replaces_and_refuses_mixed_lengths(path):
    with Project.open(path) as project:
        store = ProjectEmbeddingStore(project)
        h = text_hash("x")
        store.put_many("m", {h: np.ones(4, np.float32)})
        store.put_many("m", {h: np.full(4, 2.0, np.float32)})
        assert np.array_equal(store.get_many("m", [h])[h], np.full(4, 2.0, np.float32))
        with pytest.raises(ValueError, match="share a length"):
            store.put_many("m", {h: np.ones(4), text_hash("y"): np.ones(5)})
        assert project.db.execute("SELECT COUNT(*) FROM embeddings").fetchone()[0] == 1


def test_store_refuses_other_threads(path):
    with Project.open(path) as project:
        store = ProjectEmbeddingStore(project)
        errors = []

        def worker():
            try:
                store.get_many("m", [text_hash("x")])
            except RuntimeError as exc:
                errors.append(exc)

        thread = threading.Thread(target=worker)
        thread.start()
        thread.join()
        assert len(errors) == 1 and "in-memory cache" in str(errors[0])


def test_cached_embedder_over_the_project_embeds_each_text_once_across_sessions(path):
    fake = FakeEmbedder()
    with Project.open(path) as project:
        first = project_embedder(project, fake).encode(TEXTS)
    assert fake.encoded == 3
    with Project.open(path) as project:
        cached = project_embedder(project, fake)
        again = cached.encode(TEXTS + [TEXTS[0]])
    assert fake.encoded == 3 and cached.hits == 4 and cached.misses == 0
    assert np.array_equal(again[:3], first) and np.array_equal(again[3], first[0])


def test_vectors_an_older_model_left_under_the_same_name_are_replaced(path):
    fake = FakeEmbedder(dim=32)
    with Project.open(path) as project:
        store = ProjectEmbeddingStore(project)
        # An older model under the same name left 8-long vectors behind.
        store.put_many(fake.model_name, {text_hash(TEXTS[0]): np.ones(8, np.float32)})
        vectors = project_embedder(project, fake).encode(TEXTS[:2])
        assert vectors.shape == (2, 32)
        assert store.get_many(fake.model_name, [text_hash(TEXTS[0])])[text_hash(TEXTS[0])].shape == (32,)
