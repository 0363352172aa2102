import threading

import numpy as np
import pytest

from cardwriter.embedding.cache import CachedEmbedder, EmbeddingStore, InMemoryEmbeddingStore, text_hash
from cardwriter.embedding.embedder import Embedder
from cardwriter.embedding.fake_embedder import FakeEmbedder


def test_text_hash_is_sha256_hex_of_utf8():
    assert text_hash("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert text_hash("café") != text_hash("cafe")
    assert len(text_hash("x")) == 64


def test_cached_embedder_returns_what_the_inner_one_does(fake):
    texts = ["one fish", "two fish", "one fish"]
    cached = CachedEmbedder(FakeEmbedder())
    assert isinstance(cached, Embedder)
    np.testing.assert_array_equal(cached.encode(texts), fake.encode(texts))


def test_second_encode_is_served_from_the_store(fake):
    cached = CachedEmbedder(fake)
    first = cached.encode(["a red boat", "a blue boat"])
    assert fake.encoded == 2
    again = cached.encode(["a blue boat", "a red boat"])
    assert fake.encoded == 2  # nothing re-embedded
    np.testing.assert_array_equal(again, first[::-1])
    assert cached.hits == 2 and cached.misses == 2


def test_only_missing_texts_are_embedded_and_each_once(fake):
    cached = CachedEmbedder(fake)
    cached.encode(["known"])
    cached.encode(["known", "new", "new", "other"])
    assert fake.encoded == 3  # known once, then new and other once each


def test_store_is_keyed_by_model_name():
    store = InMemoryEmbeddingStore()
    a = FakeEmbedder(model_name="model-a")
    b = FakeEmbedder(dim=64, model_name="model-b")
    CachedEmbedder(a, store).encode(["shared text"])
    out = CachedEmbedder(b, store).encode(["shared text"])
    assert b.encoded == 1 and out.shape == (1, 64)
    assert set(store.get_many("model-a", [text_hash("shared text")])) == {text_hash("shared text")}


def test_store_vectors_cannot_be_corrupted_through_results(fake):
    store = InMemoryEmbeddingStore()
    cached = CachedEmbedder(fake, store)
    out = cached.encode(["text"])
    out[0, :] = 0
    np.testing.assert_allclose(np.linalg.norm(cached.encode(["text"])[0]), 1.0, rtol=1e-6)
    stored = store.get_many(fake.model_name, [text_hash("text")])[text_hash("text")]
    with pytest.raises(ValueError):
        stored[0] = 5.0


def test_vectors_of_another_length_under_the_same_name_are_replaced():
    store = InMemoryEmbeddingStore()
    store.put_many("fake-ngram-hash", {text_hash("old"): np.ones(8, dtype=np.float32) / np.sqrt(8)})
    inner = FakeEmbedder(dim=32)
    out = CachedEmbedder(inner, store).encode(["old", "new"])
    assert out.shape == (2, 32)
    assert store.get_many("fake-ngram-hash", [text_hash("old")])[text_hash("old")].shape == (32,)


def test_in_memory_store_follows_the_protocol():
    store = InMemoryEmbeddingStore()
    assert isinstance(store, EmbeddingStore)
    assert store.get_many("m", ["nope"]) == {}
    store.put_many("m", {})
    assert len(store) == 0


def test_concurrent_encodes_agree(fake):
    cached = CachedEmbedder(FakeEmbedder())
    texts = [f"paragraph {i} of the draft" for i in range(50)]
    results = []
    threads = [threading.Thread(target=lambda: results.append(cached.encode(texts))) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for r in results:
        np.testing.assert_array_equal(r, fake.encode(texts))


class CountingEmbedder:
    def __init__(self, inner):
        self.inner = inner
        self.model_name = inner.model_name
        self.texts_encoded = 0

    def encode(self, texts):
        self.texts_encoded += len(texts)
        return self.inner.encode(texts)


@pytest.mark.slow
def test_real_model_cache_hits_avoid_re_encoding(minilm):
    counting = CountingEmbedder(minilm)
    cached = CachedEmbedder(counting)
    texts = ["The tide came in over the rocks.", "She closed the book and looked out to sea."]
    first = cached.encode(texts)
    assert counting.texts_encoded == 2
    second = cached.encode(texts + ["A third, new sentence."])
    assert counting.texts_encoded == 3
    np.testing.assert_array_equal(second[:2], first)
    np.testing.assert_allclose(second, minilm.encode(texts + ["A third, new sentence."]), atol=1e-5)
