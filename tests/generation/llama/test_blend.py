"""The blend inside the model: a note's control vector, read and applied with the real default model."""

from __future__ import annotations

import numpy as np
import pytest

from cardwriter.errors import UserError
from cardwriter.generation.llama.blend import BlendedGenerator, ControlVector, middle_layers, note_direction
from cardwriter.generation.protocol import GenerationRequest, TextGenerator
from cardwriter.generation.results import collect

from ..conftest import SOURCE

NOTE = (
    "I cannot pretend to describe what I then felt. Words cannot convey the heart-sickening despair "
    "that I endured, the horror of the grave, the cold and the dark."
)
OTHER_NOTE = "The market opened at nine. Oranges, lemons and fresh bread were piled high on the stalls in the sun."


def texts(generator, **kw) -> list[str]:
    request = GenerationRequest(**{"source": SOURCE, "n": 2, "seed": 11, "max_tokens": 24, **kw})
    return [g.text for g in collect(generator, request)]


def test_middle_layers_skip_layer_zero_and_take_the_middle_third():
    assert middle_layers(30) == (10, 20)
    assert middle_layers(2) == (1, 1)


def test_the_buffer_has_llamacpp_layout_from_layer_one_and_is_scaled():
    directions = np.arange(12, dtype=np.float32).reshape(4, 3)
    buffer = ControlVector(directions, 1, 2).scaled(2.0).buffer()
    assert buffer.shape == (3, 3)  # layers 1..3
    assert buffer[0].tolist() == [6.0, 8.0, 10.0]
    assert buffer.flags["C_CONTIGUOUS"] and buffer.dtype == np.float32


@pytest.mark.slow
def test_the_direction_lives_on_the_middle_layers_and_depends_on_the_note(engine):
    vector = note_direction(engine, NOTE)
    other = note_direction(engine, OTHER_NOTE)
    norms = np.linalg.norm(vector.directions, axis=1)
    assert (norms[: vector.first] == 0).all() and (norms[vector.last + 1 :] == 0).all()
    assert (norms[vector.first : vector.last + 1] > 0).all()
    middle = slice(vector.first, vector.last + 1)
    cosine = float(
        (vector.directions[middle] * other.directions[middle]).sum()
        / (np.linalg.norm(vector.directions[middle]) * np.linalg.norm(other.directions[middle]))
    )
    assert cosine < 0.95, "two unrelated notes should point different ways"


@pytest.mark.slow
def test_strength_zero_writes_as_without_and_a_blend_changes_the_text(engine):
    plain = texts(engine)
    vector = note_direction(engine, NOTE)
    blended = BlendedGenerator(engine, vector.scaled(1.0))
    assert isinstance(blended, TextGenerator)
    assert texts(BlendedGenerator(engine, vector.scaled(0.0))) == plain
    steered = texts(blended)
    assert steered != plain
    assert all(t.strip() for t in steered)
    # the vector is cleared afterwards: the engine alone writes as before (no stale prefix either)
    assert texts(engine) == plain


@pytest.mark.slow
def test_a_negative_strength_or_an_empty_note_is_refused(engine):
    with pytest.raises(UserError, match="strength"):
        BlendedGenerator.for_note(engine, NOTE, -1.0)
    with pytest.raises(UserError, match="empty"):
        note_direction(engine, "")
