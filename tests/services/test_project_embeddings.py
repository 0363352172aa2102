"""Embeddings cached in a real project file: the store, and the three-step path for a worker thread."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from cardwriter.embedding.cache import EmbeddingStore, text_hash
from cardwriter.embedding.fake_embedder import FakeEmbedder
from cardwriter.services.project_embeddings import (
    ProjectEmbeddingStore,
    VectorLookup,
    embed_missing,
    embed_with_project,
    lookup_cached,
    project_embedder,
    store_fresh,
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
    assert blob == bytes.fromhex("0000803f" "000000bf" "00005040")  # written out by hand
    back = vector_from_bytes(blob)
    assert back.dtype == np.float32 and np.array_equal(back, vec)
    assert not back.flags.writeable


def test_store_follows_the_protocol_and_survives_reopening(path):
    vectors = FakeEmbedder(dim=16).encode(TEXTS)
    hashes = [text_hash(t) for t in TEXTS]
    with Project.open(path) as project:
        store = ProjectEmbeddingStore(project)
        assert isinstance(store, EmbeddingStore)
        store.put_many("m", dict(zip(hashes, vectors)))
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
        assert len(errors) == 1 and "embed_missing" in str(errors[0])


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


def test_three_steps_with_the_embedding_in_a_real_worker_thread(path):
    fake = FakeEmbedder()
    texts = [TEXTS[0], TEXTS[1], TEXTS[0]]
    with Project.open(path) as project:
        store = ProjectEmbeddingStore(project)
        project_embedder(project, fake).encode([TEXTS[1]])  # one is cached already
        fake.encoded = 0

        lookup = lookup_cached(store, fake.model_name, texts)
        assert lookup.missing == (TEXTS[0],) and not lookup.complete
        with pytest.raises(ValueError, match="no vector yet"):
            lookup.vectors()

        box = {}
        worker = threading.Thread(target=lambda: box.update(done=embed_missing(fake, lookup)))
        worker.start()
        worker.join()
        done = box["done"]
        assert fake.encoded == 1  # only the missing text, and only once
        assert done.complete and set(done.fresh) == {text_hash(TEXTS[0])}
        assert store_fresh(store, done) == 1

        expected = FakeEmbedder().encode(texts)
        assert np.allclose(done.vectors(), expected)
        again = lookup_cached(store, fake.model_name, texts)
        assert again.complete and not again.fresh
        assert np.array_equal(again.vectors(), done.vectors())


def test_embed_missing_refuses_another_model_and_redoes_stale_lengths(path):
    fake = FakeEmbedder(dim=32)
    with Project.open(path) as project:
        store = ProjectEmbeddingStore(project)
        # An older model under the same name left 8-long vectors behind.
        store.put_many(fake.model_name, {text_hash(TEXTS[0]): np.ones(8, np.float32)})
        lookup = lookup_cached(store, fake.model_name, TEXTS[:2])
        with pytest.raises(ValueError, match="model"):
            embed_missing(FakeEmbedder(model_name="another"), lookup)
        done = embed_missing(fake, lookup)
        assert fake.encoded == 1 + 2  # the missing one, then both afresh
        assert done.vectors().shape == (2, 32) and not done.cached
        store_fresh(store, done)
        assert store.get_many(fake.model_name, [text_hash(TEXTS[0])])[text_hash(TEXTS[0])].shape == (32,)


def test_embed_with_project_reports_what_was_new(path):
    fake = FakeEmbedder()
    with Project.open(path) as project:
        first = embed_with_project(project, fake, TEXTS)
        second = embed_with_project(project, fake, TEXTS)
    assert (len(first.fresh), len(first.cached)) == (3, 0)
    assert (len(second.fresh), len(second.cached)) == (0, 3)
    assert fake.encoded == 3
    assert np.array_equal(first.vectors(), second.vectors())


def test_empty_lookup():
    lookup = VectorLookup("m", ())
    assert lookup.complete and lookup.vectors().shape[0] == 0
