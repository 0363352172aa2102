import numpy as np

from cardwriter.embedding.embedder import Embedder
from cardwriter.embedding.fake_embedder import FakeEmbedder


def test_is_an_embedder_with_unit_float32_rows(fake):
    assert isinstance(fake, Embedder)
    out = fake.encode(["The old keeper climbed the stairs.", "", "Rain."])
    assert out.dtype == np.float32 and out.shape == (3, fake.dim)
    np.testing.assert_allclose(np.linalg.norm(out, axis=1), 1.0, rtol=1e-6)


def test_same_text_same_vector_across_instances():
    a = FakeEmbedder().encode(["a lighthouse at dusk"])
    b = FakeEmbedder().encode(["a lighthouse at dusk"])
    np.testing.assert_array_equal(a, b)


def test_similar_texts_are_closer_than_unrelated_ones(fake):
    base, edit, other = fake.encode(
        [
            "The old keeper climbed the stairs of the lighthouse at dusk.",
            "The old keeper slowly climbed the stairs of the lighthouse at dusk.",
            "Quarterly revenue grew by eight percent across retail stores.",
        ]
    )
    assert base @ edit > 0.8
    assert base @ other < 0.3


def test_empty_input_and_call_counting(fake):
    assert fake.encode([]).shape == (0, fake.dim)
    fake.encode(["x", "y"])
    assert fake.calls == 2 and fake.encoded == 2
